/* ports.c - the Ports model and its collector. See ports.h; the checks
 * (analyse) are in ports_check.c. */
#include "diag/ports/ports.h"
#include "diag/servers/servers.h"
#include "diag/core/selfconn.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- limits --- */

int qt_ports_limit(const qt_ctx *ctx, const qt_snapshot *snap, unsigned port, const char **source)
{
    /* the running server's own -c beats --limit, which is only the fallback */
    if (snap && snap->servers) {
        int l = qt_servers_limit(snap->servers, port, source);
        if (l > 0)
            return l;
    }
    if (ctx->limit) {
        if (source)
            *source = "--limit";
        return (int)ctx->limit;
    }
    if (source)
        *source = NULL;
    return -1;
}

/* --- addresses --- */

void qt_ip_str(const struct qt_ip *ip, char *out, size_t n)
{
    qt_addr_str(ip->family, ip->addr, out, n);
}

const struct qt_ip *qt_ports_find_ip(const qt_sockets *m, const char *text)
{
    uint8_t a[16] = {0};
    int fam = strchr(text, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(fam, text, a) != 1)
        return NULL;
    for (size_t i = 0; i < m->nips; i++)
        if (m->ips[i].family == fam && memcmp(m->ips[i].addr, a, fam == AF_INET ? 4 : 16) == 0)
            return &m->ips[i];
    return NULL;
}

int qt_ports_ip_hogs(const qt_sockets *m, const struct qt_ip *ip, int svc)
{
    unsigned total, c;
    if (svc < 0 || svc >= m->nsvc)
        return 0;
    total = m->svc[svc].established + m->svc[svc].close_wait;
    c = ip->count[svc];
    return c > QT_PORTS_IP_MIN && c > QT_PORTS_IP_SHARE * total;
}

int qt_ports_ip_hog_svc(const qt_sockets *m, const char *text, unsigned *count)
{
    const struct qt_ip *ip = m && text ? qt_ports_find_ip(m, text) : NULL;
    int best = -1;
    for (int i = 0; ip && i < m->nsvc; i++)
        if (qt_ports_ip_hogs(m, ip, i) && (best < 0 || ip->count[i] > ip->count[best]))
            best = i;
    if (count)
        *count = best >= 0 ? ip->count[best] : 0;
    return best;
}

double qt_ports_age(const qt_sockets *m, size_t k)
{
    if (k >= m->socks.n || !m->own || m->own[k].start <= 0)
        return -1;
    return m->now - m->own[k].start;
}

/* --- building the model --- */

struct iptab {
    size_t *slot;      /* index+1 into ips, 0 = empty */
    size_t cap;
};

static size_t ip_hash(int fam, const uint8_t *a)
{
    return (size_t)qt_fnv1a(QT_FNV1A_INIT ^ (uint64_t)fam, a, fam == AF_INET ? 4 : 16);
}

static struct qt_ip *ip_get(qt_sockets *m, size_t *cap, struct iptab *t, const struct qt_sock *s)
{
    size_t alen = s->family == AF_INET ? 4 : 16;
    size_t i = ip_hash(s->family, s->raddr) & (t->cap - 1);
    struct qt_ip *ip;

    while (t->slot[i]) {
        ip = &m->ips[t->slot[i] - 1];
        if (ip->family == s->family && memcmp(ip->addr, s->raddr, alen) == 0)
            return ip;
        i = (i + 1) & (t->cap - 1);
    }
    qt_grow(&m->ips, cap, m->nips + 1, sizeof *m->ips);
    ip = &m->ips[m->nips++];
    memset(ip, 0, sizeof *ip);
    ip->family = s->family;
    memcpy(ip->addr, s->raddr, alen);
    t->slot[i] = m->nips;
    return ip;
}

static int by_total(const void *a, const void *b)
{
    const struct qt_ip *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? 1 : -1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->addr, y->addr, 16);
}

static int wildcard(const struct qt_listener *l)
{
    static const uint8_t zero[16];
    return memcmp(l->laddr, zero, l->family == AF_INET ? 4 : 16) == 0;
}

/* The listener a not-yet-accepted connection waits on: same address, else
 * a wildcard of its family, else a dual-stack [::] for a v4-mapped one. */
static struct qt_listener *listener_for(qt_sockets *m, const struct qt_sock *s)
{
    struct qt_listener *wild = NULL, *dual = NULL;
    for (size_t i = 0; i < m->nlisteners; i++) {
        struct qt_listener *l = &m->listeners[i];
        if (l->svc != s->svc)
            continue;
        if (l->family == s->family && memcmp(l->laddr, s->laddr, s->family == AF_INET ? 4 : 16) == 0)
            return l;
        if (l->family == s->family && wildcard(l))
            wild = l;
        else if (l->family == AF_INET6 && wildcard(l) && (s->flags & QT_SOCK_V4MAPPED))
            dual = l;
    }
    return wild ? wild : dual;
}

void qt_ports_build(qt_sockets *m, const qt_ctx *ctx)
{
    size_t ipcap = 0, lcap = 0;
    struct iptab t;

    m->nsvc = ctx->nservices;
    memset(m->svc, 0, sizeof m->svc);
    t.cap = 64;
    while (t.cap < 2 * m->socks.n + 2)
        t.cap *= 2;
    t.slot = qt_calloc(t.cap, sizeof *t.slot);

    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        if (s->state == QT_TCP_LISTEN && s->svc >= 0) {
            struct qt_listener *l;
            qt_grow(&m->listeners, &lcap, m->nlisteners + 1, sizeof *m->listeners);
            l = &m->listeners[m->nlisteners++];
            memset(l, 0, sizeof *l);
            l->svc = s->svc;
            l->family = s->family;
            memcpy(l->laddr, s->laddr, 16);
            l->accept_queue = s->rqueue;
            l->backlog = s->wqueue;
            l->pid = m->own ? m->own[k].pid : 0;
            if (!l->pid && s->svc < QT_MAX_SERVICES)
                m->svc[s->svc].listener_hidden++;
        }
    }
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        const struct qt_owner *o = m->own ? &m->own[k] : NULL;
        struct qt_svc_stats *v;
        struct qt_ip *ip;
        double start;

        if (s->svc < 0 || s->svc >= QT_MAX_SERVICES)
            continue;
        v = &m->svc[s->svc];
        switch (s->state) {
        case QT_TCP_LISTEN:
            v->listeners++;
            v->accept_queue += s->rqueue;
            v->backlog += s->wqueue;
            if (!v->listener_pid && o)
                v->listener_pid = o->pid;
            continue;
        case QT_TCP_SYN_RECV:
            v->syn_recv++;
            continue;
        case QT_TCP_ESTABLISHED:
            v->established++;
            break;
        case QT_TCP_CLOSE_WAIT:
            v->close_wait++;
            break;
        default:
            continue;
        }
        if (!s->inode) {
            struct qt_listener *l = listener_for(m, s);
            v->queued++;
            if (l)
                l->queued++;
        } else {
            v->accepted++;
        }
        start = o ? o->start : 0;
        if (o) {
            v->stage[o->stage < QT_STAGE_COUNT ? o->stage : QT_STAGE_UNKNOWN]++;
            if (o->stage == QT_STAGE_HANDSHAKE || o->stage == QT_STAGE_STARTING)
                v->stalled++;
            else if (qt_ports_stage_hidden(m, k))
                v->stalled_unknown++;
            if (o->stage == QT_STAGE_HANDSHAKE && start > 0) {
                if (m->now - start > QT_PORTS_HANDSHAKE_OLD)
                    v->hs_old++;
                if (!v->hs_oldest || start < v->hs_oldest)
                    v->hs_oldest = start;
            }
        }
        /* a probe's or the wizard's connection holds a slot, but it is no
         * client (diag/core/selfconn.h): not in the per-IP table */
        if (qt_selfconn_match_addr(s->family, s->raddr, s->rport, m->now)) {
            m->own_conns++;
            continue;
        }
        ip = ip_get(m, &ipcap, &t, s);
        ip->total++;
        ip->count[s->svc]++;
        if (o && (o->stage == QT_STAGE_HANDSHAKE || o->stage == QT_STAGE_STARTING))
            ip->stalled++;
        else if (qt_ports_stage_hidden(m, k))
            ip->stalled_unknown++;
        if (start > 0 && (!ip->oldest || start < ip->oldest))
            ip->oldest = start;
        if (s->flags & QT_SOCK_HAS_BYTES) {
            ip->bytes_in += s->bytes_received;
            ip->bytes_out += s->bytes_acked;
            ip->with_bytes++;
        }
    }
    free(t.slot);
    if (m->nips > 1)
        qsort(m->ips, m->nips, sizeof *m->ips, by_total);
}

void qt_ports_free(qt_sockets *m)
{
    if (!m)
        return;
    qt_socklist_free(&m->socks);
    free(m->own);
    free(m->listeners);
    free(m->ips);
    free(m->noconn);
    free(m);
}

/* --- the collector --- */

static int covers(const struct qt_sock *l, const struct qt_sock *s)
{
    static const uint8_t zero[16];
    size_t al = l->family == AF_INET ? 4 : 16;
    if (l->family == s->family && (memcmp(l->laddr, s->laddr, al) == 0 || memcmp(l->laddr, zero, al) == 0))
        return 1;
    /* a dual-stack [::] listener accepts v4 clients (stored unmapped) */
    return l->family == AF_INET6 && (s->flags & QT_SOCK_V4MAPPED) && memcmp(l->laddr, zero, 16) == 0;
}

/* Drop sockets that merely use a watched port as their source port: an
 * outgoing connection from another local address (possible when the port
 * lies in the ephemeral range). A connection counts for a service when a
 * listener of the service covers its local address; with no listener at
 * all (the server died), every socket on the port still counts. */
static void drop_foreign(qt_socklist *l)
{
    enum { MAXL = 64 };
    struct qt_sock lst[MAXL];
    int nl = 0, per_svc[QT_MAX_SERVICES] = {0};
    size_t j = 0;

    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].state == QT_TCP_LISTEN && l->v[k].svc >= 0 && l->v[k].svc < QT_MAX_SERVICES) {
            per_svc[l->v[k].svc]++;
            if (nl < MAXL)
                lst[nl++] = l->v[k];
        }
    if (nl == MAXL) /* more listeners than expected: keep everything rather than guess */
        return;
    for (size_t k = 0; k < l->n; k++) {
        const struct qt_sock *s = &l->v[k];
        int keep = s->state == QT_TCP_LISTEN || s->svc < 0 || s->svc >= QT_MAX_SERVICES || !per_svc[s->svc];
        for (int i = 0; i < nl && !keep; i++)
            keep = lst[i].svc == s->svc && covers(&lst[i], s);
        if (keep)
            l->v[j++] = *s;
    }
    l->n = j;
}

int qt_ports_want_info(int want_bytes, int known, unsigned tls_svcs)
{
    return want_bytes || !known || tls_svcs != 0;
}

/* What the collector keeps across samples. */
struct ports_state {
    qt_stage_state *stage;   /* socket -> owner map, scanned processes */
    size_t last_n;           /* sockets last time: reserve that much up front */
    int known;               /* tls_svcs comes from a sample with a process table */
    unsigned tls_svcs;       /* services with a TLS front end, last sample */
    struct qt_slot_child *noconn; /* children with no connection last sample (qt_ports_slots_confirm) */
    size_t nnoconn;
    int slots_seen;          /* a sample with a process table counted them */
};

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    struct ports_state *ps = *state ? *state : (*state = qt_calloc(1, sizeof(struct ports_state)));
    qt_sockets *m = qt_calloc(1, sizeof *m);
    unsigned ports[QT_MAX_SERVICES];
    struct qt_sockfilter f = {.ports = ports, .nports = ctx->nservices, .states = QT_SOCK_STATES};
    double t0 = qt_now_mono(), c0 = qt_now_cpu();

    for (int i = 0; i < ctx->nservices; i++)
        ports[i] = ctx->services[i].port;
    /* growing by doubling while 50k sockets arrive costs copies and faults */
    if (ps->last_n)
        qt_grow(&m->socks.v, &m->socks.cap, ps->last_n + ps->last_n / 8 + 16, sizeof *m->socks.v);
    m->tcp_info = qt_ports_want_info(ctx->want_bytes, ps->known, ps->tls_svcs);
    if (qt_sock_read(ctx, &f, m->tcp_info, &m->socks, &m->backend, m->fallback_why, sizeof m->fallback_why, err,
                     errlen) != 0) {
        if (m->fallback_why[0]) {
            /* both sources failed: say both */
            char e[256];
            snprintf(e, sizeof e, "%s", err);
            snprintf(err, errlen, "%s; and %s", m->fallback_why, e);
        }
        qt_ports_free(m);
        return -1;
    }
    drop_foreign(&m->socks);
    /* exact size: at 50k sockets the doubling slack is over a megabyte */
    m->socks.v = qt_realloc(m->socks.v, (m->socks.n ? m->socks.n : 1) * sizeof *m->socks.v);
    m->socks.cap = m->socks.n ? m->socks.n : 1;
    ps->last_n = m->socks.n;
    m->dump_took = qt_now_mono() - t0;
    m->dump_cpu = qt_now_cpu() - c0;
    m->now = qt_ctx_now(ctx);
    m->euid = (unsigned)geteuid();
    m->own = qt_calloc(m->socks.n ? m->socks.n : 1, sizeof *m->own);
    qt_stage_map(&ps->stage, ctx, snap->procs, m->socks.v, m->socks.n, m->own, &m->stage);
    ps->known = snap->procs != NULL;
    ps->tls_svcs = m->stage.tls_svcs;
    qt_ports_build(m, ctx);
    qt_ports_slots(m, ctx, snap->procs);
    if (snap->procs) {
        struct qt_slot_child *cand;
        size_t ncand;
        qt_ports_slots_confirm(m, ps->noconn, ps->nnoconn, ps->slots_seen, &cand, &ncand);
        free(ps->noconn);
        ps->noconn = cand;
        ps->nnoconn = ncand;
        ps->slots_seen = 1;
    }
    snap->sockets = m;
    return 0;
}

#define STALLED_HELP "connections whose mail program is not running yet (TLS handshake pending or starting)"

static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    const qt_sockets *m = snap->sockets;
    if (!m)
        return;
    for (int i = 0; i < m->nsvc && i < ctx->nservices; i++) {
        const struct qt_service *sv = &ctx->services[i];
        const struct qt_svc_stats *v = &m->svc[i];
        int limit = qt_ports_limit(ctx, snap, sv->port, NULL);
        qt_metrics_add(out, "established", sv->name, sv->port, v->established, limit,
                       "ESTABLISHED TCP connections on the service's port");
        if (v->stalled_unknown) {
            /* unknown, never zero: perfdata U, no Prometheus sample, bounds for --check */
            char why[160];
            qt_ports_hidden_why(m, i, why, sizeof why);
            qt_metrics_add_unknown(out, "stalled", sv->name, sv->port, v->stalled,
                                   (double)v->stalled + v->stalled_unknown, limit, STALLED_HELP, why);
        } else {
            qt_metrics_add(out, "stalled", sv->name, sv->port, v->stalled, limit, STALLED_HELP);
        }
        qt_metrics_add(out, "queued", sv->name, sv->port, v->queued, -1,
                       "connections not accepted yet (socket inode 0)");
        qt_metrics_add(out, "accept_queue", sv->name, sv->port, v->accept_queue, v->backlog ? (double)v->backlog : -1.0,
                       "connections waiting in the listening sockets' accept queue (Recv-Q)");
        qt_metrics_add(out, "syn_recv", sv->name, sv->port, v->syn_recv, -1, "half-open connections (SYN-RECV)");
        qt_metrics_add(out, "close_wait", sv->name, sv->port, v->close_wait, -1,
                       "connections closed by the client that the server still holds (CLOSE-WAIT)");
        if (limit >= 0)
            qt_metrics_add(out, "limit", sv->name, sv->port, limit, -1, "connection limit (tcpserver -c)");
    }
}

static void free_model(qt_snapshot *snap)
{
    qt_ports_free(snap->sockets);
    snap->sockets = NULL;
}

static void free_state(void *state)
{
    struct ports_state *ps = state;
    if (!ps)
        return;
    qt_stage_state_free(ps->stage);
    free(ps->noconn);
    free(ps);
}

const qt_collector qt_collector_sockets = {
    .id = QT_SRC_SOCKETS,
    .name = "sockets",
    .collect = collect,
    .measure = measure,
    .analyse = qt_ports_analyse,
    .free_model = free_model,
    .free_state = free_state,
};

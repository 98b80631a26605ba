/* ports_check.c - the Ports checks: limits, accept queue, stuck TLS
 * handshakes, one client holding a service. Pure: snapshot in, findings
 * out. Thresholds are in ports.h. */
#include "diag/ports/ports.h"
#include "diag/firewall/firewall.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/core/severity.h"

#define SRC "ports"
#define MAX_LIST 10      /* evidence lines listing connections or pids */

static const char *proc_name(const qt_snapshot *snap, int pid)
{
    const struct qt_proc *p = snap->procs && pid > 0 ? qt_procs_find(snap->procs, pid) : NULL;
    return p ? qt_proc_name(p) : "?";
}

static void age_str(double secs, char *out, size_t n)
{
    if (secs < 0)
        snprintf(out, n, "age unknown");
    else
        qt_fmt_age(secs, out, n);
}

/* Connections of service i in stage st, oldest first (unknown ages last). */
static size_t conns_in(const qt_sockets *m, int svc, unsigned st, size_t *idx, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        double a = qt_ports_age(m, k);
        size_t j;
        if (s->svc != svc || m->own[k].stage != st)
            continue;
        /* insertion into the (short) list of the oldest */
        for (j = n; j > 0 && qt_ports_age(m, idx[j - 1]) < a; j--)
            if (j < max)
                idx[j] = idx[j - 1];
        if (j < max) {
            idx[j] = k;
            if (n < max)
                n++;
        }
    }
    return n;
}

static void conn_line(qt_finding *f, const qt_snapshot *snap, const qt_sockets *m, size_t k)
{
    const struct qt_sock *s = &m->socks.v[k];
    const struct qt_owner *o = &m->own[k];
    char ip[64], age[32];
    qt_addr_str(s->family, s->raddr, ip, sizeof ip);
    age_str(qt_ports_age(m, k), age, sizeof age);
    if (s->flags & QT_SOCK_HAS_BYTES)
        qt_finding_evidence(f, "%s port %u: pid %d (%s), %s, %llu bytes received", ip, s->rport, o->pid,
                            proc_name(snap, o->pid), age, (unsigned long long)s->bytes_received);
    else
        qt_finding_evidence(f, "%s port %u: pid %d (%s), %s", ip, s->rport, o->pid, proc_name(snap, o->pid), age);
}

/* "kill PID PID ..." for per-connection owners of the given connections. */
static void kill_line(qt_finding *f, const qt_sockets *m, const size_t *idx, size_t n)
{
    qt_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        const struct qt_owner *o = &m->own[idx[i]];
        if (o->pid > 0 && o->start > 0) /* a per-connection child, never a listener */
            qt_buf_printf(&b, " %d", o->pid);
    }
    if (b.len)
        qt_finding_fix(f, "kill%s", qt_buf_str(&b));
    qt_buf_free(&b);
}

/* the firewall lines, in the words of the tool in use (diag/firewall: the
 * one writer of them); family 0: both */
static void fix_lines(qt_finding *f, const qt_snapshot *snap, int family, const char *ip, unsigned port, const char *svc)
{
    qt_buf b = {0};
    qt_fw_lines_port(snap ? snap->firewall : NULL, family, ip, port, svc, &b);
    qt_finding_fix_lines(f, b.s, 0);
    qt_buf_free(&b);
}

/* What bounds (or does not bound) the TLS handshake for this front end (docs/domain/ucspi.md#handshake-deadlines). */
static void handshake_advice(qt_finding *f, const qt_snapshot *snap, int listener_pid)
{
    const struct qt_proc *p = snap->procs && listener_pid > 0 ? qt_procs_find(snap->procs, listener_pid) : NULL;
    const char *n = p ? qt_proc_name(p) : "";

    if (strncmp(n, "tcpserver", 9) == 0)
        qt_finding_explain(f, "The SSL-patched tcpserver has no TLS handshake timeout: its child blocks in "
                              "SSL_accept() until the client leaves, holding one -c slot. Its -t option is the "
                              "ident timeout, not a TLS one, and -T does not exist.");
    else if (strcmp(n, "sslserver") == 0)
        qt_finding_explain(f, "sslserver bounds the handshake with -T (default 26 s); a handshake pending this "
                              "long means -T was raised or the client trickles bytes.");
    else if (strcmp(n, "socat") == 0)
        qt_finding_explain(f, "socat OPENSSL-LISTEN has no handshake deadline (-T covers idle data, not the "
                              "handshake).");
    else if (strncmp(n, "stunnel", 7) == 0)
        qt_finding_explain(f, "stunnel drops a silent client after TIMEOUTbusy; check that it is set low.");
    qt_finding_explain(f, "TCP keepalive does not help: a silent client's kernel answers the probes.");
    qt_finding_fix(f, "# a front end with a handshake deadline, e.g. sslserver -T 26 ..., or stunnel with TIMEOUTbusy = 30");
}

/* The remote address holding most of service svc's stalled handshakes
 * (stage handshake, older than QT_PORTS_HANDSHAKE_OLD) into ip; returns how
 * many it holds (0: none). For the incident's impact line. */
static int cmp_raddr(const void *a, const void *b, void *socks)
{
    const struct qt_sock *v = socks, *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->raddr, y->raddr, sizeof x->raddr);
}

static unsigned top_stalled(const qt_sockets *m, int svc, char *ip, size_t iplen)
{
    size_t *idx = qt_calloc(m->socks.n ? m->socks.n : 1, sizeof *idx), n = 0, best = 0, run = 0;
    size_t bestk = 0;

    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_owner *o = &m->own[k];
        if (m->socks.v[k].svc == svc && o->stage == QT_STAGE_HANDSHAKE && o->start > 0 &&
            m->now - o->start > QT_PORTS_HANDSHAKE_OLD)
            idx[n++] = k;
    }
    qsort_r(idx, n, sizeof *idx, cmp_raddr, m->socks.v);   /* glibc's qsort_r: the list as context */
    for (size_t i = 0; i < n; i++) {
        run = i && cmp_raddr(&idx[i - 1], &idx[i], m->socks.v) == 0 ? run + 1 : 1;
        if (run > best) {
            best = run;
            bestk = idx[i];
        }
    }
    if (best)
        qt_addr_str(m->socks.v[bestk].family, m->socks.v[bestk].raddr, ip, iplen);
    free(idx);
    return (unsigned)best;
}

static void top_ips(qt_finding *f, const qt_sockets *m, int svc)
{
    int shown = 0;
    /* ips are sorted by total over all services; good enough for the top few of one */
    for (size_t i = 0; i < m->nips && shown < 3; i++) {
        char ip[64];
        if (!m->ips[i].count[svc])
            continue;
        qt_ip_str(&m->ips[i], ip, sizeof ip);
        qt_finding_evidence(f, "client %s holds %u", ip, m->ips[i].count[svc]);
        shown++;
    }
}

static void stage_line(qt_finding *f, const struct qt_svc_stats *v)
{
    qt_buf b = {0};
    for (unsigned st = QT_STAGE_QUEUED; st < QT_STAGE_COUNT; st++)
        if (v->stage[st])
            qt_buf_printf(&b, "%s%u %s", b.len ? ", " : "", v->stage[st], qt_stage_name(st));
    if (b.len)
        qt_finding_evidence(f, "by stage: %s", qt_buf_str(&b));
    qt_buf_free(&b);
}

static int check_limit(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    const char *src;
    int limit = qt_ports_limit(ctx, snap, sv->port, &src);
    unsigned waiting = v->accept_queue > v->queued ? v->accept_queue : v->queued;
    enum qt_sev sev;
    char id[96];
    qt_finding *f;

    /* docs/severity.md: the queue is reported by check_queue; here the
     * share of the limit held by accepted connections (plus the queue) */
    if (limit <= 0)
        return 0;
    sev = qt_sev_saturation(v->accepted + v->noconn + waiting, 0, limit); /* noconn: ports_slots.c */
    if (sev == QT_SEV_OK)
        return 0;
    snprintf(id, sizeof id, "ports.limit:%s", sv->name);
    if (v->accepted + v->noconn >= (unsigned)limit)
        f = qt_findings_add(out, sev, SRC, id, "Service at its connection limit");
    else
        f = qt_findings_add(out, sev, SRC, id, "Service near its connection limit");
    qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
    /* docs/incidents.md: saturation, what the clients of this service feel */
    qt_finding_incident(f, "saturation", sv->name, "%s %u: %u of %d slots taken; %u waiting to be accepted",
                        sv->name, sv->port, v->accepted, limit, waiting);
    qt_finding_evidence(f, "%u accepted connections of a limit of %d (%s); %.0f%%", v->accepted, limit,
                        src ? src : "?", 100.0 * v->accepted / limit);
    stage_line(f, v);
    if (v->noconn)
        qt_finding_evidence(f, "and %u slots held by children with no connection", v->noconn);
    if (v->accept_queue || v->queued)
        qt_finding_evidence(f, "%u more waiting to be accepted", v->accept_queue > v->queued ? v->accept_queue : v->queued);
    top_ips(f, m, i);
    qt_finding_explain(f, "tcpserver runs at most -c children. When all are taken it stops accepting: new "
                          "clients complete TCP but wait in the kernel's accept queue with no banner until a "
                          "slot frees. Slots held by clients that never finish TLS free only when they leave.");
    fix_lines(f, snap, 0, NULL, sv->port, sv->name);
    qt_finding_fix(f, "# then raise -c in the run script only if memory allows (one process per connection)");
    return 1;
}

static int check_queue(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    int full = 0;
    char id[96];
    qt_finding *f;

    if (!v->accept_queue)
        return 0;
    for (size_t l = 0; l < m->nlisteners; l++)
        if (m->listeners[l].svc == i && m->listeners[l].backlog &&
            m->listeners[l].accept_queue >= m->listeners[l].backlog)
            full = 1;
    snprintf(id, sizeof id, "ports.accept-queue:%s", sv->name);
    /* docs/severity.md: anything queued is CRIT (clients wait with no banner now) */
    f = qt_findings_add(out, qt_sev_saturation(0, v->accept_queue, 0), SRC, id,
                        full ? "Accept queue full: new connections are dropped" : "Clients waiting to be accepted");
    qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
    {
        int limit = qt_ports_limit(ctx, snap, sv->port, NULL);
        char lim[48] = "";
        if (limit > 0)
            snprintf(lim, sizeof lim, "; %u of %d slots taken", v->accepted, limit);
        qt_finding_incident(f, "saturation", sv->name, "%s %u: %u clients waiting to be accepted, no banner%s%s",
                            sv->name, sv->port, v->accept_queue, full ? " (queue full: new ones dropped)" : "", lim);
    }
    for (size_t l = 0; l < m->nlisteners; l++) {
        const struct qt_listener *L = &m->listeners[l];
        char a[64], pid[96];
        if (L->svc != i)
            continue;
        qt_addr_str(L->family, L->laddr, a, sizeof a);
        qt_ports_pid_str(m, snap, L->pid, pid, sizeof pid);
        if (L->backlog)
            qt_finding_evidence(f, "%s%s%s:%u: %u waiting (Recv-Q) of a backlog of %u; listener %s",
                                L->family == AF_INET6 ? "[" : "", a, L->family == AF_INET6 ? "]" : "", sv->port,
                                L->accept_queue, L->backlog, pid);
        else
            qt_finding_evidence(f, "%s%s%s:%u: %u waiting (Recv-Q); listener %s",
                                L->family == AF_INET6 ? "[" : "", a, L->family == AF_INET6 ? "]" : "", sv->port,
                                L->accept_queue, pid);
    }
    qt_finding_evidence(f, "%u connections seen with no process (inode 0)", v->queued);
    qt_finding_explain(f, "The kernel finished these TCP handshakes but the server has not accepted them: "
                          "the clients see a silent connection and no banner. A tcpserver at its -c limit "
                          "stops accepting until a child exits.");
    if (full)
        qt_finding_explain(f, "With the queue full, the kernel drops new SYNs: clients retry, then fail.");
    if (v->stage[QT_STAGE_HANDSHAKE]) {
        size_t idx[64];
        size_t n = conns_in(m, i, QT_STAGE_HANDSHAKE, idx, 64);
        qt_finding_fix(f, "# free slots held by the oldest pending TLS handshakes:");
        kill_line(f, m, idx, n);
    }
    fix_lines(f, snap, 0, NULL, sv->port, sv->name);
    return 1;
}

static int check_handshakes(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    size_t idx[MAX_LIST], kidx[64], n, kn;
    char id[96], oldest[32];
    qt_finding *f;

    int limit = qt_ports_limit(ctx, snap, sv->port, NULL);

    if (!v->hs_old)
        return 0;
    snprintf(id, sizeof id, "ports.handshake:%s", sv->name);
    /* docs/severity.md: CRIT when they hold >= QT_SEV_STALL_CRIT of the limit */
    f = qt_findings_add(out, qt_sev_stall(v->hs_old, limit), SRC, id, "TLS handshakes stuck for more than 30 s");
    qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
    age_str(m->now - v->hs_oldest, oldest, sizeof oldest);
    {
        char ip[64], top[96] = "", held[64];
        unsigned c = top_stalled(m, i, ip, sizeof ip);
        if (c > 1)
            snprintf(top, sizeof top, "; %u from %s", c, ip);
        if (limit > 0)
            snprintf(held, sizeof held, "%u of %d slots", v->hs_old, limit);
        else
            snprintf(held, sizeof held, "%u slots (limit unknown)", v->hs_old);
        qt_finding_incident(f, "tls-stall", sv->name, "%s %u: %s held by connections that never finished TLS; "
                            "oldest %s%s", sv->name, sv->port, held, oldest, top);
    }
    qt_finding_evidence(f, "%u connections in handshake pending for more than %.0f s; oldest %s", v->hs_old,
                        QT_PORTS_HANDSHAKE_OLD, oldest);
    if (limit > 0)
        qt_finding_evidence(f, "they hold %.0f%% of the limit of %d (CRIT from %.0f%%)", 100.0 * v->hs_old / limit, limit,
                            100.0 * QT_SEV_STALL_CRIT);
    n = conns_in(m, i, QT_STAGE_HANDSHAKE, idx, MAX_LIST);
    for (size_t k = 0; k < n; k++)
        conn_line(f, snap, m, idx[k]);
    if (v->hs_old > n)
        qt_finding_evidence(f, "... and %u more", v->hs_old - (unsigned)n);
    qt_finding_explain(f, "TCP is up but TLS never completed, so the mail program never ran: each such "
                          "client holds a server slot (scanners, slow-loris clients).");
    handshake_advice(f, snap, v->listener_pid);
    kn = conns_in(m, i, QT_STAGE_HANDSHAKE, kidx, 64);
    qt_finding_fix(f, "# end the oldest stuck handshakes now (per-connection processes only):");
    kill_line(f, m, kidx, kn);
    fix_lines(f, snap, 0, NULL, sv->port, sv->name);
    return 1;
}

static int check_ips(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    unsigned total = v->established + v->close_wait;
    int limit = qt_ports_limit(ctx, snap, sv->port, NULL);
    int fired = 0;

    for (size_t k = 0; k < m->nips; k++) {
        const struct qt_ip *ip = &m->ips[k];
        unsigned c = ip->count[i];
        char txt[64], id[128], age[32];
        qt_finding *f;
        int crit;
        if (!qt_ports_ip_hogs(m, ip, i))
            continue;
        crit = qt_sev_ip_crit(c, limit);   /* docs/severity.md */
        qt_ip_str(ip, txt, sizeof txt);
        snprintf(id, sizeof id, "ports.ip-share:%s:%s", sv->name, txt);
        f = qt_findings_add(out, crit ? QT_SEV_CRIT : QT_SEV_WARN, SRC, id, "One client holds many connections");
        qt_finding_subject(f, "%s on %s (%u)", txt, sv->name, sv->port);
        if (limit > 0)
            qt_finding_incident(f, "ip-hog", sv->name, "%s %u: %s holds %u of %u connections, %.0f%% of the limit of %d",
                                sv->name, sv->port, txt, c, total, 100.0 * c / limit, limit);
        else
            qt_finding_incident(f, "ip-hog", sv->name, "%s %u: %s holds %u of %u connections (limit unknown)",
                                sv->name, sv->port, txt, c, total);
        qt_finding_evidence(f, "%s holds %u of %u connections (%.0f%%)%s", txt, c, total, 100.0 * c / total,
                            limit > 0 ? "" : "; no -c limit known");
        if (limit > 0)
            qt_finding_evidence(f, "that is %.0f%% of the limit of %d", 100.0 * c / limit, limit);
        if (ip->stalled_unknown) {
            char why[160];
            qt_ports_hidden_why(m, -1, why, sizeof why);
            qt_finding_evidence(f, "how many of its connections have no mail program running: unknown, %u seen and "
                                   "%u not visible (%s)", ip->stalled, ip->stalled_unknown, why);
        } else if (ip->stalled) {
            qt_finding_evidence(f, "%u of its connections (all services) have no mail program running", ip->stalled);
        }
        age_str(ip->oldest > 0 ? m->now - ip->oldest : -1, age, sizeof age);
        qt_finding_evidence(f, "oldest connection: %s", age);
        qt_finding_explain(f, "More than %d connections from one address is rarely a real mail client; with "
                              "a -c limit, one address can lock everybody else out.", QT_PORTS_IP_MIN);
        fix_lines(f, snap, ip->family, txt, sv->port, sv->name);
        fired = 1;
    }
    return fired;
}

static void check_unknown(const qt_ctx *ctx, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    unsigned why[QT_WHY_COUNT] = {0};
    char id[96];
    qt_finding *f;

    if (!v->stage[QT_STAGE_UNKNOWN])
        return;
    for (size_t k = 0; k < m->socks.n; k++)
        if (m->socks.v[k].svc == i && m->own[k].stage == QT_STAGE_UNKNOWN && m->own[k].why < QT_WHY_COUNT)
            why[m->own[k].why]++;
    snprintf(id, sizeof id, "ports.unknown:%s", sv->name);
    f = qt_findings_add(out, QT_SEV_INFO, SRC, id, "Connection stage not visible for some connections");
    qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
    for (unsigned w = 0; w < QT_WHY_COUNT; w++)
        if (why[w])
            qt_finding_evidence(f, "%u: %s", why[w], qt_stage_why_text(w));
    if (m->stage.unreadable)
        qt_finding_evidence(f, "%u processes' fd lists could not be read", m->stage.unreadable);
    if (v->stalled_unknown) {
        char why[160];
        qt_ports_hidden_why(m, i, why, sizeof why);
        /* unknown, never zero: say what could not be counted or checked */
        qt_finding_evidence(f, "stalled: unknown, between %u and %u (%s)", v->stalled,
                            v->stalled + v->stalled_unknown, why);
        qt_finding_evidence(f, "not evaluated for these %u connections: stuck TLS handshakes (more than %.0f s)",
                            v->stalled_unknown, QT_PORTS_HANDSHAKE_OLD);
    }
    qt_finding_explain(f, "qtriage reports what it cannot see instead of guessing.");
    if (why[QT_WHY_UNREADABLE] || m->euid != 0)
        qt_finding_fix(f, "# run qtriage as root to see every process's sockets");
}

void qt_ports_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_sockets *m = snap->sockets;
    (void)hist;

    if (!m) {
        if (snap->src[QT_SRC_SOCKETS].state == QT_SRC_FAILED) {
            qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, "ports.collector", "Cannot read the sockets");
            qt_finding_evidence(f, "%s", snap->src[QT_SRC_SOCKETS].err);
            qt_finding_explain(f, "Without the socket list no connection counts can be shown; the Ports pane is STALE.");
        }
        return;
    }
    if (m->fallback_why[0] || m->socks.bad) {
        qt_finding *f = qt_findings_add(out, QT_SEV_INFO, SRC, "ports.source",
                                        m->socks.bad ? "Socket list had malformed entries" : "Sockets read from /proc/net/tcp");
        if (m->fallback_why[0])
            qt_finding_evidence(f, "netlink: %s; read %s/net/tcp and tcp6 instead", m->fallback_why, ctx->proc);
        if (m->socks.bad)
            qt_finding_evidence(f, "%lu malformed or truncated entries skipped (%s reader)", m->socks.bad, m->backend);
        qt_finding_explain(f, "The /proc reader cannot see a listener's backlog or byte counters.");
    }
    for (int i = 0; i < m->nsvc && i < ctx->nservices; i++) {
        const struct qt_service *sv = &ctx->services[i];
        const struct qt_svc_stats *v = &m->svc[i];
        int bad = 0;
        char id[96];

        if (!v->listeners) {
            qt_finding *f;
            snprintf(id, sizeof id, "ports.no-listener:%s", sv->name);
            f = qt_findings_add(out, QT_SEV_INFO, SRC, id, "Nothing listens on this port");
            qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
            qt_finding_evidence(f, "no LISTEN socket on port %u (%u established)", sv->port, v->established);
            qt_finding_explain(f, "Either the service is down or it is not used here (see --ports).");
            continue;
        }
        bad |= check_limit(ctx, snap, m, i, out);
        bad |= check_queue(ctx, snap, m, i, out);
        bad |= check_handshakes(ctx, snap, m, i, out);
        bad |= check_ips(ctx, snap, m, i, out);
        bad |= qt_ports_check_slots(ctx, snap, m, i, out);
        check_unknown(ctx, m, i, out);
        if (!bad) {
            const char *src;
            int limit = qt_ports_limit(ctx, snap, sv->port, &src);
            char stalled[32];
            qt_finding *f;
            snprintf(id, sizeof id, "ports.ok:%s", sv->name);
            f = qt_findings_add(out, QT_SEV_OK, SRC, id, "Connections within limits");
            qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
            qt_ports_count_str(v->stalled, v->stalled_unknown, stalled, sizeof stalled);
            if (limit > 0)
                qt_finding_evidence(f, "%u accepted of a limit of %d (%s), %u waiting, %s stalled%s", v->accepted,
                                    limit, src, v->accept_queue, stalled, v->stalled_unknown ? " (not visible)" : "");
            else
                qt_finding_evidence(f, "%u accepted (no -c limit known), %u waiting, %s stalled%s", v->accepted,
                                    v->accept_queue, stalled, v->stalled_unknown ? " (not visible)" : "");
        }
    }
}

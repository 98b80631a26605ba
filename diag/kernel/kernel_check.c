/* kernel_check.c - the sysctl checks (SYN cookies, conntrack table and
 * timeout) and each watched listener's backlog against net.core.somaxconn
 * and its accept queue over samples. docs/kernel.md gives the facts;
 * docs/severity.md the lines. See kernel.h. */
#include "diag/kernel/kernel.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"
#include "diag/parse/argv.h"
#include "diag/parse/variants.h"
#include "diag/ports/ports.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SRC "kernel"
#define DROPIN "/etc/sysctl.d/90-qtriage-mail.conf"

/* The two fix lines for one sysctl: persist it, apply it now. */
static void fix_sysctl(qt_finding *f, const char *name, long long value)
{
    qt_finding_fix(f, "echo '%s = %lld' >> " DROPIN, name, value);
    qt_finding_fix(f, "sysctl -w %s=%lld", name, value);
}

static void check_syncookies(const qt_kernel *k, qt_findings *out)
{
    long long v = k->v[QT_SYS_SYNCOOKIES];
    qt_finding *f;

    if (v != 0)
        return;
    f = qt_findings_add(out, QT_SEV_WARN, SRC, "kernel.syncookies:host",
                        "SYN cookies are off: a SYN flood fills the half-open queue and drops real clients");
    qt_finding_subject(f, "host");
    qt_finding_evidence(f, "net.ipv4.tcp_syncookies = 0 (kernel default 1)");
    if (k->v[QT_SYS_MAX_SYN_BACKLOG] >= 0)
        qt_finding_evidence(f, "net.ipv4.tcp_max_syn_backlog = %lld half-open connections", k->v[QT_SYS_MAX_SYN_BACKLOG]);
    qt_finding_explain(f, "Without SYN cookies the kernel keeps every half-open connection (SYN-RECV) in a queue of "
                          "tcp_max_syn_backlog entries; a flood of spoofed SYNs fills it and new clients' SYNs are "
                          "dropped. With tcp_syncookies = 1 the kernel answers with a cookie once the queue "
                          "overflows and keeps nothing (ip-sysctl.rst, tcp(7)).");
    fix_sysctl(f, "net.ipv4.tcp_syncookies", 1);
}

static void check_conntrack(const qt_kernel *k, qt_findings *out)
{
    long long n = k->v[QT_SYS_CT_COUNT], max = k->v[QT_SYS_CT_MAX], est = k->v[QT_SYS_CT_ESTABLISHED];
    qt_finding *f;

    if (!k->conntrack)
        return;
    if (n >= 0 && max > 0 && (double)n >= QT_SEV_CONNTRACK_WARN * (double)max) {
        int crit = (double)n >= QT_SEV_CONNTRACK_CRIT * (double)max;
        f = qt_findings_add(out, crit ? QT_SEV_CRIT : QT_SEV_WARN, SRC, "kernel.conntrack-full:host",
                            crit ? "Connection-tracking table almost full: new connections are dropped when it fills"
                                 : "Connection-tracking table filling up");
        qt_finding_subject(f, "host");
        qt_finding_evidence(f, "nf_conntrack_count = %lld of nf_conntrack_max = %lld (%.0f%%)", n, max,
                            100.0 * (double)n / (double)max);
        if (est >= 0)
            qt_finding_evidence(f, "nf_conntrack_tcp_timeout_established = %lld s", est);
        qt_finding_explain(f, "Every connection through a stateful firewall holds an entry. When the table is full "
                              "the kernel drops the first packet of every new connection and logs "
                              "\"nf_conntrack: table full, dropping packet\": clients see timeouts "
                              "(nf_conntrack-sysctl.rst).");
        fix_sysctl(f, "net.netfilter.nf_conntrack_max", max * 2);
        if (est > 3600)
            qt_finding_fix(f, "# and let dead peers' entries go sooner: see the kernel.conntrack-timeout finding");
        if (crit)
            qt_finding_incident(f, "saturation", "host", "conntrack table %lld of %lld entries (%.0f%%): new connections dropped when full",
                                n, max, 100.0 * (double)n / (double)max);
    }
    if (est == qt_sysctl_default(QT_SYS_CT_ESTABLISHED)) {
        f = qt_findings_add(out, QT_SEV_INFO, SRC, "kernel.conntrack-timeout:host",
                            "Conntrack keeps an established connection 5 days after its last packet");
        qt_finding_subject(f, "host");
        qt_finding_evidence(f, "net.netfilter.nf_conntrack_tcp_timeout_established = %lld s (the kernel default)", est);
        if (n >= 0 && max > 0)
            qt_finding_evidence(f, "table: %lld of %lld entries", n, max);
        qt_finding_explain(f, "A peer that vanished without a FIN or RST (a dropped modem, a killed bot) keeps its "
                              "entry for 5 days; a flood of such connections fills the table. An hour is plenty "
                              "for mail sessions, which the servers end far sooner.");
        fix_sysctl(f, "net.netfilter.nf_conntrack_tcp_timeout_established", 3600);
    }
}

/* The listen backlog the front end asked for: -b, else the variant's
 * default ("default 20"); -1 when unknown (s6 gives no default here). */
static long asked_backlog(const struct qt_server *sv, const char **how)
{
    const struct qt_opt *o;
    const struct qt_optdef *d;

    if (!sv->cmd || sv->other[0])
        return -1;
    if ((o = qt_cmd_last(sv->cmd, 'b')) && o->arg) {
        *how = "-b";
        return (long)qt_scan_ulong(o->arg);
    }
    d = qt_variant_opt(qt_variant_get(sv->variant), 'b');
    if (d && d->dflt && strncmp(d->dflt, "default ", 8) == 0) {
        *how = "default";
        return atol(d->dflt + 8);
    }
    return -1;
}

static const struct qt_server *server_of(const qt_snapshot *snap, const struct qt_listener *L, unsigned port)
{
    if (!snap->servers)
        return NULL;
    for (size_t i = 0; i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        if (sv->port == port && sv->pid > 0 && (sv->pid == L->pid || L->pid == 0))
            return sv;
    }
    return NULL;
}

static void listener_name(const struct qt_listener *L, unsigned port, char *out, size_t n)
{
    char a[64];
    qt_addr_str(L->family, L->laddr, a, sizeof a);
    snprintf(out, n, "%s%s%s:%u", L->family == AF_INET6 ? "[" : "", a, L->family == AF_INET6 ? "]" : "", port);
}

/* somaxconn silently caps listen()'s backlog (listen(2)); inet_diag
 * reports the capped one as a LISTEN socket's idiag_wqueue (ss Send-Q). */
static void check_somaxconn(const qt_ctx *ctx, const qt_snapshot *snap, const qt_kernel *k, qt_findings *out)
{
    const qt_sockets *m = snap->sockets;
    long long smc = k->v[QT_SYS_SOMAXCONN];

    if (!m || smc < 0)
        return;
    for (int i = 0; i < ctx->nservices && i < m->nsvc; i++) {
        const struct qt_service *svc = &ctx->services[i];
        qt_finding *f = NULL;
        long want = 0;
        for (size_t l = 0; l < m->nlisteners; l++) {
            const struct qt_listener *L = &m->listeners[l];
            const struct qt_server *sv;
            const char *how = "";
            char name[80];
            long b;
            if (L->svc != i || !(sv = server_of(snap, L, svc->port)) || (b = asked_backlog(sv, &how)) <= smc)
                continue;
            if (!f) {
                char id[96];
                snprintf(id, sizeof id, "kernel.somaxconn:%s", svc->name);
                f = qt_findings_add(out, QT_SEV_WARN, SRC, id,
                                    "net.core.somaxconn silently cuts the listen backlog the server asked for");
                qt_finding_subject(f, "%s (%u)", svc->name, svc->port);
            }
            want = b > want ? b : want;
            listener_name(L, svc->port, name, sizeof name);
            if (L->backlog)
                qt_finding_evidence(f, "%s: %s asked for a backlog of %ld (%s); the kernel gives %u (ss -lnt Send-Q)",
                                    name, sv->cmd->server_name, b, how, L->backlog);
            else
                qt_finding_evidence(f, "%s: %s asked for a backlog of %ld (%s)", name, sv->cmd->server_name, b, how);
        }
        if (!f)
            continue;
        qt_finding_evidence(f, "net.core.somaxconn = %lld", smc);
        qt_finding_explain(f, "listen() takes min(backlog, somaxconn) without an error (listen(2)): connections the "
                              "server has not accepted yet beyond that are refused or their SYNs dropped, while the "
                              "run script says otherwise.");
        fix_sysctl(f, "net.core.somaxconn", want);
    }
}

/* A listener whose accept queue was not empty in each of the last
 * QT_SEV_ACCEPTQ_SAMPLES samples: the server is not keeping up, for good. */
static void check_accept_history(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist,
                                 const qt_kernel *k, qt_findings *out)
{
    const qt_sockets *m = snap->sockets;

    if (!m || !hist)
        return;
    for (int i = 0; i < ctx->nservices && i < m->nsvc; i++) {
        const struct qt_service *svc = &ctx->services[i];
        char key[96], id[96];
        const qt_series *s;
        const unsigned n = QT_SEV_ACCEPTQ_SAMPLES;
        unsigned minq = ~0u;
        qt_finding *f;

        /* the ports collector's metric, pushed before the analysers run */
        snprintf(key, sizeof key, "accept_queue.%s", svc->name);
        if (!(s = qt_history_get(hist, key)) || s->n < n)
            continue;
        for (unsigned j = 0; j < n; j++) {
            double v = qt_series_at(s, j);
            if (!(v >= 1))
                minq = 0;
            else if ((unsigned)v < minq)
                minq = (unsigned)v;
        }
        if (minq == 0)
            continue;
        snprintf(id, sizeof id, "kernel.accept-queue-steady:%s", svc->name);
        f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "Accept queue never empty: the server does not keep up");
        qt_finding_subject(f, "%s (%u)", svc->name, svc->port);
        qt_finding_evidence(f, "Recv-Q of the listener(s) in the last %u samples: at least %u each time", n, minq);
        if (m->svc[i].backlog)
            qt_finding_evidence(f, "backlog (Send-Q): %u; net.core.somaxconn = %lld", m->svc[i].backlog,
                                k->v[QT_SYS_SOMAXCONN]);
        qt_finding_explain(f, "Connections the kernel completed wait for accept(): their clients see no banner. A "
                              "tcpserver or sslserver stops accepting at its -c limit; a bigger backlog only makes "
                              "more clients wait.");
        qt_finding_fix(f, "# see the ports.accept-queue and -c limit findings of this service: free or add slots");
        qt_finding_fix(f, "ss -lnt '( sport = :%u )'", svc->port);
    }
}

void qt_kernel_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_kernel *k = snap->kernel;

    if (!k || !k->have_sys)
        return;
    check_syncookies(k, out);
    check_conntrack(k, out);
    check_somaxconn(ctx, snap, k, out);
    check_accept_history(ctx, snap, hist, k, out);
    qt_kernel_check_keepalive(ctx, snap, out);
    qt_kernel_check_limits(ctx, snap, out);
}

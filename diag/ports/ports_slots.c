/* ports_slots.c - the finding for -c slots held by children with no TCP
 * connection (the model is slots.c). Pure: snapshot in, finding out. */
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <string.h>

#define SRC "ports"
#define MAX_LIST 10

static void child_line(qt_finding *f, const qt_snapshot *snap, const qt_sockets *m, const struct qt_slot_child *c)
{
    const struct qt_proc *p = snap->procs ? qt_procs_find(snap->procs, c->pid) : NULL;
    double age = m->now - c->start;
    char a[32];

    qt_fmt_age(age, a, sizeof a);
    if (c->cpu >= 0 && age > 0)
        qt_finding_evidence(f, "pid %d (%s): no socket, up %s, %.1f CPU s (%.0f%% of a core on average)", c->pid,
                            p ? qt_proc_name(p) : "?", a, c->cpu, 100.0 * c->cpu / age);
    else
        qt_finding_evidence(f, "pid %d (%s): no socket, up %s, CPU unknown", c->pid, p ? qt_proc_name(p) : "?", a);
}

int qt_ports_check_slots(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out)
{
    const struct qt_service *sv = &ctx->services[i];
    const struct qt_svc_stats *v = &m->svc[i];
    const struct qt_proc *l = snap->procs ? qt_procs_find(snap->procs, v->listener_pid) : NULL;
    int limit = qt_ports_limit(ctx, snap, sv->port, NULL), sslserver = l && strcmp(qt_proc_name(l), "sslserver") == 0;
    qt_buf pids = {0};
    unsigned shown = 0;
    char id[96];
    qt_finding *f;

    if (!v->noconn)
        return 0;
    snprintf(id, sizeof id, "ports.noconn:%s", sv->name);
    /* docs/severity.md: slots no client can use, like stalled handshakes:
     * CRIT from QT_SEV_STALL_CRIT of the limit */
    f = qt_findings_add(out, qt_sev_stall(v->noconn, limit), SRC, id, "Slots held by children with no connection");
    qt_finding_subject(f, "%s (%u)", sv->name, sv->port);
    qt_finding_evidence(f, "%u slot%s held by children with no connection: %u children alive, %u connections accepted",
                        v->noconn, v->noconn == 1 ? "" : "s", v->children, v->accepted);
    if (limit > 0)
        qt_finding_evidence(f, "%.0f%% of the limit of %d (CRIT from %.0f%%)", 100.0 * v->noconn / limit, limit,
                            100.0 * QT_SEV_STALL_CRIT);
    for (size_t k = 0; k < m->nnoconn; k++) {
        if (m->noconn[k].svc != i)
            continue;
        if (shown++ < MAX_LIST)
            child_line(f, snap, m, &m->noconn[k]);
        qt_buf_printf(&pids, " %d", m->noconn[k].pid);
    }
    if (shown > MAX_LIST)
        qt_finding_evidence(f, "... and %u more", shown - MAX_LIST);
    qt_finding_explain(f, "tcpserver and sslserver count children against -c, not connections: these children "
                          "lost their client but did not exit, so each keeps a slot no client can use.");
    if (sslserver)
        qt_finding_explain(f, "fehcom ucspi-ssl 0.95b on OpenSSL 3 without SSL_OP_IGNORE_UNEXPECTED_EOF: a client "
                              "that closes TCP without a TLS close_notify leaves its sslserver child spinning in "
                              "poll() at full CPU (docs/domain/ucspi.md).");
    qt_finding_fix(f, "kill%s", qt_buf_str(&pids));
    if (sslserver)
        qt_finding_fix(f, "# then upgrade ucspi-ssl, or rebuild 0.95b with the EOF fix: "
                          "SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF) in src/ssl_context.c");
    else
        qt_finding_fix(f, "# then find why a child outlives its connection: strace -p PID");
    if (limit > 0)
        qt_finding_incident(f, "saturation", sv->name, "%u of %d slots held by children with no connection",
                            v->noconn, limit);
    else
        qt_finding_incident(f, "saturation", sv->name, "%u slots held by children with no connection", v->noconn);
    qt_buf_free(&pids);
    return 1;
}

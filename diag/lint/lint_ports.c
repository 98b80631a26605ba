/* lint_ports.c - two services that would bind one port (a check across
 * services, so not in lint.c's per-service walk), and what depends on the
 * watched ports (--ports): stalls on a port, findings on unwatched ones. */
#include "diag/lint/lint_int.h"
#include "diag/core/util.h"
#include "diag/ports/ports.h"

#include <stdio.h>
#include <string.h>

/* supervise restarts a service that keeps dying: its status changes
 * (a new pid, a new start time) within seconds (supervise(8): one restart
 * per second at most). */
#define RESTART_SEEN_S 5.0
static double l_now(const qt_snapshot *snap) { return snap ? snap->wall : 0; }
static int restarting(const struct qt_server *a, const struct qt_server *b, double now)
{
    const struct qt_server *x = a->pid ? b : a;
    return now > 0 && x->st.readable && x->st.want_up && now - x->st.since < RESTART_SEEN_S;
}

void qt_lint_mark_unwatched(const qt_ctx *ctx, qt_finding *f, unsigned port)
{
    if (!f || !ctx || !port || qt_ctx_service_index(ctx, port) >= 0)
        return;
    f->unwatched = 1;
    if (f->sev > QT_SEV_INFO)
        qt_finding_evidence(f, "port %u is not watched (--ports): --check leaves this out", port);
}

void qt_lint_check_ports(const qt_ctx *ctx, const qt_snapshot *snap, const qt_servers *s, qt_findings *out)
{
    for (size_t i = 0; i < s->n; i++)
        for (size_t k = i + 1; k < s->n; k++) {
            const struct qt_server *a = &s->v[i], *b = &s->v[k];
            qt_finding *f;
            if (strcmp(a->name, b->name) > 0) { /* stable id whatever the directory order */
                const struct qt_server *t = a;
                a = b;
                b = t;
            }
            char id[200];
            if (!a->port || a->port != b->port || !a->cmd || !b->cmd)
                continue;
            /* only services that are up or would be started can fight for the port */
            if (qt_server_inventory(a) || qt_server_inventory(b))
                continue;
            if (strcmp(a->host, b->host) && strcmp(a->host, "0") && strcmp(b->host, "0") && a->host[0] && b->host[0])
                continue;
            snprintf(id, sizeof id, "servers.port-clash:%u:%s:%s", a->port, a->name, b->name);
            f = qt_findings_add(out, QT_SEV_CRIT, "servers", id, "two services on one port");
            qt_finding_subject(f, "%s, %s", a->name, b->name);
            qt_finding_evidence(f, "%s: %s %s (%s)", a->name, a->host, a->cmd->argv[a->cmd->port], a->pid ? "running" : "not running");
            qt_finding_evidence(f, "%s: %s %s (%s)", b->name, b->host, b->cmd->argv[b->cmd->port], b->pid ? "running" : "not running");
            /* "restarts every second" only when supervise is seen doing it: the
             * stopped one's status shows a start within the last few seconds */
            qt_finding_explain(f, "Only one can bind port %u; the other dies with 'fatal: unable to bind: address used'%s.", a->port,
                               restarting(a, b, l_now(snap)) ? " and supervise restarts it every second, filling its log (its supervise/status shows a start seconds ago)"
                                                              : " each time supervise starts it");
            qt_finding_fix(f, "svc -d %s   # stop the one that should not run (and remove its symlink from the scan directory)", b->svcdir[0] ? b->svcdir : a->svcdir);
            qt_lint_mark_unwatched(ctx, f, a->port);
        }
}


unsigned qt_lint_stalls_on_port(const qt_ctx *ctx, const qt_snapshot *snap, unsigned port)
{
    const qt_sockets *m = snap ? snap->sockets : NULL;
    if (!m || !port || !ctx)
        return 0;
    for (int i = 0; i < ctx->nservices && i < QT_MAX_SERVICES; i++)
        if (ctx->services[i].port == port)
            return m->svc[i].hs_old;
    return 0;
}

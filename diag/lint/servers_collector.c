/* servers_collector.c - the servers collector: the model is read by
 * diag/servers/ (servers.h), the analyser is the lint (lint.h). It is
 * assembled here, above both, because the lint also reads the Ports model,
 * which itself reads the servers model. */
#include "diag/lint/lint.h"
#include "diag/lint/lint_int.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/ports/ports.h"

#include <stdlib.h>

/* The listeners of the watched ports with their pids, from the sockets
 * model (collected before this one, collectors.c): each holder gets a row
 * in Servers whatever program it is (servers_other.c). */
static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    const qt_sockets *m = snap->sockets;
    struct qt_listen_pid *l = NULL;
    size_t n = 0;
    int rc;

    if (m && m->nlisteners) {
        l = qt_calloc(m->nlisteners, sizeof *l);
        for (size_t i = 0; i < m->nlisteners; i++) {
            const struct qt_listener *L = &m->listeners[i];
            if (L->svc < 0 || L->svc >= ctx->nservices || L->pid <= 0)
                continue;
            l[n].port = ctx->services[L->svc].port;
            l[n].pid = L->pid;
            n++;
        }
    }
    rc = qt_servers_collector_collect_l(ctx, state, snap, l, n, err, errlen);
    free(l);
    return rc;
}

/* The lint, then its incident evidence marked (lint_incident.c). */
static void analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    size_t first = out->n;
    qt_servers_lint(ctx, snap, hist, out);
    qt_lint_mark_incidents(ctx, snap, out, first);
}

const qt_collector qt_collector_servers = {
    .id = QT_SRC_SERVERS,
    .name = "servers",
    .collect = collect,
    .measure = qt_servers_collector_measure,
    .analyse = analyse,
    .free_model = qt_servers_collector_free_model,
    .free_state = qt_servers_collector_free_state,
};

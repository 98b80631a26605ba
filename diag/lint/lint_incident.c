/* lint_incident.c - mark the lint's findings that describe a user-visible
 * problem as incident evidence (diag/core/incident.h, docs/incidents.md):
 * a LIVE TLS listener with no handshake deadline (no-deadline); a service
 * its scan directory should run that does not, with what stops it
 * (service-down); a live front end that drops every client (-c 0, a
 * missing rules cdb: service-down); all -c slots taken (saturation); one
 * client IP holding many slots (ip-hog).
 * Inventory (no active scan directory, a down file) is never marked: the
 * lint's add() has made those INFO already. */
#include "diag/lint/lint_int.h"
#include "diag/core/util.h"
#include "diag/ports/ports.h"

#include <stdio.h>
#include <string.h>

static qt_finding *find(qt_findings *out, size_t first, const char *check, const char *name)
{
    char id[200];
    snprintf(id, sizeof id, "servers.%s:%s", check, name);
    for (size_t i = first; i < out->n; i++)
        if (out->v[i].sev >= QT_SEV_WARN && strcmp(out->v[i].id, id) == 0)
            return &out->v[i];
    return NULL;
}

void qt_lint_mark_incidents(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out, size_t first)
{
    const qt_servers *s = snap->servers;

    for (size_t i = 0; s && i < s->n; i++) {
        const struct qt_server *sv = &s->v[i];
        int w = sv->port ? qt_ctx_service_index(ctx, sv->port) : -1;
        /* the watched service's name, so that Ports' findings on the same
         * port join the same incident ("svc:smtps") */
        const char *svc = w >= 0 ? ctx->services[w].name : sv->name;
        const char *prog = sv->other[0] ? sv->other : sv->cmd ? sv->cmd->server_name : "the front end";
        char where[96];
        qt_finding *f;

        if (w >= 0)
            snprintf(where, sizeof where, "%s %u", svc, sv->port);
        else if (sv->port && !strchr(svc, ':'))   /* "PROG:PORT" names carry their port */
            snprintf(where, sizeof where, "%s port %u", svc, sv->port);
        else
            snprintf(where, sizeof where, "%s", svc);
        if (sv->pid > 0 && (f = find(out, first, "no-handshake-deadline", sv->name))) {
            unsigned stalls = qt_lint_stalls_on_port(ctx, snap, sv->port);
            char now[96] = "none stuck now";
            if (stalls)
                snprintf(now, sizeof now, "%u handshakes stuck for more than %.0f s now", stalls, QT_PORTS_HANDSHAKE_OLD);
            qt_finding_incident(f, "no-deadline", svc, "%s: %s (pid %d) has no TLS handshake deadline; %s", where, prog,
                                sv->pid, now);
        }
        if (!sv->pid && sv->in_scan && !qt_server_want_down(sv)) {
            if ((f = find(out, first, "down", sv->name)))
                qt_finding_incident(f, "service-down", svc, "%s: %s is not running although its scan directory "
                                    "starts it (%s)", where, sv->name, sv->svcdir);
            /* why it does not come up: evidence of the same incident */
            if ((f = find(out, first, "script-refused", sv->name)) || (f = find(out, first, "script-syntax", sv->name)))
                qt_finding_incident(f, "service-down", svc, "%s: %s cannot start: %s", where, sv->name, f->title);
        }
        if (sv->pid <= 0)
            continue;
        if ((f = find(out, first, "limit-zero", sv->name)))
            qt_finding_incident(f, "service-down", svc, "%s: %s (pid %d) runs with -c 0 and accepts no connection",
                                where, prog, sv->pid);
        if ((f = find(out, first, "rules-missing", sv->name)) && f->sev == QT_SEV_CRIT)
            qt_finding_incident(f, "service-down", svc, "%s: %s drops every connection: rules file %s does not exist",
                                where, prog, sv->rules);
        if ((f = find(out, first, "limit-full", sv->name)))
            qt_finding_incident(f, "saturation", svc, "%s: %d of %ld slots of %s (pid %d) taken, %d running the "
                                "mail program; new clients wait", where, sv->children, sv->limit, prog, sv->pid,
                                sv->progs_running);
        /* a holder seen now, not the "may take" configuration warning */
        if ((f = find(out, first, "one-ip", sv->name)) && strstr(f->title, " holds "))
            qt_finding_incident(f, "ip-hog", svc, "%s: %s", where, f->title);
    }
}

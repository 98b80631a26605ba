/* probe_sched.c - see probe_sched.h */
#include "diag/probe/probe_sched.h"

#include <stdio.h>
#include <string.h>

void qt_probe_sched_update(qt_probe_sched *ps, const qt_ctx *ctx, const qt_snapshot *snap)
{
    struct qt_probe_set set;

    memset(ps->present, 0, sizeof ps->present);
    if (ctx->no_probe || !ctx->proc || strcmp(ctx->proc, "/proc") != 0)
        return;
    qt_probe_plan(ctx, snap, &set);
    for (size_t i = 0; i < set.n; i++) {
        int k = qt_ctx_service_index(ctx, set.v[i].port);
        struct qt_probe_svc *s;
        if (k < 0 || k >= QT_MAX_SERVICES)
            continue;
        s = &ps->svc[k];
        if (s->port != set.v[i].port) { /* a new service in this slot: forget the old results */
            *s = set.v[i];
            ps->next_hs[k] = ps->next_idle[k] = 0;
        } else {
            /* the plan changes (limit, children, target); the results stay */
            unsigned done = s->done;
            struct qt_probe_result hs = s->hs, lg = s->legacy, id = s->idle, pa = s->partial;
            double at = s->at;
            *s = set.v[i];
            s->done = done, s->hs = hs, s->legacy = lg, s->idle = id, s->partial = pa, s->at = at;
        }
        ps->present[k] = 1;
    }
    qt_probe_set_free(&set);
}

qt_job *qt_probe_sched_next(qt_probe_sched *ps, const qt_ctx *ctx, double now, int *slot)
{
    double bound = ctx->probe_idle > 0 ? ctx->probe_idle : QT_PROBE_IDLE_BOUND;

    for (int k = 0; k < QT_MAX_SERVICES; k++) {
        unsigned steps = 0;
        if (!ps->present[k] || ps->running[k] || !ps->svc[k].probe)
            continue;
        if (now >= ps->next_hs[k]) {
            steps |= QT_PS_HANDSHAKE | QT_PS_LEGACY;
            ps->next_hs[k] = now + QT_PROBE_HS_EVERY;
        }
        if (ps->want_idle[k] || now >= ps->next_idle[k]) {
            steps |= QT_PS_IDLE | QT_PS_PARTIAL;
            ps->next_idle[k] = now + QT_PROBE_IDLE_EVERY;
            ps->want_idle[k] = 0;
        }
        if (!steps)
            continue;
        ps->running[k] = 1;
        *slot = k;
        return qt_probe_svc_job_new(&ps->svc[k], steps, QT_PROBE_HS_TIMEOUT, bound);
    }
    return NULL;
}

void qt_probe_sched_done(qt_probe_sched *ps, int slot)
{
    if (slot >= 0 && slot < QT_MAX_SERVICES)
        ps->running[slot] = 0;
}

int qt_probe_sched_request(qt_probe_sched *ps, const qt_ctx *ctx, unsigned port, char *why, size_t n)
{
    int k = qt_ctx_service_index(ctx, port);

    if (ctx->no_probe) {
        snprintf(why, n, "probes are off (--no-probe)");
        return -1;
    }
    if (k < 0 || k >= QT_MAX_SERVICES || !ps->present[k]) {
        snprintf(why, n, "no running listener on a watched port here to probe");
        return -1;
    }
    if (!ps->svc[k].probe) {
        snprintf(why, n, "%s is not probed: %s", ps->svc[k].service, ps->svc[k].skip);
        return -1;
    }
    if (ps->running[k]) {
        snprintf(why, n, "a probe of %s is already running (one at a time per service)", ps->svc[k].service);
        return -1;
    }
    ps->want_idle[k] = 1;
    return 0;
}

void qt_probe_sched_report(const qt_probe_sched *ps, qt_snapshot *snap)
{
    struct qt_probe_svc v[QT_MAX_SERVICES];
    struct qt_probe_set set = {.v = v, .n = 0};

    for (int k = 0; k < QT_MAX_SERVICES; k++)
        if (ps->present[k])
            v[set.n++] = ps->svc[k];
    if (set.n)
        qt_probe_report(&set, snap);
}

const struct qt_probe_svc *qt_probe_sched_find(const qt_probe_sched *ps, const qt_ctx *ctx, unsigned port)
{
    int k = qt_ctx_service_index(ctx, port);
    return k >= 0 && k < QT_MAX_SERVICES && ps->present[k] ? &ps->svc[k] : NULL;
}

int qt_probe_sched_busy(const qt_probe_sched *ps, const qt_ctx *ctx, unsigned port)
{
    int k = qt_ctx_service_index(ctx, port);
    return k >= 0 && k < QT_MAX_SERVICES && ps->running[k];
}

/* probe_sched.h - when the console probes (issue 18): the handshake probe
 * at start and every 10 minutes per service, the idle-drop probes at start
 * and every hour, and on demand. One job per service at a time; the jobs
 * are the caller's to run (the console's job runner), never blocking.
 *
 * Memory: the scheduler owns its entries; a job from qt_probe_sched_next()
 * writes into an entry, which stays put (one slot per watched service)
 * until qt_probe_sched_free(), so the job must be cancelled first.
 */
#ifndef QT_PROBE_SCHED_H
#define QT_PROBE_SCHED_H

#include "diag/core/ctx.h"
#include "diag/probe/probe_run.h"

#define QT_PROBE_HS_EVERY 600.0     /* seconds between handshake probes of a service */
#define QT_PROBE_IDLE_EVERY 3600.0  /* seconds between idle-drop probes */
#define QT_PROBE_IDLE_BOUND 60.0    /* default wait of an idle probe (--probe-idle overrides) */

typedef struct qt_probe_sched {
    struct qt_probe_svc svc[QT_MAX_SERVICES];  /* by ctx service index */
    int present[QT_MAX_SERVICES];              /* planned in the last update */
    int running[QT_MAX_SERVICES];              /* a job of it is out */
    double next_hs[QT_MAX_SERVICES], next_idle[QT_MAX_SERVICES];  /* monotonic; 0 = due */
    int want_idle[QT_MAX_SERVICES];            /* asked for on demand (P) */
} qt_probe_sched;

/* Re-plan from a new sample (results are kept per service). */
void qt_probe_sched_update(qt_probe_sched *ps, const qt_ctx *ctx, const qt_snapshot *snap);
/* The next job due at now, or NULL; *slot gets its slot for _done(). */
qt_job *qt_probe_sched_next(qt_probe_sched *ps, const qt_ctx *ctx, double now, int *slot);
/* The job of slot finished (or was cancelled). */
void qt_probe_sched_done(qt_probe_sched *ps, int slot);
/* Ask for the idle-drop probes of the service on port now. 0 queued, or -1
 * with why (not probed and why, already running). */
int qt_probe_sched_request(qt_probe_sched *ps, const qt_ctx *ctx, unsigned port, char *why, size_t n);
/* The results so far as findings and metrics into snap (qt_probe_report). */
void qt_probe_sched_report(const qt_probe_sched *ps, qt_snapshot *snap);
/* The entry of the service on port (NULL when not planned). */
const struct qt_probe_svc *qt_probe_sched_find(const qt_probe_sched *ps, const qt_ctx *ctx, unsigned port);
/* 1 when a job of the service on port is running. */
int qt_probe_sched_busy(const qt_probe_sched *ps, const qt_ctx *ctx, unsigned port);

#endif

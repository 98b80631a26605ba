/* probe_run.h - which local services to probe, and running the probes of
 * one service one after the other (issue 18).
 *
 * qt_probe_plan() reads the servers model of a snapshot: one entry per
 * watched port with a running listener. Each entry says how TLS starts
 * (implicit on 465/993/995 or when the front end does TLS, STARTTLS on
 * 25/587/110/143) or why it is not probed (not a local address, no TLS
 * port, the service at or above 80% of its -c limit: a probe would take a
 * real user's slot).
 *
 * qt_probe_svc_job_new() is one qt_job that runs the steps asked for on one
 * service in sequence, so a service never sees two probe connections at
 * once: handshake, legacy TLS 1.0/1.1, idle, partial ClientHello. The
 * results land in the qt_probe_svc it was given (which must outlive the
 * job). qt_probe_run() drives several such jobs in a private poll loop
 * (batch modes); the console hands them to its job runner instead.
 */
#ifndef QT_PROBE_RUN_H
#define QT_PROBE_RUN_H

#include "diag/core/snapshot.h"
#include "diag/probe/probe.h"

#define QT_PROBE_SATURATION 0.8   /* no probe at or above this share of -c */
#define QT_PROBE_HS_TIMEOUT 5.0   /* a handshake probe takes at most this long (issue 18) */

enum qt_probe_step {
    QT_PS_HANDSHAKE = 1, QT_PS_LEGACY = 2, QT_PS_IDLE = 4, QT_PS_PARTIAL = 8,
};

struct qt_probe_svc {
    char service[32];          /* watched service name (ctx) */
    char server[64];           /* the servers model's row name, for joining its findings */
    unsigned port;
    int probe;                 /* 1 probed; 0 skipped, why in skip */
    char skip[200];
    int tls_expected;          /* 1 a TLS port (implicit or STARTTLS), 0 a plain port */
    struct qt_probe_target t;
    long limit, children;      /* -c in effect (-1 unknown) and live children */
    double handshake;          /* the configured deadline, -1 none/unknown */
    int no_deadline;           /* 1 the model says TLS without any deadline */
    char hs_detail[160];
    /* results: valid when the bit is in done */
    unsigned done;
    struct qt_probe_result hs, legacy, idle, partial;
    double at;                 /* monotonic time of the last result */
};

struct qt_probe_set {
    struct qt_probe_svc *v;
    size_t n;
};

/* One entry per watched port with a running listener in snap's servers
 * model (none when the model is missing). Returns the count. */
size_t qt_probe_plan(const qt_ctx *ctx, const qt_snapshot *snap, struct qt_probe_set *out);
void qt_probe_set_free(struct qt_probe_set *ps);

/* A job running steps (enum qt_probe_step bits) on s in order; hs_timeout
 * bounds each handshake, idle_bound each idle wait. s must outlive it. */
qt_job *qt_probe_svc_job_new(struct qt_probe_svc *s, unsigned steps, double hs_timeout, double idle_bound);

/* Run steps on every probed entry of ps at once (one connection per
 * service), until all finish. Returns 0, or -1 when a job had to be
 * cancelled past its deadline (a bug). */
int qt_probe_run(struct qt_probe_set *ps, unsigned steps, double hs_timeout, double idle_bound);

/* Findings (source "probe") and metrics (tls_handshake_ms, cert_days,
 * idle_drop_s per service) from ps's results into snap, which is sorted
 * again. Measured idle results join the servers lint's no-deadline finding
 * of the same service as evidence. */
void qt_probe_report(const struct qt_probe_set *ps, qt_snapshot *snap);

/* --once / --json / --check: plan, run the handshake probes within budget
 * seconds (at most QT_PROBE_HS_TIMEOUT each), the idle probes when
 * ctx->probe_idle > 0, and report into snap. Nothing when ctx->no_probe. */
void qt_probe_batch(const qt_ctx *ctx, qt_snapshot *snap, double budget);

#endif

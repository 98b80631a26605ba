/* queue.c - the queue collector: scan (queue_scan.c) into the snapshot,
 * the numbers for --check and --prometheus, the growth rate from the
 * history. Findings: queue_check.c. See queue.h. */
#include "diag/queue/queue.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <math.h>
#include <stdlib.h>

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    qt_queue *q = qt_calloc(1, sizeof *q);
    if (qt_queue_scan(ctx, (qt_queue_state **)state, 0, q, err, errlen) != 0) {
        qt_queue_free(q);
        free(q);
        return -1;
    }
    snap->queue = q;
    return 0;
}

static void free_model(qt_snapshot *snap)
{
    qt_queue_free(snap->queue);
    free(snap->queue);
    snap->queue = NULL;
}

static void free_state(void *st)
{
    qt_queue_state_free(st);
}

/* A number that a partial scan only bounds from below: unknown with lo. */
static void add_counted(qt_metrics *out, const qt_queue *q, const char *name, size_t v, const char *help)
{
    if (q->partial)
        qt_metrics_add_unknown(out, name, NULL, 0, (double)v, NAN, -1, help,
                               "partial: some queue subdirectories not read yet (read over the next samples)");
    else
        qt_metrics_add(out, name, NULL, 0, (double)v, -1, help);
}

void qt_queue_measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    const qt_queue *q = snap->queue;
    (void)ctx;
    if (!q || q->absent)
        return; /* failed: unknown, never 0 (the STALE line says why); absent: no qmail */
    add_counted(out, q, "queue_messages", q->messages, "messages in qmail's queue (qmail-qstat: files under mess/)");
    qt_metrics_add(out, "queue_unpreprocessed", NULL, 0, (double)q->unpreprocessed, -1,
                   "messages in queue but not yet preprocessed (qmail-qstat: files in todo/)");
    add_counted(out, q, "queue_remote_recipients", q->remote_rcpts, "pending remote recipients in the queue");
    add_counted(out, q, "queue_local_recipients", q->local_rcpts, "pending local recipients in the queue");
    add_counted(out, q, "queue_bounces", q->bounces, "bounces (envelope sender <>) in the queue");
    add_counted(out, q, "queue_double_bounces", q->double_bounces, "double bounces (envelope sender #@[]) in the queue");
    add_counted(out, q, "queue_expired", q->expired, "messages older than queuelifetime still in the queue");
    add_counted(out, q, "queue_top_sender", q->nsenders ? q->senders[0].msgs : 0,
                "messages of the sender with the most messages in the queue");
    if (q->oldest > 0)
        qt_metrics_add(out, "queue_oldest_seconds", NULL, 0, q->now - q->oldest, -1,
                       "age of the oldest message in the queue, seconds");
}

double qt_queue_growth(const qt_history *hist, double *span)
{
    const qt_series *s = hist ? qt_history_get(hist, "queue_messages") : NULL;
    unsigned newest, oldest;
    double dt;

    if (span)
        *span = 0;
    if (!s || s->n < 2)
        return NAN;
    newest = (s->head + QT_HIST_LEN - 1) % QT_HIST_LEN;
    oldest = (s->head + QT_HIST_LEN - s->n) % QT_HIST_LEN;
    dt = s->t[newest] - s->t[oldest];
    if (dt <= 0 || isnan(s->v[newest]) || isnan(s->v[oldest]))
        return NAN;
    if (span)
        *span = dt;
    return (s->v[newest] - s->v[oldest]) * 60.0 / dt;
}

const qt_collector qt_collector_queue = {
    .id = QT_SRC_QUEUE,
    .name = "queue",
    .collect = collect,
    .measure = qt_queue_measure,
    .analyse = qt_queue_analyse,
    .free_model = free_model,
    .free_state = free_state,
};

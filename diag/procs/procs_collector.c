/* procs_collector.c - the procs collector: one persistent reader, driven
 * by the kernel's process events when the connector answers (issue 19,
 * procs_events.h), else a full scan each sample with a header note. */
#include "diag/procs/procs.h"
#include "diag/procs/procs_events.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* safety nets that found the table wrong before it is worth a finding */
#define REPAIRS_INFO 3

struct state {
    qt_procs_reader *r;
    char why[128];  /* why there are no events ("" when there are, or for fixture trees) */
    char *proc;     /* ctx->proc it was started for (NULL: /proc) */
};

/* The start-up read (qt_procs_prime, for qmaildir.c), waiting for the
 * first collect() of the same tree. */
static struct state *g_primed;

/* Events describe the machine's processes: not a --proc fixture tree.
 * QT_PROC_EVENTS=off keeps the full scan (bench/ compares both). */
static void start_events(const qt_ctx *ctx, struct state *st)
{
    const char *knob = getenv("QT_PROC_EVENTS");
    qt_proc_events *ev;

    if ((ctx->proc && strcmp(ctx->proc, "/proc") != 0))
        return;
    if (knob && strcmp(knob, "off") == 0) {
        snprintf(st->why, sizeof st->why, "QT_PROC_EVENTS=off");
        return;
    }
    ev = qt_proc_events_new();
    if (qt_proc_events_listen(ev, 300, st->why, sizeof st->why) != 0) {
        qt_proc_events_free(ev);
        return;
    }
    qt_procs_reader_use_events(st->r, ev);
}

static void set_note(const struct state *st, qt_snapshot *snap, qt_procs *p)
{
    struct qt_procs_track_stats ts;
    char *note = snap->src[QT_SRC_PROCS].note;
    size_t cap = sizeof snap->src[QT_SRC_PROCS].note;

    if (!qt_procs_reader_track_stats(st->r, &ts)) {
        if (st->why[0])
            snprintf(note, cap, "procs: full scan each sample (%s)", st->why);
        return;
    }
    p->repairs = ts.repairs;
    if (ts.repairs || ts.lost_rescans)
        snprintf(note, cap, "procs: events, %lu repair%s, %lu rescan%s after lost events", ts.repairs,
                 ts.repairs == 1 ? "" : "s", ts.lost_rescans, ts.lost_rescans == 1 ? "" : "s");
}

static void free_state(void *state);

static int same_tree(const char *a, const char *b)
{
    return strcmp(a ? a : "/proc", b ? b : "/proc") == 0;
}

static struct state *new_state(const qt_ctx *ctx)
{
    struct state *st = qt_calloc(1, sizeof *st);
    st->r = qt_procs_reader_new();
    st->proc = ctx->proc ? qt_strdup(ctx->proc) : NULL;
    start_events(ctx, st);
    return st;
}

int qt_procs_prime(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct state *st = new_state(ctx);

    if (qt_procs_reader_read(st->r, ctx, out, err, errlen) != 0) {
        free_state(st);
        return -1;
    }
    free_state(g_primed);
    g_primed = st;
    return 0;
}

void qt_procs_unprime(void)
{
    free_state(g_primed);
    g_primed = NULL;
}

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    qt_procs *p = qt_calloc(1, sizeof *p);
    struct state *st = *state;

    if (!st && g_primed && same_tree(g_primed->proc, ctx->proc)) {
        *state = st = g_primed; /* its scan and subscription are this sample's start */
        g_primed = NULL;
    }
    if (!st)
        *state = st = new_state(ctx);
    if (qt_procs_reader_read(st->r, ctx, p, err, errlen) != 0) {
        qt_procs_free(p);
        free(p);
        return -1;
    }
    set_note(st, snap, p);
    snap->procs = p;
    return 0;
}

static void seal(qt_snapshot *snap)
{
    if (snap->procs)
        qt_procs_seal(snap->procs);
}

static void free_model(qt_snapshot *snap)
{
    if (snap->procs) {
        qt_procs_free(snap->procs);
        free(snap->procs);
        snap->procs = NULL;
    }
}

static void free_state(void *state)
{
    struct state *st = state;
    if (!st)
        return;
    qt_procs_reader_free(st->r);
    free(st->proc);
    free(st);
}

/* Only a table that was read gives a number: a failed read is STALE, not 0. */
static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    (void)ctx;
    if (snap->procs)
        qt_metrics_add(out, "processes", NULL, 0, (double)snap->procs->n, -1, "Processes in the process table.");
}

/* The safety net keeps finding the table wrong: events are being missed
 * without a sign (the data is still right: each repair fixed it). */
static void analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    qt_finding *f;

    (void)ctx;
    (void)hist;
    if (!snap->procs || snap->procs->repairs < REPAIRS_INFO)
        return;
    f = qt_findings_add(out, QT_SEV_INFO, "procs", "procs.event-repairs", "The process table missed kernel events");
    qt_finding_subject(f, "process events connector");
    qt_finding_evidence(f, "%lu full scans every 30 s found processes the events had not reported", snap->procs->repairs);
    qt_finding_explain(f, "qtriage follows process changes through the kernel's process events and checks itself "
                          "with a full scan every 30 s; each difference was repaired, so what is shown is right, "
                          "but changes may show up to 30 s late.");
}

const qt_collector qt_collector_procs = {
    .id = QT_SRC_PROCS,
    .name = "procs",
    .collect = collect,
    .seal = seal,
    .measure = measure,
    .analyse = analyse,
    .free_model = free_model,
    .free_state = free_state,
};

/* procs_track.c - the event-driven process table (issue 19): each sample
 * re-reads only the processes the kernel said changed (procs_events.h),
 * the known zombies (no event says one was reaped) and the children of
 * processes that exited (re-parented without an event); everything else
 * is the previous sample's stat line. A full scan runs at the start, after
 * lost events, when more than half the table changed, and every 30 s as a
 * safety net; the safety net compares and counts repairs. See procs_int.h.
 *
 * What a kept stat line does not follow: R/S/D/T state changes of a live
 * process (only zombie or not is kept exact: exits send events), CPU
 * counters (not in the table) and setpgid() (no event; repaired by the
 * safety net, not counted: shells do it to every job).
 */
#include "diag/procs/procs_int.h"
#include "diag/core/util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define SAFETY_RESCAN_S 30.0
#define PF_WQ_WORKER 0x00000020ul /* include/linux/sched.h */

struct qt_proc_track {
    qt_proc_events *ev;
    struct qt_proc *base;  /* the last table: stat fields only (argv NULL), sorted by pid */
    size_t n;
    double boot;
    const char *backend;   /* static, from the backend's scan */
    int have_base, force;
    double last_full;
    int *pending;          /* changed while the safety net compared: re-read next sample */
    size_t npending;
    int *suspects;         /* what the last safety net found wrong: judged at the next sample */
    size_t nsuspects;
    struct qt_procs_pool *pool; /* the arrays of the tables handed out */
    struct qt_procs_track_stats st;
};

struct qt_proc_track *qt_proc_track_new(qt_proc_events *ev)
{
    struct qt_proc_track *t = qt_calloc(1, sizeof *t);
    t->ev = ev;
    t->pool = qt_procs_pool_new();
    return t;
}

void qt_proc_track_free(struct qt_proc_track *t)
{
    if (!t)
        return;
    qt_proc_events_free(t->ev);
    free(t->base);
    free(t->pending);
    free(t->suspects);
    qt_procs_pool_unref(t->pool);
    free(t);
}

void qt_proc_track_rescan_soon(struct qt_proc_track *t)
{
    t->force = 1;
}

void qt_proc_track_stats(const struct qt_proc_track *t, struct qt_procs_track_stats *out)
{
    *out = t->st;
    qt_proc_events_counts(t->ev, &out->events, &out->lost);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int has_pid(const int *v, size_t n, int pid)
{
    return n && bsearch(&pid, v, n, sizeof *v, cmp_int) != NULL;
}

/* Sort and drop repeats. */
static void uniq(int *v, size_t *n)
{
    size_t k = 0;
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_int);
    for (size_t i = 0; i < *n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    *n = k;
}

/* Is this zombie gone? Nothing about a zombie changes but its being reaped
 * (its parent's exit is an event and re-reads it), so on the live /proc a
 * kill(pid, 0) (signal 0: nothing is sent, kill(2)) answers without
 * reading its stat: 1,000 zombies cost 1,000
 * signal checks a sample, not 1,000 file reads. A pid reused meanwhile is
 * a fork event, read next sample. In a fixture tree: read it again. */
static int zombie_may_be_gone(const qt_ctx *ctx, int pid)
{
    if (ctx->proc && strcmp(ctx->proc, "/proc") != 0)
        return 1;
    return kill(pid, 0) != 0 && errno == ESRCH;
}

/* The pids to re-read: what events named, what was pending, the known
 * zombies that may be gone and the children of processes that exited. */
static int *reread_set(struct qt_proc_track *t, const qt_ctx *ctx, const struct qt_proc_changes *c, size_t *n)
{
    size_t cap = c->ndirty + t->npending + t->n + 1, k = 0;
    int *v = qt_malloc(cap * sizeof *v);

    /* memcpy(NULL, 0) is undefined: empty sets are NULL */
    if (c->ndirty)
        memcpy(v, c->dirty, c->ndirty * sizeof *v);
    k = c->ndirty;
    if (t->npending)
        memcpy(v + k, t->pending, t->npending * sizeof *v);
    k += t->npending;
    for (size_t i = 0; i < t->n; i++) {
        const struct qt_proc *p = &t->base[i];
        if ((p->state == 'Z' && zombie_may_be_gone(ctx, p->pid)) || has_pid(c->exited, c->nexited, p->ppid))
            v[k++] = p->pid;
    }
    uniq(v, &k);
    *n = k;
    return v;
}

/* base without the re-read pids, plus what was found of them (all
 * sorted; got's pids are among pids). In place: drop the re-read entries,
 * grow by what was found and merge from the end, so a steady sample moves
 * a few entries instead of copying the table into a fresh allocation. */
static void merge(struct qt_proc_track *t, const int *pids, size_t npids, const qt_procs *got)
{
    size_t k = 0, i, j, out;

    for (i = 0, j = 0; i < t->n; i++) {
        while (j < npids && pids[j] < t->base[i].pid)
            j++;
        if (j < npids && pids[j] == t->base[i].pid)
            continue;
        if (k != i)
            t->base[k] = t->base[i];
        k++;
    }
    if (got->n)
        t->base = qt_realloc(t->base, (k + got->n) * sizeof *t->base);
    i = k, j = got->n, out = k + got->n;
    while (j > 0) {
        if (i > 0 && t->base[i - 1].pid > got->v[j - 1].pid)
            t->base[--out] = t->base[--i];
        else
            t->base[--out] = got->v[--j];
    }
    t->n = k + got->n;
}

/* Take a stat-only table as the new base (argv is never kept here). */
static void adopt(struct qt_proc_track *t, qt_procs *full)
{
    free(t->base);
    t->base = full->v;
    t->n = full->n;
    t->boot = full->boot;
    t->backend = full->backend;
    full->v = NULL;
    full->n = 0;
    t->have_base = 1;
}

/* A workqueue worker's comm ends with the queue it runs right now
 * ("kworker/1:2-events"; fs/proc/array.c proc_task_name): only the part
 * before the '-' (or '+' while it runs) is the thread's own, and no event follows the rest. */
static int same_comm(const struct qt_proc *a, const struct qt_proc *b)
{
    size_t n;
    if (!(a->flags & b->flags & PF_WQ_WORKER))
        return strcmp(a->comm, b->comm) == 0;
    n = strcspn(a->comm, "-+");
    return n == strcspn(b->comm, "-+") && memcmp(a->comm, b->comm, n) == 0;
}

/* The fields an event would have told us about (not pgid: setpgid sends none). */
static int differs(const struct qt_proc *a, const struct qt_proc *b)
{
    return a->ticks != b->ticks || a->ppid != b->ppid || a->sid != b->sid || a->image != b->image ||
           a->nlwp != b->nlwp || (a->state == 'Z') != (b->state == 'Z') || !same_comm(a, b);
}

/* Safety net: the processes the event-driven base has wrong (sorted),
 * leaving out those that changed while we looked (skip) and zombies the
 * scan no longer sees (reaped meanwhile: no event says so). */
static int *find_wrong(const struct qt_proc_track *t, const qt_procs *full, const int *skip, size_t nskip, size_t *n)
{
    size_t i = 0, j = 0, k = 0;
    int *v = qt_malloc((t->n + full->n + 1) * sizeof *v);

    while (i < t->n || j < full->n) {
        int pid;
        if (j == full->n || (i < t->n && t->base[i].pid < full->v[j].pid)) {
            pid = t->base[i].pid; /* we have it, the scan does not */
            if (t->base[i++].state == 'Z')
                continue;
        } else if (i == t->n || full->v[j].pid < t->base[i].pid) {
            pid = full->v[j++].pid; /* the scan has it, we do not */
        } else {
            int d = differs(&t->base[i], &full->v[j]);
            pid = t->base[i].pid;
            i++, j++;
            if (!d)
                continue;
        }
        if (!has_pid(skip, nskip, pid))
            v[k++] = pid;
    }
    *n = k;
    return v;
}

/* A change shows in /proc a moment before its event is sent (exec: the
 * new image, then the event), so a suspect of the last safety net is a
 * repair only if the events since did not name it either. */
static void judge_suspects(struct qt_proc_track *t, const struct qt_proc_changes *c)
{
    size_t wrong = 0;

    for (size_t i = 0; i < t->nsuspects; i++)
        if (c->lost || !has_pid(c->dirty, c->ndirty, t->suspects[i]))
            wrong++;
    if (wrong && !c->lost) {
        t->st.repairs++;
        t->st.repaired_procs += wrong;
    }
    free(t->suspects);
    t->suspects = NULL;
    t->nsuspects = 0;
}

/* The table handed out: a copy of base in an array a freed table gave back
 * (procs_pool.c), so a steady sample touches no fresh memory. */
static void copy_out(const struct qt_proc_track *t, qt_procs *out)
{
    memset(out, 0, sizeof *out);
    out->backend = t->backend;
    out->boot = t->boot;
    out->n = t->n;
    out->v = qt_procs_pool_get(t->pool, t->n); /* every entry is copied over: no zeroing */
    out->pool = t->pool;
    if (t->n)
        memcpy(out->v, t->base, t->n * sizeof *out->v);
}

/* Append n pids to the pending set (re-read next sample). */
static void add_pending(struct qt_proc_track *t, const int *v, size_t n)
{
    if (!n)
        return;
    t->pending = qt_realloc(t->pending, (t->npending + n) * sizeof *t->pending);
    memcpy(t->pending + t->npending, v, n * sizeof *v);
    t->npending += n;
}

/* The safety net: a full scan compared with the event-driven base. Thread
 * groups that lost a thread this sample (threads) may have been re-read
 * before their count dropped: they are read again next sample, not judged. */
static int safety_scan(struct qt_proc_track *t, const struct qt_proc_backend *b, const qt_ctx *ctx, qt_procs *full,
                       const int *threads, size_t nthreads, char *err, size_t errlen)
{
    struct qt_proc_changes late;

    if (b->check(b->arg, ctx, full, err, errlen) != 0)
        return -1;
    full->backend = t->backend; /* the table is still the backend's: the check agrees with it entry for entry */
    /* what changed while we read both is not the events' fault: re-read it next time */
    qt_proc_events_drain(t->ev);
    qt_proc_events_take(t->ev, &late);
    if (!late.lost) {
        size_t nskip = late.ndirty + nthreads;
        int *skip = qt_malloc((nskip + 1) * sizeof *skip);
        if (late.ndirty)
            memcpy(skip, late.dirty, late.ndirty * sizeof *skip);
        if (nthreads)
            memcpy(skip + late.ndirty, threads, nthreads * sizeof *skip);
        uniq(skip, &nskip);
        free(t->suspects);
        t->suspects = find_wrong(t, full, skip, nskip, &t->nsuspects);
        free(skip);
        t->st.safety_scans++;
        free(t->pending);
        t->pending = late.dirty;
        t->npending = late.ndirty;
        late.dirty = NULL;
    } else {
        t->force = 1; /* lost while comparing: the next sample rescans */
    }
    qt_proc_changes_free(&late);
    return 0;
}

int qt_proc_track_read(struct qt_proc_track *t, const struct qt_proc_backend *b, const qt_ctx *ctx, qt_procs *out,
                       int **fresh, size_t *nfresh, char *err, size_t errlen)
{
    enum { INCREMENTAL, SAFETY, FULL } mode = FULL;
    struct qt_proc_changes c;
    qt_procs full, got;
    double now = qt_now_mono();
    int *pids = NULL;
    size_t npids = 0;

    *fresh = NULL;
    *nfresh = 0;
    memset(out, 0, sizeof *out);
    memset(&full, 0, sizeof full);
    memset(&got, 0, sizeof got);
    qt_proc_events_drain(t->ev);
    qt_proc_events_take(t->ev, &c);
    t->st.samples++;
    if (t->nsuspects)
        judge_suspects(t, &c);
    if (c.lost && t->have_base)
        t->st.lost_rescans++;
    if (t->have_base && !c.lost) {
        pids = reread_set(t, ctx, &c, &npids);
        if (t->force || now - t->last_full >= SAFETY_RESCAN_S)
            mode = SAFETY;
        else if (npids <= t->n + 64)
            mode = INCREMENTAL; /* else more reads than a scan (pids that came and went are counted too) */
    }
    free(t->pending);
    t->pending = NULL;
    t->npending = 0;
    if (mode != FULL) {
        /* before a safety scan too: only what the events missed counts as a repair */
        b->scan_pids(b->arg, ctx, pids, npids, t->boot, &got);
        merge(t, pids, npids, &got);
        qt_procs_free(&got);
        t->st.reread += npids;
    }
    if ((mode == SAFETY && safety_scan(t, b, ctx, &full, c.threads, c.nthreads, err, errlen) != 0) ||
        (mode == FULL && b->scan(b->arg, ctx, &full, err, errlen) != 0)) {
        free(pids);
        qt_procs_free(&full);
        qt_proc_changes_free(&c);
        t->force = 1;
        memset(out, 0, sizeof *out);
        return -1;
    }
    if (mode != INCREMENTAL) {
        adopt(t, &full);
        t->last_full = now;
        t->force = 0;
        t->st.full_scans++;
    }
    /* a thread's exit is told before its group's thread count drops: read the group again */
    add_pending(t, c.threads, c.nthreads);
    copy_out(t, out);
    if (!c.lost) {
        *fresh = c.dirty;
        *nfresh = c.ndirty;
        c.dirty = NULL;
    }
    free(pids);
    qt_proc_changes_free(&c);
    return 0;
}

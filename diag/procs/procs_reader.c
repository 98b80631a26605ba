/* procs_reader.c - the persistent process reader: stat of every process each
 * sample, argv and uid on request, carried over between samples while the
 * process image stays the same; and the procs collector. See procs.h. */
#include "diag/procs/procs.h"
#include "diag/procs/procs_int.h"
#include "diag/core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What is kept of a process whose argv and uid were read. */
struct carried {
    int pid;
    unsigned uid;
    unsigned long long ticks, image;
    uint64_t comm_hash;
    int argc;
    int argv_more;
    char **argv;  /* one shared block (qt_proc_argv_share), or NULL */
};

struct qt_procs_reader {
#ifdef QT_HAVE_LIBPROC2
    struct qt_lp2 *lp;
#endif
    struct carried *cache;  /* sorted by pid */
    size_t ncache, capcache;
    struct carried *spare;  /* the cache before the last seal, its argv freed: the next one's array */
    size_t capspare;
    const qt_procs *table;  /* the last table read, until sealed */
    size_t *from;           /* per entry of table: index + 1 of the cache entry it came from, or 0 */
    size_t loaded, carried;
    struct qt_proc_track *track; /* event-driven samples, or NULL: a full scan each time */
    int *fresh;             /* this sample: pids re-read because of an event (sorted) */
    size_t nfresh;
    struct qt_kids_carry kids; /* the last sealed table's children index, for the next table */
};

static uint64_t hash_comm(const char *s)
{
    return qt_fnv1a(QT_FNV1A_INIT, s, strlen(s));
}

#ifdef QT_HAVE_LIBPROC2
/* libproc2 reads only the real /proc: fixture trees go to the /proc reader */
static int use_libproc2(const qt_ctx *ctx)
{
    return !ctx->proc || strcmp(ctx->proc, "/proc") == 0;
}
#endif

qt_procs_reader *qt_procs_reader_new(void)
{
    return qt_calloc(1, sizeof(qt_procs_reader));
}

static int scan_all(qt_procs_reader *r, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
#ifdef QT_HAVE_LIBPROC2
    if (use_libproc2(ctx)) {
        if (!r->lp && !(r->lp = qt_lp2_new(err, errlen))) {
            memset(out, 0, sizeof *out);
            return -1;
        }
        return qt_lp2_scan(r->lp, ctx, out, err, errlen);
    }
#endif
    (void)r;
    return qt_proc_scan(ctx, out, err, errlen);
}

/* the tracker's view of the backend (procs_int.h) */
static int backend_scan(void *arg, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    return scan_all(arg, ctx, out, err, errlen);
}

/* The safety net's scan: the /proc reader's in both builds. On procfs it
 * costs openat + one read + close per process (no kind check: procs.c's
 * is_procfs), against libproc2's procps_pids_reap(), which adds a stat of
 * each /proc/PID and parses more (10,000 processes: about 113 against
 * 136-165 ms of CPU; bench/procs_bench -s). Its entries equal libproc2's
 * field for field (test procs / safety_scan_agrees): the same stat line,
 * and the raw comm that set_comm() restores. */
static int backend_check(void *arg, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    (void)arg;
    return qt_proc_scan(ctx, out, err, errlen);
}

static void backend_scan_pids(void *arg, const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out)
{
#ifdef QT_HAVE_LIBPROC2
    qt_procs_reader *r = arg;
    if (use_libproc2(ctx) && r->lp) {
        qt_lp2_scan_pids(r->lp, ctx, pids, n, boot, out);
        return;
    }
#endif
    (void)arg;
    qt_proc_scan_pids(ctx, pids, n, boot, out);
}

static int scan(qt_procs_reader *r, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct qt_proc_backend b = {backend_scan, backend_scan_pids, backend_check, r};

    free(r->fresh);
    r->fresh = NULL;
    r->nfresh = 0;
    if (!r->track)
        return scan_all(r, ctx, out, err, errlen);
    return qt_proc_track_read(r->track, &b, ctx, out, &r->fresh, &r->nfresh, err, errlen);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* An event said its uid, gid, comm or image changed: carry nothing over. */
static int is_fresh(const qt_procs_reader *r, int pid)
{
    return r->nfresh && bsearch(&pid, r->fresh, r->nfresh, sizeof *r->fresh, cmp_int) != NULL;
}

void qt_procs_reader_use_events(qt_procs_reader *r, struct qt_proc_events *ev)
{
    qt_proc_track_free(r->track);
    r->track = ev ? qt_proc_track_new(ev) : NULL;
}

int qt_procs_reader_track_stats(const qt_procs_reader *r, struct qt_procs_track_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!r || !r->track)
        return 0;
    qt_proc_track_stats(r->track, out);
    return 1;
}

void qt_procs_reader_rescan_soon(qt_procs_reader *r)
{
    if (r && r->track)
        qt_proc_track_rescan_soon(r->track);
}

/* argv and uid are read by the /proc reader whichever backend scanned:
 * through a pinned /proc/PID directory fd (stat re-checked for the start
 * time, then status and cmdline) it costs 0.66-0.79x the CPU of libproc2's
 * procps_pids_select() batches, which open as many files but parse all of
 * status and stat (10,000 processes: 301-358 against 434-481 ms;
 * bench/procs_bench -l, docs/performance-procs.md). libproc2 stays the
 * scan's backend. */
static void load(qt_procs_reader *r, qt_procs *t, const size_t *idx, size_t n)
{
    (void)r;
    qt_proc_load(t->ctx, t, idx, n);
}

int qt_procs_reader_read(qt_procs_reader *r, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    size_t j = 0;

    r->table = NULL; /* an earlier table that was never sealed carries nothing */
    if (scan(r, ctx, out, err, errlen) != 0)
        return -1;
    out->loader = r;
    out->ctx = ctx;
    r->table = out;
    qt_kids_carry_give(&r->kids, out); /* no (pid, ppid) changed: no sort this sample */
    r->from = qt_realloc(r->from, (out->n ? out->n : 1) * sizeof *r->from);
    r->loaded = r->carried = 0;
    /* both sorted by pid: one merge walk */
    for (size_t i = 0; i < out->n; i++) {
        struct qt_proc *p = &out->v[i];
        const struct carried *c;
        r->from[i] = 0;
        while (j < r->ncache && r->cache[j].pid < p->pid)
            j++;
        if (j == r->ncache)
            continue;
        c = &r->cache[j];
        if (c->pid != p->pid || c->ticks != p->ticks || c->image != p->image || c->comm_hash != hash_comm(p->comm))
            continue; /* another process, or it exec'd: read it again when asked */
        if (p->state == 'Z' && c->argc > 0)
            continue; /* it died since (its image may be hidden from us): no argv any more */
        if (is_fresh(r, p->pid))
            continue; /* setuid() or prctl(PR_SET_NAME) since: read it again when asked */
        p->uid = c->uid;
        p->argc = c->argc;
        p->argv_more = c->argv_more;
        p->argv = qt_proc_argv_ref(c->argv); /* shared, not copied: 10,000 children, no malloc */
        p->argv_block = 2;
        p->lazy = 0;
        r->from[i] = j + 1;
        r->carried++;
    }
    return 0;
}

void qt_procs_reader_stats(const qt_procs_reader *r, size_t *loaded, size_t *carried)
{
    *loaded = r ? r->loaded : 0;
    *carried = r ? r->carried : 0;
}

static void cache_free(struct carried *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        qt_proc_argv_unref(c[i].argv);
    free(c);
}

void qt_procs_reader_free(qt_procs_reader *r)
{
    if (!r)
        return;
#ifdef QT_HAVE_LIBPROC2
    if (r->lp)
        qt_lp2_free(r->lp);
#endif
    cache_free(r->cache, r->ncache);
    free(r->spare);
    free(r->from);
    free(r->fresh);
    qt_kids_carry_free(&r->kids);
    qt_proc_track_free(r->track);
    free(r);
}

/* --- lazy argv and uid --- */

void qt_procs_want(qt_procs *t, struct qt_proc *p)
{
    if (t->loader && (p->lazy & QT_PROC_UNREAD))
        p->lazy |= QT_PROC_WANTED;
}

void qt_procs_want_pid(qt_procs *t, int pid)
{
    struct qt_proc *p = (struct qt_proc *)qt_procs_find(t, pid);
    if (p)
        qt_procs_want(t, p);
}

void qt_procs_want_chain(qt_procs *t, int pid)
{
    if (!t->loader)
        return;
    /* bounded: a table read while processes re-parent could hold a cycle */
    for (int hops = 0; hops < 64 && pid > 0; hops++) {
        struct qt_proc *p = (struct qt_proc *)qt_procs_find(t, pid);
        if (!p || (p->lazy & QT_PROC_CHAIN))
            return; /* 10k children of one listener: the rest was walked once */
        p->lazy |= QT_PROC_CHAIN;
        qt_procs_want(t, p);
        if (p->ppid == pid)
            return;
        pid = p->ppid;
    }
}

void qt_procs_load(qt_procs *t)
{
    size_t *idx, n = 0;

    if (!t->loader)
        return;
    /* several collectors call this each sample, most with nothing new to
     * read: count first, so they allocate nothing */
    for (size_t i = 0; i < t->n; i++)
        if ((t->v[i].lazy & (QT_PROC_UNREAD | QT_PROC_WANTED)) == (QT_PROC_UNREAD | QT_PROC_WANTED))
            n++;
    if (!n)
        return;
    idx = qt_malloc(n * sizeof *idx);
    n = 0;
    for (size_t i = 0; i < t->n; i++)
        if ((t->v[i].lazy & (QT_PROC_UNREAD | QT_PROC_WANTED)) == (QT_PROC_UNREAD | QT_PROC_WANTED))
            idx[n++] = i;
    load(t->loader, t, idx, n);
    t->loader->loaded += n;
    free(idx);
}

void qt_procs_load_all(qt_procs *t)
{
    for (size_t i = 0; i < t->n; i++)
        qt_procs_want(t, &t->v[i]);
    qt_procs_load(t);
}

void qt_procs_seal(qt_procs *t)
{
    qt_procs_reader *r = t->loader;
    struct carried *next;
    size_t n = 0, cap;

    t->loader = NULL;
    if (!r || r->table != t)
        return; /* a one-shot read, or the reader moved on: nothing to carry */
    r->table = NULL;
    qt_kids_carry_keep(&r->kids, t);
    /* the array before last is reused (every field of a kept entry is set
     * below): a steady sample allocates no cache */
    if (r->capspare < t->n || !r->spare) {
        free(r->spare);
        r->capspare = t->n + t->n / 16 + 16;
        r->spare = qt_malloc(r->capspare * sizeof *r->spare);
    }
    next = r->spare;
    cap = r->capspare;
    for (size_t i = 0; i < t->n; i++) {
        const struct qt_proc *p = &t->v[i];
        struct carried *c = &next[n];
        if (p->lazy & QT_PROC_UNREAD)
            continue;
        n++;
        if (r->from[i]) { /* unchanged since the last sample: move it */
            *c = r->cache[r->from[i] - 1];
            r->cache[r->from[i] - 1].argv = NULL;
            continue;
        }
        c->pid = p->pid;
        c->uid = p->uid;
        c->ticks = p->ticks;
        c->image = p->image;
        c->comm_hash = hash_comm(p->comm);
        c->argc = p->argc;
        c->argv_more = p->argv_more;
        c->argv = p->argv_block == 2 ? qt_proc_argv_ref(p->argv) : qt_proc_argv_share(p->argc, p->argv);
    }
    for (size_t i = 0; i < r->ncache; i++)
        qt_proc_argv_unref(r->cache[i].argv); /* moved ones are NULL */
    r->spare = r->cache;
    r->capspare = r->capcache;
    r->cache = next;
    r->ncache = n;
    r->capcache = cap;
}

/* --- one-shot reads: everything --- */

int qt_procs_read(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    qt_procs_reader *r = qt_procs_reader_new();
    int rc = qt_procs_reader_read(r, ctx, out, err, errlen);

    if (rc == 0) {
        qt_procs_load_all(out);
        out->loader = NULL;
    }
    qt_procs_reader_free(r);
    return rc;
}

static void want_everything(qt_procs *t, size_t **idx)
{
    *idx = qt_calloc(t->n ? t->n : 1, sizeof **idx);
    for (size_t i = 0; i < t->n; i++)
        (*idx)[i] = i;
}

int qt_procs_read_proc(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    size_t *idx;

    if (qt_proc_scan(ctx, out, err, errlen) != 0)
        return -1;
    want_everything(out, &idx);
    qt_proc_load(ctx, out, idx, out->n);
    free(idx);
    return 0;
}

#ifdef QT_HAVE_LIBPROC2
int qt_procs_read_libproc2(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    struct qt_lp2 *lp = qt_lp2_new(err, errlen);
    size_t *idx;

    if (!lp) {
        memset(out, 0, sizeof *out);
        return -1;
    }
    if (qt_lp2_scan(lp, ctx, out, err, errlen) != 0) {
        qt_lp2_free(lp);
        return -1;
    }
    want_everything(out, &idx);
    qt_lp2_load(lp, ctx, out, idx, out->n);
    free(idx);
    qt_lp2_free(lp);
    return 0;
}
#endif

int qt_proc_real_gid(const qt_ctx *ctx, int pid, unsigned *gid)
{
    char rel[64], path[4096], *text = NULL, *g;
    unsigned long v;
    int ok = 0;
    snprintf(rel, sizeof rel, "%d/status", pid);
    if (!qt_ctx_proc(ctx, rel, path, sizeof path) || qt_read_file(path, 1 << 16, &text) < 0)
        return 0;
    if ((g = strstr(text, "\nGid:"))) {
        g += 5;
        while (*g == ' ' || *g == '\t')
            g++;
        g[strcspn(g, " \t\n")] = '\0';
        ok = qt_parse_ulong(g, &v) == 0 && v < (unsigned)-1;
        if (ok)
            *gid = (unsigned)v;
    }
    free(text);
    return ok;
}

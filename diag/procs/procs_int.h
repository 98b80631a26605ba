/* procs_int.h - inside diag/procs only: the event-driven table
 * (procs_track.c) and what it needs from the reader (procs_reader.c).
 *
 * The reader's backend reads stat lines two ways: every process (scan) or
 * a list of pids (scan_pids: entries for the pids that exist, sorted by
 * pid, lazy = QT_PROC_UNREAD, boot time given). The tracker keeps the
 * previous table and decides which of the two a sample needs. The safety
 * net's scan (check) is scan's contract too, and its entries must equal
 * scan's field for field (the tracker compares them and adopts them): it is
 * the /proc reader's qt_proc_scan in both builds, the cheapest full scan
 * (docs/performance-procs.md, "The safety net's scan").
 */
#ifndef QT_PROCS_INT_H
#define QT_PROCS_INT_H

#include "diag/procs/procs.h"
#include "diag/procs/procs_events.h"

struct qt_proc_backend {
    int (*scan)(void *arg, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
    void (*scan_pids)(void *arg, const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out);
    int (*check)(void *arg, const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen);
    void *arg;
};

struct qt_proc_track;
/* A tracker over ev (it takes ownership). Never NULL. */
struct qt_proc_track *qt_proc_track_new(qt_proc_events *ev);
/* One sample's stat table into out (the backend's scan contract). *fresh
 * (sorted, caller frees; may be NULL with *nfresh 0) lists the pids whose
 * stat was re-read because an event named them: what the reader carried
 * over for them (uid, argv) may be out of date. 0, or -1 with err. */
int qt_proc_track_read(struct qt_proc_track *t, const struct qt_proc_backend *b, const qt_ctx *ctx, qt_procs *out,
                       int **fresh, size_t *nfresh, char *err, size_t errlen);
void qt_proc_track_rescan_soon(struct qt_proc_track *t);
void qt_proc_track_stats(const struct qt_proc_track *t, struct qt_procs_track_stats *out);
void qt_proc_track_free(struct qt_proc_track *t);

/* The arrays of the event-driven tables, recycled (procs_pool.c): a steady
 * sample copies the tracker's table into an array a freed table gave back.
 * new: the owner's reference. get: an array of at least n entries (contents
 * undefined) for a table that sets pool to it; never NULL. put: the table's
 * array comes back (qt_procs_free does it), dropping its reference. The pool
 * lives until the owner's and every table's reference is gone, so tables may
 * outlive the reader. */
struct qt_procs_pool;
struct qt_procs_pool *qt_procs_pool_new(void);
struct qt_proc *qt_procs_pool_get(struct qt_procs_pool *pl, size_t n);
void qt_procs_pool_put(struct qt_procs_pool *pl, struct qt_proc *v);
void qt_procs_pool_unref(struct qt_procs_pool *pl);

/* The lookup indexes of a table (procs_memo.c): free them (qt_procs_free
 * does; t->memo is NULL after). */
void qt_procs_memo_free(qt_procs *t);
/* The children index carried from one sample's table to the next by the
 * reader: kept at seal (when a collector built one), given to the next
 * table only when its (pid, ppid) list is the same, entry for entry. */
struct qt_kids_carry {
    int *ids;         /* pid, ppid of each entry of the table it was built for */
    size_t *by_ppid;  /* that table's children index */
    size_t n;
};
void qt_kids_carry_keep(struct qt_kids_carry *c, const qt_procs *t);
/* 1 when t got the carried index, else 0. */
int qt_kids_carry_give(const struct qt_kids_carry *c, qt_procs *t);
void qt_kids_carry_free(struct qt_kids_carry *c);

/* The /proc reader's scan of chosen pids (procs.c), and libproc2's. */
void qt_proc_scan_pids(const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out);
#ifdef QT_HAVE_LIBPROC2
void qt_lp2_scan_pids(struct qt_lp2 *lp, const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out);
#endif

#endif

/* procs_pool.c - the entry arrays of the event-driven tables, recycled
 * (issue 19): a steady sample copies the tracker's 10,000-entry table
 * (1.5 MB) into the array of a table freed earlier instead of fresh memory
 * (a fresh malloc of that size is fresh pages: page faults on every copy).
 * See procs_int.h. */
#include "diag/procs/procs_int.h"
#include "diag/core/util.h"

#include <stdlib.h>

struct slot {
    struct qt_proc *v;
    size_t cap;
};

struct qt_procs_pool {
    size_t refs;        /* the owner's, plus one per array handed out */
    struct slot spare;  /* the last array given back (v NULL: none) */
    struct slot *out;   /* arrays handed out, not yet given back */
    size_t nout, capout;
};

struct qt_procs_pool *qt_procs_pool_new(void)
{
    struct qt_procs_pool *pl = qt_calloc(1, sizeof *pl);
    pl->refs = 1;
    return pl;
}

static void unref(struct qt_procs_pool *pl)
{
    if (--pl->refs)
        return;
    free(pl->spare.v);
    free(pl->out);
    free(pl);
}

struct qt_proc *qt_procs_pool_get(struct qt_procs_pool *pl, size_t n)
{
    struct slot s = pl->spare;

    if (!n)
        n = 1;
    if (!s.v || s.cap < n) {
        free(s.v);
        s.cap = n + n / 16 + 16; /* a few forks later it still fits */
        s.v = qt_malloc(s.cap * sizeof *s.v);
    }
    pl->spare.v = NULL;
    pl->spare.cap = 0;
    qt_grow(&pl->out, &pl->capout, pl->nout + 1, sizeof *pl->out);
    pl->out[pl->nout++] = s;
    pl->refs++;
    return s.v;
}

void qt_procs_pool_put(struct qt_procs_pool *pl, struct qt_proc *v)
{
    size_t i;

    for (i = 0; i < pl->nout && pl->out[i].v != v; i++)
        ;
    if (i == pl->nout) {
        free(v); /* not ours: cannot happen, but never leak */
    } else {
        struct slot s = pl->out[i];
        pl->out[i] = pl->out[--pl->nout];
        /* keep the bigger of the two */
        if (pl->spare.v && pl->spare.cap >= s.cap) {
            free(s.v);
        } else {
            free(pl->spare.v);
            pl->spare = s;
        }
    }
    unref(pl);
}

void qt_procs_pool_unref(struct qt_procs_pool *pl)
{
    if (pl)
        unref(pl);
}

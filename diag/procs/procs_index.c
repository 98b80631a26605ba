/* procs_index.c - see procs_index.h. */
#include "diag/procs/procs_index.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t pid_hash(int pid)
{
    return (size_t)((uint32_t)pid * 2654435761u); /* Knuth's multiplicative hash (TAOCP 6.4) */
}

void qt_pid_index_build(qt_pid_index *x, const qt_procs *procs)
{
    size_t cap = 16;

    while (cap < 2 * procs->n)
        cap *= 2;
    x->v = qt_realloc(x->v, cap * sizeof *x->v);
    for (size_t i = 0; i < cap; i++)
        x->v[i].idx = -1;
    x->mask = cap - 1;
    for (size_t i = 0; i < procs->n; i++) {
        size_t h = pid_hash(procs->v[i].pid) & x->mask;
        while (x->v[h].idx >= 0 && x->v[h].pid != procs->v[i].pid)
            h = (h + 1) & x->mask;
        x->v[h] = (struct qt_pidslot){procs->v[i].pid, (int)i};
    }
    x->procs = procs;
}

int qt_pid_index_get(const qt_pid_index *x, const qt_procs *procs, int pid)
{
    const struct qt_proc *p;

    if (x->procs && x->procs == procs) {
        /* at most half full: an empty slot ends every probe */
        for (size_t h = pid_hash(pid) & x->mask;; h = (h + 1) & x->mask) {
            if (x->v[h].idx < 0)
                return -1;
            if (x->v[h].pid == pid)
                return x->v[h].idx;
        }
    }
    p = qt_procs_find(procs, pid);
    return p ? (int)(p - procs->v) : -1;
}

void qt_pid_index_free(qt_pid_index *x)
{
    free(x->v);
    memset(x, 0, sizeof *x);
}

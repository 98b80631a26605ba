/* procs_memo.c - lookups in a process table: by pid (a hash built on the
 * first lookup of a large table) and children by ppid (sorted once per
 * table, shared by every collector of the sample and carried to the next
 * sample's table while no process forked, exited or was re-parented).
 * See procs.h (qt_procs_find, qt_procs_kids_*) and procs_int.h. */
#include "diag/procs/procs.h"
#include "diag/procs/procs_int.h"
#include "diag/procs/procs_index.h"
#include "diag/core/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* below this, a binary search is as cheap as hashing and needs no memory */
#define HASH_MIN 64

struct qt_procs_memo {
    const struct qt_proc *v; /* the table state the indexes were built for */
    size_t n;
    qt_pid_index pids;       /* procs NULL until built */
    size_t *by_ppid;         /* NULL until built */
};

void qt_procs_memo_free(qt_procs *t)
{
    if (!t->memo)
        return;
    qt_pid_index_free(&t->memo->pids);
    free(t->memo->by_ppid);
    free(t->memo);
    t->memo = NULL;
}

/* The table's memo, emptied if the table was reallocated or resized since.
 * A lookup is logically const: the indexes only cache what v says. */
static struct qt_procs_memo *memo_of(const qt_procs *t)
{
    qt_procs *m = (qt_procs *)t;

    if (m->memo && (m->memo->v != t->v || m->memo->n != t->n))
        qt_procs_memo_free(m);
    if (!m->memo) {
        m->memo = qt_calloc(1, sizeof *m->memo);
        m->memo->v = t->v;
        m->memo->n = t->n;
    }
    return m->memo;
}

static const struct qt_proc *find_sorted(const qt_procs *p, int pid)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->v[mid].pid == pid)
            return &p->v[mid];
        if (p->v[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int qt_procs_index(const qt_procs *p, int pid)
{
    struct qt_procs_memo *m;
    const struct qt_proc *q;

    if (p->n < HASH_MIN)
        return (q = find_sorted(p, pid)) ? (int)(q - p->v) : -1;
    m = memo_of(p);
    if (m->pids.procs != p)
        qt_pid_index_build(&m->pids, p);
    return qt_pid_index_get(&m->pids, p, pid);
}

const struct qt_proc *qt_procs_find(const qt_procs *p, int pid)
{
    int i = qt_procs_index(p, pid);
    return i >= 0 ? &p->v[i] : NULL;
}

/* Indexes 0..n-1 ordered by ppid, ties in index order: a stable LSD radix
 * sort on the ppid's bytes (pids are below 2^22, PID_MAX_LIMIT in
 * include/linux/threads.h, so the high byte passes are usually skipped). */
static size_t *sort_by_ppid(const qt_procs *t)
{
    size_t n = t->n, *a = qt_malloc((n ? n : 1) * sizeof *a), *b = qt_malloc((n ? n : 1) * sizeof *b);
    unsigned all = 0;

    for (size_t i = 0; i < n; i++) {
        a[i] = i;
        all |= (unsigned)t->v[i].ppid;
    }
    for (unsigned shift = 0; shift < 32 && (all >> shift); shift += 8) {
        size_t count[257] = {0}, *tmp;
        for (size_t i = 0; i < n; i++)
            count[(((unsigned)t->v[a[i]].ppid >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (size_t i = 0; i < n; i++)
            b[count[((unsigned)t->v[a[i]].ppid >> shift) & 0xff]++] = a[i];
        tmp = a, a = b, b = tmp;
    }
    free(b);
    return a;
}

void qt_procs_kids_build(qt_procs_kids *k, const qt_procs *t)
{
    struct qt_procs_memo *m = memo_of(t);

    if (!m->by_ppid)
        m->by_ppid = sort_by_ppid(t);
    k->procs = t;
    k->by_ppid = qt_malloc((t->n ? t->n : 1) * sizeof *k->by_ppid);
    if (t->n)
        memcpy(k->by_ppid, m->by_ppid, t->n * sizeof *k->by_ppid);
}

size_t qt_procs_kids_of(const qt_procs_kids *k, int ppid, size_t *first)
{
    size_t lo = 0, hi = k->procs ? k->procs->n : 0, n = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (k->procs->v[k->by_ppid[mid]].ppid < ppid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    while (k->procs && lo + n < k->procs->n && k->procs->v[k->by_ppid[lo + n]].ppid == ppid)
        n++;
    return n;
}

void qt_procs_kids_free(qt_procs_kids *k)
{
    free(k->by_ppid);
    memset(k, 0, sizeof *k);
}

/* --- carried between samples (the reader's) --- */

void qt_kids_carry_keep(struct qt_kids_carry *c, const qt_procs *t)
{
    const struct qt_procs_memo *m = t->memo;

    if (!m || !m->by_ppid || m->v != t->v || m->n != t->n)
        return; /* nobody walked this table's children: what is kept stays */
    qt_kids_carry_free(c);
    c->n = t->n;
    c->ids = qt_malloc((t->n ? t->n : 1) * 2 * sizeof *c->ids);
    c->by_ppid = qt_malloc((t->n ? t->n : 1) * sizeof *c->by_ppid);
    for (size_t i = 0; i < t->n; i++) {
        c->ids[2 * i] = t->v[i].pid;
        c->ids[2 * i + 1] = t->v[i].ppid;
    }
    if (t->n)
        memcpy(c->by_ppid, m->by_ppid, t->n * sizeof *c->by_ppid);
}

int qt_kids_carry_give(const struct qt_kids_carry *c, qt_procs *t)
{
    struct qt_procs_memo *m;

    if (!c->by_ppid || c->n != t->n)
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (c->ids[2 * i] != t->v[i].pid || c->ids[2 * i + 1] != t->v[i].ppid)
            return 0;
    m = memo_of(t);
    free(m->by_ppid);
    m->by_ppid = qt_malloc((t->n ? t->n : 1) * sizeof *m->by_ppid);
    if (t->n)
        memcpy(m->by_ppid, c->by_ppid, t->n * sizeof *m->by_ppid);
    return 1;
}

void qt_kids_carry_free(struct qt_kids_carry *c)
{
    free(c->ids);
    free(c->by_ppid);
    memset(c, 0, sizeof *c);
}

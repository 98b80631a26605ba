/* procs_index.h - pid -> index of a process table in O(1): an open
 * addressing hash built once for a table that is looked up thousands of
 * times (the ports stage mapping: every socket's owner, every chain step),
 * where qt_procs_find's binary search costs 14 scattered probes in 10,000
 * entries. The index holds no pointer into the table's entries, only the
 * table's address: build it again for another table.
 */
#ifndef QT_PROCS_INDEX_H
#define QT_PROCS_INDEX_H

#include <stddef.h>

struct qt_procs;

struct qt_pidslot {
    int pid, idx; /* idx -1: empty */
};

typedef struct qt_pid_index {
    const struct qt_procs *procs; /* the table it was built for; NULL: none */
    struct qt_pidslot *v;         /* owned */
    size_t mask;
} qt_pid_index;

/* (Re)build x for procs (sorted by pid or not; pids unique). */
void qt_pid_index_build(qt_pid_index *x, const struct qt_procs *procs);
/* Index of pid in procs, or -1. When x was not built for procs (or is
 * zeroed), falls back to qt_procs_find. */
int qt_pid_index_get(const qt_pid_index *x, const struct qt_procs *procs, int pid);
/* Free x's slots and zero it. */
void qt_pid_index_free(qt_pid_index *x);

#endif

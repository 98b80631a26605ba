/* stage_reuse.c - a steady sample takes the last sample's mapping as it is.
 *
 * With 10,000 connections and nothing changing, every pass of the mapping
 * (inode map, pid table, owners, classification) still looks each socket
 * and each owner up in a hash: cache misses, about 1.5 ms a sample for the
 * same answer. When the last full sample was a fixed point (it read no fd
 * list, computed no owner's facts, lost no socket, kept the listeners), its
 * result is a function of its input alone; the same input again -- the same
 * sockets in the same order, and no process new, gone, exec'd, re-parented
 * or dead near them -- gives the same result, so it is copied instead.
 * "Near" is what a full sample would look at: the owners and listeners, what
 * runs beneath them and their ways up (qt_stage_touched). A change far from
 * the watched ports (a cron job, a compiler) leaves the kept result as it
 * was; one near them makes the sample a full one. */
#include "diag/ports/stage_int.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

/* What the mapping and the classification read of a socket. */
static uint64_t key_of(const struct qt_sock *s)
{
    unsigned bytes = 0;
    if (s->flags & QT_SOCK_HAS_BYTES)
        bytes = 1u | (s->bytes_received == 0) << 1 | (s->bytes_acked == 0) << 2;
    return (uint64_t)s->inode << 32 | (uint64_t)(s->state & 0xffu) << 24 | (uint64_t)((unsigned)s->svc & 0xffffu) << 8 |
           bytes;
}

int qt_stage_had_role(const struct pidrec *old)
{
    return old->nconn || (old->flags & (PF_LISTENER | PF_HOLDER | PF_UPPATH));
}

int qt_stage_touched(const qt_stage_state *st, const qt_procs *procs, int i)
{
    if (st->pids[i].flags & PF_UPPATH)
        return 1;
    /* levels 0..MAX_DEPTH + 1: qt_facts_begin drops the facts MAX_DEPTH
     * levels up, and the scans read new children of owners and listeners;
     * pid 1 counts too (it listens under socket activation) */
    for (int up = 0; up <= MAX_DEPTH + 1 && i >= 0; up++) {
        if (qt_stage_had_role(&st->pids[i]))
            return 1;
        i = procs->v[i].ppid > 0 ? qt_procs_index(procs, procs->v[i].ppid) : -1;
    }
    return 0;
}

/* Mark the owners' ways up as qt_facts_ok walks them: the owner, then its
 * ancestors, MAX_DEPTH hops at most, up to and with the listener. */
static void mark_ways_up(qt_stage_state *st, const qt_procs *procs)
{
    for (size_t i = 0; i < st->npids; i++)
        st->pids[i].flags &= ~PF_UPPATH;
    for (size_t i = 0; i < st->npids; i++) {
        int pi = (int)i;
        if (!st->pids[i].nconn)
            continue;
        for (int hops = 0; hops < MAX_DEPTH && pi >= 0; hops++) {
            st->pids[pi].flags |= PF_UPPATH;
            if ((st->pids[pi].flags & PF_LISTENER) || procs->v[pi].ppid <= 1)
                break;
            pi = qt_procs_index(procs, procs->v[pi].ppid);
        }
    }
}

void qt_stage_keep(qt_stage_state *st, const qt_procs *procs, const struct qt_sock *socks, size_t n,
                   const struct qt_owner *own, const struct qt_stage_stats *stats, unsigned lchanged)
{
    st->fixed = !stats->scanned && !stats->facts && !stats->lost && !stats->full_rescan && !lchanged;
    if (!st->fixed)
        return;
    mark_ways_up(st, procs);
    st->keys = qt_realloc(st->keys, (n ? n : 1) * sizeof *st->keys);
    st->own = qt_realloc(st->own, (n ? n : 1) * sizeof *st->own);
    for (size_t k = 0; k < n; k++)
        st->keys[k] = key_of(&socks[k]);
    memcpy(st->own, own, n * sizeof *own);
    st->nkeys = n;
    st->stats = *stats;
}

int qt_stage_reuse(const qt_stage_state *st, const struct qt_sock *socks, size_t n, int touched,
                   struct qt_owner *own, struct qt_stage_stats *stats)
{
    if (!st->fixed || st->no_reuse || touched || n != st->nkeys)
        return 0;
    for (size_t k = 0; k < n; k++)
        if (key_of(&socks[k]) != st->keys[k])
            return 0;
    memcpy(own, st->own, n * sizeof *own);
    *stats = st->stats;
    /* a process far away whose fds could not be read may have come or gone */
    stats->unreadable = 0;
    for (size_t i = 0; i < st->npids; i++)
        stats->unreadable += (st->pids[i].flags & PF_UNREADABLE) != 0;
    stats->reused = 1;
    return 1;
}

/* servers_ip.c - the remote IP of a per-connection child, read from its
 * environment (TCPREMOTEIP, SSLREMOTEIP: ucspi-tcp's tcpserver and
 * ucspi-ssl's sslserver set them before exec'ing the program; see
 * docs/domain/) and kept across samples. See servers_int.h. */
#include "diag/servers/servers_int.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* e->ip, e->iplen and e->hash from the child's environment ("" none). */
static void read_ip(const qt_ctx *ctx, int pid, struct qt_ip_seen *e)
{
    char *env = NULL;
    long len = qt_proc_read_environ(ctx, pid, &env);
    const char *v = NULL;

    e->ip[0] = '\0';
    if (len > 0) {
        v = qt_environ_get(env, (size_t)len, "TCPREMOTEIP");
        if (!v)
            v = qt_environ_get(env, (size_t)len, "SSLREMOTEIP");
        if (v)
            qt_copy(e->ip, sizeof e->ip, v);
    }
    free(env);
    e->iplen = (unsigned)strlen(e->ip);
    e->hash = qt_fnv1a(QT_FNV1A_INIT, e->ip, e->iplen);
}

static int by_seen_pid(const void *a, const void *b)
{
    const struct qt_ip_seen *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The last sample's entry for pid: children are walked in pid order
 * within a listener, the order prev is sorted in, so the entry after the
 * last hit is tried before a binary search. */
static const struct qt_ip_seen *prev_entry(struct qt_ip_cache *c, int pid)
{
    struct qt_ip_seen key = {.pid = pid};
    const struct qt_ip_seen *hit;

    if (c->hint < c->nprev && c->prev[c->hint].pid == pid)
        hit = &c->prev[c->hint];
    else if (!(hit = bsearch(&key, c->prev, c->nprev, sizeof key, by_seen_pid)))
        return NULL;
    c->hint = (size_t)(hit - c->prev) + 1;
    return hit;
}

/* Is what the last sample saw of this child still true? An IP found stays
 * for the process's whole life (an exec keeps the environment tcpserver
 * gave it); "none" only until the process execs (image changes): a forked
 * tcpserver shows the listener's environment until it execs the program
 * with TCPREMOTEIP. Without an image key (hidden, or a short stat line)
 * "none" is not kept. */
static const struct qt_ip_seen *still_seen(struct qt_ip_cache *c, const struct qt_proc *p)
{
    const struct qt_ip_seen *hit;

    if (!c || !c->nprev || !(hit = prev_entry(c, p->pid)))
        return NULL;
    if (hit->ticks != p->ticks)
        return NULL;
    if (!hit->ip[0] && (!p->image || hit->image != p->image))
        return NULL;
    return hit;
}

/* A slot of c->next for this sample's entry of p (NULL: not kept). */
static struct qt_ip_seen *next_slot(struct qt_ip_cache *c, int pid)
{
    if (c->nnext && c->next[c->nnext - 1].pid > pid)
        c->unsorted = 1;
    qt_grow(&c->next, &c->capnext, c->nnext + 1, sizeof *c->next);
    return &c->next[c->nnext++];
}

const struct qt_ip_seen *qt_ip_child(const qt_ctx *ctx, struct qt_ip_cache *c, const struct qt_proc *child,
                                     const struct qt_proc *parent, struct qt_ip_seen *scratch, int *budget)
{
    const struct qt_ip_seen *hit = still_seen(c, child);
    struct qt_ip_seen *e;

    if (hit) {
        e = next_slot(c, child->pid); /* c is set: hit came from it */
        *e = *hit;        /* a copy, not a reformat: a steady sample */
        e->image = child->image;
    } else if (parent && child->image && child->image == parent->image) {
        /* forked, not exec'd yet: its environment is the parent's (no read) */
        return NULL;
    } else if (*budget > 0) {
        (*budget)--;
        e = scratch;
        read_ip(ctx, child->pid, e);
        e->pid = child->pid;
        e->ticks = child->ticks;
        e->image = child->image;
        if (c)
            c->reads++;
        /* "none" without an image key cannot be told from a later exec: not kept */
        if (c && (e->ip[0] || child->image)) {
            struct qt_ip_seen *slot = next_slot(c, child->pid);
            *slot = *e;
            e = slot;
        }
    } else {
        return NULL; /* unread: not known to be "none" */
    }
    return e->ip[0] ? e : NULL;
}

void qt_ip_cache_turn(struct qt_ip_cache *c)
{
    struct qt_ip_seen *t = c->prev;
    size_t cap = c->capprev;

    c->prev = c->next;
    c->capprev = c->capnext;
    c->nprev = c->nnext;
    c->next = t; /* reused by the next sample: no free, no fresh pages */
    c->capnext = cap;
    c->nnext = 0;
    c->hint = 0;
    /* the walk goes in children-index order, which is pid order within a
     * listener: usually sorted already, as noted while filling */
    if (c->unsorted)
        qsort(c->prev, c->nprev, sizeof *c->prev, by_seen_pid);
    c->unsorted = 0;
}

void qt_ip_cache_free(struct qt_ip_cache *c)
{
    free(c->prev);
    free(c->next);
    memset(c, 0, sizeof *c);
}

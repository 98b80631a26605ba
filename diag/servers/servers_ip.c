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

static void read_ip(const qt_ctx *ctx, int pid, char *ip, size_t n)
{
    char *env = NULL;
    long len = qt_proc_read_environ(ctx, pid, &env);
    const char *v = NULL;
    ip[0] = '\0';
    if (len > 0) {
        v = qt_environ_get(env, (size_t)len, "TCPREMOTEIP");
        if (!v)
            v = qt_environ_get(env, (size_t)len, "SSLREMOTEIP");
        if (v)
            snprintf(ip, n, "%s", v);
    }
    free(env);
}

static int by_seen_pid(const void *a, const void *b)
{
    const struct qt_ip_seen *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Is what the last sample saw of this child still true? An IP found stays
 * for the process's whole life (an exec keeps the environment tcpserver
 * gave it); "none" only until the process execs (image changes): a forked
 * tcpserver shows the listener's environment until it execs the program
 * with TCPREMOTEIP. Without an image key (hidden, or a short stat line)
 * "none" is not kept. */
static const struct qt_ip_seen *still_seen(const struct qt_ip_cache *c, const struct qt_proc *p)
{
    struct qt_ip_seen key = {.pid = p->pid};
    const struct qt_ip_seen *hit;

    if (!c || !c->nprev || !(hit = bsearch(&key, c->prev, c->nprev, sizeof key, by_seen_pid)))
        return NULL;
    if (hit->ticks != p->ticks)
        return NULL;
    if (!hit->ip[0] && (!p->image || hit->image != p->image))
        return NULL;
    return hit;
}

static void remember(struct qt_ip_cache *c, const struct qt_proc *p, const char *ip)
{
    struct qt_ip_seen *e;

    if (!c || (!ip[0] && !p->image))
        return;
    qt_grow(&c->next, &c->capnext, c->nnext + 1, sizeof *c->next);
    e = &c->next[c->nnext++];
    e->pid = p->pid;
    e->ticks = p->ticks;
    e->image = p->image;
    snprintf(e->ip, sizeof e->ip, "%s", ip);
}

void qt_ip_child(const qt_ctx *ctx, struct qt_ip_cache *c, const struct qt_proc *child, const struct qt_proc *parent,
                 char *ip, size_t n, int *budget)
{
    const struct qt_ip_seen *hit = still_seen(c, child);

    ip[0] = '\0';
    if (hit) {
        snprintf(ip, n, "%s", hit->ip);
    } else if (parent && child->image && child->image == parent->image) {
        /* forked, not exec'd yet: its environment is the parent's (no read) */
        return;
    } else if (*budget > 0) {
        (*budget)--;
        read_ip(ctx, child->pid, ip, n);
        if (c)
            c->reads++;
    } else {
        return; /* unread: not known to be "none" */
    }
    remember(c, child, ip);
}

void qt_ip_cache_turn(struct qt_ip_cache *c)
{
    free(c->prev);
    c->prev = c->next;
    c->nprev = c->nnext;
    c->next = NULL;
    c->nnext = c->capnext = 0;
    /* the walk goes in children-index order, which is pid order within a
     * listener: usually sorted already, and a check is cheaper than a sort */
    for (size_t i = 1; i < c->nprev; i++)
        if (c->prev[i - 1].pid > c->prev[i].pid) {
            qsort(c->prev, c->nprev, sizeof *c->prev, by_seen_pid);
            break;
        }
}

void qt_ip_cache_free(struct qt_ip_cache *c)
{
    free(c->prev);
    free(c->next);
    memset(c, 0, sizeof *c);
}

/* slots.c - per-connection children of a listener that hold a -c slot with
 * no TCP connection left. See ports.h (qt_ports_slots).
 *
 * tcpserver and sslserver count children, not connections: a child that
 * lost its socket but never exits keeps its slot (fehcom ucspi-ssl 0.95b on
 * OpenSSL 3 without SSL_OP_IGNORE_UNEXPECTED_EOF spins in ssl_io() after a
 * client closes without close_notify: docs/domain/ucspi.md). Such a child is
 * a live child of the listener with no accepted connection held by it or by
 * anything beneath it. */
#include "diag/ports/ports.h"
#include "diag/core/programs.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPU seconds (utime + stime, proc(5) fields 14 and 15) of pid; -1 unknown. */
static double cpu_seconds(const qt_ctx *ctx, int pid)
{
    char rel[64], path[4096], buf[1024];
    unsigned long long ut, st;
    const char *p;
    ssize_t n;
    int fd;

    snprintf(rel, sizeof rel, "%d/stat", pid);
    if (!qt_ctx_proc(ctx, rel, path, sizeof path) || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -1;
    n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    if (!(p = strrchr(buf, ')')))
        return -1;
    /* after ") ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Index in procs of the listener's direct child on pid's ancestor chain,
 * -1 if pid is not beneath it (every connection's owner is looked up,
 * 10,000 of them with per-connection children: the table's pid hash). */
static long child_of(const qt_procs *procs, int listener, int pid)
{
    for (int hops = 0; hops < 64 && pid > 1; hops++) {
        int i = qt_procs_index(procs, pid);
        if (i < 0)
            return -1;
        if (procs->v[i].ppid == listener)
            return i;
        pid = procs->v[i].ppid;
    }
    return -1;
}

/* 1 when every accepted connection of svc has a visible owner: only then
 * can "no connection" be told from "not visible". */
static int owners_known(const qt_sockets *m, int svc)
{
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        if (s->svc == svc && s->inode && (s->state == QT_TCP_ESTABLISHED || s->state == QT_TCP_CLOSE_WAIT) &&
            !m->own[k].pid)
            return 0;
    }
    return 1;
}

static void one_listener(qt_sockets *m, const qt_ctx *ctx, const qt_procs *procs, int svc, int lpid,
                         size_t *cap)
{
    int li = qt_procs_index(procs, lpid);
    unsigned char *held;

    if (li < 0 || !qt_program_is(qt_proc_name(&procs->v[li]), QT_PROG_LISTENER))
        return; /* only forking servers that count children against -c */
    held = qt_calloc(procs->n ? procs->n : 1, 1);   /* by index in procs: the child holds one */
    for (size_t k = 0; k < m->socks.n; k++) {
        const struct qt_sock *s = &m->socks.v[k];
        long c;
        if (s->svc == svc && s->state != QT_TCP_LISTEN && m->own[k].pid &&
            (c = child_of(procs, lpid, m->own[k].pid)) >= 0)
            held[c] = 1;
    }
    for (size_t i = 0; i < procs->n; i++) {
        const struct qt_proc *p = &procs->v[i];
        struct qt_slot_child *c;
        if (p->ppid != lpid || qt_proc_is_zombie(p))
            continue;
        m->svc[svc].children++;
        if (held[i])
            continue;
        /* a child whose client left a moment ago is on its way out */
        if (p->start <= 0 || m->now - p->start < QT_PORTS_NOCONN_AGE)
            continue;
        qt_grow(&m->noconn, cap, m->nnoconn + 1, sizeof *m->noconn);
        c = &m->noconn[m->nnoconn++];
        c->svc = svc;
        c->pid = p->pid;
        c->listener = lpid;
        c->start = p->start;
        c->cpu = cpu_seconds(ctx, p->pid);
        m->svc[svc].noconn++;
    }
    free(held);
}

void qt_ports_slots(qt_sockets *m, const qt_ctx *ctx, const qt_procs *procs)
{
    size_t cap = 0;

    if (!procs || !m->own)
        return;
    for (int i = 0; i < m->nsvc && i < QT_MAX_SERVICES; i++) {
        int seen[8], nseen = 0;
        if (!owners_known(m, i))
            continue;
        for (size_t l = 0; l < m->nlisteners && nseen < 8; l++) {
            int dup = 0;
            if (m->listeners[l].svc != i || !m->listeners[l].pid)
                continue;
            for (int j = 0; j < nseen; j++)
                dup |= seen[j] == m->listeners[l].pid;
            if (dup)
                continue; /* one process listening on v4 and v6 */
            seen[nseen++] = m->listeners[l].pid;
            one_listener(m, ctx, procs, i, m->listeners[l].pid, &cap);
        }
    }
}

static int by_pid(const void *a, const void *b)
{
    const struct qt_slot_child *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

void qt_ports_slots_confirm(qt_sockets *m, const struct qt_slot_child *prev, size_t nprev, int confirm,
                            struct qt_slot_child **cand, size_t *ncand)
{
    size_t k = 0;

    *ncand = m->nnoconn;
    *cand = NULL; /* the usual case, every sample: no allocation */
    if (m->nnoconn) {
        *cand = qt_malloc(m->nnoconn * sizeof **cand);
        memcpy(*cand, m->noconn, m->nnoconn * sizeof **cand);
        qsort(*cand, *ncand, sizeof **cand, by_pid);
    }
    if (!confirm)
        return;
    for (size_t i = 0; i < m->nnoconn; i++) {
        const struct qt_slot_child *c = &m->noconn[i];
        const struct qt_slot_child *was = nprev ? bsearch(c, prev, nprev, sizeof *prev, by_pid) : NULL;
        if (was && was->start == c->start)
            m->noconn[k++] = *c;
        else if (c->svc >= 0 && c->svc < QT_MAX_SERVICES)
            m->svc[c->svc].noconn--;
    }
    m->nnoconn = k;
}

/* procs_events.c - the process events connector and the dirty set. See
 * procs_events.h. Message layout: linux/connector.h (struct cn_msg) and
 * linux/cn_proc.h (struct proc_event); subscription:
 * Documentation/driver-api/connector.rst and drivers/connector/cn_proc.c
 * (cn_proc_mcast_ctl answers with a PROC_EVENT_NONE ack carrying an errno,
 * or not at all outside the initial pid and user namespaces). */
#include "diag/procs/procs_events.h"
#include "diag/core/util.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

/* Socket receive buffer: at 1,000 forks/s (a fork, an exec and an exit
 * each, about 1 KiB of buffer per message) one second of events is 3 MiB. */
#define RCVBUF_BYTES (16 << 20)
/* CPUs whose sequence numbers are followed; events from others mark lost */
#define MAX_CPUS 8192

struct pidset {
    int *v;
    size_t n, cap;
};

struct qt_proc_events {
    int fd;                 /* -1 when socketless */
    int acked, ack_err;     /* the kernel answered the subscription */
    uint32_t *next_seq;     /* per CPU: the sequence number expected next */
    unsigned char *seen;    /* per CPU: a message was seen */
    size_t ncpu;
    int lost;
    struct pidset dirty, exited, threads;
    unsigned long events, nlost;
};

qt_proc_events *qt_proc_events_new(void)
{
    qt_proc_events *ev = qt_calloc(1, sizeof *ev);
    ev->fd = -1;
    return ev;
}

static void set_add(struct pidset *s, int pid)
{
    if (pid <= 0)
        return;
    /* a busy stream repeats pids: skip the last one added again */
    if (s->n && s->v[s->n - 1] == pid)
        return;
    qt_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = pid;
}

static void mark_lost(qt_proc_events *ev)
{
    if (!ev->lost)
        ev->nlost++;
    ev->lost = 1;
}

/* Per-CPU sequence numbers must follow each other: anything else is a loss. */
static void check_seq(qt_proc_events *ev, uint32_t cpu, uint32_t seq)
{
    if (cpu >= MAX_CPUS) {
        mark_lost(ev);
        return;
    }
    if (cpu >= ev->ncpu) {
        size_t n = (size_t)cpu + 1;
        ev->next_seq = qt_realloc(ev->next_seq, n * sizeof *ev->next_seq);
        ev->seen = qt_realloc(ev->seen, n);
        memset(ev->seen + ev->ncpu, 0, n - ev->ncpu);
        ev->ncpu = n;
    }
    if (ev->seen[cpu] && ev->next_seq[cpu] != seq)
        mark_lost(ev);
    ev->seen[cpu] = 1;
    ev->next_seq[cpu] = seq + 1;
}

/* The thread group a message is about, and whether it is an exit. */
static void note_event(qt_proc_events *ev, const struct proc_event *pe)
{
    switch (pe->what) {
    case PROC_EVENT_FORK:
        /* a new process, or a new thread of child_tgid (its thread count) */
        set_add(&ev->dirty, pe->event_data.fork.child_tgid);
        break;
    case PROC_EVENT_EXEC:
        set_add(&ev->dirty, pe->event_data.exec.process_tgid);
        break;
    case PROC_EVENT_UID:
    case PROC_EVENT_GID:
        set_add(&ev->dirty, pe->event_data.id.process_tgid);
        break;
    case PROC_EVENT_SID:
        set_add(&ev->dirty, pe->event_data.sid.process_tgid);
        break;
    case PROC_EVENT_PTRACE:
        set_add(&ev->dirty, pe->event_data.ptrace.process_tgid);
        break;
    case PROC_EVENT_COMM:
        set_add(&ev->dirty, pe->event_data.comm.process_tgid);
        break;
    case PROC_EVENT_COREDUMP:
        set_add(&ev->dirty, pe->event_data.coredump.process_tgid);
        break;
    case PROC_EVENT_EXIT:
        /* the process became a zombie or is gone (a thread's exit: one thread less) */
        set_add(&ev->dirty, pe->event_data.exit.process_tgid);
        set_add(&ev->exited, pe->event_data.exit.process_tgid);
        if (pe->event_data.exit.process_pid != pe->event_data.exit.process_tgid)
            set_add(&ev->threads, pe->event_data.exit.process_tgid);
        break;
    default:
        break; /* a newer kernel's event: nothing we read changes */
    }
}

void qt_proc_events_feed(qt_proc_events *ev, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len >= NLMSG_HDRLEN) {
        struct nlmsghdr h;
        struct cn_msg cn;
        struct proc_event pe;
        size_t mlen, step;

        memcpy(&h, p, sizeof h);
        mlen = h.nlmsg_len;
        if (mlen < NLMSG_HDRLEN || mlen > len) {
            mark_lost(ev);
            return;
        }
        step = NLMSG_ALIGN(mlen) < len ? NLMSG_ALIGN(mlen) : len;
        if (h.nlmsg_type == NLMSG_ERROR && mlen >= NLMSG_HDRLEN + sizeof(int)) {
            int e;
            memcpy(&e, p + NLMSG_HDRLEN, sizeof e);
            if (e == -ENOBUFS)
                mark_lost(ev);
        } else if (mlen >= NLMSG_HDRLEN + sizeof cn) {
            memcpy(&cn, p + NLMSG_HDRLEN, sizeof cn);
            if (cn.id.idx == CN_IDX_PROC && cn.id.val == CN_VAL_PROC) {
                /* a shorter proc_event than ours (another kernel version): the rest stays 0 */
                size_t have = mlen - NLMSG_HDRLEN - sizeof cn;
                if (cn.len > have || cn.len < offsetof(struct proc_event, event_data) + sizeof(uint32_t)) {
                    mark_lost(ev);
                    return;
                }
                memset(&pe, 0, sizeof pe);
                memcpy(&pe, p + NLMSG_HDRLEN + sizeof cn, cn.len < sizeof pe ? cn.len : sizeof pe);
                ev->events++;
                if (pe.what == PROC_EVENT_NONE) {
                    /* the answer to a subscription, ours or another
                     * program's: where cn_proc.c sends it through send_msg()
                     * it carries a CPU and takes that CPU's next sequence
                     * number (else cpu is -1 and it is not numbered), so
                     * another program subscribing is not a loss */
                    ev->acked = 1;
                    ev->ack_err = (int)pe.event_data.ack.err;
                    if (pe.cpu != UINT32_MAX)
                        check_seq(ev, pe.cpu, cn.seq);
                } else {
                    check_seq(ev, pe.cpu, cn.seq);
                    note_event(ev, &pe);
                }
            }
        }
        p += step;
        len -= step;
    }
}

void qt_proc_events_drain(qt_proc_events *ev)
{
    /* large enough for any datagram the connector sends */
    char buf[16384] __attribute__((aligned(8)));

    if (ev->fd < 0)
        return;
    for (;;) {
        struct sockaddr_nl from;
        socklen_t fl = sizeof from;
        ssize_t r = recvfrom(ev->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
        if (r > 0) {
            /* any local process may send to our port id: only the kernel's
             * messages (port 0) count, so no one can fake a loss or an ack */
            if (fl >= sizeof from && from.nl_family == AF_NETLINK && from.nl_pid == 0)
                qt_proc_events_feed(ev, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == ENOBUFS) {
            mark_lost(ev); /* the socket dropped messages; it goes on working */
            continue;
        }
        break; /* EAGAIN: all read */
    }
}

/* nlmsghdr, cn_msg, then the operation in cn_msg's data: built in a byte
 * buffer (a struct holding cn_msg, whose data[] is a flexible array, in the
 * middle is a GNU extension clang refuses under -Werror). */
static int subscribe(int fd)
{
    enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
    unsigned char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof op)] __attribute__((aligned(NLMSG_ALIGNTO)));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct cn_msg *cn = NLMSG_DATA(h);

    memset(buf, 0, sizeof buf);
    h->nlmsg_len = NLMSG_LENGTH(sizeof *cn + sizeof op);
    h->nlmsg_type = NLMSG_DONE;
    h->nlmsg_pid = 0;
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof op;
    memcpy(cn->data, &op, sizeof op);
    return send(fd, buf, h->nlmsg_len, 0) == (ssize_t)h->nlmsg_len ? 0 : -1;
}

int qt_proc_events_listen(qt_proc_events *ev, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
    int fd = socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR), rcv = RCVBUF_BYTES;
    double until = qt_now_mono() + timeout_ms / 1000.0;

    if (fd < 0) {
        snprintf(err, errlen, "no process events connector: socket: %s", strerror(errno));
        return -1;
    }
    /* root may go over net.core.rmem_max; others get what it allows */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) != 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || subscribe(fd) != 0) {
        snprintf(err, errlen, "no process events: %s", strerror(errno));
        close(fd);
        return -1;
    }
    ev->fd = fd;
    ev->acked = 0;
    while (!ev->acked) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int left = (int)((until - qt_now_mono()) * 1000);
        if (left <= 0 || poll(&pf, 1, left) <= 0)
            break;
        qt_proc_events_drain(ev);
    }
    if (!ev->acked || ev->ack_err) {
        if (!ev->acked)
            snprintf(err, errlen, "no process events: the kernel did not answer (not in the initial pid and user namespaces?)");
        else
            snprintf(err, errlen, "no process events: %s", strerror(ev->ack_err));
        close(fd);
        ev->fd = -1;
        return -1;
    }
    ev->lost = 0; /* what came with the answer is not a loss: the table starts with a full scan */
    return 0;
}

int qt_proc_events_live(const qt_proc_events *ev)
{
    return ev && ev->fd >= 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static void set_sorted(struct pidset *s, int **v, size_t *n)
{
    size_t k = 0;

    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, cmp_int);
    for (size_t i = 0; i < s->n; i++)
        if (!k || s->v[k - 1] != s->v[i])
            s->v[k++] = s->v[i];
    *v = s->v;
    *n = k;
    memset(s, 0, sizeof *s);
}

void qt_proc_events_take(qt_proc_events *ev, struct qt_proc_changes *out)
{
    memset(out, 0, sizeof *out);
    out->lost = ev->lost;
    ev->lost = 0;
    set_sorted(&ev->dirty, &out->dirty, &out->ndirty);
    set_sorted(&ev->exited, &out->exited, &out->nexited);
    set_sorted(&ev->threads, &out->threads, &out->nthreads);
}

void qt_proc_changes_free(struct qt_proc_changes *c)
{
    free(c->dirty);
    free(c->exited);
    free(c->threads);
    memset(c, 0, sizeof *c);
}

void qt_proc_events_counts(const qt_proc_events *ev, unsigned long *events, unsigned long *lost)
{
    *events = ev ? ev->events : 0;
    *lost = ev ? ev->nlost : 0;
}

void qt_proc_events_free(qt_proc_events *ev)
{
    if (!ev)
        return;
    if (ev->fd >= 0)
        close(ev->fd);
    free(ev->next_seq);
    free(ev->seen);
    free(ev->dirty.v);
    free(ev->exited.v);
    free(ev->threads.v);
    free(ev);
}

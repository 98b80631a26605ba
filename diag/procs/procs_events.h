/* procs_events.h - which processes changed, from the kernel's process
 * events connector (NETLINK_CONNECTOR, CN_IDX_PROC; linux/cn_proc.h and
 * Documentation/driver-api/connector.rst).
 *
 * The kernel sends one message per fork, exec, exit, uid/gid change, sid
 * change, ptrace, comm change and core dump of every task. This layer keys
 * them by thread group (a thread's fork or exit marks its process) and
 * collects the "dirty set": the processes whose stat line must be read
 * again. Exits are also listed apart, because the children of a process
 * that exited were re-parented (no event says so). Nothing here reads
 * /proc: the process table (procs_track.c) does, with either backend.
 *
 * Lost events are detected, never guessed around: an ENOBUFS from the
 * socket (receive buffer overrun) or a gap in a CPU's sequence numbers
 * (the kernel numbers messages per CPU, in order, under a per-CPU lock:
 * drivers/connector/cn_proc.c send_msg) sets the "lost" flag, and the
 * table then rescans everything.
 *
 * What no event reports: a zombie being reaped (its parent's wait() sends
 * nothing) and setpgid(). The table checks known zombies each sample and
 * rescans everything every 30 s as a safety net.
 *
 * Not thread-safe. Memory: the object owns its socket and its sets.
 */
#ifndef QT_PROCS_EVENTS_H
#define QT_PROCS_EVENTS_H

#include <stddef.h>

typedef struct qt_proc_events qt_proc_events;

/* A layer with no socket: events come only from qt_proc_events_feed()
 * (tests feed recorded or synthetic streams). Never NULL. */
qt_proc_events *qt_proc_events_new(void);
/* Subscribe to the connector (PROC_CN_MCAST_LISTEN) and wait up to
 * timeout_ms for the kernel's acknowledgement. 0, or -1 with a one-line
 * reason in err ("EPERM", no answer outside the initial pid and user
 * namespaces, kernels without CONFIG_PROC_EVENTS); the layer then stays
 * socketless. Events before the first drain mark nothing lost. */
int qt_proc_events_listen(qt_proc_events *ev, int timeout_ms, char *err, size_t errlen);
/* 1 if subscribed. */
int qt_proc_events_live(const qt_proc_events *ev);
/* Read every queued message (non-blocking) and feed it. ENOBUFS marks lost. */
void qt_proc_events_drain(qt_proc_events *ev);
/* One datagram as the socket returns it: one or more netlink messages,
 * each a struct cn_msg carrying a struct proc_event. Malformed or foreign
 * messages are skipped (a malformed proc message marks lost: we cannot
 * know which process it was about). */
void qt_proc_events_feed(qt_proc_events *ev, const void *buf, size_t len);

/* What changed since the last take. */
struct qt_proc_changes {
    int lost;          /* events were lost: only a full rescan is right */
    int *dirty;        /* thread group ids to re-read, sorted, unique */
    size_t ndirty;
    int *exited;       /* thread groups that had an exit (their children re-parented), sorted, unique */
    size_t nexited;
    int *threads;      /* thread groups one of whose threads (not the leader) exited, sorted,
                        * unique: the event is sent before the thread count drops
                        * (kernel/exit.c: proc_exit_connector() before exit_notify()), so a
                        * read right after it may still count the thread */
    size_t nthreads;
};
/* Hand over the sets and start new ones. The caller frees with
 * qt_proc_changes_free(). */
void qt_proc_events_take(qt_proc_events *ev, struct qt_proc_changes *out);
void qt_proc_changes_free(struct qt_proc_changes *c);
/* Counters since the start: messages fed, and times events were lost. */
void qt_proc_events_counts(const qt_proc_events *ev, unsigned long *events, unsigned long *lost);
void qt_proc_events_free(qt_proc_events *ev);

#endif

/* Unit tests of the event-driven process table (issue 19): the event layer
 * fed synthetic connector messages (layout of linux/cn_proc.h), and the
 * reader following such a stream over a /proc fixture tree built here,
 * compared with a full scan of the same tree after every step. The live
 * churn test on the real connector is tests/integ/proc_events_churn.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

#include "diag/procs/procs.h"
#include "diag/procs/procs_events.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "tests/unit/tree_fixture.h"

#include <sys/wait.h>

/* --- synthetic messages --- */

/* One message on cpu, numbered in order unless seq is given (>= 0): nlmsghdr,
 * cn_msg, proc_event in a byte buffer (cn_msg ends in a flexible array:
 * clang refuses it in the middle of a struct). */
static uint32_t seq_of[4];

static void feed(qt_proc_events *ev, unsigned cpu, long seq, unsigned what, int a, int b, int c, int d)
{
    unsigned char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(struct proc_event))] __attribute__((aligned(NLMSG_ALIGNTO)));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct cn_msg *cn = NLMSG_DATA(h);
    struct proc_event pe;

    memset(buf, 0, sizeof buf);
    memset(&pe, 0, sizeof pe);
    h->nlmsg_len = NLMSG_LENGTH(sizeof *cn + sizeof pe);
    h->nlmsg_type = NLMSG_DONE;
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof pe;
    cn->seq = seq >= 0 ? (uint32_t)seq : seq_of[cpu]++;
    pe.what = what;
    pe.cpu = cpu;
    switch (what) {
    case PROC_EVENT_FORK:
        pe.event_data.fork.parent_pid = a;
        pe.event_data.fork.parent_tgid = b;
        pe.event_data.fork.child_pid = c;
        pe.event_data.fork.child_tgid = d;
        break;
    case PROC_EVENT_EXIT:
        pe.event_data.exit.process_pid = a;
        pe.event_data.exit.process_tgid = b;
        break;
    default: /* exec, uid, gid, sid, comm: pid and tgid first */
        pe.event_data.exec.process_pid = a;
        pe.event_data.exec.process_tgid = b;
        break;
    }
    memcpy(cn->data, &pe, sizeof pe);
    qt_proc_events_feed(ev, buf, h->nlmsg_len);
}

static void fork_ev(qt_proc_events *ev, int parent, int child) { feed(ev, 0, -1, PROC_EVENT_FORK, parent, parent, child, child); }
static void exit_ev(qt_proc_events *ev, int pid) { feed(ev, 1, -1, PROC_EVENT_EXIT, pid, pid, 0, 0); }

static void take(qt_proc_events *ev, struct qt_proc_changes *c)
{
    qt_proc_events_take(ev, c);
}

/* --- the event layer alone --- */

static void threads_key_by_group(void **st)
{
    (void)st;
    qt_proc_events *ev = qt_proc_events_new();
    struct qt_proc_changes c;

    memset(seq_of, 0, sizeof seq_of);
    feed(ev, 0, -1, PROC_EVENT_FORK, 40, 40, 41, 40);   /* thread 41 of process 40 */
    feed(ev, 1, -1, PROC_EVENT_EXIT, 42, 40, 0, 0);     /* thread 42 of 40 exits */
    feed(ev, 0, -1, PROC_EVENT_EXEC, 50, 50, 0, 0);
    feed(ev, 2, -1, PROC_EVENT_UID, 60, 60, 0, 0);
    feed(ev, 2, -1, PROC_EVENT_COMM, 70, 70, 0, 0);
    fork_ev(ev, 50, 51);
    take(ev, &c);
    assert_false(c.lost);
    assert_int_equal(c.ndirty, 5); /* 40 40 50 60 70 51: sorted, once each; never 41 or 42 */
    assert_int_equal(c.dirty[0], 40);
    assert_int_equal(c.dirty[1], 50);
    assert_int_equal(c.dirty[2], 51);
    assert_int_equal(c.dirty[3], 60);
    assert_int_equal(c.dirty[4], 70);
    assert_int_equal(c.nexited, 1);
    assert_int_equal(c.exited[0], 40);
    assert_int_equal(c.nthreads, 1);   /* a thread's exit, not the leader's: 40 is read again next sample */
    assert_int_equal(c.threads[0], 40);
    qt_proc_changes_free(&c);
    exit_ev(ev, 50);                   /* a leader's exit is no thread's */
    take(ev, &c);
    assert_int_equal(c.nthreads, 0);
    qt_proc_changes_free(&c);
    take(ev, &c); /* taken: the next set starts empty */
    assert_int_equal(c.ndirty, 0);
    qt_proc_changes_free(&c);
    qt_proc_events_free(ev);
}

static void sequence_gaps_are_lost(void **st)
{
    (void)st;
    qt_proc_events *ev = qt_proc_events_new();
    struct qt_proc_changes c;
    unsigned long events, lost;

    /* interleaved CPUs, each in order: nothing lost */
    feed(ev, 0, 10, PROC_EVENT_EXEC, 5, 5, 0, 0);
    feed(ev, 1, 700, PROC_EVENT_EXEC, 6, 6, 0, 0);
    feed(ev, 0, 11, PROC_EVENT_EXEC, 7, 7, 0, 0);
    feed(ev, 1, 701, PROC_EVENT_EXEC, 8, 8, 0, 0);
    take(ev, &c);
    assert_false(c.lost);
    qt_proc_changes_free(&c);
    /* cpu 0 skips 12 */
    feed(ev, 0, 13, PROC_EVENT_EXEC, 9, 9, 0, 0);
    take(ev, &c);
    assert_true(c.lost);
    qt_proc_changes_free(&c);
    /* a repeat is no better */
    feed(ev, 1, 701, PROC_EVENT_EXEC, 9, 9, 0, 0);
    take(ev, &c);
    assert_true(c.lost);
    qt_proc_changes_free(&c);
    /* the counter wraps without a loss */
    feed(ev, 2, 0xffffffffL, PROC_EVENT_EXEC, 9, 9, 0, 0);
    feed(ev, 2, 0, PROC_EVENT_EXEC, 9, 9, 0, 0);
    take(ev, &c);
    assert_false(c.lost);
    qt_proc_changes_free(&c);
    /* another program subscribes: the kernel's answer (cn_proc.c
     * cn_proc_ack through send_msg) takes cpu 0's number 14 */
    feed(ev, 0, 14, PROC_EVENT_NONE, 0, 0, 0, 0);
    feed(ev, 0, 15, PROC_EVENT_EXEC, 9, 9, 0, 0);
    /* an older kernel's answer: cpu -1, not numbered */
    feed(ev, 0xffffffffu, 77, PROC_EVENT_NONE, 0, 0, 0, 0);
    feed(ev, 0, 16, PROC_EVENT_EXEC, 9, 9, 0, 0);
    take(ev, &c);
    assert_false(c.lost);
    qt_proc_changes_free(&c);
    qt_proc_events_counts(ev, &events, &lost);
    assert_int_equal(events, 12);
    assert_int_equal(lost, 2);
    qt_proc_events_free(ev);
}

static void enobufs_and_garbage_are_lost(void **st)
{
    (void)st;
    qt_proc_events *ev = qt_proc_events_new();
    struct qt_proc_changes c;
    struct {
        struct nlmsghdr h;
        int err;
    } e = {{.nlmsg_len = sizeof e, .nlmsg_type = NLMSG_ERROR}, -ENOBUFS};
    unsigned char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(struct proc_event))] __attribute__((aligned(NLMSG_ALIGNTO)));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct cn_msg *cn = NLMSG_DATA(h);

    qt_proc_events_feed(ev, &e, sizeof e);
    take(ev, &c);
    assert_true(c.lost);
    qt_proc_changes_free(&c);
    /* a proc message cut short: which process it named is unknown */
    memset(buf, 0, sizeof buf);
    h->nlmsg_len = NLMSG_LENGTH(sizeof *cn + sizeof(struct proc_event));
    cn->id.idx = CN_IDX_PROC;
    cn->id.val = CN_VAL_PROC;
    cn->len = sizeof(struct proc_event) + 100;
    qt_proc_events_feed(ev, buf, h->nlmsg_len);
    take(ev, &c);
    assert_true(c.lost);
    qt_proc_changes_free(&c);
    /* another connector's message is not ours: skipped, nothing lost */
    cn->id.idx = CN_IDX_PROC + 1;
    qt_proc_events_feed(ev, buf, h->nlmsg_len);
    /* the subscription's answer is not numbered */
    cn->id.idx = CN_IDX_PROC;
    cn->len = sizeof(struct proc_event);
    cn->seq = 12345;
    qt_proc_events_feed(ev, buf, h->nlmsg_len);
    take(ev, &c);
    assert_false(c.lost);
    assert_int_equal(c.ndirty, 0);
    qt_proc_changes_free(&c);
    qt_proc_events_free(ev);
}

/* --- the reader over a fixture tree --- */

static char root[64];

/* A process: stat (image from code), status (uid), cmdline. */
static void proc(int pid, const char *comm, char state, int ppid, int nlwp, unsigned long long ticks, unsigned long code,
                 unsigned uid)
{
    char rel[64];

    snprintf(rel, sizeof rel, "%d/stat", pid);
    qt_fx_put(root, rel, "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 %d 0 %llu 1000 10 1000 %lu %lu 4096\n", pid,
        comm, state, ppid, pid, pid, nlwp, ticks, code, code + 100);
    snprintf(rel, sizeof rel, "%d/status", pid);
    qt_fx_put(root, rel, "Name:\t%s\nState:\t%c\nPPid:\t%d\nUid:\t%u\t%u\t%u\t%u\n", comm, state, ppid, uid, uid, uid, uid);
    snprintf(rel, sizeof rel, "%d/cmdline", pid);
    qt_fx_put(root, rel, "%s%c-x%c", comm, 0, 0);
}

static void gone(int pid)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/%d'", root, pid);
    assert_int_equal(system(cmd), 0);
}

static qt_ctx ctx;

/* Read a sample through the event-driven reader r, and require it to be
 * what a full scan of the tree says (or, when differ, that they differ). */
static void sample(qt_procs_reader *r, qt_procs *t)
{
    char err[256];
    assert_int_equal(qt_procs_reader_read(r, &ctx, t, err, sizeof err), 0);
}

static int same_as_scan(const qt_procs *t)
{
    qt_procs full;
    char err[256];
    int same;

    assert_int_equal(qt_procs_read_proc(&ctx, &full, err, sizeof err), 0);
    same = full.n == t->n;
    for (size_t i = 0; same && i < t->n; i++) {
        const struct qt_proc *a = &t->v[i], *b = &full.v[i];
        same = a->pid == b->pid && a->ppid == b->ppid && a->pgid == b->pgid && a->sid == b->sid &&
               a->state == b->state && a->ticks == b->ticks && a->image == b->image && a->nlwp == b->nlwp &&
               strcmp(a->comm, b->comm) == 0;
    }
    qt_procs_free(&full);
    return same;
}

static void end(qt_procs *t)
{
    qt_procs_seal(t);
    qt_procs_free(t);
}

static int setup_tree(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-procev-XXXXXX");
    assert_non_null(mkdtemp(root));
    qt_fx_put(root, "stat", "cpu 0 0 0 0\nbtime 1700000000\n");
    proc(1, "init", 'S', 0, 1, 5, 0x1000, 0);
    proc(100, "tcpserver", 'S', 1, 1, 50, 0x2000, 89);
    proc(200, "qmail-smtpd", 'S', 100, 1, 60, 0x3000, 89);
    proc(300, "qmail-smtpd", 'Z', 100, 1, 70, 0, 89);
    qt_ctx_defaults(&ctx);
    ctx.proc = root;
    memset(seq_of, 0, sizeof seq_of);
    return 0;
}

static int teardown_tree(void **st)
{
    char cmd[128];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void reader_follows_events(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_proc_events *ev = qt_proc_events_new();
    struct qt_procs_track_stats ts;
    qt_procs t;

    qt_procs_reader_use_events(r, ev);
    sample(r, &t); /* the start: a full scan */
    assert_true(same_as_scan(&t));
    end(&t);

    /* a fork nobody told us about is not read: the table follows events, it does not rescan */
    proc(201, "qmail-smtpd", 'S', 100, 1, 80, 0x3000, 89);
    sample(r, &t);
    assert_null(qt_procs_find(&t, 201));
    assert_false(same_as_scan(&t));
    end(&t);
    fork_ev(ev, 100, 201);
    sample(r, &t);
    assert_non_null(qt_procs_find(&t, 201));
    assert_true(same_as_scan(&t));
    end(&t);

    /* pid reuse: 200 exits, is reaped, and a new 200 (another start, another program) forks */
    gone(200);
    proc(200, "sh", 'S', 1, 1, 90, 0x4000, 0);
    exit_ev(ev, 200);
    fork_ev(ev, 1, 200);
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 200)->ticks, 90);
    assert_string_equal(qt_procs_find(&t, 200)->comm, "sh");
    assert_true(same_as_scan(&t));
    end(&t);

    /* a zombie is reaped: no event, seen because zombies are re-checked */
    gone(300);
    sample(r, &t);
    assert_null(qt_procs_find(&t, 300));
    assert_true(same_as_scan(&t));
    end(&t);

    /* a new thread in 201 (thread id 555), and an exit of a pid never seen */
    proc(201, "qmail-smtpd", 'S', 100, 2, 80, 0x3000, 89);
    feed(ev, 0, -1, PROC_EVENT_FORK, 201, 201, 555, 201);
    exit_ev(ev, 9999);
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 201)->nlwp, 2);
    assert_null(qt_procs_find(&t, 555));
    assert_true(same_as_scan(&t));
    end(&t);

    /* the listener dies: it is a zombie, and its child is re-parented without an event of its own */
    proc(100, "tcpserver", 'Z', 1, 1, 50, 0, 89);
    proc(201, "qmail-smtpd", 'S', 1, 2, 80, 0x3000, 89);
    exit_ev(ev, 100);
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 100)->state, 'Z');
    assert_int_equal(qt_procs_find(&t, 201)->ppid, 1);
    assert_true(same_as_scan(&t));
    end(&t);

    /* lost events (cpu 0 skips a number): the next sample rescans and sees what had no event */
    proc(202, "qmail-smtpd", 'S', 1, 1, 95, 0x3000, 89);
    feed(ev, 0, seq_of[0] + 5, PROC_EVENT_EXEC, 1, 1, 0, 0);
    sample(r, &t);
    assert_non_null(qt_procs_find(&t, 202));
    assert_true(same_as_scan(&t));
    end(&t);
    assert_int_equal(qt_procs_reader_track_stats(r, &ts), 1);
    assert_int_equal(ts.lost_rescans, 1);
    assert_int_equal(ts.repairs, 0);
    seq_of[0] += 6;

    /* the safety net: a change no event reported is repaired, and counted
     * once the next sample's events did not name it either */
    proc(1, "systemd", 'S', 0, 1, 5, 0x1000, 0);
    sample(r, &t);
    assert_false(same_as_scan(&t));
    end(&t);
    qt_procs_reader_rescan_soon(r);
    sample(r, &t);
    assert_true(same_as_scan(&t));
    assert_int_equal(t.repairs, 0); /* the model's copy is set by the collector */
    end(&t);
    sample(r, &t);
    end(&t);
    qt_procs_reader_track_stats(r, &ts);
    assert_int_equal(ts.safety_scans, 1);
    assert_int_equal(ts.repairs, 1);
    assert_int_equal(ts.repaired_procs, 1);
    assert_int_equal(ts.full_scans, 3);
    /* an exec the scan saw before its event was sent: the event comes, no repair */
    proc(202, "qmail-remote", 'S', 1, 1, 95, 0x5000, 89);
    qt_procs_reader_rescan_soon(r);
    sample(r, &t);
    assert_true(same_as_scan(&t));
    end(&t);
    feed(ev, 0, -1, PROC_EVENT_EXEC, 202, 202, 0, 0);
    sample(r, &t);
    end(&t);
    /* a safety net with nothing missed repairs nothing */
    qt_procs_reader_rescan_soon(r);
    sample(r, &t);
    end(&t);
    sample(r, &t);
    end(&t);
    qt_procs_reader_track_stats(r, &ts);
    assert_int_equal(ts.safety_scans, 3);
    assert_int_equal(ts.repairs, 1);
    qt_procs_reader_free(r);
}

/* setuid() without exec: the uid read before is not carried over once an event names the process */
/* A thread's exit event comes before its group's thread count drops
 * (kernel/exit.c sends it before exit_notify()): a re-read right after it
 * may still count the thread. The group is read again next sample, with no
 * event, so the table does not keep the stale count until the safety net
 * (which would count a repair the events did not miss). */
static void thread_exit_read_again(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_proc_events *ev = qt_proc_events_new();
    qt_procs t;

    proc(200, "qmail-smtpd", 'S', 100, 2, 60, 0x3000, 89);
    qt_procs_reader_use_events(r, ev);
    sample(r, &t); /* the start: a full scan */
    end(&t);
    feed(ev, 1, -1, PROC_EVENT_EXIT, 201, 200, 0, 0);   /* thread 201 of 200 exits ... */
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 200)->nlwp, 2);  /* ... read before the count dropped */
    end(&t);
    proc(200, "qmail-smtpd", 'S', 100, 1, 60, 0x3000, 89); /* now it has, and no event says so */
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 200)->nlwp, 1);
    assert_true(same_as_scan(&t));
    end(&t);
    qt_procs_reader_free(r); /* and its events */
}

static void uid_event_drops_carried_uid(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_proc_events *ev = qt_proc_events_new();
    qt_procs t;

    qt_procs_reader_use_events(r, ev);
    sample(r, &t);
    qt_procs_want_pid(&t, 200);
    qt_procs_load(&t);
    assert_int_equal(qt_procs_find(&t, 200)->uid, 89);
    end(&t);
    proc(200, "qmail-smtpd", 'S', 100, 1, 60, 0x3000, 7791);
    /* without an event the uid read earlier is carried (same image) */
    sample(r, &t);
    assert_int_equal(qt_procs_find(&t, 200)->uid, 89);
    end(&t);
    feed(ev, 3, -1, PROC_EVENT_UID, 200, 200, 0, 0);
    sample(r, &t);
    assert_true(qt_procs_find(&t, 200)->lazy & QT_PROC_UNREAD);
    qt_procs_want_pid(&t, 200);
    qt_procs_load(&t);
    assert_int_equal(qt_procs_find(&t, 200)->uid, 7791);
    end(&t);
    qt_procs_reader_free(r);
}

/* One sample of the procs collector: 0 when it read a table and its note starts with want. */
static int collector_note(const char *want)
{
    qt_snapshot snap;
    void *state = NULL;
    char err[256];
    int ok;
    qt_ctx c;

    qt_ctx_defaults(&c);
    memset(&snap, 0, sizeof snap);
    if (qt_collector_procs.collect(&c, &state, &snap, err, sizeof err) != 0)
        return 1;
    ok = snap.procs && snap.procs->n > 0 && strncmp(snap.src[QT_SRC_PROCS].note, want, strlen(want)) == 0 &&
         (*want || !snap.src[QT_SRC_PROCS].note[0]);
    if (!ok)
        printf("note: '%s'\n", snap.src[QT_SRC_PROCS].note);
    qt_collector_procs.seal(&snap);
    qt_collector_procs.free_model(&snap);
    qt_collector_procs.free_state(state);
    return !ok;
}

/* Without the connector (an unprivileged user: EPERM) the collector scans
 * as before and its note says so; with it, no note. */
static void collector_says_how(void **st)
{
    (void)st;
    qt_proc_events *ev = qt_proc_events_new();
    char err[256];
    int status;
    pid_t pid;

    if (qt_proc_events_listen(ev, 1000, err, sizeof err) == 0)
        assert_int_equal(collector_note(""), 0);
    qt_proc_events_free(ev);
    pid = fork();
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(2);
        _exit(collector_note("procs: full scan each sample (no process events"));
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The start-up read (qt_procs_prime, qmaildir.c's) is the procs
 * collector's: its first collect() takes the reader over, so what was
 * loaded then is carried into the first sample (and, with events, the first
 * sample re-reads only what changed instead of scanning again). */
static void prime_hands_over(void **st)
{
    (void)st;
    qt_snapshot snap;
    qt_procs t;
    void *state = NULL;
    char err[256];
    const struct qt_proc *p;

    assert_int_equal(qt_procs_prime(&ctx, &t, err, sizeof err), 0);
    qt_procs_want_pid(&t, 200);
    qt_procs_load(&t);
    end(&t);
    qt_fx_put(root, "200/cmdline", "changed%c", 0); /* same process: what was read is carried, not read again */
    memset(&snap, 0, sizeof snap);
    assert_int_equal(qt_collector_procs.collect(&ctx, &state, &snap, err, sizeof err), 0);
    assert_non_null(p = qt_procs_find(snap.procs, 200));
    assert_int_equal(p->lazy & QT_PROC_UNREAD, 0);
    assert_int_equal(p->argc, 2);
    assert_string_equal(p->argv[0], "qmail-smtpd");
    assert_non_null(p = qt_procs_find(snap.procs, 100));
    assert_true(p->lazy & QT_PROC_UNREAD);
    assert_true(same_as_scan(snap.procs));
    qt_collector_procs.seal(&snap);
    qt_collector_procs.free_model(&snap);
    qt_collector_procs.free_state(state);

    /* dropped (a run that does not sample): the next collector starts afresh */
    assert_int_equal(qt_procs_prime(&ctx, &t, err, sizeof err), 0);
    qt_procs_want_pid(&t, 200);
    qt_procs_load(&t);
    end(&t);
    qt_procs_unprime();
    state = NULL;
    memset(&snap, 0, sizeof snap);
    assert_int_equal(qt_collector_procs.collect(&ctx, &state, &snap, err, sizeof err), 0);
    assert_true(qt_procs_find(snap.procs, 200)->lazy & QT_PROC_UNREAD);
    qt_collector_procs.seal(&snap);
    qt_collector_procs.free_model(&snap);
    qt_collector_procs.free_state(state);
}

/* A steady sample copies the tracker's table into the array of a table
 * freed earlier (procs_pool.c), not into fresh memory: the console frees
 * the old snapshot after the next sample, so the third table gets the
 * first one's array, even when other code took memory of that size in
 * between (malloc would have handed the hog that block). Tables may outlive
 * the reader. */
static void tables_recycle_arrays(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_proc_events *ev = qt_proc_events_new();
    qt_procs a, b, c, d;
    struct qt_proc *va;
    void *hog;

    qt_procs_reader_use_events(r, ev);
    sample(r, &a);
    qt_procs_seal(&a);
    sample(r, &b);
    qt_procs_seal(&b);
    va = a.v;
    qt_procs_free(&a);
    hog = malloc(b.n * sizeof *b.v);
    sample(r, &c);
    qt_procs_seal(&c);
    assert_ptr_equal(c.v, va);
    assert_true(same_as_scan(&c));
    free(hog);
    /* one more process: the recycled array still fits it */
    proc(201, "qmail-smtpd", 'S', 100, 1, 80, 0x3000, 89);
    fork_ev(ev, 100, 201);
    va = b.v;
    qt_procs_free(&b);
    sample(r, &d);
    qt_procs_seal(&d);
    assert_int_equal(d.n, 5);
    assert_ptr_equal(d.v, va);
    assert_true(same_as_scan(&d));
    qt_procs_reader_free(r);
    qt_procs_free(&c);
    qt_procs_free(&d);
}

/* The argv the reader carries is shared, not copied, by the tables that
 * show it (argv_block 2): two tables alive at once point at one block, which
 * lives until the last of the cache and the tables lets it go, the reader
 * included. */
static void carried_argv_is_shared(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_proc_events *ev = qt_proc_events_new();
    qt_procs a, b, c, d;
    const struct qt_proc *pb, *pc;

    qt_procs_reader_use_events(r, ev);
    sample(r, &a);
    qt_procs_want_pid(&a, 200);
    qt_procs_load(&a);
    end(&a);
    sample(r, &b);
    qt_procs_seal(&b);
    sample(r, &c);
    qt_procs_seal(&c);
    pb = qt_procs_find(&b, 200);
    pc = qt_procs_find(&c, 200);
    assert_int_equal(pb->argv_block, 2);
    assert_ptr_equal(pb->argv, pc->argv);
    assert_int_equal(pc->argc, 2);
    assert_string_equal(pc->argv[0], "qmail-smtpd");
    assert_string_equal(pc->argv[1], "-x");
    /* it execs: the next table reads it again; the old block stays with b and c */
    proc(200, "qmail-remote", 'S', 100, 1, 60, 0x5000, 89);
    feed(ev, 0, -1, PROC_EVENT_EXEC, 200, 200, 0, 0);
    sample(r, &d);
    qt_procs_want_pid(&d, 200);
    qt_procs_load(&d);
    qt_procs_seal(&d);
    assert_string_equal(qt_procs_find(&d, 200)->argv[0], "qmail-remote");
    qt_procs_reader_free(r);
    assert_string_equal(pb->argv[0], "qmail-smtpd");
    qt_procs_free(&b);
    assert_string_equal(pc->argv[1], "-x");
    qt_procs_free(&c);
    qt_procs_free(&d);
}

/* One safety net right after a full scan, with the kernel's events: the
 * processes it found wrong that no event named since (0: none), or -1
 * when there are no events here. */
static long live_safety_net(void)
{
    qt_proc_events *ev = qt_proc_events_new();
    struct qt_procs_track_stats ts;
    qt_procs_reader *r;
    qt_procs t;
    char err[256];
    qt_ctx live;

    if (qt_proc_events_listen(ev, 1000, err, sizeof err) != 0) {
        qt_proc_events_free(ev);
        printf("no process events here (%s)\n", err);
        return -1;
    }
    qt_ctx_defaults(&live);
    r = qt_procs_reader_new();
    qt_procs_reader_use_events(r, ev);
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    end(&t);
    qt_procs_reader_rescan_soon(r);
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    end(&t);
    usleep(300 * 1000); /* the events of what changed meanwhile arrive (a sample is 1 s later) */
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0); /* judges the suspects */
    end(&t);
    qt_procs_reader_track_stats(r, &ts);
    assert_int_equal(ts.safety_scans, 1);
    qt_procs_reader_free(r);
    return ts.repairs ? (long)ts.repaired_procs : 0;
}

/* The safety net on the live /proc (the build's scan first, then its check
 * through the /proc reader, procs_int.h). With the kernel's events, a safety
 * net right after a full scan finds nothing wrong: 0 repairs. A check that
 * disagreed with the scan on a field the comparison uses would find
 * processes wrong every time; a busy machine can make one round miss (a
 * thread's exit event comes before its thread count drops,
 * kernel/exit.c), so up to three rounds. Without an event, what the table
 * missed is repaired and counted. */
static void safety_net_live(void **st)
{
    (void)st;
    qt_proc_events *ev;
    struct qt_procs_track_stats ts;
    qt_procs_reader *r;
    qt_procs t;
    char err[256];
    qt_ctx live;
    pid_t child;
    long wrong = 0;

    for (int round = 0; round < 3; round++) {
        if ((wrong = live_safety_net()) < 0)
            skip();
        if (!wrong)
            break;
        printf("round %d: %ld processes wrong\n", round, wrong);
    }
    assert_int_equal(wrong, 0);
    qt_ctx_defaults(&live);

    /* events fed by hand, none fed: a new child is missed until the safety net */
    r = qt_procs_reader_new();
    ev = qt_proc_events_new();
    qt_procs_reader_use_events(r, ev);
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    end(&t);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (;;)
            pause();
    }
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    assert_null(qt_procs_find(&t, child));
    end(&t);
    qt_procs_reader_rescan_soon(r);
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    assert_non_null(qt_procs_find(&t, child));
    end(&t);
    assert_int_equal(qt_procs_reader_read(r, &live, &t, err, sizeof err), 0);
    end(&t);
    qt_procs_reader_track_stats(r, &ts);
    assert_int_equal(ts.safety_scans, 1);
    assert_true(ts.repairs == 1 && ts.repaired_procs >= 1);
    qt_procs_reader_free(r);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_key_by_group),
        cmocka_unit_test(sequence_gaps_are_lost),
        cmocka_unit_test(enobufs_and_garbage_are_lost),
        cmocka_unit_test_setup_teardown(reader_follows_events, setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(thread_exit_read_again, setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(uid_event_drops_carried_uid, setup_tree, teardown_tree),
        cmocka_unit_test(collector_says_how),
        cmocka_unit_test_setup_teardown(prime_hands_over, setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(tables_recycle_arrays, setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(carried_argv_is_shared, setup_tree, teardown_tree),
        cmocka_unit_test(safety_net_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

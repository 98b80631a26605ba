/* Unit tests: the plain /proc reader on a fixture tree, and agreement of
 * the libproc2 and /proc backends on live processes (the stat line parser:
 * test_proc_stat.c). */
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
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag/procs/procs.h"
#include "diag/procs/procs_index.h"
#include "diag/core/util.h"

#define FIXTURE QT_SRCDIR "/tests/fixtures/procfs-zombies"

/* --- the fixture tree --- */

static qt_ctx fixture_ctx(void)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    c.proc = FIXTURE;
    return c;
}

static void fixture_read(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    char err[256];
    const struct qt_proc *x;

    assert_int_equal(qt_procs_read(&c, &p, err, sizeof err), 0);
    assert_string_equal(p.backend, "proc");
    assert_true(p.boot == 1700000000.0);
    /* 370 (no stat), 371 (garbage), 372 (truncated) and "self" are skipped */
    assert_null(qt_procs_find(&p, 370));
    assert_null(qt_procs_find(&p, 371));
    assert_null(qt_procs_find(&p, 372));
    assert_int_equal(p.n, 21);
    for (size_t i = 1; i < p.n; i++)
        assert_true(p.v[i - 1].pid < p.v[i].pid);

    /* the listener: real uid from status, full argv */
    x = qt_procs_find(&p, 330);
    assert_non_null(x);
    assert_int_equal(x->uid, 89);
    assert_int_equal(x->ppid, 320);
    assert_int_equal(x->argc, 19);
    assert_string_equal(x->argv[0], "/usr/bin/tcpserver");
    assert_string_equal(x->argv[18], "/bin/true");
    assert_null(x->argv[19]);
    assert_string_equal(qt_proc_name(x), "tcpserver");
    assert_true(x->start == 1700000000.0 + 17.0);

    /* a zombie: empty cmdline, name from comm, shown as [comm] */
    x = qt_procs_find(&p, 4001);
    assert_non_null(x);
    assert_int_equal(x->state, 'Z');
    assert_int_equal(x->argc, 0);
    assert_null(x->argv);
    assert_true(qt_proc_is_zombie(x));
    assert_string_equal(qt_proc_name(x), "qmail-smtpd");
    {
        char *cl = qt_proc_cmdline(x);
        assert_string_equal(cl, "[qmail-smtpd]");
        free(cl);
    }

    /* "Zl": the leader of a live thread group is not a zombie to reap */
    x = qt_procs_find(&p, 360);
    assert_non_null(x);
    assert_int_equal(x->state, 'Z');
    assert_int_equal(x->nlwp, 12);
    assert_false(qt_proc_is_zombie(x));

    /* kernel thread: no command line */
    x = qt_procs_find(&p, 2);
    assert_non_null(x);
    assert_true(x->flags & QT_PF_KTHREAD);
    assert_int_equal(x->argc, 0);

    /* hostile comm and an empty argument */
    x = qt_procs_find(&p, 380);
    assert_non_null(x);
    assert_string_equal(x->comm, "a) (b\nc");
    assert_int_equal(x->argc, 3);
    assert_string_equal(x->argv[1], "");
    assert_int_equal(x->uid, 1000);
    {
        char *cl = qt_proc_cmdline(x);
        assert_string_equal(cl, "weird  x");
        free(cl);
    }
    qt_procs_free(&p);
}

static void fixture_environ(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    char *env = NULL;
    long n;

    /* unreadable environ (a directory in the fixture: read fails even for root) */
    n = qt_proc_read_environ(&c, 4001, &env);
    assert_int_equal(n, -1);
    assert_null(env);
    /* missing process */
    n = qt_proc_read_environ(&c, 999999, &env);
    assert_int_equal(n, -1);
    /* readable one */
    n = qt_proc_read_environ(&c, 330, &env);
    assert_true(n > 0);
    assert_string_equal(qt_environ_get(env, (size_t)n, "TCPLOCALPORT"), "25");
    assert_null(qt_environ_get(env, (size_t)n, "TCPLOCAL"));
    free(env);
}

static void fixture_missing_proc(void **st)
{
    (void)st;
    qt_ctx c;
    qt_procs p;
    char err[256] = "";
    qt_ctx_defaults(&c);
    c.proc = QT_SRCDIR "/tests/fixtures/no-such-procfs";
    assert_int_equal(qt_procs_read(&c, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "no-such-procfs"));
    assert_int_equal(p.n, 0);
}

static void reader_reuse(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs_reader *r = qt_procs_reader_new();
    char err[256];
    for (int i = 0; i < 3; i++) {
        qt_procs p;
        assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
        assert_int_equal(p.n, 21);
        qt_procs_free(&p);
    }
    qt_procs_reader_free(r);
}

/* The reader reads argv and uid only when asked, and carries them over. */
static void reader_lazy(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs_reader *r = qt_procs_reader_new();
    char err[256];
    size_t loaded, carried;
    qt_procs p;
    struct qt_proc *x;
    char *cmd;

    assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
    x = (struct qt_proc *)qt_procs_find(&p, 330);
    assert_non_null(x);
    assert_true(x->lazy & QT_PROC_UNREAD);
    assert_int_equal(x->argc, 0);
    assert_int_equal(x->uid, (unsigned)-1);
    assert_int_equal(x->ppid, 320); /* stat fields are there */
    cmd = qt_proc_cmdline(x);
    assert_string_equal(cmd, "tcpserver (command line not read)");
    free(cmd);
    qt_procs_want_chain(&p, 330); /* 330 and its ancestors 320, 310, 1 */
    qt_procs_load(&p);
    qt_procs_reader_stats(r, &loaded, &carried);
    assert_int_equal(loaded, 4);
    assert_int_equal(carried, 0);
    assert_int_equal(x->argc, 19);
    assert_int_equal(x->uid, 89);
    assert_false(x->lazy & QT_PROC_UNREAD);
    assert_true(qt_procs_find(&p, 320)->argc > 0);
    assert_true(qt_procs_find(&p, 4001)->lazy & QT_PROC_UNREAD);
    qt_procs_seal(&p);
    /* sealed: asking reads nothing */
    qt_procs_want_pid(&p, 4001);
    qt_procs_load(&p);
    assert_true(qt_procs_find(&p, 4001)->lazy & QT_PROC_UNREAD);
    qt_procs_free(&p);

    /* next sample: the four are carried over, nothing is read */
    assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
    qt_procs_want_chain(&p, 330);
    qt_procs_load(&p);
    qt_procs_reader_stats(r, &loaded, &carried);
    assert_int_equal(loaded, 0);
    assert_int_equal(carried, 4);
    x = (struct qt_proc *)qt_procs_find(&p, 330);
    assert_int_equal(x->argc, 19);
    assert_string_equal(x->argv[18], "/bin/true");
    assert_int_equal(x->uid, 89);
    qt_procs_load_all(&p);
    qt_procs_reader_stats(r, &loaded, &carried);
    assert_int_equal(loaded, p.n - 4);
    /* a zombie's uid comes from status alone, if it is still a zombie of
     * the parent the scan saw */
    assert_int_equal(qt_procs_find(&p, 4001)->uid, 89);
    assert_int_equal(qt_procs_find(&p, 4001)->argc, 0);
    qt_procs_seal(&p);
    qt_procs_free(&p);

    /* the scan saw 4100 as a zombie of another parent: not the same one */
    qt_procs_reader_free(r);
    r = qt_procs_reader_new();
    assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
    x = (struct qt_proc *)qt_procs_find(&p, 4100);
    x->ppid = 999;
    qt_procs_want(&p, x);
    qt_procs_load(&p);
    assert_false(x->lazy & QT_PROC_UNREAD);
    assert_int_equal(x->uid, (unsigned)-1);
    qt_procs_seal(&p);
    qt_procs_free(&p);
    qt_procs_reader_free(r);
}

/* --- both backends on live processes --- */

#define CHILD_ENV "QT_TEST_PROCS_CHILD"

static pid_t spawn_named(const char *name, int zombie)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        prctl(PR_SET_NAME, name);
        if (zombie)
            _exit(0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            pause();
    }
    return p;
}

static pid_t spawn_exec(char *const argv[])
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        setenv(CHILD_ENV, "1", 1);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    return p;
}

static pid_t spawn_setuid(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        if (setresuid(65534, 65534, 65534) != 0)
            _exit(1);
        /* after the uid change, which clears the death signal */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(0);
        for (;;)
            pause();
    }
    return p;
}

static void compare(const struct qt_proc *a, const struct qt_proc *b)
{
    assert_int_equal(a->pid, b->pid);
    assert_int_equal(a->ppid, b->ppid);
    assert_int_equal(a->pgid, b->pgid);
    assert_int_equal(a->sid, b->sid);
    assert_int_equal(a->uid, b->uid);
    assert_int_equal(a->state, b->state);
    if (a->start != b->start)
        fail_msg("pid %d: start %.3f vs %.3f", a->pid, a->start, b->start);
    assert_memory_equal(a->comm, b->comm, sizeof a->comm);
    assert_int_equal(a->argc, b->argc);
    for (int i = 0; i < a->argc; i++)
        assert_string_equal(a->argv[i], b->argv[i]);
    if (a->argc)
        assert_null(b->argv[b->argc]);
}

static void wait_state(pid_t pid, char want)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    for (int i = 0; i < 200; i++) {
        struct qt_proc p;
        memset(&p, 0, sizeof p);
        if (qt_proc_reread_stat(&c, pid, &p, NULL) == 0 && p.state == want)
            return;
        usleep(10000);
    }
    fail_msg("pid %d never reached state %c", pid, want);
}

/* Hostile live processes: names with spaces, parentheses, newlines, '?',
 * '.', high bytes; zombies; argv {"-"}, {""}, empty arguments; a setuid'd
 * child whose /proc dir is root-owned but whose real uid is 65534. */
struct live {
    pid_t pids[32];
    int n, nnamed, dash, empty_args, setuid_child;
};

static void live_start(struct live *L)
{
    static char *av_dash[] = {"-", NULL};
    static char *av_empty_args[] = {"child", "", "x", "", NULL};
    static char *av_empty0[] = {"", NULL};
    static char *av_long[] = {"qmail-smtpd", "mail.example.com", "/home/vpopmail/bin/vchkpw", "/bin/true", NULL};
    static const char *names[] = {"a b", "x)y (z", "nl\nx", "q?r", "\xc3\xa9t\xe9", ")", "tab\there", "dot.name",
                                  "back\\sl", "qmail-smtpd"};

    memset(L, 0, sizeof *L);
    L->setuid_child = -1;
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++) {
        L->pids[L->n++] = spawn_named(names[i], 0);
        wait_state(L->pids[L->n - 1], 'S');
    }
    L->nnamed = L->n;
    L->pids[L->n++] = spawn_named("qmail-smtpd", 1);
    wait_state(L->pids[L->n - 1], 'Z');
    L->pids[L->n++] = spawn_named("x)\n(y", 1);
    wait_state(L->pids[L->n - 1], 'Z');
    L->dash = L->n;
    L->pids[L->n++] = spawn_exec(av_dash);
    L->empty_args = L->n;
    L->pids[L->n++] = spawn_exec(av_empty_args);
    L->pids[L->n++] = spawn_exec(av_empty0);
    L->pids[L->n++] = spawn_exec(av_long);
    for (int i = L->n - 4; i < L->n; i++)
        wait_state(L->pids[i], 'S');
    if (geteuid() == 0) {
        L->setuid_child = L->n;
        L->pids[L->n++] = spawn_setuid();
        wait_state(L->pids[L->n - 1], 'S');
    }
    usleep(50000); /* let the execs settle their argv */
}

static void live_stop(struct live *L)
{
    for (int i = 0; i < L->n; i++) {
        kill(L->pids[i], SIGKILL);
        waitpid(L->pids[i], NULL, 0);
    }
}

/* What both backends must report for the staged processes. */
static void live_check(const struct live *L, const qt_procs *p)
{
    const struct qt_proc *x;
    for (int i = 0; i < L->n; i++)
        if (!qt_procs_find(p, L->pids[i]))
            fail_msg("%s: pid %d missing", p->backend, L->pids[i]);
    x = qt_procs_find(p, L->pids[2]);
    assert_string_equal(x->comm, "nl\nx");
    assert_int_equal(x->ppid, getpid());
    x = qt_procs_find(p, L->pids[4]);
    assert_string_equal(x->comm, "\xc3\xa9t\xe9");
    x = qt_procs_find(p, L->pids[L->nnamed]);
    assert_int_equal(x->state, 'Z');
    assert_int_equal(x->argc, 0);
    assert_string_equal(x->comm, "qmail-smtpd");
    x = qt_procs_find(p, L->pids[L->nnamed + 1]);
    assert_string_equal(x->comm, "x)\n(y");
    x = qt_procs_find(p, L->pids[L->dash]);
    assert_int_equal(x->argc, 1);
    assert_string_equal(x->argv[0], "-");
    x = qt_procs_find(p, L->pids[L->empty_args]);
    assert_int_equal(x->argc, 4);
    assert_string_equal(x->argv[1], "");
    assert_string_equal(x->argv[3], "");
    if (L->setuid_child >= 0)
        assert_int_equal(qt_procs_find(p, L->pids[L->setuid_child])->uid, 65534);
}

static void proc_reader_on_live_processes(void **st)
{
    (void)st;
    struct live L;
    qt_ctx c;
    qt_procs pr;
    char err[256];

    qt_ctx_defaults(&c);
    live_start(&L);
    assert_int_equal(qt_procs_read_proc(&c, &pr, err, sizeof err), 0);
    assert_string_equal(pr.backend, "proc");
    live_check(&L, &pr);
    {
        /* a second read of the same (idle) processes gives the same values */
        qt_procs again;
        assert_int_equal(qt_procs_read_proc(&c, &again, err, sizeof err), 0);
        for (int i = 0; i < L.n; i++)
            compare(qt_procs_find(&pr, L.pids[i]), qt_procs_find(&again, L.pids[i]));
        qt_procs_free(&again);
    }
    qt_procs_free(&pr);
    live_stop(&L);
}

/* A process that execs the same binary keeps pid, start time and comm: the
 * reader must still see the new command line (the image key changes). */
static void reader_sees_exec(void **st)
{
    (void)st;
    static char *av_after[] = {"after-exec", "--new", NULL};
    int go[2];
    pid_t child;
    qt_ctx c;
    qt_procs_reader *r = qt_procs_reader_new();
    char err[256];
    qt_procs p;
    const struct qt_proc *x;

    qt_ctx_defaults(&c);
    assert_int_equal(pipe(go), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char b;
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(go[1]);
        if (read(go[0], &b, 1) == 1) {
            setenv(CHILD_ENV, "1", 1);
            execv("/proc/self/exe", av_after);
        }
        _exit(127);
    }
    close(go[0]);
    wait_state(child, 'S');
    assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
    qt_procs_want_pid(&p, child);
    qt_procs_load(&p);
    x = qt_procs_find(&p, child);
    assert_non_null(x);
    assert_true(x->argc >= 1);
    assert_string_not_equal(x->argv[0], "after-exec");
    qt_procs_seal(&p);
    qt_procs_free(&p);

    assert_int_equal(write(go[1], "x", 1), 1);
    close(go[1]);
    for (int tries = 0; tries < 200; tries++) {
        /* wait for the exec: its cmdline changes */
        struct qt_proc q;
        memset(&q, 0, sizeof q);
        if (qt_proc_reread_cmdline(&c, child, &q) == 0 && q.argc == 2 && strcmp(q.argv[0], "after-exec") == 0) {
            free(q.argv);
            break;
        }
        free(q.argv);
        usleep(10000);
    }
    assert_int_equal(qt_procs_reader_read(r, &c, &p, err, sizeof err), 0);
    qt_procs_want_pid(&p, child);
    qt_procs_load(&p);
    x = qt_procs_find(&p, child);
    assert_non_null(x);
    assert_int_equal(x->argc, 2);
    assert_string_equal(x->argv[0], "after-exec");
    assert_string_equal(x->argv[1], "--new");
    qt_procs_seal(&p);
    qt_procs_free(&p);
    qt_procs_reader_free(r);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static void backends_agree(void **st)
{
    (void)st;
#ifndef QT_HAVE_LIBPROC2
    skip();
#else
    struct live L;
    qt_ctx c;
    qt_procs lp, pr;
    char err[256];

    qt_ctx_defaults(&c);
    live_start(&L);
    assert_int_equal(qt_procs_read_libproc2(&c, &lp, err, sizeof err), 0);
    assert_int_equal(qt_procs_read_proc(&c, &pr, err, sizeof err), 0);
    assert_string_equal(lp.backend, "libproc2");
    assert_string_equal(pr.backend, "proc");
    assert_true(lp.boot == pr.boot);
    for (int i = 0; i < L.n; i++) {
        const struct qt_proc *a = qt_procs_find(&lp, L.pids[i]), *b = qt_procs_find(&pr, L.pids[i]);
        if (!a || !b)
            fail_msg("pid %d missing from %s", L.pids[i], a ? "proc" : "libproc2");
        compare(a, b);
    }
    live_check(&L, &lp);
    /* the persistent reader gives the same answer twice: read the first
     * time, carried over the second */
    {
        qt_procs_reader *r = qt_procs_reader_new();
        for (int k = 0; k < 2; k++) {
            qt_procs again;
            size_t loaded, carried;
            assert_int_equal(qt_procs_reader_read(r, &c, &again, err, sizeof err), 0);
            assert_string_equal(again.backend, "libproc2");
            for (int i = 0; i < L.n; i++)
                qt_procs_want_pid(&again, L.pids[i]);
            qt_procs_load(&again);
            qt_procs_reader_stats(r, &loaded, &carried);
            if (k == 0)
                assert_int_equal(loaded, L.n);
            else
                assert_true(carried >= (size_t)L.n && loaded == 0);
            for (int i = 0; i < L.n; i++)
                compare(qt_procs_find(&pr, L.pids[i]), qt_procs_find(&again, L.pids[i]));
            qt_procs_seal(&again);
            qt_procs_free(&again);
        }
        qt_procs_reader_free(r);
    }
    qt_procs_free(&lp);
    qt_procs_free(&pr);
    live_stop(&L);
#endif
}

#ifdef QT_HAVE_LIBPROC2
/* A workqueue worker's comm ends with the queue it runs at the moment
 * (fs/proc/array.c proc_task_name): compared up to it, as the tracker does. */
static int same_comm(const struct qt_proc *a, const struct qt_proc *b)
{
    size_t n;
    if (!(a->flags & b->flags & 0x20)) /* PF_WQ_WORKER, include/linux/sched.h */
        return memcmp(a->comm, b->comm, sizeof a->comm) == 0;
    n = strcspn(a->comm, "-+");
    return n == strcspn(b->comm, "-+") && memcmp(a->comm, b->comm, n) == 0;
}

/* Two stat-only entries the same; state and flags only if exact (the
 * staged processes sit still; others may run between two reads). */
static int same_entry(const struct qt_proc *a, const struct qt_proc *b, int exact)
{
    return a->pid == b->pid && a->ppid == b->ppid && a->pgid == b->pgid && a->sid == b->sid && a->uid == b->uid &&
           (exact ? a->state == b->state && a->flags == b->flags : (a->state == 'Z') == (b->state == 'Z')) &&
           a->start == b->start && same_comm(a, b) && a->argc == b->argc &&
           !a->argv && !b->argv && a->argv_more == b->argv_more && a->nlwp == b->nlwp &&
           a->argv_block == b->argv_block && a->lazy == b->lazy && a->ticks == b->ticks && a->image == b->image;
}
#endif

/* The safety net's scan is the /proc reader's in both builds (procs_int.h):
 * the tracker compares its entries with the event-driven table and adopts
 * them, so they must be libproc2's scan entries, field for field, for every
 * process two libproc2 scans around it agree on: hostile names, zombies,
 * kernel threads and threaded processes included. */
static void safety_scan_agrees(void **st)
{
    (void)st;
#ifndef QT_HAVE_LIBPROC2
    skip();
#else
    struct live L;
    qt_ctx c;
    qt_procs a, b, pr;
    char err[256];
    struct qt_lp2 *lp = qt_lp2_new(err, sizeof err);
    size_t compared = 0, staged = 0;

    assert_non_null(lp);
    qt_ctx_defaults(&c);
    live_start(&L);
    assert_int_equal(qt_lp2_scan(lp, &c, &a, err, sizeof err), 0);
    assert_int_equal(qt_proc_scan(&c, &pr, err, sizeof err), 0);
    assert_int_equal(qt_lp2_scan(lp, &c, &b, err, sizeof err), 0);
    assert_true(a.boot == pr.boot);
    for (size_t i = 0; i < a.n; i++) {
        const struct qt_proc *x = &a.v[i], *y = qt_procs_find(&b, x->pid), *z;
        int mine = 0;
        for (int k = 0; k < L.n; k++)
            mine |= L.pids[k] == x->pid;
        if (!y || !same_entry(x, y, mine))
            continue; /* changed while we read: not comparable */
        if (!(z = qt_procs_find(&pr, x->pid)))
            fail_msg("pid %d (%s) missing from the /proc reader's scan", x->pid, x->comm);
        if (!same_entry(x, z, mine))
            fail_msg("pid %d: libproc2 '%s' %c nlwp %d image %llx, /proc reader '%s' %c nlwp %d image %llx", x->pid,
                     x->comm, x->state, x->nlwp, x->image, z->comm, z->state, z->nlwp, z->image);
        compared++;
        staged += mine;
    }
    assert_int_equal(staged, L.n);
    assert_true(compared > staged);
    qt_procs_free(&a);
    qt_procs_free(&b);
    qt_procs_free(&pr);
    qt_lp2_free(lp);
    live_stop(&L);
#endif
}

/* issue 12 item 5: a process with a huge command line costs a bounded
 * read and copy, and says it was cut; both backends keep the same words */
static void huge_argv(void **st)
{
    enum { N = 100000 };
    char **av = calloc(N + 2, sizeof *av), big[40 * 1024];
    static char *av_big[] = {"tcpserver", "-c", NULL, "last", NULL};
    static char *av_big0[] = {NULL, "-c", "hidden", NULL};
    pid_t pids[3];
    qt_ctx c;
    qt_procs pr;
    char err[256];
    (void)st;

    assert_non_null(av);
    av[0] = "tcpserver";
    for (int i = 1; i <= N; i++)
        av[i] = "0";
    pids[0] = spawn_exec(av);
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    av_big[2] = big;  /* one argument longer than the byte cap */
    pids[1] = spawn_exec(av_big);
    av_big0[0] = big;  /* argv[0] alone is longer than the byte cap: it must not hide the command line */
    pids[2] = spawn_exec(av_big0);
    wait_state(pids[0], 'S');
    wait_state(pids[1], 'S');
    wait_state(pids[2], 'S');
    usleep(50000);
    qt_ctx_defaults(&c);
    assert_int_equal(qt_procs_read_proc(&c, &pr, err, sizeof err), 0);
    {
        const struct qt_proc *x = qt_procs_find(&pr, pids[0]), *y = qt_procs_find(&pr, pids[1]), *z;
        char *cl;
        assert_non_null(x);
        assert_int_equal(x->argc, QT_PROC_ARGV_MAX_ARGS);
        assert_int_equal(x->argv_more, -1);  /* the read stopped at the byte cap */
        assert_string_equal(x->argv[0], "tcpserver");
        cl = qt_proc_cmdline(x);
        assert_true(strlen(cl) < 2 * QT_PROC_ARGV_MAX_ARGS + 64);
        assert_non_null(strstr(cl, " 0 0 ... (argv truncated at 32 KiB)"));
        free(cl);
        assert_non_null(y);
        assert_int_equal(y->argc, 2);
        assert_string_equal(y->argv[1], "-c");
        assert_int_equal(y->argv_more, -1);
        /* the first argument is kept, cut at the cap, and marked cut */
        z = qt_procs_find(&pr, pids[2]);
        assert_non_null(z);
        assert_int_equal(z->argc, 1);
        assert_int_equal(strlen(z->argv[0]), QT_PROC_ARGV_MAX_BYTES - 1);
        assert_memory_equal(z->argv[0], big, QT_PROC_ARGV_MAX_BYTES - 1);
        assert_null(z->argv[1]);
        assert_int_equal(z->argv_more, -1);
        cl = qt_proc_cmdline(z);
        assert_non_null(strstr(cl, "xxx ... (argv truncated at 32 KiB)"));
        free(cl);
#ifdef QT_HAVE_LIBPROC2
        {
            qt_procs lp;
            const struct qt_proc *a, *b, *zz;
            assert_int_equal(qt_procs_read_libproc2(&c, &lp, err, sizeof err), 0);
            a = qt_procs_find(&lp, pids[0]);
            b = qt_procs_find(&lp, pids[1]);
            compare(x, a);
            compare(y, b);
            zz = qt_procs_find(&lp, pids[2]);
            compare(z, zz);
            assert_int_equal(zz->argv_more, -1);
            assert_int_equal(a->argv_more, N + 1 - QT_PROC_ARGV_MAX_ARGS);  /* libproc2 read it all */
            assert_int_equal(b->argv_more, 2);
            cl = qt_proc_cmdline(a);
            assert_non_null(strstr(cl, " 0 0 ... (97953 more arguments not shown)"));
            free(cl);
            qt_procs_free(&lp);
        }
#endif
    }
    qt_procs_free(&pr);
    for (int i = 0; i < 3; i++) {
        kill(pids[i], SIGKILL);
        waitpid(pids[i], NULL, 0);
    }
    free(av);
}

/* qt_procs_find and the hash index (procs_index.h), whatever the spread
 * of pids (dense, gaps, clusters, one far outlier): they find what a
 * linear search finds, and nothing that is not there. */
static void find_any_spread(void **st)
{
    static const int shapes[][8] = {
        {1, 2, 3, 4, 5, 6, 7, 8},
        {1, 2, 3, 4, 5, 6, 7, 4194000},
        {2, 900, 901, 902, 903, 30000, 30001, 32768},
        {100, 101, 5000, 5001, 5002, 5003, 5004, 5005},
    };
    (void)st;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (size_t n = 0; n <= 8; n++) {
            struct qt_proc v[8];
            qt_procs t = {.v = v, .n = n};
            memset(v, 0, sizeof v);
            for (size_t i = 0; i < n; i++)
                v[i].pid = shapes[s][i];
            qt_pid_index x = {0};
            qt_procs other = t;
            qt_pid_index_build(&x, &t);
            for (int pid = -1; pid <= 33000; pid++) {
                const struct qt_proc *want = NULL;
                for (size_t i = 0; i < n; i++)
                    if (v[i].pid == pid)
                        want = &v[i];
                assert_ptr_equal(qt_procs_find(&t, pid), want);
                /* the hash index agrees, and another table falls back to the search */
                assert_int_equal(qt_pid_index_get(&x, &t, pid), want ? (int)(want - v) : -1);
                assert_int_equal(qt_pid_index_get(&x, &other, pid), want ? (int)(want - v) : -1);
            }
            qt_pid_index_free(&x);
            if (n == 8)
                assert_ptr_equal(qt_procs_find(&t, shapes[s][7]), &v[7]);
        }
}

int main(void)
{
    if (getenv(CHILD_ENV)) {
        /* a re-executed child with a strange argv: wait to be killed */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            pause();
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_read),
        cmocka_unit_test(huge_argv),
        cmocka_unit_test(reader_lazy),
        cmocka_unit_test(reader_sees_exec),
        cmocka_unit_test(fixture_environ),
        cmocka_unit_test(fixture_missing_proc),
        cmocka_unit_test(reader_reuse),
        cmocka_unit_test(proc_reader_on_live_processes),
        cmocka_unit_test(backends_agree),
        cmocka_unit_test(safety_scan_agrees),
        cmocka_unit_test(find_any_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: diag/act/act.c, the actions done through file descriptors. A
 * service directory in /tmp whose supervise/control is a symlink to a
 * root-owned file, a regular file, a FIFO of another uid, a hard link, or a
 * symlinked supervise/ a user could have planted is refused with the reason
 * and nothing is written; runit's root-made supervise link is followed;
 * a real daemontools supervise (when installed) restarts its service on the
 * byte. The supervisor is a child of this test, chdir'ed into the directory,
 * so the pid, start-time and <proc>/PID/cwd path is the one R takes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <grp.h>
#include <unistd.h>

#include "diag/act/act.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

struct svc {
    char dir[64];      /* the service directory */
    char sup[96];      /* DIR/supervise */
    char ctl[128];     /* DIR/supervise/control */
    char victim[96];   /* a root-owned file the attacker points control at */
    pid_t pid;         /* a stand-in supervisor: cwd DIR */
    double start;
};

static double start_of(pid_t pid)
{
    qt_ctx c;
    struct qt_proc p;
    unsigned long long ticks = 0;
    qt_ctx_defaults(&c);
    memset(&p, 0, sizeof p);
    assert_int_equal(qt_proc_reread_stat(&c, pid, &p, &ticks), 0);
    return qt_procs_boot_time(&c) + (double)ticks / (double)sysconf(_SC_CLK_TCK);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    char *t = NULL;
    assert_true(qt_read_file(path, 4096, &t) >= 0);
    return t;
}

/* DIR with supervise/ and a process sitting in it (like supervise after
 * chdir), running as uid `as` (0: as this test) */
static void svc_start_as(struct svc *s, uid_t as)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/qt-act-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->sup, sizeof s->sup, "%s/supervise", s->dir);
    snprintf(s->ctl, sizeof s->ctl, "%s/control", s->sup);
    snprintf(s->victim, sizeof s->victim, "%s/victim", s->dir);
    assert_int_equal(mkdir(s->sup, 0700), 0);
    write_file(s->victim, "root-owned-data\n");
    s->pid = fork();
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(30);
        if (chdir(s->dir) != 0)
            _exit(1);
        if (as && (setgroups(0, NULL) != 0 || setresgid(as, as, as) != 0 || setresuid(as, as, as) != 0))
            _exit(1);
        for (;;)
            pause();
    }
    /* until the child is in DIR */
    for (int i = 0; i < 500; i++) {
        char cwd[64], link[256] = "";
        snprintf(cwd, sizeof cwd, "/proc/%d/cwd", (int)s->pid);
        ssize_t n = readlink(cwd, link, sizeof link - 1);
        if (n > 0 && (link[n] = '\0', strcmp(link, s->dir) == 0))
            break;
        usleep(2000);
    }
    s->start = start_of(s->pid);
}

static void svc_start(struct svc *s)
{
    svc_start_as(s, 0);
}

static void svc_stop(struct svc *s)
{
    char cmd[128];
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    assert_int_equal(system(cmd), 0);
}

static int control(const struct svc *s, char *err, size_t n)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    return qt_act_svc_control(&c, s->pid, s->start, 't', err, n);
}

/* the attack of issue 12: control -> a root-owned file; svc -t wrote 't' into it */
static void symlinked_control_refused(void **st)
{
    (void)st;
    struct svc s;
    char err[256], *t;

    svc_start(&s);
    assert_int_equal(symlink(s.victim, s.ctl), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise/control is a symlink: refused");
    t = slurp(s.victim);
    assert_string_equal(t, "root-owned-data\n");
    free(t);
    /* a symlink to a root-owned FIFO is refused as well: the link itself is refused */
    {
        char fifo[128];
        snprintf(fifo, sizeof fifo, "%s/fifo", s.dir);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(unlink(s.ctl), 0);
        assert_int_equal(symlink(fifo, s.ctl), 0);
        assert_int_equal(control(&s, err, sizeof err), -1);
        assert_string_equal(err, "supervise/control is a symlink: refused");
    }
    svc_stop(&s);
}

static void regular_file_refused(void **st)
{
    (void)st;
    struct svc s;
    char err[256], *t;

    svc_start(&s);
    write_file(s.ctl, "root-owned-data\n");
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise/control is not a FIFO (regular file): refused");
    t = slurp(s.ctl);
    assert_string_equal(t, "root-owned-data\n");
    free(t);
    svc_stop(&s);
}

static void foreign_or_linked_fifo_refused(void **st)
{
    (void)st;
    struct svc s;
    char err[256], other[128];
    int rd;

    svc_start(&s);
    assert_int_equal(mkfifo(s.ctl, 0600), 0);
    /* a reader, so that only the checks stand between us and a write */
    rd = open(s.ctl, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    if (geteuid() == 0) {
        /* a FIFO made by another user's supervise */
        assert_int_equal(chown(s.ctl, 65534, 65534), 0);
        assert_int_equal(control(&s, err, sizeof err), -1);
        assert_string_equal(err, "supervise/control is owned by uid 65534, not root: refused");
        assert_int_equal(chown(s.ctl, 0, 0), 0);
    }
    /* a hard link: some other service's FIFO */
    snprintf(other, sizeof other, "%s/other-fifo", s.dir);
    assert_int_equal(link(s.ctl, other), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise/control has 2 links: refused");
    assert_int_equal(unlink(other), 0);
    {
        char b[8];
        assert_true(read(rd, b, sizeof b) <= 0); /* nothing was written (EOF or EAGAIN) */
    }
    /* the good case: the byte arrives */
    assert_int_equal(control(&s, err, sizeof err), 0);
    {
        char b[8];
        assert_int_equal(read(rd, b, sizeof b), 1);
        assert_int_equal(b[0], 't');
    }
    close(rd);
    /* nobody reading: no supervisor */
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "no supervisor listening on supervise/control (ENXIO)");
    svc_stop(&s);
}

/* a supervise/ symlink planted by a user (the link is theirs): refused;
 * under a link that is trusted, a symlinked control is still refused */
static void symlinked_supervise_refused(void **st)
{
    (void)st;
    struct svc s;
    char err[256], elsewhere[128], *t;

    if (geteuid() != 0) {
        skip(); /* lchown to another uid */
        return;
    }
    svc_start(&s);
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", s.dir);
    assert_int_equal(rename(s.sup, elsewhere), 0);
    assert_int_equal(symlink(elsewhere, s.sup), 0);
    snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere/control", s.dir);
    assert_int_equal(symlink(s.victim, elsewhere), 0);
    assert_int_equal(lchown(s.sup, 65534, 65534), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise is a symlink owned by uid 65534, not root: refused");
    assert_int_equal(lchown(s.sup, 0, 0), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise/control is a symlink: refused");
    t = slurp(s.victim);
    assert_string_equal(t, "root-owned-data\n");
    free(t);
    svc_stop(&s);
}

/* Debian's runit layout: DIR/supervise -> /run/runit/supervise.NAME (here
 * a root-owned directory in /tmp). Followed when root made the link in a
 * root-owned directory others cannot write and the target passes the trust
 * walk; each condition broken alone is refused with its reason. */
static void runit_supervise_link(void **st)
{
    (void)st;
    struct svc s;
    char err[512], run[64], fifo[96], want[256], b[8];
    int rd;

    if (geteuid() != 0) {
        skip(); /* root-owned links and lchown to another uid */
        return;
    }
    svc_start(&s);
    snprintf(run, sizeof run, "/tmp/qt-act-run-XXXXXX");
    assert_non_null(mkdtemp(run));
    assert_int_equal(chmod(s.dir, 0755), 0);
    assert_int_equal(rmdir(s.sup), 0);
    assert_int_equal(symlink(run, s.sup), 0);
    snprintf(fifo, sizeof fifo, "%s/control", run);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    rd = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);

    /* the layout as runit's package makes it: the byte arrives */
    assert_int_equal(control(&s, err, sizeof err), 0);
    assert_int_equal(read(rd, b, sizeof b), 1);
    assert_int_equal(b[0], 't');

    /* the link is a user's */
    assert_int_equal(lchown(s.sup, 65534, 65534), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise is a symlink owned by uid 65534, not root: refused");
    assert_int_equal(lchown(s.sup, 0, 0), 0);

    /* the target directory is writable by others: they could put their own control there */
    assert_int_equal(chmod(run, 0777), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    snprintf(want, sizeof want, "supervise is a symlink to %s: %s is writable by others: refused", run, run);
    assert_string_equal(err, want);
    assert_int_equal(chmod(run, 0700), 0);

    /* the service directory is writable by others: they could have replaced the link */
    assert_int_equal(chmod(s.dir, 0757), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise is a symlink in a service directory writable by others: refused");
    assert_int_equal(chmod(s.dir, 0755), 0);

    /* a target owned by a user */
    assert_int_equal(chown(run, 65534, 65534), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    snprintf(want, sizeof want, "supervise is a symlink to %s: %s is owned by uid 65534 (only root may own what root runs): refused",
             run, run);
    assert_string_equal(err, want);
    assert_int_equal(chown(run, 0, 0), 0);

    assert_true(read(rd, b, sizeof b) <= 0); /* no refused case wrote (EOF or EAGAIN) */
    close(rd);
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(rmdir(run), 0);
    svc_stop(&s);
}

/* the supervisor's identity: a wrong start time or a fixture /proc never reach the directory */
static void supervisor_identity(void **st)
{
    (void)st;
    struct svc s;
    char err[256], want[128], b[8];
    qt_ctx c;
    int rd;

    svc_start(&s);
    assert_int_equal(mkfifo(s.ctl, 0600), 0);
    rd = open(s.ctl, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    qt_ctx_defaults(&c);
    assert_int_equal(qt_act_svc_control(&c, s.pid, s.start - 1000, 't', err, sizeof err), -1);
    snprintf(want, sizeof want, "pid %d is now another process (pid reused): supervisor not controlled", (int)s.pid);
    assert_string_equal(err, want);
    assert_int_equal(qt_act_svc_control(&c, 1, 0, 't', err, sizeof err), -1);
    assert_int_equal(qt_act_svc_control(&c, 999999999, 0, 't', err, sizeof err), -1);
    assert_non_null(strstr(err, "is gone"));
    c.proc = "/tmp";
    assert_int_equal(qt_act_svc_control(&c, s.pid, s.start, 't', err, sizeof err), -1);
    assert_non_null(strstr(err, "not reading the live /proc"));
    assert_int_equal(qt_act_signal(&c, s.pid, s.start, SIGTERM, err, sizeof err), -1);
    assert_int_equal(kill(s.pid, 0), 0);
    assert_true(read(rd, b, sizeof b) <= 0); /* nothing was written (EOF or EAGAIN) */
    close(rd);
    svc_stop(&s);
}

/* A user's process sitting in root's service directory (anyone can cd
 * there and name a process supervise): its cwd is root's, the FIFO is
 * root's, but it is not root's supervise. R refuses, the FIFO gets nothing. */
static void user_supervisor_refused(void **st)
{
    (void)st;
    struct svc s;
    char err[256], want[128], b[8];
    int rd;

    if (geteuid() != 0) {
        skip(); /* setresuid to another uid */
        return;
    }
    svc_start_as(&s, 65534);
    assert_int_equal(mkfifo(s.ctl, 0600), 0);
    rd = open(s.ctl, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    snprintf(want, sizeof want, "supervisor pid %d runs as uid 65534: not root's supervise: refused", (int)s.pid);
    assert_string_equal(err, want);
    assert_true(read(rd, b, sizeof b) <= 0); /* nothing was written (EOF or EAGAIN) */
    /* a FIFO that user owns would not help it either: control must be root's */
    assert_int_equal(chown(s.ctl, 65534, 65534), 0);
    assert_int_equal(control(&s, err, sizeof err), -1);
    assert_string_equal(err, "supervise/control is owned by uid 65534, not root: refused");
    assert_true(read(rd, b, sizeof b) <= 0);
    close(rd);
    svc_stop(&s);
}

static void signal_checks_identity(void **st)
{
    (void)st;
    qt_ctx c;
    char err[256];
    int ws;
    pid_t p = fork();

    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        for (;;)
            pause();
    }
    qt_ctx_defaults(&c);
    usleep(20000);
    /* wrong start time: a recycled pid is never signalled */
    assert_int_equal(qt_act_signal(&c, p, 12345.0, SIGTERM, err, sizeof err), -1);
    assert_non_null(strstr(err, "pid reused): not signalled"));
    assert_int_equal(qt_act_signal(&c, 1, 0, SIGCHLD, err, sizeof err), -1);
    assert_int_equal(qt_act_signal(&c, 999999999, 0, SIGCHLD, err, sizeof err), -1);
    assert_non_null(strstr(err, "gone"));
    assert_int_equal(qt_act_signal(&c, p, start_of(p), SIGTERM, err, sizeof err), 0);
    assert_int_equal(waitpid(p, &ws, 0), p);
    assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGTERM);
}

static pid_t idle_child(void)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        alarm(30);
        for (;;)
            pause();
    }
    usleep(20000);
    return p;
}

static unsigned long long ticks_of(pid_t pid)
{
    qt_ctx c;
    struct qt_proc p;
    unsigned long long ticks = 0;
    qt_ctx_defaults(&c);
    memset(&p, 0, sizeof p);
    assert_int_equal(qt_proc_reread_stat(&c, pid, &p, &ticks), 0);
    return ticks;
}

static void killed_by(pid_t p, int sig)
{
    int ws;
    assert_int_equal(waitpid(p, &ws, 0), p);
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(WTERMSIG(ws), sig);
}

/* When the sample has the start ticks they must match exactly: a process
 * that started one tick later is another one, though the epoch seconds
 * (2 s slack) cannot tell them apart. */
static void signal_exact_ticks(void **st)
{
    (void)st;
    qt_ctx c;
    char err[256], want[128];
    pid_t p = idle_child();
    qt_act_proc a = {.pid = p, .has_ticks = 1, .ticks = ticks_of(p) + 1, .start = start_of(p)};

    qt_ctx_defaults(&c);
    assert_int_equal(qt_act_signal_proc(&c, &a, SIGTERM, err, sizeof err), -1);
    snprintf(want, sizeof want, "pid %d is now another process (pid reused): not signalled", (int)p);
    assert_string_equal(err, want);
    a.ticks -= 2;
    assert_int_equal(qt_act_signal_proc(&c, &a, SIGTERM, err, sizeof err), -1);
    assert_int_equal(kill(p, 0), 0);
    /* the supervisor check uses the ticks too */
    assert_int_equal(qt_act_svc_control_proc(&c, &a, 't', err, sizeof err), -1);
    assert_non_null(strstr(err, "pid reused): supervisor not controlled"));
    a.ticks += 1;
    assert_int_equal(qt_act_signal_proc(&c, &a, SIGTERM, err, sizeof err), 0);
    killed_by(p, SIGTERM);
}

/* Install a seccomp filter in this process that makes syscall nr fail with e. */
static int deny_syscall(long nr, int e)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)e & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

/* qt_act_signal in a child where syscall nr fails with e; the child's exit
 * status: 0 signalled, 1 refused, 2 the filter could not be installed */
static int signal_without(pid_t target, double start, long nr, int e)
{
    int ws;
    pid_t t = fork();
    assert_true(t >= 0);
    if (t == 0) {
        qt_ctx c;
        char err[256];
        if (deny_syscall(nr, e) != 0)
            _exit(2);
        qt_ctx_defaults(&c);
        if (qt_act_signal(&c, target, start, SIGTERM, err, sizeof err) != 0) {
            fprintf(stderr, "# %s\n", err);
            _exit(1);
        }
        _exit(0);
    }
    assert_int_equal(waitpid(t, &ws, 0), t);
    assert_true(WIFEXITED(ws));
    return WEXITSTATUS(ws);
}

/* The signal goes through the pidfd that held the process while it was
 * checked: with kill() denied it still arrives. Where pidfd_open is missing
 * (ENOSYS) or denied by a filter (EPERM), kill() after the check does it. */
static void signal_through_pidfd(void **st)
{
    (void)st;
    pid_t p = idle_child();
    assert_int_equal(signal_without(p, start_of(p), SYS_kill, EPERM), 0);
    killed_by(p, SIGTERM);
    p = idle_child();
    assert_int_equal(signal_without(p, start_of(p), SYS_pidfd_open, ENOSYS), 0);
    killed_by(p, SIGTERM);
    p = idle_child();
    assert_int_equal(signal_without(p, start_of(p), SYS_pidfd_open, EPERM), 0);
    killed_by(p, SIGTERM);
    /* the check still holds without pidfds */
    p = idle_child();
    assert_int_equal(signal_without(p, start_of(p) - 100, SYS_pidfd_open, ENOSYS), 1);
    assert_int_equal(kill(p, 0), 0);
    kill(p, SIGKILL);
    killed_by(p, SIGKILL);
}

/* children of pid (the first one), or 0 */
static int child_of(pid_t pid)
{
    char path[96], *t = NULL;
    int c = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    if (qt_read_file(path, 4096, &t) > 0)
        c = atoi(t);
    free(t);
    return c;
}

/* a real daemontools supervise: the byte restarts the service (new pid) */
static void real_supervise_restarts(void **st)
{
    (void)st;
    char dir[64], path[128], err[256], cmd[128];
    qt_ctx c;
    pid_t sup;
    int first = 0, second = 0;

    if (access("/usr/bin/supervise", X_OK) != 0) {
        skip();
        return;
    }
    snprintf(dir, sizeof dir, "/tmp/qt-act-sv-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run", dir);
    write_file(path, "#!/bin/sh\nexec sleep 60\n");
    assert_int_equal(chmod(path, 0755), 0);
    sup = fork();
    if (sup == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execl("/usr/bin/supervise", "supervise", dir, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500 && !(first = child_of(sup)); i++)
        usleep(10000);
    assert_true(first > 0);
    qt_ctx_defaults(&c);
    /* supervise opens supervise/control just after it starts the child */
    {
        int r = -1;
        for (int i = 0; i < 200 && (r = qt_act_svc_control(&c, sup, start_of(sup), 't', err, sizeof err)) != 0; i++)
            usleep(10000);
        if (r != 0)
            fail_msg("R on a real supervise: %s", err);
    }
    /* supervise restarts ./run at most once a second */
    for (int i = 0; i < 500; i++) {
        second = child_of(sup);
        if (second > 0 && second != first)
            break;
        usleep(10000);
    }
    assert_true(second > 0);
    assert_int_not_equal(second, first);
    /* its control is what supervise made: a root-owned FIFO */
    {
        struct stat sb;
        snprintf(path, sizeof path, "%s/supervise/control", dir);
        assert_int_equal(lstat(path, &sb), 0);
        assert_true(S_ISFIFO(sb.st_mode));
        assert_int_equal(sb.st_uid, geteuid());
    }
    kill(sup, SIGKILL);
    waitpid(sup, NULL, 0);
    kill(second, SIGKILL);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(symlinked_control_refused),
        cmocka_unit_test(regular_file_refused),
        cmocka_unit_test(foreign_or_linked_fifo_refused),
        cmocka_unit_test(symlinked_supervise_refused),
        cmocka_unit_test(runit_supervise_link),
        cmocka_unit_test(supervisor_identity),
        cmocka_unit_test(user_supervisor_refused),
        cmocka_unit_test(signal_checks_identity),
        cmocka_unit_test(signal_exact_ticks),
        cmocka_unit_test(signal_through_pidfd),
        cmocka_unit_test(real_supervise_restarts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

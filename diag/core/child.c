/* child.c - see child.h */
#include "diag/core/child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct child_job {
    qt_job base;
    struct qt_child_result res;
    int out_fd, err_fd, pidfd, exec_fd;
    int reaped;
    double start, deadline, exited_at;
};

/* Move fd to >= 10 with close-on-exec, so dup2() onto 0..3 in the child
 * can never clobber another of our descriptors. */
static int high_fd(int fd)
{
    int h;
    if (fd < 0)
        return -1;
    h = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    return h;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* In the child, between fork and exec: async-signal-safe calls only. */
/* Close every descriptor >= first except keep_a and keep_b (-1 = none). */
static void close_except(unsigned first, int keep_a, int keep_b)
{
    int k[2] = {keep_a < keep_b ? keep_a : keep_b, keep_a < keep_b ? keep_b : keep_a};
    unsigned from = first;
    for (int i = 0; i < 2; i++) {
        if (k[i] < 0 || (unsigned)k[i] < from)
            continue;
        if ((unsigned)k[i] > from && close_range(from, (unsigned)k[i] - 1, 0) != 0)
            for (unsigned fd = from; fd < (unsigned)k[i]; fd++)
                close((int)fd);
        from = (unsigned)k[i] + 1;
    }
    if (close_range(from, ~0U, 0) != 0)
        for (unsigned fd = from; fd < 1024; fd++)
            close((int)fd);
}

/* setgroups, setresgid, setresuid in that order (setuid last: after it the
 * others are no longer allowed); each checked. */
static int drop_ids(const struct qt_child_spec *sp)
{
    gid_t g = (gid_t)sp->gid;
    if (setgroups(1, &g) != 0 || setresgid(g, g, g) != 0 || setresuid((uid_t)sp->uid, (uid_t)sp->uid, (uid_t)sp->uid) != 0)
        return -1;
    return 0;
}

static void __attribute__((noreturn))
child_exec(const struct qt_child_spec *sp, int devnull, int out_w, int err_w, int fd3_r, int exec_w, int prog_fd)
{
    struct sigaction sa;
    sigset_t none;
    int e;

    setpgid(0, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        (void)sigaction(s, &sa, NULL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        goto fail;
    if (fd3_r >= 0) {
        if (dup2(fd3_r, 3) < 0)
            goto fail;
    } else {
        close(3);
    }
    /* everything else (the terminal's fds, sockets, other jobs) stays behind;
     * exec_w and prog_fd are close-on-exec; exec_w reports a failed exec */
    close_except(fd3_r >= 0 ? 4 : 3, exec_w, prog_fd);
    if (sp->drop && drop_ids(sp) != 0) {
        e = -errno;   /* negative: the drop failed, not the exec */
        (void)!write(exec_w, &e, sizeof e);
        _exit(127);
    }
    if (prog_fd >= 0) {
        execveat(prog_fd, "", sp->argv, sp->envp, AT_EMPTY_PATH);
        /* a #! script through a close-on-exec descriptor: the interpreter
         * could not open /dev/fd/N; let it inherit the descriptor */
        if (errno == ENOENT && fcntl(prog_fd, F_SETFD, 0) == 0)
            execveat(prog_fd, "", sp->argv, sp->envp, AT_EMPTY_PATH);
    } else {
        execve(sp->path, sp->argv, sp->envp);
    }
fail:
    e = errno;
    (void)!write(exec_w, &e, sizeof e);
    _exit(127);
}

static void reap(struct child_job *j, int block)
{
    int st;
    pid_t r;
    if (j->reaped || j->res.pid <= 0)
        return;
    if (!block) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        /* look without reaping: while it is a zombie its pid (= our group id)
         * cannot be reused, so killing the group below hits only our own */
        if (waitid(P_PID, (id_t)j->res.pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != j->res.pid)
            return;
    }
    /* stragglers the program left in its group (it may have forked) */
    kill(-j->res.pid, SIGKILL);
    do
        r = waitpid(j->res.pid, &st, 0);
    while (r < 0 && errno == EINTR);
    if (r != j->res.pid)
        return;
    j->reaped = 1;
    j->exited_at = qt_now_mono();
    j->res.took = j->exited_at - j->start;
    if (WIFEXITED(st)) {
        j->res.exited = 1;
        j->res.code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        j->res.signaled = 1;
        j->res.sig = WTERMSIG(st);
    }
}

static void read_exec_status(struct child_job *j)
{
    int e;
    ssize_t r;
    if (j->exec_fd < 0)
        return;
    do
        r = read(j->exec_fd, &e, sizeof e);
    while (r < 0 && errno == EINTR);
    if (r == (ssize_t)sizeof e && e < 0) {
        j->res.drop_failed = 1;
        j->res.exec_errno = -e;
    } else if (r == (ssize_t)sizeof e) {
        j->res.exec_errno = e;
    }
    close_fd(&j->exec_fd);
}

/* Read what is there; returns 1 on EOF (fd closed). */
static int drain(struct child_job *j, int *fd, qt_buf *b)
{
    char buf[4096];
    for (;;) {
        ssize_t r = read(*fd, buf, sizeof buf);
        if (r > 0) {
            size_t keep = b->len < QT_CHILD_MAXOUT ? QT_CHILD_MAXOUT - b->len : 0;
            if (keep > (size_t)r)
                keep = (size_t)r;
            qt_buf_add(b, buf, keep);
            j->res.dropped += (size_t)r - keep;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return 0;
        close_fd(fd);
        return 1;
    }
}

static void kill_group(struct child_job *j)
{
    if (j->res.pid > 0 && !j->reaped) {
        /* not reaped yet, so the pid and group id are still ours */
        kill(-j->res.pid, SIGKILL);
        kill(j->res.pid, SIGKILL); /* in case setpgid had not happened yet */
        reap(j, 1);                /* SIGKILL cannot be caught: this returns at once */
    }
}

static void finish_all(struct child_job *j)
{
    if (j->out_fd >= 0)
        drain(j, &j->out_fd, &j->res.out);
    if (j->err_fd >= 0)
        drain(j, &j->err_fd, &j->res.err);
    close_fd(&j->out_fd);
    close_fd(&j->err_fd);
    close_fd(&j->pidfd);
    read_exec_status(j);
    if (!j->res.out.s)
        qt_buf_add(&j->res.out, "", 0);
    if (!j->res.err.s)
        qt_buf_add(&j->res.err, "", 0);
}

static int c_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct child_job *j = (struct child_job *)job;
    int n = 0;
    if (j->out_fd >= 0 && n < max)
        pfd[n++] = (struct pollfd){.fd = j->out_fd, .events = POLLIN};
    if (j->err_fd >= 0 && n < max)
        pfd[n++] = (struct pollfd){.fd = j->err_fd, .events = POLLIN};
    if (j->pidfd >= 0 && !j->reaped && n < max)
        pfd[n++] = (struct pollfd){.fd = j->pidfd, .events = POLLIN};
    return n;
}

static double c_deadline(qt_job *job)
{
    struct child_job *j = (struct child_job *)job;
    double now = qt_now_mono();
    if (!j->res.started || (j->reaped && j->out_fd < 0 && j->err_fd < 0))
        return j->start;                      /* done: step at once */
    if (j->reaped)                            /* exited; pipes held open by a straggler? */
        return j->exited_at + 0.2 < j->deadline ? j->exited_at + 0.2 : j->deadline;
    if (j->pidfd < 0)                         /* no pidfd: look again every 20 ms */
        return now + 0.02 < j->deadline ? now + 0.02 : j->deadline;
    return j->deadline;
}

static int c_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct child_job *j = (struct child_job *)job;
    (void)pfd;
    (void)n;

    if (!j->res.started) {
        finish_all(j);
        return 1;
    }
    if (j->out_fd >= 0)
        drain(j, &j->out_fd, &j->res.out);
    if (j->err_fd >= 0)
        drain(j, &j->err_fd, &j->res.err);
    reap(j, 0);
    if (!j->reaped && now >= j->deadline) {
        j->res.timed_out = 1;
        kill_group(j);
        finish_all(j);
        return 1;
    }
    if (j->reaped && ((j->out_fd < 0 && j->err_fd < 0) || now >= j->exited_at + 0.2 || now >= j->deadline)) {
        finish_all(j);
        return 1;
    }
    return 0;
}

static void c_cancel(qt_job *job)
{
    struct child_job *j = (struct child_job *)job;
    if (j->res.started && !j->reaped) {
        j->res.timed_out = 1;
        kill_group(j);
    }
    finish_all(j);
}

static void c_free(qt_job *job)
{
    struct child_job *j = (struct child_job *)job;
    c_cancel(job);
    qt_buf_free(&j->res.out);
    qt_buf_free(&j->res.err);
    free(j);
}

static const struct qt_job_ops child_ops = {
    .pollfds = c_pollfds, .deadline = c_deadline, .step = c_step, .cancel = c_cancel, .free = c_free,
};

qt_job *qt_child_job_new(const struct qt_child_spec *sp)
{
    struct child_job *j = qt_calloc(1, sizeof *j);
    int out[2] = {-1, -1}, err[2] = {-1, -1}, fd3[2] = {-1, -1}, ex[2] = {-1, -1};
    int devnull = -1, prog = -1;
    pid_t pid;

    j->base.ops = &child_ops;
    j->out_fd = j->err_fd = j->pidfd = j->exec_fd = -1;
    j->start = qt_now_mono();
    j->deadline = j->start + (sp->timeout > 0 ? sp->timeout : 10);

    if (sp->fd3 && sp->fd3_len > 4096) {
        snprintf(j->res.fail, sizeof j->res.fail, "fd-3 data too long");
        return &j->base;
    }
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(ex, O_CLOEXEC) ||
        (sp->fd3 && pipe2(fd3, O_CLOEXEC)) || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(j->res.fail, sizeof j->res.fail, "cannot create pipes: %s", strerror(errno));
        goto fail;
    }
    out[1] = high_fd(out[1]);
    err[1] = high_fd(err[1]);
    fd3[0] = high_fd(fd3[0]);
    devnull = high_fd(devnull);
    ex[1] = high_fd(ex[1]);
    if (sp->has_exec_fd)
        prog = fcntl(sp->exec_fd, F_DUPFD_CLOEXEC, 10);
    if (out[1] < 0 || err[1] < 0 || devnull < 0 || ex[1] < 0 || (sp->fd3 && fd3[0] < 0) || (sp->has_exec_fd && prog < 0)) {
        snprintf(j->res.fail, sizeof j->res.fail, "cannot move descriptors: %s", strerror(errno));
        goto fail;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(j->res.fail, sizeof j->res.fail, "fork: %s", strerror(errno));
        goto fail;
    }
    if (pid == 0)
        child_exec(sp, devnull, out[1], err[1], fd3[0], ex[1], prog);
    setpgid(pid, pid); /* also in the parent: no window where a kill misses the group */
    j->res.started = 1;
    j->res.pid = pid;
    close(out[1]);
    close(err[1]);
    close(ex[1]);
    close(devnull);
    close_fd(&prog);
    if (fd3[0] >= 0)
        close(fd3[0]);
    if (sp->fd3) {
        /* <= 4096 bytes into an empty pipe: one atomic write that never blocks.
         * A child that already died (exec failed) makes it EPIPE: that must
         * be an error code here, not a SIGPIPE that kills the console. */
        ssize_t w;
        struct sigaction old;
        if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(SIGPIPE, SIG_IGN);
        do
            w = write(fd3[1], sp->fd3, sp->fd3_len);
        while (w < 0 && errno == EINTR);
        close(fd3[1]);
    }
    j->out_fd = out[0];
    j->err_fd = err[0];
    j->exec_fd = ex[0];
    set_nonblock(j->out_fd);
    set_nonblock(j->err_fd);
    j->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (j->pidfd >= 0)
        fcntl(j->pidfd, F_SETFD, FD_CLOEXEC);
    return &j->base;

fail:
    for (int i = 0; i < 2; i++) {
        close_fd(&out[i]);
        close_fd(&err[i]);
        close_fd(&fd3[i]);
        close_fd(&ex[i]);
    }
    close_fd(&devnull);
    close_fd(&prog);
    return &j->base;
}

const struct qt_child_result *qt_child_job_result(qt_job *job)
{
    return &((struct child_job *)job)->res;
}

void qt_child_status_str(const struct qt_child_result *r, char *out, size_t n)
{
    if (!r->started)
        snprintf(out, n, "could not start: %s", r->fail);
    else if (r->exec_errno && r->drop_failed)
        snprintf(out, n, "could not switch to the service's uid/gid: %s", strerror(r->exec_errno));
    else if (r->exec_errno)
        snprintf(out, n, "could not run: %s", strerror(r->exec_errno));
    else if (r->timed_out)
        snprintf(out, n, "no exit within the deadline: killed (signal %d)", r->sig ? r->sig : SIGKILL);
    else if (r->signaled)
        snprintf(out, n, "killed by signal %d (%s)", r->sig, strsignal(r->sig));
    else if (r->exited)
        snprintf(out, n, "exit %d", r->code);
    else
        snprintf(out, n, "unknown end");
}

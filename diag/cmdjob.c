/* cmdjob.c - see cmdjob.h */
#include "cmdjob.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* How often to look for the child's exit once its output pipe closed. */
#define REAP_POLL 0.02

struct cmdjob {
    qt_job base;
    pid_t pid;
    int fd;                 /* read end of the output pipe; -1 once closed */
    double deadline;        /* monotonic */
    double next_reap;       /* monotonic: next waitpid() try after EOF */
    char out[QT_CMDJOB_OUT];
    size_t len;
    int wstatus;
    int timed_out;
    int reaped;
};

static int cj_pollfds(qt_job *j, struct pollfd *pfd, int max)
{
    struct cmdjob *c = (struct cmdjob *)j;
    if (c->fd < 0 || max < 1)
        return 0;
    pfd[0].fd = c->fd;
    pfd[0].events = POLLIN;
    return 1;
}

static double cj_deadline(qt_job *j)
{
    struct cmdjob *c = (struct cmdjob *)j;
    if (c->fd < 0 && c->next_reap < c->deadline)
        return c->next_reap;
    return c->deadline;
}

static void drain(struct cmdjob *c)
{
    for (;;) {
        char tmp[1024];
        ssize_t r = read(c->fd, tmp, sizeof tmp);
        if (r > 0) {
            size_t room = sizeof c->out - 1 - c->len, k = (size_t)r < room ? (size_t)r : room;
            memcpy(c->out + c->len, tmp, k);
            c->len += k;
            c->out[c->len] = '\0';
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(c->fd); /* EOF or error */
        c->fd = -1;
        return;
    }
}

static void kill_and_reap(struct cmdjob *c)
{
    if (c->reaped)
        return;
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    while (waitpid(c->pid, &c->wstatus, 0) < 0 && errno == EINTR)
        ;
    c->reaped = 1;
    c->timed_out = 1;
    c->wstatus = -1;
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
}

static int cj_step(qt_job *j, const struct pollfd *pfd, int n, double now)
{
    struct cmdjob *c = (struct cmdjob *)j;

    if (c->fd >= 0 && n > 0 && pfd[0].revents)
        drain(c);
    if (c->fd < 0) {
        pid_t r = waitpid(c->pid, &c->wstatus, WNOHANG);
        if (r == c->pid) {
            c->reaped = 1;
            return 1;
        }
        c->next_reap = now + REAP_POLL;
    }
    if (now >= c->deadline) {
        kill_and_reap(c);
        return 1;
    }
    return 0;
}

static void cj_cancel(qt_job *j)
{
    kill_and_reap((struct cmdjob *)j);
}

static void cj_free(qt_job *j)
{
    struct cmdjob *c = (struct cmdjob *)j;
    if (!c->reaped)
        kill_and_reap(c);
    free(c);
}

static const struct qt_job_ops cj_ops = {
    .pollfds = cj_pollfds,
    .deadline = cj_deadline,
    .step = cj_step,
    .cancel = cj_cancel,
    .free = cj_free,
};

static void child(char *const argv[], int wfd)
{
    sigset_t none;
    int null = open("/dev/null", O_RDONLY);

    setpgid(0, 0);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (null < 0 || dup2(null, 0) < 0 || dup2(wfd, 1) < 0 || dup2(wfd, 2) < 0)
        _exit(126);
    execvp(argv[0], argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

qt_job *qt_cmd_job_new(char *const argv[], double timeout, char *err, size_t errlen)
{
    int p[2];
    struct cmdjob *c;
    pid_t pid;

    if (!argv || !argv[0] || !(timeout > 0)) {
        snprintf(err, errlen, "no command to run");
        return NULL;
    }
    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return NULL;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return NULL;
    }
    if (pid == 0)
        child(argv, p[1]);
    close(p[1]);
    setpgid(pid, pid); /* also from here: no race with an early kill(-pid) */
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    c = qt_calloc(1, sizeof *c);
    c->base.ops = &cj_ops;
    c->pid = pid;
    c->fd = p[0];
    c->deadline = qt_now_mono() + timeout;
    c->next_reap = c->deadline;
    c->wstatus = -1;
    return &c->base;
}

const char *qt_cmd_job_result(const qt_job *j, int *wstatus, int *timed_out)
{
    const struct cmdjob *c = (const struct cmdjob *)j;
    if (wstatus)
        *wstatus = c->reaped ? c->wstatus : -1;
    if (timed_out)
        *timed_out = c->timed_out;
    return c->out;
}

static int try_dir(const char *dir, size_t dl, const char *name, char *out, size_t n)
{
    int r = dl ? snprintf(out, n, "%.*s/%s", (int)dl, dir, name) : snprintf(out, n, "./%s", name);
    return r > 0 && (size_t)r < n && access(out, X_OK) == 0 ? 0 : -1;
}

int qt_find_program(const char *name, const char *const *extra, char *out, size_t n)
{
    const char *path = getenv("PATH");

    if (!name || !*name)
        return -1;
    if (strchr(name, '/')) {
        snprintf(out, n, "%s", name);
        return access(name, X_OK) == 0 ? 0 : -1;
    }
    for (const char *p = path; p && *p;) {
        const char *e = strchr(p, ':');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (try_dir(p, l, name, out, n) == 0)
            return 0;
        p = e ? e + 1 : p + l;
    }
    for (; extra && *extra; extra++)
        if (try_dir(*extra, strlen(*extra), name, out, n) == 0)
            return 0;
    return -1;
}

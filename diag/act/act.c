/* act.c - see act.h */
#include "diag/act/act.h"
#include "diag/core/trust.h"
#include "diag/procs/procs.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* btime in /proc/stat may move by a second between reads: the slack for a
 * start known only as epoch seconds */
#define START_SLACK 2.0

static int refuse_not_live(const qt_ctx *ctx, char *err, size_t errlen)
{
    const char *proc = ctx->proc ? ctx->proc : "/proc";
    if (strcmp(proc, "/proc") == 0)
        return 0;
    snprintf(err, errlen, "not reading the live /proc (--proc %s): no action", proc);
    return -1;
}

static int may_act(const qt_ctx *ctx, int pid, char *err, size_t errlen)
{
    if (refuse_not_live(ctx, err, errlen))
        return -1;
    if (pid <= 1) {
        snprintf(err, errlen, "refusing to act on pid %d", pid);
        return -1;
    }
    return 0;
}

/* Is start ticks t the start the sample saw? Exactly when the sample has
 * the ticks; else within START_SLACK of its epoch seconds. */
static int same_start(const qt_ctx *ctx, const qt_act_proc *want, unsigned long long t)
{
    long hz = sysconf(_SC_CLK_TCK);
    if (want->has_ticks)
        return t == want->ticks;
    return fabs(qt_procs_boot_time(ctx) + (double)t / (double)(hz > 0 ? hz : 100) - want->start) < START_SLACK;
}

/* <proc>/PID pinned (procs.h qt_proc_open_pid) and checked to be the process
 * the sample saw: the descriptor, or -1 with err. *ticks and *uid (may be
 * NULL) get its start ticks and real uid, read through it. */
static int open_same(const qt_ctx *ctx, const qt_act_proc *want, unsigned long long *ticks, unsigned *uid, char *err,
                     size_t errlen)
{
    unsigned long long t = 0;
    int pid = want->pid, pfd;

    if (may_act(ctx, pid, err, errlen))
        return -1;
    if ((pfd = qt_proc_open_pid(ctx, pid)) < 0 || qt_proc_ident_at(pfd, pid, &t, uid) != 0) {
        if (pfd >= 0)
            close(pfd);
        snprintf(err, errlen, "pid %d is gone", pid);
        return -1;
    }
    if (!same_start(ctx, want, t)) {
        close(pfd);
        snprintf(err, errlen, "pid %d is now another process (pid reused)", pid);
        return -1;
    }
    if (ticks)
        *ticks = t;
    return pfd;
}

int qt_act_same_process(const qt_ctx *ctx, int pid, double start, char *err, size_t errlen)
{
    const qt_act_proc want = {.pid = pid, .start = start};
    int pfd = open_same(ctx, &want, NULL, NULL, err, errlen);
    if (pfd < 0)
        return -1;
    close(pfd);
    return 0;
}

/* pidfd_open(2), Linux 5.3; -1 with errno ENOSYS where the kernel (or the
 * headers) lack it, EPERM where a seccomp filter refuses it. */
static int open_pidfd(int pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static int send_pidfd(int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    (void)pidfd;
    (void)sig;
    errno = ENOSYS;
    return -1;
#endif
}

/* The process is held first (a pidfd names one process, never a later
 * holder of its pid), then checked, then signalled through the pidfd: the
 * process checked is the one signalled. Without pidfds (ENOSYS, or EPERM
 * from a seccomp filter) kill() follows the check, as before. */
int qt_act_signal_proc(const qt_ctx *ctx, const qt_act_proc *p, int sig, char *err, size_t errlen)
{
    int pidfd, pfd, r;

    if (may_act(ctx, p->pid, err, errlen))
        return -1;
    pidfd = open_pidfd(p->pid);
    if (pidfd < 0 && errno != ENOSYS && errno != EPERM) {
        if (errno == ESRCH)
            snprintf(err, errlen, "pid %d is gone: not signalled", p->pid);
        else
            snprintf(err, errlen, "pidfd_open(%d): %s: not signalled", p->pid, strerror(errno));
        return -1;
    }
    if ((pfd = open_same(ctx, p, NULL, NULL, err, errlen)) < 0) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, ": not signalled");
        if (pidfd >= 0)
            close(pidfd);
        return -1;
    }
    close(pfd);
    if (pidfd >= 0) {
        r = send_pidfd(pidfd, sig);
        if (r != 0 && errno == ENOSYS)
            r = kill(p->pid, sig);
        else if (r != 0 && errno == ESRCH) {
            snprintf(err, errlen, "pid %d exited before the signal: not signalled", p->pid);
            close(pidfd);
            return -1;
        }
        close(pidfd);
    } else {
        r = kill(p->pid, sig);
    }
    if (r != 0) {
        snprintf(err, errlen, "kill(%d, %s): %s", p->pid, strsignal(sig), strerror(errno));
        return -1;
    }
    return 0;
}

int qt_act_signal(const qt_ctx *ctx, int pid, double start, int sig, char *err, size_t errlen)
{
    const qt_act_proc p = {.pid = pid, .start = start};
    return qt_act_signal_proc(ctx, &p, sig, err, errlen);
}

static const char *type_name(mode_t m)
{
    switch (m & S_IFMT) {
    case S_IFREG: return "regular file";
    case S_IFDIR: return "directory";
    case S_IFLNK: return "symlink";
    case S_IFCHR: return "character device";
    case S_IFBLK: return "block device";
    case S_IFSOCK: return "socket";
    default: return "unknown type";
    }
}

/* What supervise makes: a FIFO, one link, owned by root (mkfifo as root). A
 * FIFO of qtriage's own uid is allowed too: writing to it gains nothing. */
static int control_ok(const struct stat *st, char *err, size_t errlen)
{
    if (S_ISLNK(st->st_mode)) {
        snprintf(err, errlen, "supervise/control is a symlink: refused");
        return -1;
    }
    if (!S_ISFIFO(st->st_mode)) {
        snprintf(err, errlen, "supervise/control is not a FIFO (%s): refused", type_name(st->st_mode));
        return -1;
    }
    if (st->st_uid != 0 && st->st_uid != geteuid()) {
        snprintf(err, errlen, "supervise/control is owned by uid %u, not root: refused", (unsigned)st->st_uid);
        return -1;
    }
    if (st->st_nlink != 1) {
        /* a hard link to another service's FIFO is not this service's */
        snprintf(err, errlen, "supervise/control has %lu links: refused", (unsigned long)st->st_nlink);
        return -1;
    }
    return 0;
}

/* Debian's runit: /etc/sv/NAME/supervise -> /run/runit/supervise.NAME
 * (runit's postinst makes the link). Followed only when no user but root
 * can have planted or redirected it: the link and the service directory
 * (dirfd) are root's and the directory is not group/other-writable, and
 * the target passes the trust walk (trust.h: every component root's, not
 * writable by others; the descriptor opened is the one checked). */
static int open_supervise_link(int dirfd, const struct stat *lst, char *err, size_t errlen)
{
    struct stat dst;
    char target[4096], why[512];
    ssize_t k;
    int pfd, fd;

    if (lst->st_uid != 0) {
        snprintf(err, errlen, "supervise is a symlink owned by uid %u, not root: refused", (unsigned)lst->st_uid);
        return -1;
    }
    if (fstat(dirfd, &dst) != 0) {
        snprintf(err, errlen, "the service directory: %s", strerror(errno));
        return -1;
    }
    if (dst.st_uid != 0 || (dst.st_mode & (S_IWGRP | S_IWOTH))) {
        if (dst.st_uid != 0)
            snprintf(err, errlen, "supervise is a symlink in a service directory owned by uid %u, not root: refused",
                     (unsigned)dst.st_uid);
        else
            snprintf(err, errlen, "supervise is a symlink in a service directory writable by %s: refused",
                     dst.st_mode & S_IWOTH ? "others" : "its group");
        return -1;
    }
    k = readlinkat(dirfd, "supervise", target, sizeof target - 1);
    if (k <= 0) {
        snprintf(err, errlen, "supervise is an unreadable symlink: refused");
        return -1;
    }
    target[k] = '\0';
    while (k > 1 && target[k - 1] == '/')
        target[--k] = '\0';
    if (target[0] != '/') {
        /* runit's layouts link to an absolute /run path */
        snprintf(err, errlen, "supervise is a relative symlink: refused");
        return -1;
    }
    if ((pfd = qt_trust_open_dir(target, QT_TRUST_NO_UID, why, sizeof why)) < 0) {
        snprintf(err, errlen, "supervise is a symlink to %s: %s: refused", target, why);
        return -1;
    }
    fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        snprintf(err, errlen, "supervise is a symlink to %s: %s: refused", target, strerror(errno));
    close(pfd);
    return fd;
}

/* supervise/ below dirfd: a directory, or a link only as above. */
static int open_supervise(int dirfd, char *err, size_t errlen)
{
    struct stat st;
    int fd;

    if (fstatat(dirfd, "supervise", &st, AT_SYMLINK_NOFOLLOW) != 0) {
        snprintf(err, errlen, "no supervise directory: %s", strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode))
        return open_supervise_link(dirfd, &st, err, errlen);
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "supervise is not a directory: refused");
        return -1;
    }
    fd = openat(dirfd, "supervise", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        snprintf(err, errlen, "supervise: %s: refused",
                 errno == ELOOP || errno == ENOTDIR ? "replaced while opening" : strerror(errno));
    return fd;
}

/* Who may command root's FIFO: a supervisor running as root, or as the
 * FIFO's owner (qtriage's own uid, control_ok). Any user can start a
 * process named supervise in root's service directory (its cwd is all R
 * looks at), so the name and the directory prove nothing. */
struct sup_id {
    int pid;        /* 0: the caller vouched for the directory (qt_act_svc_control_at) */
    unsigned uid;   /* real uid, (unsigned)-1 unknown */
};

static int supervisor_ok(const struct sup_id *sup, const struct stat *st, char *err, size_t errlen)
{
    if (!sup->pid || sup->uid == 0 || sup->uid == st->st_uid)
        return 0;
    if (sup->uid == (unsigned)-1)
        snprintf(err, errlen, "supervisor pid %d: its uid is not readable: refused", sup->pid);
    else
        snprintf(err, errlen, "supervisor pid %d runs as uid %u: not root's supervise: refused", sup->pid, sup->uid);
    return -1;
}

/* Open the FIFO for writing only after its checks passed: O_PATH gives the
 * inode without opening it (a symlink stays a symlink under O_NOFOLLOW),
 * and the reopen through /proc/self/fd opens that inode, not a name. */
static int open_control(int supfd, const struct sup_id *sup, char *err, size_t errlen)
{
    struct stat st, wst;
    char self[64];
    int pfd, wfd;

    pfd = openat(supfd, "control", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0) {
        snprintf(err, errlen, "supervise/control: %s", strerror(errno));
        return -1;
    }
    if (fstat(pfd, &st) != 0 || control_ok(&st, err, errlen) != 0 || supervisor_ok(sup, &st, err, errlen) != 0) {
        if (!*err)
            snprintf(err, errlen, "supervise/control: %s", strerror(errno));
        close(pfd);
        return -1;
    }
    snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
    wfd = open(self, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (wfd < 0) {
        if (errno == ENXIO)
            snprintf(err, errlen, "no supervisor listening on supervise/control (ENXIO)");
        else
            snprintf(err, errlen, "supervise/control: %s", strerror(errno));
        close(pfd);
        return -1;
    }
    close(pfd);
    if (fstat(wfd, &wst) != 0 || wst.st_dev != st.st_dev || wst.st_ino != st.st_ino) {
        snprintf(err, errlen, "supervise/control changed while opening: refused");
        close(wfd);
        return -1;
    }
    return wfd;
}

static int control_at(int dirfd, const struct sup_id *sup, char cmd, char *err, size_t errlen)
{
    int supfd, fd;
    ssize_t w;

    err[0] = '\0';
    if ((supfd = open_supervise(dirfd, err, errlen)) < 0)
        return -1;
    fd = open_control(supfd, sup, err, errlen);
    close(supfd);
    if (fd < 0)
        return -1;
    do
        w = write(fd, &cmd, 1);
    while (w < 0 && errno == EINTR);
    if (w != 1) {
        snprintf(err, errlen, "write to supervise/control: %s",
                 w < 0 && errno == EAGAIN ? "FIFO full (the supervisor is not reading)" : strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int qt_act_svc_control_at(int dirfd, char cmd, char *err, size_t errlen)
{
    const struct sup_id none = {0, 0};
    return control_at(dirfd, &none, cmd, err, errlen);
}

int qt_act_svc_control(const qt_ctx *ctx, int svc_pid, double svc_start, char cmd, char *err, size_t errlen)
{
    const qt_act_proc p = {.pid = svc_pid, .start = svc_start};
    return qt_act_svc_control_proc(ctx, &p, cmd, err, errlen);
}

int qt_act_svc_control_proc(const qt_ctx *ctx, const qt_act_proc *svc, char cmd, char *err, size_t errlen)
{
    int svc_pid = svc->pid;
    struct sup_id sup = {svc_pid, (unsigned)-1};
    unsigned long long ticks = 0, again = 0;
    unsigned uid_again = (unsigned)-1;
    char rel[32], path[4096];
    int pfd, dirfd, r;

    /* start time and uid read through one pinned <proc>/PID */
    if ((pfd = open_same(ctx, svc, &ticks, &sup.uid, err, errlen)) < 0) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, ": supervisor not controlled");
        return -1;
    }
    /* the supervisor's cwd as the kernel holds it, through the same
     * descriptor: no path name is resolved, and a reused pid fails */
    snprintf(rel, sizeof rel, "%d/cwd", svc_pid);
    if ((dirfd = openat(pfd, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        int e = errno;
        if (!qt_ctx_proc(ctx, rel, path, sizeof path))
            snprintf(path, sizeof path, "%s", rel);
        snprintf(err, errlen, "cannot open the supervisor's directory (%s): %s", path, strerror(e));
        close(pfd);
        return -1;
    }
    /* still that process (the cwd was its own when opened), still that uid */
    if (qt_proc_ident_at(pfd, svc_pid, &again, &uid_again) != 0 || again != ticks || uid_again != sup.uid) {
        snprintf(err, errlen, "pid %d changed while opening its directory: supervisor not controlled", svc_pid);
        close(dirfd);
        close(pfd);
        return -1;
    }
    close(pfd);
    r = control_at(dirfd, &sup, cmd, err, errlen);
    close(dirfd);
    return r;
}

/* rootfs.c - see rootfs.h */
#include "diag/core/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#define MAX_DEPTH 256   /* directories deep in one walk */

static int force_walk;
static int noatime_refused;   /* O_NOATIME got EPERM once (qt_rootfs_open_entry) */
static void (*race_hook)(const char *where);

void qt_rootfs_force_walk(int on) { force_walk = on; }
void qt_rootfs_set_race_hook(void (*fn)(const char *where)) { race_hook = fn; }
void qt_rootfs_race(const char *where)
{
    if (race_hook)
        race_hook(where);
}

static int fail(char *why, size_t n, int e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *why, size_t n, int e, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    errno = e;
    return -1;
}

static int fail_errno(char *why, size_t n, int e)
{
    if (e == ELOOP)
        return fail(why, n, e, "too many symlinks (a loop?)");
    return fail(why, n, e, "%s", strerror(e));
}

/* Is what sb describes acceptable for flags? 0, or -1 with why. */
static int check_kind(const struct stat *sb, int flags, char *why, size_t n)
{
    if (flags & O_PATH)
        return 0;
    if (flags & O_DIRECTORY)
        return S_ISDIR(sb->st_mode) ? 0 : fail(why, n, ENOTDIR, "%s, not a directory", qt_file_kind((unsigned)sb->st_mode));
    return S_ISREG(sb->st_mode) ? 0 : fail(why, n, EINVAL, "%s, not a regular file", qt_file_kind((unsigned)sb->st_mode));
}

/* fd (or -1 with errno) was just opened by name after a first look (pre)
 * at that name: it must be the same inode, of a kind flags accept, else
 * the name was swapped in between. fd (and *st), or -1 with why. */
static int same_as_first_look(int fd, const struct stat *pre, int flags, struct stat *st, char *why, size_t n)
{
    struct stat sb;

    if (fd < 0)
        return fail_errno(why, n, errno);
    if (fstat(fd, &sb) != 0 || sb.st_dev != pre->st_dev || sb.st_ino != pre->st_ino || check_kind(&sb, flags, why, n) != 0) {
        close(fd);
        return fail(why, n, EAGAIN, "changed while being opened");
    }
    if (st)
        *st = sb;
    return fd;
}

static int open_flags(int flags)
{
    if (flags & O_PATH)
        return O_PATH | O_CLOEXEC;
    return O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (flags & O_DIRECTORY);
}

/* The O_PATH fd pfd was checked (pre: its fstat): open that inode for
 * flags through /proc/self/fd/N (open(2), O_PATH), never by name again, so
 * nothing swapped in after the check is opened. Closes pfd. */
static int reopen_checked(int pfd, const struct stat *pre, int flags, struct stat *st, char *why, size_t n)
{
    char self[64];
    int fd, e;

    if (flags & O_PATH) {
        if (st)
            *st = *pre;
        return pfd;
    }
    qt_rootfs_race("reopen");
    snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
    fd = open(self, open_flags(flags));
    e = errno;
    close(pfd);
    if (fd < 0 && e == ENOENT)
        return fail(why, n, e, "cannot reopen through /proc/self/fd (is /proc mounted?)");
    errno = e;
    return same_as_first_look(fd, pre, flags, st, why, n);
}

int qt_rootfs_reopen(int pfd, int flags, struct stat *st, char *why, size_t n)
{
    struct stat pre;

    if (why && n)
        why[0] = '\0';
    if (fstat(pfd, &pre) != 0) {
        int e = errno;
        close(pfd);
        return fail_errno(why, n, e);
    }
    if (check_kind(&pre, flags, why, n) != 0) {
        int e = errno;
        close(pfd);
        errno = e;
        return -1;
    }
    return reopen_checked(pfd, &pre, flags, st, why, n);
}

int qt_rootfs_open_entry(int dfd, const char *name, struct stat *st, char *why, size_t n)
{
    struct stat sb;
    int fd;

    if (why && n)
        why[0] = '\0';
    if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return fail(why, n, EINVAL, "not a name inside the directory");
    /* O_NOATIME: reading leaves the inode as it was (no atime update, no
     * journal write for a file read the first time); open(2) refuses it
     * with EPERM to a caller that neither owns the file nor has
     * CAP_FOWNER: then without it, and not tried again by this process */
    fd = -1;
    if (!__atomic_load_n(&noatime_refused, __ATOMIC_RELAXED)) {
        fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME);
        if (fd < 0 && errno == EPERM)
            __atomic_store_n(&noatime_refused, 1, __ATOMIC_RELAXED);
    }
    if (fd < 0 && (errno == EPERM || __atomic_load_n(&noatime_refused, __ATOMIC_RELAXED)))
        fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno == ELOOP ? fail(why, n, ELOOP, "a symlink") : fail_errno(why, n, errno);
    qt_rootfs_race("entry");
    if (fstat(fd, &sb) != 0 || check_kind(&sb, 0, why, n) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (st)
        *st = sb;
    return fd;
}

/* Links inside procfs (/proc/self/root, /proc/PID/fd/N) are "magic": they
 * jump to objects outside any root. openat2 refuses them with
 * RESOLVE_NO_MAGICLINKS; the walk and qt_rooted_realpath refuse every
 * symlink whose directory is on procfs. */
static int on_procfs(int dfd)
{
    struct statfs fs;
    return fstatfs(dfd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

/* Open the object (dfd, name) found by a walk, without following a link:
 * O_PATH first (opens nothing: a device or FIFO swapped in is only looked
 * at), its kind checked on that fd, then that same inode reopened. */
static int open_final(int dfd, const char *name, int flags, struct stat *st, char *why, size_t n)
{
    int pfd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);

    if (pfd < 0)
        return fail_errno(why, n, errno);
    return qt_rootfs_reopen(pfd, flags, st, why, n);
}

/* The careful walk: returns a directory fd (caller closes) and in name the
 * last component ("." for the directory itself), with every symlink on the
 * way resolved inside rootfd. */
static int walk(int rootfd, const char *path, int nolinks, char *name, size_t namelen, char *why, size_t n)
{
    int stack[MAX_DEPTH], depth = 0, links = 0, rc = -1;
    char todo[2 * PATH_MAX], tmp[2 * PATH_MAX];
    char *p = todo;

    if (snprintf(todo, sizeof todo, "%s", path) >= (int)sizeof todo)
        return fail(why, n, ENAMETOOLONG, "path too long");
    if ((stack[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0)
        return fail_errno(why, n, errno);
    snprintf(name, namelen, ".");
    for (;;) {
        char comp[NAME_MAX + 1], target[PATH_MAX];
        size_t cl;
        const char *rest;
        int last, fd;
        struct stat sb;
        ssize_t tl;

        while (*p == '/')
            p++;
        if (!*p) {
            snprintf(name, namelen, ".");
            break;
        }
        cl = strcspn(p, "/");
        if (cl > NAME_MAX) {
            fail(why, n, ENAMETOOLONG, "name too long");
            goto out;
        }
        memcpy(comp, p, cl);
        comp[cl] = '\0';
        rest = p + cl;
        last = rest[strspn(rest, "/")] == '\0';
        if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
            if (comp[1] == '.' && depth > 0)   /* ".." never climbs above the root */
                close(stack[depth--]);
            p += cl;
            continue;
        }
        if (fstatat(stack[depth], comp, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            fail_errno(why, n, errno);
            goto out;
        }
        if (S_ISLNK(sb.st_mode)) {
            if (nolinks) {
                fail(why, n, ELOOP, "a symlink on the path");
                goto out;
            }
            if (on_procfs(stack[depth])) {
                fail(why, n, ELOOP, "a link inside /proc");
                goto out;
            }
            if (++links > QT_ROOTFS_MAX_LINKS) {
                fail_errno(why, n, ELOOP);
                goto out;
            }
            tl = readlinkat(stack[depth], comp, target, sizeof target - 1);
            if (tl < 0) {
                fail_errno(why, n, errno);
                goto out;
            }
            target[tl] = '\0';
            if (snprintf(tmp, sizeof tmp, "%s/%s", target, rest) >= (int)sizeof tmp) {
                fail(why, n, ENAMETOOLONG, "path too long");
                goto out;
            }
            memcpy(todo, tmp, strlen(tmp) + 1);
            p = todo;
            if (target[0] == '/')            /* an absolute target starts at the root */
                while (depth > 0)
                    close(stack[depth--]);
            continue;
        }
        if (last) {
            snprintf(name, namelen, "%s", comp);
            break;
        }
        if (!S_ISDIR(sb.st_mode)) {
            fail_errno(why, n, ENOTDIR);
            goto out;
        }
        if (depth + 1 >= MAX_DEPTH) {
            fail(why, n, ENAMETOOLONG, "too deep");
            goto out;
        }
        fd = openat(stack[depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            fail_errno(why, n, errno);
            goto out;
        }
        stack[++depth] = fd;
        p += cl;
    }
    rc = stack[depth];
    depth--;
out:
    while (depth >= 0)
        close(stack[depth--]);
    return rc;
}

#ifdef SYS_openat2
static int openat2_in_root(int rootfd, const char *path, int oflags, int nolinks)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)oflags;
    how.resolve = RESOLVE_IN_ROOT | (nolinks ? RESOLVE_NO_SYMLINKS : RESOLVE_NO_MAGICLINKS);
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
}

/* -2 when openat2 is not available (caller walks). The kind is checked on
 * an O_PATH fd, then that inode is reopened (never the name again). */
static int open_kernel(int rootfd, const char *path, int flags, struct stat *st, char *why, size_t n)
{
    int pfd = openat2_in_root(rootfd, path, O_PATH | O_CLOEXEC, (flags & O_NOFOLLOW) != 0);

    if (pfd < 0) {
        /* ENOSYS: kernel before 5.6; EPERM: a seccomp filter that does not
         * know openat2 (an O_PATH open has no other reason to say EPERM) */
        if (errno == ENOSYS || errno == EPERM)
            return -2;
        if (errno == ELOOP && (flags & O_NOFOLLOW))
            return fail(why, n, ELOOP, "a symlink on the path");
        return fail_errno(why, n, errno);
    }
    return qt_rootfs_reopen(pfd, flags, st, why, n);
}
#endif

int qt_rootfs_openat(int rootfd, const char *path, int flags, struct stat *st, char *why, size_t n)
{
    char name[NAME_MAX + 1];
    int dfd, fd;

    if (why && n)
        why[0] = '\0';
    if (!path || !*path)
        path = "/";
#ifdef SYS_openat2
    if (!force_walk && (fd = open_kernel(rootfd, path, flags, st, why, n)) != -2)
        return fd;
#endif
    dfd = walk(rootfd, path, (flags & O_NOFOLLOW) != 0, name, sizeof name, why, n);
    if (dfd < 0)
        return -1;
    fd = open_final(dfd, name, flags, st, why, n);
    {
        int e = errno;
        close(dfd);
        errno = e;
    }
    return fd;
}

/* abs relative to the root when it already names a path under it */
static const char *in_root(const char *root, const char *abs)
{
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/')
        rl--;
    if (rl > 1 && strncmp(abs, root, rl) == 0 && (abs[rl] == '/' || abs[rl] == '\0'))
        return abs + rl;
    return abs;
}

int qt_ctx_open(const qt_ctx *ctx, const char *abs, int flags, struct stat *st, char *why, size_t n)
{
    const char *root = ctx->root && *ctx->root ? ctx->root : "/";
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC), fd, e;

    if (rootfd < 0)
        return fail(why, n, errno, "root %s: %s", root, strerror(errno));
    fd = qt_rootfs_openat(rootfd, in_root(root, abs), flags, st, why, n);
    e = errno;
    close(rootfd);
    errno = e;
    return fd;
}

int qt_ctx_stat(const qt_ctx *ctx, const char *abs, struct stat *st)
{
    int fd = qt_ctx_open(ctx, abs, O_PATH, st, NULL, 0);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

long qt_ctx_read(const qt_ctx *ctx, const char *abs, size_t max, char **out, struct qt_fileinfo *info)
{
    char why[160];
    int fd = qt_ctx_open(ctx, abs, 0, NULL, why, sizeof why);

    return qt_read_fd_close(fd, why, max, out, info);
}

/* qt_rooted_realpath: the walk above, keeping the names. Every lookup is
 * relative to a directory fd inside the root (fstatat/readlinkat with
 * AT_SYMLINK_NOFOLLOW), so no lookup follows a link out of it. A component
 * that does not exist (or is not a directory) is kept as written, and the
 * rest is taken by name only, as before. */
struct rp_level {
    int fd;          /* directory fd, or -1 once past a missing component */
    size_t len;      /* length of the name up to this level */
};

static void rp_pop(struct rp_level *lv, int *depth, int keep)
{
    while (*depth > keep) {
        if (lv[*depth].fd >= 0)
            close(lv[*depth].fd);
        (*depth)--;
    }
}

char *qt_rooted_realpath(const qt_ctx *ctx, const char *abs, char *out, size_t n)
{
    const char *root = ctx->root && *ctx->root ? ctx->root : "/";
    struct rp_level lv[MAX_DEPTH];
    char todo[4096], tmp[4096], done[4096] = "";
    char *p = todo, *res = NULL;
    int depth = 0, links = 0;

    if (snprintf(todo, sizeof todo, "%s", in_root(root, abs)) >= (int)sizeof todo)
        return NULL;
    if ((lv[0].fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return NULL;
    lv[0].len = 0;
    for (;;) {
        char comp[256], target[4096];
        size_t cl, dl = strlen(done);
        struct stat sb;
        ssize_t tl;
        int fd = -1, here = lv[depth].fd;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        cl = strcspn(p, "/");
        if (cl >= sizeof comp)
            goto out;
        memcpy(comp, p, cl);
        comp[cl] = '\0';
        p += cl;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            if (depth > 0) {
                rp_pop(lv, &depth, depth - 1);
                done[lv[depth].len] = '\0';
            }
            continue;
        }
        if (here >= 0 && fstatat(here, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode) && !on_procfs(here)) {
            if (++links > QT_ROOTFS_MAX_LINKS || (tl = readlinkat(here, comp, target, sizeof target - 1)) < 0)
                goto out;
            target[tl] = '\0';
            if (snprintf(tmp, sizeof tmp, "%s/%s", target, p) >= (int)sizeof tmp)
                goto out;
            memcpy(todo, tmp, strlen(tmp) + 1);
            p = todo;
            if (target[0] == '/') {           /* absolute: from the root */
                rp_pop(lv, &depth, 0);
                done[0] = '\0';
            }
            continue;
        }
        if (depth + 1 >= MAX_DEPTH || dl + 1 + cl >= sizeof done)
            goto out;
        if (here >= 0)
            fd = openat(here, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        done[dl] = '/';
        memcpy(done + dl + 1, comp, cl + 1);
        depth++;
        lv[depth].fd = fd;
        lv[depth].len = dl + 1 + cl;
    }
    if (snprintf(out, n, "%s", done[0] ? done : "/") < (int)n)
        res = out;
out:
    rp_pop(lv, &depth, -1);
    return res;
}

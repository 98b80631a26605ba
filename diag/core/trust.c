/* trust.c - see trust.h. A component walk (path_resolution(7)) with
 * O_PATH|O_NOFOLLOW so every directory, link and the file itself are judged
 * by the inode actually used, not by a second lookup of the name. */
#include "diag/core/trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40   /* as the kernel (MAXSYMLINKS) */

static int refuse(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (why && n) {
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* One inode: owner and write bits. shown is the path walked so far. */
static int judge(const struct stat *st, const char *shown, unsigned vpop_uid, int last, int want_dir, char *why, size_t n)
{
    const char *name = *shown ? shown : "/";
    if (st->st_uid != 0 && (vpop_uid == QT_TRUST_NO_UID || st->st_uid != vpop_uid))
        return refuse(why, n, "%s is owned by uid %u (only root%s may own what root runs)", name,
                      (unsigned)st->st_uid, vpop_uid == QT_TRUST_NO_UID ? "" : " or vpopmail");
    if (S_ISLNK(st->st_mode))
        return 0;
    if (last && !want_dir && !S_ISREG(st->st_mode))
        return refuse(why, n, "%s is not a regular file", name);
    if ((!last || want_dir) && !S_ISDIR(st->st_mode))
        return refuse(why, n, "%s is not a directory", name);
    if (!(st->st_mode & (S_IWGRP | S_IWOTH)))
        return 0;
    /* others may add entries to /tmp but not replace root's */
    if (!last && (st->st_mode & S_ISVTX) && st->st_uid == 0)
        return 0;
    return refuse(why, n, "%s is writable by %s", name, st->st_mode & S_IWOTH ? "others" : "its group");
}

/* Append component c (len l) to shown, or drop the last one for "..". */
static void shown_step(char *shown, size_t cap, const char *c, size_t l)
{
    size_t sl = strlen(shown);
    if (l == 2 && c[0] == '.' && c[1] == '.') {
        char *s = strrchr(shown, '/');
        if (s)
            *s = '\0';
        return;
    }
    if (sl + 1 + l < cap)
        snprintf(shown + sl, cap - sl, "/%.*s", (int)l, c);
}

/* want_dir: the final component must be a directory instead of a file */
static int trust_walk(const char *path, unsigned vpop_uid, int want_dir, char *why, size_t n)
{
    char rest[8192], shown[4096] = "", link[4096];
    size_t off = 0;
    int links = 0, dir;
    struct stat st;

    if (!path || path[0] != '/')
        return refuse(why, n, "%s is not an absolute path", path ? path : "(none)");
    if (strlen(path) >= sizeof rest)
        return refuse(why, n, "path too long");
    snprintf(rest, sizeof rest, "%s", path);
    if ((dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return refuse(why, n, "/: %s", strerror(errno));
    if (fstat(dir, &st) != 0 || judge(&st, "", vpop_uid, 0, want_dir, why, n) != 0)
        goto fail;
    for (;;) {
        const char *c;
        size_t l;
        int fd, last;

        while (rest[off] == '/')
            off++;
        c = rest + off;
        l = strcspn(c, "/");
        if (l == 0)   /* "/" alone or a trailing slash: no file named */
            return close(dir), refuse(why, n, want_dir ? "%s ends with a slash" : "%s names a directory, not a program", path);
        off += l;
        while (rest[off] == '/')
            off++;
        last = rest[off] == '\0';
        if (l == 1 && c[0] == '.')
            continue;
        {
            char comp[256];
            if (l >= sizeof comp) {
                refuse(why, n, "a component of %s is too long", path);
                goto fail;
            }
            memcpy(comp, c, l);
            comp[l] = '\0';
            fd = openat(dir, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                shown_step(shown, sizeof shown, c, l);
                refuse(why, n, "%s: %s", shown, strerror(errno));
                goto fail;
            }
            shown_step(shown, sizeof shown, comp, l);
        }
        if (fstat(fd, &st) != 0 || judge(&st, shown, vpop_uid, last, want_dir, why, n) != 0) {
            close(fd);
            goto fail;
        }
        if (S_ISLNK(st.st_mode)) {
            ssize_t k = readlinkat(fd, "", link, sizeof link - 1);
            close(fd);
            if (k <= 0 || ++links > MAX_LINKS) {
                refuse(why, n, "%s: %s", shown, k <= 0 ? "unreadable symbolic link" : "too many symbolic links");
                goto fail;
            }
            link[k] = '\0';
            /* the link's target takes its place in what is left to walk */
            if (strlen(link) + 1 + strlen(rest + off) + 1 > sizeof rest) {
                refuse(why, n, "%s: path too long after the link", shown);
                goto fail;
            }
            {
                /* rest = link "/" tail (lengths checked above) */
                size_t ll = strlen(link), tl = strlen(rest + off);
                memmove(rest + ll + (tl ? 1 : 0), rest + off, tl + 1);
                memcpy(rest, link, ll);
                if (tl)
                    rest[ll] = '/';
            }
            off = 0;
            {
                char *s = strrchr(shown, '/');
                if (s)
                    *s = '\0';
            }
            if (link[0] == '/') {
                close(dir);
                shown[0] = '\0';
                if ((dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                    return refuse(why, n, "/: %s", strerror(errno));
            }
            continue;
        }
        close(dir);
        dir = fd;
        if (last)
            return dir;
    }
fail:
    close(dir);
    return -1;
}

int qt_trust_open(const char *path, unsigned vpop_uid, char *why, size_t n)
{
    return trust_walk(path, vpop_uid, 0, why, n);
}

int qt_trust_open_dir(const char *path, unsigned vpop_uid, char *why, size_t n)
{
    return trust_walk(path, vpop_uid, 1, why, n);
}

int qt_trust_check(const char *path, unsigned vpop_uid, char *why, size_t n)
{
    int fd = qt_trust_open(path, vpop_uid, why, n);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

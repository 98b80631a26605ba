/* uaccess.c - see uaccess.h. */
#include "diag/core/uaccess.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The permission class uid:gid falls in for st (owner, group, other). */
static int allowed(const struct stat *st, unsigned uid, unsigned gid, mode_t u, mode_t g, mode_t o)
{
    if (st->st_uid == uid)
        return (st->st_mode & u) != 0;
    if (st->st_gid == gid)
        return (st->st_mode & g) != 0;
    return (st->st_mode & o) != 0;
}

int qt_access_read_as(const qt_ctx *ctx, const char *abs, unsigned uid, unsigned gid, char *why, size_t n)
{
    char part[4096];
    size_t len = strlen(abs);
    struct stat st;

    if (abs[0] != '/' || len >= sizeof part) {
        snprintf(why, n, "%.200s: not an absolute path", abs);
        return -1;
    }
    if (uid == 0)
        return 1;
    /* every directory on the way, "/" first, then the file */
    for (size_t i = 1; i <= len; i++) {
        int last = i == len;
        if (!last && abs[i] != '/')
            continue;
        snprintf(part, sizeof part, "%.*s", i == 1 && !last ? 1 : (int)i, abs);
        if (qt_ctx_stat(ctx, part, &st) != 0) {
            snprintf(why, n, "%.300s: %s", part, strerror(errno));
            return -1;
        }
        if (!last && !S_ISDIR(st.st_mode)) {
            snprintf(why, n, "%.300s is not a directory", part);
            return -1;
        }
        if (last ? !allowed(&st, uid, gid, S_IRUSR, S_IRGRP, S_IROTH)
                 : !allowed(&st, uid, gid, S_IXUSR, S_IXGRP, S_IXOTH)) {
            snprintf(why, n, "%.300s is mode %04o owned by uid %u gid %u: uid %u gid %u cannot %s it", part,
                     (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid, uid, gid,
                     last ? "read" : "search");
            return 0;
        }
    }
    return 1;
}

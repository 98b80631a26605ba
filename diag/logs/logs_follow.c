/* logs_follow.c - follow a log file like tail -F (contract in logs_follow.h). */
#include "diag/logs/logs_follow.h"
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int reopen(qt_log_follow *f, const qt_ctx *ctx, char *why, size_t n)
{
    struct stat st;
    int fd = qt_ctx_open(ctx, f->path, 0, &st, why, n);

    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    f->fd = fd;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->off = 0;
    f->held = 0;
    f->skipping = 0;
    return 1;
}

int qt_log_follow_open(qt_log_follow *f, const qt_ctx *ctx, const char *abs, int from_end, char *why, size_t n)
{
    memset(f, 0, offsetof(qt_log_follow, buf));
    f->fd = -1;
    snprintf(f->path, sizeof f->path, "%s", abs);
    if (reopen(f, ctx, why, n) < 0)
        return -1;
    if (f->fd >= 0 && from_end) {
        off_t end = lseek(f->fd, 0, SEEK_END);
        f->off = end > 0 ? end : 0;
    }
    return 0;
}

void qt_log_follow_close(qt_log_follow *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

/* Split buf[0, len) into lines for fn; keep an unfinished tail in f->buf. */
static void emit(qt_log_follow *f, const char *p, size_t len, qt_log_line_fn fn, void *arg)
{
    while (len) {
        const char *nl = memchr(p, '\n', len);
        size_t k = nl ? (size_t)(nl - p) : len;
        if (f->skipping) {
            if (nl)
                f->skipping = 0;
        } else if (f->held + k >= QT_LOG_LINE_MAX) {
            /* too long: its first QT_LOG_LINE_MAX bytes, flagged, the rest skipped */
            size_t room = QT_LOG_LINE_MAX - f->held;
            memcpy(f->buf + f->held, p, room);
            fn(f->buf, QT_LOG_LINE_MAX, 1, arg);
            f->held = 0;
            f->skipping = !nl;
        } else if (nl) {
            if (f->held) {
                memcpy(f->buf + f->held, p, k);
                fn(f->buf, f->held + k, 0, arg);
                f->held = 0;
            } else {
                fn(p, k, 0, arg);
            }
        } else {
            memcpy(f->buf + f->held, p, k);
            f->held += k;
        }
        if (!nl)
            break;
        p += k + 1;
        len -= k + 1;
    }
}

/* Read fd from f->off to its end (or the budget). Bytes read, or -1. */
static long drain(qt_log_follow *f, size_t budget, qt_log_line_fn fn, void *arg, char *why, size_t n)
{
    char chunk[64 * 1024];
    long total = 0;

    while ((size_t)total < budget) {
        size_t want = budget - (size_t)total < sizeof chunk ? budget - (size_t)total : sizeof chunk;
        ssize_t r = pread(f->fd, chunk, want, f->off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(why, n, "%s: %s", f->path, strerror(errno));
            return -1;
        }
        if (r == 0)
            break;
        f->off += r;
        total += r;
        emit(f, chunk, (size_t)r, fn, arg);
    }
    return total;
}

long qt_log_follow_poll(qt_log_follow *f, const qt_ctx *ctx, size_t max_bytes, qt_log_line_fn fn, void *arg,
                        char *why, size_t n)
{
    long total = 0, r;
    struct stat cur, now;

    if (f->fd < 0) {
        int o = reopen(f, ctx, why, n);
        if (o <= 0)
            return o;
    }
    for (int round = 0; round < 2; round++) {
        /* a file that got shorter than what was read: copytruncate */
        if (fstat(f->fd, &cur) == 0 && cur.st_size < f->off) {
            f->off = 0;
            f->held = 0;
            f->skipping = 0;
            f->truncations++;
        }
        r = drain(f, max_bytes - (size_t)total, fn, arg, why, n);
        if (r < 0)
            return -1;
        total += r;
        if ((size_t)total >= max_bytes)
            return total;
        /* the old file is read to its end: has the name moved on? */
        if (qt_ctx_stat(ctx, f->path, &now) != 0 || (now.st_dev == f->dev && now.st_ino == f->ino))
            return total;
        /* rotated: a line the old file left unfinished is finished now */
        if (f->held && !f->skipping)
            fn(f->buf, f->held, 0, arg);
        qt_log_follow_close(f);
        f->rotations++;
        if (reopen(f, ctx, why, n) <= 0)
            return total;
    }
    return total;
}

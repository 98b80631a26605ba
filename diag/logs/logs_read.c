/* logs_read.c - lines of a plain or gzip log file (contract in logs_read.h). */
#include "diag/logs/logs_read.h"
#include "diag/core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define BUF_SIZE (256 * 1024)

struct qt_log_reader {
    gzFile gz;
    char *buf;
    size_t start, len;   /* unread bytes: buf[start, start + len) */
    int eof, skipping;   /* skipping: inside the rest of a cut line */
    int failed;          /* the read failed: errmsg says why (returned after the last line) */
    char errmsg[160];
};

qt_log_reader *qt_log_reader_new(int fd)
{
    qt_log_reader *rd;
    gzFile gz = gzdopen(fd, "rb");

    if (!gz) {
        int e = errno ? errno : ENOMEM;
        close(fd);
        errno = e;
        return NULL;
    }
    gzbuffer(gz, 128 * 1024);
    rd = qt_calloc(1, sizeof *rd);
    rd->gz = gz;
    rd->buf = qt_malloc(BUF_SIZE);
    return rd;
}

void qt_log_reader_free(qt_log_reader *rd)
{
    if (!rd)
        return;
    gzclose_r(rd->gz);
    free(rd->buf);
    free(rd);
}

/* Move the unread bytes to the front and read more after them. 1 read
 * something, 0 end of file, -1 error. */
static int fill(qt_log_reader *rd)
{
    int r, zerr;

    if (rd->eof)
        return 0;
    if (rd->start) {
        memmove(rd->buf, rd->buf + rd->start, rd->len);
        rd->start = 0;
    }
    r = gzread(rd->gz, rd->buf + rd->len, (unsigned)(BUF_SIZE - rd->len));
    if (r < 0) {
        const char *m = gzerror(rd->gz, &zerr);
        snprintf(rd->errmsg, sizeof rd->errmsg, "%s", zerr == Z_ERRNO ? strerror(errno) : m);
        rd->eof = rd->failed = 1;
        return -1;
    }
    if (r == 0) {
        /* a cut .gz (a rotation still being written) reads as an error only
         * here: say so, the lines before it were returned */
        const char *m = gzerror(rd->gz, &zerr);
        rd->eof = 1;
        rd->failed = zerr != Z_OK;
        if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
            snprintf(rd->errmsg, sizeof rd->errmsg, "%s", m);
            return -1;
        }
        if (zerr == Z_BUF_ERROR) {
            snprintf(rd->errmsg, sizeof rd->errmsg, "compressed file ends early (cut or still being written)");
            return -1;
        }
        return 0;
    }
    rd->len += (size_t)r;
    return 1;
}

int qt_log_reader_next(qt_log_reader *rd, const char **line, size_t *n, int *cut, char *why, size_t whyn)
{
    for (;;) {
        char *p = rd->buf + rd->start;
        char *nl = rd->len ? memchr(p, '\n', rd->len) : NULL;
        if (rd->skipping) {
            if (nl) {
                size_t k = (size_t)(nl - p) + 1;
                rd->start += k, rd->len -= k;
                rd->skipping = 0;
                continue;
            }
            rd->start = rd->len = 0;
        } else if (nl && (size_t)(nl - p) <= QT_LOG_LINE_MAX) {
            *line = p;
            *n = (size_t)(nl - p);
            *cut = 0;
            rd->start += *n + 1, rd->len -= *n + 1;
            return 1;
        } else if (rd->len > QT_LOG_LINE_MAX) {
            /* too long: its first QT_LOG_LINE_MAX bytes, the rest skipped */
            *line = p;
            *n = QT_LOG_LINE_MAX;
            *cut = 1;
            if (nl) {
                size_t k = (size_t)(nl - p) + 1;
                rd->start += k, rd->len -= k;
            } else {
                rd->start += rd->len, rd->len = 0;
                rd->skipping = 1;
            }
            return 1;
        }
        int f = fill(rd);
        if (f > 0)
            continue;
        if (rd->len && !rd->skipping) {
            /* the last line, without its '\n' (an error after it is reported next call) */
            *line = rd->buf + rd->start;
            *n = rd->len;
            *cut = 0;
            rd->start = rd->len = 0;
            return 1;
        }
        if (rd->failed) {
            snprintf(why, whyn, "%s", rd->errmsg);
            return -1;
        }
        return 0;
    }
}

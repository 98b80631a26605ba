/* logs_follow.h - follow one log file like `tail -F` (issue 16).
 *
 * Each poll reads only the bytes written since the last one and hands back
 * complete lines; a last line without its newline is held back until it is
 * finished. Rotation: when the name points to a new inode (multilog renames
 * current to @TAI64N.s and starts a new current; logrotate renames or
 * recreates the file), the old file, still open, is read to its end first,
 * then the new one from its start, so no line is lost or read twice. A file
 * that got shorter (copytruncate) is read again from its start. The file is
 * opened through the project's rooted open (qt_ctx_open, docs/security.md):
 * regular files only, no link out of --root.
 *
 * Memory is fixed (a 64 KiB line buffer; a longer line is handed back cut,
 * flagged, its rest skipped); each poll reads at most max_bytes, so a burst
 * costs several samples, never one long stall.
 */
#ifndef QT_LOGS_FOLLOW_H
#define QT_LOGS_FOLLOW_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag/core/ctx.h"
#include "diag/logs/logs_read.h"

typedef struct qt_log_follow {
    char path[800];          /* absolute, as on the system (under ctx->root) */
    int fd;                  /* -1: not open (the file does not exist yet, or vanished) */
    dev_t dev;
    ino_t ino;
    off_t off;               /* bytes of fd consumed (complete lines and the held part) */
    size_t held;             /* bytes of an unfinished last line in buf */
    int skipping;            /* inside the rest of a line longer than QT_LOG_LINE_MAX */
    unsigned long rotations, truncations;
    char buf[QT_LOG_LINE_MAX];
} qt_log_follow;

/* One complete line (no newline), cut = 1 when it was longer than
 * QT_LOG_LINE_MAX. */
typedef void (*qt_log_line_fn)(const char *line, size_t n, int cut, void *arg);

/* Start following abs. from_end: 1 starts at the current end (only new
 * lines), 0 at the start. A file that does not exist yet is not an error
 * (it is opened when it appears). Returns 0, or -1 with why (a FIFO, a
 * link out of the root...). f is caller-owned; call qt_log_follow_close. */
int qt_log_follow_open(qt_log_follow *f, const qt_ctx *ctx, const char *abs, int from_end, char *why, size_t n);

/* Hand every new complete line to fn, reading at most max_bytes. Returns
 * the bytes read (0: nothing new), or -1 with why when the file cannot be
 * read (a vanished file is not an error: it is waited for). */
long qt_log_follow_poll(qt_log_follow *f, const qt_ctx *ctx, size_t max_bytes, qt_log_line_fn fn, void *arg,
                        char *why, size_t n);

void qt_log_follow_close(qt_log_follow *f);

#endif

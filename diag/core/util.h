/* util.h - allocation, string buffers and small helpers shared by every layer.
 *
 * Allocation never returns NULL: on failure qt_fatal() runs the fatal hook
 * (the TUI installs one that restores the terminal) and aborts.
 */
#ifndef QT_UTIL_H
#define QT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define QT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *qt_malloc(size_t n);
void *qt_calloc(size_t nmemb, size_t size);
void *qt_realloc(void *p, size_t n);
/* Grow *p (of *cap elements of size sz) so it can hold at least need elements. */
void qt_grow(void *pp, size_t *cap, size_t need, size_t sz);
char *qt_strdup(const char *s);               /* NULL in, NULL out */
char *qt_strndup(const char *s, size_t n);
char *qt_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *qt_vasprintf(const char *fmt, va_list ap);

/* Print "qtriage: fatal: MSG" after running the fatal hook, then abort(). */
void qt_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Hook run once before a fatal exit (e.g. endwin). NULL clears it. */
void qt_set_fatal_hook(void (*hook)(void));

/* Growable NUL-terminated string. Zero-initialise ({0}) before use. */
typedef struct qt_buf {
    char *s;      /* always NUL-terminated once anything was appended; may be NULL when empty */
    size_t len;
    size_t cap;
} qt_buf;

void qt_buf_add(qt_buf *b, const char *s, size_t n);
void qt_buf_puts(qt_buf *b, const char *s);
void qt_buf_putc(qt_buf *b, char c);
void qt_buf_printf(qt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_buf_vprintf(qt_buf *b, const char *fmt, va_list ap);
const char *qt_buf_str(const qt_buf *b);      /* "" when empty, never NULL */
char *qt_buf_steal(qt_buf *b);                /* caller frees; buffer is reset; never NULL */
void qt_buf_reset(qt_buf *b);                 /* keep memory, len = 0 */
void qt_buf_free(qt_buf *b);

/* Append s to b with every byte that is not printable ASCII shown as \xNN,
 * so hostile bytes from /proc, logs or peers never reach the terminal raw.
 * Backslashes are kept as they are, so making text safe twice changes
 * nothing (a literal "\x1b" and an escaped ESC look alike: harmless). */
void qt_buf_put_safe(qt_buf *b, const char *s, size_t n);
/* Copy of s made safe as above (caller frees). */
char *qt_safe_strdup(const char *s, size_t n);

/* Append w quoted for a POSIX shell: bare when it holds only safe
 * characters, else in single quotes ('\'' for a quote). Used to show the
 * equivalent shell command of what qtriage did. */
void qt_shell_quote(qt_buf *b, const char *w);

/* What a bounded read learnt about the file (see qt_read_fd). */
struct qt_fileinfo {
    unsigned uid;        /* owner of the file read */
    int truncated;       /* 1: longer than max, only max bytes were returned */
    char why[160];       /* on failure: "a FIFO, not a regular file", strerror text... */
};

/* "a FIFO", "a device", "a directory", "a socket", "a symlink" or "not a
 * regular file" for a st_mode that is not S_ISREG; "a regular file" else. */
const char *qt_file_kind(unsigned mode);

/* Read at most max bytes of the open fd into a NUL-terminated buffer, after
 * fstat shows a regular file (procfs files are regular): a FIFO, device,
 * directory or socket is refused with errno EINVAL and info->why saying
 * which ("a FIFO, not a regular file"), so nothing blocks or reads forever.
 * fd should be opened O_NONBLOCK so that opening a FIFO does not block.
 * Returns the length (info->truncated set when more was there), or -1 with
 * errno and info->why set. info may be NULL. *out is malloc'd (caller frees);
 * fd is not closed. */
long qt_read_fd(int fd, size_t max, char **out, struct qt_fileinfo *info);

/* qt_read_fd on an fd the caller just opened, then close it (errno kept).
 * fd < 0 means the open failed, with errno set: returns -1 and info->why
 * says open_why, or strerror(errno) when open_why is NULL. */
long qt_read_fd_close(int fd, const char *open_why, size_t max, char **out, struct qt_fileinfo *info);

/* Read a whole file (at most max bytes) into a NUL-terminated buffer. The
 * file is opened O_NONBLOCK|O_NOCTTY and must be a regular file (as
 * qt_read_fd): a FIFO or /dev/zero fails with EINVAL instead of hanging.
 * Returns the length, or -1 with errno set. *out is malloc'd (caller frees).
 * Paths under --root go through qt_ctx_read (rootfs.h) instead. */
long qt_read_file(const char *path, size_t max, char **out);
/* Same, with what was learnt in info (may be NULL). */
long qt_read_file_info(const char *path, size_t max, char **out, struct qt_fileinfo *info);

/* Parse a non-negative decimal integer that must fill s entirely. 0 on success. */
int qt_parse_ulong(const char *s, unsigned long *out);

/* Clocks, in seconds. */
double qt_now_mono(void);
double qt_now_wall(void);
/* CPU time of the calling thread (user + system), seconds: for self-measurement. */
double qt_now_cpu(void);

/* FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/) of the n bytes at p,
 * continuing from h (QT_FNV1A_INIT to start): the key hash of the
 * open-addressing tables (IPs, names). Not for anything an attacker must
 * not collide: those tables stay correct, only slower, on collisions. */
#define QT_FNV1A_INIT 14695981039346656037ull
uint64_t qt_fnv1a(uint64_t h, const void *p, size_t n);

/* "3d04h", "2h05m", "4m10s", "12s"; "-" for negative. Writes at most n bytes. */
void qt_fmt_age(double seconds, char *out, size_t n);

#endif

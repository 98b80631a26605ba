/* util.c - see util.h */
#include "diag/core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void (*fatal_hook)(void);

void qt_set_fatal_hook(void (*hook)(void)) { fatal_hook = hook; }

void qt_fatal(const char *fmt, ...)
{
    void (*hook)(void) = fatal_hook;
    va_list ap;

    fatal_hook = NULL; /* a failing hook must not recurse */
    if (hook)
        hook();
    fputs("qtriage: fatal: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *qt_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        qt_fatal("out of memory (%zu bytes)", n);
    return p;
}

void *qt_calloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p)
        qt_fatal("out of memory (%zu x %zu bytes)", nmemb, size);
    return p;
}

void *qt_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        qt_fatal("out of memory (%zu bytes)", n);
    return q;
}

void qt_grow(void *pp, size_t *cap, size_t need, size_t sz)
{
    void **p = pp;
    size_t c = *cap;

    if (need <= c)
        return;
    if (c < 8)
        c = 8;
    while (c < need) {
        if (c > SIZE_MAX / 2 / sz)
            qt_fatal("allocation overflow");
        c *= 2;
    }
    *p = qt_realloc(*p, c * sz);
    *cap = c;
}

char *qt_strdup(const char *s)
{
    return s ? qt_strndup(s, strlen(s)) : NULL;
}

char *qt_strndup(const char *s, size_t n)
{
    char *d = qt_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *qt_vasprintf(const char *fmt, va_list ap)
{
    qt_buf b = {0};
    qt_buf_vprintf(&b, fmt, ap);
    return qt_buf_steal(&b);
}

char *qt_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = qt_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void qt_buf_add(qt_buf *b, const char *s, size_t n)
{
    qt_grow(&b->s, &b->cap, b->len + n + 1, 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void qt_buf_puts(qt_buf *b, const char *s) { qt_buf_add(b, s, strlen(s)); }
void qt_buf_putc(qt_buf *b, char c) { qt_buf_add(b, &c, 1); }

void qt_buf_vprintf(qt_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    qt_grow(&b->s, &b->cap, b->len + (size_t)n + 1, 1);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void qt_buf_printf(qt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qt_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *qt_buf_str(const qt_buf *b) { return b->s ? b->s : ""; }

char *qt_buf_steal(qt_buf *b)
{
    char *s = b->s ? b->s : qt_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void qt_buf_reset(qt_buf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void qt_buf_free(qt_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void qt_buf_put_safe(qt_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f) {
            qt_buf_putc(b, (char)c);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            qt_buf_add(b, e, 4);
        }
    }
    if (!b->s)
        qt_buf_add(b, "", 0);
}

char *qt_safe_strdup(const char *s, size_t n)
{
    qt_buf b = {0};
    qt_buf_put_safe(&b, s, n);
    return qt_buf_steal(&b);
}

const char *qt_file_kind(unsigned mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return "a regular file";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: case S_IFBLK: return "a device";
    case S_IFDIR: return "a directory";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symlink";
    default: return "not a regular file";
    }
}

static long read_fail(struct qt_fileinfo *info, qt_buf *b, int e)
{
    qt_buf_free(b);
    if (info && !info->why[0])
        snprintf(info->why, sizeof info->why, "%s", strerror(e));
    errno = e;
    return -1;
}

long qt_read_fd(int fd, size_t max, char **out, struct qt_fileinfo *info)
{
    qt_buf b = {0};
    char tmp[4096];
    struct stat sb;

    *out = NULL;
    if (info)
        memset(info, 0, sizeof *info);
    if (fstat(fd, &sb) != 0)
        return read_fail(info, &b, errno);
    if (info)
        info->uid = (unsigned)sb.st_uid;
    if (!S_ISREG(sb.st_mode)) {
        if (info)
            snprintf(info->why, sizeof info->why, "%s, not a regular file", qt_file_kind((unsigned)sb.st_mode));
        return read_fail(info, &b, EINVAL);
    }
    for (;;) {
        /* one byte past max tells a cut file from one of exactly max bytes */
        size_t room = b.len < max ? max - b.len : 1;
        size_t want = sizeof tmp < room ? sizeof tmp : room;
        ssize_t r = read(fd, tmp, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return read_fail(info, &b, errno);
        if (r == 0)
            break;
        if (b.len >= max) {
            if (info)
                info->truncated = 1;
            break;
        }
        qt_buf_add(&b, tmp, (size_t)r);
    }
    if (!b.s)
        qt_buf_add(&b, "", 0);
    *out = b.s;
    return (long)b.len;
}

long qt_read_fd_close(int fd, const char *open_why, size_t max, char **out, struct qt_fileinfo *info)
{
    long n;
    int e = errno;

    *out = NULL;
    if (info)
        memset(info, 0, sizeof *info);
    if (fd < 0) {
        if (info)
            snprintf(info->why, sizeof info->why, "%s", open_why ? open_why : strerror(e));
        errno = e;
        return -1;
    }
    n = qt_read_fd(fd, max, out, info);
    e = errno;
    close(fd);
    errno = e;
    return n;
}

long qt_read_file_info(const char *path, size_t max, char **out, struct qt_fileinfo *info)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    return qt_read_fd_close(fd, NULL, max, out, info);
}

long qt_read_file(const char *path, size_t max, char **out)
{
    return qt_read_file_info(path, max, out, NULL);
}

int qt_parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

double qt_now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double qt_now_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double qt_now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void qt_fmt_age(double s, char *out, size_t n)
{
    unsigned long t;

    if (s < 0) {
        snprintf(out, n, "-");
        return;
    }
    t = (unsigned long)s;
    if (t >= 86400)
        snprintf(out, n, "%lud%02luh", t / 86400, t % 86400 / 3600);
    else if (t >= 3600)
        snprintf(out, n, "%luh%02lum", t / 3600, t % 3600 / 60);
    else if (t >= 60)
        snprintf(out, n, "%lum%02lus", t / 60, t % 60);
    else
        snprintf(out, n, "%lus", t);
}

void qt_shell_quote(qt_buf *b, const char *w)
{
    int plain = *w != '\0';
    for (const char *p = w; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("@%+=:,./_-", *p)))
            plain = 0;
    if (plain) {
        qt_buf_puts(b, w);
        return;
    }
    qt_buf_putc(b, '\'');
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            qt_buf_puts(b, "'\\''");
        else
            qt_buf_putc(b, *p);
    }
    qt_buf_putc(b, '\'');
}

uint64_t qt_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

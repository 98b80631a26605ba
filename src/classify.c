/* classify.c - qtriage --classify-log: the log classifier on named files. */
#include "src/classify.h"
#include "diag/core/util.h"
#include "diag/logs/logs.h"
#include "diag/logs/logs_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The output goes through one fixed buffer: at 3 million lines a second
 * printf and a growing string cost more than the classification. */
struct outbuf {
    FILE *f;
    size_t len;
    char b[1 << 16];
};

static void out_flush(struct outbuf *o)
{
    if (o->len)
        fwrite(o->b, 1, o->len, o->f);
    o->len = 0;
}

/* room for n more bytes (n <= sizeof o->b) */
static char *out_room(struct outbuf *o, size_t n)
{
    if (o->len + n > sizeof o->b)
        out_flush(o);
    return o->b + o->len;
}

static void out_add(struct outbuf *o, const char *s, size_t n)
{
    while (n) {
        size_t k = n < sizeof o->b ? n : sizeof o->b;
        memcpy(out_room(o, k), s, k);
        o->len += k, s += k, n -= k;
    }
}

static void out_ulong(struct outbuf *o, unsigned long v)
{
    char t[24];
    size_t i = sizeof t;
    do
        t[--i] = (char)('0' + v % 10);
    while (v /= 10);
    out_add(o, t + i, sizeof t - i);
}

/* The escaping (classify.h): printable ASCII as it is, except '\'; TAB and
 * newline as \t and \n; every other byte \xNN. A file name gets only this
 * ("-" is standard input's name). */
static void put_bytes(struct outbuf *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            continue;
        out_add(o, s + run, i - run);
        run = i + 1;
        if (c == '\t') {
            out_add(o, "\\t", 2);
        } else if (c == '\n') {
            out_add(o, "\\n", 2);
        } else {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            out_add(o, e, 4);
        }
    }
    out_add(o, s + run, n - run);
}

/* A field: "-" when empty, a lone "-" as \x2d, else escaped. */
static void put_field(struct outbuf *o, const char *s, size_t n)
{
    if (n == 0)
        out_add(o, "-", 1);
    else if (n == 1 && s[0] == '-')
        out_add(o, "\\x2d", 4);
    else
        put_bytes(o, s, n);
}

/* FILE:LINE<TAB>CATEGORY<TAB>REMOTE_IP<TAB>USER and a newline. */
static void put_line(struct outbuf *o, const struct outbuf *fname, unsigned long lineno, const qt_log_rec *r)
{
    const char *cat = qt_log_cat_name(r->cat);
    size_t cl = strlen(cat), il = strlen(r->ip);

    /* the usual line (a clean user) in one piece; else field by field */
    if (fname->len + cl + il + r->user_len + 32 <= sizeof o->b) {
        char *p = out_room(o, fname->len + cl + il + r->user_len + 32), *q, t[24];
        size_t i = sizeof t, k;
        int clean = r->user_len != 1 || r->user[0] != '-';
        for (k = 0; clean && k < r->user_len; k++)
            clean = (unsigned char)r->user[k] >= 0x20 && (unsigned char)r->user[k] < 0x7f && r->user[k] != '\\';
        if (clean) {
            unsigned long v = lineno;
            q = p;
            memcpy(q, fname->b, fname->len), q += fname->len;
            *q++ = ':';
            do
                t[--i] = (char)('0' + v % 10);
            while (v /= 10);
            memcpy(q, t + i, sizeof t - i), q += sizeof t - i;
            *q++ = '\t';
            memcpy(q, cat, cl), q += cl;
            *q++ = '\t';
            if (il)
                memcpy(q, r->ip, il), q += il;   /* an address: printable */
            else
                *q++ = '-';
            *q++ = '\t';
            if (r->user_len)
                memcpy(q, r->user, r->user_len), q += r->user_len;
            else
                *q++ = '-';
            *q++ = '\n';
            o->len += (size_t)(q - p);
            return;
        }
    }
    out_add(o, fname->b, fname->len);
    out_add(o, ":", 1);
    out_ulong(o, lineno);
    out_add(o, "\t", 1);
    out_add(o, cat, cl);
    out_add(o, "\t", 1);
    put_field(o, r->ip, il);
    out_add(o, "\t", 1);
    put_field(o, r->user, r->user_len);
    out_add(o, "\n", 1);
}

/* The admin names the file: trusted as given, but only a regular file is
 * read, opened without blocking, as --load does (docs/security.md). "-" is
 * standard input, whatever it is (a pipe). */
static int open_log(const char *name, time_t *mtime, char *why, size_t n)
{
    struct stat st;
    int fd;

    if (strcmp(name, "-") == 0) {
        *mtime = time(NULL);
        fd = dup(0);
        if (fd < 0)
            snprintf(why, n, "%s", strerror(errno));
        return fd;
    }
    fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(why, n, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(why, n, "%s, not a regular file", qt_file_kind((unsigned)st.st_mode));
        close(fd);
        return -1;
    }
    /* RFC 3164 stamps have no year: the file's last write is the reference */
    *mtime = st.st_mtime;
    return fd;
}

static void say(FILE *err, const char *name, const char *why)
{
    char *f = qt_safe_strdup(name, strlen(name)), *w = qt_safe_strdup(why, strlen(why));
    fprintf(err, "qtriage: --classify-log %s: %s\n", f, w);
    free(f);
    free(w);
}

/* One file to out; 0, or -1 when it could not be opened or read to its end. */
static int classify_one(const char *name, struct outbuf *o, FILE *err)
{
    char why[256];
    time_t ref;
    int fd = open_log(name, &ref, why, sizeof why), rc = 0, got, cut;
    qt_log_reader *rd;
    qt_log_ctx *c;
    qt_log_rec r;
    struct outbuf *fname;
    unsigned long lineno = 0;
    const char *line;
    size_t n;

    if (fd < 0) {
        say(err, name, why);
        return -1;
    }
    rd = qt_log_reader_new(fd);
    if (!rd) {
        say(err, name, strerror(errno));
        return -1;
    }
    c = qt_log_ctx_new((int64_t)ref);
    /* the escaped name, once (a name longer than the buffer is cut: PATH_MAX is 4096) */
    fname = qt_calloc(1, sizeof *fname);
    put_bytes(fname, name, strnlen(name, 8192));
    while ((got = qt_log_reader_next(rd, &line, &n, &cut, why, sizeof why)) > 0) {
        lineno++;
        qt_log_classify(c, line, n, &r);
        if (cut)
            r = (qt_log_rec){.cat = QT_LOG_OTHER};  /* a 64 KiB line is no mail log line */
        put_line(o, fname, lineno, &r);
    }
    if (got < 0) {
        char msg[320];
        out_flush(o);
        snprintf(msg, sizeof msg, "read error after line %lu: %s", lineno, why);
        say(err, name, msg);
        rc = -1;
    }
    free(fname);
    qt_log_ctx_free(c);
    qt_log_reader_free(rd);
    return rc;
}

int qt_classify_log_run(char *const *files, int nfiles, FILE *out, FILE *err)
{
    int rc = 0;
    struct outbuf *o = qt_calloc(1, sizeof *o);

    o->f = out;
    for (int i = 0; i < nfiles; i++)
        if (classify_one(files[i], o, err) != 0)
            rc = 1;
    out_flush(o);
    free(o);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(err, "qtriage: --classify-log: cannot write the output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}

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

/* A field of the output: "-" when empty; TAB, newline, other control
 * bytes, non-ASCII, '\' and a lone "-" escaped (classify.h). */
static void put_bytes(qt_buf *b, const char *s, size_t n);

static void put_field(qt_buf *b, const char *s, size_t n)
{
    if (n == 0) {
        qt_buf_putc(b, '-');
        return;
    }
    if (n == 1 && s[0] == '-') {
        qt_buf_puts(b, "\\x2d");
        return;
    }
    put_bytes(b, s, n);
}

/* The escaping alone (a file name: "-" is standard input's name). */
static void put_bytes(qt_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t') {
            qt_buf_add(b, "\\t", 2);
        } else if (c == '\n') {
            qt_buf_add(b, "\\n", 2);
        } else if (c < 0x20 || c >= 0x7f || c == '\\') {
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            qt_buf_add(b, e, 4);
        } else {
            qt_buf_putc(b, (char)c);
        }
    }
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
static int classify_one(const char *name, FILE *out, FILE *err)
{
    char why[256];
    time_t ref;
    int fd = open_log(name, &ref, why, sizeof why), rc = 0, got, cut;
    qt_log_reader *rd;
    qt_log_ctx *c;
    qt_log_rec r;
    qt_buf b = {0}, fname = {0};
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
    put_bytes(&fname, name, strlen(name));
    while ((got = qt_log_reader_next(rd, &line, &n, &cut, why, sizeof why)) > 0) {
        lineno++;
        qt_log_classify(c, line, n, &r);
        if (cut)
            r = (qt_log_rec){.cat = QT_LOG_OTHER};  /* a 64 KiB line is no mail log line */
        qt_buf_add(&b, fname.s, fname.len);
        qt_buf_printf(&b, ":%lu\t%s\t", lineno, qt_log_cat_name(r.cat));
        put_field(&b, r.ip, strlen(r.ip));
        qt_buf_putc(&b, '\t');
        put_field(&b, r.user, r.user_len);
        qt_buf_putc(&b, '\n');
        if (b.len >= 64 * 1024) {
            fwrite(b.s, 1, b.len, out);
            qt_buf_reset(&b);
        }
    }
    if (b.len)
        fwrite(b.s, 1, b.len, out);
    if (got < 0) {
        char msg[320];
        snprintf(msg, sizeof msg, "read error after line %lu: %s", lineno, why);
        say(err, name, msg);
        rc = -1;
    }
    qt_buf_free(&b);
    qt_buf_free(&fname);
    qt_log_ctx_free(c);
    qt_log_reader_free(rd);
    return rc;
}

int qt_classify_log_run(char *const *files, int nfiles, FILE *out, FILE *err)
{
    int rc = 0;

    for (int i = 0; i < nfiles; i++)
        if (classify_one(files[i], out, err) != 0)
            rc = 1;
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(err, "qtriage: --classify-log: cannot write the output: %s\n", strerror(errno));
        rc = 1;
    }
    return rc;
}

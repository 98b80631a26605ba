/* logs_find.c - where the mail logs are (contract in logs_find.h). */
#include "diag/logs/logs_find.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "@" + 24 hex digits + ".s" or ".u": a finished multilog file (multilog(8)) */
static int multilog_rotated(const char *n)
{
    if (n[0] != '@' || strlen(n) != 27 || n[25] != '.' || (n[26] != 's' && n[26] != 'u'))
        return 0;
    for (int i = 1; i <= 24; i++)
        if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
            return 0;
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* NAME, NAME.N, NAME-YYYYMMDD, each optionally .gz (logrotate(8): the
 * numbered and the dateext names). 0 no, 1 the live file, 2 a rotation. */
static int syslog_name(const char *base, const char *n)
{
    size_t bl = strlen(base), nl = strlen(n);

    if (nl < bl || strncmp(n, base, bl) != 0)
        return 0;
    if (nl == bl)
        return 1;
    const char *r = n + bl;
    size_t rl = nl - bl;
    if (rl > 3 && strcmp(n + nl - 3, ".gz") == 0)
        rl -= 3;
    if (r[0] == '.' && all_digits(r + 1, rl - 1) && rl <= 5)
        return 2;
    if (r[0] == '-' && rl == 9 && all_digits(r + 1, 8))
        return 2;
    return 0;
}

static int by_age(const void *a, const void *b)
{
    const struct qt_log_file *x = a, *y = b;
    if (x->rotated != y->rotated)
        return x->rotated ? -1 : 1;          /* the live file last */
    if (x->mtime != y->mtime)
        return x->mtime < y->mtime ? -1 : 1;
    return strcmp(x->path, y->path);         /* TAI64N names sort by time */
}

/* Every wanted entry of dir (want() says 1 live, 2 rotated, 0 not ours)
 * that is a regular file; others are noted. */
static void list_dir(const qt_ctx *ctx, struct qt_log_source *src, int (*want)(const char *, const char *),
                     const char *base)
{
    char why[200];
    int fd = qt_ctx_open(ctx, src->dir, O_DIRECTORY, NULL, why, sizeof why);
    DIR *d;
    struct dirent *de;
    size_t seen = 0, cap = 0;

    if (fd < 0) {
        qt_buf_printf(&src->notes, "%s: %s\n", src->dir, why);
        return;
    }
    if (!(d = fdopendir(fd))) {
        close(fd);
        return;
    }
    while ((de = readdir(d)) && seen++ < QT_LOGSRC_MAX_ENTRIES) {
        struct stat st;
        int w = want(base, de->d_name);
        if (!w)
            continue;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;   /* gone in between: normal for a rotating log */
        if (!S_ISREG(st.st_mode)) {
            qt_buf_printf(&src->notes, "%s/%s: %s, not read\n", src->dir, de->d_name, qt_file_kind((unsigned)st.st_mode));
            continue;
        }
        qt_grow(&src->files, &cap, src->nfiles + 1, sizeof *src->files);
        struct qt_log_file *f = &src->files[src->nfiles++];
        memset(f, 0, sizeof *f);
        snprintf(f->path, sizeof f->path, "%s/%s", strcmp(src->dir, "/") ? src->dir : "", de->d_name);
        f->rotated = w == 2;
        f->gz = strlen(de->d_name) > 3 && strcmp(de->d_name + strlen(de->d_name) - 3, ".gz") == 0;
        f->mtime = st.st_mtime;
        f->size = st.st_size;
    }
    if (de)
        qt_buf_printf(&src->notes, "%s: more than %d entries, the rest not looked at\n", src->dir, QT_LOGSRC_MAX_ENTRIES);
    closedir(d);
    if (src->nfiles > 1)
        qsort(src->files, src->nfiles, sizeof *src->files, by_age);
    if (src->nfiles > QT_LOGSRC_MAX_FILES) {
        size_t drop = src->nfiles - QT_LOGSRC_MAX_FILES;
        qt_buf_printf(&src->notes, "%zu older rotations not kept (at most %d files)\n", drop, QT_LOGSRC_MAX_FILES);
        memmove(src->files, src->files + drop, QT_LOGSRC_MAX_FILES * sizeof *src->files);
        src->nfiles = QT_LOGSRC_MAX_FILES;
    }
}

static int want_multilog(const char *base, const char *n)
{
    (void)base;
    return strcmp(n, "current") == 0 ? 1 : multilog_rotated(n) ? 2 : 0;
}

static struct qt_log_source *add(struct qt_log_sources *out, size_t *cap)
{
    qt_grow(&out->v, cap, out->n + 1, sizeof *out->v);
    struct qt_log_source *s = &out->v[out->n++];
    memset(s, 0, sizeof *s);
    return s;
}

size_t qt_log_sources_find(const qt_ctx *ctx, const struct qt_log_svc *svcs, size_t nsvcs, struct qt_log_sources *out)
{
    static const char *const syslog_files[] = {"maillog", "mail.log", "mail.err", "messages", "secure"};
    size_t cap = 0;
    struct stat st;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < nsvcs; i++) {
        const char *dir = svcs[i].logdir;
        int dup = 0;
        if (!dir || dir[0] != '/')
            continue;
        for (size_t k = 0; k < out->n; k++)
            dup |= strcmp(out->v[k].dir, dir) == 0;
        if (dup || qt_ctx_stat(ctx, dir, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        struct qt_log_source *s = add(out, &cap);
        s->kind = QT_LOGSRC_MULTILOG;
        snprintf(s->name, sizeof s->name, "%s", svcs[i].name ? svcs[i].name : "");
        snprintf(s->dir, sizeof s->dir, "%s", dir);
        snprintf(s->why, sizeof s->why, "multilog writes to %s (from %s)", dir, svcs[i].logrun ? svcs[i].logrun : "log/run");
        list_dir(ctx, s, want_multilog, NULL);
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(syslog_files); i++) {
        struct qt_log_source tmp = {0};
        snprintf(tmp.dir, sizeof tmp.dir, "/var/log");
        list_dir(ctx, &tmp, syslog_name, syslog_files[i]);
        if (!tmp.nfiles && !tmp.notes.len) {
            free(tmp.files);
            qt_buf_free(&tmp.notes);
            continue;
        }
        struct qt_log_source *s = add(out, &cap);
        *s = tmp;
        s->kind = QT_LOGSRC_SYSLOG;
        snprintf(s->name, sizeof s->name, "%s", syslog_files[i]);
        /* a name that is there but refused (a FIFO, a symlink) is kept with its note */
        snprintf(s->why, sizeof s->why, "syslog file /var/log/%s%s", syslog_files[i],
                 !s->nfiles ? " (nothing readable: see the notes)"
                 : s->files[s->nfiles - 1].rotated ? " (only rotations: the live file is missing)" : "");
    }
    return out->n;
}

void qt_log_sources_free(struct qt_log_sources *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].files);
        qt_buf_free(&s->v[i].notes);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

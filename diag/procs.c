/* procs.c - backend-independent parts of the process table, and the
 * /proc reader. See procs.h. */
#include "procs.h"
#include "snapshot.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int qt_proc_parse_stat(const char *text, size_t len, struct qt_proc *p, unsigned long long *start_ticks)
{
    const char *open, *close = NULL, *s;
    char state;
    int ppid, pgrp, session;
    unsigned long long st = 0;
    long pid;
    size_t cl;

    open = memchr(text, '(', len);
    if (!open)
        return -1;
    for (const char *q = text + len; q > open; q--)
        if (q[-1] == ')') {
            close = q - 1;
            break;
        }
    if (!close)
        return -1;
    pid = strtol(text, NULL, 10);
    if (pid <= 0)
        return -1;
    cl = (size_t)(close - open - 1);
    if (cl >= sizeof p->comm)
        cl = sizeof p->comm - 1;
    memcpy(p->comm, open + 1, cl);
    p->comm[cl] = '\0';
    for (size_t i = 0; i < cl; i++)
        if (p->comm[i] == '\0')
            p->comm[i] = '?';
    /* fields after comm: state ppid pgrp session tty_nr tpgid flags minflt
     * cminflt majflt cmajflt utime stime cutime cstime priority nice
     * num_threads itrealvalue starttime */
    s = close + 1;
    if (memchr(s, '\0', (size_t)(text + len - s)))
        return -1;
    if (sscanf(s, " %c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
               &state, &ppid, &pgrp, &session, &st) != 5)
        return -1;
    p->pid = (int)pid;
    p->state = state;
    p->ppid = ppid;
    p->pgid = pgrp;
    p->sid = session;
    if (start_ticks)
        *start_ticks = st;
    return 0;
}

double qt_procs_boot_time(const qt_ctx *ctx)
{
    char path[4096], *text = NULL;
    double boot = 0;

    if (qt_ctx_proc(ctx, "stat", path, sizeof path) && qt_read_file(path, 1 << 20, &text) >= 0) {
        const char *b = strstr(text, "\nbtime ");
        if (b)
            boot = strtod(b + 7, NULL);
    }
    free(text);
    return boot;
}

/* Split a NUL-separated cmdline into argv. */
static void set_argv(struct qt_proc *p, const char *buf, size_t len)
{
    int argc = 0;
    size_t i;

    if (len == 0)
        return;
    for (i = 0; i < len; i++)
        if (buf[i] == '\0')
            argc++;
    if (buf[len - 1] != '\0')
        argc++;
    p->argv = qt_calloc((size_t)argc + 1, sizeof *p->argv);
    for (i = 0; i < len && p->argc < argc;) {
        size_t l = strnlen(buf + i, len - i);
        p->argv[p->argc++] = qt_strndup(buf + i, l);
        i += l + 1;
    }
    p->argv[p->argc] = NULL;
}

static int read_one(const qt_ctx *ctx, int pid, double boot, long hz, struct qt_proc *p)
{
    char path[4096], rel[64], *text = NULL;
    long len;
    unsigned long long ticks = 0;
    struct stat sb;

    memset(p, 0, sizeof *p);
    p->uid = (unsigned)-1;
    snprintf(rel, sizeof rel, "%d/stat", pid);
    if (!qt_ctx_proc(ctx, rel, path, sizeof path) || (len = qt_read_file(path, 4096, &text)) < 0)
        return -1; /* vanished */
    if (qt_proc_parse_stat(text, (size_t)len, p, &ticks) != 0) {
        free(text);
        return -1;
    }
    free(text);
    p->start = boot + (double)ticks / (double)hz;
    snprintf(rel, sizeof rel, "%d", pid);
    if (qt_ctx_proc(ctx, rel, path, sizeof path) && stat(path, &sb) == 0)
        p->uid = sb.st_uid;
    snprintf(rel, sizeof rel, "%d/cmdline", pid);
    if (qt_ctx_proc(ctx, rel, path, sizeof path) && (len = qt_read_file(path, 1 << 20, &text)) >= 0) {
        set_argv(p, text, (size_t)len);
        free(text);
    }
    return 0;
}

static int by_pid(const void *a, const void *b)
{
    const struct qt_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int qt_procs_read_proc(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    char path[4096];
    DIR *d;
    struct dirent *de;
    size_t cap = 0;
    long hz = sysconf(_SC_CLK_TCK);

    memset(out, 0, sizeof *out);
    out->backend = "proc";
    if (hz <= 0)
        hz = 100;
    if (!qt_ctx_proc(ctx, "", path, sizeof path) || !(d = opendir(path))) {
        snprintf(err, errlen, "cannot read %s: %s", ctx->proc, strerror(errno));
        return -1;
    }
    out->boot = qt_procs_boot_time(ctx);
    while ((de = readdir(d))) {
        unsigned long pid;
        if (qt_parse_ulong(de->d_name, &pid) != 0 || pid == 0 || pid > 0x7fffffff)
            continue;
        qt_grow(&out->v, &cap, out->n + 1, sizeof *out->v);
        if (read_one(ctx, (int)pid, out->boot, hz, &out->v[out->n]) == 0)
            out->n++;
    }
    closedir(d);
    qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}

int qt_procs_read(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
#ifdef QT_HAVE_LIBPROC2
    if (!ctx->proc || strcmp(ctx->proc, "/proc") == 0)
        return qt_procs_read_libproc2(ctx, out, err, errlen);
#endif
    return qt_procs_read_proc(ctx, out, err, errlen);
}

const struct qt_proc *qt_procs_find(const qt_procs *p, int pid)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->v[mid].pid == pid)
            return &p->v[mid];
        if (p->v[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *qt_proc_name(const struct qt_proc *p)
{
    if (p->argc > 0 && p->argv[0][0]) {
        const char *slash = strrchr(p->argv[0], '/');
        return slash && slash[1] ? slash + 1 : p->argv[0];
    }
    return p->comm;
}

char *qt_proc_cmdline(const struct qt_proc *p)
{
    qt_buf b = {0};
    if (p->argc == 0) {
        qt_buf_putc(&b, '[');
        qt_buf_put_safe(&b, p->comm, strlen(p->comm));
        qt_buf_putc(&b, ']');
    }
    for (int i = 0; i < p->argc; i++) {
        if (i)
            qt_buf_putc(&b, ' ');
        qt_buf_put_safe(&b, p->argv[i], strlen(p->argv[i]));
    }
    return qt_buf_steal(&b);
}

void qt_procs_free(qt_procs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        for (int a = 0; a < p->v[i].argc; a++)
            free(p->v[i].argv[a]);
        free(p->v[i].argv);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}

long qt_proc_read_environ(const qt_ctx *ctx, int pid, char **out)
{
    char path[4096], rel[64];
    snprintf(rel, sizeof rel, "%d/environ", pid);
    *out = NULL;
    if (!qt_ctx_proc(ctx, rel, path, sizeof path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return qt_read_file(path, 1 << 20, out);
}

const char *qt_environ_get(const char *env, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < len;) {
        size_t l = strnlen(env + i, len - i);
        if (l > nl && memcmp(env + i, name, nl) == 0 && env[i + nl] == '=')
            return i + l < len ? env + i + nl + 1 : NULL; /* unterminated last entry: ignore */
        i += l + 1;
    }
    return NULL;
}

/* --- collector --- */

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    qt_procs *p = qt_calloc(1, sizeof *p);
    (void)state;
    if (qt_procs_read(ctx, p, err, errlen) != 0) {
        qt_procs_free(p);
        free(p);
        return -1;
    }
    snap->procs = p;
    return 0;
}

static void free_model(qt_snapshot *snap)
{
    if (snap->procs) {
        qt_procs_free(snap->procs);
        free(snap->procs);
        snap->procs = NULL;
    }
}

/* Only a table that was read gives a number: a failed read is STALE, not 0. */
static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    (void)ctx;
    if (snap->procs)
        qt_metrics_add(out, "processes", NULL, 0, (double)snap->procs->n, -1, "Processes in the process table.");
}

const qt_collector qt_collector_procs = {
    .id = QT_SRC_PROCS,
    .name = "procs",
    .collect = collect,
    .measure = measure,
    .free_model = free_model,
};

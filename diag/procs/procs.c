/* procs.c - backend-independent parts of the process table, the plain /proc
 * reader, and the procs collector. See procs.h. */
#include "diag/procs/procs.h"
#include "diag/procs/procs_int.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>


/* --- /proc/PID/stat --- */

/* One decimal field, optionally negative. Returns the char after it, or NULL. */
static const char *stat_num(const char *s, const char *end, int *neg, unsigned long long *v)
{
    unsigned long long x = 0;

    *neg = 0;
    if (s < end && *s == '-') {
        *neg = 1;
        s++;
    }
    if (s >= end || *s < '0' || *s > '9')
        return NULL;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (x > ULLONG_MAX / 10 || (x == ULLONG_MAX / 10 && d > ULLONG_MAX % 10))
            return NULL;
        x = x * 10 + d;
    }
    *v = x;
    return s;
}

int qt_proc_parse_stat(const char *text, size_t len, struct qt_proc *p, unsigned long long *start_ticks)
{
    /* after the comm: state, then 19 numbers up to starttime (proc(5)):
     * ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
     * utime stime cutime cstime priority nice num_threads itrealvalue starttime,
     * then, optional here: vsize rss rsslim startcode endcode startstack */
    enum { F_PPID = 0, F_PGRP = 1, F_SID = 2, F_FLAGS = 5, F_NLWP = 16, F_START = 18, NFIELDS = 19,
           F_CODE = 22, F_STACK = 24, NOPTIONAL = 25 };
    const char *end, *s = text, *open, *close = NULL;
    unsigned long long pid = 0, f[NOPTIONAL] = {0};
    size_t cl;
    char state;

    if (!text || !p)
        return -1;
    end = text + len;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        pid = pid * 10 + (unsigned long long)(*s - '0');
        if (pid > INT_MAX)
            return -1;
    }
    if (s == text || pid == 0 || end - s < 2 || s[0] != ' ' || s[1] != '(')
        return -1;
    open = s + 1;
    /* the comm may hold ')' itself: it ends at the last one */
    for (const char *q = end; q > open + 1; q--)
        if (q[-1] == ')') {
            close = q - 1;
            break;
        }
    if (!close)
        return -1;
    s = close + 1;
    if (end - s < 2 || s[0] != ' ' || s[1] <= ' ' || s[1] > '~')
        return -1;
    state = s[1];
    s += 2;
    for (int i = 0; i < NFIELDS; i++) {
        int neg;
        if (s >= end || *s != ' ')
            return -1;
        if (!(s = stat_num(s + 1, end, &neg, &f[i])))
            return -1;
        /* ids, flags, thread count and start time are never negative */
        if (neg && (i <= F_SID || i == F_FLAGS || i == F_NLWP || i == F_START))
            return -1;
    }
    /* the start time must be followed by more fields or the newline: a
     * number cut by truncation would otherwise parse as a smaller one */
    if (s >= end || (*s != ' ' && *s != '\n'))
        return -1;
    if (f[F_PPID] > INT_MAX || f[F_PGRP] > INT_MAX || f[F_SID] > INT_MAX || f[F_NLWP] > INT_MAX)
        return -1;
    for (int i = NFIELDS; i < NOPTIONAL; i++) {
        int neg;
        const char *n;
        if (s >= end || *s != ' ' || !(n = stat_num(s + 1, end, &neg, &f[i])) || (n < end && *n != ' ' && *n != '\n')) {
            f[F_CODE] = f[F_STACK] = 0; /* short or odd line: no image key */
            break;
        }
        s = n;
    }

    cl = (size_t)(close - open - 1);
    if (cl >= sizeof p->comm)
        cl = sizeof p->comm - 1;
    memcpy(p->comm, open + 1, cl);
    p->comm[cl] = '\0';
    for (size_t i = 0; i < cl; i++)
        if (p->comm[i] == '\0')
            p->comm[i] = '?';
    p->pid = (int)pid;
    p->state = state;
    p->ppid = (int)f[F_PPID];
    p->pgid = (int)f[F_PGRP];
    p->sid = (int)f[F_SID];
    p->flags = (unsigned long)f[F_FLAGS];
    p->nlwp = (int)f[F_NLWP];
    p->ticks = f[F_START];
    p->image = f[F_CODE] ^ f[F_STACK];
    if (start_ticks)
        *start_ticks = f[F_START];
    return 0;
}

double qt_procs_boot_time(const qt_ctx *ctx)
{
    char path[4096], *text = NULL;
    double boot = 0;

    if (qt_ctx_proc(ctx, "stat", path, sizeof path) && qt_read_file(path, 1 << 20, &text) >= 0) {
        const char *b = strncmp(text, "btime ", 6) == 0 ? text : strstr(text, "\nbtime ");
        if (b)
            boot = strtod(b + (*b == '\n' ? 7 : 6), NULL);
    }
    free(text);
    return boot;
}

/* --- small readers (openat on the procfs directory fd) --- */

/* Open dfd/rel for reading if it is a regular file (procfs files are): a
 * FIFO or device in a --proc fixture is refused (EINVAL), never blocks. */
static int open_regular_at(int dfd, const char *rel)
{
    int fd = openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat sb;

    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

/* Is dfd a procfs mount? Its files are made by the kernel: no user can put
 * a FIFO or a device there, or swap one in (mounting over /proc needs
 * CAP_SYS_ADMIN in our mount namespace), so the per-file kind check of
 * docs/security.md is skipped there; a --proc fixture tree on any other
 * file system keeps it. f_type: statfs(2), PROC_SUPER_MAGIC. */
static int is_procfs(int dfd)
{
    struct statfs sf;
    return fstatfs(dfd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* Read at most cap bytes of dfd/rel into buf. Returns the length or -1.
 * procfs: dfd is a procfs directory (is_procfs): no fstat, and a short read
 * is the end (a seq_file read returns the whole record when it fits:
 * fs/seq_file.c), which saves the read that returns 0. */
static long read_at_fs(int dfd, const char *rel, char *buf, size_t cap, int procfs)
{
    int fd = procfs ? openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : open_regular_at(dfd, rel);
    size_t got = 0;

    if (fd < 0)
        return -1;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (procfs && got < cap)
            break;
    }
    close(fd);
    return (long)got;
}

static long read_at(int dfd, const char *rel, char *buf, size_t cap)
{
    return read_at_fs(dfd, rel, buf, cap, 0);
}

/* One block: pre bytes (the shared count), the array, the strings. */
static char **argv_block_at(int argc, char *const *argv, size_t pre)
{
    size_t bytes = 0, head = ((size_t)argc + 1) * sizeof(char *);
    char **v, *text;

    for (int i = 0; i < argc; i++)
        bytes += strlen(argv[i]) + 1;
    v = (char **)((char *)qt_malloc(pre + head + bytes) + pre);
    text = (char *)v + head;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]) + 1;
        memcpy(text, argv[i], l);
        v[i] = text;
        text += l;
    }
    v[argc] = NULL;
    return v;
}

char **qt_proc_argv_block(int argc, char *const *argv)
{
    return argc > 0 ? argv_block_at(argc, argv, 0) : NULL;
}

/* The count sits in the size_t before the array (malloc's alignment keeps
 * the array aligned for pointers). */
char **qt_proc_argv_share(int argc, char *const *argv)
{
    char **v;

    if (argc <= 0)
        return NULL;
    v = argv_block_at(argc, argv, sizeof(size_t));
    ((size_t *)(void *)v)[-1] = 1;
    return v;
}

char **qt_proc_argv_ref(char **argv)
{
    if (argv)
        ((size_t *)(void *)argv)[-1]++;
    return argv;
}

void qt_proc_argv_unref(char **argv)
{
    if (argv && --((size_t *)(void *)argv)[-1] == 0)
        free((size_t *)(void *)argv - 1);
}

int qt_proc_argv_keep(int argc, char *const *argv, int *more)
{
    size_t bytes = 0;
    int k = 0;

    while (k < argc && k < QT_PROC_ARGV_MAX_ARGS && bytes + strlen(argv[k]) + 1 <= QT_PROC_ARGV_MAX_BYTES)
        bytes += strlen(argv[k++]) + 1;
    if (more)
        *more = argc - k;
    return k;
}

const char *qt_proc_argv_more_text(int more)
{
    static char buf[80];
    if (more > 0)
        snprintf(buf, sizeof buf, "... (%d more argument%s not shown)", more, more == 1 ? "" : "s");
    else if (more < 0)
        snprintf(buf, sizeof buf, "... (argv truncated at %d KiB)", QT_PROC_ARGV_MAX_BYTES / 1024);
    else
        buf[0] = '\0';
    return buf;
}

/* Split a NUL-separated cmdline into argv (p->argc must be 0). A missing
 * final NUL is tolerated (processes that rewrite their argv). The array and
 * the strings share one allocation (argv_block). len may be one more than
 * QT_PROC_ARGV_MAX_BYTES (the reader's probe for "there is more"): then
 * only the whole arguments in the first QT_PROC_ARGV_MAX_BYTES are kept,
 * the same ones qt_proc_argv_keep() keeps; when not even the first one fits,
 * it is kept cut to QT_PROC_ARGV_MAX_BYTES - 1 bytes (argv_more -1). */
static void set_argv(struct qt_proc *p, const char *buf, size_t len)
{
    size_t argc = 0, i, head;
    char *text;
    int cut = 0;

    if (len > QT_PROC_ARGV_MAX_BYTES) {
        const char *nul = NULL;
        for (i = QT_PROC_ARGV_MAX_BYTES; i-- > 0;)
            if (buf[i] == '\0') {
                nul = buf + i;
                break;
            }
        /* no whole argument fits: keep the first one cut, so that one long
         * argv[0] does not hide the command line */
        len = nul ? (size_t)(nul - buf) + 1 : QT_PROC_ARGV_MAX_BYTES - 1;
        cut = 1;
        p->argv_more = -1;
    }
    if (len == 0)
        return;
    for (i = 0; i < len; i++)
        if (buf[i] == '\0')
            argc++;
    if (buf[len - 1] != '\0')
        argc++;
    if (argc > QT_PROC_ARGV_MAX_ARGS) {
        if (!cut)
            p->argv_more = (int)(argc - QT_PROC_ARGV_MAX_ARGS);
        argc = QT_PROC_ARGV_MAX_ARGS;
    }
    head = (argc + 1) * sizeof *p->argv;
    p->argv = qt_malloc(head + len + 1);
    text = (char *)p->argv + head;
    memcpy(text, buf, len);
    text[len] = '\0';
    for (i = 0; i < len && (size_t)p->argc < argc;) {
        size_t l = strnlen(text + i, len - i);
        p->argv[p->argc++] = text + i;
        i += l + 1;
    }
    p->argv[p->argc] = NULL;
    p->argv_block = 1;
}

/* rel: "cmdline" under a /proc/PID fd, or "PID/cmdline" under the /proc fd;
 * procfs: dfd is on procfs (is_procfs): no kind check. */
static int read_cmdline_at(int dfd, int procfs, const char *rel, struct qt_proc *p)
{
    char small[4096];
    int fd;
    size_t got = 0;
    qt_buf big = {0};

    fd = procfs ? openat(dfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : open_regular_at(dfd, rel);
    if (fd < 0)
        return -1;
    for (;;) {
        /* one byte past the cap tells set_argv that there is more */
        size_t want = sizeof small - got, left = QT_PROC_ARGV_MAX_BYTES + 1 - big.len - got;
        ssize_t r;
        if (want > left)
            want = left;
        if (!want)
            break;
        r = read(fd, small + got, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
        if (got == sizeof small) {
            /* long command line: continue in a growing buffer */
            qt_buf_add(&big, small, got);
            got = 0;
        }
    }
    close(fd);
    if (big.len) {
        qt_buf_add(&big, small, got);
        set_argv(p, big.s, big.len);
        qt_buf_free(&big);
    } else {
        set_argv(p, small, got);
    }
    return 0;
}

/* Start of the value of the "Name:" line of status (after the blanks), or NULL. */
static const char *status_line(const char *t, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl < len; i++)
        if ((i == 0 || t[i - 1] == '\n') && memcmp(t + i, name, nl) == 0) {
            const char *s = t + i + nl, *end = t + len;
            while (s < end && (*s == '\t' || *s == ' '))
                s++;
            return s < end && s > t + i + nl ? s : NULL;
        }
    return NULL;
}

/* A number at the start of a status value: real uid ("Uid:\tREAL\tEFF..."),
 * PPid. (unsigned)-1 if absent or malformed. */
static unsigned status_num(const char *t, size_t len, const char *name)
{
    const char *s = status_line(t, len, name);
    unsigned long long v = 0;
    int neg;
    if (s && stat_num(s, t + len, &neg, &v) && !neg && v <= UINT_MAX - 1)
        return (unsigned)v;
    return (unsigned)-1;
}

static unsigned uid_from_status(const char *t, size_t len)
{
    return status_num(t, len, "Uid:");
}

/* The stat line of one process: every field but argv and uid. procfs:
 * is_procfs(dfd). */
static int scan_one(int dfd, int procfs, int pid, double boot, long hz, struct qt_proc *p)
{
    char rel[32], buf[1024];
    long len;

    memset(p, 0, sizeof *p);
    p->uid = (unsigned)-1;
    p->lazy = QT_PROC_UNREAD;
    snprintf(rel, sizeof rel, "%d/stat", pid);
    if ((len = read_at_fs(dfd, rel, buf, sizeof buf, procfs)) <= 0)
        return -1; /* vanished (or a pid directory without stat) */
    if (qt_proc_parse_stat(buf, (size_t)len, p, NULL) != 0 || p->pid != pid)
        return -1;
    p->start = boot + (double)p->ticks / (double)hz;
    return 0;
}

/* The uid of a zombie, from status alone: a zombie has no command line and
 * keeps its pid until its parent reaps it; "still a zombie of the same
 * parent" is checked (a start time is not in status). */
static void load_zombie(int procfd, int procfs, struct qt_proc *p)
{
    char rel[32], buf[1024];
    const char *st;
    long len;

    snprintf(rel, sizeof rel, "%d/status", p->pid);
    if ((len = read_at_fs(procfd, rel, buf, sizeof buf, procfs)) <= 0)
        return;
    st = status_line(buf, (size_t)len, "State:");
    if (st && *st == 'Z' && status_num(buf, (size_t)len, "PPid:") == (unsigned)p->ppid)
        p->uid = uid_from_status(buf, (size_t)len);
}

/* argv and uid of p. The directory fd pins the process: if the pid was
 * reused since the scan, its stat shows another start time and nothing is
 * read; if the process exec'd since, comm, state and image are updated so
 * they match the argv read. */
static void load_one(int procfd, int procfs, struct qt_proc *p)
{
    char rel[32], buf[1024];
    struct qt_proc now;
    long len;
    int dfd;

    p->lazy &= (unsigned char)~(QT_PROC_UNREAD | QT_PROC_WANTED);
    if (p->state == 'Z') {
        load_zombie(procfd, procfs, p);
        return;
    }
    snprintf(rel, sizeof rel, "%d", p->pid);
    if ((dfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return; /* vanished: argc 0, uid unknown */
    memset(&now, 0, sizeof now);
    if ((len = read_at_fs(dfd, "stat", buf, sizeof buf, procfs)) <= 0 ||
        qt_proc_parse_stat(buf, (size_t)len, &now, NULL) != 0 || now.pid != p->pid || now.ticks != p->ticks) {
        close(dfd);
        return;
    }
    memcpy(p->comm, now.comm, sizeof p->comm);
    p->state = now.state;
    p->image = now.image;
    if ((len = read_at_fs(dfd, "status", buf, sizeof buf, procfs)) > 0)
        p->uid = uid_from_status(buf, (size_t)len);
    /* zombies and kernel threads have no memory map, so no command line */
    if (p->state != 'Z' && !(now.flags & QT_PF_KTHREAD))
        read_cmdline_at(dfd, procfs, "cmdline", p);
    close(dfd);
}

static int open_proc(const qt_ctx *ctx, char *err, size_t errlen)
{
    char path[4096];
    int dfd;

    if (!qt_ctx_proc(ctx, "", path, sizeof path)) {
        snprintf(err, errlen, "procfs path too long");
        return -1;
    }
    if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        snprintf(err, errlen, "cannot read %s: %s", ctx->proc ? ctx->proc : "/proc", strerror(errno));
    return dfd;
}

int qt_proc_reread_stat(const qt_ctx *ctx, int pid, struct qt_proc *p, unsigned long long *start_ticks)
{
    char rel[32], buf[1024], err[64];
    long len;
    int dfd = open_proc(ctx, err, sizeof err);

    if (dfd < 0)
        return -1;
    snprintf(rel, sizeof rel, "%d/stat", pid);
    len = read_at(dfd, rel, buf, sizeof buf);
    close(dfd);
    if (len <= 0 || qt_proc_parse_stat(buf, (size_t)len, p, start_ticks) != 0 || p->pid != pid)
        return -1;
    return 0;
}

int qt_proc_open_pid(const qt_ctx *ctx, int pid)
{
    char err[64], rel[32];
    int dfd = open_proc(ctx, err, sizeof err), fd, e;

    if (dfd < 0)
        return -1;
    snprintf(rel, sizeof rel, "%d", pid);
    fd = openat(dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    e = errno;
    close(dfd);
    errno = e;
    return fd;
}

int qt_proc_ident_at(int piddfd, int pid, unsigned long long *ticks, unsigned *uid)
{
    char buf[1024];
    struct qt_proc p;
    unsigned long long t = 0;
    long len;

    memset(&p, 0, sizeof p);
    if ((len = read_at(piddfd, "stat", buf, sizeof buf)) <= 0 ||
        qt_proc_parse_stat(buf, (size_t)len, &p, &t) != 0 || p.pid != pid)
        return -1;
    if (ticks)
        *ticks = t;
    if (uid) {
        len = read_at(piddfd, "status", buf, sizeof buf);
        *uid = len > 0 ? uid_from_status(buf, (size_t)len) : (unsigned)-1;
    }
    return 0;
}

int qt_proc_reread_cmdline(const qt_ctx *ctx, int pid, struct qt_proc *p)
{
    char err[64], rel[32];
    int dfd = open_proc(ctx, err, sizeof err), rc;

    if (dfd < 0)
        return -1;
    snprintf(rel, sizeof rel, "%d/cmdline", pid);
    rc = read_cmdline_at(dfd, is_procfs(dfd), rel, p);
    close(dfd);
    return rc;
}

static int by_pid(const void *a, const void *b)
{
    const struct qt_proc *x = a, *y = b;
    return (x->pid > y->pid) - (x->pid < y->pid);
}

int qt_proc_scan(const qt_ctx *ctx, qt_procs *out, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    size_t cap = 0;
    long hz = sysconf(_SC_CLK_TCK);
    int dfd, procfs;

    memset(out, 0, sizeof *out);
    out->backend = "proc";
    if (hz <= 0)
        hz = 100;
    if ((dfd = open_proc(ctx, err, errlen)) < 0)
        return -1;
    if (!(d = fdopendir(dup(dfd)))) {
        snprintf(err, errlen, "cannot list %s: %s", ctx->proc ? ctx->proc : "/proc", strerror(errno));
        close(dfd);
        return -1;
    }
    out->boot = qt_procs_boot_time(ctx);
    procfs = is_procfs(dfd);
    while ((de = readdir(d))) {
        unsigned long pid;
        if (de->d_name[0] < '1' || de->d_name[0] > '9' || qt_parse_ulong(de->d_name, &pid) != 0 || pid > INT_MAX)
            continue;
        qt_grow(&out->v, &cap, out->n + 1, sizeof *out->v);
        if (scan_one(dfd, procfs, (int)pid, out->boot, hz, &out->v[out->n]) == 0)
            out->n++;
    }
    closedir(d);
    close(dfd);
    if (out->n > 1) /* qsort(NULL, 0) is undefined */
        qsort(out->v, out->n, sizeof *out->v, by_pid);
    return 0;
}

void qt_proc_scan_pids(const qt_ctx *ctx, const int *pids, size_t n, double boot, qt_procs *out)
{
    char err[64];
    long hz = sysconf(_SC_CLK_TCK);
    int dfd, procfs;

    memset(out, 0, sizeof *out);
    out->backend = "proc";
    out->boot = boot;
    if (!n || (dfd = open_proc(ctx, err, sizeof err)) < 0)
        return;
    procfs = is_procfs(dfd);
    out->v = qt_calloc(n, sizeof *out->v);
    for (size_t i = 0; i < n; i++)
        if (scan_one(dfd, procfs, pids[i], boot, hz > 0 ? hz : 100, &out->v[out->n]) == 0)
            out->n++;
    close(dfd);
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_pid);
}

void qt_proc_load(const qt_ctx *ctx, qt_procs *t, const size_t *idx, size_t n)
{
    char err[64];
    int dfd, procfs;

    if (!n)
        return;
    if ((dfd = open_proc(ctx, err, sizeof err)) < 0) {
        for (size_t i = 0; i < n; i++)
            t->v[idx[i]].lazy &= (unsigned char)~(QT_PROC_UNREAD | QT_PROC_WANTED);
        return;
    }
    procfs = is_procfs(dfd);
    for (size_t i = 0; i < n; i++)
        load_one(dfd, procfs, &t->v[idx[i]]);
    close(dfd);
}

/* --- formatting (lookups: procs_memo.c) --- */

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
    if (p->lazy & QT_PROC_UNREAD) {
        qt_buf_put_safe(&b, p->comm, strlen(p->comm));
        qt_buf_puts(&b, " (command line not read)");
    } else if (p->argc == 0) {
        qt_buf_putc(&b, '[');
        qt_buf_put_safe(&b, p->comm, strlen(p->comm));
        qt_buf_putc(&b, ']');
    }
    for (int i = 0; i < p->argc; i++) {
        if (i)
            qt_buf_putc(&b, ' ');
        qt_buf_put_safe(&b, p->argv[i], strlen(p->argv[i]));
    }
    if (p->argv_more) {
        qt_buf_putc(&b, ' ');
        qt_buf_puts(&b, qt_proc_argv_more_text(p->argv_more));
    }
    return qt_buf_steal(&b);
}

int qt_proc_is_zombie(const struct qt_proc *p)
{
    return p->state == 'Z' && p->nlwp <= 1;
}

void qt_procs_free(qt_procs *p)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].argv_block == 2) {
            qt_proc_argv_unref(p->v[i].argv);
            continue;
        }
        if (!p->v[i].argv_block)
            for (int a = 0; a < p->v[i].argc; a++)
                free(p->v[i].argv[a]);
        free(p->v[i].argv);
    }
    if (p->pool)
        qt_procs_pool_put(p->pool, p->v);
    else
        free(p->v);
    qt_procs_memo_free(p);
    memset(p, 0, sizeof *p);
}

/* --- environment --- */

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

/* queue_scan.c - reading qmail's queue directories, incrementally: the
 * split read from mess/, each subdirectory re-read only when its mtime
 * changed, a budget of messages per sample. See queue.h. */
#include "diag/queue/queue_int.h"
#include "diag/core/rootfs.h"
#include "diag/core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The channel directories of a split subdirectory, in qmail-send's order. */
enum { D_MESS, D_INFO, D_LOCAL, D_REMOTE, D_N };
static const char *const chan_dir[D_N] = {"mess", "info", "local", "remote"};
/* The flat directories: counted (qmail-qstat) and, for bounce/, listed. */
enum { F_TODO, F_INTD, F_BOUNCE, F_N };
static const char *const flat_dir[F_N] = {"todo", "intd", "bounce"};

struct sdir {
    struct timespec mt[D_N];
    struct timespec read_at;  /* CLOCK_REALTIME when its read started: a file written before has an mtime at or before it */
    int have;                 /* read at least once with these mtimes */
};

struct qt_queue_state {
    char dir[512];
    unsigned split;
    struct qt_qblock **blocks;
    struct sdir *sd;
    struct timespec flat_mt[F_N];
    size_t flat_count[F_N];
    int flat_have[F_N];
    unsigned long *bounce_ids;   /* sorted */
    size_t nbounce;
    unsigned next;               /* round-robin start: no subdirectory starves */
    unsigned re_sub;             /* recheck cursor: subdirectory, message index */
    size_t re_msg;
    struct qt_qauth_cache *auth; /* AUTH users of messages already read (queue_auth.c) */
};

/* --- blocks --- */

static void msg_clear(struct qt_qmsg *m)
{
    free(m->sender);
    for (unsigned i = 0; i < m->nrcpt; i++)
        free(m->rcpt[i]);
    free(m->rcpt);
}

void qt_qblock_unref(struct qt_qblock *b)
{
    if (!b || __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    qt_qblock_sum_free(b);
    for (size_t i = 0; i < b->n; i++)
        msg_clear(&b->m[i]);
    free(b->m);
    free(b);
}

struct qt_qblock *qt_qblock_ref(struct qt_qblock *b)
{
    if (b)
        __atomic_add_fetch(&b->refs, 1, __ATOMIC_ACQ_REL);
    return b;
}

void qt_queue_state_free(qt_queue_state *st)
{
    if (!st)
        return;
    for (unsigned i = 0; i < st->split; i++)
        qt_qblock_unref(st->blocks[i]);
    free(st->blocks);
    free(st->sd);
    free(st->bounce_ids);
    qt_qauth_cache_free(st->auth);
    free(st);
}

/* --- directory helpers --- */

static int name_number(const char *s, unsigned long *out)
{
    return qt_parse_ulong(s, out);
}

/* Is entry e of directory dfd a regular file (d_type, else fstatat without
 * following a link)? */
static int entry_is(int dfd, const struct dirent *e, unsigned type)
{
    struct stat st;
    if (e->d_type != DT_UNKNOWN)
        return e->d_type == type;
    if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    return type == DT_DIR ? S_ISDIR(st.st_mode) : type == DT_REG ? S_ISREG(st.st_mode) : 0;
}

/* Open rel below the queue directory qfd (never leaving it). */
static int open_in(int qfd, const char *rel, int flags, struct stat *st, char *why, size_t n)
{
    return qt_rootfs_openat(qfd, rel, flags, st, why, n);
}

/* Regular files in directory fd (closed), and one level of numeric
 * subdirectories (a split todo/). ids (may be NULL) gets the numeric names
 * of the files at the top level, sorted. */
static size_t count_files(int qfd, const char *rel, int fd, unsigned long **ids, size_t *nids)
{
    DIR *d = fdopendir(fd);
    struct dirent *e;
    size_t n = 0, cap = 0;
    unsigned long id;

    if (ids) {
        *ids = NULL;
        *nids = 0;
    }
    if (!d) {
        close(fd);
        return 0;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (entry_is(dirfd(d), e, DT_REG)) {
            n++;
            if (ids && name_number(e->d_name, &id) == 0) {
                qt_grow(ids, &cap, *nids + 1, sizeof **ids);
                (*ids)[(*nids)++] = id;
            }
        } else if (name_number(e->d_name, &id) == 0 && entry_is(dirfd(d), e, DT_DIR)) {
            char sub[600];
            int sfd;
            snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
            if ((sfd = open_in(qfd, sub, O_DIRECTORY, NULL, NULL, 0)) >= 0)
                n += count_files(qfd, sub, sfd, NULL, NULL);
        }
    }
    closedir(d);
    return n;
}

static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* The split: numeric subdirectories of mess/ (conf-split), as the highest + 1. */
static int read_split(int qfd, unsigned *split, char *why, size_t n)
{
    int fd = open_in(qfd, "mess", O_DIRECTORY, NULL, why, n);
    DIR *d;
    struct dirent *e;
    unsigned long id, mx = 0;
    int any = 0;

    if (fd < 0)
        return -1;
    if (!(d = fdopendir(fd))) {
        snprintf(why, n, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    while ((e = readdir(d)))
        if (name_number(e->d_name, &id) == 0 && id < QT_QUEUE_SPLIT_MAX && entry_is(dirfd(d), e, DT_DIR)) {
            any = 1;
            if (id > mx)
                mx = id;
        }
    closedir(d);
    if (!any) {
        snprintf(why, n, "no split subdirectories in mess/ (not a qmail queue?)");
        errno = ENOENT;
        return -1;
    }
    *split = (unsigned)mx + 1;
    return 0;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* --- one message --- */

/* Read one envelope file; NULL when it is missing (*gone = 1) or unreadable.
 * One openat relative to the subdirectory's fd, opened inside the root
 * (qt_rootfs_open_entry: a regular file, never a link; docs/security.md),
 * and one read of the size fstat gave, capped at max: qmail writes info/
 * once and marks recipients done in place (same size), so a short read is
 * the whole file. 4 system calls per file, no second read for EOF. */
static char *read_env(int dfd, const char *name, size_t max, long *len, struct stat *st, int *gone, int *cut,
                      size_t *files)
{
    char *buf;
    size_t want;
    ssize_t r;
    int fd = qt_rootfs_open_entry(dfd, name, st, NULL, 0);

    if (fd < 0) {
        *gone = errno == ENOENT;
        return NULL;
    }
    (*files)++;
    want = st->st_size > 0 && (size_t)st->st_size < max ? (size_t)st->st_size : max;
    buf = qt_malloc(want + 1);
    do
        r = read(fd, buf, want);
    while (r < 0 && errno == EINTR);
    close(fd);
    if (r < 0) {
        free(buf);
        return NULL;
    }
    if (st->st_size > 0 && (size_t)st->st_size > max)
        *cut = 1;
    buf[r] = '\0';
    *len = (long)r;
    return buf;
}

static char *cap_addr(const char *s, size_t n)
{
    return qt_strndup(s, n < QT_QUEUE_ADDR_MAX ? n : QT_QUEUE_ADDR_MAX);
}

/* "T<addr>\0" pending, "D<addr>\0" done (qmail-qread.c); anything else is
 * skipped as qmail-qread does. A record cut by the size cap is dropped. */
static void parse_rcpts(struct qt_qmsg *m, const char *buf, size_t len, int cut, char chan)
{
    size_t i = 0;
    unsigned *todo = chan == 'L' ? &m->local_todo : &m->remote_todo;
    unsigned *done = chan == 'L' ? &m->local_done : &m->remote_done;

    while (i < len) {
        const char *rec = buf + i, *nul = memchr(rec, '\0', len - i);
        size_t rl;
        if (!nul) {
            if (cut)
                break;
            rl = len - i;
        } else {
            rl = (size_t)(nul - rec);
        }
        if (rl > 0 && rec[0] == 'T') {
            (*todo)++;
            if (m->nrcpt < QT_QUEUE_RCPT_KEEP) {
                char *a = cap_addr(rec, rl);
                a[0] = chan;
                /* exact size: most messages have one recipient, and 100k of them are kept */
                m->rcpt = qt_realloc(m->rcpt, (m->nrcpt + 1) * sizeof *m->rcpt);
                m->rcpt[m->nrcpt++] = a;
            }
        } else if (rl > 0 && rec[0] == 'D') {
            (*done)++;
        }
        i += rl + 1;
    }
}

/* The numeric names of a channel directory, sorted: a message is opened
 * there only when listed (most have either local or remote recipients). */
struct listing {
    unsigned long *ids;
    size_t n;
};

static int listed(const struct listing *l, unsigned long id)
{
    return l->n && bsearch(&id, l->ids, l->n, sizeof *l->ids, cmp_ul) != NULL;
}

/* Read message id of subdirectory fds; 0 read, 1 vanished (skip it). */
static int read_msg(const int fds[D_N], const struct listing chan[D_N], unsigned long id, struct qt_qmsg *m,
                    size_t *files)
{
    char name[32];
    struct stat st;
    long len = 0;
    int gone = 0, cut = 0;
    char *buf;

    memset(m, 0, sizeof *m);
    m->id = id;
    snprintf(name, sizeof name, "%lu", id);
    /* info first: it is what qmail-qread lists; its mtime is the queue time */
    buf = read_env(fds[D_INFO], name, 8 + QT_QUEUE_ADDR_MAX, &len, &st, &gone, &cut, files);
    if (!buf)
        return 1;
    m->birth = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
    {
        const char *nul = memchr(buf, '\0', (size_t)len);
        size_t sl = nul ? (size_t)(nul - buf) : (size_t)len;
        m->sender = sl > 0 ? cap_addr(buf + 1, sl - 1) : qt_strdup("");
    }
    free(buf);
    /* size only: a name relative to a directory opened inside the root, no
     * link followed, no content read */
    m->size = fstatat(fds[D_MESS], name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
    for (int c = D_LOCAL; c <= D_REMOTE; c++) {
        cut = 0;
        if (fds[c] >= 0 && listed(&chan[c], id) &&
            (buf = read_env(fds[c], name, QT_QUEUE_ENV_MAX, &len, &st, &gone, &cut, files))) {
            parse_rcpts(m, buf, (size_t)len, cut, c == D_LOCAL ? 'L' : 'R');
            m->cut |= (unsigned char)cut;
            free(buf);
        }
    }
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const struct qt_qmsg *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Read subdirectory s into a new block; info is the listing of info/S the
 * caller made (sorted, owned here from now on). NULL when its directories
 * cannot be opened (why). */
static struct qt_qblock *read_block(int qfd, unsigned s, struct listing info, size_t *files, size_t *vanished,
                                    char *why, size_t n)
{
    int fds[D_N];
    struct listing chan[D_N];
    struct qt_qblock *b;
    char rel[64];

    for (int c = 0; c < D_N; c++) {
        snprintf(rel, sizeof rel, "%s/%u", chan_dir[c], s);
        fds[c] = open_in(qfd, rel, O_DIRECTORY, NULL, why, n);
        if (fds[c] < 0 && c != D_MESS && c != D_INFO && errno == ENOENT)
            fds[c] = -1; /* an empty channel may be absent: nothing to read there */
        else if (fds[c] < 0) {
            char *w = qt_strdup(why);
            snprintf(why, n, "%s: %s", rel, w);
            free(w);
            for (int k = 0; k < c; k++)
                if (fds[k] >= 0)
                    close(fds[k]);
            free(info.ids);
            return NULL;
        }
    }
    b = qt_calloc(1, sizeof *b);
    b->refs = 1;
    snprintf(rel, sizeof rel, "mess/%u", s);
    b->mess = count_files(qfd, rel, dup(fds[D_MESS]), NULL, NULL);
    memset(chan, 0, sizeof chan);
    chan[D_INFO] = info;
    for (int c = D_LOCAL; c < D_N; c++) {
        if (fds[c] < 0)
            continue;
        snprintf(rel, sizeof rel, "%s/%u", chan_dir[c], s);
        count_files(qfd, rel, dup(fds[c]), &chan[c].ids, &chan[c].n);
        if (chan[c].n)
            qsort(chan[c].ids, chan[c].n, sizeof *chan[c].ids, cmp_ul);
    }
    b->m = qt_calloc(chan[D_INFO].n ? chan[D_INFO].n : 1, sizeof *b->m);
    for (size_t i = 0; i < chan[D_INFO].n; i++) {
        if (read_msg(fds, chan, chan[D_INFO].ids[i], &b->m[b->n], files) == 0)
            b->n++;
        else
            (*vanished)++;
    }
    if (b->n)
        qsort(b->m, b->n, sizeof *b->m, by_id);
    qt_qblock_sum(b);
    for (int c = 0; c < D_N; c++) {
        free(chan[c].ids);
        if (fds[c] >= 0)
            close(fds[c]);
    }
    return b;
}

/* --- reading subdirectories on QT_QUEUE_THREADS threads --- */

/* One subdirectory to read: listed by the scan (the budget), read by a worker. */
struct job {
    unsigned s;
    struct listing info;        /* info/S, sorted; read_block takes it */
    struct timespec mt[D_N], read_at;
    struct qt_qblock *b;        /* the result; NULL with why when it failed */
    size_t files, vanished;
    char why[256];
};

struct pool {
    int qfd;
    struct job *jobs;
    size_t n, next;             /* next: the next job to take (atomic) */
};

/* The numeric names of info/S, sorted. */
static int list_info(int qfd, unsigned s, struct listing *l, char *why, size_t n)
{
    char rel[64];
    int fd;

    snprintf(rel, sizeof rel, "info/%u", s);
    memset(l, 0, sizeof *l);
    if ((fd = open_in(qfd, rel, O_DIRECTORY, NULL, why, n)) < 0) {
        char *w = qt_strdup(why);
        snprintf(why, n, "%s: %s", rel, w);
        free(w);
        return -1;
    }
    count_files(qfd, rel, fd, &l->ids, &l->n);
    if (l->n)
        qsort(l->ids, l->n, sizeof *l->ids, cmp_ul);
    return 0;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    size_t i;

    while ((i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) < p->n) {
        struct job *j = &p->jobs[i];
        j->b = read_block(p->qfd, j->s, j->info, &j->files, &j->vanished, j->why, sizeof j->why);
        j->info.ids = NULL;     /* read_block freed it */
    }
    return NULL;
}

/* Read the jobs' subdirectories: the subdirectories are independent (their
 * own files, their own block), so a second thread reads some of them while
 * this one reads the others. One thread for a single subdirectory. */
static void read_jobs(int qfd, struct job *jobs, size_t n)
{
    struct pool p = {.qfd = qfd, .jobs = jobs, .n = n, .next = 0};
    pthread_t th[QT_QUEUE_THREADS];
    int started = 0;

    for (int t = 1; t < qt_queue_threads && (size_t)t < n && t < QT_QUEUE_THREADS; t++)
        if (pthread_create(&th[started], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
}

static void jobs_free(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].info.ids);
        qt_qblock_unref(jobs[i].b);
    }
    free(jobs);
}

int qt_queue_threads = QT_QUEUE_THREADS;

/* --- the scan --- */

static void state_reset(qt_queue_state *st, const char *dir, unsigned split)
{
    for (unsigned i = 0; i < st->split; i++)
        qt_qblock_unref(st->blocks[i]);
    free(st->blocks);
    free(st->sd);
    free(st->bounce_ids);
    qt_qauth_cache_free(st->auth);
    memset(st, 0, sizeof *st);
    snprintf(st->dir, sizeof st->dir, "%s", dir);
    st->split = split;
    st->blocks = qt_calloc(split, sizeof *st->blocks);
    st->sd = qt_calloc(split, sizeof *st->sd);
}

/* todo/, intd/, bounce/: recounted when their mtime moved. */
static void scan_flat(int qfd, qt_queue_state *st, size_t *files)
{
    for (int f = 0; f < F_N; f++) {
        struct stat sb;
        int fd = open_in(qfd, flat_dir[f], O_DIRECTORY, &sb, NULL, 0);
        if (fd < 0) {
            st->flat_count[f] = 0;
            st->flat_have[f] = 0;
            continue;
        }
        if (st->flat_have[f] && same_time(&sb.st_mtim, &st->flat_mt[f])) {
            close(fd);
            continue;
        }
        if (f == F_BOUNCE) {
            free(st->bounce_ids);
            st->flat_count[f] = count_files(qfd, flat_dir[f], fd, &st->bounce_ids, &st->nbounce);
            if (st->nbounce)
                qsort(st->bounce_ids, st->nbounce, sizeof *st->bounce_ids, cmp_ul);
        } else {
            st->flat_count[f] = count_files(qfd, flat_dir[f], fd, NULL, NULL);
        }
        (*files)++;
        st->flat_mt[f] = sb.st_mtim;
        st->flat_have[f] = 1;
    }
}

/* The subdirectory's directory mtimes now; 0, or -1 when one is unreadable. */
static int sub_times(int qfd, unsigned s, struct timespec mt[D_N])
{
    char rel[64];
    struct stat sb;
    for (int c = 0; c < D_N; c++) {
        int fd;
        snprintf(rel, sizeof rel, "%s/%u", chan_dir[c], s);
        fd = open_in(qfd, rel, O_PATH, &sb, NULL, 0);
        if (fd < 0) {
            memset(&mt[c], 0, sizeof mt[c]);
            continue;
        }
        close(fd);
        mt[c] = sb.st_mtim;
    }
    return 0;
}

static int sub_changed(const struct sdir *sd, const struct timespec mt[D_N])
{
    if (!sd->have)
        return 1;
    for (int c = 0; c < D_N; c++)
        if (!same_time(&sd->mt[c], &mt[c]))
            return 1;
    return 0;
}

/* Recipients marked done in place: qmail-send writes 'D' over 'T' in
 * local/S/ID or remote/S/ID (qmail-send.c markdone) and the directory's
 * mtime does not move, so a block can go stale without sub_changed seeing
 * it. Each sample looks at up to max of those files (fstatat, no open),
 * round-robin over the queue: one whose mtime is after its block's read
 * started (and not in the future) marks that subdirectory changed, re-read on
 * the next sample. A 100k queue is gone through in 100k / max samples.
 * read_at is CLOCK_REALTIME taken before the read, so a file written before
 * is never taken for a new mark; a mark written in the same coarse clock
 * tick (a few ms) after its file was read can be missed until the
 * directory changes. */
static int at_or_after(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static int marked_since(int cfd, unsigned long id, const struct timespec *read_at, const struct timespec *now)
{
    char name[32];
    struct stat sb;
    snprintf(name, sizeof name, "%lu", id);
    return fstatat(cfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && !at_or_after(read_at, &sb.st_mtim) &&
           !at_or_after(&sb.st_mtim, now) ? 1 : 0;
}

static void recheck(int qfd, qt_queue_state *st, size_t max)
{
    struct timespec now;
    size_t done = 0;

    clock_gettime(CLOCK_REALTIME_COARSE, &now);
    now.tv_sec += 1; /* a file written in this coarse tick is not "in the future" */
    for (unsigned k = 0; k <= st->split && done < max; k++) {
        unsigned s = st->re_sub % st->split;
        const struct qt_qblock *b = st->blocks[s];
        int cfd[2] = {-1, -1}, hit = 0;
        char rel[64];

        if (!b || !st->sd[s].have || st->re_msg >= b->n) {
            st->re_sub = (s + 1) % st->split;
            st->re_msg = 0;
            continue;
        }
        for (int c = 0; c < 2; c++) {
            snprintf(rel, sizeof rel, "%s/%u", chan_dir[D_LOCAL + c], s);
            cfd[c] = open_in(qfd, rel, O_DIRECTORY, NULL, NULL, 0);
        }
        for (; st->re_msg < b->n && done < max && !hit; st->re_msg++) {
            const struct qt_qmsg *m = &b->m[st->re_msg];
            if (m->local_todo && cfd[0] >= 0 && (done++, marked_since(cfd[0], m->id, &st->sd[s].read_at, &now)))
                hit = 1;
            if (!hit && m->remote_todo && cfd[1] >= 0 &&
                (done++, marked_since(cfd[1], m->id, &st->sd[s].read_at, &now)))
                hit = 1;
        }
        for (int c = 0; c < 2; c++)
            if (cfd[c] >= 0)
                close(cfd[c]);
        if (hit) {
            st->sd[s].have = 0; /* read again on the next sample, within its budget */
            st->re_msg = b->n;
        }
        if (st->re_msg >= b->n) {
            st->re_sub = (s + 1) % st->split;
            st->re_msg = 0;
        } else {
            break; /* out of budget inside this subdirectory: go on from here next sample */
        }
    }
}

const char *qt_queue_dir(const qt_ctx *ctx, char *out, size_t n)
{
    if (ctx->queue_dir && *ctx->queue_dir)
        snprintf(out, n, "%s", ctx->queue_dir);
    else if (!qt_ctx_qmail(ctx, "queue", out, n))
        snprintf(out, n, "%s", "/var/qmail/queue");
    return out;
}

/* "cannot read the queue (/var/qmail/queue/info/3: Permission denied)":
 * why may start with the subdirectory ("info/3: ...") */
static int fail(char *err, size_t errlen, const char *dir, const char *what, const char *why)
{
    snprintf(err, errlen, "cannot read the queue (%s%s%s%s%s)", dir, *what || strchr(why, '/') ? "/" : "", what,
             *what ? ": " : "", why);
    return -1;
}

int qt_queue_scan(const qt_ctx *ctx, qt_queue_state **stp, size_t budget, qt_queue *out, char *err, size_t errlen)
{
    char dir[512];
    char why[256];
    unsigned split;
    size_t reads = 0, njobs = 0;
    struct job *jobs;
    qt_queue_state *st;
    struct stat sb;
    int qfd = qt_ctx_open(ctx, qt_queue_dir(ctx, dir, sizeof dir), O_DIRECTORY, &sb, why, sizeof why);

    memset(out, 0, sizeof *out);
    snprintf(out->dir, sizeof out->dir, "%s", dir);
    out->now = qt_ctx_now(ctx);
    if (!budget)
        budget = QT_QUEUE_SAMPLE_MSGS;
    if (qfd < 0 && errno == ENOENT) {
        out->absent = 1;
        return 0;
    }
    if (qfd < 0)
        return fail(err, errlen, dir, "", why);
    if (read_split(qfd, &split, why, sizeof why) != 0) {
        close(qfd);
        return fail(err, errlen, dir, "mess", why);
    }
    if (!*stp)
        *stp = qt_calloc(1, sizeof **stp);
    st = *stp;
    if (st->split != split || strcmp(st->dir, dir) != 0)
        state_reset(st, dir, split);
    scan_flat(qfd, st, &out->files_read);

    jobs = qt_calloc(split, sizeof *jobs);
    for (unsigned k = 0, start = st->next; k < split; k++) {
        unsigned s = (start + k) % split;
        struct timespec mt[D_N];
        struct job *j = &jobs[njobs];

        sub_times(qfd, s, mt);
        if (!sub_changed(&st->sd[s], mt))
            continue;
        if (reads >= budget) {
            out->pending_dirs++;
            continue;
        }
        /* the budget counts the listing of info/S, so which subdirectories
         * are read does not depend on how the reading is shared out */
        clock_gettime(CLOCK_REALTIME, &j->read_at);
        if (list_info(qfd, s, &j->info, why, sizeof why) != 0) {
            jobs_free(jobs, njobs);
            close(qfd);
            return fail(err, errlen, dir, "", why);
        }
        j->s = s;
        memcpy(j->mt, mt, sizeof mt);
        njobs++;
        reads += j->info.n ? j->info.n : 1;
        if (reads >= budget)
            st->next = (s + 1) % split;
    }
    read_jobs(qfd, jobs, njobs);
    for (size_t i = 0; i < njobs; i++) {
        struct job *j = &jobs[i];
        out->files_read += j->files;
        out->vanished += j->vanished;
        if (!j->b) {
            snprintf(why, sizeof why, "%s", j->why);
            jobs_free(jobs, njobs);
            close(qfd);
            return fail(err, errlen, dir, "", why);
        }
    }
    for (size_t i = 0; i < njobs; i++) {
        struct job *j = &jobs[i];
        qt_qblock_unref(st->blocks[j->s]);
        st->blocks[j->s] = j->b;
        j->b = NULL;
        st->sd[j->s].read_at = j->read_at;
        memcpy(st->sd[j->s].mt, j->mt, sizeof j->mt);
        st->sd[j->s].have = 1;
    }
    jobs_free(jobs, njobs);
    if (reads < budget)
        recheck(qfd, st, QT_QUEUE_RECHECK);
    close(qfd);

    out->split = split;
    out->partial = out->pending_dirs > 0;
    out->unpreprocessed = st->flat_count[F_TODO];
    out->intd = st->flat_count[F_INTD];
    out->bounce_files = st->flat_count[F_BOUNCE];
    out->blocks = qt_calloc(split, sizeof *out->blocks);
    for (unsigned s = 0; s < split; s++)
        out->blocks[s] = qt_qblock_ref(st->blocks[s]);
    out->bounce_ids = qt_malloc((st->nbounce ? st->nbounce : 1) * sizeof *out->bounce_ids);
    if (st->nbounce)
        memcpy(out->bounce_ids, st->bounce_ids, st->nbounce * sizeof *out->bounce_ids);
    out->nbounce_ids = st->nbounce;
    qt_queue_controls(ctx, out);
    qt_queue_aggregate(out);
    qt_queue_auth(ctx, &st->auth, out);
    return 0;
}

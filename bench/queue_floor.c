/* queue_floor.c - the floor of a full queue scan: only the work every
 * reader of qmail's queue has to do per message, no parsing, no model.
 *
 *   queue_floor QUEUE_DIR [MODE_Nt...]   (a queue written by `queue_bench make`;
 *                                         default every mode below)
 *
 * For each split subdirectory S: list info/S, local/S, remote/S
 * (getdents), then per message N of info/S:
 *   plain_min   openat+read+close of info/S/N and of local/S/N or remote/S/N
 *               when listed there (3 calls a file: the least a reader can do)
 *   plain_today what diag/queue does today (queue_scan.c read_msg): the same
 *               with an fstat after each open (the kind check of
 *               qt_rootfs_open_entry) and an fstatat of mess/S/N: 9 calls
 *   uring_min   plain_min's opens and reads through io_uring: linked
 *               open->read on direct descriptors (the slot reused by the next
 *               batch's open: no close), 256 messages a submit
 *   uring_statx uring_min plus a statx(AT_SYMLINK_NOFOLLOW) of info/S/N,
 *               mess/S/N and the listed channel file in the same batch (kind,
 *               size, mtime without a descriptor)
 * each on 1 thread and on 2 (subdirectories shared from a counter; with
 * io_uring one ring per thread). Every mode runs once untimed first (warm
 * cache), then timed. Output, one line a mode:
 *   MODE_Nt WALL_MS CPU_MS THREADS_MS IOWQ_MS files=F bytes=B
 * CPU_MS: CLOCK_PROCESS_CPUTIME_ID of the whole thread group, which
 * includes io_uring's io-wq workers ("iou-wrk-PID" threads: created with
 * CLONE_THREAD in the submitting process, so they are counted, live or
 * exited); THREADS_MS: CLOCK_THREAD_CPUTIME_ID of this program's own
 * threads summed; IOWQ_MS = CPU_MS - THREADS_MS, the kernel work done for us
 * by io-wq. Driven by bench/queue.sh next to qmail-qread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_NOATIME, statx */
#endif
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
#ifdef QT_HAVE_LIBURING
#include <liburing.h>
#endif

#define SPLIT_MAX 1000
#define BUF 4096
#define BATCH 256 /* messages a submit */
#define OFLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME)

enum { C_INFO, C_MESS, C_LOCAL, C_REMOTE, C_N };
static const char *const cdir[C_N] = {"info", "mess", "local", "remote"};

enum mode { PLAIN_MIN, PLAIN_TODAY, URING_MIN, URING_STATX };
static const char *const mode_name[] = {"plain_min", "plain_today", "uring_min", "uring_statx"};

struct names {
    unsigned long *id;
    size_t n, cap;
};

struct run {
    int qfd;
    unsigned split;
    enum mode mode;
    unsigned next;           /* next subdirectory (atomic) */
    size_t files, bytes;     /* atomic sums */
    double thread_cpu;       /* seconds, summed under lock */
    pthread_mutex_t mu;
};

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double clock_s(clockid_t c)
{
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* Numeric regular-file names of dfd (not closed), sorted. */
static void list(int dfd, struct names *out)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    out->n = 0;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d))) {
        char *end;
        unsigned long v;
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || (e->d_type != DT_REG && e->d_type != DT_UNKNOWN))
            continue;
        v = strtoul(e->d_name, &end, 10);
        if (*end)
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 1024;
            out->id = realloc(out->id, out->cap * sizeof *out->id);
            if (!out->id)
                abort();
        }
        out->id[out->n++] = v;
    }
    closedir(d);
    qsort(out->id, out->n, sizeof *out->id, cmp_ul);
}

static int has(const struct names *l, unsigned long id)
{
    return l->n && bsearch(&id, l->id, l->n, sizeof *l->id, cmp_ul) != NULL;
}

/* The channel directory a message's recipients are in, or -1. */
static int chan_of(const struct names ch[C_N], unsigned long id)
{
    return has(&ch[C_REMOTE], id) ? C_REMOTE : has(&ch[C_LOCAL], id) ? C_LOCAL : -1;
}

/* --- plain system calls --- */

static ssize_t plain_file(int dfd, const char *name, char *buf, int today)
{
    struct stat sb;
    ssize_t r;
    int fd = openat(dfd, name, OFLAGS);
    if (fd < 0 && errno == EPERM)
        fd = openat(dfd, name, OFLAGS & ~O_NOATIME);
    if (fd < 0)
        return -1;
    if (today && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        return -1;
    }
    r = read(fd, buf, BUF);
    close(fd);
    return r;
}

static void plain_sub(int fds[C_N], const struct names ch[C_N], int today, size_t *files, size_t *bytes)
{
    char name[32], buf[BUF];
    struct stat sb;

    for (size_t i = 0; i < ch[C_INFO].n; i++) {
        unsigned long id = ch[C_INFO].id[i];
        ssize_t r;
        int c = chan_of(ch, id);
        snprintf(name, sizeof name, "%lu", id);
        if ((r = plain_file(fds[C_INFO], name, buf, today)) >= 0)
            (*files)++, *bytes += (size_t)r;
        if (today)
            (void)fstatat(fds[C_MESS], name, &sb, AT_SYMLINK_NOFOLLOW); /* the size, as read_msg takes it */
        if (c >= 0 && (r = plain_file(fds[c], name, buf, today)) >= 0)
            (*files)++, *bytes += (size_t)r;
    }
}

/* --- io_uring --- */
#ifdef QT_HAVE_LIBURING
struct uslot {
    char name[24];
    char buf[2][BUF];
    struct statx sx[3];
};

/* Queue one linked openat(direct, slot) -> read(fixed). No close: the next
 * batch's openat into the same slot replaces (and releases) the file, and
 * io_uring_queue_exit releases the last ones (one SQE a file less). */
static void u_or(struct io_uring *ring, int dfd, const char *name, unsigned slot, char *buf, unsigned long tag)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    /* a direct descriptor has no O_CLOEXEC (io_uring refuses it: EINVAL) */
    io_uring_prep_openat_direct(sqe, dfd, name, OFLAGS & ~O_CLOEXEC, 0, slot);
    sqe->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(sqe, 0);
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_read(sqe, (int)slot, buf, BUF, 0);
    sqe->flags |= IOSQE_FIXED_FILE;
    io_uring_sqe_set_data64(sqe, tag);
}

static void u_statx(struct io_uring *ring, int dfd, const char *name, struct statx *sx)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_statx(sqe, dfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_SIZE | STATX_MTIME, sx);
    io_uring_sqe_set_data64(sqe, 2);
}

static void uring_sub(struct io_uring *ring, struct uslot *sl, int fds[C_N], const struct names ch[C_N],
                      int with_statx, size_t *files, size_t *bytes)
{
    for (size_t i0 = 0; i0 < ch[C_INFO].n; i0 += BATCH) {
        size_t nb = ch[C_INFO].n - i0 < BATCH ? ch[C_INFO].n - i0 : BATCH;
        unsigned want = 0, nreq = 0;
        struct io_uring_cqe *cqe;

        for (size_t k = 0; k < nb; k++) {
            unsigned long id = ch[C_INFO].id[i0 + k];
            int c = chan_of(ch, id);
            struct uslot *s = &sl[k];
            snprintf(s->name, sizeof s->name, "%lu", id);
            if (with_statx) {
                u_statx(ring, fds[C_INFO], s->name, &s->sx[0]);
                u_statx(ring, fds[C_MESS], s->name, &s->sx[1]);
                want += 2;
                if (c >= 0) {
                    u_statx(ring, fds[c], s->name, &s->sx[2]);
                    want++;
                }
            }
            /* a successful open posts no CQE (IOSQE_CQE_SKIP_SUCCESS); a failed
             * one posts its error and the read its -ECANCELED */
            u_or(ring, fds[C_INFO], s->name, (unsigned)(2 * k), s->buf[0], 1);
            if (c >= 0)
                u_or(ring, fds[c], s->name, (unsigned)(2 * k + 1), s->buf[1], 1);
            nreq += 1 + (c >= 0);
        }
        want += nreq;
        io_uring_submit_and_wait(ring, want);
        while (want) {
            if (io_uring_wait_cqe(ring, &cqe) != 0)
                abort();
            if (io_uring_cqe_get_data64(cqe) == 1 && cqe->res >= 0)
                (*files)++, *bytes += (size_t)cqe->res;
            if (io_uring_cqe_get_data64(cqe) == 0 && cqe->res < 0)
                want++; /* a failed open (tag 0): its read's -ECANCELED follows */
            else if (cqe->res < 0 && cqe->res != -ECANCELED && getenv("QF_DEBUG"))
                fprintf(stderr, "queue_floor: %s\n", strerror(-cqe->res));
            io_uring_cqe_seen(ring, cqe);
            want--;
        }
    }
}
#endif

static void *worker(void *arg)
{
    struct run *r = arg;
    struct names ch[C_N];
    size_t files = 0, bytes = 0;
    unsigned s;
    double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
#ifdef QT_HAVE_LIBURING
    struct io_uring ring;
    struct uslot *sl = NULL;
    int uring = r->mode == URING_MIN || r->mode == URING_STATX;
    if (uring) {
        /* 256 messages: up to 9 SQEs each */
        /* one thread submits and reaps: completions run when it waits */
        if (io_uring_queue_init(BATCH * 9, &ring,
                                IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL) != 0 || io_uring_register_files_sparse(&ring, 2 * BATCH) != 0) {
            fprintf(stderr, "queue_floor: io_uring unavailable\n");
            exit(1);
        }
        sl = calloc(BATCH, sizeof *sl);
    }
#endif
    memset(ch, 0, sizeof ch);
    while ((s = __atomic_fetch_add(&r->next, 1, __ATOMIC_RELAXED)) < r->split) {
        int fds[C_N];
        char rel[64];
        for (int c = 0; c < C_N; c++) {
            snprintf(rel, sizeof rel, "%s/%u", cdir[c], s);
            fds[c] = openat(r->qfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            ch[c].n = 0;
            if (fds[c] >= 0 && c != C_MESS)
                list(fds[c], &ch[c]);
        }
        if (r->mode == PLAIN_MIN || r->mode == PLAIN_TODAY)
            plain_sub(fds, ch, r->mode == PLAIN_TODAY, &files, &bytes);
#ifdef QT_HAVE_LIBURING
        else
            uring_sub(&ring, sl, fds, ch, r->mode == URING_STATX, &files, &bytes);
#endif
        for (int c = 0; c < C_N; c++)
            if (fds[c] >= 0)
                close(fds[c]);
    }
#ifdef QT_HAVE_LIBURING
    if (uring) {
        io_uring_queue_exit(&ring);
        free(sl);
    }
#endif
    for (int c = 0; c < C_N; c++)
        free(ch[c].id);
    __atomic_add_fetch(&r->files, files, __ATOMIC_RELAXED);
    __atomic_add_fetch(&r->bytes, bytes, __ATOMIC_RELAXED);
    pthread_mutex_lock(&r->mu);
    r->thread_cpu += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static void one(int qfd, unsigned split, enum mode m, int threads, int print)
{
    struct run r = {.qfd = qfd, .split = split, .mode = m};
    pthread_t th[2];
    double t0, c0, wall, cpu;

    pthread_mutex_init(&r.mu, NULL);
    c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    t0 = mono();
    for (int t = 1; t < threads; t++)
        pthread_create(&th[t], NULL, worker, &r);
    worker(&r);
    for (int t = 1; t < threads; t++)
        pthread_join(th[t], NULL);
    wall = mono() - t0;
    /* after io_uring_queue_exit the io-wq workers have exited: their time is
     * in the thread group's (signal) sums that this clock reads */
    usleep(20000);
    cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    if (print)
        printf("%s_%dt %.1f %.1f %.1f %.1f files=%zu bytes=%zu\n", mode_name[m], threads, wall * 1e3, cpu * 1e3,
               r.thread_cpu * 1e3, (cpu - r.thread_cpu) * 1e3, r.files, r.bytes);
    pthread_mutex_destroy(&r.mu);
}

static int chosen(int argc, char **argv, enum mode m, int threads)
{
    char want[32];
    snprintf(want, sizeof want, "%s_%dt", mode_name[m], threads);
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], want) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int qfd;
    unsigned split = 0;
    DIR *d;
    struct dirent *e;
    enum mode last = PLAIN_TODAY;

    if (argc < 2) {
        fprintf(stderr, "usage: queue_floor QUEUE_DIR [MODE_Nt...]\n");
        return 2;
    }
    if ((qfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || !(d = opendir(argv[1]))) {
        perror(argv[1]);
        return 1;
    }
    closedir(d);
    {
        char p[4096];
        snprintf(p, sizeof p, "%s/mess", argv[1]);
        if (!(d = opendir(p))) {
            perror(p);
            return 1;
        }
        while ((e = readdir(d)))
            if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && (unsigned)atoi(e->d_name) + 1 > split &&
                atoi(e->d_name) < SPLIT_MAX)
                split = (unsigned)atoi(e->d_name) + 1;
        closedir(d);
    }
#ifdef QT_HAVE_LIBURING
    {
        /* io_uring may be refused (seccomp, the io_uring_disabled sysctl):
         * then the plain modes only, and say so */
        struct io_uring probe;
        int e = io_uring_queue_init(8, &probe, 0);
        if (e == 0) {
            io_uring_queue_exit(&probe);
            last = URING_STATX;
        } else {
            fprintf(stderr, "queue_floor: io_uring unavailable (%s): plain modes only\n", strerror(-e));
        }
    }
#endif
    for (int m = PLAIN_MIN; m <= (int)last; m++)
        for (int t = 1; t <= 2; t++) {
            if (argc > 2 && !chosen(argc, argv, (enum mode)m, t))
                continue;
            one(qfd, split, (enum mode)m, t, 0);
            one(qfd, split, (enum mode)m, t, 1);
        }
    fflush(stdout);
    close(qfd);
    return 0;
}

/* queue_bench.c - the queue reader (diag/queue) on a generated queue.
 *
 *   queue_bench make ROOT N     write a queue of N messages under ROOT/var/qmail/queue
 *                               (tests/unit/queue_fixture.c: the layout qmail-queue and
 *                               qmail-send leave, split 23), a flood sender, bounces,
 *                               double bounces, local and remote recipients
 *   queue_bench scan ROOT [R]   the collector's work on it, in one process:
 *                               full   every subdirectory read at once (fresh state, no budget),
 *                                      on QT_QUEUE_THREADS threads; full_1t the same on one
 *                                      thread (qt_queue_threads = 1); both with their CPU time
 *                               first  the first sample as the collector takes it (budget
 *                                      QT_QUEUE_SAMPLE_MSGS: partial)
 *                               steady a sample with nothing changed (median of R, default 21)
 *                               one    a sample after one new message (one subdirectory re-read)
 *                               and the peak RSS (getrusage ru_maxrss)
 * Driven by bench/queue.sh, which runs qmail-qread and qmail-qstat on the same queue. */
#include "diag/queue/queue.h"
#include "diag/core/util.h"
#include "tests/unit/queue_fixture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_value;
static double fake_now(void) { return now_value; }

static void make(const char *root, long n)
{
    const char *q = qf_make(root, 23);
    static const char *const remote[] = {"TRbob@example.net", "TRcarol@blocked.example", NULL};
    static const char *const local[] = {"TLuser@local.example", NULL};
    static const char *const done[] = {"DRa@example.net", "TRb@example.org", "TLc@local.example", NULL};
    double t = (double)time(NULL);
    char sender[64];

    for (long i = 0; i < n; i++) {
        const char *const *r = i % 5 == 0 ? local : i % 7 == 0 ? done : remote;
        if (i % 2 == 0)
            snprintf(sender, sizeof sender, "flood@local.example");
        else if (i % 11 == 0)
            sender[0] = '\0';
        else if (i % 101 == 0)
            snprintf(sender, sizeof sender, "#@[]");
        else
            snprintf(sender, sizeof sender, "user%ld@example.org", i % 997);
        qf_add(q, 23, sender, r, t - (double)(i % 20000) * 60, "Received: from x\nSubject: bench\n\nbody\n");
    }
    for (long i = 0; i < n / 1000; i++)
        qf_add_todo(q, 23, "new@example.org", "x@example.net");
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double scan(const qt_ctx *ctx, qt_queue_state **st, size_t budget, qt_queue *q)
{
    char err[256];
    double t0 = qt_now_mono();
    if (qt_queue_scan(ctx, st, budget, q, err, sizeof err) != 0) {
        fprintf(stderr, "queue_bench: %s\n", err);
        exit(1);
    }
    return qt_now_mono() - t0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    qt_ctx ctx;
    qt_queue q;
    qt_queue_state *st = NULL;
    int runs = argc > 3 ? atoi(argv[3]) : 21;
    double full, first, one, *steady, full1, full_cpu, full1_cpu, cpu0;
    struct rusage ru;

    if (argc == 4 && strcmp(argv[1], "make") == 0) {
        make(argv[2], atol(argv[3]));
        return 0;
    }
    if (argc < 3 || strcmp(argv[1], "scan") != 0 || runs < 1) {
        fprintf(stderr, "usage: queue_bench make ROOT N | queue_bench scan ROOT [RUNS]\n");
        return 2;
    }
    qt_ctx_defaults(&ctx);
    ctx.root = argv[2];
    now_value = (double)time(NULL);
    ctx.now = fake_now;

    /* single-threaded first, then the default: the same warm cache for both */
    qt_queue_threads = 1;
    cpu0 = cpu_now();
    full1 = scan(&ctx, &st, SIZE_MAX, &q);
    full1_cpu = cpu_now() - cpu0;
    qt_queue_free(&q);
    qt_queue_state_free(st);
    st = NULL;
    qt_queue_threads = QT_QUEUE_THREADS;
    cpu0 = cpu_now();
    full = scan(&ctx, &st, SIZE_MAX, &q);
    full_cpu = cpu_now() - cpu0;
    printf("messages %zu listed %zu unpreprocessed %zu split %u partial %d\n", q.messages, q.listed,
           q.unpreprocessed, q.split, q.partial);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    st = NULL;
    first = scan(&ctx, &st, 0, &q);
    printf("first sample: partial %d, %u subdirectories pending, %zu listed\n", q.partial, q.pending_dirs, q.listed);
    qt_queue_free(&q);
    while (scan(&ctx, &st, 0, &q) >= 0 && q.partial)
        qt_queue_free(&q);
    qt_queue_free(&q);
    steady = qt_calloc((size_t)runs, sizeof *steady);
    for (int i = 0; i < runs; i++) {
        steady[i] = scan(&ctx, &st, 0, &q);
        if (q.files_read > 3) {
            fprintf(stderr, "queue_bench: steady state read %zu files\n", q.files_read);
            return 1;
        }
        qt_queue_free(&q);
    }
    qsort(steady, (size_t)runs, sizeof *steady, cmp_d);
    {
        char path[4096], f[4200];
        unsigned long id;
        snprintf(path, sizeof path, "%s/var/qmail/queue", argv[2]);
        id = qf_add(path, 23, "late@example.org", (const char *const[]){"TRz@example.net", NULL}, now_value, NULL);
        one = scan(&ctx, &st, 0, &q);
        printf("after one new message: %zu files read, %zu listed\n", q.files_read, q.listed);
        qt_queue_free(&q);
        /* take it out again: the queue stays what qmail-qread and qmail-qstat read */
        for (const char *const *d = (const char *const[]){"remote", "info", "mess", NULL}; *d; d++) {
            snprintf(f, sizeof f, "%s/%s/%lu/%lu", path, *d, id % 23, id);
            unlink(f);
        }
    }
    qt_queue_state_free(st);
    getrusage(RUSAGE_SELF, &ru);
    /* one "key value unit" per line: bench/queue.sh takes medians of them */
    printf("full_scan %.1f ms\nfull_scan_cpu %.1f ms\nfull_scan_1t %.1f ms\nfull_scan_1t_cpu %.1f ms\n"
           "first_sample %.1f ms\nsteady_sample %.3f ms\none_new_message %.2f ms\npeak_rss %.1f MiB\n",
           full * 1e3, full_cpu * 1e3, full1 * 1e3, full1_cpu * 1e3, first * 1e3, steady[runs / 2] * 1e3, one * 1e3,
           ru.ru_maxrss / 1024.0);
    free(steady);
    return 0;
}

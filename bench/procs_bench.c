/* procs_bench - time qtriage's process sample: the procs collector (build's
 * backend, persistent reader) followed by the zombies collector, exactly as
 * the sampler runs them, K times in one process.
 *
 *   procs_bench [-n SAMPLES] [-p]
 *   -n SAMPLES  samples to take (default 1)
 *   -p          procs collector only (no zombie grouping)
 *
 * Prints one line: backend, processes, zombies, groups, and the first and
 * median sample times in ms. Used by bench/bench_procs.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../diag/procs.h"
#include "../diag/snapshot.h"
#include "../diag/util.h"
#include "../diag/zombies.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    qt_ctx ctx;
    void *pstate = NULL, *zstate = NULL;
    int n = 1, procs_only = 0, opt;
    double *ms;
    size_t nprocs = 0, nz = 0, ng = 0;
    const char *backend = "?";

    while ((opt = getopt(argc, argv, "n:p")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'p')
            procs_only = 1;
        else {
            fprintf(stderr, "usage: procs_bench [-n SAMPLES] [-p]\n");
            return 2;
        }
    }
    if (n < 1)
        n = 1;
    ms = qt_calloc((size_t)n, sizeof *ms);
    qt_ctx_defaults(&ctx);
    for (int i = 0; i < n; i++) {
        qt_snapshot snap;
        char err[256];
        double t0;

        memset(&snap, 0, sizeof snap);
        snap.wall = qt_now_wall();
        t0 = qt_now_mono();
        if (qt_collector_procs.collect(&ctx, &pstate, &snap, err, sizeof err) != 0) {
            fprintf(stderr, "procs_bench: %s\n", err);
            return 1;
        }
        snap.src[QT_SRC_PROCS].state = QT_SRC_OK;
        if (!procs_only && qt_collector_zombies.collect(&ctx, &zstate, &snap, err, sizeof err) != 0) {
            fprintf(stderr, "procs_bench: %s\n", err);
            return 1;
        }
        ms[i] = (qt_now_mono() - t0) * 1000;
        nprocs = snap.procs->n;
        backend = snap.procs->backend;
        if (snap.zombies) {
            nz = snap.zombies->total;
            ng = snap.zombies->n;
        }
        if (qt_collector_zombies.free_model)
            qt_collector_zombies.free_model(&snap);
        qt_collector_procs.free_model(&snap);
    }
    {
        double first = ms[0];
        qsort(ms, (size_t)n, sizeof *ms, cmp);
        printf("backend=%s procs=%zu zombies=%zu groups=%zu samples=%d first_ms=%.1f median_ms=%.1f min_ms=%.1f\n",
               backend, nprocs, nz, ng, n, first, ms[n / 2], ms[0]);
    }
    if (pstate)
        qt_collector_procs.free_state(pstate);
    if (zstate)
        qt_collector_zombies.free_state(zstate);
    free(ms);
    return 0;
}

/* procs_bench - time qtriage's process sample: the procs collector (build's
 * backend, persistent reader) followed by the zombies collector, exactly as
 * the sampler runs them, K times in one process.
 *
 *   procs_bench [-n SAMPLES] [-p] [-b SET | -l LOADER | -s SCAN]
 *   -n SAMPLES  samples to take (default 1)
 *   -p          procs collector only (no zombie grouping)
 *   -b SET      instead, a bare libproc2 reap of an item set, to see what
 *               each field costs: bare (pid ppid state: stat only), stat
 *               (every stat field qtriage uses), stat+status (+ real uid),
 *               stat+cmdline (+ argv), full (all of them, no copying)
 *   -l LOADER   instead, the first sample's lazy load: argv and uid of
 *               every process of a fresh stat scan, by LOADER "libproc2"
 *               (procps_pids_select batches, qt_lp2_load) or "proc" (the
 *               /proc reader's pinned directory fd, qt_proc_load); SAMPLES
 *               rounds, the load alone timed (wall and CPU)
 *   -s SCAN     instead, one stat scan of every process, SAMPLES rounds
 *               (wall and CPU): "libproc2" (qt_lp2_scan, procps_pids_reap),
 *               "proc" (the /proc reader's qt_proc_scan, which the safety
 *               net uses in both builds) or "raw" (the floor: readdir, then
 *               openat + one read + close of each stat file, no parsing)
 *
 * Prints one line: backend, processes, zombies, groups, and the first and
 * median sample times in ms. Used by bench/bench_procs.py.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/procs/procs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/zombies/zombies.h"

#ifdef QT_HAVE_LIBPROC2
#include <libproc2/pids.h>

static int bare_reap(const char *set, int n)
{
    static enum pids_item stat_items[] = {PIDS_ID_PID, PIDS_ID_PPID, PIDS_ID_PGRP, PIDS_ID_SESSION, PIDS_STATE,
                                          PIDS_TICS_BEGAN, PIDS_CMD, PIDS_FLAGS, PIDS_NLWP, PIDS_ID_RUID,
                                          PIDS_CMDLINE_V};
    enum pids_item items[16];
    int k = 0;
    struct pids_info *info = NULL;
    double best = 1e9, t0;
    int total = 0;

    if (strcmp(set, "bare") == 0) {
        items[k++] = PIDS_ID_PID;
        items[k++] = PIDS_ID_PPID;
        items[k++] = PIDS_STATE;
    } else {
        for (int i = 0; i < 9; i++)
            items[k++] = stat_items[i];
        if (strcmp(set, "stat+status") == 0 || strcmp(set, "full") == 0)
            items[k++] = PIDS_ID_RUID;
        if (strcmp(set, "stat+cmdline") == 0 || strcmp(set, "full") == 0)
            items[k++] = PIDS_CMDLINE_V;
        if (strcmp(set, "stat") && strcmp(set, "stat+status") && strcmp(set, "stat+cmdline") && strcmp(set, "full")) {
            fprintf(stderr, "procs_bench: unknown set %s\n", set);
            return 2;
        }
    }
    if (procps_pids_new(&info, items, k) < 0)
        return 1;
    for (int i = 0; i < n; i++) {
        struct pids_fetch *f;
        t0 = qt_now_mono();
        f = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
        if (!f)
            return 1;
        total = f->counts->total;
        if (qt_now_mono() - t0 < best)
            best = qt_now_mono() - t0;
    }
    printf("libproc2 reap set=%s procs=%d samples=%d min_ms=%.1f\n", set, total, n, best * 1000);
    procps_pids_unref(&info);
    return 0;
}
#endif

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One line for n timed rounds: wall and CPU medians, the least CPU (sorts ms and cpu). */
static void print_rounds(const char *what, const char *name, size_t nprocs, int n, double *ms, double *cpu)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    qsort(cpu, (size_t)n, sizeof *cpu, cmp);
    printf("%s=%s procs=%zu rounds=%d median_ms=%.1f median_cpu_ms=%.1f min_cpu_ms=%.1f\n", what, name, nprocs, n,
           ms[n / 2], cpu[n / 2], cpu[0]);
}

/* -l: the load of every process, timed alone, n rounds. */
static int load_bench(const char *loader, int n)
{
    qt_ctx ctx;
    double *ms = qt_calloc((size_t)n, sizeof *ms), *cpu = qt_calloc((size_t)n, sizeof *cpu);
    size_t nprocs = 0;
#ifdef QT_HAVE_LIBPROC2
    char err[256];
    struct qt_lp2 *lp = qt_lp2_new(err, sizeof err);
#endif

    if (strcmp(loader, "proc") != 0 && strcmp(loader, "libproc2") != 0) {
        fprintf(stderr, "procs_bench: -l proc or -l libproc2\n");
        return 2;
    }
#ifndef QT_HAVE_LIBPROC2
    if (strcmp(loader, "libproc2") == 0) {
        fprintf(stderr, "procs_bench: -l libproc2 needs a libproc2 build\n");
        return 2;
    }
#endif
    qt_ctx_defaults(&ctx);
    for (int i = 0; i < n; i++) {
        qt_procs t;
        char e[256];
        size_t *idx;
        double t0, c0;
        if (qt_proc_scan(&ctx, &t, e, sizeof e) != 0) {
            fprintf(stderr, "procs_bench: %s\n", e);
            return 1;
        }
        idx = qt_calloc(t.n ? t.n : 1, sizeof *idx);
        for (size_t k = 0; k < t.n; k++)
            idx[k] = k;
        t0 = qt_now_mono();
        c0 = qt_now_cpu();
#ifdef QT_HAVE_LIBPROC2
        if (strcmp(loader, "libproc2") == 0)
            qt_lp2_load(lp, &ctx, &t, idx, t.n);
        else
#endif
            qt_proc_load(&ctx, &t, idx, t.n);
        cpu[i] = (qt_now_cpu() - c0) * 1000;
        ms[i] = (qt_now_mono() - t0) * 1000;
        nprocs = t.n;
        free(idx);
        qt_procs_free(&t);
    }
    print_rounds("load", loader, nprocs, n, ms, cpu);
#ifdef QT_HAVE_LIBPROC2
    if (lp)
        qt_lp2_free(lp);
#endif
    free(ms);
    free(cpu);
    return 0;
}

/* -s raw: what any stat scan must do, nothing more. */
static size_t raw_scan(void)
{
    DIR *d = opendir("/proc");
    struct dirent *de;
    size_t n = 0;
    char rel[300], buf[1024];

    if (!d)
        return 0;
    while ((de = readdir(d))) {
        int fd;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(rel, sizeof rel, "%s/stat", de->d_name);
        if ((fd = openat(dirfd(d), rel, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        n += read(fd, buf, sizeof buf) > 0;
        close(fd);
    }
    closedir(d);
    return n;
}

static int scan_bench(const char *how, int n)
{
    qt_ctx ctx;
    double *ms = qt_calloc((size_t)n, sizeof *ms), *cpu = qt_calloc((size_t)n, sizeof *cpu);
    size_t nprocs = 0;
    char err[256];
#ifdef QT_HAVE_LIBPROC2
    struct qt_lp2 *lp = qt_lp2_new(err, sizeof err);
#endif

    qt_ctx_defaults(&ctx);
    for (int i = 0; i < n; i++) {
        qt_procs t;
        double t0 = qt_now_mono(), c0 = qt_now_cpu();
        int rc = 0;
        memset(&t, 0, sizeof t);
        if (strcmp(how, "raw") == 0)
            t.n = raw_scan();
        else if (strcmp(how, "proc") == 0)
            rc = qt_proc_scan(&ctx, &t, err, sizeof err);
#ifdef QT_HAVE_LIBPROC2
        else if (strcmp(how, "libproc2") == 0)
            rc = lp ? qt_lp2_scan(lp, &ctx, &t, err, sizeof err) : -1;
#endif
        else {
            fprintf(stderr, "procs_bench: -s raw, proc or libproc2 (in a libproc2 build)\n");
            return 2;
        }
        cpu[i] = (qt_now_cpu() - c0) * 1000;
        ms[i] = (qt_now_mono() - t0) * 1000;
        if (rc != 0) {
            fprintf(stderr, "procs_bench: %s\n", err);
            return 1;
        }
        nprocs = t.n;
        if (t.v)
            qt_procs_free(&t);
    }
    print_rounds("scan", how, nprocs, n, ms, cpu);
#ifdef QT_HAVE_LIBPROC2
    qt_lp2_free(lp);
#endif
    free(ms);
    free(cpu);
    return 0;
}

int main(int argc, char **argv)
{
    qt_ctx ctx;
    void *pstate = NULL, *zstate = NULL;
    int n = 1, procs_only = 0, opt;
    double *ms;
    size_t nprocs = 0, nz = 0, ng = 0;
    const char *backend = "?";

    const char *set = NULL, *loader = NULL, *scan = NULL;

    while ((opt = getopt(argc, argv, "n:pb:l:s:")) != -1) {
        if (opt == 'n')
            n = atoi(optarg);
        else if (opt == 'p')
            procs_only = 1;
        else if (opt == 'b')
            set = optarg;
        else if (opt == 'l')
            loader = optarg;
        else if (opt == 's')
            scan = optarg;
        else {
            fprintf(stderr, "usage: procs_bench [-n SAMPLES] [-p] [-b SET | -l LOADER | -s SCAN]\n");
            return 2;
        }
    }
    if (n < 1)
        n = 1;
    if (loader)
        return load_bench(loader, n);
    if (scan)
        return scan_bench(scan, n);
    if (set) {
#ifdef QT_HAVE_LIBPROC2
        return bare_reap(set, n);
#else
        fprintf(stderr, "procs_bench: -b needs a libproc2 build\n");
        return 2;
#endif
    }
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
        qt_collector_procs.seal(&snap);
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

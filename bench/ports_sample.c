/* ports_sample.c - time the Ports collector headlessly (bench/ports.sh).
 * Takes COUNT samples INTERVAL seconds apart with the same collectors as
 * `qtriage --once` and prints, per sample, the time of each collector and
 * of the two halves of the sockets collector (kernel dump, stage mapping)
 * plus how many fd lists were read:
 *   sample N total_ms procs_ms sockets_ms dump_ms stage_ms scanned rescanned socks ips
 *            procs_cpu_ms sockets_cpu_ms dump_cpu_ms stage_cpu_ms facts tcp_info partly reused
 * (facts: owners whose facts the stage mapping computed, not kept; tcp_info:
 * 1 when the dump asked for the byte counters; partly: listeners' children
 * read at fd 0 and 1 only; reused: 1 when nothing changed and the mapping
 * was the last sample's, diag/ports/stage_reuse.c)
 * (wall-clock ms, then CPU ms of this process, kernel time included: on a
 * shared machine the CPU figures are the stable ones)
 * Usage: ports_sample PORTS COUNT INTERVAL [--no-procs] [--bytes]
 *   --no-procs  skip the process table (socket dump only: what `ss -tn` does)
 *   --bytes     read the byte counters (tcp_info) as the console's Ports
 *               views do; without it, as --batch and --check do */
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
    qt_ctx ctx;
    void *state = NULL, *pstate = NULL;
    char err[256];
    unsigned long count;
    double interval;
    int no_procs = 0, bytes = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: ports_sample PORTS COUNT INTERVAL [--no-procs]\n");
        return 2;
    }
    for (int i = 4; i < argc; i++) {
        no_procs |= strcmp(argv[i], "--no-procs") == 0;
        bytes |= strcmp(argv[i], "--bytes") == 0;
    }
    qt_ctx_defaults(&ctx);
    ctx.want_bytes = bytes;
    if (qt_ctx_parse_ports(&ctx, argv[1], err, sizeof err) != 0) {
        fprintf(stderr, "ports_sample: %s\n", err);
        return 2;
    }
    count = strtoul(argv[2], NULL, 10);
    interval = strtod(argv[3], NULL);
    for (unsigned long i = 0; i < count; i++) {
        qt_snapshot snap;
        double t0 = qt_now_mono(), t1, t2, c0, c1, c2;
        memset(&snap, 0, sizeof snap);
        if (i && interval > 0) {
            struct timespec ts = {(time_t)interval, (long)((interval - (double)(time_t)interval) * 1e9)};
            nanosleep(&ts, NULL);
            t0 = qt_now_mono();
        }
        c0 = qt_now_cpu();
        if (!no_procs && qt_collector_procs.collect(&ctx, &pstate, &snap, err, sizeof err) != 0) {
            fprintf(stderr, "ports_sample: procs: %s\n", err);
            return 1;
        }
        t1 = qt_now_mono();
        c1 = qt_now_cpu();
        if (qt_collector_sockets.collect(&ctx, &state, &snap, err, sizeof err) != 0) {
            fprintf(stderr, "ports_sample: sockets: %s\n", err);
            return 1;
        }
        if (snap.procs)
            qt_collector_procs.seal(&snap);
        t2 = qt_now_mono();
        c2 = qt_now_cpu();
        printf("sample %lu %.2f %.2f %.2f %.2f %.2f %u %u %zu %zu %.2f %.2f %.2f %.2f %u %d %u %u\n", i + 1, (t2 - t0) * 1e3,
               (t1 - t0) * 1e3, (t2 - t1) * 1e3, snap.sockets->dump_took * 1e3, snap.sockets->stage.took * 1e3,
               snap.sockets->stage.scanned, snap.sockets->stage.rescanned, snap.sockets->socks.n, snap.sockets->nips,
               (c1 - c0) * 1e3, (c2 - c1) * 1e3, snap.sockets->dump_cpu * 1e3, snap.sockets->stage.cpu * 1e3,
               snap.sockets->stage.facts, snap.sockets->tcp_info, snap.sockets->stage.partly, snap.sockets->stage.reused);
        fflush(stdout);
        qt_collector_sockets.free_model(&snap);
        if (snap.procs)
            qt_collector_procs.free_model(&snap);
    }
    qt_collector_sockets.free_state(state);
    if (pstate)
        qt_collector_procs.free_state(pstate);
    return 0;
}

/* log_follow.c - what following a growing log costs (issue 16 target: a log
 * growing by 2,000 lines/s costs <= 2% of a core). Not a test.
 *
 *   build/bench/log_follow [LINES_PER_S] [SECONDS]   (default 2000 20)
 *
 * Appends lines of the lab's shapes to a file in a temporary --root at the
 * given rate, in 10 bursts a second, and once a second (qtriage's default
 * --interval) polls it with qt_log_follow and classifies every new line.
 * Prints the CPU time (user + system, this thread, qt_now_cpu) of the polls
 * and the classification only, over the wall time, as % of a core; the
 * writing is not counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"
#include "diag/logs/logs.h"
#include "diag/logs/logs_follow.h"

static const char *const shapes[] = {
    "@400000006b0ba44436401984 tcpserver: status: 12/40",
    "@400000006b0ba44436401984 tcpserver: pid 24001 from 203.0.113.9",
    "@400000006b0ba44436401984 tcpserver: ok 24001 0:127.0.0.1:587 :203.0.113.9::56105",
    "@400000006b0ba44436401984 tcpserver: end 24001 status 256",
    "Nov 29 04:04:10 mail vpopmail[4321]: vchkpw-submission: password fail user7@example.test:203.0.113.9",
    "@400000006b0ba44436401984 info msg 1310701: bytes 2201 from <news@remote.example> qp 4101 uid 1004",
    "@400000006b0ba44436401984 starting delivery 7: msg 1310701 to remote rcpt@remote.example",
    "@400000006b0ba44436401984 delivery 7: deferral: Connected_to_192.0.2.30_but_connection_died._(#4.4.2)/",
};

struct counts {
    qt_log_ctx *c;
    unsigned long lines, cats[QT_LOG_NCATS];
};

static void on_line(const char *line, size_t n, int cut, void *arg)
{
    struct counts *k = arg;
    qt_log_rec r;
    (void)cut;
    qt_log_classify(k->c, line, n, &r);
    k->lines++;
    k->cats[r.cat]++;
}

int main(int argc, char **argv)
{
    long rate = argc > 1 ? atol(argv[1]) : 2000, secs = argc > 2 ? atol(argv[2]) : 20;
    char root[] = "/tmp/qt-follow-bench-XXXXXX", path[128], why[256];
    qt_ctx ctx;
    qt_log_follow *f = qt_malloc(sizeof *f);
    struct counts k = {.c = qt_log_ctx_new(time(NULL))};
    double cpu = 0, t0;
    unsigned long written = 0;
    FILE *w;

    if (!mkdtemp(root))
        return 1;
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    snprintf(path, sizeof path, "%s/current", root);
    w = fopen(path, "w");
    if (!w || qt_log_follow_open(f, &ctx, "/current", 0, why, sizeof why) != 0)
        return 1;
    t0 = qt_now_mono();
    for (long tick = 0; tick < secs * 10; tick++) {
        for (long i = 0; i < rate / 10; i++, written++)
            fprintf(w, "%s\n", shapes[written % (sizeof shapes / sizeof shapes[0])]);
        fflush(w);
        if (tick % 10 == 9) {
            double c0 = qt_now_cpu();
            if (qt_log_follow_poll(f, &ctx, 64 << 20, on_line, &k, why, sizeof why) < 0)
                return 1;
            cpu += qt_now_cpu() - c0;
        }
        double next = t0 + (tick + 1) * 0.1, now = qt_now_mono();
        if (next > now)
            usleep((useconds_t)((next - now) * 1e6));
    }
    double wall = qt_now_mono() - t0;
    printf("followed %lu of %lu lines at %ld lines/s for %.1f s: %.4f s CPU, %.3f%% of a core "
           "(target <= 2%%); %lu auth_fail, %lu connection_died\n",
           k.lines, written, rate, wall, cpu, 100 * cpu / wall, k.cats[QT_LOG_AUTH_FAIL],
           k.cats[QT_LOG_CONNECTION_DIED]);
    fclose(w);
    unlink(path);
    rmdir(root);
    qt_log_follow_close(f);
    qt_log_ctx_free(k.c);
    free(f);
    return 0;
}

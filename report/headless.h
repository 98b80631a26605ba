/* headless.h - the no-terminal modes: --check, --json, --report, --prometheus.
 * src/main.c fills this from the command line and calls qt_headless_run(). */
#ifndef QT_HEADLESS_H
#define QT_HEADLESS_H

#include "report/monitor.h"
#include "report/report.h"

struct qt_headless {
    const qt_ctx *ctx;
    const struct qt_report_store *store;  /* --load: export this instead of sampling */
    int check;                  /* --check (alone: nothing else is written) */
    struct qt_check_opts check_opts;
    int json;                   /* --json: the JSON document on stdout */
    const char *report;         /* --report TARGET (see qt_report_target_kind) */
    const char *prometheus;     /* --prometheus FILE */
    double timeout;             /* bound on the whole --check run, and on sampling otherwise */
};

/* Run the modes asked for from one sample. Exit code: --check 0..3 (OK,
 * WARNING, CRITICAL, UNKNOWN); otherwise 0, or 1 when something could not
 * be written or the sample timed out (a one-line message on stderr). */
int qt_headless_run(const struct qt_headless *h);

#endif

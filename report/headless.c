/* headless.c - see headless.h */
#include "report/headless.h"
#include "diag/config/config.h"
#include "diag/core/util.h"
#include "diag/probe/probe_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A message naming a file: the name is escaped like all other text. */
static void say(const char *what, const char *text)
{
    char *t = qt_safe_strdup(text, strlen(text));
    fprintf(stderr, "%s%s\n", what, t);
    free(t);
}

/* The probes (issue 18) and the PTR lookup within what is left of --timeout; the idle probes
 * only with --probe-idle, and then the run waits for them (two bounds per
 * service: the silent client, then the partial ClientHello). */
static void probe(const struct qt_headless *h, qt_snapshot *snap, double budget)
{
    if (h->ctx->probe_idle > 0) {
        char msg[128];
        snprintf(msg, sizeof msg, h->check ? "QTRIAGE UNKNOWN - timed out in the idle probes\n"
                                           : "qtriage: timed out in the idle probes\n");
        qt_watchdog(2 * h->ctx->probe_idle + 20 + h->timeout, h->check ? STDOUT_FILENO : STDERR_FILENO, msg,
                    h->check ? QT_NAGIOS_UNKNOWN : 1);
        if (budget < 2 * QT_PROBE_HS_TIMEOUT)
            budget = 2 * QT_PROBE_HS_TIMEOUT;
    }
    double t0 = qt_now_mono();
    qt_probe_batch(h->ctx, snap, budget);
    /* the public IP's PTR vs helohost (--dns-server, --public-ip) */
    qt_config_dns_batch(h->ctx, snap, budget - (qt_now_mono() - t0));
}

static int run_check(const struct qt_headless *h)
{
    qt_sampler sampler = {0};
    qt_snapshot *snap;
    qt_buf out = {0};
    char msg[128];
    enum qt_nagios st;
    double t0;

    /* armed before anything can block: a hung /proc read or a full disk
     * must still give the monitoring engine one line and UNKNOWN in time */
    snprintf(msg, sizeof msg, "QTRIAGE UNKNOWN - timed out after %g s\n", h->timeout);
    qt_watchdog(h->timeout, STDOUT_FILENO, msg, QT_NAGIOS_UNKNOWN);
    t0 = qt_now_mono();
    snap = qt_sample(&sampler, h->ctx);
    probe(h, snap, h->timeout - (qt_now_mono() - t0) - 0.5);
    st = qt_check_eval(snap, &h->check_opts, &out);
    fputs(qt_buf_str(&out), stdout);
    fflush(stdout);
    qt_watchdog(0, -1, NULL, 0);
    qt_buf_free(&out);
    qt_snapshot_free(snap);
    qt_sampler_free(&sampler);
    return (int)st;
}

int qt_headless_run(const struct qt_headless *h)
{
    qt_sampler sampler = {0};
    qt_snapshot *snap = NULL;
    struct qt_report_in in = {.ctx = h->ctx};
    char err[1024], written[4200], msg[128];
    int rc = 0;

    if (h->check)
        return run_check(h);
    if (h->store) {
        in.ctx = qt_report_store_ctx(h->store);
        in.snap = qt_report_store_snapshot(h->store);
        in.store = h->store;
        in.frozen = qt_report_store_frozen(h->store);
    } else {
        snprintf(msg, sizeof msg, "qtriage: timed out after %g s while sampling\n", h->timeout);
        qt_watchdog(h->timeout, STDERR_FILENO, msg, 1);
        double t0 = qt_now_mono();
        snap = qt_sample(&sampler, h->ctx);
        probe(h, snap, h->timeout - (qt_now_mono() - t0) - 0.5);
        qt_watchdog(0, -1, NULL, 0);
        in.snap = snap;
        in.hist = &sampler.hist;
    }
    if (h->json) {
        qt_report_doc *d = qt_report_doc_build(&in);
        qt_buf b = {0};
        qt_report_json_text(d, &b);
        qt_report_doc_free(d);
        if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
            fprintf(stderr, "qtriage: --json: cannot write to standard output\n");
            rc = 1;
        }
        qt_buf_free(&b);
    }
    if (h->report) {
        if (qt_report_write_target(&in, h->report, written, sizeof written, err, sizeof err) != 0) {
            say("qtriage: --report: ", err);
            rc = 1;
        } else if (strcmp(h->report, "-") != 0) {
            say("qtriage: wrote ", written);
        }
    }
    if (h->prometheus && snap) {
        qt_buf b = {0};
        qt_prom_render(snap, &b);
        if (strcmp(h->prometheus, "-") == 0) {
            if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
                fprintf(stderr, "qtriage: --prometheus: cannot write to standard output\n");
                rc = 1;
            }
        } else if (qt_write_file_atomic(h->prometheus, b.s, b.len, 0644, 1, err, sizeof err) != 0) {
            /* 0644 above: node_exporter usually runs as another user */
            say("qtriage: --prometheus: ", err);
            rc = 1;
        }
        qt_buf_free(&b);
    }
    qt_snapshot_free(snap);
    qt_sampler_free(&sampler);
    return rc;
}

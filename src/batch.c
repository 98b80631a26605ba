/* batch.c - see batch.h */
#include "src/batch.h"
#include "panes/pane.h"
#include "report/monitor.h"
#include "report/report.h"
#include "diag/config/config.h"
#include "diag/probe/probe_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void qt_batch_render_view(const struct qt_view_in *in, const qt_view *v, qt_buf *out)
{
    qt_table head, main;
    size_t *idx;
    size_t n;

    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(v, in, &head, &main);
    if (head.ncols) {
        idx = qt_calloc(head.nrows ? head.nrows : 1, sizeof *idx);
        n = qt_table_visible(&head, NULL, -1, 0, idx);
        qt_table_print(&head, idx, n, out);
        free(idx);
    }
    idx = qt_calloc(main.nrows ? main.nrows : 1, sizeof *idx);
    n = qt_table_visible(&main, NULL, main.sort_col, main.sort_desc, idx);
    qt_table_print(&main, idx, n, out);
    free(idx);
    qt_table_free(&head);
    qt_table_free(&main);
}

/* "  label:" then every line of text indented by four spaces. */
static void put_block(qt_buf *out, const char *label, const char *text)
{
    if (!*text)
        return;
    qt_buf_printf(out, "  %s:\n", label);
    for (const char *p = text;;) {
        const char *nl = strchr(p, '\n');
        qt_buf_puts(out, "    ");
        qt_buf_add(out, p, nl ? (size_t)(nl - p) : strlen(p));
        qt_buf_putc(out, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* One line per incident, worst first: SEV KIND SERVICE IMPACT
 * (docs/incidents.md); "(none)" when there is none. */
static void render_incidents(const qt_snapshot *snap, qt_buf *out)
{
    qt_buf_puts(out, "\n== Incidents ==\n");
    if (snap->incidents.n == 0)
        qt_buf_puts(out, "(none)\n");
    for (size_t i = 0; i < snap->incidents.n; i++) {
        const qt_incident *inc = &snap->incidents.v[i];
        qt_buf_printf(out, "%-4s %-12s %-10s %s\n", qt_sev_name(inc->sev), inc->kind, inc->service,
                      qt_incident_impact_short(inc));
    }
}

/* Header, the incidents, every pane's top view, all findings: for a live
 * sample and for a loaded report alike (in->store set, panes as saved). */
static void render_all(const struct qt_view_in *in, const qt_pane_def *const *panes, size_t npanes, qt_buf *out)
{
    const qt_snapshot *snap = in->snap;
    char when[64];
    time_t t = (time_t)snap->wall;
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
    qt_buf_printf(out, "qtriage %s  host %s  sample %lu at %s (took %.0f ms)\n", QT_VERSION,
                  snap->host, snap->seq, when, snap->took * 1000);
    for (int i = 0; i < QT_SRC_COUNT; i++)
        if (snap->src[i].state == QT_SRC_FAILED)
            qt_buf_printf(out, "STALE: %s collector failed: %s\n", qt_report_src_name(i), snap->src[i].err);
        else if (snap->src[i].note[0])
            qt_buf_printf(out, "NOTE: %s\n", snap->src[i].note);
    render_incidents(snap, out);
    for (size_t p = 0; p < npanes; p++) {
        qt_buf_putc(out, '\n');
        qt_batch_render_view(in, panes[p]->top, out);
    }
    qt_buf_puts(out, "\n== All findings, worst first ==\n");
    if (snap->findings.n == 0)
        qt_buf_puts(out, "(none)\n");
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        qt_buf_printf(out, "[%s] %s: %s%s%s\n", qt_sev_name(f->sev), f->source, f->title,
                      *f->subject ? " -- " : "", f->subject);
        put_block(out, "evidence", f->evidence);
        put_block(out, "why", f->explain);
        put_block(out, "fix", f->fix);
    }
}

void qt_batch_render(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_buf *out)
{
    struct qt_view_in in = {.ctx = ctx, .snap = snap, .hist = hist, .key = NULL};
    render_all(&in, qt_panes, qt_npanes, out);
}

void qt_batch_render_loaded(const struct qt_report_store *st, const char *path, qt_buf *out)
{
    struct qt_view_in in = {
        .ctx = qt_report_store_ctx(st), .snap = qt_report_store_snapshot(st), .store = qt_report_store_views(st),
    };
    const qt_pane_def *const *panes;
    size_t n;
    char when[64];
    time_t t = (time_t)qt_report_store_exported(st);
    struct tm tm;

    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
    qt_buf_puts(out, "LOADED ");
    if (path)
        qt_buf_put_safe(out, path, strlen(path)); /* a file name is text like any other */
    else
        qt_buf_puts(out, "(report)");
    qt_buf_printf(out, ": report written by qtriage %s at %s%s\n", qt_report_store_writer(st), when,
                  qt_report_store_frozen(st) ? ", FROZEN snapshot" : "");
    panes = qt_report_store_panes(st, &n);
    render_all(&in, panes, n, out);
}

int qt_batch_run_loaded(const struct qt_report_store *st, const char *path)
{
    qt_buf out = {0};
    qt_batch_render_loaded(st, path, &out);
    fputs(qt_buf_str(&out), stdout);
    fflush(stdout);
    qt_buf_free(&out);
    return ferror(stdout) ? 1 : 0;
}

static void sleep_seconds(double s)
{
    struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Under the header line (the first), once: which qmail was read - a wrong
 * prefix explains "control/me missing". */
static void qmail_line(const qt_ctx *ctx, qt_buf *out)
{
    const char *all = qt_buf_str(out), *nl = strchr(all, '\n');
    qt_buf b = {0};
    if (!nl)
        return;
    qt_buf_add(&b, all, (size_t)(nl - all) + 1);
    qt_buf_puts(&b, "qmail: ");
    qt_buf_put_safe(&b, ctx->qmail_prefix, strlen(ctx->qmail_prefix));
    qt_buf_puts(&b, " (");
    qt_buf_put_safe(&b, ctx->qmail_source, strlen(ctx->qmail_source));
    qt_buf_puts(&b, ")\n");
    qt_buf_puts(&b, nl + 1);
    qt_buf_free(out);
    *out = b;
}

int qt_batch_run(const qt_ctx *ctx, unsigned long count, double interval, double timeout)
{
    qt_sampler sampler = {0};
    char msg[128];

    /* the budgets bound what content costs; this bounds what the kernel
     * makes us wait for (a FIFO or a hung mount under --root/--proc) */
    snprintf(msg, sizeof msg, "qtriage: timed out after %g s while sampling\n", timeout);

    for (unsigned long i = 0; i < count; i++) {
        qt_snapshot *snap;
        qt_buf out = {0};

        if (i)
            sleep_seconds(interval);
        qt_watchdog(timeout, STDERR_FILENO, msg, 1);
        snap = qt_sample(&sampler, ctx);
        qt_watchdog(0, -1, NULL, 0);
        qt_probe_batch(ctx, snap, timeout);
        qt_config_dns_batch(ctx, snap, timeout);
        if (i)
            qt_buf_puts(&out, "\n");
        qt_batch_render(ctx, snap, &sampler.hist, &out);
        if (!i)
            qmail_line(ctx, &out);
        fputs(qt_buf_str(&out), stdout);
        fflush(stdout);
        qt_buf_free(&out);
        qt_snapshot_free(snap);
    }
    qt_sampler_free(&sampler);
    return ferror(stdout) ? 1 : 0;
}

/* Unit tests: the Logs pane (panes/logs.c) with the ui double
 * (tests/unit/ui_double.h), on a logs model fed with real-format lines
 * (docs/domain/vpopmail.md#log-lines, docs/domain/qmail.md#qmail-send-log):
 * categories with counts, the per-IP table, Enter to the redacted lines,
 * F follows new lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"
#include "panes/panes.h"
#include "tests/unit/ui_double.h"
#include "tests/unit/view_fixture.h"

static void feed(qt_logmon *m, qt_logmon_srcctx *c, const char *what, const char *user, const char *ip, time_t t)
{
    char stamp[32], l[512];
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    snprintf(l, sizeof l, "%s mx vpopmail[7]: vchkpw-smtp: %s %s:%s", stamp, what, user, ip);
    qt_logmon_ingest(m, c, 0, l, strlen(l), 0);
}

static void views_and_follow(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_snapshot snap;
    qt_logmon *m = qt_malloc(sizeof *m);
    qt_logmon_srcctx *c = qt_logmon_srcctx_new((int64_t)time(NULL));
    qt_table head, main;
    const qt_view *v;
    struct qt_ui_double ui;
    struct qt_view_in in;
    time_t now = time(NULL);

    qt_ctx_defaults(&ctx);
    memset(&snap, 0, sizeof snap);
    snap.src[QT_SRC_LOGS].state = QT_SRC_OK;
    snap.logs = m;
    qt_logmon_init(m, (double)now, 3600);
    m->nsrc = 1;
    snprintf(m->src[0].name, sizeof m->src[0].name, "maillog");
    snprintf(m->src[0].path, sizeof m->src[0].path, "/var/log/maillog");
    for (int i = 0; i < 3; i++)
        feed(m, c, "password fail (pass: 'hunter2')", "alice@example.test", "203.0.113.50", now - 30);

    /* top: the category with its count, the tables, the source */
    qt_vf_fill(qt_pane_logs.top, &ctx, &snap, NULL, NULL, &head, &main);
    assert_true(qt_table_find(&main, "cat:auth_fail") < main.nrows);
    assert_string_equal(qt_vf_cell(&main, qt_table_find(&main, "cat:auth_fail"), 1), "3");
    assert_false(qt_vf_has(&main, "hunter2"));
    assert_true(qt_table_find(&main, "tab:ips") < main.nrows);
    assert_true(qt_vf_has(&head, "/var/log/maillog"));
    v = qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "tab:ips");
    assert_non_null(v);
    qt_table_free(&head), qt_table_free(&main);
    qt_vf_fill(v, &ctx, &snap, NULL, "tab:ips", &head, &main);
    assert_true(qt_table_find(&main, "ip:203.0.113.50") < main.nrows);
    assert_string_equal(qt_vf_cell(&main, qt_table_find(&main, "ip:203.0.113.50"), 1), "3");
    qt_table_free(&head), qt_table_free(&main);

    /* Enter on the category: its lines, redacted, with the source */
    v = qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "cat:auth_fail");
    assert_non_null(v);
    assert_string_equal(v->name, "logs.lines");
    qt_vf_fill(v, &ctx, &snap, NULL, "cat:auth_fail", &head, &main);
    assert_int_equal(main.nrows, 3);
    assert_true(qt_vf_has(&main, "<redacted>"));
    assert_false(qt_vf_has(&main, "hunter2"));
    assert_true(qt_vf_has(&main, "maillog"));
    assert_non_null(strstr(main.title, "frozen"));
    qt_table_free(&head), qt_table_free(&main);

    /* frozen: a new line does not show; F: it does */
    feed(m, c, "password fail", "alice@example.test", "203.0.113.50", now);
    qt_vf_fill(v, &ctx, &snap, NULL, "cat:auth_fail", &head, &main);
    assert_int_equal(main.nrows, 3);
    qt_table_free(&head), qt_table_free(&main);
    qt_ui_double_init(&ui);
    in = (struct qt_view_in){.ctx = &ctx, .snap = &snap, .key = "cat:auth_fail"};
    assert_int_equal(qt_view_key(v, &ui.ui, &in, "cat:auth_fail#0", 'F'), 1);
    assert_non_null(strstr(ui.flash, "following"));
    qt_vf_fill(v, &ctx, &snap, NULL, "cat:auth_fail", &head, &main);
    assert_int_equal(main.nrows, 4);
    assert_non_null(strstr(main.title, "following"));
    qt_table_free(&head), qt_table_free(&main);
    assert_int_equal(qt_view_key(v, &ui.ui, &in, "cat:auth_fail#0", 'F'), 1);
    assert_non_null(strstr(ui.flash, "frozen"));
    qt_ui_double_free(&ui);

    /* a line's detail, also when another list was built last (a report
     * drills every list in turn) */
    v = qt_view_drill(v, &in, "cat:auth_fail#0");
    assert_non_null(v);
    assert_string_equal(v->name, "logs.line");
    qt_vf_fill(qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "tab:ips"), &ctx,
               &snap, NULL, "tab:ips", &head, &main);
    qt_table_free(&head), qt_table_free(&main);
    qt_vf_fill(qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "tab:ips"), &ctx,
               &snap, NULL, "tab:ips", &head, &main);
    qt_table_free(&head), qt_table_free(&main);
    {
        const qt_view *lines = qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap},
                                             "cat:auth_fail");
        qt_vf_fill(lines, &ctx, &snap, NULL, "ip:203.0.113.50", &head, &main);   /* now frozen on the IP's list */
        qt_table_free(&head), qt_table_free(&main);
    }
    feed(m, c, "(PLAIN) login success", "carol@example.test", "192.0.2.8", now + 5);
    qt_vf_fill(v, &ctx, &snap, NULL, "cat:auth_ok#0", &head, &main);
    assert_true(qt_vf_has(&main, "carol@example.test"));
    assert_true(qt_vf_has(&main, "auth_ok"));
    qt_table_free(&head), qt_table_free(&main);
    qt_vf_fill(v, &ctx, &snap, NULL, "cat:auth_fail#0", &head, &main);
    assert_true(qt_vf_has(&main, "auth_fail"));
    assert_true(qt_vf_has(&main, "alice@example.test"));
    qt_table_free(&head), qt_table_free(&main);

    /* a failed collector: STALE, not zeros */
    snap.src[QT_SRC_LOGS].state = QT_SRC_FAILED;
    snprintf(snap.src[QT_SRC_LOGS].err, sizeof snap.src[QT_SRC_LOGS].err, "boom");
    snap.logs = NULL;
    qt_vf_fill(qt_pane_logs.top, &ctx, &snap, NULL, NULL, &head, &main);
    assert_int_equal(main.nrows, 0);
    qt_table_free(&head), qt_table_free(&main);
    qt_logmon_srcctx_free(c);
    free(m);
}

/* tcpserver's listeners: a row of the top view, the table (now, peak,
 * time at the limit, denies, abnormal ends, starts), Enter on a listener */
static void tcpserver_view(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_snapshot snap;
    qt_logmon *m = qt_malloc(sizeof *m);
    qt_logmon_srcctx *c = qt_logmon_srcctx_new((int64_t)time(NULL));
    qt_table head, main;
    const qt_view *v, *one;
    time_t now = time(NULL);
    static const char *const lines[] = {
        "status: 0/2", "status: 1/2", "ok 41 0:127.0.0.1:25 :192.0.2.9::40001", "status: 2/2",
        "deny 42 0:127.0.0.1:25 :203.0.113.77::40002", "end 41 status 11", "status: 1/2",
    };
    const int64_t ago[] = {400, 400, 400, 300, 200, 100, 100};

    qt_ctx_defaults(&ctx);
    memset(&snap, 0, sizeof snap);
    snap.src[QT_SRC_LOGS].state = QT_SRC_OK;
    snap.logs = m;
    qt_logmon_init(m, (double)now, 3600);
    m->nsrc = 1;
    snprintf(m->src[0].name, sizeof m->src[0].name, "qmail-smtpd");
    snprintf(m->src[0].path, sizeof m->src[0].path, "/var/log/qmail/smtpd/current");
    for (size_t i = 0; i < QT_ARRAY_LEN(lines); i++) {
        char l[200];
        snprintf(l, sizeof l, "@%016llx%08x tcpserver: %s",
                 (unsigned long long)((1ull << 62) + 10 + (uint64_t)(now - ago[i])), 0u, lines[i]);
        qt_logmon_ingest(m, c, 0, l, strlen(l), 0);
    }
    qt_vf_fill(qt_pane_logs.top, &ctx, &snap, NULL, NULL, &head, &main);
    assert_true(qt_table_find(&main, "tab:tcpserver") < main.nrows);
    qt_table_free(&head), qt_table_free(&main);
    v = qt_view_drill(qt_pane_logs.top, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "tab:tcpserver");
    assert_non_null(v);
    qt_vf_fill(v, &ctx, &snap, NULL, "tab:tcpserver", &head, &main);
    size_t r = qt_table_find(&main, "tcp:qmail-smtpd");
    assert_true(r < main.nrows);
    assert_string_equal(qt_vf_cell(&main, r, 1), "1/2");      /* now */
    assert_string_equal(qt_vf_cell(&main, r, 2), "2");        /* peak */
    assert_string_equal(qt_vf_cell(&main, r, 3), "3m20s");    /* at the limit from -300 to -100 */
    assert_string_equal(qt_vf_cell(&main, r, 4), "1");        /* denies */
    assert_string_equal(qt_vf_cell(&main, r, 5), "1");        /* abnormal ends */
    assert_string_equal(qt_vf_cell(&main, r, 6), "1");        /* starts */
    qt_table_free(&head), qt_table_free(&main);
    one = qt_view_drill(v, &(struct qt_view_in){.ctx = &ctx, .snap = &snap}, "tcp:qmail-smtpd");
    assert_non_null(one);
    qt_vf_fill(one, &ctx, &snap, NULL, "tcp:qmail-smtpd", &head, &main);
    assert_true(qt_vf_has(&main, "203.0.113.77: 1"));
    assert_true(qt_vf_has(&main, "signal 11: a crash"));
    assert_true(qt_vf_has(&main, "25 (its ok/deny lines)"));
    qt_table_free(&head), qt_table_free(&main);
    qt_logmon_srcctx_free(c);
    free(m);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(views_and_follow),
        cmocka_unit_test(tcpserver_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

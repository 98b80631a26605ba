/* Unit tests: --check (ranges, thresholds, states, the status line and its
 * perfdata against the plugin guidelines' format) and --prometheus text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/monitor.h"
#include "diag/core/snapshot.h"
#include "tests/unit/report_fixture.h"

/* https://www.monitoring-plugins.org/doc/guidelines.html#AEN200:
 * 'label'=value[UOM];[warn];[crit];[min];[max], values [-0-9.], UOM one of
 * s ms us % B KB MB TB c, warn/crit in range format, trailing ; droppable. */
#define NUM "-?[0-9]+(\\.[0-9]+)?"
#define RANGE "@?((~|" NUM ")?:)?(" NUM ")?"
#define PERF "'[^'=]+'=(U|" NUM ")(s|ms|us|%|B|KB|MB|TB|c)?(;(" RANGE ")?(;(" RANGE ")?(;(" NUM ")?(;(" NUM ")?)?)?)?)?"
#define LINE "^QTRIAGE (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \\| " PERF "( " PERF ")*\n$"

static void assert_guidelines(const char *line)
{
    regex_t re;
    assert_int_equal(regcomp(&re, LINE, REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&re, line, 0, NULL, 0) != 0)
        fail_msg("not a plugin status line: %s", line);
    regfree(&re);
    assert_int_equal(strchr(line, '\n') - line + 1, (long)strlen(line)); /* one line */
}

static enum qt_nagios eval(const qt_snapshot *s, const char *warn, const char *crit, qt_buf *out)
{
    static struct qt_threshold w[4], c[4];
    struct qt_check_opts o = {.warn = w, .crit = c};
    char err[256];
    char *list, *save = NULL;

    if (warn) {
        list = qt_strdup(warn);
        for (char *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
            assert_int_equal(qt_threshold_parse(t, &w[o.nwarn++], err, sizeof err), 0);
        free(list);
    }
    if (crit) {
        list = qt_strdup(crit);
        for (char *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
            assert_int_equal(qt_threshold_parse(t, &c[o.ncrit++], err, sizeof err), 0);
        free(list);
    }
    qt_buf_reset(out);
    return qt_check_eval(s, &o, out);
}

static void ranges(void **state)
{
    static const struct {
        const char *r;
        double x;
        int alert;
    } cases[] = {
        {"10", 10, 0}, {"10", 11, 1}, {"10", -1, 1}, {"10", 0, 0},
        {"10:", 9.5, 1}, {"10:", 1e9, 0},
        {"~:10", -1e9, 0}, {"~:10", 10.5, 1},
        {"10:20", 15, 0}, {"10:20", 21, 1}, {"10:20", 9, 1},
        {"@10:20", 15, 1}, {"@10:20", 10, 1}, {"@10:20", 21, 0},
        {"@0", 0, 1}, {"@0", 1, 0}, {"-5:-1", -3, 0}, {"1.5", 1.6, 1}, {":5", 6, 1},
        {"10", NAN, 0},
    };
    static const char *const bad[] = {"", "x", "1e3", "inf", "0x10", "20:10", "1:2:3", "@", "--1", "~", "~:", "@~:"};
    struct qt_range r;
    char err[256];
    (void)state;
    for (size_t i = 0; i < QT_ARRAY_LEN(cases); i++) {
        assert_int_equal(qt_range_parse(cases[i].r, &r, err, sizeof err), 0);
        if (qt_range_alert(&r, cases[i].x) != cases[i].alert)
            fail_msg("range %s, x=%g: alert %d", cases[i].r, cases[i].x, !cases[i].alert);
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(bad); i++)
        if (qt_range_parse(bad[i], &r, err, sizeof err) == 0)
            fail_msg("range '%s' accepted", bad[i]);
}

static void thresholds_parse(void **state)
{
    struct qt_threshold t;
    char err[256];
    (void)state;
    assert_int_equal(qt_threshold_parse("established.smtps=80", &t, err, sizeof err), 0);
    assert_string_equal(t.key, "established.smtps");
    assert_string_equal(t.range.text, "80");
    assert_int_equal(qt_threshold_parse("findings.crit=@1:", &t, err, sizeof err), 0);
    assert_int_equal(qt_threshold_parse("=5", &t, err, sizeof err), -1);
    assert_int_equal(qt_threshold_parse("established", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "KEY=RANGE"));
    assert_int_equal(qt_threshold_parse("a'b=5", &t, err, sizeof err), -1);
    assert_int_equal(qt_threshold_parse("a=b", &t, err, sizeof err), -1);
}

static qt_snapshot *quiet(void)
{
    qt_snapshot *s = qt_calloc(1, sizeof *s);
    s->took = 0.0123;
    s->src[QT_SRC_PROCS].state = QT_SRC_OK;
    qt_metrics_add(&s->metrics, "established", "smtps", 465, 57, 100, "x");
    qt_metrics_add(&s->metrics, "stalled", "smtps", 465, 2, -1, "x");
    qt_metrics_add(&s->metrics, "zombies", NULL, 0, 0, -1, "x");
    qt_metrics_add(&s->metrics, "oldest_seconds", "smtps", 465, 61.25, -1, "x");
    return s;
}

static void states(void **state)
{
    qt_snapshot *s = quiet(), *fx;
    qt_buf out = {0};
    qt_finding *f;
    (void)state;

    /* OK, with the perfdata of every metric and qtriage's own */
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_OK);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE OK - no problems found | 'established.smtps'=57;;;0;100 "
                                  "'stalled.smtps'=2;;;0 'zombies'=0;;;0 'oldest_seconds.smtps'=61.25s;;;0 "
                                  "'findings.crit'=0;;;0 'findings.warn'=0;;;0 'findings.info'=0;;;0 "
                                  "'collectors_failed'=0;;;0 'sample_seconds'=0.0123s;;;0\n"));

    /* thresholds */
    assert_int_equal(eval(s, "established.smtps=50", "established.smtps=80", &out), QT_NAGIOS_WARNING);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE WARNING - WARN: established.smtps=57 (warn 50) |"));
    assert_non_null(strstr(out.s, "'established.smtps'=57;50;80;0;100"));
    assert_int_equal(eval(s, "established.smtps=50", "established.smtps=55", &out), QT_NAGIOS_CRITICAL);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE CRITICAL - CRIT: established.smtps=57 (crit 55) |")); /* not also WARN */
    assert_int_equal(eval(s, "oldest_seconds.smtps=~:60", NULL, &out), QT_NAGIOS_WARNING);
    assert_non_null(strstr(out.s, "oldest_seconds.smtps=61.25s (warn ~:60)"));
    assert_non_null(strstr(out.s, "'oldest_seconds.smtps'=61.25s;~:60;;0"));
    /* a later threshold for the same key wins */
    assert_int_equal(eval(s, "zombies=@0 zombies=5", NULL, &out), QT_NAGIOS_OK);
    /* a threshold on a metric the sample lacks: the plugin cannot tell */
    assert_int_equal(eval(s, NULL, "established.submission=10", &out), QT_NAGIOS_UNKNOWN);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE UNKNOWN - UNKNOWN: unknown threshold key 'established.submission': no metric "
                                  "'established.submission' in this sample (qtriage --check lists the labels) |"));

    /* a failed collector: UNKNOWN, unless something is known to be critical */
    s->src[QT_SRC_SOCKETS].state = QT_SRC_FAILED;
    snprintf(s->src[QT_SRC_SOCKETS].err, sizeof s->src[0].err, "netlink: Permission denied");
    assert_int_equal(eval(s, "established.smtps=10", NULL, &out), QT_NAGIOS_UNKNOWN);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "collector failed: netlink: Permission denied; WARN: established.smtps=57"));
    assert_non_null(strstr(out.s, "'collectors_failed'=1;;;0"));
    assert_int_equal(eval(s, NULL, "established.smtps=10", &out), QT_NAGIOS_CRITICAL);
    assert_guidelines(out.s);

    /* findings: CRIT/WARN name the status; '|' in a title never splits the line */
    s->src[QT_SRC_SOCKETS].state = QT_SRC_OK;
    f = qt_findings_add(&s->findings, QT_SEV_INFO, "x", "x.info", "just so you know");
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_OK);
    assert_non_null(strstr(out.s, "QTRIAGE OK - no problems found (1 info finding) |"));
    f = qt_findings_add(&s->findings, QT_SEV_WARN, "zombies", "z", "12 zombies | growing");
    qt_finding_subject(f, "pid 4242");
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_WARNING);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE WARNING - WARN: 12 zombies / growing [pid 4242] |"));
    (void)f;
    qt_snapshot_free(s);

    /* the fixture: a CRIT finding, a failed collector, more problems than shown */
    fx = fx_snapshot();
    assert_int_equal(eval(fx, "established.imaps=1", NULL, &out), QT_NAGIOS_CRITICAL);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE CRITICAL - CRIT: smtps at 40/40 connections / full [smtps]; "
                                  "UNKNOWN: sockets collector failed: cannot open netlink: Permission denied; "
                                  "WARN: established.imaps=3 (warn 1) (+1 more) |"));
    assert_non_null(strstr(out.s, "'unknown_value'=U '"));
    qt_snapshot_free(fx);
    qt_buf_free(&out);
}

static void long_titles_bounded(void **state)
{
    qt_snapshot *s = quiet();
    qt_buf out = {0}, t = {0};
    (void)state;
    for (int i = 0; i < 400; i++)
        qt_buf_puts(&t, "long ");
    for (int i = 0; i < 20; i++)
        qt_findings_add(&s->findings, QT_SEV_CRIT, "x", "x", t.s);
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_CRITICAL);
    assert_guidelines(out.s);
    assert_true(strchr(out.s, '|') - out.s < 600); /* the text stays short, perfdata follows */
    assert_non_null(strstr(out.s, "more) |"));
    qt_buf_free(&out);
    qt_buf_free(&t);
    qt_snapshot_free(s);
}

/* Unknown, never zero: a stalled count whose owners were not readable
 * (1 seen, 3 hidden: 1..4) is U in perfdata, absent from Prometheus, and a
 * threshold it may or may not cross is UNKNOWN with the reason. */
static void unknown_values(void **state)
{
    qt_snapshot *s = qt_calloc(1, sizeof *s);
    qt_buf out = {0};
    (void)state;

    s->took = 0.5;
    s->src[QT_SRC_PROCS].state = QT_SRC_OK;
    qt_metrics_add(&s->metrics, "established", "smtps", 465, 7, 20, "x");
    qt_metrics_add_unknown(&s->metrics, "stalled", "smtps", 465, 1, 4, 20, "x",
                           "socket owners not readable: not root (uid 1000)");
    qt_metrics_add_unknown(&s->metrics, "stalled", "imaps", 993, NAN, NAN, -1, "x", "no bounds");

    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_OK);   /* no threshold names it */
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, " 'stalled.smtps'=U;;;0;20 "));
    assert_null(strstr(out.s, "'stalled.smtps'=0"));
    /* 2 lies inside 1..4: the verdict depends on what is hidden */
    assert_int_equal(eval(s, "stalled.smtps=2", NULL, &out), QT_NAGIOS_UNKNOWN);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE UNKNOWN - UNKNOWN: stalled.smtps unknown (1..4) (warn 2): "
                                  "socket owners not readable: not root (uid 1000) |"));
    assert_non_null(strstr(out.s, "'stalled.smtps'=U;2;;0;20"));
    assert_int_equal(eval(s, NULL, "stalled.smtps=3", &out), QT_NAGIOS_UNKNOWN);
    assert_non_null(strstr(out.s, "stalled.smtps unknown (1..4) (crit 3)"));
    /* even all 4 stay under 10: OK; at least 1 is over 0: the alert holds */
    assert_int_equal(eval(s, "stalled.smtps=10", NULL, &out), QT_NAGIOS_OK);
    assert_int_equal(eval(s, NULL, "stalled.smtps=0", &out), QT_NAGIOS_CRITICAL);
    assert_non_null(strstr(out.s, "CRIT: stalled.smtps>=1 (crit 0; socket owners not readable: not root (uid 1000))"));
    /* a crit that cannot decide is not hidden behind a warn that would */
    assert_int_equal(eval(s, "stalled.smtps=0", "stalled.smtps=3", &out), QT_NAGIOS_UNKNOWN);
    assert_null(strstr(out.s, "WARN:"));
    /* no bounds at all: any threshold is UNKNOWN */
    assert_int_equal(eval(s, "stalled.imaps=1000", NULL, &out), QT_NAGIOS_UNKNOWN);
    assert_non_null(strstr(out.s, "stalled.imaps unknown (warn 1000): no bounds"));

    qt_buf_free(&out);
    qt_prom_render(s, &out);
    assert_non_null(strstr(out.s, "qtriage_established{service=\"smtps\",port=\"465\"} 7\n"));
    assert_null(strstr(out.s, "qtriage_stalled"));   /* no sample, and no empty family */
    qt_buf_free(&out);
    qt_metrics_add(&s->metrics, "stalled", "pop3s", 995, 0, -1, "x");
    qt_prom_render(s, &out);
    assert_non_null(strstr(out.s, "qtriage_stalled{service=\"pop3s\",port=\"995\"} 0\n"));
    assert_null(strstr(out.s, "qtriage_stalled{service=\"smtps\""));
    qt_buf_free(&out);
    qt_snapshot_free(s);
}

static void prometheus_text(void **state)
{
    qt_snapshot *s = fx_snapshot();
    qt_buf out = {0};
    const char *p;
    (void)state;

    qt_metrics_add(&s->metrics, "established", "smtps", 465, 99, 40, "duplicate label set: dropped");
    qt_metrics_add(&s->metrics, "findings", NULL, 0, 5, -1, "collides with qtriage's own family: dropped");
    qt_metrics_add(&s->metrics, "weird-name", "a\"b\\c", 1, 1, -1, "help with \\ and\nnewline");
    qt_prom_render(s, &out);
    assert_non_null(strstr(out.s, "# HELP qtriage_established Established connections per service.\n"
                                  "# TYPE qtriage_established gauge\n"
                                  "qtriage_established{service=\"smtps\",port=\"465\"} 40\n"
                                  "qtriage_established{service=\"imaps\",port=\"993\"} 3\n"
                                  "# HELP qtriage_accept_queue"));
    assert_null(strstr(out.s, "} 99\n"));
    assert_non_null(strstr(out.s, "qtriage_zombies 12\n"));
    assert_non_null(strstr(out.s, "qtriage_oldest_seconds{service=\"smtps\",port=\"465\"} 1234.5\n"));
    assert_non_null(strstr(out.s, "qtriage_unknown_value NaN\n"));
    assert_non_null(strstr(out.s, "# HELP qtriage_weird_name help with \\\\ and\\nnewline\n"));
    assert_non_null(strstr(out.s, "qtriage_weird_name{service=\"a\\\"b\\\\c\",port=\"1\"} 1\n"));
    assert_non_null(strstr(out.s, "qtriage_findings{severity=\"crit\"} 1\n"));
    assert_non_null(strstr(out.s, "qtriage_findings{severity=\"ok\"} 1\n"));
    assert_null(strstr(out.s, "qtriage_findings 5"));
    assert_non_null(strstr(out.s, "qtriage_sample_timestamp_seconds 1700000000.250\n"));
    assert_non_null(strstr(out.s, "qtriage_collector_up{collector=\"procs\"} 1\n"));
    /* one TYPE line per family */
    p = strstr(out.s, "# TYPE qtriage_established ");
    assert_null(strstr(p + 1, "# TYPE qtriage_established "));
    assert_int_equal(out.s[out.len - 1], '\n');
    qt_buf_free(&out);
    qt_snapshot_free(s);
}

/* Labels carry no pid and are unique; a threshold key that names no label
 * is a misconfigured check: UNKNOWN even when a finding is CRIT. */
static void labels_and_keys(void **state)
{
    qt_snapshot *s = quiet();
    qt_buf out = {0};
    (void)state;

    qt_findings_add(&s->findings, QT_SEV_CRIT, "x", "x.crit", "smtps is full");
    assert_int_equal(eval(s, "nosuch=1", NULL, &out), QT_NAGIOS_UNKNOWN);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE UNKNOWN - UNKNOWN: unknown threshold key 'nosuch': no metric 'nosuch' in "
                                  "this sample (qtriage --check lists the labels) |"));
    assert_null(strstr(out.s, "CRIT:")); /* the one reason, not the findings */
    /* the same CRIT finding with a valid key: CRITICAL as before */
    assert_int_equal(eval(s, "established.smtps=100", NULL, &out), QT_NAGIOS_CRITICAL);

    /* two metrics with one label: the second is "#2", and thresholds reach it */
    qt_metrics_add(&s->metrics, "established", "smtps", 10465, 7, 20, "x");
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_CRITICAL);
    assert_non_null(strstr(out.s, "'established.smtps'=57;;;0;100 "));
    assert_non_null(strstr(out.s, "'established.smtps#2'=7;;;0;20 "));
    qt_snapshot_free(s);
    s = quiet();
    qt_metrics_add(&s->metrics, "established", "smtps", 10465, 7, 20, "x");
    assert_int_equal(eval(s, "established.smtps#2=5", NULL, &out), QT_NAGIOS_WARNING);
    assert_non_null(strstr(out.s, "WARN: established.smtps#2=7 (warn 5)"));

    /* a parent with no zombies has no label this sample: a known 0 */
    assert_int_equal(eval(s, NULL, "zombies.tcpserver=5", &out), QT_NAGIOS_OK);
    assert_int_equal(eval(s, NULL, "zombies.tcpserver=@0", &out), QT_NAGIOS_CRITICAL);
    qt_metrics_add(&s->metrics, "zombies", "tcpserver", 0, 9, -1, "x");
    assert_int_equal(eval(s, NULL, "zombies.tcpserver=5", &out), QT_NAGIOS_CRITICAL);
    assert_non_null(strstr(out.s, "'zombies.tcpserver'=9;;5;0"));
    qt_snapshot_free(s);

    /* ... but not when the total was not measured (zombies collector failed) */
    s = qt_calloc(1, sizeof *s);
    s->src[QT_SRC_ZOMBIES].state = QT_SRC_FAILED;
    snprintf(s->src[QT_SRC_ZOMBIES].err, sizeof s->src[0].err, "no process table");
    assert_int_equal(eval(s, NULL, "zombies.tcpserver=5", &out), QT_NAGIOS_UNKNOWN);
    assert_non_null(strstr(out.s, "no metric 'zombies.tcpserver' in this sample"));
    assert_null(strstr(out.s, "unknown threshold key"));
    qt_snapshot_free(s);
    qt_buf_free(&out);
}

/* --check covers the watched services and host-wide problems: a finding
 * about a front end on an unwatched port (marked by the servers checks) is
 * neither in the state nor in the findings.* counts. */
static void unwatched_left_out(void **state)
{
    qt_snapshot *s = quiet();
    qt_buf out = {0};
    qt_finding *f;
    (void)state;

    f = qt_findings_add(&s->findings, QT_SEV_CRIT, "servers", "servers.limit-full:tcpserver:25", "all 20 connection slots are taken");
    f->unwatched = 1;
    f = qt_findings_add(&s->findings, QT_SEV_INFO, "servers", "servers.one-ip:tcpserver:25", "no per-IP limit");
    f->unwatched = 1;
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_OK);
    assert_guidelines(out.s);
    assert_non_null(strstr(out.s, "QTRIAGE OK - no problems found | "));
    assert_non_null(strstr(out.s, "'findings.crit'=0;;;0 'findings.warn'=0;;;0 'findings.info'=0;;;0 "));
    /* a threshold on findings.crit sees only what --check covers */
    assert_int_equal(eval(s, NULL, "findings.crit=0", &out), QT_NAGIOS_OK);
    /* the same finding on a watched port counts */
    s->findings.v[0].unwatched = 0;
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_CRITICAL);
    assert_non_null(strstr(out.s, "QTRIAGE CRITICAL - CRIT: all 20 connection slots are taken |"));
    assert_non_null(strstr(out.s, "'findings.crit'=1;;;0 "));
    qt_snapshot_free(s);
    qt_buf_free(&out);
}

/* A tree whose only problems are inventory (example run scripts in no
 * active scan directory, a service down on purpose), sampled with an empty
 * process table: --check is OK, the inventory shows only in the INFO count. */
static void inventory_only_tree_ok(void **state)
{
    char root[] = "/tmp/qt-monitor-inv.XXXXXX", cmd[1024], proc[300];
    qt_ctx ctx;
    qt_sampler sm = {0};
    qt_snapshot *s;
    qt_buf out = {0};
    size_t inv = 0;
    (void)state;

    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof cmd,
             "set -e; cd %s; cp -r " QT_SRCDIR "/tests/fixtures/servers/root/. .; mkdir -p proc service; "
             "for n in ex-a ex-b off; do mkdir -p var/qmail/supervise/$n/log; "
             "{ echo '#!/bin/sh'; grep -v '^#' " QT_SRCDIR "/tests/fixtures/servers/lwq-qmail-smtpd.run; } > var/qmail/supervise/$n/run; "
             "echo 'exec multilog t ./main' > var/qmail/supervise/$n/log/run; done; "
             "ln -s /var/qmail/supervise/off service/off; touch var/qmail/supervise/off/down; "
             /* qmail's aliases and rcpthosts, so the config audit has nothing to say either */
             "mkdir -p var/qmail/alias; for a in postmaster mailer-daemon root; do "
             "echo ./Maildir/ > var/qmail/alias/.qmail-$a; done; cp var/qmail/control/me var/qmail/control/rcpthosts; "
             /* a socket table with no socket at all (the header line only) */
             "mkdir -p proc/net; for t in tcp tcp6; do head -1 " QT_SRCDIR "/tests/fixtures/ports/proc-net-$t > proc/net/$t; done",
             root);
    assert_int_equal(system(cmd), 0);
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    snprintf(proc, sizeof proc, "%s/proc", root);
    ctx.proc = proc;
    s = qt_sample(&sm, &ctx);
    for (size_t i = 0; i < s->findings.n; i++) {
        const qt_finding *f = &s->findings.v[i];
        if (strstr(f->evidence, "inventory (at most INFO)"))
            inv++;
        if (f->sev > QT_SEV_INFO)
            fail_msg("%s is %s in an inventory-only tree: %s", f->id, qt_sev_name(f->sev), f->title);
    }
    assert_true(inv >= 3); /* ex-a, ex-b, off: each at least "not started" */
    assert_int_equal(eval(s, NULL, NULL, &out), QT_NAGIOS_OK);
    assert_non_null(strstr(out.s, "QTRIAGE OK - no problems found ("));
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
    qt_buf_free(&out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ranges),
        cmocka_unit_test(thresholds_parse),
        cmocka_unit_test(states),
        cmocka_unit_test(long_titles_bounded),
        cmocka_unit_test(prometheus_text),
        cmocka_unit_test(unknown_values),
        cmocka_unit_test(labels_and_keys),
        cmocka_unit_test(unwatched_left_out),
        cmocka_unit_test(inventory_only_tree_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

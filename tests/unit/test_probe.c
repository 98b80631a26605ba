/* test_probe - the probes' findings and metrics from given results
 * (diag/probe/probe_check.c), and where a probe may go (probe_target.c).
 * The probes on the wire are tests/integ/test_probe.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "diag/probe/probe_run.h"

static struct qt_probe_svc svc(const char *name, double deadline)
{
    struct qt_probe_svc s;
    char why[200];
    memset(&s, 0, sizeof s);
    snprintf(s.service, sizeof s.service, "%s", name);
    snprintf(s.server, sizeof s.server, "socat:465");
    s.port = 465;
    s.probe = 1;
    s.tls_expected = 1;
    s.limit = 100;
    s.handshake = deadline;
    s.no_deadline = deadline < 0;
    snprintf(s.hs_detail, sizeof s.hs_detail, deadline < 0 ? "none" : "-T %.0f", deadline);
    assert_int_equal(qt_probe_target_set(&s.t, name, "0", 465, why, sizeof why), 0);
    return s;
}

static const qt_finding *find(const qt_snapshot *snap, const char *id)
{
    for (size_t i = 0; i < snap->findings.n; i++)
        if (!strcmp(snap->findings.v[i].id, id))
            return &snap->findings.v[i];
    return NULL;
}

static void run(struct qt_probe_svc *s, qt_snapshot *snap)
{
    struct qt_probe_set set = {.v = s, .n = 1};
    qt_probe_report(&set, snap);
}

static void handshake_ok(struct qt_probe_svc *s, long days)
{
    s->done |= QT_PS_HANDSHAKE;
    s->hs.status = QT_PR_OK;
    s->hs.took = 0.012;
    s->hs.has_cert = 1;
    s->hs.days_left = days;
    s->hs.name_match = -1;
    snprintf(s->hs.version, sizeof s->hs.version, "TLSv1.3");
    snprintf(s->hs.subject, sizeof s->hs.subject, "CN = mail.test");
}

static void test_cert_levels(void **st)
{
    static const struct { long days; enum qt_sev sev; const char *title; } cases[] = {
        {-1, QT_SEV_CRIT, "Certificate expired 1 days ago"},
        {3, QT_SEV_CRIT, "Certificate expires in 3 days"},
        {6, QT_SEV_CRIT, "Certificate expires in 6 days"},
        {7, QT_SEV_WARN, "Certificate expires in 7 days"},
        {20, QT_SEV_WARN, "Certificate expires in 20 days"},
        {21, QT_SEV_OK, "Certificate valid for 21 more days"},
    };
    (void)st;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qt_snapshot snap = {0};
        struct qt_probe_svc s = svc("smtps", 26);
        const qt_finding *f;
        const qt_metric *m;
        handshake_ok(&s, cases[i].days);
        run(&s, &snap);
        f = find(&snap, "probe.cert:smtps");
        assert_non_null(f);
        assert_int_equal(f->sev, cases[i].sev);
        assert_string_equal(f->title, cases[i].title);
        m = qt_metrics_find(&snap.metrics, "cert_days", "smtps");
        assert_non_null(m);
        assert_true(m->value == (double)cases[i].days);
        m = qt_metrics_find(&snap.metrics, "tls_handshake_ms", "smtps");
        assert_non_null(m);
        assert_true(fabs(m->value - 12) < 0.01);
        qt_findings_free(&snap.findings);
        qt_metrics_free(&snap.metrics);
    }
}

static void test_legacy_and_no_tls(void **st)
{
    qt_snapshot snap = {0};
    struct qt_probe_svc s = svc("smtps", 26);
    const qt_finding *f;
    (void)st;
    handshake_ok(&s, 90);
    s.done |= QT_PS_LEGACY;
    s.legacy.status = QT_PR_OK;
    snprintf(s.legacy.version, sizeof s.legacy.version, "TLSv1");
    run(&s, &snap);
    f = find(&snap, "probe.legacy-tls:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->title, "Old TLS still accepted (TLSv1)");
    qt_findings_free(&snap.findings);
    qt_metrics_free(&snap.metrics);

    memset(&snap, 0, sizeof snap);
    s = svc("smtps", 26);
    s.done = QT_PS_HANDSHAKE;
    s.hs.status = QT_PR_NO_TLS;
    snprintf(s.hs.why, sizeof s.hs.why, "the server answered in plain text");
    run(&s, &snap);
    f = find(&snap, "probe.tls:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->title, "No TLS at all on a TLS port");
    assert_true(isnan(qt_metrics_find(&snap.metrics, "tls_handshake_ms", "smtps")->value));
    qt_findings_free(&snap.findings);
    qt_metrics_free(&snap.metrics);
}

static void test_idle(void **st)
{
    qt_snapshot snap = {0};
    struct qt_probe_svc s = svc("smtps", -1);
    const qt_finding *f, *lint;
    (void)st;
    /* the lint's inferred finding, as lint.c names it */
    qt_findings_add(&snap.findings, QT_SEV_WARN, "servers", "servers.no-handshake-deadline:socat:465", "no TLS handshake deadline");
    s.done = QT_PS_IDLE;
    s.idle.status = QT_PR_OPEN;
    s.idle.bound = 60;
    s.idle.took = 60;
    run(&s, &snap);
    f = find(&snap, "probe.idle:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->inc_kind, "no-deadline");
    lint = find(&snap, "servers.no-handshake-deadline:socat:465");
    assert_non_null(strstr(lint->evidence, "measured: a silent client still open after 60 s: no handshake deadline, confirmed"));
    assert_true(isnan(qt_metrics_find(&snap.metrics, "idle_drop_s", "smtps")->value));
    qt_findings_free(&snap.findings);
    qt_metrics_free(&snap.metrics);

    /* dropped by the deadline: OK with the number; late: WARN */
    for (int late = 0; late < 2; late++) {
        memset(&snap, 0, sizeof snap);
        s = svc("smtps", 26);
        s.done = QT_PS_IDLE;
        s.idle.status = QT_PR_OK;
        s.idle.took = late ? 40 : 26.1;
        run(&s, &snap);
        f = find(&snap, "probe.idle:smtps");
        assert_non_null(f);
        assert_int_equal(f->sev, late ? QT_SEV_WARN : QT_SEV_OK);
        assert_string_equal(f->title, late ? "Dropped a silent client after 40.0 s" : "Dropped a silent client after 26.1 s");
        assert_non_null(strstr(f->evidence, "(-T 26)"));
        assert_true(qt_metrics_find(&snap.metrics, "idle_drop_s", "smtps")->value == s.idle.took);
        qt_findings_free(&snap.findings);
        qt_metrics_free(&snap.metrics);
    }
}

static void test_skipped_and_targets(void **st)
{
    qt_snapshot snap = {0};
    struct qt_probe_svc s = svc("smtps", 26);
    struct qt_probe_target t;
    char why[200];
    const qt_finding *f;
    (void)st;
    s.probe = 0;
    snprintf(s.skip, sizeof s.skip, "at 80 of 100 connections");
    run(&s, &snap);
    f = find(&snap, "probe.skipped:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_int_equal(snap.findings.n, 1);
    qt_findings_free(&snap.findings);
    qt_metrics_free(&snap.metrics);

    assert_int_equal(qt_probe_target_set(&t, "x", "0.0.0.0", 465, why, sizeof why), 0);
    assert_string_equal(t.host, "127.0.0.1");
    assert_int_equal(qt_probe_target_set(&t, "x", "::", 465, why, sizeof why), 0);
    assert_string_equal(t.host, "::1");
    assert_int_equal(qt_probe_target_set(&t, "x", "127.3.4.5", 465, why, sizeof why), 0);
    assert_int_equal(qt_probe_target_set(&t, "x", "192.0.2.1", 465, why, sizeof why), -1);
    assert_non_null(strstr(why, "not an address of this host"));
    assert_int_equal(qt_probe_target_set(&t, "x", "mail.example.com", 465, why, sizeof why), -1);
    assert_non_null(strstr(why, "no name lookups"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cert_levels),
        cmocka_unit_test(test_legacy_and_no_tls),
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_skipped_and_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

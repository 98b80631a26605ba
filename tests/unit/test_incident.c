/* Unit tests: incidents grouped from marked findings (diag/core/incident.h):
 * grouping per service, kind precedence, a stable id across a kind change,
 * first-seen kept across samples, worst-first order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "diag/core/incident.h"

static qt_finding *mark(qt_findings *fs, enum qt_sev sev, const char *src, const char *id, const char *kind,
                        const char *svc, const char *impact, const char *fix)
{
    qt_finding *f = qt_findings_add(fs, sev, src, id, "title");
    if (kind)
        qt_finding_incident(f, kind, svc, "%s", impact);
    if (fix)
        qt_finding_fix(f, "%s", fix);
    return f;
}

/* The lab's smtps: stall + no deadline + hog are one incident; imaps is
 * another; an unmarked finding and a zombie parent are apart. */
static void grouping(void **st)
{
    qt_findings fs = {0};
    qt_incidents is = {0};
    (void)st;
    mark(&fs, QT_SEV_CRIT, "servers", "servers.no-handshake-deadline:smtps", "no-deadline", "smtps",
         "smtps 24465: socat has no handshake deadline", "# put sslserver -T 30 in front");
    mark(&fs, QT_SEV_WARN, "ports", "ports.ip-share:smtps:127.0.0.66", "ip-hog", "smtps",
         "smtps 24465: 127.0.0.66 holds 24", "iptables -I INPUT -s 127.0.0.66 -j DROP");
    mark(&fs, QT_SEV_CRIT, "ports", "ports.handshake:smtps", "tls-stall", "smtps",
         "smtps 24465: 34 of 100 slots held", "# end the oldest\nkill 10 11\niptables ...");
    mark(&fs, QT_SEV_WARN, "ports", "ports.handshake:imaps", "tls-stall", "imaps", "imaps: 7 of 100", NULL);
    mark(&fs, QT_SEV_CRIT, "servers", "servers.port-clash:1:a:b", NULL, NULL, NULL, NULL);
    mark(&fs, QT_SEV_WARN, "zombies", "zombies.parent:42", "zombies", "tcpserver", "12 zombies", "kill -CHLD 42");
    qt_findings_sort(&fs);
    qt_incidents_build(&fs, 1000, NULL, &is);

    assert_int_equal(is.n, 3);
    assert_string_equal(is.v[0].id, "svc:smtps");
    assert_string_equal(is.v[0].kind, "tls-stall");      /* tls-stall > ip-hog > no-deadline */
    assert_string_equal(is.v[0].service, "smtps");
    assert_int_equal(is.v[0].sev, QT_SEV_CRIT);
    assert_string_equal(is.v[0].impact, "smtps 24465: 34 of 100 slots held");
    assert_string_equal(is.v[0].fix, "kill 10 11");       /* the first command, not the comment */
    assert_string_equal(qt_incident_impact_short(&is.v[0]), "24465: 34 of 100 slots held");
    assert_int_equal(is.v[0].nids, 3);
    assert_string_equal(is.v[0].finding_ids[0], "ports.handshake:smtps");
    assert_non_null(strstr(is.v[0].evidence, "CRIT no-deadline: smtps 24465: socat has no handshake deadline"));
    assert_non_null(strstr(is.v[0].evidence, "WARN ip-hog: smtps 24465: 127.0.0.66 holds 24"));
    assert_true(strncmp(is.v[0].evidence, "CRIT tls-stall: ", 16) == 0);
    assert_int_equal((long)is.v[0].since, 1000);
    /* WARN ties: the connection kind (tls-stall) before zombies */
    assert_string_equal(is.v[1].id, "svc:imaps");
    assert_string_equal(is.v[1].fix, "");
    assert_string_equal(is.v[2].id, "zombies:tcpserver");
    assert_string_equal(is.v[2].kind, "zombies");
    assert_string_equal(qt_incident_impact_short(&is.v[2]), "12 zombies");   /* no service prefix: kept */
    assert_int_equal(is.v[2].sev, QT_SEV_WARN);
    qt_incidents_free(&is);
    qt_findings_free(&fs);
}

/* The kind is the precedence's, the severity the worst of all: a WARN
 * saturation decides the kind over a CRIT stall; an only-comment fix is kept. */
static void precedence(void **st)
{
    qt_findings fs = {0};
    qt_incidents is = {0};
    (void)st;
    assert_true(qt_incident_kind_rank("service-down") < qt_incident_kind_rank("saturation"));
    assert_true(qt_incident_kind_rank("saturation") < qt_incident_kind_rank("tls-stall"));
    assert_true(qt_incident_kind_rank("tls-stall") < qt_incident_kind_rank("ip-hog"));
    assert_true(qt_incident_kind_rank("ip-hog") < qt_incident_kind_rank("no-deadline"));
    assert_true(qt_incident_kind_rank("no-deadline") < qt_incident_kind_rank("zombies"));
    assert_false(qt_incident_kind_is_conn("zombies"));
    mark(&fs, QT_SEV_CRIT, "ports", "ports.handshake:smtps", "tls-stall", "smtps", "stall", "kill 1");
    mark(&fs, QT_SEV_WARN, "ports", "ports.limit:smtps", "saturation", "smtps", "85 of 100", "# raise -c");
    qt_findings_sort(&fs);
    qt_incidents_build(&fs, 5, NULL, &is);
    assert_int_equal(is.n, 1);
    assert_string_equal(is.v[0].kind, "saturation");
    assert_int_equal(is.v[0].sev, QT_SEV_CRIT);
    assert_string_equal(is.v[0].impact, "85 of 100");
    assert_string_equal(is.v[0].fix, "# raise -c");
    assert_string_equal(is.v[0].finding_ids[0], "ports.limit:smtps");
    assert_string_equal(is.v[0].finding_ids[1], "ports.handshake:smtps");
    qt_incidents_free(&is);
    qt_findings_free(&fs);
}

/* Sample 1: a stall; sample 2 the service saturates too: same id, new kind,
 * first-seen of sample 1 kept. A new incident gets the new time; one that
 * went away and came back starts again. */
static void stable_id_and_since(void **st)
{
    qt_findings f1 = {0}, f2 = {0}, f3 = {0};
    qt_incidents i1 = {0}, i2 = {0}, i3 = {0};
    (void)st;
    mark(&f1, QT_SEV_CRIT, "ports", "ports.handshake:smtps", "tls-stall", "smtps", "stall", NULL);
    qt_incidents_build(&f1, 100, NULL, &i1);
    mark(&f2, QT_SEV_CRIT, "ports", "ports.handshake:smtps", "tls-stall", "smtps", "stall", NULL);
    mark(&f2, QT_SEV_CRIT, "ports", "ports.limit:smtps", "saturation", "smtps", "100 of 100", NULL);
    mark(&f2, QT_SEV_WARN, "zombies", "zombies.parent:7", "zombies", "tcpserver", "3 zombies", NULL);
    qt_findings_sort(&f2);
    qt_incidents_build(&f2, 160, &i1, &i2);
    assert_int_equal(i2.n, 2);
    assert_string_equal(i2.v[0].id, i1.v[0].id);
    assert_string_equal(i1.v[0].kind, "tls-stall");
    assert_string_equal(i2.v[0].kind, "saturation");
    assert_int_equal((long)i2.v[0].since, 100);
    assert_int_equal((long)i2.v[1].since, 160);
    qt_incidents_build(&f1, 220, &i2, &i3);    /* zombies gone, smtps back to a stall */
    assert_int_equal(i3.n, 1);
    assert_int_equal((long)i3.v[0].since, 100);
    qt_incidents_build(&f2, 280, &i3, &i1);    /* zombies back: a new first-seen */
    assert_int_equal((long)i1.v[1].since, 280);
    qt_incidents_free(&i1);
    qt_incidents_free(&i2);
    qt_incidents_free(&i3);
    qt_findings_free(&f1);
    qt_findings_free(&f2);
    qt_findings_free(&f3);
}

/* Worst first, then kind precedence, then id; copy keeps everything. */
static void ordering_and_copy(void **st)
{
    qt_findings fs = {0};
    qt_incidents is = {0}, cp = {0};
    (void)st;
    mark(&fs, QT_SEV_WARN, "ports", "ports.ip-share:b:1", "ip-hog", "b", "hog", NULL);
    mark(&fs, QT_SEV_WARN, "servers", "servers.no-handshake-deadline:a", "no-deadline", "a", "nd", NULL);
    mark(&fs, QT_SEV_WARN, "ports", "ports.ip-share:c:1", "ip-hog", "c", "hog", NULL);
    mark(&fs, QT_SEV_CRIT, "zombies", "zombies.parent:9", "zombies", "x", "z", NULL);
    mark(&fs, QT_SEV_INFO, "servers", "servers.down:d", "service-down", "d", "down", NULL);
    qt_findings_sort(&fs);
    qt_incidents_build(&fs, 1, NULL, &is);
    assert_int_equal(is.n, 5);
    assert_string_equal(is.v[0].id, "zombies:x");
    assert_string_equal(is.v[1].id, "svc:b");
    assert_string_equal(is.v[2].id, "svc:c");
    assert_string_equal(is.v[3].id, "svc:a");
    assert_string_equal(is.v[4].id, "svc:d");
    qt_incidents_copy(&cp, &is);
    assert_int_equal(cp.n, 5);
    assert_string_equal(cp.v[3].finding_ids[0], "servers.no-handshake-deadline:a");
    assert_int_equal(qt_incidents_find(&cp, "svc:c"), 2);
    assert_int_equal(qt_incidents_find(&cp, "svc:zz"), -1);
    qt_incidents_build(&fs, 1, NULL, &is);     /* rebuilding into a used list replaces it */
    assert_int_equal(is.n, 5);
    qt_incidents_free(&is);
    qt_incidents_free(&cp);
    qt_findings_free(&fs);
}

/* Nothing marked: no incident. */
static void none(void **st)
{
    qt_findings fs = {0};
    qt_incidents is = {0};
    (void)st;
    mark(&fs, QT_SEV_CRIT, "servers", "servers.down:x", NULL, NULL, NULL, NULL);
    qt_incidents_build(&fs, 1, NULL, &is);
    assert_int_equal(is.n, 0);
    qt_incidents_free(&is);
    qt_findings_free(&fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grouping),
        cmocka_unit_test(precedence),
        cmocka_unit_test(stable_id_and_since),
        cmocka_unit_test(ordering_and_copy),
        cmocka_unit_test(none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the logs and Ports cross-reference (issue 16): failed logins
 * per remote IP in the auth window (IPv4-mapped IPv6 counted as IPv4, as the
 * Ports model counts a v4 client of a dual-stack listener); an address that
 * holds many connections AND guesses passwords is one incident, the
 * service's (docs/incidents.md "One client, two findings"); the Ports
 * finding about it gets its failed logins as evidence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/core/ctx.h"
#include "diag/core/incident.h"
#include "diag/core/severity.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"
#include "diag/ports/ports.h"

static void vline(qt_logmon *m, qt_logmon_srcctx *c, time_t t, const char *what, const char *user, const char *ip)
{
    char stamp[32], l[512];
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    snprintf(l, sizeof l, "%s mx vpopmail[4242]: vchkpw-smtp: %s %s:%s", stamp, what, user, ip);
    qt_logmon_ingest(m, c, 0, l, strlen(l), 0);
}

struct world {
    qt_ctx ctx;
    qt_logmon *m;
    qt_logmon_srcctx *c;
    qt_sockets s;
    struct qt_ip ips[2];
    qt_snapshot snap;
    time_t now;
};

/* smtp on 25 watched; 20 established connections, 12 of them from hog_ip
 * (over QT_PORTS_IP_MIN and over a quarter: the ports.ip-share rule) */
static void world_new(struct world *w, const char *hog_ip)
{
    memset(w, 0, sizeof *w);
    qt_ctx_defaults(&w->ctx);
    snprintf(w->ctx.services[0].name, sizeof w->ctx.services[0].name, "smtp");
    w->ctx.services[0].port = 25;
    w->ctx.nservices = 1;
    w->now = time(NULL);
    w->m = qt_malloc(sizeof *w->m);
    qt_logmon_init(w->m, (double)w->now, 3600);
    w->m->nsrc = 1;
    snprintf(w->m->src[0].name, sizeof w->m->src[0].name, "maillog");
    w->c = qt_logmon_srcctx_new((int64_t)w->now);
    w->s.nsvc = 1;
    w->s.svc[0].established = 20;
    w->ips[0].family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, hog_ip, w->ips[0].addr), 1);
    w->ips[0].total = w->ips[0].count[0] = 12;
    w->ips[1].family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, "192.0.2.200", w->ips[1].addr), 1);
    w->ips[1].total = w->ips[1].count[0] = 2;
    w->s.ips = w->ips;
    w->s.nips = 2;
    w->snap.logs = w->m;
    w->snap.sockets = &w->s;
}

static void world_free(struct world *w)
{
    qt_logmon_srcctx_free(w->c);
    free(w->m);
}

static const qt_finding *find(const qt_findings *fs, const char *id)
{
    for (size_t i = 0; i < fs->n; i++)
        if (!strcmp(fs->v[i].id, id))
            return &fs->v[i];
    return NULL;
}

/* password spraying from the address that holds 12 of 20 connections:
 * ip-hog of smtp, one incident with the Ports finding */
static void hog_and_spray_one_incident(void **st)
{
    (void)st;
    struct world w;
    qt_findings fs = {0};
    qt_incidents is = {0};
    const char *users[] = {"a", "b", "c", "d", "e", "f"};
    const qt_finding *f;
    qt_finding *p;

    world_new(&w, "203.0.113.5");
    for (size_t i = 0; i < QT_ARRAY_LEN(users); i++) {
        char u[64];
        snprintf(u, sizeof u, "%s@example.test", users[i]);
        /* vchkpw strips ::ffff: itself; an older one or another logger may not */
        vline(w.m, w.c, w.now - 30, "password fail", u, i % 2 ? "::ffff:203.0.113.5" : "203.0.113.5");
    }
    /* the Ports analysis ran first (collector order): its finding on the IP */
    p = qt_findings_add(&fs, QT_SEV_WARN, "ports", "ports.ip-share:smtp:203.0.113.5", "One client holds many connections");
    qt_finding_incident(p, "ip-hog", "smtp", "smtp 25: 203.0.113.5 holds 12 of 20 connections, 30%% of the limit of 40");
    qt_logmon_analyse(&w.ctx, &w.snap, NULL, &fs);
    f = find(&fs, "logs.auth-spray:203.0.113.5");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "ip-hog");
    assert_string_equal(f->inc_service, "smtp");
    assert_non_null(strstr(f->inc_impact, "smtp 25: 203.0.113.5 holds 12 connections and failed 6 logins for 6 users"));
    assert_non_null(strstr(f->evidence, "it holds 12 connections of smtp (25) now"));
    f = find(&fs, "ports.ip-share:smtp:203.0.113.5");
    assert_non_null(strstr(f->evidence, "it failed 6 logins (6 users) in the last 10 min (the mail logs)"));
    qt_incidents_build(&fs, 1, NULL, &is);
    assert_int_equal(is.n, 1);
    assert_string_equal(is.v[0].id, "svc:smtp");
    assert_string_equal(is.v[0].kind, "ip-hog");
    assert_int_equal(is.v[0].nids, 2);
    qt_incidents_free(&is);
    qt_findings_free(&fs);
    world_free(&w);
}

/* the same spraying from an address holding 2 connections: auth-failures */
static void spray_without_hog(void **st)
{
    (void)st;
    struct world w;
    qt_findings fs = {0};
    const qt_finding *f;

    world_new(&w, "203.0.113.5");
    for (int i = 0; i < 6; i++) {
        char u[64];
        snprintf(u, sizeof u, "u%d@example.test", i);
        vline(w.m, w.c, w.now - 30, "password fail", u, "192.0.2.200");
    }
    qt_logmon_analyse(&w.ctx, &w.snap, NULL, &fs);
    f = find(&fs, "logs.auth-spray:192.0.2.200");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "auth-failures");
    /* no sockets model (collector off): the same */
    w.snap.sockets = NULL;
    qt_findings_free(&fs);
    qt_logmon_analyse(&w.ctx, &w.snap, NULL, &fs);
    assert_string_equal(find(&fs, "logs.auth-spray:192.0.2.200")->inc_kind, "auth-failures");
    qt_findings_free(&fs);
    world_free(&w);
}

/* failures per IP in the window, sorted for lookup; old ones and
 * successes left out */
static void fails_per_ip(void **st)
{
    (void)st;
    struct world w;
    struct qt_logmon_ipfail *v;
    size_t n, users;

    world_new(&w, "203.0.113.5");
    vline(w.m, w.c, w.now - 30, "password fail", "a@example.test", "::ffff:198.51.100.9");
    vline(w.m, w.c, w.now - 20, "vpopmail user not found", "b@example.test", "198.51.100.9");
    vline(w.m, w.c, w.now - 20, "password fail", "a@example.test", "198.51.100.9");
    vline(w.m, w.c, w.now - 10, "(PLAIN) login success", "c@example.test", "198.51.100.9");
    vline(w.m, w.c, w.now - QT_SEV_LOG_AUTH_WINDOW - 60, "password fail", "a@example.test", "198.51.100.9");
    vline(w.m, w.c, w.now - 5, "password fail", "z@example.test", "2001:db8::7");
    assert_int_equal(qt_logmon_ip_auth_fails(w.m, "198.51.100.9", (int64_t)w.now - QT_SEV_LOG_AUTH_WINDOW, &users), 3);
    assert_int_equal(users, 2);
    v = qt_logmon_ip_fails(w.m, (int64_t)w.now - QT_SEV_LOG_AUTH_WINDOW, &n);
    assert_int_equal(n, 2);
    assert_int_equal(qt_logmon_ip_fails_find(v, n, "198.51.100.9"), 3);
    assert_int_equal(qt_logmon_ip_fails_find(v, n, "2001:db8::7"), 1);
    assert_int_equal(qt_logmon_ip_fails_find(v, n, "203.0.113.5"), 0);
    free(v);
    world_free(&w);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hog_and_spray_one_incident),
        cmocka_unit_test(spray_without_hog),
        cmocka_unit_test(fails_per_ip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

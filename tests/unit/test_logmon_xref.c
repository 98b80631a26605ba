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

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag/core/finding.h"
#include "diag/core/ctx.h"
#include "diag/core/selfconn.h"
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
    f = qt_findings_find(&fs, "logs.auth-spray:203.0.113.5");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "ip-hog");
    assert_string_equal(f->inc_service, "smtp");
    assert_non_null(strstr(f->inc_impact, "smtp 25: 203.0.113.5 holds 12 connections and failed 6 logins for 6 users"));
    assert_non_null(strstr(f->evidence, "it holds 12 connections of smtp (25) now"));
    f = qt_findings_find(&fs, "ports.ip-share:smtp:203.0.113.5");
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
    f = qt_findings_find(&fs, "logs.auth-spray:192.0.2.200");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "auth-failures");
    /* no sockets model (collector off): the same */
    w.snap.sockets = NULL;
    qt_findings_free(&fs);
    qt_logmon_analyse(&w.ctx, &w.snap, NULL, &fs);
    assert_string_equal(qt_findings_find(&fs, "logs.auth-spray:192.0.2.200")->inc_kind, "auth-failures");
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

/* a real loopback connection noted as ours; its local port as tcpserver
 * logs it (the client's port) */
static unsigned own_connection(int *lfd, int *cfd)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    *lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(*lfd >= 0);
    assert_int_equal(bind(*lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(*lfd, 4), 0);
    assert_int_equal(getsockname(*lfd, (struct sockaddr *)&a, &len), 0);
    *cfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(*cfd, (struct sockaddr *)&a, sizeof a), 0);
    qt_selfconn_note(*cfd, (double)time(NULL));
    len = sizeof a;
    assert_int_equal(getsockname(*cfd, (struct sockaddr *)&a, &len), 0);
    return ntohs(a.sin_port);
}

static void tline(qt_logmon *m, qt_logmon_srcctx *c, time_t t, const char *fmt, ...)
{
    char msg[300], l[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l, sizeof l, "@%016llx%08x tcpserver: %s", (unsigned long long)((1ull << 62) + 10 + (uint64_t)t), 0u, msg);
    qt_logmon_ingest(m, c, 0, l, strlen(l), 0);
}

/* the probes' and the wizard's connections are no clients: not in the
 * logs' per-IP table nor the listener's counts (its crash-looking ends
 * neither), not in the Ports per-IP table; another port of the same
 * address is a client */
static void own_connections_left_out(void **st)
{
    (void)st;
    struct world w;
    int lfd, cfd;
    unsigned port;
    qt_sockets s;
    struct qt_sock sk[2];
    qt_findings fs = {0};

    qt_selfconn_reset();
    port = own_connection(&lfd, &cfd);
    assert_true(qt_selfconn_match("127.0.0.1", port, (double)time(NULL)));
    assert_true(qt_selfconn_match("::ffff:127.0.0.1", port, (double)time(NULL)));
    assert_false(qt_selfconn_match("127.0.0.1", port == 65535 ? 1 : port + 1, (double)time(NULL)));
    assert_false(qt_selfconn_match("127.0.0.1", port, (double)time(NULL) + QT_SELFCONN_SECS + 60));

    world_new(&w, "203.0.113.5");
    snprintf(w.m->src[0].name, sizeof w.m->src[0].name, "qmail-smtpd");
    for (int i = 0; i < 3; i++) {
        /* logged after the connection was noted */
        tline(w.m, w.c, w.now, "pid %d from 127.0.0.1", 600 + i);
        tline(w.m, w.c, w.now, "ok %d 0:127.0.0.1:25 :127.0.0.1::%u", 600 + i, port);
        tline(w.m, w.c, w.now, "end %d status 9", 600 + i);   /* a probe's cut: would look like crashes */
    }
    tline(w.m, w.c, w.now, "ok 700 0:127.0.0.1:25 :127.0.0.1::%u", port == 65535 ? 1 : port + 1);
    assert_int_equal(w.m->own_conns, 6);
    assert_int_equal(w.m->ips.n, 1);
    assert_int_equal(w.m->ips.v[0].other, 1);     /* only pid 700's connection */
    assert_int_equal(w.m->tcp[0].conns, 1);
    assert_int_equal(w.m->tcp[0].abnormal, 0);
    qt_logmon_analyse(&w.ctx, &w.snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "logs.tcp-ends:qmail-smtpd"));
    qt_findings_free(&fs);

    /* the Ports model: the server side of our connection is left out of the IPs */
    memset(&s, 0, sizeof s);
    memset(sk, 0, sizeof sk);
    s.now = (double)time(NULL);
    for (int i = 0; i < 2; i++) {
        sk[i].family = AF_INET;
        sk[i].state = QT_TCP_ESTABLISHED;
        sk[i].svc = 0;
        sk[i].lport = 25;
        sk[i].inode = 100 + (uint32_t)i;
        assert_int_equal(inet_pton(AF_INET, "127.0.0.1", sk[i].raddr), 1);
        assert_int_equal(inet_pton(AF_INET, "127.0.0.1", sk[i].laddr), 1);
    }
    sk[0].rport = (uint16_t)port;
    sk[1].rport = (uint16_t)(port == 65535 ? 1 : port + 1);
    s.socks.v = sk;
    s.socks.n = 2;
    qt_ports_build(&s, &w.ctx);
    assert_int_equal(s.svc[0].established, 2);   /* it holds a slot all the same */
    assert_int_equal(s.own_conns, 1);
    assert_int_equal(s.nips, 1);
    assert_int_equal(s.ips[0].total, 1);
    free(s.ips);
    free(s.listeners);
    world_free(&w);
    close(cfd);
    close(lfd);
    qt_selfconn_reset();
}

/* the table keeps the last QT_SELFCONN_MAX connections noted: before the
 * first one nothing matches, after a wrap the oldest are gone and every
 * one of the newest still matches */
static void own_connections_ring(void **st)
{
    (void)st;
    enum { N = QT_SELFCONN_MAX + 6 };
    unsigned ports[N];
    int fds[N];   /* held open to the end: no two with one port */
    double now = (double)time(NULL);

    qt_selfconn_reset();
    for (int i = 0; i < N; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        int fd = fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
        assert_true(fd >= 0);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
        ports[i] = ntohs(a.sin_port);
        if (i == 0)
            assert_false(qt_selfconn_match("127.0.0.1", ports[0], now));
        qt_selfconn_note(fd, now);
        assert_true(qt_selfconn_match("127.0.0.1", ports[i], now));
        assert_true(qt_selfconn_match("127.0.0.1", ports[0], now) == (i < QT_SELFCONN_MAX));
    }
    for (int i = 0; i < N; i++)
        assert_true(qt_selfconn_match("127.0.0.1", ports[i], now) == (i >= N - QT_SELFCONN_MAX));
    qt_selfconn_reset();
    assert_false(qt_selfconn_match("127.0.0.1", ports[N - 1], now));
    for (int i = 0; i < N; i++)
        close(fds[i]);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hog_and_spray_one_incident),
        cmocka_unit_test(spray_without_hog),
        cmocka_unit_test(fails_per_ip),
        cmocka_unit_test(own_connections_left_out),
        cmocka_unit_test(own_connections_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

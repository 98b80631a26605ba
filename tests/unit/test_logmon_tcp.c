/* Unit tests: tcpserver's own story in the logs (diag/logmon/logmon_tcp.c,
 * logmon_tcp_check.c): the time a listener sat at its -c limit from its
 * "status: N/M" lines, abnormal ends from the raw wait status and fehcom's
 * "status exit N"/"status signal N", starts, denies per IP; multilog and
 * syslog forms (docs/domain/ucspi.md#log-lines); the at-limit finding joins
 * the saturation incident of the watched service (docs/incidents.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/core/finding.h"
#include "diag/core/ctx.h"
#include "diag/core/incident.h"
#include "diag/core/severity.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"

struct fx {
    qt_logmon *m;
    qt_logmon_srcctx *c;
    int64_t now;
    int syslog;            /* 0: multilog "@TAI64N tcpserver: ..."; 1: "Mmm dd hh:mm:ss mx TAG: ..." */
    const char *tag;       /* syslog tag, "tcpserver[4100]" */
};

static void fx_new(struct fx *x, const char *src, int syslog)
{
    x->now = (int64_t)time(NULL);
    x->m = qt_malloc(sizeof *x->m);
    qt_logmon_init(x->m, (double)x->now, 3600);
    x->m->nsrc = 1;
    snprintf(x->m->src[0].name, sizeof x->m->src[0].name, "%s", src);
    snprintf(x->m->src[0].path, sizeof x->m->src[0].path, "/var/log/qmail/%s/current", src);
    x->c = qt_logmon_srcctx_new(x->now);
    x->syslog = syslog;
    x->tag = "tcpserver[4100]";
}

static void fx_free(struct fx *x)
{
    qt_logmon_srcctx_free(x->c);
    free(x->m);
}

/* one line of the listener, ago seconds before now; old: read back at start */
static void feed_old(struct fx *x, int64_t ago, int old, const char *fmt, ...)
{
    char msg[300], l[512];
    int64_t t = x->now - ago;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (x->syslog) {
        char stamp[32];
        time_t tt = (time_t)t;
        struct tm tm;
        localtime_r(&tt, &tm);
        strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
        snprintf(l, sizeof l, "%s mx %s: %s", stamp, x->tag, msg);
    } else {
        /* multilog t: TAI64N label = 2^62 + 10 + Unix seconds (daemontools tai64nlocal.c) */
        snprintf(l, sizeof l, "@%016llx%08x tcpserver: %s", (unsigned long long)((1ull << 62) + 10 + (uint64_t)t),
                 123456000u, msg);
    }
    qt_logmon_ingest(x->m, x->c, 0, l, strlen(l), old);
}
#define feed(x, ago, ...) feed_old((x), (ago), 0, __VA_ARGS__)

/* the console's defaults with one watched service, smtp on 25 (--ports smtp:25) */
static void ctx_smtp(qt_ctx *ctx)
{
    qt_ctx_defaults(ctx);
    ctx->nservices = 0;
    snprintf(ctx->services[0].name, sizeof ctx->services[0].name, "smtp");
    ctx->services[0].port = 25;
    ctx->nservices = 1;
}

static const qt_finding *analyse(const qt_logmon *m, qt_findings *fs, const char *id, qt_ctx *ctx)
{
    qt_snapshot snap;
    memset(&snap, 0, sizeof snap);
    snap.logs = (qt_logmon *)m;
    qt_findings_free(fs);
    qt_logmon_analyse(ctx, &snap, NULL, fs);
    return qt_findings_find(fs, id);
}

/* a connection cycle: accept (status N+1), pid, ok, then later end + status N */
static void accept_one(struct fx *x, int64_t ago, unsigned n, unsigned lim, long pid, const char *ip)
{
    feed(x, ago, "status: %u/%u", n + 1, lim);
    feed(x, ago, "pid %ld from %s", pid, ip);
    feed(x, ago, "ok %ld 0:127.0.0.1:25 :%s::40%03ld", pid, ip, pid % 1000);
}

/* multilog: 3/3 for 3 minutes then a child ends -> WARN, saturation of the
 * watched service "smtp" (port 25 from the ok lines); 30 s only -> nothing */
static void limit_warn(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_ctx ctx;
    const qt_finding *f;

    ctx_smtp(&ctx);
    assert_true(qt_ctx_service_index(&ctx, 25) >= 0);
    fx_new(&x, "qmail-smtpd", 0);
    feed(&x, 500, "status: 0/3");
    accept_one(&x, 400, 0, 3, 101, "192.0.2.1");
    accept_one(&x, 400, 1, 3, 102, "192.0.2.2");
    accept_one(&x, 300, 2, 3, 103, "192.0.2.3");         /* 3/3 from now-300 */
    feed(&x, 270, "end 103 status 0");
    feed(&x, 270, "status: 2/3");                      /* 30 s at the limit */
    assert_null(analyse(x.m, &fs, "logs.tcp-limit:qmail-smtpd", &ctx));
    accept_one(&x, 250, 2, 3, 104, "192.0.2.4");         /* 3/3 again from now-250 */
    feed(&x, 70, "end 101 status 256");
    feed(&x, 70, "status: 2/3");                       /* 180 s more: 210 s */
    f = analyse(x.m, &fs, "logs.tcp-limit:qmail-smtpd", &ctx);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->inc_kind, "saturation");
    assert_string_equal(f->inc_service, ctx.services[qt_ctx_service_index(&ctx, 25)].name);
    assert_non_null(strstr(f->inc_impact, "at its limit of 3 for 3m30s of the last 10 min"));
    assert_non_null(strstr(f->evidence, "peak 3/3"));
    assert_null(strstr(f->evidence, "still at it"));
    assert_int_equal(x.m->ntcp, 1);
    assert_int_equal(x.m->tcp[0].port, 25);
    assert_int_equal(x.m->tcp[0].conns, 4);
    assert_int_equal(x.m->tcp[0].starts, 1);
    assert_int_equal(x.m->tcp[0].abnormal, 0);     /* exit 0 and exit 1 are ordinary */
    qt_findings_free(&fs);
    fx_free(&x);
}

/* still at the limit: CRIT, since when; and one incident with Ports' finding */
static void limit_crit_one_incident(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_incidents is = {0};
    qt_ctx ctx;
    const qt_finding *f;
    qt_finding *p;
    const char *svc;

    ctx_smtp(&ctx);
    svc = ctx.services[qt_ctx_service_index(&ctx, 25)].name;
    fx_new(&x, "qmail-smtpd", 0);
    feed(&x, 200, "status: 1/2");
    feed(&x, 200, "ok 201 0:127.0.0.1:25 :198.51.100.7::40001");
    feed(&x, 90, "status: 2/2");
    f = analyse(x.m, &fs, "logs.tcp-limit:qmail-smtpd", &ctx);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_non_null(strstr(f->evidence, "still at it: status: 2/2 since"));
    assert_non_null(strstr(f->inc_impact, ", still at it"));
    /* the Ports analysis' saturation of the same service: one incident */
    p = qt_findings_add(&fs, QT_SEV_WARN, "ports", "ports.limit:smtp", "Service at its connection limit");
    qt_finding_incident(p, "saturation", svc, "%s 25: 2 of 2 slots taken; 0 waiting to be accepted", svc);
    qt_incidents_build(&fs, 1, NULL, &is);
    size_t sat = 0;
    for (size_t i = 0; i < is.n; i++)
        if (!strcmp(is.v[i].kind, "saturation")) {
            sat++;
            assert_int_equal(is.v[i].nids, 2);
            assert_int_equal(is.v[i].sev, QT_SEV_CRIT);
        }
    assert_int_equal(sat, 1);
    qt_incidents_free(&is);
    qt_findings_free(&fs);
    fx_free(&x);
}

/* at the limit since before the window read back: the old lines still set
 * the state, so a listener stuck for hours (it logs nothing) is CRIT */
static void limit_from_old_lines(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_ctx ctx;
    const qt_finding *f;

    ctx_smtp(&ctx);
    fx_new(&x, "qmail-smtpd", 0);
    feed_old(&x, 7200, 1, "status: 40/40");
    assert_int_equal(x.m->old_lines, 1);
    f = analyse(x.m, &fs, "logs.tcp-limit:qmail-smtpd", &ctx);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_non_null(strstr(f->evidence, "10m00s of the last 10 min"));
    assert_int_equal(x.m->tcp[0].peak, 0);      /* the peak is over the counted lines only */
    qt_findings_free(&fs);
    fx_free(&x);
}

/* abnormal ends: raw wait statuses (11 = SIGSEGV, 9 = SIGKILL, 28416 = exit
 * 111) and fehcom's forms; 0, 256, 25600 (deny) are not */
static void abnormal_ends(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_ctx ctx;
    const qt_finding *f;

    ctx_smtp(&ctx);
    fx_new(&x, "qmail-pop3d", 0);
    feed(&x, 100, "end 301 status 0");
    feed(&x, 100, "end 302 status 256");
    feed(&x, 100, "end 303 status 25600");
    feed(&x, 100, "end 304 status 11");
    feed(&x, 90, "end 305 status 139");          /* SIGSEGV with a core */
    assert_null(analyse(x.m, &fs, "logs.tcp-ends:qmail-pop3d", &ctx));
    feed(&x, 80, "end 306 status 28416");
    f = analyse(x.m, &fs, "logs.tcp-ends:qmail-pop3d", &ctx);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "3 of qmail-pop3d"));
    assert_non_null(strstr(f->evidence, "2 killed by signal 11 (SIGSEGV): a crash"));
    assert_non_null(strstr(f->evidence, "last pid 305"));
    assert_non_null(strstr(f->evidence, "1 exit 111: exit 111, a temporary failure"));
    assert_int_equal(x.m->tcp[0].ends, 6);
    assert_int_equal(x.m->tcp[0].abnormal, 3);
    /* fehcom's later sslserver: "status signal N" / "status exit N" */
    feed(&x, 10, "end 307 status signal 9");
    feed(&x, 10, "end 308 status exit 111");
    feed(&x, 10, "end 309 status exit 0");
    f = analyse(x.m, &fs, "logs.tcp-ends:qmail-pop3d", &ctx);
    assert_non_null(strstr(f->evidence, "1 killed by signal 9 (SIGKILL): killed outright: the kernel's OOM killer"));
    assert_non_null(strstr(f->evidence, "2 exit 111"));
    assert_int_equal(x.m->tcp[0].abnormal, 5);
    qt_findings_free(&fs);
    fx_free(&x);
}

/* ends older than the analysis window do not count */
static void abnormal_ends_window(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_ctx ctx;

    ctx_smtp(&ctx);
    fx_new(&x, "qmail-pop3d", 0);
    for (int i = 0; i < 5; i++)
        feed(&x, QT_SEV_LOG_TCP_WINDOW + 60, "end %d status 9", 400 + i);
    assert_int_equal(x.m->tcp[0].abnormal, 5);
    assert_null(analyse(x.m, &fs, "logs.tcp-ends:qmail-pop3d", &ctx));
    qt_findings_free(&fs);
    fx_free(&x);
}

/* starts: "status: 0/M" after no end line; not after an end, nor the
 * second half of a fork failure (1 then 0 with no end) */
static void starts(void **st)
{
    (void)st;
    struct fx x;

    fx_new(&x, "qmail-smtpd", 0);
    feed(&x, 300, "status: 0/20");                   /* start */
    feed(&x, 290, "status: 1/20");
    feed(&x, 280, "end 11 status 0");
    feed(&x, 280, "status: 0/20");                   /* a child ended */
    feed(&x, 270, "status: 1/20");
    feed(&x, 270, "status: 0/20");                   /* fork failed */
    assert_int_equal(x.m->tcp[0].starts, 1);
    feed(&x, 200, "status: 3/20");
    feed(&x, 100, "status: 0/30");                   /* restarted with -c 30 */
    assert_int_equal(x.m->tcp[0].starts, 2);
    assert_int_equal(x.m->tcp[0].limit, 30);
    assert_int_equal(qt_logmon_tcp_starts_since(&x.m->tcp[0], x.now - 150), 1);
    fx_free(&x);
}

/* a restart ends an at-limit span: the new tcpserver has no child. The
 * old span ends at the old tcpserver's last line, not at the start: the
 * service may have been down in between (the lab stopped at 2/2 at 12:15
 * and started again at 14:31 showed "at its limit for 9m59s" 10 s later) */
static void start_closes_limit(void **st)
{
    (void)st;
    struct fx x;

    fx_new(&x, "qmail-smtpd", 0);
    feed(&x, 7200, "status: 1/2");
    feed(&x, 7190, "status: 2/2");
    feed(&x, 7180, "end 12 status 0");
    feed(&x, 7180, "status: 1/2");
    feed(&x, 7170, "status: 2/2");                 /* then it stopped, at its limit */
    feed(&x, 300, "status: 0/2");                  /* started again, 2 hours later */
    assert_int_equal(x.m->tcp[0].full_since, 0);
    assert_true(qt_logmon_tcp_full_secs(&x.m->tcp[0], x.now - 7200, x.now) == 10.0);
    assert_true(qt_logmon_tcp_full_secs(&x.m->tcp[0], x.now - 600, x.now) == 0.0);
    feed(&x, 10, "status: 1/2");
    feed(&x, 10, "status: 2/2");                   /* at its limit again, for 10 s now */
    assert_true(qt_logmon_tcp_full_secs(&x.m->tcp[0], x.now - 600, x.now) == 10.0);
    fx_free(&x);
}

/* syslog: two listeners in one maillog, told apart by their tag's PID;
 * splogger's "smtpd" tag; denies per IP */
static void syslog_listeners(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    qt_ctx ctx;
    const qt_finding *f;

    ctx_smtp(&ctx);
    fx_new(&x, "maillog", 1);
    x.tag = "tcpserver[4100]";
    feed(&x, 400, "status: 5/5");
    x.tag = "tcpserver[4200]";
    feed(&x, 400, "status: 1/10");
    feed(&x, 400, "deny 77 0:192.0.2.10:110 :203.0.113.5::50000");
    feed(&x, 390, "deny 78 0:192.0.2.10:110 :203.0.113.5::50001");
    feed(&x, 380, "deny 79 0:192.0.2.10:110 :::ffff:203.0.113.6::50002");
    x.tag = "smtpd";
    feed(&x, 300, "1765100475.123456 tcpserver: status: 3/3");
    assert_int_equal(x.m->ntcp, 3);
    assert_string_equal(x.m->tcp[0].key, "maillog/tcpserver[4100]");
    assert_string_equal(x.m->tcp[1].key, "maillog/tcpserver[4200]");
    assert_string_equal(x.m->tcp[2].key, "maillog/smtpd");
    assert_int_equal(x.m->tcp[1].denies, 3);
    assert_int_equal(x.m->tcp[1].ndeny, 2);
    assert_string_equal(x.m->tcp[1].deny[0].ip, "203.0.113.5");
    assert_int_equal(x.m->tcp[1].deny[0].n, 2);
    assert_string_equal(x.m->tcp[1].deny[1].ip, "203.0.113.6");
    assert_int_equal(x.m->tcp[1].port, 110);
    f = analyse(x.m, &fs, "logs.tcp-limit:maillog/tcpserver[4100]", &ctx);
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_string_equal(f->inc_service, "maillog/tcpserver[4100]");   /* no port seen */
    assert_null(analyse(x.m, &fs, "logs.tcp-limit:maillog/tcpserver[4200]", &ctx));
    qt_findings_free(&fs);
    fx_free(&x);
}

/* the listeners table is bounded: the 17th is counted as dropped */
static void bounded_listeners(void **st)
{
    (void)st;
    struct fx x;
    char tag[40];

    fx_new(&x, "maillog", 1);
    for (int i = 0; i < QT_LOGMON_TCP + 3; i++) {
        snprintf(tag, sizeof tag, "tcpserver[%d]", 5000 + i);
        x.tag = tag;
        feed(&x, 10, "status: 0/4");
    }
    assert_int_equal(x.m->ntcp, QT_LOGMON_TCP);
    assert_int_equal(x.m->tcp_dropped, 3);
    fx_free(&x);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_warn),
        cmocka_unit_test(limit_crit_one_incident),
        cmocka_unit_test(limit_from_old_lines),
        cmocka_unit_test(abnormal_ends),
        cmocka_unit_test(abnormal_ends_window),
        cmocka_unit_test(starts),
        cmocka_unit_test(start_closes_limit),
        cmocka_unit_test(syslog_listeners),
        cmocka_unit_test(bounded_listeners),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the logs collector (diag/logmon): its model fed with
 * real-format lines (docs/domain/vpopmail.md#log-lines,
 * docs/domain/qmail.md#qmail-send-log), the analysis at the lines of
 * docs/severity.md "Mail logs", the bounded tables, qtriage's own logins
 * left out, and the collector on a temporary --root (read back within the
 * window, then only new lines; an unreadable log said). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag/core/finding.h"
#include "diag/core/ctx.h"
#include "diag/core/severity.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"
#include "diag/logmon/logmon_journal.h"
#include "diag/servers/servers.h"

static double fake_now;
static double now_fn(void) { return fake_now; }

/* a vchkpw line in syslog file form, t seconds since the epoch */
static void vline(char *out, size_t n, time_t t, const char *svc, const char *what, const char *user, const char *ip)
{
    char stamp[32];
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    snprintf(out, n, "%s mx vpopmail[4242]: vchkpw-%s: %s %s:%s", stamp, svc, what, user, ip);
}

struct fx {
    qt_logmon *m;
    qt_logmon_srcctx *c;
    time_t t;
};

static void feed_auth(struct fx *x, int times, const char *svc, const char *what, const char *user, const char *ip)
{
    char l[512];
    for (int i = 0; i < times; i++) {
        vline(l, sizeof l, x->t, svc, what, user, ip);
        qt_logmon_ingest(x->m, x->c, 0, l, strlen(l), 0);
    }
}

static void fx_new(struct fx *x)
{
    x->t = time(NULL) - 60;
    x->m = qt_malloc(sizeof *x->m);
    qt_logmon_init(x->m, (double)time(NULL), 3600);
    x->m->nsrc = 1;
    snprintf(x->m->src[0].name, sizeof x->m->src[0].name, "maillog");
    x->c = qt_logmon_srcctx_new((int64_t)time(NULL));
}

static void fx_free(struct fx *x)
{
    qt_logmon_srcctx_free(x->c);
    free(x->m);
}

static const qt_finding *analyse(const qt_logmon *m, qt_findings *fs, const char *id)
{
    qt_snapshot snap;
    qt_ctx ctx;
    memset(&snap, 0, sizeof snap);
    qt_ctx_defaults(&ctx);
    snap.logs = (qt_logmon *)m;
    qt_findings_free(fs);
    qt_logmon_analyse(&ctx, &snap, NULL, fs);
    return qt_findings_find(fs, id);
}

/* an old saved password: >= 10 failures, no success, <= 2 IPs -> WARN */
static void auth_user_warn(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    const qt_finding *f;

    fx_new(&x);
    feed_auth(&x, QT_SEV_LOG_USER_FAILS - 1, "submission", "password fail", "dave@example.test", "198.51.100.23");
    assert_null(analyse(x.m, &fs, "logs.auth-user:dave@example.test"));
    feed_auth(&x, 1, "submission", "password fail", "dave@example.test", "198.51.100.24");
    f = analyse(x.m, &fs, "logs.auth-user:dave@example.test");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->inc_kind, "auth-failures");
    assert_string_equal(f->inc_service, "submission");
    assert_non_null(strstr(f->evidence, "10 failed logins for dave@example.test from 2 addresses"));
    /* a third address: not one phone any more */
    feed_auth(&x, 1, "submission", "password fail", "dave@example.test", "198.51.100.25");
    assert_null(analyse(x.m, &fs, "logs.auth-user:dave@example.test"));
    /* counts per user and IP */
    assert_int_equal(x.m->users.n, 1);
    assert_int_equal(x.m->users.v[0].fail, 11);
    assert_int_equal(x.m->ips.n, 3);
    assert_int_equal(x.m->count[QT_LOG_AUTH_FAIL], 11);
    qt_findings_free(&fs);
    fx_free(&x);
}

/* one IP failing for >= 5 users: WARN; a success from it: CRIT */
static void auth_spray(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    const qt_finding *f;
    char u[64];

    fx_new(&x);
    for (int i = 0; i < QT_SEV_LOG_SPRAY_USERS - 1; i++) {
        snprintf(u, sizeof u, "user%d@example.test", i);
        feed_auth(&x, 1, "smtp", "vpopmail user not found", u, "203.0.113.50");
    }
    assert_null(analyse(x.m, &fs, "logs.auth-spray:203.0.113.50"));
    feed_auth(&x, 1, "smtp", "password fail", "alice@example.test", "203.0.113.50");
    f = analyse(x.m, &fs, "logs.auth-spray:203.0.113.50");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    feed_auth(&x, 1, "smtp", "(PLAIN) login success", "bob@example.test", "203.0.113.50");
    f = analyse(x.m, &fs, "logs.auth-spray:203.0.113.50");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_string_equal(f->inc_kind, "auth-failures");
    assert_non_null(strstr(f->title, "also logged in"));
    qt_findings_free(&fs);
    fx_free(&x);
}

/* every attempt on a service fails, many users, several IPs: CRIT; one success clears it */
static void auth_broken_service(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};
    const qt_finding *f;

    fx_new(&x);
    feed_auth(&x, 4, "smtps", "password fail", "a@example.test", "192.0.2.1");
    feed_auth(&x, 4, "smtps", "password fail", "b@example.test", "192.0.2.2");
    feed_auth(&x, 1, "smtps", "password fail", "c@example.test", "192.0.2.3");
    assert_null(analyse(x.m, &fs, "logs.auth-broken:smtps"));   /* 9 < QT_SEV_LOG_BROKEN_ATTEMPTS */
    feed_auth(&x, 1, "smtps", "password fail", "c@example.test", "192.0.2.3");
    f = analyse(x.m, &fs, "logs.auth-broken:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_non_null(strstr(f->fix, "authentication wizard"));
    assert_string_equal(f->inc_service, "smtps");
    feed_auth(&x, 1, "smtps", "(PLAIN) login success", "d@example.test", "192.0.2.4");
    assert_null(analyse(x.m, &fs, "logs.auth-broken:smtps"));
    qt_findings_free(&fs);
    fx_free(&x);
}

/* events older than the analysis window are not judged */
static void auth_window(void **st)
{
    (void)st;
    struct fx x;
    qt_findings fs = {0};

    fx_new(&x);
    x.t = time(NULL) - QT_SEV_LOG_AUTH_WINDOW - 120;
    feed_auth(&x, 12, "smtp", "password fail", "alice@example.test", "203.0.113.50");
    assert_int_equal(x.m->count[QT_LOG_AUTH_FAIL], 12);
    assert_null(analyse(x.m, &fs, "logs.auth-user:alice@example.test"));
    qt_findings_free(&fs);
    fx_free(&x);
}

/* qtriage's own wizard logins (loopback, noted user) are left out */
static void own_logins(void **st)
{
    (void)st;
    struct fx x;

    fx_new(&x);
    qt_logmon_own_login("wiz@example.test", (double)x.t);
    feed_auth(&x, 3, "submission", "password fail", "wiz@example.test", "127.0.0.1");
    feed_auth(&x, 1, "submission", "password fail", "wiz@example.test", "198.51.100.9");
    feed_auth(&x, 1, "submission", "password fail", "other@example.test", "127.0.0.1");
    assert_int_equal(x.m->own_logins, 3);
    assert_int_equal(x.m->count[QT_LOG_AUTH_FAIL], 2);
    fx_free(&x);
}

/* a spraying attack with thousands of sources: the tables stay at
 * QT_LOGMON_TOP entries, the rest is in "others", nothing is lost */
static void bounded_tables(void **st)
{
    (void)st;
    struct fx x;
    char ip[46];
    unsigned long sum;

    fx_new(&x);
    feed_auth(&x, 50, "smtp", "password fail", "alice@example.test", "203.0.113.50");
    for (int i = 0; i < 3000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.1", i / 250, i % 250);
        feed_auth(&x, 1, "smtp", "password fail", "alice@example.test", ip);
    }
    assert_int_equal(x.m->ips.n, QT_LOGMON_TOP);
    sum = x.m->ips.others.fail;
    for (size_t i = 0; i < x.m->ips.n; i++)
        sum += x.m->ips.v[i].fail;
    assert_int_equal(sum, 3050);
    /* the heavy hitter stayed */
    int found = 0;
    for (size_t i = 0; i < x.m->ips.n; i++)
        found |= !strcmp(x.m->ips.v[i].key, "203.0.113.50") && x.m->ips.v[i].fail == 50;
    assert_true(found);
    assert_true(x.m->nev <= QT_LOGMON_EVENTS);
    fx_free(&x);
}

static void send_lines(struct fx *x, const char *const *lines)
{
    for (size_t i = 0; lines[i]; i++)
        qt_logmon_ingest(x->m, x->c, 0, lines[i], strlen(lines[i]), 0);
}

/* qmail-send: double and triple bounces, no_mailbox per sender, alerts */
static void send_log(void **st)
{
    (void)st;
    static const char *const dbl[] = {
        "@400000006b13e8ff20ec4131 new msg 100",
        "@400000006b13e8ff20ec4131 info msg 100: bytes 900 from <> qp 1 uid 89",
        "@400000006b13e8ff20ec4131 starting delivery 5: msg 100 to remote x@forged.example",
        "@400000006b13e8ff20ec4131 delivery 5: failure: Sorry,_I_couldn't_find_any_host_named_forged.example._(#5.1.2)/",
        "@400000006b13e8ff20ec4131 starting delivery 6: msg 100 to remote y@dead.example",
        "@400000006b13e8ff20ec4131 delivery 6: deferral: Connected_to_192.0.2.30_but_connection_died._(#4.4.2)/",
        "@400000006b13e9000a8838f6 bounce msg 100 qp 2",
        "@400000006b13e90539bcffae info msg 101: bytes 2464 from <#@[]> qp 3 uid 89",
        "@400000006b13e907250b9c48 triple bounce: discarding bounce/101",
        "@400000006b13e907250b9c48 alert: unable to append to bounce message; HELP! sleeping...",
        NULL};
    struct fx x;
    qt_findings fs = {0};
    const qt_finding *f;
    char l[512];

    fx_new(&x);
    send_lines(&x, dbl);
    assert_int_equal(x.m->double_bounce_msgs, 1);
    assert_int_equal(x.m->count[QT_LOG_CONNECTION_DIED], 1);
    assert_int_equal(x.m->src[0].deferrals, 1);   /* a deferral, whatever its category */
    f = analyse(x.m, &fs, "logs.double_bounces");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->inc_kind, "bounces");
    assert_string_equal(f->inc_impact, "1 double bounces");
    f = analyse(x.m, &fs, "logs.triple_bounces");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "bounces");
    f = analyse(x.m, &fs, "logs.send_alert");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    f = analyse(x.m, &fs, "logs.domain_not_found");
    assert_non_null(f);
    assert_string_equal(f->inc_kind, "delivery-errors");
    assert_int_equal(x.m->domains.n, 2);
    assert_string_equal(x.m->domains.v[0].key, "forged.example");
    assert_string_equal(x.m->domains.v[1].key, "dead.example");
    assert_int_equal(x.m->domains.v[1].ok, 1);   /* deferred (qmail-send said deferral), not failed */
    assert_int_equal(x.m->domains.v[1].fail, 0);
    assert_non_null(strstr(x.m->domains.v[0].reason, "couldn't_find_any_host"));

    /* a dictionary attack: >= 20 no_mailbox failures for one sender */
    assert_null(analyse(x.m, &fs, "logs.dictionary:spam@forged.example"));
    for (int i = 0; i < QT_SEV_LOG_NO_MAILBOX; i++) {
        snprintf(l, sizeof l, "@400000006b13e9000a8838f6 info msg %d: bytes 900 from <spam@forged.example> qp 1 uid 7",
                 200 + i);
        qt_logmon_ingest(x.m, x.c, 0, l, strlen(l), 0);
        snprintf(l, sizeof l, "@400000006b13e9000a8838f6 starting delivery %d: msg %d to local u%d@example.test",
                 50 + i, 200 + i, i);
        qt_logmon_ingest(x.m, x.c, 0, l, strlen(l), 0);
        snprintf(l, sizeof l,
                 "@400000006b13e9000a8838f6 delivery %d: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/",
                 50 + i);
        qt_logmon_ingest(x.m, x.c, 0, l, strlen(l), 0);
    }
    assert_int_equal(x.m->count[QT_LOG_NO_MAILBOX], QT_SEV_LOG_NO_MAILBOX);
    f = analyse(x.m, &fs, "logs.dictionary:spam@forged.example");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->inc_kind, "delivery-errors");
    qt_findings_free(&fs);
    fx_free(&x);
}

/* tcpserver: one connection per IP for its pid + ok lines (docs/domain/ucspi.md#log-lines) */
static void tcpserver_per_ip(void **st)
{
    (void)st;
    static const char *const lines[] = {
        "@400000006b13f69d15b8d8d8 tcpserver: status: 1/20",
        "@400000006b13f69d15b8d8d8 tcpserver: pid 31325 from 192.0.2.250",
        "@400000006b13f69d15b8d8d8 tcpserver: ok 31325 0:127.0.0.1:25 :192.0.2.250::7908",
        "@400000006b13f69d15b8d8d8 tcpserver: pid 31326 from 192.0.2.250",
        "@400000006b13f69d1a79c4e7 tcpserver: deny 31326 0:127.0.0.1:25 :192.0.2.250::7909",
        NULL};
    struct fx x;

    fx_new(&x);
    send_lines(&x, lines);
    assert_int_equal(x.m->count[QT_LOG_TCPSERVER_CONN], 3);
    assert_int_equal(x.m->count[QT_LOG_TCPSERVER_DENY], 1);
    assert_int_equal(x.m->ips.n, 1);
    assert_string_equal(x.m->ips.v[0].key, "192.0.2.250");
    assert_int_equal(x.m->ips.v[0].other, 2);
    fx_free(&x);
}

/* a tried password (vpopmail --enable-logging=p) never reaches the kept lines */
static void redacted_lines(void **st)
{
    (void)st;
    struct fx x;
    char l[512];
    const struct qt_logmon_line *k;

    fx_new(&x);
    vline(l, sizeof l, x.t, "smtp", "password fail (pass: 'Secret123')", "alice@example.test", "203.0.113.50");
    qt_logmon_ingest(x.m, x.c, 0, l, strlen(l), 0);
    k = qt_logmon_recent(x.m, QT_LOG_AUTH_FAIL, 0);
    assert_non_null(k);
    assert_null(memmem(k->text, k->len, "Secret123", 9));
    assert_non_null(memmem(k->text, k->len, "<redacted>", 10));
    assert_string_equal(k->ip, "203.0.113.50");
    assert_null(qt_logmon_recent(x.m, QT_LOG_AUTH_FAIL, 1));
    fx_free(&x);
}

/* ---- the collector on a temporary --root ---- */

static char root[64];

static void put(const char *rel, const char *text, const char *mode)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, rel);
    FILE *f = fopen(p, mode);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **st)
{
    (void)st;
    char p[128];
    snprintf(root, sizeof root, "/tmp/qt-logmon-XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof p, "%s/var", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/var/log", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/var/log/qmail", root);
    mkdir(p, 0755);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static const qt_logmon *sample(qt_sampler *s, qt_ctx *ctx, qt_snapshot **snap)
{
    if (*snap)
        qt_snapshot_free(*snap);
    *snap = qt_sample(s, ctx);
    assert_int_equal((*snap)->src[QT_SRC_LOGS].state, QT_SRC_OK);
    return (*snap)->logs;
}

static const struct qt_logmon_src *src_named(const qt_logmon *m, const char *name)
{
    for (size_t i = 0; i < m->nsrc; i++)
        if (!strcmp(m->src[i].name, name))
            return &m->src[i];
    return NULL;
}

static void collector_window_and_follow(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_sampler s = {0};
    qt_snapshot *snap = NULL;
    const qt_logmon *m;
    char l[512], text[8192] = "";
    time_t now = time(NULL);

    /* two hours ago (outside the default window), then ten minutes ago */
    for (int i = 0; i < 3; i++) {
        vline(l, sizeof l, now - 7200, "smtp", "password fail", "old@example.test", "192.0.2.9");
        strcat(text, l), strcat(text, "\n");
    }
    for (int i = 0; i < 4; i++) {
        vline(l, sizeof l, now - 600, "smtp", "password fail", "dave@example.test", "198.51.100.23");
        strcat(text, l), strcat(text, "\n");
    }
    put("/var/log/maillog", text, "w");
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    ctx.proc = "/nonexistent-proc";
    fake_now = (double)now;
    ctx.now = now_fn;

    m = sample(&s, &ctx, &snap);
    assert_non_null(src_named(m, "maillog"));
    assert_string_equal(src_named(m, "maillog")->err, "");
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 4);
    assert_int_equal(m->old_lines, 3);
    /* new lines only, a partial one held back */
    vline(l, sizeof l, now, "submission", "(PLAIN) login success", "dave@example.test", "198.51.100.23");
    snprintf(text, sizeof text, "%s\n%s", l, "Dec  7 10:00:00 mx vpopmail[1]: vchkpw-smtp: pass");
    put("/var/log/maillog", text, "a");
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 4);
    assert_int_equal(m->count[QT_LOG_AUTH_OK], 1);
    assert_true(m->rate[QT_LOG_AUTH_OK] > 29.0 && m->rate[QT_LOG_AUTH_OK] < 31.0);   /* 1 in 2 s */
    put("/var/log/maillog", "word fail x@example.test:192.0.2.1\n", "a");
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 5);
    assert_int_equal(src_named(m, "maillog")->lines, 3 + 4 + 1 + 1);   /* the held line came whole */

    /* the metrics --check and --prometheus carry */
    assert_non_null(qt_metrics_find(&snap->metrics, "auth_failures", "smtp"));
    assert_int_equal((int)qt_metrics_find(&snap->metrics, "auth_failures", "smtp")->value, 5);
    assert_non_null(qt_metrics_find(&snap->metrics, "log_lines", "auth_ok"));
    assert_non_null(qt_metrics_find(&snap->metrics, "bounces", NULL));
    assert_non_null(qt_metrics_find(&snap->metrics, "double_bounces", NULL));
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

/* a log the rooted open refuses (a FIFO named current): said, not a crash */
static void collector_unreadable(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_sampler s = {0};
    qt_snapshot *snap = NULL;
    const qt_logmon *m;
    const struct qt_logmon_src *src;
    char p[256];
    qt_findings fs = {0};

    snprintf(p, sizeof p, "%s/var/log/qmail/current", root);
    assert_int_equal(mkfifo(p, 0600), 0);
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    ctx.proc = "/nonexistent-proc";
    m = sample(&s, &ctx, &snap);
    src = src_named(m, "qmail-send");
    assert_non_null(src);
    assert_string_not_equal(src->err, "");
    const qt_finding *f = analyse(m, &fs, "logs.unreadable:qmail-send");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    qt_findings_free(&fs);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

/* a source that appears after the first sample (rsyslog creates mail.log)
 * is followed from its first byte, a known one is not read again, and one
 * that disappears is said gone; discovery runs when /var/log's mtime
 * changes and every QT_LOGMON_REDISCOVER seconds whatever */
static void collector_late_source(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_sampler s = {0};
    qt_snapshot *snap = NULL;
    const qt_logmon *m;
    char l[512], text[2048] = "", p[256];
    time_t now = time(NULL);
    struct timespec old[2];
    struct stat sb;

    vline(l, sizeof l, now - 60, "smtp", "password fail", "a@example.test", "192.0.2.1");
    snprintf(text, sizeof text, "%s\n", l);
    put("/var/log/maillog", text, "w");
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    ctx.proc = "/nonexistent-proc";
    fake_now = (double)now;
    ctx.now = now_fn;
    m = sample(&s, &ctx, &snap);
    assert_null(src_named(m, "mail.log"));
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 1);

    /* created after sample 1: read from its first byte at the next one */
    text[0] = 0;
    for (int i = 0; i < 3; i++) {
        vline(l, sizeof l, now, "pop3", "password fail", "b@example.test", "192.0.2.2");
        strcat(text, l), strcat(text, "\n");
    }
    put("/var/log/mail.log", text, "w");
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_non_null(src_named(m, "mail.log"));
    assert_int_equal(src_named(m, "mail.log")->lines, 3);
    assert_int_equal(src_named(m, "maillog")->lines, 1);     /* not read back again */
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 4);
    assert_true(m->rate[QT_LOG_AUTH_FAIL] < 0.5);             /* a read-back is no rate */
    /* followed from there: new lines once */
    vline(l, sizeof l, now, "pop3", "password fail", "c@example.test", "192.0.2.3");
    strcat(l, "\n");
    put("/var/log/mail.log", l, "a");
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_int_equal(src_named(m, "mail.log")->lines, 4);
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 5);

    /* a file whose creation leaves /var/log's mtime as it was: found by
     * the periodic discovery, not before */
    snprintf(p, sizeof p, "%s/var/log", root);
    assert_int_equal(stat(p, &sb), 0);
    old[0] = old[1] = sb.st_mtim;
    vline(l, sizeof l, now, "smtp", "password fail", "d@example.test", "192.0.2.4");
    strcat(l, "\n");
    put("/var/log/secure", l, "w");
    assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_null(src_named(m, "secure"));
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 5);
    fake_now += QT_LOGMON_REDISCOVER;
    m = sample(&s, &ctx, &snap);
    assert_non_null(src_named(m, "secure"));
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 6);

    /* gone: said, the counts stay */
    snprintf(p, sizeof p, "%s/var/log/mail.log", root);
    assert_int_equal(unlink(p), 0);
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_non_null(src_named(m, "mail.log"));
    assert_true(src_named(m, "mail.log")->gone);
    assert_false(src_named(m, "maillog")->gone);
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 6);
    /* back: read from its first byte, no longer gone */
    vline(l, sizeof l, now, "smtp", "password fail", "e@example.test", "192.0.2.5");
    strcat(l, "\n");
    put("/var/log/mail.log", l, "w");
    fake_now += 2;
    m = sample(&s, &ctx, &snap);
    assert_false(src_named(m, "mail.log")->gone);
    assert_int_equal(m->count[QT_LOG_AUTH_FAIL], 7);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

/* qmail-send is supervised without a front end: its logger is found from
 * its own log/run (a directory not named /var/log/qmail), the source says
 * which log/run, and the /var/log/qmail guess is left out */
static void collector_send_logrun(void **st)
{
    (void)st;
    qt_ctx ctx;
    qt_sampler s = {0};
    qt_snapshot *snap = NULL;
    const qt_logmon *m;
    const struct qt_logmon_src *src;
    char l[256];

    put("/var/log/qmail/current", "@400000005f5e100000000000 status: local 0/10 remote 0/20\n", "w");
    snprintf(l, sizeof l, "%s/service", root);
    assert_int_equal(mkdir(l, 0755), 0);
    snprintf(l, sizeof l, "%s/service/qmail-send", root);
    assert_int_equal(mkdir(l, 0755), 0);
    snprintf(l, sizeof l, "%s/service/qmail-send/log", root);
    assert_int_equal(mkdir(l, 0755), 0);
    snprintf(l, sizeof l, "%s/var/log/qmail-send-x", root);
    assert_int_equal(mkdir(l, 0755), 0);
    put("/service/qmail-send/run", "#!/bin/sh\nexec qmail-start ./Maildir/\n", "w");
    put("/service/qmail-send/log/run", "#!/bin/sh\nexec multilog t /var/log/qmail-send-x\n", "w");
    snprintf(l, sizeof l, "%ld.250000 delivery 1: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/\n",
             (long)time(NULL) - 60);
    put("/var/log/qmail-send-x/current", l, "w");
    /* the same service reached twice: one logger kept */
    snprintf(l, sizeof l, "%s/var/qmail", root);
    assert_int_equal(mkdir(l, 0755), 0);
    snprintf(l, sizeof l, "%s/var/qmail/supervise", root);
    assert_int_equal(mkdir(l, 0755), 0);
    snprintf(l, sizeof l, "%s/var/qmail/supervise/qmail-send", root);
    assert_int_equal(symlink("/service/qmail-send", l), 0);
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    ctx.proc = "/nonexistent-proc";
    m = sample(&s, &ctx, &snap);
    src = src_named(m, "qmail-send");
    assert_non_null(src);
    assert_string_equal(src->path, "/var/log/qmail-send-x/current");
    assert_non_null(strstr(src->why, "/service/qmail-send/log/run"));
    assert_int_equal(m->count[QT_LOG_DELIVERY_DEFERRAL], 1);
    assert_int_equal(snap->servers->nloggers, 1);
    assert_true(snap->servers->loggers[0].is_send);
    for (size_t i = 0; i < m->nsrc; i++)
        assert_string_not_equal(m->src[i].path, "/var/log/qmail/current");
    assert_int_equal(m->count[QT_LOG_SEND_STATUS], 0);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

/* a journal entry as a line for the classifier: rsyslog's high-precision
 * form, the entry's own time, newlines and NULs of the message as spaces */
static void journal_entry_line(void **st)
{
    (void)st;
    struct fx x;
    char out[512];
    const char msg[] = "vchkpw-smtp: password fail\na@example.test:192.0.2.7\0x";
    uint64_t usec = 1796647569849394ull;   /* 2026-12-07T12:46:09.849394Z */
    size_t n = qt_logmon_journal_line(out, sizeof out, usec, "mx", 2, "vpopmail", 8, "4242", 4, msg, sizeof msg - 1);
    const struct qt_logmon_line *l;

    assert_string_equal(out, "2026-12-07T12:46:09.849394+00:00 mx vpopmail[4242]: vchkpw-smtp: password fail "
                             "a@example.test:192.0.2.7 x");
    assert_int_equal(n, strlen(out));
    n = qt_logmon_journal_line(out, sizeof out, usec, NULL, 0, NULL, 0, NULL, 0, "hello", 5);
    assert_string_equal(out, "2026-12-07T12:46:09.849394+00:00 - hello");
    n = qt_logmon_journal_line(out, 20, usec, "mx", 2, "vpopmail", 8, NULL, 0, "hello", 5);
    assert_int_equal(n, 19);
    /* classified as the syslog file's line would be, with the entry's time */
    fx_new(&x);
    n = qt_logmon_journal_line(out, sizeof out, usec, "mx", 2, "vpopmail", 8, "4242", 4,
                               "vchkpw-smtp: password fail a@example.test:192.0.2.7", 51);
    x.m->now = 1796647569.0 + 60;
    qt_logmon_ingest(x.m, x.c, 0, out, n, 0);
    assert_int_equal(x.m->count[QT_LOG_AUTH_FAIL], 1);
    l = qt_logmon_recent(x.m, QT_LOG_AUTH_FAIL, 0);
    assert_non_null(l);
    assert_true(l->stamped);
    assert_int_equal(l->sec, 1796647569);
    assert_string_equal(l->ip, "192.0.2.7");
    assert_string_equal(l->user, "a@example.test");
    fx_free(&x);
}

/* the per-minute ring behind the sparklines: each line in its own minute,
 * older than 30 minutes left out, a future stamp in this minute, the ring
 * reused as time goes on */
static void spark_minutes(void **st)
{
    (void)st;
    struct fx x;
    char l[512], sp[QT_LOGMON_SPARK_MIN + 1];
    uint32_t v[QT_LOGMON_SPARK_MIN];
    time_t base;

    fx_new(&x);
    base = (time_t)(x.m->now / 60) * 60 + 30;   /* mid-minute: no boundary in the test */
    x.m->now = (double)base;
    x.t = base - 40 * 60;                       /* outside the ring */
    feed_auth(&x, 3, "smtp", "password fail", "a@example.test", "192.0.2.1");
    x.t = base - 5 * 60;
    feed_auth(&x, 7, "smtp", "password fail", "a@example.test", "192.0.2.1");
    x.t = base - 29 * 60;                       /* the oldest minute kept */
    feed_auth(&x, 1, "smtp", "password fail", "a@example.test", "192.0.2.1");
    x.t = base + 600;                           /* a clock ahead: this minute */
    feed_auth(&x, 2, "smtp", "password fail", "a@example.test", "192.0.2.1");
    assert_int_equal(qt_logmon_spark_get(x.m, QT_LOG_AUTH_FAIL, x.m->now, v), 7);
    assert_int_equal(v[0], 1);
    assert_int_equal(v[24], 7);
    assert_int_equal(v[29], 2);
    qt_logmon_spark_text(x.m, QT_LOG_AUTH_FAIL, x.m->now, sp);
    assert_string_equal(sp, ".                       #    :");
    qt_logmon_spark_text(x.m, QT_LOG_AUTH_OK, x.m->now, sp);
    assert_string_equal(sp, "                              ");
    /* ten minutes on: everything moved ten places left, the oldest gone */
    x.m->now += 600;
    qt_logmon_spark_text(x.m, QT_LOG_AUTH_FAIL, x.m->now, sp);
    assert_string_equal(sp, "              #    :          ");
    /* a line now reuses the slot of 30 minutes ago */
    x.t = (time_t)x.m->now;
    vline(l, sizeof l, x.t, "smtp", "password fail", "a@example.test", "192.0.2.1");
    for (int i = 0; i < 14; i++)
        qt_logmon_ingest(x.m, x.c, 0, l, strlen(l), 0);
    qt_logmon_spark_text(x.m, QT_LOG_AUTH_FAIL, x.m->now, sp);
    assert_string_equal(sp, "              =    .         #");
    fx_free(&x);
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth_user_warn),
        cmocka_unit_test(auth_spray),
        cmocka_unit_test(auth_broken_service),
        cmocka_unit_test(auth_window),
        cmocka_unit_test(own_logins),
        cmocka_unit_test(bounded_tables),
        cmocka_unit_test(send_log),
        cmocka_unit_test(redacted_lines),
        cmocka_unit_test(tcpserver_per_ip),
        cmocka_unit_test(journal_entry_line),
        cmocka_unit_test(spark_minutes),
        cmocka_unit_test_setup_teardown(collector_window_and_follow, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_late_source, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_send_logrun, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

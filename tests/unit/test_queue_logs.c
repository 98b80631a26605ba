/* Unit tests: the queue joined with the logs model (diag/queue/queue_logs.c):
 * a fixture queue written as qmail-queue writes it (tests/unit/queue_fixture.c)
 * and qmail-send log lines fed to the logs model (diag/logmon) as multilog
 * writes them: a remote domain deferring everything, with a blocklist reply
 * or a closed port, against one that still takes some mail; the SMTP AUTH
 * user qmail-smtpd wrote into the messages (queue_auth.c) and its logins
 * from many addresses: a compromised account. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <time.h>

#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"
#include "diag/queue/queue.h"
#include "diag/queue/queue_int.h"
#include "tests/unit/queue_fixture.h"

#define NOW 1800000000.0
#define STAMP "@400000006b13e8ff20ec4131 "   /* a TAI64N label, as multilog writes it */

static double fake_now(void) { return NOW; }

struct fx {
    char root[256];
    char qdir[512];
    qt_ctx ctx;
    qt_logmon *m;
    qt_logmon_srcctx *c;
    unsigned long dlv;      /* next qmail-send delivery number */
    qt_findings fs;
    qt_queue q;
};

static struct fx *fx_new(void)
{
    struct fx *f = qt_calloc(1, sizeof *f);
    snprintf(f->root, sizeof f->root, "/tmp/qt-qlogs-XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->qdir, sizeof f->qdir, "%s", qf_make(f->root, 23));
    qt_ctx_defaults(&f->ctx);
    f->ctx.root = f->root;
    f->ctx.now = fake_now;
    f->m = qt_malloc(sizeof *f->m);
    qt_logmon_init(f->m, (double)time(NULL), 3600);
    f->m->nsrc = 1;
    snprintf(f->m->src[0].name, sizeof f->m->src[0].name, "qmail-send");
    f->c = qt_logmon_srcctx_new((int64_t)time(NULL));
    f->dlv = 1;
    return f;
}

static void fx_done(struct fx *f)
{
    qt_findings_free(&f->fs);
    qt_queue_free(&f->q);
}

static void fx_free(struct fx *f)
{
    fx_done(f);
    qt_logmon_srcctx_free(f->c);
    free(f->m);
    qf_rmtree(f->root);
    free(f);
}

static void line(struct fx *f, const char *fmt, ...)
{
    char l[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l, sizeof l, fmt, ap);
    va_end(ap);
    qt_logmon_ingest(f->m, f->c, 0, l, strlen(l), 0);
}

/* qmail-send's lines for one delivery to rcpt: "starting delivery" then the result. */
static void delivery(struct fx *f, const char *rcpt, const char *result)
{
    line(f, STAMP "starting delivery %lu: msg 4242 to remote %s", f->dlv, rcpt);
    line(f, STAMP "delivery %lu: %s", f->dlv, result);
    f->dlv++;
}

static void queue_to(struct fx *f, const char *rcpt, int n)
{
    char r[256];
    const char *rc[] = {r, NULL};
    snprintf(r, sizeof r, "TR%s", rcpt);
    for (int i = 0; i < n; i++)
        qf_add(f->qdir, 23, "user@local.example", rc, NOW - 600, NULL);
}

/* Scan the queue and analyse it with the logs model (or without: logs 0). */
static void analyse(struct fx *f, int logs)
{
    qt_snapshot snap;
    qt_queue_state *st = NULL;
    char err[256] = "";

    fx_done(f);
    memset(&f->fs, 0, sizeof f->fs);
    memset(&f->q, 0, sizeof f->q);
    memset(&snap, 0, sizeof snap);
    if (qt_queue_scan(&f->ctx, &st, 0, &f->q, err, sizeof err) != 0)
        fail_msg("scan failed: %s", err);
    snap.queue = &f->q;
    snap.logs = logs ? f->m : NULL;
    qt_queue_analyse(&f->ctx, &snap, NULL, &f->fs);
    qt_queue_state_free(st);
}

static const qt_finding *find(const struct fx *f, const char *id)
{
    for (size_t i = 0; i < f->fs.n; i++)
        if (!strcmp(f->fs.v[i].id, id))
            return &f->fs.v[i];
    return NULL;
}

#define SPAMHAUS "deferral: 192.0.2.25_does_not_like_recipient./Remote_host_said:_451_4.7.1_Service_unavailable;" \
                 "_Client_host_[203.0.113.9]_blocked_using_zen.spamhaus.org;" \
                 "_https://www.spamhaus.org/query/ip/203.0.113.9/Giving_up_on_192.0.2.25./"
#define REFUSED "deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/"

static void blocklisted_domain(void **s)
{
    (void)s;
    struct fx *f = fx_new();
    const qt_finding *x;

    queue_to(f, "bob@blocked.example", 20);
    queue_to(f, "ann@slow.example", 12);
    queue_to(f, "few@other.example", 3);
    for (int i = 0; i < 6; i++) {
        delivery(f, "bob@Blocked.Example", SPAMHAUS);
        delivery(f, "ann@slow.example", REFUSED);
        delivery(f, "few@other.example", REFUSED);
    }
    analyse(f, 1);
    assert_non_null(x = find(f, "queue.deferring:blocked.example"));
    assert_int_equal(x->sev, QT_SEV_WARN);
    assert_string_equal(x->title, "20 messages queued to blocked.example: every delivery to it deferred "
                                  "(probably blocklisted)");
    assert_non_null(strstr(x->evidence, "6 deferrals, 0 failures, 0 deliveries since the first of them"));
    assert_non_null(strstr(x->evidence, "last reply: 192.0.2.25_does_not_like_recipient."));
    assert_non_null(strstr(x->explain, "probably listed"));
    assert_non_null(strstr(x->explain, "queuelifetime (604800 s)"));
    assert_non_null(strstr(x->fix, "page the reply names: https://www.spamhaus.org/query/ip/203.0.113.9\n"));
    assert_non_null(strstr(x->fix, "svc -a /service/qmail-send"));
    assert_string_equal(x->inc_kind, "delivery-errors");
    assert_string_equal(x->inc_service, "blocked.example");
    assert_string_equal(x->inc_impact, "20 messages queued to blocked.example; 6 deferrals, 0 deliveries "
                                       "(probably blocklisted)");
    /* a closed port: deferred every time, not a blocklist */
    assert_non_null(x = find(f, "queue.deferring:slow.example"));
    assert_non_null(strstr(x->title, "every delivery to it deferred"));
    assert_null(strstr(x->title, "blocklisted"));
    assert_non_null(strstr(x->evidence, "Sorry,_I_wasn't_able_to_establish_an_SMTP_connection."));
    assert_null(strstr(x->fix, "lookup"));
    /* 3 messages: below the line */
    assert_null(find(f, "queue.deferring:other.example"));

    /* without the logs model nothing is joined */
    analyse(f, 0);
    assert_null(find(f, "queue.deferring:blocked.example"));

    /* one success to slow.example: it still takes mail, no finding; the
     * blocked domain stays */
    delivery(f, "ann@slow.example", "success: 192.0.2.26_accepted_message./Remote_host_said:_250_ok/");
    assert_int_equal(f->m->domains.v[1].succ, 1);
    analyse(f, 1);
    assert_null(find(f, "queue.deferring:slow.example"));
    assert_non_null(find(f, "queue.deferring:blocked.example"));

    /* 1000 messages queued to it: CRIT */
    queue_to(f, "bob@blocked.example", 990);
    analyse(f, 1);
    assert_non_null(x = find(f, "queue.deferring:blocked.example"));
    assert_int_equal(x->sev, QT_SEV_CRIT);
    fx_free(f);
}

/* A hostile reply (control bytes, a huge text) is escaped and capped. */
static void hostile_reply(void **s)
{
    (void)s;
    struct fx *f = fx_new();
    const qt_finding *x;
    char big[900];

    memset(big, 'A', sizeof big - 1);
    big[sizeof big - 1] = 0;
    queue_to(f, "bob@evil.example", 10);
    for (int i = 0; i < 5; i++)
        delivery(f, "bob@evil.example", "deferral: \x1b]0;pwned\x07_RBL_listed/");
    analyse(f, 1);
    assert_non_null(x = find(f, "queue.deferring:evil.example"));
    assert_null(strchr(x->evidence, '\x1b'));
    assert_null(strchr(x->evidence, '\x07'));
    assert_non_null(strstr(x->title, "probably blocklisted"));
    line(f, STAMP "starting delivery %lu: msg 1 to remote bob@evil.example", f->dlv);
    line(f, STAMP "delivery %lu: deferral: %s", f->dlv++, big);
    analyse(f, 1);
    assert_non_null(x = find(f, "queue.deferring:evil.example"));
    assert_true(strlen(x->evidence) < 600);
    assert_non_null(strstr(x->evidence, "AAA..."));
    fx_free(f);
}

/* Messages as the SMTP AUTH branch's qmail-smtpd hands them to qmail-queue
 * (qmail-queue.c receivedfmt, then received.c with protocol ESMTPA). */
#define QQ "Received: (qmail 4242 invoked by uid 64010); 7 Dec 2026 12:00:00 -0000\n"
#define SMTPD(info, proto) "Received: from unknown (HELO client) (" info ")\n  by mx.local.example with " proto \
                           "; 7 Dec 2026 12:00:00 -0000\n"
#define BODY "From: <flood@local.example>\nSubject: hi\n\nbody: Received: from x (evil@1.2.3.4)\n"

static void auth_header(void **s)
{
    (void)s;
    char u[QT_QUEUE_AUTH_MAX], small[6];
    static const char *const no[] = {
        QQ SMTPD("127.0.0.5", "SMTP") BODY,                              /* no AUTH */
        QQ SMTPD("ident@127.0.0.5", "SMTP") BODY,                        /* MAIL FROM AUTH=ident: not a login */
        SMTPD("alice@local.example@127.0.0.5", "ESMTPA") BODY,           /* no qmail-queue line above it */
        QQ SMTPD("127.0.0.5", "SMTP") SMTPD("mallory@x@1.2.3.4", "ESMTPA") BODY, /* the client's own line */
        QQ "Received: from unknown (HELO client) (@127.0.0.5)\n  by mx with ESMTPA; x\n\n",  /* empty user */
        QQ "Received: from unknown (HELO client) (alice@x@127.0.0.5\n  by mx with ESMTPA; x\n\n",
        QQ,
        "",
        NULL};
    const char *ok = QQ SMTPD("alice@local.example@127.0.0.5", "ESMTPA") BODY;
    const char *crlf = "Received: (qmail 1 invoked from network); x\r\n"
                       "Received: from h (HELO c) (bob@example.test@192.0.2.1)  \r\n\tby mx with ESMTPSA; x\r\n\r\n";

    assert_int_equal(qt_queue_auth_user(ok, strlen(ok), u, sizeof u), 1);
    assert_string_equal(u, "alice@local.example");
    assert_int_equal(qt_queue_auth_user(crlf, strlen(crlf), u, sizeof u), 1);
    assert_string_equal(u, "bob@example.test");
    assert_int_equal(qt_queue_auth_user(ok, strlen(ok), small, sizeof small), 1);
    assert_string_equal(small, "alice");                                  /* cut, NUL-terminated */
    for (const char *const *p = no; *p; p++) {
        assert_int_equal(qt_queue_auth_user(*p, strlen(*p), u, sizeof u), 0);
        assert_string_equal(u, "");
    }
    /* cut in the middle of qmail-smtpd's header: nothing */
    assert_int_equal(qt_queue_auth_user(ok, strlen(QQ) + 30, u, sizeof u), 0);
}

/* a vchkpw line in syslog file form (vpopmail's vchkpw.c, syslog via /dev/log) */
static void login(struct fx *f, const char *user, const char *ip)
{
    char stamp[32];
    time_t t = time(NULL) - 60;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
    line(f, "%s mx vpopmail[4242]: vchkpw-smtp: (PLAIN) login success %s:%s", stamp, user, ip);
}

static const qt_finding *sender_finding(struct fx *f)
{
    for (size_t i = 0; i < f->fs.n; i++)
        if (!strncmp(f->fs.v[i].id, "queue.sender:", 13))
            return &f->fs.v[i];
    return NULL;
}

static void compromised_account(void **s)
{
    (void)s;
    struct fx *f = fx_new();
    const char *rc[] = {"TRvictim@remote.example", NULL};
    const char *authed = QQ SMTPD("alice@local.example@198.51.100.7", "ESMTPA") BODY;
    const qt_finding *x;
    char ip[32];

    for (int i = 0; i < 120; i++)
        qf_add(f->qdir, 23, "flood@local.example", rc, NOW - 60, authed);
    for (int i = 0; i < 40; i++)
        qf_add(f->qdir, 23, "other@local.example", rc, NOW - 60, QQ SMTPD("127.0.0.9", "SMTP") BODY);
    login(f, "alice@local.example", "198.51.100.7");
    login(f, "alice@local.example", "198.51.100.7");
    login(f, "bob@local.example", "198.51.100.8");
    analyse(f, 1);
    /* the senders table: the AUTH user of the top sender, read from 2 messages */
    assert_string_equal(f->q.senders[0].key, "flood@local.example");
    assert_non_null(f->q.senders[0].auth);
    assert_string_equal(f->q.senders[0].auth, "alice@local.example");
    assert_int_equal(f->q.senders[0].auth_read, QT_QUEUE_AUTH_SAMPLE);
    assert_int_equal(f->q.senders[0].auth_hits, QT_QUEUE_AUTH_SAMPLE);
    assert_null(f->q.senders[1].auth);
    assert_int_equal(f->q.senders[1].auth_read, QT_QUEUE_AUTH_SAMPLE);
    /* one login IP: the flood stays WARN, tied to the account */
    assert_non_null(x = sender_finding(f));
    assert_int_equal(x->sev, QT_SEV_WARN);
    assert_non_null(strstr(x->evidence, "SMTP AUTH user: alice@local.example"));
    assert_non_null(strstr(x->evidence, "2 AUTH logins of alice@local.example from 1 IPs (198.51.100.7)"));
    assert_non_null(strstr(x->fix, "vpasswd alice@local.example"));

    /* logins from 6 addresses: a compromised account, CRIT */
    for (int i = 1; i <= 5; i++) {
        snprintf(ip, sizeof ip, "203.0.113.%d", i);
        login(f, "Alice@local.example", ip);
    }
    analyse(f, 1);
    assert_non_null(x = sender_finding(f));
    assert_int_equal(x->sev, QT_SEV_CRIT);
    assert_string_equal(x->title, "Compromised account alice@local.example: logged in from 6 IPs, sends 75 % of "
                                  "the queue");
    assert_non_null(strstr(x->fix, "vpasswd alice@local.example"));
    assert_non_null(strstr(x->fix, " 198.51.100.7:deny 203.0.113.1:deny"));
    assert_non_null(strstr(x->fix, "svc -d /service/qmail-send"));
    assert_string_equal(x->inc_kind, "queue-flood");
    assert_non_null(strstr(x->inc_impact, "from alice@local.example, logged in from 6 IPs"));
    /* without the logs: the AUTH user still shown, no CRIT */
    analyse(f, 0);
    assert_non_null(x = sender_finding(f));
    assert_int_equal(x->sev, QT_SEV_WARN);
    assert_non_null(strstr(x->evidence, "SMTP AUTH user: alice@local.example"));
    fx_free(f);
}

/* Overwrite every mess/S/N in place (O_TRUNC: the directory is unchanged). */
static void rewrite_all(const char *qdir, const char *text)
{
    for (int sdir = 0; sdir < 23; sdir++) {
        char p[700], fp[1000];
        DIR *d;
        struct dirent *e;
        snprintf(p, sizeof p, "%s/mess/%d", qdir, sdir);
        assert_non_null(d = opendir(p));
        while ((e = readdir(d))) {
            FILE *fh;
            if (e->d_name[0] == '.')
                continue;
            snprintf(fp, sizeof fp, "%s/%s", p, e->d_name);
            assert_non_null(fh = fopen(fp, "w"));
            fputs(text, fh);
            fclose(fh);
        }
        closedir(d);
    }
}

/* The lookup is bounded and remembered: a second scan reads no message. */
static void auth_bounded(void **s)
{
    (void)s;
    struct fx *f = fx_new();
    const char *rc[] = {"TRvictim@remote.example", NULL};
    qt_queue_state *st = NULL;
    qt_queue q;
    char err[256], sender[64];

    for (int k = 0; k < 8; k++) {
        snprintf(sender, sizeof sender, "s%d@local.example", k);
        for (int i = 0; i < 10 - k; i++)
            qf_add(f->qdir, 23, sender, rc, NOW - 60, QQ SMTPD("alice@local.example@192.0.2.1", "ESMTPA") BODY);
    }
    memset(&q, 0, sizeof q);
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), 0);
    for (size_t i = 0; i < q.nsenders; i++)
        if (i < QT_QUEUE_AUTH_SENDERS)
            assert_non_null(q.senders[i].auth);
        else
            assert_null(q.senders[i].auth);     /* past the first QT_QUEUE_AUTH_SENDERS: not read */
    qt_queue_free(&q);
    /* every message rewritten without AUTH (contents only: no directory
     * changes, so no block is re-read): the remembered answers stand */
    rewrite_all(f->qdir, QQ SMTPD("127.0.0.9", "SMTP") BODY);
    memset(&q, 0, sizeof q);
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), 0);
    assert_non_null(q.senders[0].auth);
    assert_int_equal(q.senders[0].auth_read, QT_QUEUE_AUTH_SAMPLE);
    qt_queue_free(&q);
    /* a fresh state reads them again: no AUTH user now */
    qt_queue_state_free(st);
    st = NULL;
    memset(&q, 0, sizeof q);
    assert_int_equal(qt_queue_scan(&f->ctx, &st, 0, &q, err, sizeof err), 0);
    assert_null(q.senders[0].auth);
    assert_int_equal(q.senders[0].auth_read, QT_QUEUE_AUTH_SAMPLE);
    qt_queue_free(&q);
    qt_queue_state_free(st);
    fx_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth_header),
        cmocka_unit_test(compromised_account),
        cmocka_unit_test(auth_bounded),
        cmocka_unit_test(blocklisted_domain),
        cmocka_unit_test(hostile_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

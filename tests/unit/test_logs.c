/* Unit tests: the mail log classifier (diag/logs, issue 16). Every sample
 * line is written from a documented format, named next to it:
 *   [Q] docs/domain/qmail.md#qmail-send-log, #qmail-remote, #bounces
 *       (qmail-log(5), notqmail qmail-send.c / qmail-remote.c)
 *   [V] docs/domain/vpopmail.md#log-lines (vpopmail vchkpw.c, vlog)
 *   [U] docs/domain/ucspi.md#log-lines (ucspi-tcp tcpserver.c; fehcom sslserver)
 *   [M] docs/domain/supervision.md#multilog (multilog(8) t: "@" + TAI64N + " ")
 *   [S] syslog file lines: RFC 3164 section 4.1.2 "Mmm dd hh:mm:ss HOST TAG[PID]: MSG"
 *       as rsyslog writes /var/log/maillog; splogger's "SECONDS.USEC " prefix
 *       (notqmail splogger.c, docs/domain/qmail.md#log-locations)
 *   [R] ucspi-tcp recordio.c: "PID < " client bytes, "PID > " server bytes
 * Each category is checked in a syslog form and a multilog form. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/core/util.h"
#include "diag/logs/logs.h"

#define ML "@400000006b0ba44436401984 "           /* [M] 2026-11-29 04:04:10.910170500 UTC */
#define SL(tag) "Nov 29 04:04:10 mail " tag ": "   /* [S] */
#define SP "1795925050.910170 "                    /* [S] splogger's stamp, the same second */

struct want {
    const char *line;
    enum qt_log_cat cat;
    const char *ip;     /* "" none */
    const char *user;   /* "" none */
};

static int64_t ref_time(void)
{
    return 1795925050 + 3600;   /* an hour after the lines: the file's mtime */
}

/* Feed the lines in order through one context; check each. */
static void run(const struct want *w, size_t n)
{
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;

    for (size_t i = 0; i < n; i++) {
        qt_log_classify(c, w[i].line, strlen(w[i].line), &r);
        if (r.cat != w[i].cat || strcmp(r.ip, w[i].ip) != 0 || strcmp(r.user, w[i].user) != 0)
            fail_msg("line %zu \"%s\": got %s ip \"%s\" user \"%s\", want %s \"%s\" \"%s\"", i, w[i].line,
                     qt_log_cat_name(r.cat), r.ip, r.user, qt_log_cat_name(w[i].cat), w[i].ip, w[i].user);
    }
    qt_log_ctx_free(c);
}

static void vchkpw_lines(void **st)
{
    (void)st;
    const struct want w[] = {
        /* [V] + [S] the documented example */
        {SL("vpopmail[4321]") "vchkpw-smtp: password fail user@example.com:203.0.113.9", QT_LOG_AUTH_FAIL,
         "203.0.113.9", "user@example.com"},
        {SL("vpopmail[4321]") "vchkpw-submission: vpopmail user not found nobody@example.com:198.51.100.23",
         QT_LOG_AUTH_FAIL, "198.51.100.23", "nobody@example.com"},
        {SL("vpopmail[4321]") "vchkpw-pop3: (APOP) login success alice@example.com:192.0.2.10", QT_LOG_AUTH_OK,
         "192.0.2.10", "alice@example.com"},
        {SL("vpopmail[4321]") "vchkpw-smtp: smtp access denied henry@example.com:192.0.2.11", QT_LOG_AUTH_FAIL,
         "192.0.2.11", "henry@example.com"},
        {SL("vpopmail[4321]") "vchkpw-smtp: null password given bob:192.0.2.12", QT_LOG_AUTH_FAIL, "192.0.2.12", "bob"},
        {SL("vpopmail[4321]") "vchkpw-smtp: setuid 89 failed errno 1 bob@example.com:192.0.2.13", QT_LOG_AUTH_FAIL,
         "192.0.2.13", "bob@example.com"},
        /* [V] sslserver without -e: no TCPREMOTEIP, service vchkpw-0 */
        {SL("vpopmail[4321]") "vchkpw-0: password fail henry@example.test:", QT_LOG_AUTH_FAIL, "", "henry@example.test"},
        /* [V] IPv6 client (vchkpw strips ::ffff: itself; a raw v6 keeps its colons) */
        {SL("vpopmail[4321]") "vchkpw-imap: (PLAIN) login success carol@example.com:2001:db8::7", QT_LOG_AUTH_OK,
         "2001:db8::7", "carol@example.com"},
        /* [M] + socklog(8): a syslog message in a multilog file, "facility.priority: " first */
        {ML "mail.notice: vpopmail[4321]: vchkpw-submission: password fail dave@example.com:198.51.100.23",
         QT_LOG_AUTH_FAIL, "198.51.100.23", "dave@example.com"},
        {ML "mail.notice: Nov 29 04:04:10 vpopmail[4321]: vchkpw-smtps: (CRAM-MD5) login success erin@example.com:::ffff:192.0.2.40",
         QT_LOG_AUTH_OK, "192.0.2.40", "erin@example.com"},
        /* RFC 5424 (section 6.5 example shape) and rsyslog's ISO 8601 file format */
        {"<22>1 2026-11-29T04:04:10.910Z mail vpopmail 4321 - - vchkpw-smtp: password fail frank@example.com:203.0.113.7",
         QT_LOG_AUTH_FAIL, "203.0.113.7", "frank@example.com"},
        {"2026-11-29T05:04:10.910170+01:00 mail vpopmail[4321]: vchkpw-smtp: (LOGIN) login success gina@example.com:203.0.113.8",
         QT_LOG_AUTH_OK, "203.0.113.8", "gina@example.com"},
        /* RFC 5424 without a time (NILVALUE, section 6.2.3) */
        {"<22>1 - mail vpopmail 4321 - - vchkpw-smtp: password fail hank@example.com:203.0.113.10",
         QT_LOG_AUTH_FAIL, "203.0.113.10", "hank@example.com"},
    };
    run(w, QT_ARRAY_LEN(w));
}

/* logging=p|v writes the tried password: located, never in a field,
 * replaced by qt_log_redact; the user is still read (the last "') "). */
static void vchkpw_password_redacted(void **st)
{
    (void)st;
    const char *line = SL("vpopmail[4321]") "vchkpw-smtp: password fail (pass: 'hun') ter2') alice@example.com:203.0.113.9";
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;
    qt_buf b = {0};

    qt_log_classify(c, line, strlen(line), &r);
    assert_int_equal(r.cat, QT_LOG_AUTH_FAIL);
    assert_string_equal(r.user, "alice@example.com");
    assert_string_equal(r.ip, "203.0.113.9");
    assert_null(strstr(r.user, "hun"));
    qt_log_redact(line, strlen(line), &r, &b);
    assert_null(strstr(qt_buf_str(&b), "hun"));
    assert_null(strstr(qt_buf_str(&b), "ter2"));
    assert_non_null(strstr(qt_buf_str(&b), "password fail (pass: <redacted>) alice@example.com:203.0.113.9"));
    qt_buf_free(&b);
    /* a line cut inside the password: all of the rest is the secret */
    const char *cut = SL("vpopmail[1]") "vchkpw-smtp: password fail (pass: 'secr";
    qt_log_classify(c, cut, strlen(cut), &r);
    qt_log_redact(cut, strlen(cut), &r, &b);
    assert_null(strstr(qt_buf_str(&b), "secr"));
    qt_buf_free(&b);
    qt_log_ctx_free(c);
}

static void tcpserver_lines(void **st)
{
    (void)st;
    const struct want w[] = {
        /* [U] + [M], the lines checked against Debian's tcpserver */
        {ML "tcpserver: status: 1/3", QT_LOG_TCPSERVER_STATUS, "", ""},
        {ML "tcpserver: pid 6949 from 127.0.0.1", QT_LOG_TCPSERVER_CONN, "127.0.0.1", ""},
        {ML "tcpserver: ok 6949 0:127.0.0.1:17025 :127.0.0.1::56105", QT_LOG_TCPSERVER_CONN, "127.0.0.1", ""},
        {ML "tcpserver: end 6949 status 768", QT_LOG_TCPSERVER_END, "", ""},
        {ML "tcpserver: deny 6959 0:127.0.0.2:17026 :127.0.0.2::37927", QT_LOG_TCPSERVER_DENY, "127.0.0.2", ""},
        /* [U] ucspi-tcp6: IPv6 with its colons; a mapped address as IPv4; QMT's limits patch suffix */
        {ML "tcpserver: ok 7001 mail:2001:db8::1:25 host.example:2001:db8::99:ident:51000", QT_LOG_TCPSERVER_CONN,
         "2001:db8::99", ""},
        {ML "tcpserver: deny 7002 0:::ffff:127.0.0.1:25 :::ffff:192.0.2.7::40000 MAXCONNIP:3", QT_LOG_TCPSERVER_DENY,
         "192.0.2.7", ""},
        /* [U] sslserver, and fehcom's later end forms */
        {ML "sslserver: status: 40/40", QT_LOG_TCPSERVER_STATUS, "", ""},
        {ML "sslserver: ssl 7003 accept ", QT_LOG_TCPSERVER_CONN, "", ""},
        {ML "sslserver: end 7003 status exit 111", QT_LOG_TCPSERVER_END, "", ""},
        {ML "sslserver: end 7004 status signal 9", QT_LOG_TCPSERVER_END, "", ""},
        {ML "tcpserver: warning: dropping connection, unable to read /etc/tcp.smtp.cdb: file does not exist",
         QT_LOG_OTHER, "", ""},
        /* [S] tcpserver piped to splogger (tag "smtpd") */
        {SL("smtpd") SP "tcpserver: status: 2/40", QT_LOG_TCPSERVER_STATUS, "", ""},
        {SL("smtpd") SP "tcpserver: pid 8001 from 198.51.100.5", QT_LOG_TCPSERVER_CONN, "198.51.100.5", ""},
        {SL("smtpd") SP "tcpserver: deny 8001 0:10.0.0.1:25 :198.51.100.5::40001", QT_LOG_TCPSERVER_DENY,
         "198.51.100.5", ""},
        {SL("smtpd") SP "tcpserver: end 8001 status 25600", QT_LOG_TCPSERVER_END, "", ""},
        /* a multilog file read through tai64nlocal (its output, local time) */
        {"2026-11-29 04:04:10.910170500 tcpserver: pid 8002 from 192.0.2.77", QT_LOG_TCPSERVER_CONN, "192.0.2.77", ""},
        {"2026-11-29 04:04:10.910170500 tcpserver: status: 3/40", QT_LOG_TCPSERVER_STATUS, "", ""},
    };
    run(w, QT_ARRAY_LEN(w));
}

/* The raw wait status decoded (wait(2)): exit 3 -> 768, exit 100 -> 25600, SIGKILL -> 9. */
static void tcpserver_end_decoded(void **st)
{
    (void)st;
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;
    struct { const char *l; long pid; int code, sig; } e[] = {
        {ML "tcpserver: end 6949 status 768", 6949, 3, 0},
        {ML "tcpserver: end 6959 status 25600", 6959, 100, 0},
        {ML "tcpserver: end 6960 status 9", 6960, -1, 9},
        {ML "tcpserver: end 6961 status 0", 6961, 0, 0},
        {ML "sslserver: end 6962 status exit 111", 6962, 111, 0},
        {ML "sslserver: end 6963 status signal 15", 6963, -1, 15},
    };
    for (size_t i = 0; i < QT_ARRAY_LEN(e); i++) {
        qt_log_classify(c, e[i].l, strlen(e[i].l), &r);
        assert_int_equal(r.cat, QT_LOG_TCPSERVER_END);
        assert_int_equal(r.pid, e[i].pid);
        assert_int_equal(r.exit_code, e[i].code);
        assert_int_equal(r.term_signal, e[i].sig);
    }
    const char *s = ML "tcpserver: status: 39/40";
    qt_log_classify(c, s, strlen(s), &r);
    assert_int_equal(r.busy, 39);
    assert_int_equal(r.limit, 40);
    const char *ok = ML "tcpserver: ok 6949 0:127.0.0.1:17025 :127.0.0.1::56105";
    qt_log_classify(c, ok, strlen(ok), &r);
    assert_int_equal(r.local_port, 17025);
    assert_int_equal(r.remote_port, 56105);   /* the client's port: qtriage's own connections are told by it */
    assert_string_equal(r.tag, "");           /* multilog: no syslog tag */
    /* ucspi-tcp6 writes IPv6 with its colons; the port is after the last one */
    const char *ok6 = ML "tcpserver: ok 7001 0:::1:25 :::ffff:192.0.2.7::40123";
    qt_log_classify(c, ok6, strlen(ok6), &r);
    assert_string_equal(r.ip, "192.0.2.7");
    assert_int_equal(r.remote_port, 40123);
    const char *sl = "Dec  7 09:41:15 mx tcpserver[4100]: status: 3/3";
    qt_log_classify(c, sl, strlen(sl), &r);
    assert_int_equal(r.cat, QT_LOG_TCPSERVER_STATUS);
    assert_string_equal(r.tag, "tcpserver[4100]");
    qt_log_ctx_free(c);
}

/* qmail-send in multilog form ([Q] + [M]), one message through the queue */
static void qmail_send_multilog(void **st)
{
    (void)st;
    const struct want w[] = {
        {ML "status: local 0/10 remote 0/20", QT_LOG_SEND_STATUS, "", ""},
        {ML "new msg 1310701", QT_LOG_OTHER, "", ""},
        {ML "info msg 1310701: bytes 2201 from <news@remote.example> qp 4101 uid 1004", QT_LOG_OTHER, "",
         "news@remote.example"},
        {ML "starting delivery 1: msg 1310701 to local example.test-alice@example.test", QT_LOG_OTHER, "",
         "example.test-alice@example.test"},
        {ML "delivery 1: success: did_1+0+0/", QT_LOG_DELIVERY_SUCCESS, "", "example.test-alice@example.test"},
        {ML "starting delivery 2: msg 1310701 to local example.test-user100@example.test", QT_LOG_OTHER, "",
         "example.test-user100@example.test"},
        {ML "delivery 2: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/", QT_LOG_NO_MAILBOX, "",
         "example.test-user100@example.test"},
        {ML "starting delivery 3: msg 1310701 to remote friend@strict.example", QT_LOG_OTHER, "", "friend@strict.example"},
        {ML "delivery 3: deferral: Connected_to_198.51.100.7_but_my_name_was_rejected./Remote_host_said:_550_5.7.1_HELO_rejected/",
         QT_LOG_HELO_REJECTED, "198.51.100.7", "friend@strict.example"},
        {ML "starting delivery 4: msg 1310701 to remote someone@flaky.example", QT_LOG_OTHER, "", "someone@flaky.example"},
        {ML "delivery 4: deferral: Connected_to_192.0.2.30_but_connection_died._(#4.4.2)/", QT_LOG_CONNECTION_DIED,
         "192.0.2.30", "someone@flaky.example"},
        {ML "starting delivery 5: msg 1310701 to remote x@nxdomain.example", QT_LOG_OTHER, "", "x@nxdomain.example"},
        {ML "delivery 5: failure: Sorry,_I_couldn't_find_any_host_named_nxdomain.example._(#5.1.2)/",
         QT_LOG_DOMAIN_NOT_FOUND, "", "x@nxdomain.example"},
        {ML "delivery 5: deferral: Sorry,_I_couldn't_find_any_host_by_that_name._(#4.1.2)/", QT_LOG_DOMAIN_NOT_FOUND,
         "", "x@nxdomain.example"},
        {ML "delivery 6: deferral: Connected_to_203.0.113.5_but_sender_was_rejected./Remote_host_said:_450_4.1.8_<dave@example.test>:_Sender_address_rejected:_Domain_not_found/",
         QT_LOG_DOMAIN_NOT_FOUND, "203.0.113.5", ""},
        {ML "delivery 7: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/",
         QT_LOG_DELIVERY_DEFERRAL, "", ""},
        {ML "delivery 8: failure: Connected_to_192.0.2.25_but_sender_was_rejected./Remote_host_said:_550_5.7.23_SPF_validation_failed/",
         QT_LOG_DELIVERY_FAILURE, "192.0.2.25", ""},
        {ML "delivery 9: failure: 192.0.2.26_does_not_like_recipient./Remote_host_said:_550_5.1.1_<nosuch@remote.example>:_Recipient_address_rejected/",
         QT_LOG_NO_MAILBOX, "192.0.2.26", ""},
        {ML "delivery 10: success: 198.51.100.10_accepted_message./Remote_host_said:_250_2.0.0_Ok:_queued_as_4Xz/",
         QT_LOG_DELIVERY_SUCCESS, "198.51.100.10", ""},
        {ML "delivery 11: report mangled, will defer", QT_LOG_DELIVERY_DEFERRAL, "", ""},
        {ML "bounce msg 1310701 qp 4102", QT_LOG_BOUNCE, "", ""},
        {ML "end msg 1310701", QT_LOG_OTHER, "", ""},
        {ML "alert: oh no! lost spawn connection! dying...", QT_LOG_SEND_ALERT, "", ""},
        {ML "warning: trouble injecting bounce message, will try later", QT_LOG_SEND_ALERT, "", ""},
        {ML "status: exiting", QT_LOG_SEND_STATUS, "", ""},
    };
    run(w, QT_ARRAY_LEN(w));
}

/* [Q] bounces: the bounce of a <> message is a double bounce, the queued
 * <#@[]> message is one, its failure ends as a triple bounce. */
static void bounces(void **st)
{
    (void)st;
    const struct want w[] = {
        {ML "info msg 100: bytes 900 from <winner0@forged.example> qp 1 uid 1004", QT_LOG_OTHER, "",
         "winner0@forged.example"},
        {ML "bounce msg 100 qp 2", QT_LOG_BOUNCE, "", ""},
        {ML "info msg 200: bytes 1900 from <> qp 2 uid 89", QT_LOG_OTHER, "", ""},
        {ML "bounce msg 200 qp 3", QT_LOG_DOUBLE_BOUNCE, "", ""},
        {ML "info msg 300: bytes 2900 from <#@[]> qp 3 uid 89", QT_LOG_DOUBLE_BOUNCE, "", "#@[]"},
        {ML "triple bounce: discarding bounce/300", QT_LOG_TRIPLE_BOUNCE, "", ""},
        /* an unknown message (its info line rotated away): a plain bounce */
        {ML "bounce msg 999 qp 4", QT_LOG_BOUNCE, "", ""},
        /* the same in syslog form through splogger */
        {SL("qmail") SP "info msg 400: bytes 900 from <> qp 5 uid 89", QT_LOG_OTHER, "", ""},
        {SL("qmail") SP "bounce msg 400 qp 6", QT_LOG_DOUBLE_BOUNCE, "", ""},
        {SL("qmail") SP "info msg 401: bytes 900 from <#@[]> qp 6 uid 89", QT_LOG_DOUBLE_BOUNCE, "", "#@[]"},
        {SL("qmail") SP "triple bounce: discarding bounce/401", QT_LOG_TRIPLE_BOUNCE, "", ""},
        {SL("qmail") SP "info msg 402: bytes 900 from <a@b.example> qp 7 uid 1004", QT_LOG_OTHER, "", "a@b.example"},
        {SL("qmail") SP "bounce msg 402 qp 8", QT_LOG_BOUNCE, "", ""},
    };
    run(w, QT_ARRAY_LEN(w));
}

/* qmail-send through splogger into /var/log/maillog ([S] + [Q]); also
 * QMailToaster's splogger-nostamp (tag qmail, no epoch) */
static void qmail_send_syslog(void **st)
{
    (void)st;
    const struct want w[] = {
        {SL("qmail") SP "status: local 1/10 remote 3/20", QT_LOG_SEND_STATUS, "", ""},
        {SL("qmail") SP "starting delivery 12: msg 777 to remote bob@remote.example", QT_LOG_OTHER, "", "bob@remote.example"},
        {SL("qmail") SP "delivery 12: success: 192.0.2.25_accepted_message./Remote_host_said:_250_ok/",
         QT_LOG_DELIVERY_SUCCESS, "192.0.2.25", "bob@remote.example"},
        {SL("qmail") SP "delivery 12: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/",
         QT_LOG_DELIVERY_DEFERRAL, "", "bob@remote.example"},
        {SL("qmail") SP "delivery 12: failure: Giving_up_on_192.0.2.25./", QT_LOG_DELIVERY_FAILURE, "192.0.2.25",
         "bob@remote.example"},
        {SL("qmail") SP "delivery 13: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/", QT_LOG_NO_MAILBOX, "", ""},
        {SL("qmail") SP "delivery 13: failure: Sorry,_no_mailbox_here_by_that_name./", QT_LOG_NO_MAILBOX, "", ""},
        {SL("qmail") SP "delivery 14: deferral: Connected_to_198.51.100.7_but_my_name_was_rejected./",
         QT_LOG_HELO_REJECTED, "198.51.100.7", ""},
        {SL("qmail") SP "delivery 15: deferral: Connected_to_192.0.2.30_but_connection_died._(#4.4.2)/",
         QT_LOG_CONNECTION_DIED, "192.0.2.30", ""},
        {SL("qmail") SP "delivery 16: failure: Sorry,_I_couldn't_find_a_mail_exchanger_or_IP_address._(#5.4.4)/",
         QT_LOG_DOMAIN_NOT_FOUND, "", ""},
        {SL("qmail") SP "alert: unable to append to bounce message; HELP! sleeping...", QT_LOG_SEND_ALERT, "", ""},
        {SL("qmail") "warning: unable to start qmail-queue, will try later", QT_LOG_SEND_ALERT, "", ""},
        {SL("qmail") "status: local 0/10 remote 0/20", QT_LOG_SEND_STATUS, "", ""},
        /* another program's warning is not qmail-send's */
        {SL("postfix/smtpd[99]") "warning: hostname does not resolve", QT_LOG_OTHER, "", ""},
    };
    run(w, QT_ARRAY_LEN(w));
}

/* [R] recordio's AUTH: the PLAIN string and every answer to a 334 but the
 * user name are secrets; a line cut at 256 bytes ("+") continues one. */
static void recordio_secrets(void **st)
{
    (void)st;
    const char *lines[] = {
        ML "4567 > 220 mail.example ESMTP ",
        ML "4567 < AUTH PLAIN AGFsaWNlAGh1bnRlcjI= ",
        ML "4568 < AUTH LOGIN ",
        ML "4568 > 334 VXNlcm5hbWU6 ",
        ML "4568 < YWxpY2U= ",
        ML "4568 > 334 UGFzc3dvcmQ6 ",
        ML "4568 < aHVudGVyMg== ",
        ML "4568 > 235 ok, go ahead (#2.0.0) ",
        ML "4568 < MAIL FROM:<alice@example.com> ",
    };
    const char *secret[] = {NULL, "AGFsaWNlAGh1bnRlcjI=", NULL, NULL, NULL, NULL, "aHVudGVyMg==", NULL, NULL};
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;

    for (size_t i = 0; i < QT_ARRAY_LEN(lines); i++) {
        qt_buf b = {0};
        qt_log_classify(c, lines[i], strlen(lines[i]), &r);
        assert_int_equal(r.cat, QT_LOG_OTHER);
        qt_log_redact(lines[i], strlen(lines[i]), &r, &b);
        if (secret[i]) {
            assert_null(strstr(qt_buf_str(&b), secret[i]));
            assert_non_null(strstr(qt_buf_str(&b), "<redacted>"));
        } else {
            assert_string_equal(qt_buf_str(&b), lines[i]);
        }
        qt_buf_free(&b);
    }
    qt_log_ctx_free(c);
}

/* Hostile bytes: NUL, invalid UTF-8, a prefix of every form, binary. No
 * crash, no read past the length (ASan), and nothing but "other". */
static void garbage_is_other(void **st)
{
    (void)st;
    static const char *const bad[] = {
        "", "@", "@4000", "@400000006b0ba44436401984", "Dec", "Dec  7 09:41:15", "Dec  7 09:41:15 mail",
        "<13>", "<13>1 ", "<13>1 - - - - - -", "2026-12-07T09:41:15", "1.5", "vchkpw-", "vchkpw-smtp",
        "tcpserver: ", "tcpserver: end ", "tcpserver: ok 1", "delivery ", "delivery 1: ", "bounce msg ",
        "\xff\xfe\xfd", "status: local 1/", "info msg 5: bytes 1 from <", "4567 < ",
    };
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;
    char buf[64];

    for (size_t i = 0; i < QT_ARRAY_LEN(bad); i++) {
        /* a private copy exactly as long as the line: ASan sees any overread */
        size_t n = strlen(bad[i]);
        char *p = qt_malloc(n ? n : 1);
        memcpy(p, bad[i], n);
        qt_log_classify(c, p, n, &r);
        if (r.cat != QT_LOG_OTHER && r.cat != QT_LOG_TCPSERVER_END)
            fail_msg("\"%s\": %s", bad[i], qt_log_cat_name(r.cat));
        free(p);
    }
    /* a NUL inside a real line: classified on its bytes, the NUL kept in the field */
    memcpy(buf, "vchkpw-smtp: password fail a\0b@x:192.0.2.1", 42);
    qt_log_classify(c, buf, 42, &r);
    assert_int_equal(r.cat, QT_LOG_AUTH_FAIL);
    assert_int_equal(r.user_len, 5);
    assert_memory_equal(r.user, "a\0b@x", 5);
    assert_string_equal(r.ip, "192.0.2.1");
    /* found by fuzz_logs: a NUL cuts no address short ("1.2.3.4\0junk" is
     * not 1.2.3.4), and a service name holds no control byte */
    memcpy(buf, "tcpserver: pid 1 from ::ff\0:1", 30);
    qt_log_classify(c, buf, 30, &r);
    assert_int_equal(r.cat, QT_LOG_TCPSERVER_CONN);
    assert_string_equal(r.ip, "");
    memcpy(buf, "vchkpw-su\tb: password fail a@b:192.0.2.1", 41);
    qt_log_classify(c, buf, 41, &r);
    assert_int_equal(r.cat, QT_LOG_OTHER);
    qt_log_ctx_free(c);
}

/* The context is bounded: a million message ids later the table is the
 * same size, and an id seen lately still gives a double bounce. */
static void context_bounded(void **st)
{
    (void)st;
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;
    char line[128];

    for (unsigned long i = 0; i < 1000000; i++) {
        int n = snprintf(line, sizeof line, "info msg %lu: bytes 1 from <a@b> qp 1 uid 1", i);
        qt_log_classify(c, line, (size_t)n, &r);
    }
    int n = snprintf(line, sizeof line, "info msg 5000000: bytes 1 from <> qp 1 uid 89");
    qt_log_classify(c, line, (size_t)n, &r);
    n = snprintf(line, sizeof line, "bounce msg 5000000 qp 2");
    qt_log_classify(c, line, (size_t)n, &r);
    assert_int_equal(r.cat, QT_LOG_DOUBLE_BOUNCE);
    qt_log_ctx_free(c);
}

/* The record carries the line's time: multilog's label; in syslog the
 * splogger stamp inside the message (it has the year) over syslog's own. */
static void record_time(void **st)
{
    (void)st;
    qt_log_ctx *c = qt_log_ctx_new(ref_time());
    qt_log_rec r;
    const char *a = ML "status: local 0/10 remote 0/20";
    const char *b = "Nov 29 05:04:10 mail qmail: 1795925050.5 status: local 0/10 remote 0/20";
    const char *d = SL("vpopmail[1]") "vchkpw-smtp: password fail a@b.example:192.0.2.1";
    const char *e = "status: local 0/10 remote 0/20";

    qt_log_classify(c, a, strlen(a), &r);
    assert_int_equal(r.time.kind, QT_STAMP_TAI64N);
    assert_int_equal(r.time.sec, 1795925050);
    qt_log_classify(c, b, strlen(b), &r);
    assert_int_equal(r.cat, QT_LOG_SEND_STATUS);
    assert_int_equal(r.time.kind, QT_STAMP_EPOCH);
    assert_int_equal(r.time.sec, 1795925050);
    assert_int_equal(r.time.nsec, 500000000);
    qt_log_classify(c, d, strlen(d), &r);
    assert_int_equal(r.time.kind, QT_STAMP_RFC3164);
    assert_int_equal(r.time.sec, 1795925050);   /* TZ=UTC, year from the reference */
    qt_log_classify(c, e, strlen(e), &r);
    assert_int_equal(r.cat, QT_LOG_SEND_STATUS);
    assert_int_equal(r.time.kind, QT_STAMP_NONE);
    qt_log_ctx_free(c);
}

static void cat_names(void **st)
{
    (void)st;
    assert_string_equal(qt_log_cat_name(QT_LOG_AUTH_FAIL), "auth_fail");
    assert_string_equal(qt_log_cat_name(QT_LOG_DOMAIN_NOT_FOUND), "domain_not_found");
    assert_string_equal(qt_log_cat_name(QT_LOG_SEND_ALERT), "send_alert");
    assert_string_equal(qt_log_cat_name((enum qt_log_cat)999), "other");
    for (int i = 0; i < QT_LOG_NCATS; i++)
        assert_non_null(qt_log_cat_name((enum qt_log_cat)i));
}

int main(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vchkpw_lines),
        cmocka_unit_test(vchkpw_password_redacted),
        cmocka_unit_test(tcpserver_lines),
        cmocka_unit_test(tcpserver_end_decoded),
        cmocka_unit_test(qmail_send_multilog),
        cmocka_unit_test(bounces),
        cmocka_unit_test(qmail_send_syslog),
        cmocka_unit_test(recordio_secrets),
        cmocka_unit_test(garbage_is_other),
        cmocka_unit_test(context_bounded),
        cmocka_unit_test(record_time),
        cmocka_unit_test(cat_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the SMTP AUTH engine driven by recorded server replies, no
 * network: the commands it sends, the outcome and class, the redaction of
 * secrets in the transcript. Replies: aiosmtpd 1.4.3 (lab), qmail-smtpd
 * AUTH patch texts (docs/domain/qmail.md#smtp-auth), RFC 2195's CRAM-MD5 challenge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_smtp.h"

#define PW "tanstaaftanstaaf"

static qt_secret *pw;

static int setup(void **st)
{
    (void)st;
    pw = qt_secret_new(PW, strlen(PW));
    return pw ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    qt_secret_free(pw);
    return 0;
}

static void start(qt_smtp *s, const char *user, unsigned mech, enum qt_tls_mode tls, int cleartext_ok)
{
    struct qt_smtp_cfg c = {.user = user, .pass = pw, .mech = mech, .tls = tls, .helo = "client.test",
                            .cleartext_ok = cleartext_ok};
    qt_smtp_init(s, &c);
    qt_smtp_start(s);
}

/* What the engine queued since the last call (and mark it sent). */
static char *took_out(qt_smtp *s)
{
    char *o = qt_strndup(s->out.s ? s->out.s + s->out_off : "", s->out.len - s->out_off);
    qt_smtp_sent(s, s->out.len - s->out_off);
    return o;
}

static void expect_out(qt_smtp *s, const char *want)
{
    char *o = took_out(s);
    assert_string_equal(o, want);
    free(o);
}

static void feed(qt_smtp *s, const char *t)
{
    qt_smtp_input(s, t, strlen(t));
}

static void no_secret_in_transcript(qt_smtp *s)
{
    const char *t = qt_buf_str(&s->transcript);
    assert_null(strstr(t, PW));
    assert_null(strstr(t, "dGFuc3RhYWZ0YW5zdGFhZg==")); /* base64 of the password */
    assert_null(strstr(t, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm")); /* AUTH PLAIN of tim */
}

static void to_auth(qt_smtp *s)
{
    feed(s, "220 lab.example.test Python SMTP 1.4.3\r\n");
    expect_out(s, "EHLO client.test\r\n");
    feed(s, "250-lab.example.test\r\n250-SIZE 33554432\r\n250-STARTTLS\r\n250 HELP\r\n");
    expect_out(s, "STARTTLS\r\n");
    feed(s, "220 Ready to start TLS\r\n");
    assert_true(s->want_tls);
    qt_smtp_tls_result(s, 1, NULL);
    expect_out(s, "EHLO client.test\r\n");
}

static void plain_over_starttls(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    to_auth(&s);
    feed(&s, "250-lab.example.test\r\n250-AUTH LOGIN PLAIN\r\n250 HELP\r\n");
    expect_out(&s, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    assert_int_equal(s.out.len, 0); /* wiped and reset once sent */
    feed(&s, "235 2.7.0 Authentication successful\r\n");
    assert_int_equal(s.outcome, QT_SMTP_AUTH_OK);
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "ok");
    expect_out(&s, "QUIT\r\n");
    feed(&s, "221 Bye\r\n");
    assert_true(s.done);
    assert_false(s.ehlo1.auth);
    assert_true(s.ehlo2.auth && s.have_ehlo2);
    assert_non_null(strstr(qt_buf_str(&s.transcript), "C: AUTH PLAIN <redacted"));
    no_secret_in_transcript(&s);
    qt_smtp_free(&s);
}

static void login_535(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, "tim", QT_MECH_LOGIN, QT_TLS_STARTTLS, 1);
    to_auth(&s);
    feed(&s, "250-mail.example.com\r\n250-PIPELINING\r\n250 AUTH LOGIN PLAIN\r\n");
    expect_out(&s, "AUTH LOGIN\r\n");
    feed(&s, "334 VXNlcm5hbWU6\r\n");
    expect_out(&s, "dGlt\r\n");
    feed(&s, "334 UGFzc3dvcmQ6\r\n");
    expect_out(&s, "dGFuc3RhYWZ0YW5zdGFhZg==\r\n");
    feed(&s, "535 authentication failed (#5.7.1)\r\n");
    assert_int_equal(s.outcome, QT_SMTP_AUTH_FAILED);
    assert_int_equal(s.last_code, 535);
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "auth");
    expect_out(&s, "QUIT\r\n");
    qt_smtp_eof(&s); /* no 221: fine during QUIT */
    assert_true(s.done);
    assert_int_equal(s.outcome, QT_SMTP_AUTH_FAILED);
    no_secret_in_transcript(&s);
    qt_smtp_free(&s);
}

static void cram_md5_rfc2195(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, "tim", QT_MECH_CRAM_MD5, QT_TLS_STARTTLS, 1);
    to_auth(&s);
    feed(&s, "250-x\r\n250 AUTH CRAM-MD5\r\n");
    expect_out(&s, "AUTH CRAM-MD5\r\n");
    feed(&s, "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    expect_out(&s, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    feed(&s, "235 ok, go ahead (#2.0.0)\r\n");
    assert_int_equal(s.outcome, QT_SMTP_AUTH_OK);
    assert_null(strstr(qt_buf_str(&s.transcript), "dGltIGI5MTNh"));
    qt_smtp_free(&s);
}

static void mechanism_mismatch_both_ways(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, "tim", QT_MECH_CRAM_MD5, QT_TLS_AUTO, 1);
    to_auth(&s);
    feed(&s, "250-x\r\n250 AUTH LOGIN PLAIN\r\n");
    assert_int_equal(s.outcome, QT_SMTP_MECH_MISMATCH);
    expect_out(&s, "QUIT\r\n"); /* nothing secret was sent */
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "auth");
    qt_smtp_free(&s);

    start(&s, "tim", QT_MECH_PLAIN, QT_TLS_AUTO, 1);
    to_auth(&s);
    feed(&s, "250-x\r\n250 AUTH CRAM-MD5\r\n");
    assert_int_equal(s.outcome, QT_SMTP_MECH_MISMATCH);
    assert_non_null(strstr(s.why, "CRAM-MD5"));
    qt_smtp_free(&s);

    /* auto picks what the server has */
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    to_auth(&s);
    feed(&s, "250-x\r\n250 AUTH CRAM-MD5 DIGEST-MD5\r\n");
    expect_out(&s, "AUTH CRAM-MD5\r\n");
    qt_smtp_free(&s);

    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    to_auth(&s);
    feed(&s, "250-x\r\n250 AUTH XOAUTH2\r\n");
    assert_int_equal(s.outcome, QT_SMTP_MECH_MISMATCH);
    qt_smtp_free(&s);
}

static void tls_policy(void **st)
{
    (void)st;
    qt_smtp s;
    /* STARTTLS required but not offered */
    start(&s, "tim", 0, QT_TLS_STARTTLS, 1);
    feed(&s, "220 x\r\n");
    expect_out(&s, "EHLO client.test\r\n");
    feed(&s, "250-x\r\n250 AUTH LOGIN PLAIN\r\n");
    assert_int_equal(s.outcome, QT_SMTP_NO_STARTTLS);
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "tls");
    expect_out(&s, "QUIT\r\n");
    qt_smtp_free(&s);
    /* auto, remote host, no STARTTLS: the password is not sent in clear */
    start(&s, "tim", 0, QT_TLS_AUTO, 0);
    feed(&s, "220 x\r\n250-x\r\n250 AUTH LOGIN PLAIN\r\n");
    assert_int_equal(s.outcome, QT_SMTP_NO_STARTTLS);
    qt_smtp_free(&s);
    /* tls none, loopback: AUTH in clear is allowed */
    start(&s, "tim", 0, QT_TLS_NONE, 1);
    feed(&s, "220 x\r\n");
    expect_out(&s, "EHLO client.test\r\n");
    feed(&s, "250-x\r\n250-STARTTLS\r\n250 AUTH LOGIN PLAIN\r\n");
    expect_out(&s, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    qt_smtp_free(&s);
    /* STARTTLS refused */
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "220 x\r\n250-x\r\n250 STARTTLS\r\n");
    expect_out(&s, "EHLO client.test\r\nSTARTTLS\r\n");
    feed(&s, "454 TLS not available due to temporary reason\r\n");
    assert_int_equal(s.outcome, QT_SMTP_STARTTLS_REFUSED);
    qt_smtp_free(&s);
    /* handshake fails (server closed mid-TLS) */
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "220 x\r\n250-x\r\n250 STARTTLS\r\n220 go ahead\r\n");
    assert_true(s.want_tls);
    qt_smtp_tls_result(&s, 0, "the server closed the connection during the TLS handshake");
    assert_int_equal(s.outcome, QT_SMTP_TLS_FAILED);
    assert_true(s.done);
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "tls");
    qt_smtp_free(&s);
    /* STARTTLS response injection: a reply behind the 220 */
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "220 x\r\n250-x\r\n250 STARTTLS\r\n220 go ahead\r\n250 injected\r\n");
    assert_int_equal(s.outcome, QT_SMTP_PROTOCOL);
    assert_non_null(strstr(s.why, "injection"));
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "tls");
    qt_smtp_free(&s);
}

static void qmail_replies(void **st)
{
    (void)st;
    qt_smtp s;
    struct { const char *reply; enum qt_smtp_outcome o; } cases[] = {
        {"454 oops, problem with child and I can't auth (#4.3.0)\r\n", QT_SMTP_AUTH_TEMPFAIL},
        {"504 auth type unimplemented (#5.5.1)\r\n", QT_SMTP_AUTH_REFUSED},
        {"538 auth not available without TLS (#5.3.3)\r\n", QT_SMTP_AUTH_REFUSED},
        {"535 authentication failed (#5.7.1)\r\n", QT_SMTP_AUTH_FAILED},
        {"501 malformed auth input (#5.5.4)\r\n", QT_SMTP_AUTH_REFUSED}, /* not a verdict on the password */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        start(&s, "tim", QT_MECH_PLAIN, QT_TLS_NONE, 1);
        feed(&s, "220 mail.example.com ESMTP\r\n250-mail.example.com\r\n250 AUTH LOGIN PLAIN\r\n");
        feed(&s, cases[i].reply);
        assert_int_equal(s.outcome, cases[i].o);
        qt_smtp_free(&s);
    }
    /* a greeting that refuses */
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "554 too many connections from your IP\r\n");
    assert_int_equal(s.outcome, QT_SMTP_BANNER_REJECTED);
    assert_string_equal(qt_smtp_class(s.outcome, s.fail_phase), "other");
    qt_smtp_free(&s);
    /* no AUTH at all */
    start(&s, "tim", 0, QT_TLS_NONE, 1);
    feed(&s, "220 x\r\n250-x\r\n250 PIPELINING\r\n");
    assert_int_equal(s.outcome, QT_SMTP_NO_AUTH);
    qt_smtp_free(&s);
    /* LOGIN server that asks a third time: cancelled with "*" */
    start(&s, "tim", QT_MECH_LOGIN, QT_TLS_NONE, 1);
    feed(&s, "220 x\r\n250-x\r\n250 AUTH LOGIN\r\n");
    free(took_out(&s));
    feed(&s, "334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n");
    free(took_out(&s));
    feed(&s, "334 again\r\n");
    expect_out(&s, "*\r\n");
    assert_int_equal(s.outcome, QT_SMTP_PROTOCOL);
    feed(&s, "501 auth exchange canceled (#5.0.0)\r\n");
    expect_out(&s, "QUIT\r\n");
    no_secret_in_transcript(&s);
    qt_smtp_free(&s);
}

static void transport_events(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    qt_smtp_timeout(&s);
    assert_int_equal(s.outcome, QT_SMTP_TIMEOUT);
    assert_int_equal(s.fail_phase, QT_PH_BANNER);
    assert_true(s.done);
    qt_smtp_free(&s);

    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "220 x\r\n");
    qt_smtp_eof(&s);
    assert_int_equal(s.outcome, QT_SMTP_CLOSED);
    assert_int_equal(s.fail_phase, QT_PH_EHLO);
    qt_smtp_free(&s);

    start(&s, "tim", 0, QT_TLS_AUTO, 1);
    feed(&s, "hello, this is not SMTP\r\n");
    assert_int_equal(s.outcome, QT_SMTP_PROTOCOL);
    assert_true(s.done);
    qt_smtp_free(&s);

    /* implicit TLS: handshake first, then the banner */
    {
        struct qt_smtp_cfg c = {.user = "tim", .pass = pw, .tls = QT_TLS_IMPLICIT, .helo = "h", .cleartext_ok = 1};
        qt_smtp_init(&s, &c);
        qt_smtp_tls_result(&s, 1, NULL);
        assert_int_equal(s.out.len, 0);
        qt_smtp_start(&s);
        feed(&s, "220 x\r\n");
        expect_out(&s, "EHLO h\r\n");
        feed(&s, "250-x\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n"); /* no second STARTTLS inside TLS */
        expect_out(&s, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
        qt_smtp_free(&s);
    }
}

static void targets(void **st)
{
    (void)st;
    struct qt_smtp_target t;
    char err[200];
    assert_int_equal(qt_smtp_parse_target("127.0.0.1:2525", 587, &t, err, sizeof err), 0);
    assert_int_equal(t.port, 2525);
    assert_true(t.loopback);
    assert_int_equal(qt_smtp_parse_target("192.0.2.7", 587, &t, err, sizeof err), 0);
    assert_int_equal(t.port, 587);
    assert_false(t.loopback);
    assert_int_equal(qt_smtp_parse_target("[::1]:465", 587, &t, err, sizeof err), 0);
    assert_true(t.loopback);
    assert_string_equal(t.host, "::1");
    assert_int_equal(qt_smtp_parse_target("::1", 587, &t, err, sizeof err), 0);
    assert_int_equal(qt_smtp_parse_target("localhost", 587, &t, err, sizeof err), 0);
    assert_string_equal(t.host, "127.0.0.1");
    assert_int_equal(qt_smtp_parse_target("mail.example.com:587", 587, &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "not an IP address"));
    assert_int_equal(qt_smtp_parse_target("127.0.0.1:70000", 587, &t, err, sizeof err), -1);
    assert_int_equal(qt_smtp_parse_target("[::1", 587, &t, err, sizeof err), -1);
    assert_int_equal(qt_smtp_parse_target("", 587, &t, err, sizeof err), -1);
    assert_int_equal(qt_tls_mode_parse("SMTPS"), QT_TLS_IMPLICIT);
    assert_int_equal(qt_tls_mode_parse("bogus"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_over_starttls), cmocka_unit_test(login_535), cmocka_unit_test(cram_md5_rfc2195),
        cmocka_unit_test(mechanism_mismatch_both_ways), cmocka_unit_test(tls_policy),
        cmocka_unit_test(qmail_replies), cmocka_unit_test(transport_events), cmocka_unit_test(targets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

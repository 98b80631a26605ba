/* Unit tests: every form of the password is taken out of text
 * (diag/auth/auth_redact.c), and the SMTP engine applies it to what a hostile
 * server echoes back before anything (transcript, last_text, why) keeps a
 * copy. Password and strings from RFC 2195's example. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_redact.h"
#include "diag/auth/auth_smtp.h"

#define PW "tanstaaftanstaaf"
#define PW_B64 "dGFuc3RhYWZ0YW5zdGFhZg=="
#define PLAIN_TIM "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
#define PW_HEX "74616e737461616674616e7374616166"

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

static void expect(const char *in, const char *want, size_t want_hits)
{
    size_t hits = 99;
    char *o = qt_auth_redact("tim", pw, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", in, strlen(in), &hits);
    if (strcmp(o, want) != 0 || hits != want_hits)
        fail_msg("in \"%s\": got \"%s\" (%zu), want \"%s\" (%zu)", in, o, hits, want, want_hits);
    free(o);
}

static void forms(void **st)
{
    (void)st;
    expect("5.7.8 " PLAIN_TIM " rejected", "5.7.8 <AUTH PLAIN string> rejected", 1);
    expect("got " PW_B64, "got <password (base64)>", 1);
    expect("hex " PW_HEX " / 74616E737461616674616E7374616166", "hex <password (hex)> / <password (hex)>", 2);
    expect("raw " PW "!", "raw <password>!", 1);
    expect("cram dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw", "cram <CRAM-MD5 response>", 1);
    /* an echo cut short still goes: a prefix is a piece of the secret */
    expect("535 AHRpbQB0YW5zdGFh...", "535 <AUTH PLAIN string>...", 1);
    expect("535 dGFuc3RhYWZ0YW5z", "535 <password (base64)>", 1);
    expect("535 tanstaaft", "535 <password>", 1);
    /* nothing of the secret: unchanged; the user part of PLAIN alone is no secret */
    expect("535 5.7.8 Authentication credentials invalid", "535 5.7.8 Authentication credentials invalid", 0);
    expect("AHRpbQ and tansta", "AHRpbQ and tansta", 0);
}

static void no_password(void **st)
{
    (void)st;
    size_t hits = 1;
    char *o = qt_auth_redact("tim", NULL, NULL, "AHRpbQB0YW5zdGFh", 16, &hits);
    assert_string_equal(o, "AHRpbQB0YW5zdGFh");
    assert_int_equal(hits, 0);
    free(o);
}

static void feed(qt_smtp *s, const char *t)
{
    qt_smtp_input(s, t, strlen(t));
}

static void no_secret(const qt_smtp *s)
{
    const char *t = qt_buf_str(&s->transcript);
    const char *bad[] = {PW, PW_B64, PLAIN_TIM, "dGFuc3RhYWZ0YW5z", PW_HEX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (strstr(t, bad[i]) || strstr(s->last_text, bad[i]) || strstr(s->why, bad[i]))
            fail_msg("\"%s\" kept: transcript %s\nlast_text %s\nwhy %s", bad[i], t, s->last_text, s->why);
    }
}

static void start(qt_smtp *s, unsigned mech)
{
    struct qt_smtp_cfg c = {.user = "tim", .pass = pw, .mech = mech, .tls = QT_TLS_NONE, .helo = "client.test",
                            .cleartext_ok = 1};
    qt_smtp_init(s, &c);
    qt_smtp_start(s);
    feed(s, "220 hostile.test ESMTP\r\n");
    feed(s, "250-hostile.test\r\n250 AUTH PLAIN LOGIN\r\n");
}

/* the server repeats what it got: 535 with our AUTH PLAIN string */
static void echo_plain(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, QT_MECH_PLAIN);
    feed(&s, "535-5.7.8 you sent " PLAIN_TIM "\r\n535 5.7.8 i.e. " PW " / " PW_HEX "\r\n");
    assert_int_equal(s.outcome, QT_SMTP_AUTH_FAILED);
    assert_non_null(strstr(s.last_text, "<AUTH PLAIN string>"));
    assert_non_null(strstr(qt_buf_str(&s.transcript), "repeats the credentials"));
    assert_int_equal(s.echoed, 3);
    no_secret(&s);
    qt_smtp_free(&s);
}

static void echo_login(void **st)
{
    (void)st;
    qt_smtp s;
    start(&s, QT_MECH_LOGIN);
    feed(&s, "334 VXNlcm5hbWU6\r\n");
    feed(&s, "334 UGFzc3dvcmQ6\r\n");
    feed(&s, "535 5.7.8 bad password " PW_B64 "\r\n");
    assert_int_equal(s.outcome, QT_SMTP_AUTH_FAILED);
    assert_non_null(strstr(s.last_text, "<password (base64)>"));
    no_secret(&s);
    qt_smtp_free(&s);
}

/* a line without a reply code is not SMTP: the reader refuses it and quotes
 * its start in the reason, which reaches the transcript and the verdict; the
 * echo must be redacted there too (whole, as a piece cut at the quote's end,
 * and straddling the quote's end) */
static void echo_without_code(void **st)
{
    (void)st;
    const char *lines[] = {
        PW_B64 "\r\n",                         /* AUTH LOGIN: the password's base64 alone */
        PLAIN_TIM "\r\n",                      /* the AUTH PLAIN string alone */
        PW "\r\n",                             /* the raw password */
        "535x" PW_B64 "\r\n",                  /* a code, then a bad separator */
        "xx 5.7.8 " PW_B64 "\r\n",             /* only 11 characters inside the 20-byte quote */
        "xx 5.7.8 " PW_HEX "\r\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        qt_smtp s;
        start(&s, QT_MECH_LOGIN);
        feed(&s, "334 VXNlcm5hbWU6\r\n");
        feed(&s, "334 UGFzc3dvcmQ6\r\n");
        feed(&s, lines[i]);
        assert_int_equal(s.outcome, QT_SMTP_PROTOCOL);
        if (!strstr(s.why, "<password") && !strstr(s.why, "<AUTH PLAIN"))
            fail_msg("line %zu: no marker in why: %s", i, s.why);
        no_secret(&s);
        /* 8 characters of base64 are 6 bytes of the password: none may stay either */
        if (strstr(qt_buf_str(&s.transcript), "dGFuc3Rh") || strstr(s.why, "dGFuc3Rh") ||
            strstr(qt_buf_str(&s.transcript), "YWZ0YW5z") || strstr(s.why, "YWZ0YW5z"))
            fail_msg("line %zu: a piece of the base64 kept: %s / %s", i, qt_buf_str(&s.transcript), s.why);
        qt_smtp_free(&s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forms),
        cmocka_unit_test(no_password),
        cmocka_unit_test(echo_plain),
        cmocka_unit_test(echo_login),
        cmocka_unit_test(echo_without_code),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

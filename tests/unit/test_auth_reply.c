/* Unit tests: SMTP reply reader and EHLO parser, on replies recorded from
 * real servers (aiosmtpd 1.4.3 in the lab; qmail-smtpd's AUTH patch texts
 * from docs/domain/qmail.md#smtp-auth; a Postfix-style "AUTH=" line) and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "diag/auth/auth_reply.h"

/* Feed text in chunks of k bytes; return the state of the last feed and
 * the reply in *rep. */
static int feed_chunks(qt_reply_reader *r, const char *text, size_t k, qt_reply *rep, size_t *rest)
{
    size_t n = strlen(text), off = 0;
    int st = QT_REPLY_MORE;
    while (off < n) {
        size_t len = n - off < k ? n - off : k, used = 0;
        st = qt_reply_feed(r, text + off, len, &used, rep);
        off += used;
        if (st != QT_REPLY_MORE)
            break;
    }
    *rest = n - off;
    return st;
}

static const char aiosmtpd_ehlo2[] =
    "250-lab.example.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
    "250-AUTH LOGIN PLAIN\r\n250 HELP\r\n";

static void multiline_any_split(void **st)
{
    (void)st;
    for (size_t k = 1; k <= sizeof aiosmtpd_ehlo2; k++) {
        qt_reply_reader r;
        qt_reply rep = {0};
        size_t rest;
        qt_reply_reader_init(&r);
        assert_int_equal(feed_chunks(&r, aiosmtpd_ehlo2, k, &rep, &rest), QT_REPLY_DONE);
        assert_int_equal(rest, 0);
        assert_int_equal(rep.code, 250);
        assert_int_equal(rep.nlines, 6);
        assert_string_equal(qt_buf_str(&rep.text),
                            "lab.example.test\nSIZE 33554432\n8BITMIME\nSMTPUTF8\nAUTH LOGIN PLAIN\nHELP");
        qt_reply_free(&rep);
        qt_reply_reader_free(&r);
    }
}

static void two_replies_in_one_read(void **st)
{
    (void)st;
    const char *t = "220 ready for tls\r\n250 injected\n";
    qt_reply_reader r;
    qt_reply rep = {0};
    size_t used;
    char first[64];
    qt_reply_reader_init(&r);
    assert_int_equal(qt_reply_feed(&r, t, strlen(t), &used, &rep), QT_REPLY_DONE);
    assert_int_equal(rep.code, 220);
    qt_reply_first_line(&rep, first, sizeof first);
    assert_string_equal(first, "ready for tls");
    qt_reply_free(&rep);
    assert_int_equal(used, strlen("220 ready for tls\r\n"));
    assert_int_equal(qt_reply_feed(&r, t + used, strlen(t) - used, &used, &rep), QT_REPLY_DONE);
    assert_int_equal(rep.code, 250); /* bare LF accepted */
    qt_reply_free(&rep);
    qt_reply_reader_free(&r);
}

static int bad_input(const char *t, size_t n, const char *why)
{
    qt_reply_reader r;
    qt_reply rep = {0};
    size_t used;
    int st;
    qt_reply_reader_init(&r);
    st = qt_reply_feed(&r, t, n, &used, &rep);
    if (st == QT_REPLY_BAD)
        assert_non_null(strstr(r.err, why));
    qt_reply_free(&rep);
    qt_reply_reader_free(&r);
    return st;
}

static void hostile_replies(void **st)
{
    (void)st;
    char longline[1200];
    memcpy(longline, "220 ", 4);
    memset(longline + 4, 'A', sizeof longline - 4);
    /* overlong: refused without waiting for a line end that may never come */
    assert_int_equal(bad_input(longline, sizeof longline, "longer than 1000"), QT_REPLY_BAD);
    assert_int_equal(bad_input("hello, this is not SMTP\r\n", 25, "code 200-599"), QT_REPLY_BAD);
    assert_int_equal(bad_input("120 too low\r\n", 13, "code 200-599"), QT_REPLY_BAD);
    assert_int_equal(bad_input("2x0 x\r\n", 7, "code 200-599"), QT_REPLY_BAD);
    assert_int_equal(bad_input("220_hello\r\n", 11, "separator"), QT_REPLY_BAD);
    assert_int_equal(bad_input("220 hostile\0\x1b[31m ESMTP\r\n", 26, "control byte 0x00"), QT_REPLY_BAD);
    assert_int_equal(bad_input("250-a\r\n251 b\r\n", 14, "changes its code"), QT_REPLY_BAD);
    assert_int_equal(bad_input("22\r\n", 4, "code 200-599"), QT_REPLY_BAD);
    {
        /* a never-ending multi-line reply */
        char many[8 * 120];
        size_t k = 0;
        for (int i = 0; i < 120; i++)
            k += (size_t)snprintf(many + k, sizeof many - k, "250-x\r\n");
        assert_int_equal(bad_input(many, k, "more than 100 lines"), QT_REPLY_BAD);
    }
    /* exactly 1000 bytes is still fine */
    {
        char ok[1003];
        qt_reply_reader r;
        qt_reply rep = {0};
        size_t used;
        memcpy(ok, "250 ", 4);
        memset(ok + 4, 'b', 996);
        memcpy(ok + 1000, "\r\n", 3);
        qt_reply_reader_init(&r);
        assert_int_equal(qt_reply_feed(&r, ok, 1002, &used, &rep), QT_REPLY_DONE);
        qt_reply_free(&rep);
        qt_reply_reader_free(&r);
    }
    /* "250" alone (no text) is a valid reply */
    assert_int_equal(bad_input("250\r\n", 5, "-"), QT_REPLY_DONE);
}

static void parse_ehlo(const char *text, qt_ehlo *e)
{
    qt_reply_reader r;
    qt_reply rep = {0};
    size_t used;
    qt_reply_reader_init(&r);
    assert_int_equal(qt_reply_feed(&r, text, strlen(text), &used, &rep), QT_REPLY_DONE);
    qt_ehlo_parse(&rep, e);
    qt_reply_free(&rep);
    qt_reply_reader_free(&r);
}

static void ehlo_keywords(void **st)
{
    (void)st;
    qt_ehlo e;
    char m[64];

    parse_ehlo(aiosmtpd_ehlo2, &e);
    assert_true(e.auth);
    assert_int_equal(e.mechs, QT_MECH_PLAIN | QT_MECH_LOGIN);
    assert_false(e.starttls);
    assert_int_equal(e.size, 33554432);
    assert_true(e.smtputf8 && e.eightbit);
    assert_string_equal(e.greeting, "lab.example.test");
    assert_string_equal(e.mech_list, "LOGIN PLAIN");

    /* before STARTTLS the lab server (auth_require_tls) shows no AUTH */
    parse_ehlo("250-lab.example.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
               "250-STARTTLS\r\n250 HELP\r\n", &e);
    assert_false(e.auth);
    assert_true(e.starttls);
    qt_mechs_str(e.mechs, m, sizeof m);
    assert_string_equal(m, "none");

    /* qmail-smtpd with the AUTH and TLS patches, CRAM_MD5 compiled in (docs/domain/qmail.md#smtp-auth) */
    parse_ehlo("250-mail.example.com\r\n250-STARTTLS\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
               "250-SIZE 20971520\r\n250 AUTH LOGIN PLAIN CRAM-MD5\r\n", &e);
    assert_int_equal(e.mechs, QT_MECH_PLAIN | QT_MECH_LOGIN | QT_MECH_CRAM_MD5);
    assert_true(e.starttls && e.pipelining);
    qt_mechs_str(e.mechs, m, sizeof m);
    assert_string_equal(m, "PLAIN LOGIN CRAM-MD5");

    /* old-style "AUTH=" repeated, lower case, unknown mechanisms */
    parse_ehlo("250-mx\r\n250-auth=login plain\r\n250-AUTH PLAIN LOGIN XOAUTH2\r\n250 starttls\r\n", &e);
    assert_int_equal(e.mechs, QT_MECH_PLAIN | QT_MECH_LOGIN | QT_MECH_OTHER);
    assert_true(e.starttls);
    assert_string_equal(e.mech_list, "login plain XOAUTH2");

    /* CRAM-MD5 only (sagredo SMTPAUTH=cram) */
    parse_ehlo("250-x\r\n250 AUTH CRAM-MD5\r\n", &e);
    assert_int_equal(e.mechs, QT_MECH_CRAM_MD5);
    /* "AUTH" without mechanisms */
    parse_ehlo("250-x\r\n250 AUTH\r\n", &e);
    assert_true(e.auth);
    assert_int_equal(e.mechs, 0);
    assert_int_equal(qt_mech_parse("cram-md5"), QT_MECH_CRAM_MD5);
    assert_int_equal(qt_mech_parse("DIGEST-MD5"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(multiline_any_split), cmocka_unit_test(two_replies_in_one_read),
        cmocka_unit_test(hostile_replies), cmocka_unit_test(ehlo_keywords),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

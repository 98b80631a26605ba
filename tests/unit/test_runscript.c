/* Unit tests: static reading of run scripts from tests/fixtures/servers (each
 * file cites its source), resolved against the fixture root
 * tests/fixtures/servers/root (etc/passwd, control files). Plus hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/parse/argv.h"
#include "diag/core/ctx.h"
#include "diag/parse/runscript.h"
#include "diag/core/util.h"

#define DATA QT_SRCDIR "/tests/fixtures/servers"

static qt_ctx ctx;

static int setup(void **st)
{
    (void)st;
    qt_ctx_defaults(&ctx);
    ctx.root = DATA "/root";
    return 0;
}

/* Read a corpus file (outside the root) and parse it. */
static int read_corpus(const char *name, qt_runscript *rs)
{
    char path[1024], *text = NULL;
    long n;
    int rc;
    snprintf(path, sizeof path, "%s/%s", DATA, name);
    n = qt_read_file(path, QT_RUNSCRIPT_MAX, &text);
    assert_true(n > 0);
    rc = qt_runscript_parse(&ctx, text, (size_t)n, "/service/x", rs);
    free(text);
    return rc;
}

static char *joined(const qt_runscript *rs)
{
    qt_buf b = {0};
    for (int i = 0; i < rs->argc; i++) {
        if (i)
            qt_buf_putc(&b, ' ');
        qt_buf_puts(&b, rs->argv[i]);
    }
    return qt_buf_steal(&b);
}

static void lwq(void **st)
{
    qt_runscript rs;
    char *s;
    (void)st;
    assert_int_equal(read_corpus("lwq-qmail-smtpd.run", &rs), 0);
    s = joined(&rs);
    /* id -u/-g from etc/passwd, cat/head -1 from control files, all under the root */
    assert_string_equal(s, "exec /usr/local/bin/softlimit -m 5000000 /usr/local/bin/tcpserver -v -R -l mail.example.com "
                           "-x /etc/tcp.smtp.cdb -c 30 -u 1002 -g 1003 0 smtp /var/qmail/bin/qmail-smtpd "
                           "/home/vpopmail/bin/vchkpw /bin/true");
    assert_int_equal(rs.line, 18);
    for (int i = 0; i < rs.argc; i++)
        assert_int_equal(rs.unresolved[i], 0);
    assert_non_null(strstr(qt_buf_str(&rs.notes), "conditions are not evaluated"));
    free(s);
    qt_runscript_free(&rs);
    /* its log/run: the log directory is the last multilog argument */
    assert_int_equal(read_corpus("lwq-qmail-smtpd-log.run", &rs), 0);
    assert_string_equal(rs.argv[rs.argc - 1], "/var/log/qmail/smtpd");
    qt_runscript_free(&rs);
}

static void qmt(void **st)
{
    qt_runscript rs;
    qt_cmd c;
    (void)st;
    assert_int_equal(read_corpus("qmt-smtp.run", &rs), 0);
    /* `hostname` is never run: the word stays as written and is flagged */
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(qt_cmd_last(&c, 'l')->arg, "`hostname`");
    assert_true(c.unresolved[qt_cmd_last(&c, 'l')->argword]);
    assert_string_equal(qt_cmd_last(&c, 'c')->arg, "30");
    assert_string_equal(qt_cmd_last(&c, 'u')->arg, "89");
    assert_int_equal(c.links[0].kind, QT_LINK_SPAMDYKE);
    assert_string_equal(c.links[0].file, "/etc/spamdyke/spamdyke.conf");
    assert_int_equal(c.links[1].kind, QT_LINK_QMAIL_SMTPD);
    assert_non_null(strstr(qt_buf_str(&rs.notes), "`hostname` not resolved"));
    qt_cmd_free(&c);
    qt_runscript_free(&rs);

    assert_int_equal(read_corpus("qmt-submission.run", &rs), 0);
    assert_non_null(qt_runscript_var(&rs, "REQUIRE_AUTH"));
    assert_true(qt_runscript_var(&rs, "REQUIRE_AUTH")->exported);
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
    assert_string_equal(c.argv[c.port], "587");
    qt_cmd_free(&c);
    qt_runscript_free(&rs);
}

static void jms1(void **st)
{
    qt_runscript rs;
    qt_cmd c;
    (void)st;
    assert_int_equal(read_corpus("jms1-sslserver.run", &rs), 0);
    /* exec $CMD: the unquoted expansion is split into words; empty ones vanish */
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_SSLSERVER_FEH);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(c.argv[c.server], "sslserver");
    assert_string_equal(qt_cmd_last(&c, 'l')->arg, "mail.example.com");
    assert_string_equal(qt_cmd_last(&c, 'x')->arg, "/var/qmail/control/rules.smtpd.cdb");
    assert_string_equal(c.argv[c.port], "submission");
    assert_int_equal(c.links[0].kind, QT_LINK_RBLSMTPD);
    assert_int_equal(c.links[1].kind, QT_LINK_QMAIL_SMTPD);
    /* ~vpopmail resolved from etc/passwd */
    assert_string_equal(c.argv[c.argc - 2], "/home/vpopmail/bin/vchkpw");
    assert_true(qt_runscript_var(&rs, "CERTFILE")->exported);
    assert_string_equal(qt_runscript_var(&rs, "CERTFILE")->value, "/var/qmail/ssl/localhost.pem");
    qt_cmd_free(&c);
    qt_runscript_free(&rs);
}

static void others(void **st)
{
    qt_runscript rs;
    qt_cmd c;
    (void)st;
    assert_int_equal(read_corpus("indimail-smtpd.run", &rs), 0);
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_INDIMAIL);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.wraps[1].kind, QT_WRAP_ENVDIR);
    assert_string_equal(qt_cmd_last(&c, 'C')->arg, "25");
    qt_cmd_free(&c);
    qt_runscript_free(&rs);

    assert_int_equal(read_corpus("ucspi-tcp6.run", &rs), 0);
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_UCSPI_TCP6);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(qt_cmd_last(&c, 'I')->arg, "eth0");
    assert_string_equal(c.argv[c.host], "::");
    assert_int_equal(c.links[0].kind, QT_LINK_RBLSMTPD);
    assert_true(c.links[0].num == 60);     /* rblsmtpd default -t */
    qt_cmd_reparse(&c, QT_VAR_UCSPI_TCP);  /* stock tcpserver has no -6 */
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    qt_cmd_free(&c);
    qt_runscript_free(&rs);

    assert_int_equal(read_corpus("incident-tcpserver-T.run", &rs), 0);
    qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    assert_int_equal(c.bad_letter, 'T');
    qt_cmd_free(&c);
    qt_runscript_free(&rs);
}

static void shell_details(void **st)
{
    qt_runscript rs;
    const char *s =
        "#!/bin/sh\n"
        "A='single $NOT' ; B=\"double $A\"\n"
        "C=${UNSET:-fallback} D=${A-x}\n"
        "E=$(cat /var/qmail/control/me)\n"
        "F=`head -n 1 /var/qmail/control/nosuchfile`\n"
        "exec tcpserver -l \"$E\" -B \"$B\" -t $C \\\n   $F 0 25 prog >/dev/null 2>&1 # comment\n";
    (void)st;
    assert_int_equal(qt_runscript_parse(&ctx, s, strlen(s), NULL, &rs), 0);
    assert_string_equal(qt_runscript_var(&rs, "A")->value, "single $NOT");
    assert_string_equal(qt_runscript_var(&rs, "B")->value, "double single $NOT");
    assert_string_equal(qt_runscript_var(&rs, "C")->value, "fallback");
    assert_string_equal(qt_runscript_var(&rs, "D")->value, "single $NOT");
    assert_string_equal(qt_runscript_var(&rs, "E")->value, "mail.example.com");
    /* missing file: the shell substitutes "", and the notes say so */
    assert_string_equal(qt_runscript_var(&rs, "F")->value, "");
    assert_non_null(strstr(qt_buf_str(&rs.notes), "does not exist"));
    assert_int_equal(rs.argc, 11);
    assert_string_equal(rs.argv[3], "mail.example.com");
    assert_string_equal(rs.argv[5], "double single $NOT");
    assert_string_equal(rs.argv[7], "fallback");
    assert_string_equal(rs.argv[10], "prog");
    assert_int_equal(rs.line, 6);
    qt_runscript_free(&rs);
}

static void hostile(void **st)
{
    qt_runscript rs;
    qt_buf big = {0};
    (void)st;
    /* unterminated quotes: an error message, never a crash */
    assert_int_equal(read_corpus("hostile-unterminated.run", &rs), -1);
    assert_non_null(strstr(rs.error, "unterminated \" quote"));
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "exec x 'abc", 11, NULL, &rs), -1);
    assert_non_null(strstr(rs.error, "unterminated ' quote"));
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "X=`cat a", 8, NULL, &rs), -1);
    assert_non_null(strstr(rs.error, "unterminated `"));
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "X=$(cat a", 9, NULL, &rs), -1);
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "X=${A", 5, NULL, &rs), -1);
    qt_runscript_free(&rs);
    /* non-UTF-8 bytes are kept as bytes */
    assert_int_equal(read_corpus("hostile-bytes.run", &rs), 0);
    assert_string_equal(rs.argv[4], "\xff\xfe\x80");
    qt_runscript_free(&rs);
    /* empty script, NUL bytes, a 10,000-word command */
    assert_int_equal(qt_runscript_parse(&ctx, "", 0, NULL, &rs), -1);
    assert_non_null(strstr(rs.error, "no command"));
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "exec a\0b c", 10, NULL, &rs), 0);
    assert_int_equal(rs.argc, 2);
    qt_runscript_free(&rs);
    qt_buf_puts(&big, "exec tcpserver");
    for (int i = 0; i < 10000; i++)
        qt_buf_puts(&big, " -v");
    qt_buf_puts(&big, " 0 25 prog\n");
    assert_int_equal(qt_runscript_parse(&ctx, big.s, big.len, NULL, &rs), 0);
    assert_int_equal(rs.argc, 10005);
    qt_runscript_free(&rs);
    qt_buf_free(&big);
    /* `exec 2>&1` alone is not the service's command */
    {
        const char *t = "exec 2>&1\ntcpserver 0 25 prog\n";
        assert_int_equal(qt_runscript_parse(&ctx, t, strlen(t), NULL, &rs), 0);
    }
    assert_string_equal(rs.argv[0], "tcpserver");
    qt_runscript_free(&rs);
    /* deeply nested substitution is bounded */
    {
        const char *n = "X=$(a $(b $(c $(d $(e $(f $(g)))))))\nexec y\n";
        assert_int_equal(qt_runscript_parse(&ctx, n, strlen(n), NULL, &rs), 0);
        assert_non_null(strstr(qt_buf_str(&rs.notes), "not resolved"));
        qt_runscript_free(&rs);
    }
}

/* Parse and expect a budget whose name contains want (the count, not the
 * time backstop, must stop it). */
static void expect_budget(const char *text, size_t len, const char *want)
{
    qt_runscript rs;
    assert_int_equal(qt_runscript_parse(&ctx, text, len, NULL, &rs), -1);
    if (!strstr(rs.budget, want))
        fail_msg("budget '%s', wanted '%s'", rs.budget, want);
    assert_null(strstr(rs.budget, "time"));
    assert_null(rs.argv);
    assert_int_equal(rs.argc, 0);
    assert_non_null(strstr(rs.error, "too complex to evaluate"));
    qt_runscript_free(&rs);
}

/* issue 12 item 5: A1=$A0$A0 ... A12, then $A12 thousands of times made
 * 5 GB and minutes of work; now a budget stops it */
static void budgets(void **st)
{
    qt_buf b = {0};
    qt_runscript rs;
    (void)st;

    qt_buf_puts(&b, "#!/bin/sh\nA0=xxxxxxxx\n");
    for (int i = 1; i <= 12; i++)
        qt_buf_printf(&b, "A%d=$A%d$A%d\n", i, i - 1, i - 1);
    qt_buf_puts(&b, "A=$A12\nexec tcpserver -v 0 25 qmail-smtpd");
    while (b.len < QT_RUNSCRIPT_MAX - 8)
        qt_buf_puts(&b, " $A");
    qt_buf_putc(&b, '\n');
    expect_budget(b.s, b.len, "bytes produced by expansions");
    qt_buf_free(&b);

    /* field splitting of one value into more words than a command may have */
    qt_buf_puts(&b, "A=\"");
    for (int i = 0; i < QT_RS_MAX_WORDS + 10; i++)
        qt_buf_puts(&b, "a ");
    qt_buf_puts(&b, "\"\nexec tcpserver $A\n");
    expect_budget(b.s, b.len, "words in one command");
    qt_buf_free(&b);

    /* many small expansions */
    qt_buf_puts(&b, "E=\nexec tcpserver 0 25 prog");
    for (int i = 0; i < QT_RS_MAX_EXPANSIONS + 1; i++)
        qt_buf_puts(&b, " $E");
    expect_budget(b.s, b.len, "expansions");
    qt_buf_free(&b);

    for (int i = 0; i < QT_RS_MAX_ASSIGNMENTS + 1; i++)
        qt_buf_puts(&b, "A=1\n");
    qt_buf_puts(&b, "exec tcpserver 0 25 prog\n");
    expect_budget(b.s, b.len, "assignments");
    qt_buf_free(&b);

    /* each substitution may read a file */
    for (int i = 0; i < QT_RS_MAX_SUBST + 1; i++)
        qt_buf_puts(&b, "M=$(cat /var/qmail/control/me)\n");
    qt_buf_puts(&b, "exec tcpserver 0 25 prog\n");
    expect_budget(b.s, b.len, "command substitutions");
    qt_buf_free(&b);
    for (int i = 0; i < QT_RS_MAX_SUBST + 1; i++)
        qt_buf_puts(&b, "H=~vpopmail\n");
    qt_buf_puts(&b, "exec tcpserver 0 25 prog\n");
    expect_budget(b.s, b.len, "~user");
    qt_buf_free(&b);

    /* just under every budget: evaluated as usual */
    qt_buf_puts(&b, "#!/bin/sh\nA0=xxxxxxxx\n");
    for (int i = 1; i <= 12; i++)
        qt_buf_printf(&b, "A%d=$A%d$A%d\n", i, i - 1, i - 1);
    qt_buf_puts(&b, "exec tcpserver -v 0 25 qmail-smtpd $A12 $A12\n");
    assert_int_equal(qt_runscript_parse(&ctx, b.s, b.len, NULL, &rs), 0);
    assert_string_equal(rs.budget, "");
    assert_int_equal(rs.argc, 8);
    assert_int_equal(strlen(rs.argv[7]), 8 << 12);
    qt_runscript_free(&rs);
    qt_buf_free(&b);
}

/* issue 12 item 7: a script longer than the cap is cut with a mark */
static void truncated(void **st)
{
    qt_buf b = {0};
    qt_runscript rs;
    (void)st;
    qt_buf_puts(&b, "#!/bin/sh\n");
    while (b.len < QT_RUNSCRIPT_MAX)
        qt_buf_puts(&b, "# padding padding padding padding padding padding padding\n");
    qt_buf_puts(&b, "exec tcpserver 0 25 prog\n");
    assert_int_equal(qt_runscript_parse(&ctx, b.s, b.len, NULL, &rs), -1);
    assert_int_equal(rs.truncated, 1);
    qt_runscript_free(&rs);
    /* exactly at the cap: not cut */
    assert_int_equal(qt_runscript_parse(&ctx, b.s, QT_RUNSCRIPT_MAX, NULL, &rs), -1);
    assert_int_equal(rs.truncated, 0);
    qt_runscript_free(&rs);
    assert_int_equal(qt_runscript_parse(&ctx, "exec a b\n", 9, NULL, &rs), 0);
    assert_int_equal(rs.truncated, 0);
    qt_runscript_free(&rs);
    qt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lwq),
        cmocka_unit_test(qmt),
        cmocka_unit_test(jms1),
        cmocka_unit_test(others),
        cmocka_unit_test(shell_details),
        cmocka_unit_test(hostile),
        cmocka_unit_test(budgets),
        cmocka_unit_test(truncated),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

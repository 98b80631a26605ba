/* Unit tests: DJB sgetopt semantics, wrappers, variants, program chain,
 * hostile argv. Command lines come from tests/fixtures/servers (sources cited
 * there) and docs/domain/ucspi.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/parse/argv.h"
#include "diag/parse/variants.h"

/* Split a literal on spaces (no quoting needed for these tests). */
static int split(char *s, char **v, int max)
{
    int n = 0;
    for (char *t = strtok(s, " "); t && n < max; t = strtok(NULL, " "))
        v[n++] = t;
    return n;
}

static void parse(qt_cmd *c, const char *line, enum qt_variant var)
{
    char buf[2048], *v[256];
    int n;
    snprintf(buf, sizeof buf, "%s", line);
    n = split(buf, v, 256);
    qt_cmd_parse(c, n, v, NULL, var);
}

static void bundles_and_attached(void **st)
{
    qt_cmd c;
    (void)st;
    parse(&c, "tcpserver -vRHl0 -c40 -x /etc/tcp.smtp.cdb 0 smtp /var/qmail/bin/qmail-smtpd", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nopts, 6);
    assert_int_equal(c.opts[0].letter, 'v');
    assert_int_equal(c.opts[3].letter, 'l');
    assert_string_equal(c.opts[3].arg, "0");
    assert_int_equal(c.opts[3].argword, c.opts[3].word);   /* attached in the bundle */
    assert_string_equal(qt_cmd_last(&c, 'c')->arg, "40");
    assert_string_equal(c.argv[c.host], "0");
    assert_string_equal(c.argv[c.port], "smtp");
    assert_string_equal(qt_basename(c.argv[c.prog]), "qmail-smtpd");
    assert_int_equal(qt_cmd_state(&c, QT_OR_IDENT_ON, QT_OR_IDENT_OFF, 1), 0);
    assert_int_equal(qt_cmd_state(&c, QT_OR_DNS_ON, QT_OR_DNS_OFF, 1), 0);
    qt_cmd_free(&c);

    /* separate argument, even one that starts with '-' */
    parse(&c, "tcpserver -c 40 -b -5 0 25 prog", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(qt_cmd_last(&c, 'c')->arg, "40");
    assert_string_equal(qt_cmd_last(&c, 'b')->arg, "-5");
    assert_int_equal(qt_cmd_last(&c, 'c')->argword, qt_cmd_last(&c, 'c')->word + 1);
    qt_cmd_free(&c);
}

static void dashdash_and_lone_dash(void **st)
{
    qt_cmd c;
    (void)st;
    /* "--" is consumed; what follows is host even if it looks like an option */
    parse(&c, "tcpserver -v -- -x 25 prog", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nopts, 1);
    assert_string_equal(c.argv[c.host], "-x");
    assert_string_equal(c.argv[c.port], "25");
    qt_cmd_free(&c);
    /* any word starting "--" ends options and is consumed (subgetopt.c) */
    parse(&c, "tcpserver -v --verbose 0 25 prog", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(c.argv[c.host], "0");
    qt_cmd_free(&c);
    /* a lone "-" ends options and is NOT consumed: it becomes host */
    parse(&c, "tcpserver -v - 25 prog", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(c.argv[c.host], "-");
    assert_string_equal(c.argv[c.port], "25");
    qt_cmd_free(&c);
    /* options after the first operand are operands */
    parse(&c, "tcpserver 0 25 prog -T 5", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nopts, 0);
    qt_cmd_free(&c);
}

static void later_overrides(void **st)
{
    qt_cmd c;
    (void)st;
    parse(&c, "tcpserver -v -q -R -r -c 10 -c 20 0 25 prog", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_true(c.opts[0].overridden);   /* -v by -q */
    assert_false(c.opts[1].overridden);
    assert_true(c.opts[2].overridden);   /* -R by -r */
    assert_int_equal(qt_cmd_state(&c, QT_OR_IDENT_ON, QT_OR_IDENT_OFF, 0), 1);
    assert_true(c.opts[4].overridden);
    assert_string_equal(qt_cmd_last(&c, 'c')->arg, "20");
    qt_cmd_free(&c);
}

static void illegal_T_per_variant(void **st)
{
    qt_cmd c;
    (void)st;
    /* docs/domain/ucspi.md#tcpserver: stock tcpserver has no -T: usage, exit 100 */
    parse(&c, "tcpserver -T 5 0 9999 true", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    assert_int_equal(c.bad_letter, 'T');
    assert_int_equal(c.exit_code, 100);
    assert_non_null(strstr(c.error, "illegal option -- T"));
    qt_cmd_reparse(&c, QT_VAR_SSL_PATCH);            /* nor the SSL patch */
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    qt_cmd_reparse(&c, QT_VAR_UCSPI_TCP6);           /* nor ucspi-tcp6 */
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    qt_cmd_reparse(&c, QT_VAR_INDIMAIL);             /* indimail: relay idle timeout */
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(qt_variant_opt(qt_variant_get(c.variant), 'T')->role, QT_OR_IO_TIMEOUT);
    qt_cmd_free(&c);
    parse(&c, "sslserver -T 5 0 9999 true", QT_VAR_UNKNOWN);  /* sslserver: handshake */
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.variant, QT_VAR_SSLSERVER);
    assert_int_equal(qt_variant_opt(qt_variant_get(c.variant), 'T')->role, QT_OR_HANDSHAKE);
    qt_cmd_free(&c);
    /* missing argument at the end */
    parse(&c, "tcpserver -v -c", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    assert_non_null(strstr(c.error, "option requires an argument -- c"));
    qt_cmd_free(&c);
}

static void missing_operands(void **st)
{
    qt_cmd c;
    (void)st;
    parse(&c, "tcpserver -v 0 25", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_USAGE);
    assert_int_equal(c.exit_code, 100);
    qt_cmd_free(&c);
    parse(&c, "tcpserver -v", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_USAGE);
    assert_non_null(strstr(c.error, "host, port and program"));
    qt_cmd_free(&c);
    qt_cmd_parse(&c, 0, NULL, NULL, QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_EMPTY);
    qt_cmd_free(&c);
    parse(&c, "/var/qmail/rc", QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_NO_SERVER);
    qt_cmd_free(&c);
}

static void wrappers(void **st)
{
    qt_cmd c;
    (void)st;
    /* LWQ (docs/domain/supervision.md#lwq) */
    parse(&c, "exec /usr/local/bin/softlimit -m 5000000 /usr/local/bin/tcpserver -v -R -l mail.example.com -x /etc/tcp.smtp.cdb -c 20 -u 1001 -g 1002 0 smtp /var/qmail/bin/qmail-smtpd",
          QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nwraps, 2);
    assert_int_equal(c.wraps[0].kind, QT_WRAP_EXEC);
    assert_int_equal(c.wraps[1].kind, QT_WRAP_SOFTLIMIT);
    assert_int_equal(c.server, 4);
    qt_cmd_free(&c);
    /* env - with assignments, envuidgid, envdir, setuidgid, nice, fghack, pgrphack, argv0 */
    parse(&c, "env - PATH=/var/qmail/bin:/usr/bin FOO=bar envuidgid qmaild envdir ./env setuidgid root nice -n 5 fghack pgrphack "
              "argv0 /usr/bin/tcpserver tcpserver-ssl -s -n ssmtp.crt -U 0 465 qmail-smtpd",
          QT_VAR_SSL_PATCH);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_true(c.env_cleared);
    assert_int_equal(c.nwraps, 8);
    assert_string_equal(c.server_name, "tcpserver-ssl");
    assert_string_equal(qt_cmd_last(&c, 'n')->arg, "ssmtp.crt");
    assert_string_equal(c.argv[c.port], "465");
    qt_cmd_free(&c);
    /* softlimit: every option takes a number, bundled or separate */
    parse(&c, "softlimit -m2000000 -o 100 -d 300000 tcpserver 0 25 prog", QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(c.argv[c.server], "tcpserver");
    qt_cmd_free(&c);
    /* chpst -b renames the program */
    parse(&c, "chpst -u qmaild -b tcpserver-ssl /usr/bin/tcpserver -v 0 25 prog", QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.wraps[0].kind, QT_WRAP_CHPST);
    qt_cmd_free(&c);
}

static void program_chain(void **st)
{
    qt_cmd c;
    (void)st;
    parse(&c, "sslserver -seVn -Rp -l mail.example.com -c 30 -u 89 -g 89 -x /var/qmail/control/rules.smtpd.cdb 0 submission "
              "rblsmtpd -t0 -r dnsbl.example.net jgreylist recordio fixcrio timeout 1.5m /var/qmail/bin/qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true",
          QT_VAR_SSLSERVER_FEH);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nlinks, 6);
    assert_int_equal(c.links[0].kind, QT_LINK_RBLSMTPD);
    assert_true(c.links[0].num == 0);      /* rblsmtpd's own -t0 */
    assert_int_equal(c.links[1].kind, QT_LINK_JGREYLIST);
    assert_int_equal(c.links[2].kind, QT_LINK_RECORDIO);
    assert_int_equal(c.links[3].kind, QT_LINK_FIXCRIO);
    assert_int_equal(c.links[4].kind, QT_LINK_TIMEOUT);
    assert_true(c.links[4].num == 90);
    assert_int_equal(c.links[5].kind, QT_LINK_QMAIL_SMTPD);
    assert_int_equal(c.argc - c.links[5].first - 1, 2);  /* two AUTH arguments */
    qt_cmd_free(&c);
    /* SuperScript's sslserver has no -V/-n: the jms1 bundle is illegal there */
    parse(&c, "sslserver -seVn -Rp 0 465 prog", QT_VAR_SSLSERVER);
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    assert_int_equal(c.bad_letter, 'V');
    qt_cmd_free(&c);
    /* spamdyke options, stunnel, s6-tlsd -K */
    parse(&c, "tcpserver 0 25 /usr/bin/spamdyke --config-file /etc/spamdyke/spamdyke.conf --log-level info /var/qmail/bin/qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true",
          QT_VAR_UCSPI_TCP);
    assert_int_equal(c.links[0].kind, QT_LINK_SPAMDYKE);
    assert_string_equal(c.links[0].file, "/etc/spamdyke/spamdyke.conf");
    assert_int_equal(c.links[1].kind, QT_LINK_QMAIL_SMTPD);
    qt_cmd_free(&c);
    parse(&c, "s6-tcpserverd -c 100 -C 4 s6-tcpserver-access -v2 -RHl0 -i rules s6-tlsd -K 30000 -- qmail-smtpd", QT_VAR_UNKNOWN);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.variant, QT_VAR_S6_TCPSERVERD);
    assert_int_equal(c.links[0].kind, QT_LINK_S6_ACCESS);
    assert_int_equal(c.links[1].kind, QT_LINK_S6_TLSD);
    assert_true(c.links[1].num == 30000);
    qt_cmd_free(&c);
    parse(&c, "tcpserver -v -R -H -l0 -c 40 127.0.0.1 24465 stunnel4 inetd.conf", QT_VAR_UCSPI_TCP);
    assert_int_equal(c.links[0].kind, QT_LINK_STUNNEL);
    assert_string_equal(c.links[0].file, "inetd.conf");
    qt_cmd_free(&c);
}

static void feh_I_takes_no_argument(void **st)
{
    qt_cmd c;
    (void)st;
    /* fehcom 0.95b: "I" has no ':' in the getopt string, so eth0 becomes host */
    parse(&c, "sslserver -I eth0 0 465 prog", QT_VAR_SSLSERVER_FEH);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_string_equal(c.argv[c.host], "eth0");
    assert_string_equal(c.argv[c.port], "0");
    qt_cmd_free(&c);
}

static void hostile(void **st)
{
    qt_cmd c;
    char **v = calloc(10001, sizeof *v);
    (void)st;
    /* 10,000 arguments: all bundles of flags, then operands */
    v[0] = "tcpserver";
    for (int i = 1; i < 9997; i++)
        v[i] = (i % 2) ? "-vRH" : "-c40";
    v[9997] = "0";
    v[9998] = "25";
    v[9999] = "prog";
    qt_cmd_parse(&c, 10000, v, NULL, QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nopts, 4998 * 3 + 4998);
    assert_string_equal(c.argv[c.prog], "prog");
    qt_cmd_free(&c);
    /* non-UTF-8 bytes survive and do not confuse the parser */
    v[0] = "tcpserver";
    v[1] = "-l\xff\xfe";
    v[2] = "-c";
    v[3] = "4\xe9";
    v[4] = "0";
    v[5] = "25";
    v[6] = "qm\xc3\x28" "ail";
    qt_cmd_parse(&c, 7, v, NULL, QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(qt_scan_ulong(qt_cmd_last(&c, 'c')->arg), 4);
    assert_string_equal(qt_cmd_last(&c, 'l')->arg, "\xff\xfe");
    {
        char *j = qt_cmd_join(&c, 0, c.argc - 1);
        assert_non_null(strstr(j, "'-l\xff\xfe'"));
        free(j);
    }
    qt_cmd_free(&c);
    /* an option letter that is ':' or NUL-ish is illegal, never a crash */
    v[1] = "-:";
    qt_cmd_parse(&c, 2, v, NULL, QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_BAD_OPTION);
    qt_cmd_free(&c);
    free(v);
}

static void variants_from_strings(void **st)
{
    const char *why;
    (void)st;
    assert_int_equal(qt_variant_from_optstring("dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO", &why), QT_VAR_UCSPI_TCP);
    assert_int_equal(qt_variant_from_optstring("dDvqQhHrRsS1UXx:t:u:g:l:b:B:c:n:pPoO", &why), QT_VAR_SSL_PATCH);
    assert_int_equal(qt_variant_from_optstring("dDvqQhHrR1UXx:t:T:u:g:l:b:B:c:pPoO3IiEeSsaAw:", &why), QT_VAR_SSLSERVER);
    assert_int_equal(qt_variant_from_optstring("1346dDvVqQhHrRUXx:t:T:u:g:l:b:B:c:pPoOIEeSsw:nNzZm", &why), QT_VAR_SSLSERVER_FEH);
    assert_int_equal(qt_variant_from_optstring("46dDvqQhHrR1UXx:t:u:g:l:b:B:c:I:pPoO", &why), QT_VAR_UCSPI_TCP6);
    /* indimail builds its string at run time; the first piece is in .rodata */
    assert_int_equal(qt_variant_from_optstring("dDvqQhHrR1UXx:m:t:T:u:g:l:b:B:c:C:pPoO", &why), QT_VAR_INDIMAIL);
    /* a local variant of the SSL patch */
    assert_int_equal(qt_variant_from_optstring("dDvqQhHrRsS1UXx:t:u:g:l:b:B:c:n:pPoOz", &why), QT_VAR_SSL_PATCH);
    assert_int_equal(qt_variant_from_optstring("abc", &why), QT_VAR_UNKNOWN);
    assert_true(qt_looks_like_optstring("dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO", 32));
    assert_false(qt_looks_like_optstring("hello world", 11));
    assert_false(qt_looks_like_optstring("a::b:c:d:e:fghijk", 17));
}

static void durations(void **st)
{
    (void)st;
    assert_true(qt_parse_duration("60") == 60);
    assert_true(qt_parse_duration("1.5m") == 90);
    assert_true(qt_parse_duration("2h") == 7200);
    assert_true(qt_parse_duration("1d") == 86400);
    assert_true(qt_parse_duration("x") == -1);
    assert_true(qt_parse_duration("5q") == -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundles_and_attached),
        cmocka_unit_test(dashdash_and_lone_dash),
        cmocka_unit_test(later_overrides),
        cmocka_unit_test(illegal_T_per_variant),
        cmocka_unit_test(missing_operands),
        cmocka_unit_test(wrappers),
        cmocka_unit_test(program_chain),
        cmocka_unit_test(feh_I_takes_no_argument),
        cmocka_unit_test(hostile),
        cmocka_unit_test(variants_from_strings),
        cmocka_unit_test(durations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

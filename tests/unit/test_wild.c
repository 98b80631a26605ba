/* Unit tests: command lines from the wild (issue 15), read from run
 * scripts in tests/fixtures/servers/wild-*.run under a fixture --root with
 * no /etc/services and no binaries (so no ELF evidence): a command built in
 * a variable and exec'd, conditional expansions, options the first guess
 * does not have, a file-valued -c, service names as ports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/servers/servers.h"
#include "tree_fixture.h"

#define DATA QT_SRCDIR "/tests/fixtures/servers"

static char root[256];
static qt_ctx ctx;
static qt_servers svs;

static void service(const char *name, const char *corpus)
{
    qt_fx_sh("mkdir -p %s/service/%s && cp %s/%s %s/service/%s/run", root, name, DATA, corpus, root, name);
}

static int setup(void **st)
{
    char err[256];
    (void)st;
    qt_fx_tree(root, sizeof root, "wild-test", &ctx, 1);
    qt_fx_sh("mkdir -p %s/etc && printf 'root:x:0:0::/root:/bin/sh\\nqmaild:x:1001:1002::/var/qmail:/bin/false\\n' > %s/etc/passwd",
       root, root);
    service("cmdvar", "wild-cmdvar.run");
    service("condexp", "wild-condexp.run");
    service("sslopts", "wild-tcpserver-s.run");
    service("cfile", "wild-cfile.run");
    qt_fx_sh("mkdir -p %s/service/cfile/variables && echo 17 > %s/service/cfile/variables/MAXDAEMONS", root, root);
    assert_int_equal(qt_servers_collect(&ctx, NULL, &svs, err, sizeof err), 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_servers_free(&svs);
    qt_fx_tree_remove(root);
    return 0;
}

static const struct qt_server *get(const char *name)
{
    const struct qt_server *sv = qt_servers_find(&svs, name);
    assert_non_null(sv);
    assert_non_null(sv->cmd);
    return sv;
}

/* CMD="$SSLSERVER ... -l $HOSTNAME ..."; exec $CMD: split into words; only
 * the word from $HOSTNAME is unresolved, the rest is read. */
static void cmd_in_variable(void **st)
{
    const struct qt_server *sv = get("cmdvar");
    const qt_cmd *c = sv->cmd;
    const struct qt_opt *l = qt_cmd_last(c, 'l');
    (void)st;
    assert_int_equal(c->status, QT_CMD_OK);
    assert_string_equal(c->server_name, "sslserver");
    assert_non_null(l);
    assert_string_equal(l->arg, "$HOSTNAME");
    assert_true(c->unresolved[l->argword]);
    assert_false(c->unresolved[c->server]);
    assert_false(c->unresolved[c->port]);
    assert_string_equal(qt_cmd_last(c, 'u')->arg, "1001");
    assert_int_equal(sv->port, 465);
    assert_int_equal(sv->limit, 30);
    assert_string_equal(sv->limit_source, "option -c");
    /* -V is fehcom's only: SuperScript's would refuse the line */
    assert_int_equal(sv->variant, QT_VAR_SSLSERVER_FEH);
    assert_non_null(strstr(sv->variant_evidence, "(SuperScript 0.70+) has no -V"));
    assert_non_null(strstr(qt_buf_str(&sv->rs.notes), "$HOSTNAME is not set in the script"));
}

/* ${NOIDENT:+-R} ${MAXCONN:+"-c$MAXCONN"} ${PERIP:+"-C$PERIP"} */
static void conditional_expansions(void **st)
{
    const struct qt_server *sv = get("condexp");
    const qt_cmd *c = sv->cmd;
    (void)st;
    assert_int_equal(c->status, QT_CMD_OK);
    assert_non_null(qt_cmd_last(c, 'R'));
    assert_string_equal(qt_cmd_last(c, 'c')->arg, "25");
    assert_null(qt_cmd_last(c, 'C'));
    for (int i = 0; i < c->argc; i++)
        assert_false(c->unresolved && c->unresolved[i]);
    assert_int_equal(sv->limit, 25);
    assert_int_equal(sv->port, 587);
    assert_non_null(strstr(qt_buf_str(&sv->rs.notes), "PERIP is not set in the script: taken as unset"));
}

/* -s -n on "tcpserver": never stock ucspi-tcp; the evidence names who has them */
static void options_rule_out_stock(void **st)
{
    const struct qt_server *sv = get("sslopts");
    (void)st;
    assert_int_equal(sv->variant, QT_VAR_SSL_PATCH);
    assert_false(sv->variant_certain);
    assert_non_null(strstr(sv->variant_evidence, "ucspi-tcp 0.88 tcpserver has no -s"));
    assert_non_null(strstr(sv->variant_evidence, "fits tcpserver + Oppermann SSL patch, indimail-mta tcpserver"));
    assert_int_equal(sv->tls, 1);
}

/* -c FILE: indimail's, the limit read from the file (relative: the service
 * directory), never -c 0; pop3s from the built-in table */
static void file_valued_limit(void **st)
{
    const struct qt_server *sv = get("cfile");
    (void)st;
    assert_int_equal(sv->variant, QT_VAR_INDIMAIL);
    assert_non_null(strstr(sv->variant_evidence, "-c names a file"));
    assert_int_equal(sv->limit, 17);
    assert_string_equal(sv->limit_source, "option -c (file)");
    assert_int_equal(sv->port, 995);
}

/* service-name aliases of the built-in table (no /etc/services under the root) */
static void port_names(void **st)
{
    (void)st;
    assert_int_equal(qt_servers_port(&ctx, "submissions"), 465);
    assert_int_equal(qt_servers_port(&ctx, "ssmtp"), 465);
    assert_int_equal(qt_servers_port(&ctx, "urd"), 465);
    assert_int_equal(qt_servers_port(&ctx, "pop-3"), 110);
    assert_int_equal(qt_servers_port(&ctx, "imap2"), 143);
    assert_int_equal(qt_servers_port(&ctx, "submission"), 587);
    assert_int_equal(qt_servers_port(&ctx, "nosuch"), 0);
    assert_string_equal(qt_port_name(465), "smtps");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cmd_in_variable),
        cmocka_unit_test(conditional_expansions),
        cmocka_unit_test(options_rule_out_stock),
        cmocka_unit_test(file_valued_limit),
        cmocka_unit_test(port_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

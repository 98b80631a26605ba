/* Unit tests (issue 15 fix 5): QMailToaster's tcpserver enforces a per-IP
 * limit from MAXCONNIP in the rules cdb. The rules cdb is made by Debian's
 * tcprules(1); the binary is a synthetic ELF with stock tcpserver's getopt
 * string and the MAXCONNIP string (fake_qmt_tcpserver.c). Also the cdb
 * reader (diag/parse/rulescdb.c) on tcprules output and on broken files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/parse/rulescdb.h"
#include "diag/servers/servers.h"
#include "diag/firewall/firewall.h"
#include "diag/lint/lint.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "tree_fixture.h"

static char root[256];
static qt_ctx ctx;

/* rules text -> cdb with tcprules, under the root */
static void rules(const char *text)
{
    qt_fx_sh("printf '%%s\\n' '%s' > %s/etc/tcprules.d/tcp.smtp && cd %s/etc/tcprules.d && tcprules tcp.smtp.cdb tcp.smtp.tmp < tcp.smtp",
       text, root, root);
}

static int setup(void **st)
{
    (void)st;
    qt_fx_tree(root, sizeof root, "maxconnip", &ctx, 1);
    qt_fx_sh("mkdir -p %s/usr/bin %s/etc/tcprules.d %s/var/qmail/bin %s/service/smtp/log", root, root, root, root);
    qt_fx_sh("cp %s %s/usr/bin/tcpserver && touch %s/var/qmail/bin/qmail-smtpd", FAKE_QMT_TCPSERVER, root, root);
    qt_fx_sh("printf '#!/bin/sh\\nexec /usr/bin/tcpserver -v -R -x /etc/tcprules.d/tcp.smtp.cdb -c 5 -u 89 -g 89 0 25 "
       "/var/qmail/bin/qmail-smtpd 2>&1\\n' > %s/service/smtp/run", root);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_tree_remove(root);
    return 0;
}

static void limit_from_rules(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    const qt_finding *f;
    (void)st;

    rules("127.:allow,RELAYCLIENT=\"\"\n:allow,MAXCONNIP=\"3\"");
    s = qt_sample(&sm, &ctx);
    sv = qt_servers_find(s->servers, "smtp");
    assert_non_null(sv);
    assert_int_equal(sv->maxconnip_bin, 1);
    assert_int_equal(sv->iplimit, 3);
    assert_string_equal(sv->iplimit_source, "MAXCONNIP in the rules cdb (default rule)");
    /* 3 of -c 5: one client may still take most slots (WARN), but no "no
     * per-IP limit" and no iptables: the fix is in the rules */
    f = qt_fx_finding_prefix(&s->findings, "servers.one-ip:");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->title, "one client IP may take 3 of the 5 slots"));
    assert_non_null(strstr(f->evidence, "per-IP limit 3: MAXCONNIP=\"3\" in the default rule of /etc/tcprules.d/tcp.smtp.cdb"));
    assert_null(strstr(f->fix, "iptables"));
    assert_non_null(strstr(f->fix, "tcprules /etc/tcprules.d/tcp.smtp.cdb /etc/tcprules.d/tcp.smtp.cdb.tmp < /etc/tcprules.d/tcp.smtp"));
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void without_maxconnip(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    const struct qt_server *sv;
    const qt_finding *f;
    (void)st;

    rules("127.:allow,RELAYCLIENT=\"\"\n:allow");
    s = qt_sample(&sm, &ctx);
    sv = qt_servers_find(s->servers, "smtp");
    assert_int_equal(sv->maxconnip_bin, 1);
    assert_int_equal(sv->iplimit, -1);
    f = qt_fx_finding_prefix(&s->findings, "servers.one-ip:");
    assert_non_null(f);
    assert_non_null(strstr(f->title, "no per-IP limit"));
    assert_non_null(strstr(f->fix, "iptables"));
    /* a firewall rule limiting each client on the port for both families
     * (diag/firewall): the lint no longer says "no per-IP limit" */
    {
        qt_findings out = {0};
        qt_firewall *fw = s->firewall;
        assert_non_null(fw);
        qt_grow(&fw->rules, &fw->cap, fw->nrules + 1, sizeof *fw->rules);
        fw->rules[fw->nrules++] = (struct qt_fw_rule){.text = qt_strdup("inet t input: ip saddr ct count over 8"),
            .origin = "nft", .fam = QT_FW_V4 | QT_FW_V6, .kind = QT_FW_CT_COUNT, .per_ip = 1, .count = 8,
            .mask = -1, .blocks = 1, .input = 1};
        qt_servers_lint(&ctx, s, NULL, &out);
        for (size_t i = 0; i < out.n; i++)
            assert_null(strstr(out.v[i].id, "servers.one-ip:"));
        qt_findings_free(&out);
    }
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void only_some_rules(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    const qt_finding *f;
    (void)st;

    rules("1.2.:allow,MAXCONNIP=\"1\"\n5.6.7.8:allow,MAXCONNIP=\"3\"\n:allow");
    s = qt_sample(&sm, &ctx);
    assert_int_equal(qt_servers_find(s->servers, "smtp")->iplimit, -1);
    f = qt_fx_finding_prefix(&s->findings, "servers.one-ip:");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "MAXCONNIP is set in 2 rules of /etc/tcprules.d/tcp.smtp.cdb (1..3), not in the default rule"));
    /* the clients of those rules are limited: not "no per-IP limit" (issue 15, the real stack) */
    assert_string_equal(f->title, "per-IP limit (MAXCONNIP) only for the clients of 2 rules: the others can take all 5 slots");
    assert_null(strstr(f->fix, "iptables"));
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

static void cdb_reader(void **st)
{
    char path[300];
    char *buf = NULL;
    size_t len = 0;
    struct qt_rulesvar v;
    FILE *fp;
    (void)st;

    rules("1.2.:deny,MAXCONNIP=\"1\"\n5.6.7.8:allow,X=\"y\",MAXCONNIP=\"7\"\n:allow,MAXCONNIP=\"4\",DIEMSG=\"421 busy\"");
    snprintf(path, sizeof path, "%s/etc/tcprules.d/tcp.smtp.cdb", root);
    fp = fopen(path, "rb");
    assert_non_null(fp);
    buf = qt_malloc(1 << 16);
    len = fread(buf, 1, 1 << 16, fp);
    fclose(fp);
    assert_int_equal(qt_rulescdb_var((unsigned char *)buf, len, "MAXCONNIP", &v), 0);
    assert_int_equal(v.rules, 3);
    assert_int_equal(v.dflt, 4);
    assert_int_equal(v.min, 1);
    assert_int_equal(v.max, 7);
    assert_int_equal(qt_rulescdb_var((unsigned char *)buf, len, "MAXCONNC", &v), 0);
    assert_int_equal(v.rules, 0);
    assert_int_equal(v.dflt, -1);
    /* cut short, or a record that runs past the records: -1, no overread (ASan) */
    assert_int_equal(qt_rulescdb_var((unsigned char *)buf, 2047, "MAXCONNIP", &v), -1);
    assert_int_equal(qt_rulescdb_var((unsigned char *)buf, len - 1, "MAXCONNIP", &v), -1);
    buf[2048] = (char)0xff;
    buf[2051] = 0x7f;
    assert_int_equal(qt_rulescdb_var((unsigned char *)buf, len, "MAXCONNIP", &v), -1);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(limit_from_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(without_maxconnip, setup, teardown),
        cmocka_unit_test_setup_teardown(only_some_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(cdb_reader, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

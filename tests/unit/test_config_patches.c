/* Unit tests: control files that common patches add, checked only when
 * present (diag/config/config_patches.c): the SPF patch's spfbehavior
 * (0-6, above 6 read as 6), the TLS patch's cipher lists (ciphers(1)
 * syntax), its regenerated temporary keys, and secret files readable by
 * everybody; each in its right and its wrong form. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "diag/config/config.h"
#include "config_fixture.h"

static void spfbehavior(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    /* missing: the patch may not be there, nothing said */
    cfx_put("home/vpopmail/domains/example.com/carol/.qmail", "&carol@remote.example\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.spf-off"));
    cfx_done(&fs, &cfg);
    /* 0 with a forward: INFO */
    cfx_put("var/qmail/control/spfbehavior", "0\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.spf-off");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    cfx_done(&fs, &cfg);
    /* 0 without forwards: nothing */
    cfx_rm("home/vpopmail/domains/example.com/carol/.qmail");
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.spf-off"));
    cfx_done(&fs, &cfg);
    /* 3 rejects fail only: the right form */
    cfx_put("var/qmail/control/spfbehavior", "3\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.spf-strict"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/spfbehavior", "4\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.spf-strict");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "line 1: 4: rejects softfail (~all) too"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/spfbehavior", "9\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.spf-strict");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "line 1: 9 (read as 6): rejects everything that does not pass"));
    cfx_done(&fs, &cfg);
    /* not a number: qmail keeps the default, the number check says so */
    cfx_put("var/qmail/control/spfbehavior", "strict\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_non_null(qt_findings_find(&fs, "config.not-a-number:spfbehavior"));
    assert_null(qt_findings_find(&fs, "config.spf-strict"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/spfbehavior");
}

static void ciphers(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    static const char *const good[] = {"HIGH:!aNULL:!MD5:!RC4:!3DES",
                                       "ECDHE+AESGCM:ECDHE+CHACHA20",
                                       "ALL:!RC4:!DES:!EXP:!aNULL:!eNULL",
                                       "HIGH:+RC4"};   /* '+' only moves (none are in HIGH) */
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char t[128];
        snprintf(t, sizeof t, "%s\n", good[i]);
        cfx_put("var/qmail/control/tlsserverciphers", t, 0644);
        cfx_audit(&fs, &cfg, NULL);
        if (qt_findings_find(&fs, "config.weak-ciphers:tlsserverciphers"))
            fail_msg("flagged: %s", good[i]);
        cfx_done(&fs, &cfg);
    }
    static const char *const bad[][2] = {{"RC4-SHA:AES128-SHA", "RC4-SHA"},
                                         {"HIGH:DES-CBC3-SHA", "DES-CBC3-SHA"},
                                         {"ALL", "ALL"},
                                         {"HIGH:aNULL", "aNULL"},
                                         {"DEFAULT:EXPORT", "EXPORT"},
                                         {"HIGH:eNULL", "eNULL"},
                                         {"ALL:!RC4", "ALL"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char t[128], want[160];
        snprintf(t, sizeof t, "%s\n", bad[i][0]);
        cfx_put("var/qmail/control/tlsclientciphers", t, 0644);
        cfx_audit(&fs, &cfg, NULL);
        f = qt_findings_find(&fs, "config.weak-ciphers:tlsclientciphers");
        if (!f)
            fail_msg("not flagged: %s", bad[i][0]);
        assert_int_equal(f->sev, QT_SEV_WARN);
        snprintf(want, sizeof want, "weak: %s", bad[i][1]);
        if (!strstr(f->evidence, want))
            fail_msg("%s: evidence %s", bad[i][0], f->evidence);
        assert_non_null(strstr(f->explain, "qmail-remote"));
        cfx_done(&fs, &cfg);
    }
    cfx_rm("var/qmail/control/tlsserverciphers");
    cfx_rm("var/qmail/control/tlsclientciphers");
}

static void set_mtime(const char *rel, double ago)
{
    char p[600];
    struct timeval tv[2];
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= (time_t)ago;
    tv[1] = tv[0];
    snprintf(p, sizeof p, "%s/%s", cfx_root, rel);
    assert_int_equal(utimes(p, tv), 0);
}

static void tmpkeys_and_secrets(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_put("var/qmail/control/dh2048.pem", "-----BEGIN DH PARAMETERS-----\n", 0644);
    cfx_put("var/qmail/control/rsa2048.pem", "-----BEGIN PRIVATE KEY-----\n", 0600);
    set_mtime("var/qmail/control/dh2048.pem", 86400);
    set_mtime("var/qmail/control/rsa2048.pem", 86400);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.tmpkey-old:dh2048.pem"));
    assert_null(qt_findings_find(&fs, "config.secret-readable:rsa2048.pem"));
    assert_null(qt_config_find(&cfg, QT_CFG_CONTROL, "rsa2048.pem")->text);   /* a key: never read */
    cfx_done(&fs, &cfg);
    set_mtime("var/qmail/control/dh2048.pem", 40 * 86400);
    set_mtime("var/qmail/control/rsa2048.pem", 40 * 86400);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.tmpkey-old:dh2048.pem");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "last changed 40d"));
    assert_non_null(qt_findings_find(&fs, "config.tmpkey-old:rsa2048.pem"));
    cfx_done(&fs, &cfg);
    /* authsenders holds passwords: world-readable is a WARN, and its text is never kept */
    cfx_put("var/qmail/control/authsenders", ":relay.example.net:587|user|s3cretpw\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    f = qt_findings_find(&fs, "config.secret-readable:authsenders");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "mode 0644"));
    assert_null(qt_config_find(&cfg, QT_CFG_CONTROL, "authsenders")->text);
    for (size_t i = 0; i < fs.n; i++)
        assert_null(strstr(fs.v[i].evidence, "s3cretpw"));
    cfx_done(&fs, &cfg);
    cfx_put("var/qmail/control/authsenders", ":relay.example.net:587|user|s3cretpw\n", 0640);
    cfx_audit(&fs, &cfg, NULL);
    assert_null(qt_findings_find(&fs, "config.secret-readable:authsenders"));
    cfx_done(&fs, &cfg);
    cfx_rm("var/qmail/control/authsenders");
    cfx_rm("var/qmail/control/dh2048.pem");
    cfx_rm("var/qmail/control/rsa2048.pem");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spfbehavior),
        cmocka_unit_test(ciphers),
        cmocka_unit_test(tmpkeys_and_secrets),
    };
    return cmocka_run_group_tests(tests, cfx_setup, cfx_teardown);
}

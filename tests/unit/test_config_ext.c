/* Unit tests: .qmail-EXT files (issue 17). qmail-local reads a system
 * user's ~/.qmail-EXT for USER-EXT@host (dot-qmail(5)); vdelivermail reads
 * a vpopmail user's .qmail-EXT only when vpopmail was built with
 * --enable-qmail-ext (vpopmail vdelivermail.c check_forward_deliver, under
 * #ifdef QMAIL_EXT; configure defines it in config.h, installed as
 * ~vpopmail/include/vpopmail_config.h). The same forward and syntax checks
 * apply to them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "diag/config/config.h"
#include "config_fixture.h"

static void home_ext(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const qt_finding *f;
    cfx_put("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nhank:x:1000:1000::/home/hank:/bin/sh\n", 0644);
    cfx_put("home/hank/.qmail-lists", "&hank.lists@remote.example\n", 0600);
    cfx_put("home/hank/.qmail-my:name", "&Hank <hank@remote.example>\n", 0600);
    cfx_put("home/hank/.qmail-default", "./Maildir/\n", 0600);
    cfx_put("root/.qmail-x", "&root@remote.example\n", 0600);
    cfx_audit(&fs, &cfg, NULL);
    assert_non_null(qt_config_find(&cfg, QT_CFG_HOME, ".qmail-lists"));
    assert_non_null(qt_config_find(&cfg, QT_CFG_HOME, ".qmail-default"));
    f = qt_findings_find(&fs, "config.forward-spf:/home/hank/.qmail-lists");
    assert_non_null(f);
    /* the -f address is the one the file delivers: hank-lists@me */
    assert_non_null(strstr(f->fix, "-f hank-lists@mail.example.com -a hank.lists@remote.example"));
    f = qt_findings_find(&fs, "config.dotqmail-trap:/home/hank/.qmail-my:name");
    assert_non_null(f);
    assert_null(qt_findings_find(&fs, "config.forward-spf:/root/.qmail-x"));   /* root never receives mail */
    cfx_done(&fs, &cfg);
    cfx_rm("home/hank/.qmail-lists");
    cfx_rm("home/hank/.qmail-my:name");
    cfx_rm("home/hank/.qmail-default");
    cfx_rm("root/.qmail-x");
    cfx_rm("etc/passwd");
}

static void vpopmail_ext(void **st)
{
    (void)st;
    qt_findings fs;
    qt_config cfg;
    const char *id = "config.forward-spf:/home/vpopmail/domains/example.com/alice/.qmail-lists";
    cfx_put("etc/passwd", "vpopmail:x:89:89::/home/vpopmail:/sbin/nologin\n", 0644);
    cfx_put("home/vpopmail/domains/example.com/alice/Maildir/new/.keep", "", 0600);
    cfx_put("home/vpopmail/domains/example.com/alice/.qmail-lists", "&alice@remote.example\n", 0600);
    /* vpopmail's default build: vdelivermail never opens .qmail-EXT */
    cfx_put("home/vpopmail/include/vpopmail_config.h", "/* #undef QMAIL_EXT */\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.vpop_qmail_ext, 0);
    assert_null(qt_findings_find(&fs, id));
    assert_null(qt_config_find(&cfg, QT_CFG_VUSER, ".qmail-lists"));
    cfx_done(&fs, &cfg);
    /* --enable-qmail-ext */
    cfx_put("home/vpopmail/include/vpopmail_config.h", "#define QMAIL_EXT 1\n", 0644);
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.vpop_qmail_ext, 1);
    const struct qt_cfg_file *file = qt_config_find(&cfg, QT_CFG_VUSER, ".qmail-lists");
    assert_non_null(file);
    assert_string_equal(file->owner, "alice@example.com");
    const qt_finding *f = qt_findings_find(&fs, id);
    assert_non_null(f);
    assert_non_null(strstr(f->fix, "-f alice@example.com -a alice@remote.example"));
    cfx_done(&fs, &cfg);
    cfx_rm("home/vpopmail/include/vpopmail_config.h");
    cfx_audit(&fs, &cfg, NULL);
    assert_int_equal(cfg.vpop_qmail_ext, -1);   /* unknown: not read */
    assert_null(qt_findings_find(&fs, id));
    cfx_done(&fs, &cfg);
    cfx_rm("home/vpopmail/domains/example.com/alice/.qmail-lists");
    cfx_rm("etc/passwd");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(home_ext),
        cmocka_unit_test(vpopmail_ext),
    };
    return cmocka_run_group_tests(tests, cfx_setup, cfx_teardown);
}

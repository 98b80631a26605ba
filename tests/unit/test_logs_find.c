/* Unit tests: finding the mail logs under --root (diag/logs/logs_find.c):
 * a service's multilog directory (current, @TAI64N.s/.u rotations:
 * multilog(8), docs/domain/supervision.md#multilog) and the syslog files
 * with logrotate's rotations (NAME.N, NAME-YYYYMMDD, .gz: logrotate(8)),
 * in age order with the live file last; symlinks, FIFOs and look-alike
 * names are refused or left out, never followed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"
#include "diag/logs/logs_find.h"

static char root[64];

static void put(const char *rel, long age)
{
    char p[256], cmd[300];
    snprintf(p, sizeof p, "%s%s", root, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("x\n", f);
    fclose(f);
    struct timeval tv[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
    assert_int_equal(utimes(p, tv), 0);
}

static void find_sources(void **st)
{
    (void)st;
    qt_ctx ctx;
    struct qt_log_sources s;
    char p[256], cmd[128];

    snprintf(root, sizeof root, "/tmp/qt-find-XXXXXX");
    assert_non_null(mkdtemp(root));
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    put("/var/log/qmail/smtpd/current", 0);
    put("/var/log/qmail/smtpd/@400000006b0ba44436401984.s", 300);
    put("/var/log/qmail/smtpd/@400000006b0b000000000000.u", 600);
    put("/var/log/qmail/smtpd/lock", 0);            /* multilog's own files: not logs */
    put("/var/log/qmail/smtpd/state", 0);
    snprintf(p, sizeof p, "%s/var/log/qmail/smtpd/@400000006b0ba44436401985.s", root);
    assert_int_equal(symlink("/etc/shadow", p), 0);  /* planted by qmaill: refused */
    put("/var/log/maillog", 0);
    put("/var/log/maillog.1", 86400);
    put("/var/log/maillog.2.gz", 2 * 86400);
    put("/var/log/maillog-20261205.gz", 3 * 86400);
    put("/var/log/maillog.bak", 0);                 /* not a rotation name */
    put("/var/log/mail.err.1", 100);                /* only a rotation */
    snprintf(p, sizeof p, "%s/var/log/secure", root);
    assert_int_equal(mkfifo(p, 0600), 0);

    struct qt_log_svc svcs[] = {
        {"smtpd", "/service/smtpd/log/run", "/var/log/qmail/smtpd"},
        {"dup", "/service/dup/log/run", "/var/log/qmail/smtpd"},   /* the same directory: one source */
        {"gone", "/service/gone/log/run", "/var/log/qmail/gone"},  /* does not exist */
        {"none", "/service/none/log/run", NULL},
    };
    assert_int_equal(qt_log_sources_find(&ctx, svcs, 4, &s), 4);

    assert_int_equal(s.v[0].kind, QT_LOGSRC_MULTILOG);
    assert_string_equal(s.v[0].name, "smtpd");
    assert_string_equal(s.v[0].why, "multilog writes to /var/log/qmail/smtpd (from /service/smtpd/log/run)");
    assert_int_equal(s.v[0].nfiles, 3);
    assert_string_equal(s.v[0].files[0].path, "/var/log/qmail/smtpd/@400000006b0b000000000000.u");
    assert_string_equal(s.v[0].files[1].path, "/var/log/qmail/smtpd/@400000006b0ba44436401984.s");
    assert_string_equal(s.v[0].files[2].path, "/var/log/qmail/smtpd/current");
    assert_int_equal(s.v[0].files[2].rotated, 0);
    assert_non_null(strstr(qt_buf_str(&s.v[0].notes), "@400000006b0ba44436401985.s: a symlink, not read"));

    assert_int_equal(s.v[1].kind, QT_LOGSRC_SYSLOG);
    assert_string_equal(s.v[1].name, "maillog");
    assert_string_equal(s.v[1].why, "syslog file /var/log/maillog");
    assert_int_equal(s.v[1].nfiles, 4);
    assert_string_equal(s.v[1].files[0].path, "/var/log/maillog-20261205.gz");
    assert_int_equal(s.v[1].files[0].gz, 1);
    assert_string_equal(s.v[1].files[1].path, "/var/log/maillog.2.gz");
    assert_string_equal(s.v[1].files[2].path, "/var/log/maillog.1");
    assert_string_equal(s.v[1].files[3].path, "/var/log/maillog");

    assert_string_equal(s.v[2].name, "mail.err");
    assert_non_null(strstr(s.v[2].why, "only rotations"));
    /* the FIFO named secure: no file to read, said in the notes, never opened */
    assert_string_equal(s.v[3].name, "secure");
    assert_int_equal(s.v[3].nfiles, 0);
    assert_non_null(strstr(s.v[3].why, "nothing readable"));
    assert_non_null(strstr(qt_buf_str(&s.v[3].notes), "/var/log/secure: a FIFO, not read"));
    qt_log_sources_free(&s);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(find_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: qmail's prefix (diag/procs/qmaildir.c) from fixture trees:
 * --qmail-dir, a running qmail-send's cwd, qmail-smtpd's path, ~alias,
 * /var/qmail; processes of other users and directories others may write
 * are refused and said so; the wizard's control reader follows the prefix. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_wizard_int.h"
#include "diag/core/ctx.h"
#include "diag/procs/procs.h"
#include "diag/procs/qmaildir.h"
#include "tree_fixture.h"

static char root[256], proc[300];
static qt_ctx ctx;

/* A process in the fixture procfs: stat, status (real uid), cmdline (argv
 * separated by spaces here), and a cwd link when cwd is not NULL. */
static void fake_proc(int pid, const char *comm, unsigned uid, const char *argv, const char *cwd)
{
    qt_fx_sh("mkdir -p %s/%d && printf '%d (%s) S 1 %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0\\n' > %s/%d/stat",
       proc, pid, pid, comm, pid, pid, proc, pid);
    qt_fx_sh("printf 'Name:\\t%s\\nUid:\\t%u\\t%u\\t%u\\t%u\\n' > %s/%d/status", comm, uid, uid, uid, uid, proc, pid);
    qt_fx_sh("printf '%%s\\0' %s > %s/%d/cmdline", argv, proc, pid);
    if (cwd)
        qt_fx_sh("ln -s %s %s/%d/cwd", cwd, proc, pid);
}

static int setup(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-qmaildir-test.XXXXXX");
    assert_non_null(mkdtemp(root));
    snprintf(proc, sizeof proc, "%s-proc", root);
    qt_fx_sh("mkdir -p %s/etc %s && printf 'btime 1700000000\\n' > %s/stat", root, proc, proc);
    qt_fx_sh("printf 'root:x:0:0::/root:/bin/sh\\nqmails:x:2107:2108::/opt/qm:/bin/false\\n' > %s/etc/passwd", root);
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    ctx.proc = proc;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_sh("rm -rf %s %s", root, proc);
    return 0;
}

static int find(char *dir, char *src)
{
    qt_procs procs;
    char err[200];
    int k;
    assert_int_equal(qt_procs_read_proc(&ctx, &procs, err, sizeof err), 0);
    k = qt_qmail_dir_find(&ctx, &procs, dir, 256, src, 600);
    qt_procs_free(&procs);
    return k;
}

static void sources_in_order(void **st)
{
    (void)st;
    char dir[256], src[600], me[256], path[512];

    /* nothing tells: the default */
    assert_int_equal(find(dir, src), 5);
    assert_string_equal(dir, "/var/qmail");
    assert_non_null(strstr(src, "default"));

    /* ~alias in /etc/passwd */
    qt_fx_sh("mkdir -p %s/srv/q/alias && printf 'alias:x:2100:2108::/srv/q/alias:/bin/false\\n' >> %s/etc/passwd", root, root);
    assert_int_equal(find(dir, src), 4);
    assert_string_equal(dir, "/srv/q");
    assert_non_null(strstr(src, "alias user"));

    /* a running qmail-smtpd (as qmaild would be; here root) names PREFIX/bin/qmail-smtpd */
    qt_fx_sh("mkdir -p %s/usr/local/qm/bin", root);
    fake_proc(300, "qmail-smtpd", 0, "/usr/local/qm/bin/qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true", NULL);
    assert_int_equal(find(dir, src), 3);
    assert_string_equal(dir, "/usr/local/qm");
    assert_non_null(strstr(src, "qmail-smtpd (pid 300)"));

    /* a running qmail-send of the qmails user: its cwd is PREFIX/queue */
    qt_fx_sh("mkdir -p %s/opt/qm/queue %s/opt/qm/control && echo mail.prefix.test > %s/opt/qm/control/me", root, root,
       root);
    fake_proc(200, "qmail-send", 2107, "qmail-send", "/opt/qm/queue");
    assert_int_equal(find(dir, src), 2);
    assert_string_equal(dir, "/opt/qm");
    assert_non_null(strstr(src, "cwd of qmail-send (pid 200, uid 2107)"));

    /* the wizard's control reader and every qmail path follow the prefix */
    snprintf(ctx.qmail_prefix, sizeof ctx.qmail_prefix, "%s", dir);
    qt_wiz_read_control(&ctx, "me", me, sizeof me);
    assert_string_equal(me, "mail.prefix.test");
    assert_string_equal(qt_ctx_qmail(&ctx, "users/assign", path, sizeof path), "/opt/qm/users/assign");

    /* --qmail-dir wins over everything */
    ctx.qmail_dir = "/named/by/admin";
    assert_int_equal(find(dir, src), 1);
    assert_string_equal(dir, "/named/by/admin");
    assert_string_equal(src, "--qmail-dir");
    ctx.qmail_dir = NULL;
    snprintf(ctx.qmail_prefix, sizeof ctx.qmail_prefix, "/var/qmail");
}

/* Anybody can start a process named qmail-send in a directory of their own. */
static void hints_others_plant_are_refused(void **st)
{
    (void)st;
    char dir[256], src[600];

    /* a qmail-send of uid 1000 (no qmail user) is not a source */
    qt_fx_sh("mkdir -p %s/home/eve/queue", root);
    fake_proc(150, "qmail-send", 1000, "qmail-send", "/home/eve/queue");
    assert_int_equal(find(dir, src), 2);     /* the qmails one (pid 200) still is */
    assert_string_equal(dir, "/opt/qm");
    assert_non_null(strstr(src, "qmail-send pid 150 runs as uid 1000, not root nor a qmail user"));

    /* a prefix others may write is refused, and the next source used */
    qt_fx_sh("chmod 0777 %s/opt/qm", root);
    assert_int_equal(find(dir, src), 3);
    assert_string_equal(dir, "/usr/local/qm");
    assert_non_null(strstr(src, "refused /opt/qm"));
    assert_non_null(strstr(src, "writable"));
    qt_fx_sh("chmod 0755 %s/opt/qm", root);
}

/* Issue 19: the one-shot read at start-up reads the command line of every
 * process but forks that have not exec'd (a listener's children keep its
 * image, start_code and start_stack in stat: fields 26 and 28 of proc(5))
 * and finds what a full read finds. */
static void forks_are_not_read(void **st)
{
    qt_procs_reader *r = qt_procs_reader_new();
    qt_procs lazy;
    char dir[256], src[600], fdir[256], fsrc[600], err[200];
    size_t loaded, carried;
    int k;
    (void)st;

    qt_fx_sh("mkdir -p %s/srv/q9/bin", root);
    for (int pid = 400; pid <= 405; pid++) {
        fake_proc(pid, pid == 400 ? "tcpserver" : "sleeper", 0, "tcpserver 0 25 /srv/q9/bin/qmail-smtpd", NULL);
        qt_fx_sh("printf '%d (x) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 0 4096 0 8192 0\\n' > %s/%d/stat",
           pid, pid == 400 ? 1 : 400, pid, pid, proc, pid);
    }
    assert_int_equal(qt_procs_reader_read(r, &ctx, &lazy, err, sizeof err), 0);
    qt_qmail_dir_want(&lazy);
    qt_procs_load(&lazy);
    qt_procs_reader_stats(r, &loaded, &carried);
    assert_int_equal(loaded, 4); /* 150, 200, 300 and the listener 400: not its five forks */
    lazy.loader = NULL;
    k = qt_qmail_dir_find(&ctx, &lazy, dir, sizeof dir, src, sizeof src);
    assert_int_equal(k, find(fdir, fsrc));
    assert_string_equal(dir, fdir);
    assert_string_equal(src, fsrc);
    qt_procs_free(&lazy);
    qt_procs_reader_free(r);
    /* without qmail-send and the other qmail-smtpd, the listener's argv tells */
    qt_fx_sh("mv %s/200 %s/200.off && mv %s/300 %s/300.off", proc, proc, proc, proc);
    assert_int_equal(qt_qmail_dir_resolve(&ctx), 3);
    assert_string_equal(ctx.qmail_prefix, "/srv/q9");
    assert_non_null(strstr(ctx.qmail_source, "qmail-smtpd (pid 400)"));
    qt_fx_sh("mv %s/200.off %s/200 && mv %s/300.off %s/300 && rm -rf %s/40[0-5]", proc, proc, proc, proc, proc);
    snprintf(ctx.qmail_prefix, sizeof ctx.qmail_prefix, "/var/qmail");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sources_in_order),
        cmocka_unit_test(hints_others_plant_are_refused),
        cmocka_unit_test(forks_are_not_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

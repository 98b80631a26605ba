/* Unit tests: a service's checkpassword program that cannot read vpopmail's
 * passwords (issue 15, fix 3). vpopmail keeps ~vpopmail/domains mode 0700
 * owned by vpopmail; under tcpserver -u qmaild vchkpw cannot open
 * DOMAIN/vpasswd.cdb. The access walk (diag/core/uaccess.c), the Servers
 * finding from a run script (servers_vpop.c, lint_auth.c), and the
 * wizard's diagnosis naming it, on a fixture tree. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/auth/auth_wizard.h"
#include "diag/core/uaccess.h"
#include "diag/lint/lint.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers.h"
#include "tree_fixture.h"

static char root[128];
static qt_ctx ctx;

static int setup(void **st)
{
    (void)st;
    if (geteuid() != 0)
        return 0;   /* the tests skip: owners are set with chown */
    qt_fx_tree(root, sizeof root, "vpasswd", &ctx, 0);
    qt_fx_sh("chmod 0755 %s && mkdir -p %s/var/qmail/users %s/home/vpopmail/bin %s/home/vpopmail/domains/example.com/joe "
       "%s/service/submission", root, root, root, root, root);
    qt_fx_sh("printf '+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\\n.\\n' > %s/var/qmail/users/assign",
       root);
    qt_fx_sh("echo cdb > %s/home/vpopmail/domains/example.com/vpasswd.cdb", root);
    qt_fx_sh("chown -R 89:89 %s/home/vpopmail/domains && chmod 0700 %s/home/vpopmail/domains && "
       "chmod 0600 %s/home/vpopmail/domains/example.com/vpasswd.cdb", root, root, root);
    qt_fx_sh("printf '#!/bin/sh\\nexit 3\\n' > %s/home/vpopmail/bin/vchkpw && chmod 0755 %s/home/vpopmail/bin/vchkpw", root, root);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_tree_remove(root);
    return 0;
}

static void access_walk(void **st)
{
    (void)st;
    char why[400];
    const char *cdb = "/home/vpopmail/domains/example.com/vpasswd.cdb";
    if (geteuid() != 0)
        skip();
    assert_int_equal(qt_access_read_as(&ctx, cdb, 89, 89, why, sizeof why), 1);
    assert_int_equal(qt_access_read_as(&ctx, cdb, 0, 0, why, sizeof why), 1);
    assert_int_equal(qt_access_read_as(&ctx, cdb, 1001, 1002, why, sizeof why), 0);
    assert_string_equal(why, "/home/vpopmail/domains is mode 0700 owned by uid 89 gid 89: uid 1001 gid 1002 cannot "
                             "search it");
    /* the group alone is enough when the mode gives it */
    qt_fx_sh("chmod 0750 %s/home/vpopmail/domains && chmod 0640 %s%s", root, root, cdb);
    assert_int_equal(qt_access_read_as(&ctx, cdb, 1001, 89, why, sizeof why), 1);
    assert_int_equal(qt_access_read_as(&ctx, cdb, 1001, 1002, why, sizeof why), 0);
    qt_fx_sh("chmod 0700 %s/home/vpopmail/domains && chmod 0600 %s%s", root, root, cdb);
    assert_int_equal(qt_access_read_as(&ctx, "/home/vpopmail/domains/nosuch.test/vpasswd.cdb", 89, 89, why,
                                       sizeof why), -1);
}

/* The LWQ run script: qmail-smtpd under tcpserver -u qmaild (1001 here). */
static void servers_finding(void **st)
{
    (void)st;
    qt_servers s;
    qt_snapshot snap;
    qt_findings fs = {0};
    const qt_finding *f;
    char err[256];
    if (geteuid() != 0)
        skip();
    qt_fx_sh("printf '#!/bin/sh\\nexec tcpserver -v -c 20 -u 1001 -g 1002 0 587 qmail-smtpd mail.example.test "
       "/home/vpopmail/bin/vchkpw /bin/true 2>&1\\n' > %s/service/submission/run && chmod 0755 %s/service/submission/run",
       root, root);
    memset(&s, 0, sizeof s);
    assert_int_equal(qt_servers_collect(&ctx, NULL, &s, err, sizeof err), 0);
    memset(&snap, 0, sizeof snap);
    snap.servers = &s;
    qt_servers_lint(&ctx, &snap, NULL, &fs);
    f = qt_findings_find(&fs, "servers.vpasswd-unreadable:submission");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);   /* not running: below CRIT */
    assert_non_null(strstr(f->evidence, "uid 1001 gid 1002 (-u -g)"));
    assert_non_null(strstr(f->evidence, "/home/vpopmail/domains is mode 0700 owned by uid 89 gid 89"));
    assert_non_null(strstr(f->fix, "chown vpopmail:vchkpw /home/vpopmail/bin/vchkpw"));
    qt_findings_free(&fs);
    qt_servers_free(&s);

    /* run as vpopmail: nothing to say */
    qt_fx_sh("sed -i 's/-u 1001 -g 1002/-u 89 -g 89/' %s/service/submission/run", root);
    memset(&s, 0, sizeof s);
    assert_int_equal(qt_servers_collect(&ctx, NULL, &s, err, sizeof err), 0);
    snap.servers = &s;
    memset(&fs, 0, sizeof fs);
    qt_servers_lint(&ctx, &snap, NULL, &fs);
    assert_null(qt_findings_find(&fs, "servers.vpasswd-unreadable:submission"));
    qt_findings_free(&fs);
    qt_servers_free(&s);
}

/* A process in a fixture procfs: stat, status (real uid and gid), cmdline. */
static void fake_proc(const char *proc, int pid, int ppid, const char *comm, unsigned uid, unsigned gid, const char *argv)
{
    qt_fx_sh("mkdir -p %s/%d && printf '%d (%s) S %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 100 0\\n' > %s/%d/stat",
       proc, pid, pid, comm, ppid, pid, pid, proc, pid);
    qt_fx_sh("printf 'Name:\\t%s\\nUid:\\t%u\\t%u\\t%u\\t%u\\nGid:\\t%u\\t%u\\t%u\\t%u\\n' > %s/%d/status", comm, uid, uid,
       uid, uid, gid, gid, gid, gid, proc, pid);
    qt_fx_sh("printf '%%s\\0' %s > %s/%d/cmdline", argv, proc, pid);
}

/* No -u/-g, but the running qmail-smtpd child has other ids (a setuidgid
 * in the chain): those are what vchkpw gets. */
static void running_child_ids(void **st)
{
    (void)st;
    qt_servers s;
    qt_snapshot snap;
    qt_findings fs = {0};
    qt_procs procs;
    qt_ctx c = ctx;
    const qt_finding *f;
    char err[256], proc[200];
    if (geteuid() != 0)
        skip();
    snprintf(proc, sizeof proc, "%s-proc", root);
    qt_fx_sh("mkdir -p %s && printf 'btime 1700000000\\n' > %s/stat", proc, proc);
    qt_fx_sh("printf '#!/bin/sh\\nexec tcpserver -v -c 20 0 587 setuidgid qmaild qmail-smtpd mail.example.test "
       "/home/vpopmail/bin/vchkpw /bin/true 2>&1\\n' > %s/service/submission/run", root);
    fake_proc(proc, 500, 1, "tcpserver", 0, 0,
              "tcpserver -v -c 20 0 587 setuidgid qmaild qmail-smtpd mail.example.test /home/vpopmail/bin/vchkpw /bin/true");
    fake_proc(proc, 501, 500, "qmail-smtpd", 1001, 1002,
              "qmail-smtpd mail.example.test /home/vpopmail/bin/vchkpw /bin/true");
    c.proc = proc;
    assert_int_equal(qt_procs_read_proc(&c, &procs, err, sizeof err), 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(qt_servers_collect(&c, &procs, &s, err, sizeof err), 0);
    memset(&snap, 0, sizeof snap);
    snap.servers = &s;
    qt_servers_lint(&c, &snap, NULL, &fs);
    /* the stopped run script gives root (no -u): nothing; the running listener's child: 1001:1002 */
    assert_null(qt_findings_find(&fs, "servers.vpasswd-unreadable:submission"));
    f = qt_findings_find(&fs, "servers.vpasswd-unreadable:tcpserver:587");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);   /* running: every AUTH fails now */
    assert_non_null(strstr(f->evidence, "uid 1001 gid 1002 (the running qmail-smtpd, pid 501)"));
    qt_findings_free(&fs);
    qt_servers_free(&s);
    qt_procs_free(&procs);
    qt_fx_sh("rm -rf %s", proc);
}

/* The wizard: step 2 runs vchkpw as the service's ids; "user not found"
 * then is the uid, not the account or qmail-smtpd's arguments. */
static void wizard_names_it(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    char err[256];
    qt_wizard *w;
    if (geteuid() != 0)
        skip();
    w = qt_wizard_new(&ctx);
    qt_wizard_defaults(&ctx, NULL, &in);
    snprintf(in.account, sizeof in.account, "joe@example.com");
    snprintf(in.vchkpw, sizeof in.vchkpw, "%s/home/vpopmail/bin/vchkpw", root);
    in.nrunas = 1;
    in.runas[0] = (struct qt_wiz_runas){.port = 587, .uid = 1001, .gid = 1002};
    snprintf(in.runas[0].source, sizeof in.runas[0].source, "tcpserver -u -g on port 587");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    assert_null(qt_wizard_start(w, QT_WS_VCHKPW));   /* no password: not run, but the ids are judged */
    assert_int_equal(w->vpasswd_denied, 1);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].explain, "cannot read vpopmail's passwords"));
    w->acct_state = 1;
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_REJECTED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "vpasswd-unreadable");
    assert_non_null(strstr(w->res[QT_WS_DIAG].explain, "/home/vpopmail/domains is mode 0700"));
    qt_wizard_free(w);

    /* as vpopmail: a rejection is the password again */
    w = qt_wizard_new(&ctx);
    in.runas[0].uid = in.runas[0].gid = 89;
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    assert_null(qt_wizard_start(w, QT_WS_VCHKPW));
    assert_int_equal(w->vpasswd_denied, 0);
    w->acct_state = 1;
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_REJECTED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "bad-password");
    qt_wizard_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(access_walk),
        cmocka_unit_test(servers_finding),
        cmocka_unit_test(running_child_ids),
        cmocka_unit_test(wizard_names_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

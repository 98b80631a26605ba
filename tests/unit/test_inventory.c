/* Unit tests: services that no supervisor would start are inventory
 * (docs/severity.md): outside every active scan directory, a `down` file,
 * supervise's want down. Their findings are at most INFO, "two services on
 * one port" is only between services that run or would be started, and the
 * active scan directory comes from a running svscan's cwd, else the first
 * existing default. A fixture --root from tests/fixtures/servers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag/lint/lint.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"
#include "tree_fixture.h"

#define DATA QT_SRCDIR "/tests/fixtures/servers"

static char root[256];
static qt_ctx ctx;

/* A service directory under /var/qmail/supervise, linked into scan
 * directory scan ("" = not linked anywhere: inventory). */
static void service(const char *name, const char *corpus, const char *scan)
{
    qt_fx_sh("mkdir -p %s/var/qmail/supervise/%s/log", root, name);
    qt_fx_sh("{ echo '#!/bin/sh'; grep -v '^#' %s/%s; } > %s/var/qmail/supervise/%s/run", DATA, corpus, root, name);
    qt_fx_sh("echo 'exec multilog t ./main' > %s/var/qmail/supervise/%s/log/run", root, name);
    if (scan[0])
        qt_fx_sh("mkdir -p %s%s && ln -sfn /var/qmail/supervise/%s %s%s/%s", root, scan, name, root, scan, name);
}

static int setup(void **st)
{
    (void)st;
    qt_fx_tree(root, sizeof root, "inventory-test", &ctx, 1);
    qt_fx_sh("cp -r %s/root/. %s/", DATA, root);
    service("inv-a", "lwq-qmail-smtpd.run", "");          /* two copies of one example: */
    service("inv-b", "lwq-qmail-smtpd.run", "");          /* port 25 twice, neither started */
    service("live", "qmt-smtp.run", "/service");          /* should run, does not */
    service("off", "lwq-qmail-smtpd.run", "/service");    /* a down file */
    qt_fx_sh("touch %s/var/qmail/supervise/off/down", root);
    service("wantdown", "qmt-submission.run", "/service"); /* svc -d: status says want down */
    /* supervise/status: TAI64 label, pid 0, not paused, want down ('d') */
    qt_fx_sh("mkdir -p %s/var/qmail/supervise/wantdown/supervise && "
       "printf '\\100\\0\\0\\0\\145\\123\\361\\012\\0\\0\\0\\0\\0\\0\\0\\0\\0d' > %s/var/qmail/supervise/wantdown/supervise/status", root, root);
    /* a second scan directory that only a running svscan makes active */
    service("other", "qmt-smtp.run", "/service-b");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_tree_remove(root);
    return 0;
}

/* No finding about service name is above INFO. */
static void at_most_info(const qt_snapshot *s, const char *name)
{
    for (size_t i = 0; i < s->findings.n; i++) {
        const qt_finding *f = &s->findings.v[i];
        if (strcmp(f->source, "servers") == 0 && strstr(f->subject, name) && f->sev > QT_SEV_INFO)
            fail_msg("%s is inventory but %s is %s", name, f->id, qt_sev_name(f->sev));
    }
}

static void default_scan_dir(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    const qt_finding *f;
    (void)st;

    s = qt_sample(&sm, &ctx);
    assert_non_null(s->servers);
    /* no svscan in the (empty) process table: the first existing default */
    assert_int_equal(s->servers->nscandirs, 1);
    assert_string_equal(s->servers->scandirs[0], "/service");
    assert_non_null(strstr(qt_buf_str(&s->servers->notes), "active scan directory: /service (no svscan running"));

    f = qt_findings_find(&s->findings, "servers.down:inv-a");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->title, "front end not in an active scan directory: not started");
    assert_non_null(strstr(f->evidence, "inventory (at most INFO): not in an active scan directory"));
    /* LWQ's rules file does not exist: CRIT for a live service, INFO here */
    f = qt_findings_find(&s->findings, "servers.rules-missing:inv-a");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    at_most_info(s, "inv-a");
    at_most_info(s, "inv-b");
    at_most_info(s, "other");

    f = qt_findings_find(&s->findings, "servers.down:live");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_string_equal(f->title, "supervised front end is not running");
    assert_string_equal(f->inc_kind, "service-down");    /* docs/incidents.md */
    assert_string_equal(qt_findings_find(&s->findings, "servers.down:inv-a")->inc_kind, "");   /* inventory: never an incident */

    f = qt_findings_find(&s->findings, "servers.down:off");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->title, "supervised front end is down on purpose");
    assert_non_null(strstr(f->evidence, "/service/off/down exists"));
    assert_string_equal(f->inc_kind, "");
    at_most_info(s, "off");
    f = qt_findings_find(&s->findings, "servers.down:wantdown");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "want down"));
    assert_string_equal(f->inc_kind, "");
    at_most_info(s, "wantdown");

    /* port 25: inv-a, inv-b, off (inventory) and live; only live would run,
     * so there is no clash at all */
    for (size_t i = 0; i < s->findings.n; i++)
        assert_null(strstr(s->findings.v[i].id, "servers.port-clash:"));
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

/* A running svscan (a process named svscan whose cwd is /service-b under
 * the root) makes /service-b the active scan directory: /service is then
 * inventory. The real /proc is read; other svscans (outside the root) do
 * not count. */
static void svscan_cwd(void **st)
{
    qt_sampler sm = {0};
    qt_snapshot *s;
    qt_ctx c = ctx;
    pid_t pid;
    int found = 0;
    (void)st;

    qt_fx_sh("mkdir -p %s/bin && cp /bin/sleep %s/bin/svscan", root, root);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char dir[400], prog[400];
        snprintf(dir, sizeof dir, "%s/service-b", root);
        snprintf(prog, sizeof prog, "%s/bin/svscan", root);
        if (chdir(dir) == 0)
            execl(prog, "svscan", "30", (char *)NULL);
        _exit(127);
    }
    c.proc = "/proc";
    for (int i = 0; i < 50 && !found; i++) { /* until the child has exec'd and chdir'd */
        struct timespec ts = {0, 20 * 1000 * 1000};
        s = qt_sample(&sm, &c);
        if (s->servers && s->servers->nscandirs == 1 && strcmp(s->servers->scandirs[0], "/service-b") == 0)
            found = 1;
        else {
            qt_snapshot_free(s);
            nanosleep(&ts, NULL);
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_true(found);
    assert_non_null(strstr(s->servers->scan_source, "svscan pid"));
    assert_int_equal(qt_findings_find(&s->findings, "servers.down:other")->sev, QT_SEV_CRIT);
    assert_int_equal(qt_findings_find(&s->findings, "servers.down:live")->sev, QT_SEV_INFO);
    at_most_info(s, "live");
    qt_snapshot_free(s);
    qt_sampler_free(&sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_scan_dir),
        cmocka_unit_test(svscan_cwd),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

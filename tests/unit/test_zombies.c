/* Unit tests: zombie grouping, service discovery, first-seen memory, trend
 * from a fake history, findings, metrics, on the fixture /proc tree
 * tests/fixtures/procfs-zombies (see tests/fixtures/mkprocfs.py). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/procs/procs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/zombies/zombies.h"
#include "tree_fixture.h"

#define FIXTURE QT_SRCDIR "/tests/fixtures/procfs-zombies"
#define BOOT 1700000000.0

static double fake_now_value = BOOT + 10000;
static double fake_now(void) { return fake_now_value; }

static qt_ctx fixture_ctx(void)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    c.proc = FIXTURE;
    c.now = fake_now;
    return c;
}

static void read_fixture(const qt_ctx *c, qt_procs *p)
{
    char err[256];
    assert_int_equal(qt_procs_read(c, p, err, sizeof err), 0);
}

static void grouping(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;
    const struct qt_zgroup *g;
    char *s;

    read_fixture(&c, &p);
    qt_zombies_build(&c, &p, fake_now_value, NULL, &z);
    assert_int_equal(z.n, 4);
    assert_int_equal(z.total, 7);
    assert_int_equal(z.mail_total, 6);
    assert_int_equal(z.leaders, 1);          /* java (360), "Zl" */
    assert_null(qt_zombies_find(&z, 1));     /* ... so PID 1 has no group */
    assert_int_equal(z.live, 0);
    /* mail groups first, biggest first, then by parent pid */
    assert_int_equal(z.g[0].ppid, 330);
    assert_int_equal(z.g[1].ppid, 342);
    assert_int_equal(z.g[2].ppid, 390);
    assert_int_equal(z.g[3].ppid, 350);

    /* the listener */
    g = &z.g[0];
    assert_int_equal(g->n, 4);
    assert_true(g->mail);
    assert_int_equal(g->role, QT_ZROLE_LISTENER);
    assert_string_equal(g->pname, "tcpserver");
    assert_int_equal(g->puid, 89);
    assert_int_equal(g->pstate, 'S');
    assert_true(g->pstart == BOOT + 17);
    assert_true(g->pticks == 1700);          /* exact, for act.h qt_act_proc */
    assert_int_equal(g->svc_pid, 320);
    assert_true(g->svc_ticks == 1600);
    assert_string_equal(g->svc_kind, "supervise");
    assert_string_equal(g->svc_name, "qmail-smtpd");
    assert_string_equal(g->svc_dir, "/service/qmail-smtpd");
    assert_string_equal(g->svc_dir_real, "/service/qmail-smtpd");
    assert_int_equal(g->nchain, 2);
    assert_int_equal(g->chain[0].pid, 330);
    assert_int_equal(g->chain[1].pid, 320);
    assert_string_equal(g->label, "tcpserver"); /* no pid: a restart keeps the series */
    /* zombies oldest first, with the ages of oldest and newest */
    assert_int_equal(g->z[0].pid, 4001);
    assert_int_equal(g->z[3].pid, 4004);
    assert_true(g->oldest == BOOT + 9000);
    assert_true(g->newest == BOOT + 9950);
    assert_int_equal(g->z[0].uid, 89);
    assert_true(g->z[0].seen == fake_now_value);
    s = qt_zgroup_names(g);
    assert_string_equal(s, "qmail-smtpd x3, vchkpw");
    free(s);
    s = qt_zgroup_chain(g);
    assert_string_equal(s, "tcpserver[330] <- supervise qmail-smtpd[320]");
    free(s);
    assert_non_null(strstr(g->pcmdline, "/usr/bin/tcpserver -v -R -H"));

    /* SSL relay child of an SSL tcpserver: per-connection; its supervise's cwd is unreadable */
    g = &z.g[1];
    assert_int_equal(g->role, QT_ZROLE_CONNECTION);
    assert_true(g->mail);
    assert_string_equal(g->svc_name, "smtps");
    assert_null(g->svc_dir);
    {
        char buf[64];
        int assumed;
        assert_string_equal(qt_zgroup_dir_shown(g, buf, sizeof buf, &assumed), "/service/smtps");
        assert_int_equal(assumed, 1);
    }
    assert_int_equal(g->nchain, 3); /* 342 <- 341 <- supervise 340 */

    /* recordio below the listener: per-connection too */
    g = &z.g[2];
    assert_int_equal(g->role, QT_ZROLE_CONNECTION);
    assert_string_equal(g->svc_name, "qmail-smtpd");

    /* an admin's shell: unrelated, chain up to PID 1, no service */
    g = &z.g[3];
    assert_false(g->mail);
    assert_int_equal(g->role, QT_ZROLE_OTHER);
    assert_int_equal(g->svc_pid, 0);
    assert_null(g->svc_kind);
    assert_int_equal(g->chain[g->nchain - 1].pid, 1);

    qt_zombies_free(&z);
    qt_procs_free(&p);
}

static void root_mapping(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;

    c.root = "/service/";
    read_fixture(&c, &p);
    qt_zombies_build(&c, &p, fake_now_value, NULL, &z);
    assert_string_equal(z.g[0].svc_dir, "/qmail-smtpd");           /* shown under --root */
    assert_string_equal(z.g[0].svc_dir_real, "/service/qmail-smtpd"); /* acted on as the kernel says */
    qt_zombies_free(&z);
    qt_procs_free(&p);
}

/* A hand-made table: parent 10 (tcpserver) with zombies; start times given. */
static void tiny_table(qt_procs *p, int zpid, double zstart)
{
    memset(p, 0, sizeof *p);
    p->n = 2;
    p->v = qt_calloc(2, sizeof *p->v);
    p->v[0] = (struct qt_proc){.pid = 10, .ppid = 1, .state = 'S', .uid = 0, .start = BOOT, .nlwp = 1};
    snprintf(p->v[0].comm, sizeof p->v[0].comm, "tcpserver");
    p->v[1] = (struct qt_proc){.pid = zpid, .ppid = 10, .state = 'Z', .uid = 0, .start = zstart, .nlwp = 1};
    snprintf(p->v[1].comm, sizeof p->v[1].comm, "qmail-smtpd");
    p->backend = "test";
}

static void first_seen_memory(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_zseen *seen = NULL;
    qt_procs p;
    qt_zombies z;

    tiny_table(&p, 20, BOOT + 100);
    qt_zombies_build(&c, &p, BOOT + 1000, &seen, &z);
    assert_true(z.g[0].z[0].seen == BOOT + 1000);
    qt_zombies_free(&z);
    /* same pid and start a sample later: remembered */
    qt_zombies_build(&c, &p, BOOT + 1005, &seen, &z);
    assert_true(z.g[0].z[0].seen == BOOT + 1000);
    qt_zombies_free(&z);
    qt_procs_free(&p);
    /* the pid was reused by a process that started later: a new zombie */
    tiny_table(&p, 20, BOOT + 1003);
    qt_zombies_build(&c, &p, BOOT + 1010, &seen, &z);
    assert_true(z.g[0].z[0].seen == BOOT + 1010);
    qt_zombies_free(&z);
    qt_procs_free(&p);
    qt_zseen_free(seen);
}

static void service_from_absolute_argument(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;
    static char *sv_argv[] = {"supervise", "/service/qmail-pop3d/log/", NULL};

    /* supervise 5 (not in the fixture dir: its cwd cannot be read) -> multilog 10 -> zombie 20 */
    memset(&p, 0, sizeof p);
    p.n = 3;
    p.v = qt_calloc(3, sizeof *p.v);
    p.v[0] = (struct qt_proc){.pid = 5, .ppid = 1, .state = 'S', .start = BOOT, .nlwp = 1};
    snprintf(p.v[0].comm, sizeof p.v[0].comm, "supervise");
    p.v[0].argc = 2;
    p.v[0].argv = qt_calloc(3, sizeof(char *));
    p.v[0].argv[0] = qt_strdup(sv_argv[0]);
    p.v[0].argv[1] = qt_strdup(sv_argv[1]);
    p.v[1] = (struct qt_proc){.pid = 10, .ppid = 5, .state = 'S', .start = BOOT, .nlwp = 1};
    snprintf(p.v[1].comm, sizeof p.v[1].comm, "multilog");
    p.v[2] = (struct qt_proc){.pid = 20, .ppid = 10, .state = 'Z', .start = BOOT + 1, .nlwp = 1};
    snprintf(p.v[2].comm, sizeof p.v[2].comm, "gzip");
    qt_zombies_build(&c, &p, BOOT + 5, NULL, &z);
    assert_int_equal(z.n, 1);
    assert_string_equal(z.g[0].svc_name, "qmail-pop3d/log");
    assert_string_equal(z.g[0].svc_dir, "/service/qmail-pop3d/log");
    assert_true(z.g[0].mail);                       /* a mail service's logger */
    assert_int_equal(z.g[0].role, QT_ZROLE_DAEMON);
    qt_zombies_free(&z);
    qt_procs_free(&p);
}

static void parent_missing(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;

    tiny_table(&p, 20, BOOT + 100);
    p.v[1].ppid = 99; /* parent vanished between listing and reading */
    qt_zombies_build(&c, &p, BOOT + 1000, NULL, &z);
    assert_int_equal(z.n, 1);
    assert_int_equal(z.g[0].pstate, '?');
    assert_string_equal(z.g[0].pname, "?");
    assert_false(z.g[0].mail);
    assert_non_null(strstr(z.g[0].pcmdline, "not readable"));
    qt_zombies_free(&z);
    qt_procs_free(&p);
}

/* issue 12 item 7: a parent chain longer than the walk is said to be cut */
static void long_chain_is_cut(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;
    enum { DEPTH = 40 };

    /* 1 <- 2 <- ... <- 40 (each the parent of the next), zombie 100 of 40 */
    memset(&p, 0, sizeof p);
    p.n = DEPTH + 1;
    p.v = qt_calloc(p.n, sizeof *p.v);
    for (int i = 0; i < DEPTH; i++) {
        p.v[i] = (struct qt_proc){.pid = i + 1, .ppid = i, .state = 'S', .start = BOOT, .nlwp = 1};
        snprintf(p.v[i].comm, sizeof p.v[i].comm, "sh");
    }
    p.v[DEPTH] = (struct qt_proc){.pid = 100, .ppid = DEPTH, .state = 'Z', .start = BOOT + 1, .nlwp = 1};
    snprintf(p.v[DEPTH].comm, sizeof p.v[DEPTH].comm, "x");
    p.backend = "test";
    qt_zombies_build(&c, &p, BOOT + 5, NULL, &z);
    assert_int_equal(z.n, 1);
    assert_int_equal(z.g[0].nchain, QT_ZCHAIN_MAX);
    assert_int_equal(z.g[0].chain_cut, 1);
    qt_zombies_free(&z);
    /* a chain that reaches PID 1 within the walk is not cut */
    p.v[DEPTH].ppid = 5;
    qt_zombies_build(&c, &p, BOOT + 5, NULL, &z);
    assert_int_equal(z.g[0].nchain, 5);
    assert_int_equal(z.g[0].chain_cut, 0);
    qt_zombies_free(&z);
    qt_procs_free(&p);
}

/* --- trend --- */

static void push(qt_history *h, double t, double total, const char *label, double v)
{
    char key[96];
    qt_history_push(h, "zombies", t, total);
    if (label) {
        snprintf(key, sizeof key, "zombies.%s", label);
        qt_history_push(h, key, t, v);
    }
}

static void trend_cases(void **st)
{
    (void)st;
    qt_history h = {0};
    double from, to;

    assert_int_equal(qt_zombies_trend(NULL, "x@1", 10, &from, &to), QT_ZT_UNKNOWN);
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_UNKNOWN);

    push(&h, 1, 3, "x@1", 3);
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_NEW);
    push(&h, 2, 3, "x@1", 3);
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_STABLE);
    push(&h, 3, 5, "x@1", 5);
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_GROWING);
    assert_true(from == 3 && to == 5);
    push(&h, 4, 4, "x@1", 4);   /* dipped below the peak: not growing any more */
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_STABLE);
    push(&h, 5, 2, "x@1", 2);   /* below where it started */
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_CLEARING);
    assert_true(from == 3 && to == 2);

    /* a group that appears late: absent samples count as 0, so it is new */
    push(&h, 6, 3, "y@2", 1);
    assert_int_equal(qt_zombies_trend(&h, "y@2", 10, &from, &to), QT_ZT_NEW);
    /* ... and the first group, not pushed this sample, reads as gone */
    assert_int_equal(qt_zombies_trend(&h, "x@1", 10, &from, &to), QT_ZT_CLEARING);
    assert_true(to == 0);

    /* the window: growth older than the window is forgotten */
    qt_history_free(&h);
    push(&h, 1, 1, "z@3", 1);
    push(&h, 2, 9, "z@3", 9);
    for (int i = 3; i < 20; i++)
        push(&h, i, 9, "z@3", 9);
    assert_int_equal(qt_zombies_trend(&h, "z@3", 10, &from, &to), QT_ZT_STABLE);
    assert_int_equal(qt_zombies_trend(&h, "z@3", 30, &from, &to), QT_ZT_GROWING);
    /* the total */
    assert_int_equal(qt_zombies_trend(&h, NULL, 10, &from, &to), QT_ZT_STABLE);
    qt_history_free(&h);
}

/* --- findings and the whole sampler --- */

static void sampler_findings(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_sampler s = {0};
    qt_snapshot *snap;
    const qt_finding *f;
    const qt_metric *m;

    snap = qt_sample(&s, &c);
    assert_int_equal(snap->src[QT_SRC_PROCS].state, QT_SRC_OK);
    assert_int_equal(snap->src[QT_SRC_ZOMBIES].state, QT_SRC_OK);
    m = qt_metrics_find(&snap->metrics, "zombies", NULL);
    assert_non_null(m);
    assert_true(m->value == 7);
    assert_true(qt_metrics_find(&snap->metrics, "zombies_mail", NULL)->value == 6);
    assert_true(qt_metrics_find(&snap->metrics, "zombies", "tcpserver")->value == 4);
    assert_non_null(qt_history_get(&s.hist, "zombies.tcpserver"));

    /* the listener: WARN (first sample: no trend), fix names the service */
    f = qt_findings_find(&snap->findings, "zombies.parent:330");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->subject, "qmail-smtpd");
    assert_non_null(strstr(f->title, "4 zombie children (qmail-smtpd x3, vchkpw) not reaped by tcpserver (pid 330)"));
    assert_non_null(strstr(f->evidence, "pids 4001 4002 4003 4004"));
    /* docs/incidents.md: one incident per parent program */
    assert_string_equal(f->inc_kind, "zombies");
    assert_string_equal(f->inc_service, "tcpserver");
    assert_non_null(strstr(f->inc_impact, "tcpserver (pid 330, service qmail-smtpd): 4 zombie children (qmail-smtpd x3, vchkpw) not reaped; oldest "));
    assert_non_null(strstr(f->evidence, "chain: tcpserver[330] <- supervise qmail-smtpd[320]"));
    assert_non_null(strstr(f->evidence, "directory /service/qmail-smtpd"));
    assert_non_null(strstr(f->evidence, "first sample"));
    assert_non_null(strstr(f->explain, "-c limit"));
    assert_non_null(strstr(f->fix, "kill -CHLD 330"));
    assert_non_null(strstr(f->fix, "svc -t /service/qmail-smtpd"));
    /* reboot is the last line, never the first */
    assert_non_null(strstr(strrchr(f->fix, '\n'), "reboot only as the last resort"));
    assert_true(strstr(f->fix, "svc -t /service/qmail-smtpd") < strstr(f->fix, "reboot"));

    /* the SSL relay child: kill that process, a restart would not help */
    f = qt_findings_find(&snap->findings, "zombies.parent:342");
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->fix, "kill 342"));
    assert_null(strstr(f->fix, "svc -t"));
    assert_non_null(strstr(f->explain, "does not end it"));
    if (geteuid() == 0)
        assert_non_null(strstr(f->evidence, "assumed /service/smtps"));
    else
        assert_non_null(strstr(f->evidence, "not readable by uid"));

    /* unrelated: INFO, listed */
    f = qt_findings_find(&snap->findings, "zombies.parent:350");
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->title, "not part of the mail system"));
    assert_string_equal(f->inc_kind, "");
    /* the Zl leader is not reported */
    assert_null(qt_findings_find(&snap->findings, "zombies.parent:1"));
    assert_null(qt_findings_find(&snap->findings, "zombies.none"));
    qt_snapshot_free(snap);

    /* a second sample, same state: stable, still WARN, remembered as seen 2 s ago */
    fake_now_value += 2;
    snap = qt_sample(&s, &c);
    f = qt_findings_find(&snap->findings, "zombies.parent:330");
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "stable (4 -> 4)"));
    assert_non_null(strstr(f->evidence, "seen unreaped across samples for at least 2s"));
    qt_snapshot_free(snap);
    qt_sampler_free(&s);

    /* a fresh sampler with a fake history in which the group grew: still
     * WARN (docs/severity.md: the trend flips with each new zombie; a CRIT
     * that came and went with it made the header count jitter) */
    memset(&s, 0, sizeof s);
    qt_history_push(&s.hist, "zombies", fake_now_value - 2, 3);
    qt_history_push(&s.hist, "zombies.tcpserver", fake_now_value - 2, 1);
    qt_history_push(&s.hist, "zombies", fake_now_value - 1, 5);
    qt_history_push(&s.hist, "zombies.tcpserver", fake_now_value - 1, 2);
    snap = qt_sample(&s, &c);
    f = qt_findings_find(&snap->findings, "zombies.parent:330");
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->title, "Growing: "));
    assert_non_null(strstr(f->evidence, "growing (1 -> 4)"));
    assert_non_null(strstr(f->explain, "keeps growing"));
    /* the worst first (other collectors, e.g. servers on the fixture's
     * tcpserver, may add CRIT findings of their own) */
    for (size_t i = 1; i < snap->findings.n; i++)
        assert_true(snap->findings.v[i - 1].sev >= snap->findings.v[i].sev);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
    fake_now_value = BOOT + 10000;
}

static void no_zombies_ok(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_snapshot snap;
    qt_findings fs = {0};

    tiny_table(&p, 20, BOOT);
    p.v[1].state = 'S';
    memset(&snap, 0, sizeof snap);
    snap.procs = &p;
    snap.zombies = qt_calloc(1, sizeof *snap.zombies);
    qt_zombies_build(&c, &p, BOOT + 5, NULL, snap.zombies);
    qt_zombies_analyse(&c, &snap, NULL, &fs);
    assert_int_equal(fs.n, 1);
    assert_int_equal(fs.v[0].sev, QT_SEV_OK);
    assert_string_equal(fs.v[0].id, "zombies.none");
    assert_non_null(strstr(fs.v[0].evidence, "scanned 2 processes (test)"));
    qt_findings_free(&fs);
    qt_zombies_free(snap.zombies);
    free(snap.zombies);
    qt_procs_free(&p);
}

static void collector_without_procs(void **st)
{
    (void)st;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;

    qt_ctx_defaults(&c);
    c.proc = QT_SRCDIR "/tests/fixtures/no-such-procfs";
    snap = qt_sample(&s, &c);
    assert_int_equal(snap->src[QT_SRC_PROCS].state, QT_SRC_FAILED);
    assert_int_equal(snap->src[QT_SRC_ZOMBIES].state, QT_SRC_FAILED);
    assert_null(snap->zombies);
    assert_non_null(strstr(snap->src[QT_SRC_ZOMBIES].err, "no process table"));
    /* no numbers for a failed collector: STALE, never zero */
    assert_null(qt_metrics_find(&snap->metrics, "zombies", NULL));
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

static void hostile_names_stay_on_one_line(void **st)
{
    (void)st;
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_snapshot snap;
    qt_findings fs = {0};

    tiny_table(&p, 20, BOOT);
    snprintf(p.v[0].comm, sizeof p.v[0].comm, "tcp\nserver\x1b[2J");
    snprintf(p.v[1].comm, sizeof p.v[1].comm, "qmail-smtpd\n[x]");
    memset(&snap, 0, sizeof snap);
    snap.procs = &p;
    snap.zombies = qt_calloc(1, sizeof *snap.zombies);
    qt_zombies_build(&c, &p, BOOT + 5, NULL, snap.zombies);
    qt_zombies_analyse(&c, &snap, NULL, &fs);
    assert_int_equal(fs.n, 1);
    assert_null(strchr(fs.v[0].title, '\n'));
    assert_null(strchr(fs.v[0].title, '\x1b'));
    assert_non_null(strstr(fs.v[0].title, "\\x1b"));
    for (const char *e = fs.v[0].evidence; *e; e++)
        assert_true(*e == '\n' || (*e >= 0x20 && *e < 0x7f));
    qt_findings_free(&fs);
    qt_zombies_free(snap.zombies);
    free(snap.zombies);
    qt_procs_free(&p);
}

static void mail_names(void **st)
{
    (void)st;
    assert_true(qt_zprog_is_mail("tcpserver"));
    assert_true(qt_zprog_is_mail("sslserver"));
    assert_true(qt_zprog_is_mail("tcpserver-ssl"));
    assert_true(qt_zprog_is_mail("recordio"));
    assert_true(qt_zprog_is_mail("fixcrio"));
    assert_true(qt_zprog_is_mail("rblsmtpd"));
    assert_true(qt_zprog_is_mail("spamdyke"));
    assert_true(qt_zprog_is_mail("qmail-smtpd"));
    assert_true(qt_zprog_is_mail("qmail-send"));
    assert_false(qt_zprog_is_mail("qmail"));
    assert_false(qt_zprog_is_mail("bash"));
    assert_false(qt_zprog_is_mail("supervise"));
}

/* Write a process directory for pid (a copy of 330's files with the pid,
 * parent, start time and state replaced). */
static void fake_proc(const char *root, int pid, int ppid, const char *comm, char state, long start)
{
    char path[512], cmd[1024];
    FILE *f;
    snprintf(cmd, sizeof cmd, "mkdir -p %s/%d && cp %s/330/cmdline %s/330/environ %s/%d/", root, pid, FIXTURE, FIXTURE,
             root, pid);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%d/stat", root, pid);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%d (%s) %c %d 310 310 0 -1 4194304 155 0 1 0 0 0 0 0 20 0 1 0 %ld 2535424 369 "
            "18446744073709551615 0 0 0 0 0 0 0 4096 16386 1 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
            pid, comm, state, ppid, start);
    fclose(f);
    snprintf(path, sizeof path, "%s/%d/status", root, pid);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\nUid:\t89\t89\t89\t89\nGid:\t89\t89\t89\t89\n",
            comm, state, pid, pid, ppid);
    fclose(f);
}

static const struct qt_zgroup *group_of(const qt_zombies *z, int ppid)
{
    const struct qt_zgroup *g = qt_zombies_find(z, ppid);
    assert_non_null(g);
    return g;
}

/* Two parents named tcpserver: labels carry no pid, the second is "#2",
 * and "#2" stays with the later parent whichever has more zombies. */
static void labels_numbered(void **st)
{
    char root[] = "/tmp/qt-zlabel-XXXXXX", cmd[512];
    qt_ctx c = fixture_ctx();
    qt_procs p;
    qt_zombies z;
    (void)st;

    assert_non_null(mkdtemp(root));
    snprintf(cmd, sizeof cmd, "cp -a %s/. %s/", FIXTURE, root);
    assert_int_equal(system(cmd), 0);
    c.proc = root;
    /* a second tcpserver under the same supervise, started later, one zombie */
    fake_proc(root, 332, 320, "tcpserver", 'S', 1800);
    fake_proc(root, 4005, 332, "qmail-smtpd", 'Z', 900100);
    read_fixture(&c, &p);
    qt_zombies_build(&c, &p, fake_now_value, NULL, &z);
    assert_string_equal(group_of(&z, 330)->label, "tcpserver");
    assert_string_equal(group_of(&z, 332)->label, "tcpserver#2");
    qt_zombies_free(&z);
    qt_procs_free(&p);

    /* now the later one has the most zombies (it sorts first): labels stay */
    for (int i = 0; i < 5; i++)
        fake_proc(root, 4010 + i, 332, "qmail-smtpd", 'Z', 900200 + i);
    read_fixture(&c, &p);
    qt_zombies_build(&c, &p, fake_now_value, NULL, &z);
    assert_int_equal(z.g[0].ppid, 332);
    assert_string_equal(group_of(&z, 330)->label, "tcpserver");
    assert_string_equal(group_of(&z, 332)->label, "tcpserver#2");
    qt_zombies_free(&z);
    qt_procs_free(&p);

    snprintf(cmd, sizeof cmd, "rm -rf %s", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grouping),
        cmocka_unit_test(labels_numbered),
        cmocka_unit_test(root_mapping),
        cmocka_unit_test(first_seen_memory),
        cmocka_unit_test(service_from_absolute_argument),
        cmocka_unit_test(parent_missing),
        cmocka_unit_test(long_chain_is_cut),
        cmocka_unit_test(trend_cases),
        cmocka_unit_test(sampler_findings),
        cmocka_unit_test(no_zombies_ok),
        cmocka_unit_test(collector_without_procs),
        cmocka_unit_test(hostile_names_stay_on_one_line),
        cmocka_unit_test(mail_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

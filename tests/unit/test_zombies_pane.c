/* Unit tests: the Zombies pane (views and keys) with the ui double (tests/unit/ui_double.h), on the
 * fixture tree and on live process trees staged by this binary itself. R
 * writes to the staged service's supervise/control itself (diag/act/act.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "diag/core/job.h"
#include "diag/procs/procs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/zombies/zombies.h"
#include "panes/panes.h"
#include "tests/unit/ui_double.h"
#include "tests/unit/view_fixture.h"

#define FIXTURE QT_SRCDIR "/tests/fixtures/procfs-zombies"

/* --- helpers --- */

static const qt_view *top(void) { return qt_pane_zombies.top; }

static int press(struct qt_ui_double *ui, const qt_view *v, const qt_ctx *c, const qt_snapshot *s, const char *key,
                 const char *row, int ch)
{
    struct qt_view_in in = {.ctx = c, .snap = s, .hist = NULL, .key = key};
    qt_ui_double_clear(ui);
    return qt_view_key(v, &ui->ui, &in, row, ch);
}

/* --- views on the fixture --- */

static void views_on_fixture(void **st)
{
    (void)st;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    qt_table head, main;
    const qt_view *g;
    struct qt_view_in in;

    qt_ctx_defaults(&c);
    c.proc = FIXTURE;
    snap = qt_sample(&s, &c);
    qt_vf_fill(top(), &c, snap, &s.hist, NULL, &head, &main);
    assert_int_equal(main.nrows, 4);
    assert_string_equal(main.rows[0].id, "p:330");
    assert_string_equal(qt_vf_cell(&main, 0, 0), "WARN");
    assert_string_equal(qt_vf_cell(&main, 0, 2), "tcpserver");
    assert_string_equal(qt_vf_cell(&main, 0, 3), "qmail-smtpd");
    assert_string_equal(qt_vf_cell(&main, 0, 4), "4");
    assert_string_equal(qt_vf_cell(&main, 0, 5), "qmail-smtpd x3, vchkpw");
    assert_string_equal(qt_vf_cell(&main, 0, 8), "new");
    assert_string_equal(qt_vf_cell(&main, 3, 0), "INFO");
    /* sortable by count and age: numeric columns */
    assert_true(main.cols[4].flags & QT_COL_NUM);
    assert_true(main.cols[6].flags & QT_COL_NUM);
    assert_true(main.rows[0].cells[6].num > main.rows[0].cells[7].num); /* oldest older than newest */
    {
        size_t idx[8];
        size_t n = qt_table_visible(&main, NULL, 4, 1, idx);
        assert_int_equal(n, 4);
        assert_string_equal(main.rows[idx[0]].id, "p:330");
    }
    assert_true(qt_vf_has(&head, "7 in 4 groups, 6 of the mail system"));
    assert_true(qt_vf_has(&head, "Zl thread-group leaders"));
    qt_table_free(&head);
    qt_table_free(&main);

    /* Enter on the listener's group */
    in = (struct qt_view_in){.ctx = &c, .snap = snap, .hist = &s.hist};
    g = qt_view_drill(top(), &in, "p:330");
    assert_non_null(g);
    assert_string_equal(g->name, "zombies.group");
    qt_vf_fill(g, &c, snap, &s.hist, "p:330", &head, &main);
    assert_int_equal(main.nrows, 4);
    assert_string_equal(main.rows[0].id, "z:4001");
    assert_string_equal(qt_vf_cell(&main, 0, 1), "qmail-smtpd");
    assert_string_equal(qt_vf_cell(&main, 0, 2), "89");
    assert_string_equal(qt_vf_cell(&main, 3, 1), "vchkpw");
    assert_true(qt_vf_has(&head, "qmail-smtpd (supervise pid 320), directory /service/qmail-smtpd"));
    assert_true(qt_vf_has(&head, "330 S /usr/bin/tcpserver -v -R -H"));
    assert_true(qt_vf_has(&head, "<- 320 S supervise qmail-smtpd"));
    qt_table_free(&head);
    qt_table_free(&main);

    /* a hostile comm is escaped in the table, never raw */
    qt_vf_fill(g, &c, snap, &s.hist, "p:999", &head, &main);
    assert_int_equal(main.nrows, 0);
    assert_non_null(strstr(main.note, "no zombies in the current sample"));
    qt_table_free(&head);
    qt_table_free(&main);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

static void stale_when_collector_failed(void **st)
{
    (void)st;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    qt_table head, main;

    qt_ctx_defaults(&c);
    c.proc = QT_SRCDIR "/tests/fixtures/no-such-procfs";
    snap = qt_sample(&s, &c);
    qt_vf_fill(top(), &c, snap, &s.hist, NULL, &head, &main);
    assert_int_equal(main.nrows, 0);
    assert_non_null(strstr(main.note, "STALE"));
    qt_table_free(&head);
    qt_table_free(&main);
    qt_vf_fill(qt_view_drill(top(), &(struct qt_view_in){.ctx = &c, .snap = snap}, "p:1"), &c, snap, NULL, "p:1", &head,
         &main);
    assert_non_null(strstr(main.note, "STALE"));
    qt_table_free(&head);
    qt_table_free(&main);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

static void keys_refused_on_fixture_and_read_only(void **st)
{
    (void)st;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    struct qt_ui_double ui;
    /* like the shell: jobs run after the key handler returned */
    qt_ui_double_init(&ui);
    ui.answer = QT_UID_YES;
    ui.job_mode = QT_UID_JOBS_QUEUE;

    qt_ctx_defaults(&c);
    c.proc = FIXTURE;
    snap = qt_sample(&s, &c);
    ui.read_only = 1;
    assert_int_equal(press(&ui, top(), &c, snap, NULL, "p:330", 'C'), 1);
    assert_non_null(strstr(ui.flash, "read-only mode"));
    assert_int_equal(press(&ui, top(), &c, snap, NULL, "p:330", 'R'), 1);
    assert_non_null(strstr(ui.flash, "read-only mode"));
    assert_int_equal(press(&ui, top(), &c, snap, NULL, "p:342", 'K'), 1);
    assert_non_null(strstr(ui.flash, "read-only mode"));
    ui.read_only = 0;
    assert_int_equal(press(&ui, top(), &c, snap, NULL, "p:330", 'C'), 1);
    assert_non_null(strstr(ui.flash, "not reading the live /proc"));
    assert_int_equal(ui.confirms, 0);
    /* keys it does not own are left to the shell */
    assert_int_equal(press(&ui, top(), &c, snap, NULL, "p:330", 'x'), 0);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
}

/* --- live process trees, staged by re-executing this binary ---
 * QT_TZ_SPEC   levels separated by '|', words by ' ': each level is a process
 *              with that argv, child of the previous one
 * QT_TZ_INDEX  this process's level
 * QT_TZ_DIR    cwd of level 0 (a supervise's service directory)
 * QT_TZ_PIDFILE written by the last level once its zombies exist
 * The last level makes 3 zombies named qmail-smtpd, then reaps only when a
 * new SIGCHLD arrives (a parent that missed the signal). Every level dies
 * with its parent (PDEATHSIG) and after 30 s at most (alarm). */

#define NZOMBIES 3

static void reap_all(int sig)
{
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

static char **split_words(char *s)
{
    char **v = calloc(32, sizeof *v);
    int n = 0;
    for (char *save = NULL, *w = strtok_r(s, " ", &save); w && n < 31; w = strtok_r(NULL, " ", &save))
        v[n++] = w;
    return v;
}

static void tree_level(void)
{
    char spec[1024], *levels[8], *save = NULL;
    int n = 0, idx = atoi(getenv("QT_TZ_INDEX"));

    prctl(PR_SET_PDEATHSIG, SIGKILL);
    alarm(30);
    snprintf(spec, sizeof spec, "%s", getenv("QT_TZ_SPEC"));
    for (char *l = strtok_r(spec, "|", &save); l && n < 8; l = strtok_r(NULL, "|", &save))
        levels[n++] = l;
    if (idx == 0 && getenv("QT_TZ_DIR") && chdir(getenv("QT_TZ_DIR")) != 0)
        _exit(1);
    if (idx < n - 1) {
        pid_t p = fork();
        if (p == 0) {
            char num[16];
            snprintf(num, sizeof num, "%d", idx + 1);
            setenv("QT_TZ_INDEX", num, 1);
            execv("/proc/self/exe", split_words(levels[idx + 1]));
            _exit(127);
        }
        for (;;)
            pause();
    }
    for (int i = 0; i < NZOMBIES; i++)
        if (fork() == 0) {
            prctl(PR_SET_NAME, "qmail-smtpd");
            _exit(0);
        }
    usleep(200000); /* all exited; SIGCHLD at SIG_DFL was discarded */
    signal(SIGCHLD, reap_all);
    {
        char tmp[600];
        FILE *f;
        snprintf(tmp, sizeof tmp, "%s.tmp", getenv("QT_TZ_PIDFILE"));
        f = fopen(tmp, "w");
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
        rename(tmp, getenv("QT_TZ_PIDFILE"));
    }
    for (;;)
        pause();
}

struct tree {
    pid_t top;
    int leaf;
    char dir[256], pidfile[300];
};

static void tree_start(struct tree *t, const char *spec)
{
    char idx[] = "0";
    snprintf(t->dir, sizeof t->dir, "/tmp/qt-zpane-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->pidfile, sizeof t->pidfile, "%s/leaf.pid", t->dir);
    t->top = fork();
    assert_true(t->top >= 0);
    if (t->top == 0) {
        char s[1024];
        setenv("QT_TZ_SPEC", spec, 1);
        setenv("QT_TZ_INDEX", idx, 1);
        setenv("QT_TZ_DIR", t->dir, 1);
        setenv("QT_TZ_PIDFILE", t->pidfile, 1);
        snprintf(s, sizeof s, "%s", spec);
        *strchrnul(s, '|') = '\0';
        execv("/proc/self/exe", split_words(s));
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(t->pidfile, "r");
        if (f) {
            assert_int_equal(fscanf(f, "%d", &t->leaf), 1);
            fclose(f);
            return;
        }
        usleep(10000);
    }
    fail_msg("staged tree did not come up");
}

static void tree_stop(struct tree *t)
{
    char path[400];
    kill(t->top, SIGKILL);
    waitpid(t->top, NULL, 0);
    unlink(t->pidfile);
    snprintf(path, sizeof path, "rm -rf '%s'", t->dir);
    assert_int_equal(system(path), 0);
}

static int zombie_children(const qt_ctx *c, int ppid)
{
    qt_procs p;
    char err[256];
    int n = 0;
    assert_int_equal(qt_procs_read(c, &p, err, sizeof err), 0);
    for (size_t i = 0; i < p.n; i++)
        n += p.v[i].ppid == ppid && qt_proc_is_zombie(&p.v[i]);
    qt_procs_free(&p);
    return n;
}

static void live_listener_keys(void **st)
{
    (void)st;
    struct tree t;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    const struct qt_zgroup *g;
    struct qt_ui_double ui;
    /* like the shell: jobs run after the key handler returned */
    qt_ui_double_init(&ui);
    ui.answer = QT_UID_YES;
    ui.job_mode = QT_UID_JOBS_QUEUE;
    char row[32], path[400], args[512] = "";
    int fifo;

    tree_start(&t, "supervise fakesvc|tcpserver -v -R -H 0 2525 qmail-smtpd");
    qt_ctx_defaults(&c);
    snap = qt_sample(&s, &c);
    g = qt_zombies_find(snap->zombies, t.leaf);
    assert_non_null(g);
    assert_int_equal(g->n, NZOMBIES);
    assert_int_equal(g->role, QT_ZROLE_LISTENER);
    assert_true(g->mail);
    assert_string_equal(g->svc_name, "fakesvc");
    assert_string_equal(g->svc_dir_real, t.dir);
    snprintf(row, sizeof row, "p:%d", t.leaf);

    /* R writes 't' to the service's supervise/control FIFO itself, as svc -t does */
    snprintf(path, sizeof path, "%s/supervise", t.dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/supervise/control", t.dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    fifo = open(path, O_RDONLY | O_NONBLOCK);
    assert_true(fifo >= 0);
    ui.answer = 0;
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'R'), 1);
    snprintf(args, sizeof args, "Restart service fakesvc: write 't' to %s/supervise/control, as svc -t does?", t.dir);
    assert_non_null(strstr(ui.question, args));
    assert_true(read(fifo, args, sizeof args) <= 0); /* said no: nothing written (EOF or EAGAIN) */
    ui.answer = 1;
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'R'), 1);
    assert_int_equal(ui.jobs, 0); /* no program is run */
    snprintf(args, sizeof args, "wrote 't' to %s/supervise/control (as svc -t does): supervise restarts tcpserver", t.dir);
    assert_string_equal(ui.flash, args);
    assert_int_equal(read(fifo, args, sizeof args), 1);
    assert_int_equal(args[0], 't');
    close(fifo);

    /* K is for per-connection processes only */
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'K'), 1);
    assert_non_null(strstr(ui.flash, "use R"));

    /* C from the group view: the parent reaps on the new SIGCHLD */
    {
        struct qt_view_in in = {.ctx = &c, .snap = snap};
        const qt_view *gv = qt_view_drill(top(), &in, row);
        char zrow[32];
        snprintf(zrow, sizeof zrow, "z:%d", g->z[0].pid);
        assert_int_equal(press(&ui, gv, &c, snap, row, zrow, 'C'), 1);
    }
    assert_non_null(strstr(ui.question, "Send SIGCHLD to tcpserver"));
    assert_non_null(strstr(ui.flash, "sent SIGCHLD to tcpserver"));
    assert_true(ui.resamples >= 2);
    for (int i = 0; i < 200 && zombie_children(&c, t.leaf) > 0; i++)
        usleep(10000);
    assert_int_equal(zombie_children(&c, t.leaf), 0);

    qt_snapshot_free(snap);
    qt_sampler_free(&s);
    tree_stop(&t);
}

static void live_connection_keys(void **st)
{
    (void)st;
    struct tree t;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    const struct qt_zgroup *g;
    struct qt_ui_double ui;
    /* like the shell: jobs run after the key handler returned */
    qt_ui_double_init(&ui);
    ui.answer = QT_UID_YES;
    ui.job_mode = QT_UID_JOBS_QUEUE;
    char row[32];
    int gone = 0;

    tree_start(&t, "supervise smtps|tcpserver -s -v 0 2465 qmail-smtpd|tcpserver -s -v 0 2465 qmail-smtpd");
    qt_ctx_defaults(&c);
    snap = qt_sample(&s, &c);
    g = qt_zombies_find(snap->zombies, t.leaf);
    assert_non_null(g);
    assert_int_equal(g->role, QT_ZROLE_CONNECTION);
    snprintf(row, sizeof row, "p:%d", t.leaf);
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'R'), 1);
    assert_non_null(strstr(ui.flash, "per-connection"));
    assert_int_equal(ui.jobs, 0);
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'K'), 1);
    assert_non_null(strstr(ui.question, "one stuck connection"));
    assert_non_null(strstr(ui.flash, "sent SIGTERM to tcpserver"));
    for (int i = 0; i < 200 && !gone; i++) {
        struct qt_proc p;
        memset(&p, 0, sizeof p);
        gone = qt_proc_reread_stat(&c, t.leaf, &p, NULL) != 0 || p.state == 'Z';
        if (!gone)
            usleep(10000);
    }
    assert_true(gone);
    /* a second K on the stale snapshot refuses: the pid is gone or a zombie now */
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
    tree_stop(&t);
}

/* issue 12: a supervise whose supervise/control is a symlink to a root-owned
 * file (any user can run one in a directory of theirs). R + yes ran svc -t,
 * which wrote 't' into the file; now it is refused with the reason. */
static void live_symlinked_control(void **st)
{
    (void)st;
    struct tree t;
    qt_ctx c;
    qt_sampler s = {0};
    qt_snapshot *snap;
    struct qt_ui_double ui;
    /* like the shell: jobs run after the key handler returned */
    qt_ui_double_init(&ui);
    ui.answer = QT_UID_YES;
    ui.job_mode = QT_UID_JOBS_QUEUE;
    char row[32], path[400], victim[400], *text = NULL;
    FILE *f;

    tree_start(&t, "supervise evilsvc|tcpserver -v -R -H 0 2525 qmail-smtpd");
    snprintf(victim, sizeof victim, "%s/victim", t.dir);
    f = fopen(victim, "w");
    assert_non_null(f);
    fputs("root-owned-data\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/supervise", t.dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/supervise/control", t.dir);
    assert_int_equal(symlink(victim, path), 0);
    qt_ctx_defaults(&c);
    snap = qt_sample(&s, &c);
    assert_non_null(qt_zombies_find(snap->zombies, t.leaf));
    snprintf(row, sizeof row, "p:%d", t.leaf);
    assert_int_equal(press(&ui, top(), &c, snap, NULL, row, 'R'), 1);
    assert_int_equal(qt_ui_double_run_jobs(&ui), 0);
    assert_true(qt_read_file(victim, 4096, &text) >= 0);
    assert_string_equal(text, "root-owned-data\n");
    free(text);
    if (!strstr(ui.flash, "supervise/control is a symlink: refused"))
        fail_msg("flash: %s", ui.flash);
    qt_snapshot_free(snap);
    qt_sampler_free(&s);
    tree_stop(&t);
}

int main(void)
{
    if (getenv("QT_TZ_SPEC")) {
        tree_level();
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(views_on_fixture),
        cmocka_unit_test(stale_when_collector_failed),
        cmocka_unit_test(keys_refused_on_fixture_and_read_only),
        cmocka_unit_test(live_listener_keys),
        cmocka_unit_test(live_connection_keys),
        cmocka_unit_test(live_symlinked_control),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

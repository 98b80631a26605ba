/* zombies.c - the Zombies pane: zombies grouped by the parent that fails to
 * reap them; Enter on a group shows each zombie and the parent's chain up
 * to its supervisor. Keys act on the group's parent (all ask first, all
 * refuse in read-only mode or on a fixture /proc):
 *   C  send SIGCHLD to the parent (a harmless nudge)
 *   R  restart the parent's service: write 't' to DIR/supervise/control as
 *      svc -t does, through file descriptors (diag/act/act.h)
 *   K  end a per-connection parent (SIGTERM): one stuck session
 */
#include "panes/pane.h"
#include "panes/panes.h"
#include "diag/act/act.h"
#include "diag/procs/procs.h"
#include "diag/zombies/zombies.h"
#include "panes/ui_ops.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char trend_role(enum qt_ztrend t)
{
    switch (t) {
    case QT_ZT_GROWING: return QT_ROLE_CRIT;
    case QT_ZT_CLEARING: return QT_ROLE_OK;
    default: return QT_ROLE_NORMAL;
    }
}

static const struct qt_zgroup *group_of(const struct qt_view_in *in, const char *id)
{
    int ppid;
    if (!id || !in->snap->zombies || sscanf(id, "p:%d", &ppid) != 1)
        return NULL;
    return qt_zombies_find(in->snap->zombies, ppid);
}

static void trend_text(const struct qt_view_in *in, const char *label, char *out, size_t n, enum qt_ztrend *tp)
{
    double from, to;
    enum qt_ztrend t = qt_zombies_trend(in->hist, label, QT_ZTREND_WINDOW, &from, &to);
    if (tp)
        *tp = t;
    if (t == QT_ZT_GROWING || t == QT_ZT_CLEARING)
        snprintf(out, n, "%s %.0f->%.0f", qt_ztrend_name(t), from, to);
    else
        snprintf(out, n, "%s", qt_ztrend_name(t));
}

static void age_cell(qt_table *t, double now, double when)
{
    char a[32];
    qt_fmt_age(now - when, a, sizeof a);
    qt_table_cell_num(t, QT_ROLE_NORMAL, now - when, "%s", a);
}

/* --- top view: one row per parent --- */

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_zombies *z = in->snap->zombies;
    char trend[64];
    enum qt_ztrend tt;

    qt_table_init(t, "Zombies by parent");
    qt_table_col(t, "SEV", 4, 0);
    qt_table_col(t, "PPID", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "PARENT", 12, 0);
    qt_table_col(t, "SERVICE", 12, 0);
    qt_table_col(t, "ZOMBIES", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "NAMES", 16, 0);
    qt_table_col(t, "OLDEST", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "NEWEST", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "TREND", 8, 0);
    qt_table_col(t, "PARENT COMMAND", 20, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_ZOMBIES, t))
        return;

    qt_table_init(head, "Zombies");
    qt_table_col(head, "", 8, 0);
    qt_table_col(head, "", 40, QT_COL_FLEX);
    trend_text(in, NULL, trend, sizeof trend, &tt);
    qt_table_row(head, "total");
    qt_table_cell(head, QT_ROLE_DIM, "zombies");
    qt_table_cell(head, z->mail_total ? QT_ROLE_WARN : QT_ROLE_OK, "%zu in %zu group%s, %zu of the mail system; trend %s",
                  z->total, z->n, z->n == 1 ? "" : "s", z->mail_total, trend);
    qt_table_row(head, "scan");
    qt_table_cell(head, QT_ROLE_DIM, "scanned");
    qt_table_cell(head, QT_ROLE_DIM, "%zu processes (%s)%s", z->scanned,
                  in->snap->procs ? in->snap->procs->backend : "?",
                  z->leaders ? "; Zl thread-group leaders are not zombies and are left out" : "");

    for (size_t i = 0; i < z->n; i++) {
        const struct qt_zgroup *g = &z->g[i];
        char *names = qt_zgroup_names(g);
        enum qt_sev sev;

        trend_text(in, g->label, trend, sizeof trend, &tt);
        sev = qt_zgroup_sev(g, tt);
        qt_table_row(t, "p:%d", g->ppid);
        qt_table_cell_num(t, qt_sev_role(sev), -(double)sev, "%s", qt_sev_name(sev));
        qt_table_cell_num(t, QT_ROLE_NORMAL, g->ppid, "%d", g->ppid);
        qt_table_cell(t, g->mail ? QT_ROLE_NORMAL : QT_ROLE_DIM, "%s", g->pname);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", g->svc_pid ? g->svc_name : "-");
        qt_table_cell_num(t, qt_sev_role(sev), (double)g->n, "%zu", g->n);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", names);
        age_cell(t, z->now, g->oldest);
        age_cell(t, z->now, g->newest);
        qt_table_cell(t, trend_role(tt), "%s", trend);
        qt_table_cell(t, QT_ROLE_DIM, "%s", g->pcmdline);
        free(names);
    }
    t->cols[0].flags |= QT_COL_NUM;
    if (z->n == 0)
        qt_table_note(t, QT_ROLE_OK, "no zombie processes");
}

/* --- group view: the zombies of one parent, and the parent's chain --- */


static void build_group(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const struct qt_zgroup *g;
    char trend[64], buf[128];
    enum qt_ztrend tt;
    int assumed;
    const char *dir;

    qt_table_init(t, "Zombies");
    qt_table_col(t, "PID", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "NAME", 16, 0);
    qt_table_col(t, "UID", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "AGE", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "UNREAPED FOR", 8, QT_COL_RIGHT | QT_COL_NUM);
    if (qt_view_source_state(in, QT_SRC_ZOMBIES, t))
        return;
    if (!(g = group_of(in, in->key))) {
        qt_table_note(t, QT_ROLE_OK, "this parent has no zombies in the current sample (reaped, or it exited)");
        return;
    }
    snprintf(t->title, sizeof t->title, "Zombies of %.40s (pid %d)", g->pname, g->ppid);
    for (size_t i = 0; i < g->n; i++) {
        const struct qt_zombie *zz = &g->z[i];
        qt_table_row(t, "z:%d", zz->pid);
        qt_table_cell_num(t, QT_ROLE_NORMAL, zz->pid, "%d", zz->pid);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", zz->comm);
        if (zz->uid == (unsigned)-1)
            qt_table_cell_num(t, QT_ROLE_DIM, -1, "?");
        else
            qt_table_cell_num(t, QT_ROLE_NORMAL, zz->uid, "%u", zz->uid);
        age_cell(t, in->snap->zombies->now, zz->start);
        age_cell(t, in->snap->zombies->now, zz->seen);
    }

    qt_table_init(head, "Parent");
    qt_table_col(head, "", 9, 0);
    qt_table_col(head, "", 40, QT_COL_FLEX);
    trend_text(in, g->label, trend, sizeof trend, &tt);
    qt_table_kv(head, "parent", "parent", QT_ROLE_HILITE, "pid %d %s: %s", g->ppid, g->pname, g->pcmdline);
    if (g->puid != (unsigned)-1)
        qt_table_kv(head, "state", "state", g->pstate == 'T' || g->pstate == 'D' ? QT_ROLE_WARN : QT_ROLE_NORMAL,
           "%c, uid %u, role %s%s", g->pstate, g->puid, qt_zrole_name(g->role), g->mail ? ", mail system" : "");
    else
        qt_table_kv(head, "state", "state", QT_ROLE_WARN, "parent not readable");
    dir = qt_zgroup_dir_shown(g, buf, sizeof buf, &assumed);
    if (g->svc_pid)
        qt_table_kv(head, "service", "service", QT_ROLE_NORMAL, "%s (%s pid %d), directory %s%s", g->svc_name, g->svc_kind,
           g->svc_pid, dir ? dir : "unknown", assumed ? " (assumed: cwd not readable)" : "");
    else if (g->chain_cut)
        qt_table_kv(head, "service", "service", QT_ROLE_WARN, "no supervise within %d ancestors of the parent (the walk stops there)", QT_ZCHAIN_MAX);
    else
        qt_table_kv(head, "service", "service", QT_ROLE_DIM, "no supervise above the parent");
    qt_table_kv(head, "trend", "trend", trend_role(tt), "%zu now; %s over the last %d samples", g->n, trend, QT_ZTREND_WINDOW);
    for (size_t i = 0; i < g->nchain; i++) {
        const struct qt_zlink *l = &g->chain[i];
        char id[32];
        snprintf(id, sizeof id, "chain.%zu", i);
        qt_table_kv(head, id, i == 0 ? "chain" : "", i == 0 ? QT_ROLE_NORMAL : QT_ROLE_DIM, "%s%d %c %s", i ? "<- " : "",
           l->pid, l->state, l->cmdline);
    }
    if (g->chain_cut)
        qt_table_kv(head, "chain.cut", "", QT_ROLE_WARN, "<- ... (chain cut at %d processes)", QT_ZCHAIN_MAX);
}

/* --- actions --- */

struct act {
    const qt_ctx *ctx;
    int ppid;
    double pstart;
    char pname[64];
    size_t n;
    int svc_pid;             /* R: the supervisor, checked by start time */
    double svc_start;
    unsigned long long pticks, svc_ticks; /* exact starts in clock ticks; 0 unknown */
    char svc_kind[16];
    char dir[1024];          /* R: the directory shown (raw; the flash escapes) */
};

static int refuse(struct qt_ui *ui, const struct qt_view_in *in, const struct qt_zgroup *g, const char *what)
{
    if (qt_ui_read_only(ui)) {
        qt_ui_flash(ui, "read-only mode: %s is disabled", what);
        return 1;
    }
    if (!in->snap->zombies || !in->snap->zombies->live) {
        qt_ui_flash(ui, "not reading the live /proc (--proc %s): %s is disabled", in->ctx->proc, what);
        return 1;
    }
    if (!g) {
        qt_ui_flash(ui, "no zombie group selected (or it is gone)");
        return 1;
    }
    return 0;
}

static struct act *act_new(const struct qt_view_in *in, const struct qt_zgroup *g)
{
    struct act *a = qt_calloc(1, sizeof *a);
    a->ctx = in->ctx;
    a->ppid = g->ppid;
    a->pstart = g->pstart;
    a->pticks = g->pticks;
    a->n = g->n;
    snprintf(a->pname, sizeof a->pname, "%s", g->pname);
    return a;
}

static void signal_yes(struct qt_ui *ui, void *arg, int sig, const char *done)
{
    struct act *a = arg;
    char err[256];
    qt_act_proc p = {.pid = a->ppid, .has_ticks = a->pticks != 0, .ticks = a->pticks, .start = a->pstart};
    if (qt_act_signal_proc(a->ctx, &p, sig, err, sizeof err) != 0)
        qt_ui_flash(ui, "%s", err);
    else
        qt_ui_flash(ui, "%s %s (pid %d)%s", done, a->pname, a->ppid, sig == SIGCHLD ? "; resampling" : "");
    qt_ui_resample(ui);
}

static void chld_yes(struct qt_ui *ui, void *arg) { signal_yes(ui, arg, SIGCHLD, "sent SIGCHLD to"); }
static void term_yes(struct qt_ui *ui, void *arg) { signal_yes(ui, arg, SIGTERM, "sent SIGTERM to"); }

static void restart_yes(struct qt_ui *ui, void *arg)
{
    struct act *a = arg;
    char err[256];

    qt_act_proc svc = {.pid = a->svc_pid, .has_ticks = a->svc_ticks != 0, .ticks = a->svc_ticks, .start = a->svc_start};
    if (qt_act_svc_control_proc(a->ctx, &svc, 't', err, sizeof err) != 0)
        qt_ui_flash(ui, "restart %s not done: %s", a->dir, err);
    else
        qt_ui_flash(ui, "wrote 't' to %s/supervise/control (as svc -t does): %s restarts %s", a->dir, a->svc_kind,
                    a->pname);
    qt_ui_resample(ui);
}

static int key_chld(struct qt_ui *ui, const struct qt_view_in *in, const struct qt_zgroup *g)
{
    char q[256];
    if (refuse(ui, in, g, "C (SIGCHLD to the parent)"))
        return 1;
    if (g->ppid <= 1) {
        qt_ui_flash(ui, "the parent is PID %d: not signalled from here", g->ppid);
        return 1;
    }
    snprintf(q, sizeof q, "Send SIGCHLD to %.40s (pid %d), parent of %zu zombie%s? Harmless: it only asks it to reap.",
             g->pname, g->ppid, g->n, g->n == 1 ? "" : "s");
    qt_ui_confirm(ui, q, chld_yes, act_new(in, g), free);
    return 1;
}

static int key_restart(struct qt_ui *ui, const struct qt_view_in *in, const struct qt_zgroup *g)
{
    char q[512], buf[128];
    struct act *a;
    const char *dir;
    int assumed;

    if (refuse(ui, in, g, "R (restart the service)"))
        return 1;
    if (g->role == QT_ZROLE_SUPERVISOR) {
        qt_ui_flash(ui, "pid %d is the supervisor itself: svc -t would restart only its child (see the finding's fix)",
                    g->ppid);
        return 1;
    }
    if (g->role == QT_ZROLE_CONNECTION) {
        qt_ui_flash(ui, "pid %d is a per-connection process: a service restart would not end it; K ends it", g->ppid);
        return 1;
    }
    if (!g->svc_pid) {
        qt_ui_flash(ui, "no supervise above pid %d: no service to restart", g->ppid);
        return 1;
    }
    if (!g->svc_dir_real) {
        qt_ui_flash(ui, "the directory of %s %s is not readable (run qtriage as root): restart it by hand",
                    g->svc_kind, g->svc_name);
        return 1;
    }
    dir = qt_zgroup_dir_shown(g, buf, sizeof buf, &assumed);
    a = act_new(in, g);
    a->svc_pid = g->svc_pid;
    a->svc_start = g->svc_start;
    a->svc_ticks = g->svc_ticks;
    snprintf(a->svc_kind, sizeof a->svc_kind, "%s", g->svc_kind);
    snprintf(a->dir, sizeof a->dir, "%s", dir ? dir : g->svc_dir_real);
    snprintf(q, sizeof q, "Restart service %.40s: write 't' to %.200s/supervise/control, as svc -t does? %s starts a "
             "fresh %.30s; its %zu zombie%s go to init; open sessions are not cut.", g->svc_name, a->dir, a->svc_kind,
             g->pname, g->n, g->n == 1 ? "" : "s");
    qt_ui_confirm(ui, q, restart_yes, a, free);
    return 1;
}

static int key_kill(struct qt_ui *ui, const struct qt_view_in *in, const struct qt_zgroup *g)
{
    char q[256];
    if (refuse(ui, in, g, "K (end a per-connection process)"))
        return 1;
    if (g->role != QT_ZROLE_CONNECTION) {
        qt_ui_flash(ui, "K ends per-connection processes; pid %d is the %s: use R to restart its service", g->ppid,
                    qt_zrole_name(g->role));
        return 1;
    }
    snprintf(q, sizeof q, "End %.40s (pid %d), one stuck connection? Its %zu zombie%s then go to init and are reaped.",
             g->pname, g->ppid, g->n, g->n == 1 ? "" : "s");
    qt_ui_confirm(ui, q, term_yes, act_new(in, g), free);
    return 1;
}

/* The group a key acts on: the selected row at the top, the group the view
 * shows in the group view (whose rows are zombies). */
static const struct qt_zgroup *target(const struct qt_view_in *in, const char *row_id)
{
    return group_of(in, in->key ? in->key : row_id);
}

static int k_chld(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return key_chld(ui, in, target(in, row_id));
}

static int k_restart(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return key_restart(ui, in, target(in, row_id));
}

static int k_kill(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return key_kill(ui, in, target(in, row_id));
}

static const qt_view group_view;

/* v: the selected group's view (or the one open) whole in the pager */
static int k_page(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    struct qt_view_in g = *in;
    (void)ch;
    if (!g.key)
        g.key = row_id;
    if (!g.key)
        return 0;
    return qt_view_page(ui, &group_view, &g);
}

/* the top view's keys; the group view has the same without Enter */
static const struct qt_view_key keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the group's zombies and its parent's chain up to supervise"},
    {{'C'}, "C", k_chld, "send SIGCHLD to the parent: a harmless nudge to reap (asks first)"},
    {{'R'}, "R", k_restart, "restart the parent's service: writes 't' to DIR/supervise/control, as svc -t does (asks first)"},
    {{'K'}, "K", k_kill, "end a per-connection parent, one stuck session (asks first)"},
    {{'v'}, "v", k_page, "the group's view whole in the pager: parent, chain, zombies (/ searches, q closes)"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view group_view = {
    .name = "zombies.group",
    .build = build_group,
    .keys = keys + 1,
};

static const qt_view *drill_top(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && strncmp(row_id, "p:", 2) == 0 ? &group_view : NULL;
}

static const qt_view top = {
    .name = "zombies",
    .build = build_top,
    .drill = drill_top,
    .keys = keys,
};

const qt_pane_def qt_pane_zombies = {
    .name = "Zombies",
    .top = &top,
    .legend = "One row per parent that has not reaped its exited children.\n"
              "SEV   WARN: parent is part of the mail system; CRIT: and the count grows; INFO: unrelated\n"
              "AGE   since the zombie process started; UNREAPED FOR: since qtriage first saw it dead\n"
              "TREND over the last samples: new, growing, stable, clearing",
    .slot = QT_SLOT_RIGHT,
    .min_rows = 5,   /* title, header and three rows */
};

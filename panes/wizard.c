/* wizard.c - the Auth pane: the authentication wizard (diag/auth/auth_wizard.h)
 * as a list of steps (step, command, result, verdict); Enter opens a step's
 * transcript and explanation.
 *
 * One cursor: the shell's selected row is the step Enter opens and r runs
 * again; there is no second "current step" (issue 14).
 *
 * Keys: a start (prompts: account, password without echo, target, vchkpw
 * path, service, public address), n runs the first step not run yet, A runs
 * every remaining step one after the other, r runs the selected step again,
 * e edit the inputs, m mechanism, x shows the AUTH strings in a dialog (never
 * in a view, so never in an exported report), q aborts a
 * running step (child killed and reaped, connection closed) or, when idle,
 * closes the wizard and wipes the password. Steps run as jobs in the shell's
 * loop (qt_ui_run_job): the UI never waits for them.
 *
 * One wizard per process: its state lives here, not in the snapshot. The
 * password is only ever inside the wizard's locked buffer; it is wiped when
 * the wizard closes, is replaced, or the program exits.
 */
#include "panes/pane.h"
#include "panes/panes.h"
#include "diag/auth/auth_b64.h"
#include "diag/auth/auth_wizard.h"
#include "panes/ui_ops.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { ST_ACCOUNT, ST_PASSWORD, ST_TARGET, ST_VCHKPW, ST_SERVICE, ST_PUBLIC_IP, ST_DONE };

static struct {
    qt_wizard *w;
    const qt_ctx *ctx;
    struct qt_wiz_inputs in;   /* being edited through the prompts */
    int have_in;               /* W.in holds earlier inputs (defaults for the next start) */
    int started;               /* W.w has accepted inputs: a session is open */
    int editing;               /* e: the password prompt may be left empty */
    int job_id;                /* running step's job, -1 none */
    int run_all;               /* A: when a step ends, run the next pending one */
    int atexit_set;
} W = {.job_id = -1};

static void wipe_at_exit(void)
{
    /* the shell has cancelled every job by now */
    qt_wizard_free(W.w);
    W.w = NULL;
}

static unsigned char verdict_role(enum qt_verdict v)
{
    switch (v) {
    case QT_V_OK: return QT_ROLE_OK;
    case QT_V_WARN: return QT_ROLE_WARN;
    case QT_V_FAIL: return QT_ROLE_CRIT;
    case QT_V_RUNNING: return QT_ROLE_INFO;
    default: return QT_ROLE_DIM;
    }
}

/* ---- running steps ---- */

static void run_remaining(struct qt_ui *ui);

/* The first step not run yet, or -1 when every step has a verdict. */
static int next_step(void)
{
    for (int s = 0; W.w && s < QT_WS_COUNT; s++)
        if (W.w->res[s].verdict == QT_V_PENDING)
            return s;
    return -1;
}

static void step_done(struct qt_ui *ui, void *arg)
{
    int step = (int)(intptr_t)arg;
    W.job_id = -1;
    if (W.w)
        qt_ui_flash(ui, "step %d %s: %s%s", step + 1, qt_wiz_step_name(step),
                    qt_verdict_name(W.w->res[step].verdict),
                    W.run_all || next_step() < 0 ? "" : "  (n: next step, A: all the rest)");
    if (W.run_all)
        run_remaining(ui);
    qt_ui_resample(ui); /* rebuild the views from the new results */
}

static void run_step(struct qt_ui *ui, int step)
{
    qt_job *j;
    if (!W.w)
        return;
    if (W.job_id >= 0 || W.w->running >= 0) {
        qt_ui_flash(ui, "a step is still running (q aborts it)");
        return;
    }
    j = qt_wizard_start(W.w, step);
    if (j) {
        /* done() may run before run_job returns (a refused job; a test
         * double that runs jobs at once): then no job is left running */
        int id;
        W.job_id = -2;
        id = qt_ui_run_job(ui, j, step_done, (void *)(intptr_t)step);
        if (W.job_id == -2)
            W.job_id = id;
    } else {
        qt_ui_flash(ui, "step %d %s: %s", step + 1, qt_wiz_step_name(step), qt_verdict_name(W.w->res[step].verdict));
    }
    qt_ui_resample(ui);
}

/* A: run the pending steps in order; a job's end (step_done) comes back
 * here. Steps that finish at once are run in this loop. */
static void run_remaining(struct qt_ui *ui)
{
    while (W.run_all && W.w && W.job_id < 0) {
        int s = next_step();
        if (s < 0) {
            W.run_all = 0;
            qt_ui_flash(ui, "all steps run (Enter on a step opens it)");
            break;
        }
        run_step(ui, s);
        if (W.job_id < 0 && W.w->res[s].verdict == QT_V_PENDING)
            W.run_all = 0; /* it did not start: stop rather than loop */
    }
}

static void close_wizard(struct qt_ui *ui)
{
    qt_wizard_free(W.w);
    W.w = NULL;
    W.started = 0;
    W.run_all = 0;
    qt_ui_flash(ui, "wizard closed; the password was wiped from memory");
    qt_ui_resample(ui);
}

/* ---- the prompts (a, e) ---- */

static void ask(struct qt_ui *ui, int stage);

static void prompted(struct qt_ui *ui, const char *text, void *arg)
{
    int stage = (int)(intptr_t)arg;
    char err[256];

    if (!text) {
        if (!W.started) {
            /* the first start was cancelled: nothing to keep, wipe what was typed */
            qt_wizard_free(W.w);
            W.w = NULL;
            qt_ui_flash(ui, "cancelled: the wizard did not start");
        } else {
            qt_ui_flash(ui, "cancelled: the inputs are unchanged");
        }
        return;
    }
    switch (stage) {
    case ST_ACCOUNT: snprintf(W.in.account, sizeof W.in.account, "%s", text); break;
    case ST_PASSWORD:
        if (!(W.editing && !*text) && qt_wizard_set_password(W.w, text, strlen(text)) != 0) {
            qt_ui_flash(ui, "password too long (at most %d bytes)", QT_SECRET_MAX);
            return;
        }
        break;
    case ST_TARGET: {
        struct qt_smtp_target t;
        snprintf(W.in.target, sizeof W.in.target, "%s", text);
        if (qt_smtp_parse_target(W.in.target, 587, &t, err, sizeof err) == 0 &&
            *qt_wizard_service_for_port(t.port) && !W.editing)
            snprintf(W.in.service, sizeof W.in.service, "%s", qt_wizard_service_for_port(t.port));
        break;
    }
    case ST_VCHKPW:
        if (strcmp(text, W.in.vchkpw) != 0) {
            /* typed by the admin: runs as named, no trust check (docs/auth-wizard.md) */
            W.in.vchkpw_origin = QT_ORIGIN_EXPLICIT;
            W.in.vchkpw_note[0] = '\0';
        }
        snprintf(W.in.vchkpw, sizeof W.in.vchkpw, "%s", text);
        break;
    case ST_SERVICE: snprintf(W.in.service, sizeof W.in.service, "%s", text); break;
    case ST_PUBLIC_IP:
        if (strcmp(text, W.in.public_ip) != 0)
            W.in.public_ip_derived = 0;   /* typed by the admin */
        snprintf(W.in.public_ip, sizeof W.in.public_ip, "%s", text);
        break;
    default: return;
    }
    if (stage + 1 < ST_DONE) {
        ask(ui, stage + 1);
        return;
    }
    if (qt_wizard_set_inputs(W.w, &W.in, err, sizeof err) != 0) {
        /* ask again from the field that is wrong (Enter keeps the others) */
        int again = !strncmp(err, "account", 7) ? ST_ACCOUNT : !strncmp(err, "target", 6) ? ST_TARGET
                    : !strncmp(err, "service", 7) ? ST_SERVICE : !strncmp(err, "public", 6) ? ST_PUBLIC_IP
                    : ST_VCHKPW;
        qt_ui_flash(ui, "%s", err);
        W.editing = W.w->pass != NULL;   /* an empty password prompt keeps the one typed */
        ask(ui, again);
        return;
    }
    W.have_in = 1;
    W.started = 1;
    W.run_all = 0;
    run_step(ui, QT_WS_ACCOUNT);
}

static void ask(struct qt_ui *ui, int stage)
{
    char label[400];
    switch (stage) {
    case ST_ACCOUNT:
        qt_ui_prompt(ui, "Account (full address, user@domain)", W.in.account, 0, prompted, (void *)ST_ACCOUNT);
        break;
    case ST_PASSWORD:
        snprintf(label, sizeof label, "Password for %s (not shown%s)", W.in.account,
                 W.editing && W.w && W.w->pass ? "; Enter keeps the current one" : "");
        qt_ui_prompt(ui, label, NULL, 1, prompted, (void *)ST_PASSWORD);
        break;
    case ST_TARGET:
        qt_ui_prompt(ui, "SMTP target host:port (an IP address; 465 = implicit TLS)", W.in.target, 0, prompted,
                     (void *)ST_TARGET);
        break;
    case ST_VCHKPW:
        qt_ui_prompt(ui, "vchkpw path", W.in.vchkpw, 0, prompted, (void *)ST_VCHKPW);
        break;
    case ST_SERVICE:
        qt_ui_prompt(ui, "Service to emulate (submission, smtp, smtps, pop3, imap, a port, none)", W.in.service, 0,
                     prompted, (void *)ST_SERVICE);
        break;
    case ST_PUBLIC_IP:
        qt_ui_prompt(ui, W.in.public_ip_derived ? "Public address for the PTR check (guessed from the outbound "
                     "interface; behind NAT type the real one)" : "Public address for the PTR check (empty: skip it)",
                     W.in.public_ip, 0, prompted, (void *)ST_PUBLIC_IP);
        break;
    default:
        break;
    }
}

static void begin(struct qt_ui *ui, const struct qt_view_in *in, int edit)
{
    if (W.job_id >= 0) {
        qt_ui_flash(ui, "a step is still running (q aborts it)");
        return;
    }
    if (!W.have_in || !edit) {
        struct qt_wiz_inputs d;
        qt_wizard_defaults(in->ctx, in->snap, &d);
        qt_wizard_target_from_ports(in->ctx, &d); /* the watched submission (or smtps) port */
        if (W.have_in) {   /* a new session keeps the last non-secret inputs */
            snprintf(d.account, sizeof d.account, "%s", W.in.account);
            snprintf(d.target, sizeof d.target, "%s", W.in.target);
            snprintf(d.vchkpw, sizeof d.vchkpw, "%s", W.in.vchkpw);
            d.vchkpw_origin = W.in.vchkpw_origin;
            if (d.vchkpw_origin == QT_ORIGIN_EXPLICIT)
                d.vchkpw_note[0] = '\0';
            snprintf(d.service, sizeof d.service, "%s", W.in.service);
            snprintf(d.mech, sizeof d.mech, "%s", W.in.mech);
            if (!W.in.public_ip_derived) {
                snprintf(d.public_ip, sizeof d.public_ip, "%s", W.in.public_ip);
                d.public_ip_derived = 0;
            }
        }
        W.in = d;
    }
    if (!edit || !W.w) {
        qt_wizard_free(W.w);   /* a new session: the old password goes */
        W.w = qt_wizard_new(in->ctx);
        W.started = 0;
        edit = 0;
    }
    if (!W.atexit_set) {
        atexit(wipe_at_exit);
        W.atexit_set = 1;
    }
    W.ctx = in->ctx;
    W.editing = edit;
    qt_wizard_set_related(W.w, &in->snap->findings);
    ask(ui, ST_ACCOUNT);
}

/* ---- keys ---- */

static int step_of(const char *row_id)
{
    int s;
    if (row_id && sscanf(row_id, "step.%d", &s) == 1 && s >= 0 && s < QT_WS_COUNT)
        return s;
    return -1;
}

static void cycle_mech(struct qt_ui *ui)
{
    static const char *const m[] = {"auto", "PLAIN", "LOGIN", "CRAM-MD5"};
    size_t i = 0;
    for (; i < 4; i++)
        if (strcasecmp(W.in.mech, m[i]) == 0 || (!W.in.mech[0] && i == 0))
            break;
    i = (i + 1) % 4;
    snprintf(W.in.mech, sizeof W.in.mech, "%s", m[i]);
    snprintf(W.w->in.mech, sizeof W.w->in.mech, "%s", m[i]);
    W.w->mech = qt_mech_parse(m[i]);
    qt_wizard_reset(W.w, QT_WS_SMTP);
    qt_ui_flash(ui, "mechanism: %s (step 4 runs again with it)", m[i]);
    qt_ui_resample(ui);
}

/* Keys other than a before the wizard started: say so (1 = handled). */
static int not_started(struct qt_ui *ui)
{
    if (W.w && W.started)
        return 0;
    qt_ui_flash(ui, "the wizard is not started: press a");
    return 1;
}

/* q while a step runs: abort it (1), else 0. */
static int abort_step(struct qt_ui *ui)
{
    if (W.job_id < 0)
        return 0;
    W.run_all = 0;
    qt_ui_cancel_job(ui, W.job_id);   /* kills and reaps the child / closes the socket */
    qt_ui_flash(ui, "step aborted");
    return 1;
}

static void rerun(struct qt_ui *ui, int step)
{
    if (W.job_id < 0)
        run_step(ui, step);
    else
        qt_ui_flash(ui, "a step is still running (q aborts it)");
}

static void show_strings(struct qt_ui *ui)
{
    /* revealed only in a dialog: never in a view, so never in a report */
    if (!W.w->pass) {
        qt_ui_flash(ui, "no password given");
    } else {
        char *strs = qt_wizard_auth_strings(W.w, 1);
        qt_ui_text(ui, "AUTH strings - secret: they contain the password (q, Esc or Enter hides them)", strs);
        qt_secret_wipe(strs, strlen(strs));
        free(strs);
    }
}

/* y: the AUTH PLAIN line, as a client sends it, to the clipboard only:
 * the shell warns first and writes no file (panes/ui_ops.h copy). */
static void copy_plain(struct qt_ui *ui)
{
    char plain[2 * (QT_SECRET_MAX + 300)], line[sizeof plain + 16];
    if (!W.w->pass) {
        qt_ui_flash(ui, "no password given");
        return;
    }
    if (qt_auth_plain(W.w->in.account, qt_secret_str(W.w->pass), qt_secret_len(W.w->pass), plain, sizeof plain) < 0)
        qt_ui_flash(ui, "account or password too long to encode");
    else {
        snprintf(line, sizeof line, "AUTH PLAIN %s", plain);
        qt_ui_copy(ui, "the AUTH PLAIN string", line, 1);
    }
    qt_secret_wipe(plain, sizeof plain);
    qt_secret_wipe(line, sizeof line);
}

/* -- the list of steps -- */

static int t_start(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    begin(ui, in, 0);
    return 1;
}

static int t_next(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    int s;
    (void)in, (void)row_id, (void)ch;
    if (not_started(ui))
        return 1;
    s = next_step();
    if (s < 0)
        qt_ui_flash(ui, "every step has run (r on a selected step runs it again)");
    else
        run_step(ui, s);
    return 1;
}

static int t_all(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    if (not_started(ui))
        return 1;
    if (W.job_id >= 0) {
        qt_ui_flash(ui, "a step is still running (q aborts it)");
        return 1;
    }
    if (next_step() < 0) {
        qt_ui_flash(ui, "every step has run (r on a selected step runs it again)");
        return 1;
    }
    W.run_all = 1;
    run_remaining(ui);
    return 1;
}

/* r: the selected step (the one cursor), run again */
static int t_retry(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    int s = step_of(row_id);
    (void)in, (void)ch;
    if (not_started(ui))
        return 1;
    if (s < 0)
        qt_ui_flash(ui, "select a step first (arrows), then r");
    else
        rerun(ui, s);
    return 1;
}

static int t_edit(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    if (!not_started(ui))
        begin(ui, in, 1);
    return 1;
}

static int t_mech(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    if (!not_started(ui))
        cycle_mech(ui);
    return 1;
}

static int t_show(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    if (!not_started(ui))
        show_strings(ui);
    return 1;
}

static int t_copy(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    if (!not_started(ui))
        copy_plain(ui);
    return 1;
}

static int t_quit(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    if (!W.w || !W.started)
        return 0;   /* the shell's q: back or quit */
    if (!abort_step(ui))
        close_wizard(ui);
    return 1;
}

/* -- one step's detail: the keys act on the step the view shows -- */

static int d_retry(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    int s = step_of(in->key);
    (void)row_id, (void)ch;
    if (!W.w || s < 0)
        return 0;
    rerun(ui, s);
    return 1;
}

static int d_show(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    if (!W.w || step_of(in->key) < 0)
        return 0;
    show_strings(ui);
    return 1;
}

/* y in a step: its fix, like a finding's (clipboard and a 0600 file); the
 * fixes name the password only as <password>. */
static int d_copy(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    int s = step_of(in->key);
    (void)row_id, (void)ch;
    if (!W.w || s < 0)
        return 0;
    if (!W.w->res[s].fix || !*W.w->res[s].fix)
        qt_ui_flash(ui, "this step has no fix to copy");
    else
        qt_ui_copy(ui, "the step's fix", W.w->res[s].fix, 0);
    return 1;
}

static int d_quit(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    if (!W.w || step_of(in->key) < 0)
        return 0;
    return abort_step(ui);
}

/* ---- views ---- */

static void add_lines(qt_table *t, const char *label, const char *text, unsigned char role, int cmd)
{
    if (text && *text)
        qt_table_kv_text(t, label, label, role, text, cmd);
}

static void build_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    int s = step_of(in->key);
    const struct qt_wiz_result *r;
    (void)head;

    qt_table_init(t, "Auth step");
    qt_table_col(t, "", 8, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    if (!W.w || s < 0) {
        qt_table_note(t, QT_ROLE_DIM, "the wizard was closed");
        return;
    }
    r = &W.w->res[s];
    snprintf(t->title, sizeof t->title, "Auth step %d: %s", s + 1, qt_wiz_step_name(s));
    qt_table_row(t, "verdict");
    qt_table_cell(t, QT_ROLE_DIM, "verdict");
    qt_table_cell(t, verdict_role(r->verdict), "%s", qt_verdict_name(r->verdict));
    /* wrapped, never cut: commands at shell-safe points (panes/table.h) */
    add_lines(t, "command", r->command, QT_ROLE_NORMAL, 1);
    add_lines(t, "result", r->result, verdict_role(r->verdict), 0);
    add_lines(t, "why", r->explain, QT_ROLE_NORMAL, 0);
    add_lines(t, "fix", r->fix, QT_ROLE_HILITE, 1);
    add_lines(t, "detail", r->detail, QT_ROLE_NORMAL, 0);
    if (r->took > 0) {
        qt_table_row(t, "took");
        qt_table_cell(t, QT_ROLE_DIM, "took");
        qt_table_cell(t, QT_ROLE_NORMAL, "%.0f ms", r->took * 1000);
    }
    if (r->verdict == QT_V_PENDING)
        qt_table_note(t, QT_ROLE_DIM, "not run yet: r runs this step");
}

static const qt_view detail_view;

static int d_page(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    if (!W.w || step_of(in->key) < 0)
        return 0;
    return qt_view_page(ui, &detail_view, in);
}

static const struct qt_view_key detail_keys[] = {
    {{'r'}, "r", d_retry, "run this step again"},
    {{'v'}, "v", d_page, "this step whole in the pager (/ searches, q closes)"},
    {{'x'}, "x", d_show, "show the AUTH strings in a dialog (they contain the password)"},
    {{'y'}, "y", d_copy, "copy this step's fix to your clipboard (OSC 52) and a 0600 file (path shown)"},
    {{'q'}, "q", d_quit, "abort a running step; else back to the list"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view detail_view = {
    .name = "auth.step",
    .build = build_detail,
    .keys = detail_keys,
};

static void build_head(qt_table *h)
{
    const qt_wizard *w = W.w;
    char logname[48];
    qt_table_init(h, "");
    qt_table_col(h, "", 10, 0);
    qt_table_col(h, "", 40, QT_COL_FLEX);
    qt_table_row(h, "account");
    qt_table_cell(h, QT_ROLE_DIM, "account");
    qt_table_cell(h, w->domain[0] ? QT_ROLE_NORMAL : QT_ROLE_WARN, "%s%s", w->in.account,
                  w->domain[0] ? "" : "   (no @domain!)");
    qt_table_row(h, "password");
    qt_table_cell(h, QT_ROLE_DIM, "password");
    qt_table_cell(h, w->pass ? QT_ROLE_NORMAL : QT_ROLE_WARN, "%s", !w->pass ? "(none)"
                  : qt_secret_locked(w->pass) ? "set (locked in RAM, wiped on close)" : "set (wiped on close)");
    qt_table_row(h, "target");
    qt_table_cell(h, QT_ROLE_DIM, "target");
    qt_table_cell(h, QT_ROLE_NORMAL, "%s:%u  TLS %s  mechanism %s", w->target.host, w->target.port,
                  qt_tls_mode_name(w->tls), w->mech ? qt_mech_name(w->mech) : "auto");
    qt_vchkpw_log_name(w->port, w->in.remote_ip, w->in.program, logname, sizeof logname);
    qt_table_row(h, "vchkpw");
    qt_table_cell(h, QT_ROLE_DIM, "vchkpw");
    qt_table_cell(h, QT_ROLE_NORMAL, "%s %s  as %s (TCPLOCALPORT=%u; %s)", w->in.vchkpw, w->in.program, logname,
                  w->port, w->in.vchkpw_origin == QT_ORIGIN_EXPLICIT ? "named by you" : "detected: trust-checked");
}

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)in;
    qt_table_init(t, "Auth wizard");
    qt_table_col(t, "#", 2, QT_COL_RIGHT);
    qt_table_col(t, "STEP", 12, 0);
    qt_table_col(t, "COMMAND", 24, 0);
    qt_table_col(t, "RESULT", 30, QT_COL_FLEX);
    qt_table_col(t, "VERDICT", 7, 0);
    if (W.w && W.started) {
        build_head(head);
        int next = next_step();
        if (next < 0)
            snprintf(t->title, sizeof t->title, "Auth wizard: %.80s, all %d steps run", W.w->in.account, QT_WS_COUNT);
        else
            snprintf(t->title, sizeof t->title, "Auth wizard: %.80s, next: step %d/%d", W.w->in.account, next + 1,
                     QT_WS_COUNT);
    } else {
        qt_table_note(t, QT_ROLE_INFO, "a starts the authentication wizard: account, password (not shown), "
                      "SMTP target, vchkpw path, service");
    }
    for (int s = 0; s < QT_WS_COUNT; s++) {
        const struct qt_wiz_result *r = W.w && W.started ? &W.w->res[s] : NULL;
        enum qt_verdict v = r ? r->verdict : QT_V_PENDING;
        qt_table_row(t, "step.%d", s);
        qt_table_cell(t, QT_ROLE_NORMAL, "%d", s + 1);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", qt_wiz_step_name(s));
        qt_table_cell(t, QT_ROLE_DIM, "%s", r && r->command ? r->command : "");
        qt_table_cell(t, verdict_role(v), "%s", r && r->result ? r->result : v == QT_V_RUNNING ? "running..." : "");
        qt_table_cell(t, verdict_role(v), "%s", qt_verdict_name(v));
    }
}

static const qt_view *drill_top(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return step_of(row_id) >= 0 ? &detail_view : NULL;
}

static const struct qt_view_key top_keys[] = {
    {{'a'}, "a", t_start, "start the wizard (asks account, password, target, vchkpw, service, public IP)"},
    {{'n'}, "n", t_next, "run the first step not run yet"},
    {{'A'}, "A", t_all, "run all remaining steps, one after the other (q aborts)"},
    {{'r'}, "r", t_retry, "run the selected step again"},
    {{'e'}, "e", t_edit, "edit the inputs (Enter at the password keeps it)"},
    {{'m'}, "m", t_mech, "next mechanism: auto, PLAIN, LOGIN, CRAM-MD5"},
    {{'x'}, "x", t_show, "show the AUTH strings in a dialog (they contain the password)"},
    {{'y'}, "y", t_copy, "copy the AUTH PLAIN string to your clipboard only (OSC 52; in tmux only with set -g set-clipboard on; warns first: it holds the password)"},
    {{'\r', '\n'}, "Enter", NULL, "open the selected step's transcript and explanation"},
    {{'q'}, "q", t_quit, "abort a running step; else close the wizard (password wiped)"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view top_view = {
    .name = "auth",
    .build = build_top,
    .drill = drill_top,
    .keys = top_keys,
};

const qt_pane_def qt_pane_auth = {
    .name = "Auth",
    .top = &top_view,
    .legend = "OK       the step passed\n"
              "WARN     works, but something will bite (encoding, certificate, HELO name)\n"
              "FAIL     the step found the problem; its fix says what to do\n"
              "SKIPPED  not run (no password, no DNS server, aborted)\n"
              "Keys     the selected step is the one Enter opens and r runs again;\n"
              "         n runs the first step not run yet, A all the remaining ones\n"
              "Secrets: the password is never shown, logged or passed in argv/environment;\n"
              "vchkpw gets it on fd 3 through a pipe, like qmail-smtpd does.",
    .hotkey = 'a',   /* the wizard from any pane */
    .hotkey_bar = "auth",
    .hotkey_help = "the authentication wizard (from any pane)",
};

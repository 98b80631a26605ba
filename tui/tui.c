/* tui.c - the console's event loop and key dispatch.
 *
 * One poll() waits on the terminal, the signal self-pipe and the fds of
 * background jobs, with a timeout that is the nearest of: next sample, job
 * deadlines, the end of a flash message. Sampling produces a snapshot;
 * drawing renders the last snapshot; a frozen console keeps the snapshot
 * and navigation keeps working on it.
 */
#include "tui/tui.h"
#include "tui/app.h"
#include "tui/term.h"
#include "panes/pane.h"
#include "report/report.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct qt_pane_state *qt_focused(struct qt_shell *ui) { return &ui->panes[ui->focus]; }
qt_level *qt_pane_level(struct qt_pane_state *p) { return &p->stack[p->depth - 1]; }

void qt_shell_view_in(struct qt_shell *ui, struct qt_view_in *in)
{
    memset(in, 0, sizeof *in);
    in->ctx = ui->ctx;
    in->snap = ui->snap;
    in->hist = ui->loaded ? NULL : &ui->sampler.hist;
    in->store = ui->loaded ? qt_report_store_views(ui->loaded) : NULL;
}

/* --- the status line and the job slots --- */

void qt_shell_flash(struct qt_shell *ui, const char *fmt, ...)
{
    va_list ap;
    char raw[256];
    char *safe;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    safe = qt_safe_strdup(raw, strlen(raw));
    snprintf(ui->flash, sizeof ui->flash, "%s", safe);
    free(safe);
    ui->flash_until = qt_now_mono() + 4;
    ui->dirty = 1;
}

static int run_job(struct qt_shell *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (!ui->jobs[i].job) {
            ui->jobs[i] = (struct qt_job_slot){.id = ++ui->next_job_id, .job = job, .done = done, .arg = arg};
            return ui->jobs[i].id;
        }
    /* no room: refuse visibly rather than block */
    job->ops->cancel(job);
    qt_shell_flash(ui, "too many background jobs running; try again when one finished");
    if (done)
        done(&ui->handle, arg);
    job->ops->free(job); /* after done(), as for a job that ran */
    return -1;
}

static void finish_job(struct qt_shell *ui, struct qt_job_slot *s, int cancel)
{
    struct qt_job_slot copy = *s;
    memset(s, 0, sizeof *s);
    if (cancel)
        copy.job->ops->cancel(copy.job);
    if (copy.done)
        copy.done(&ui->handle, copy.arg);
    copy.job->ops->free(copy.job);
    ui->dirty = 1;
}

static void cancel_job(struct qt_shell *ui, int id)
{
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job && ui->jobs[i].id == id)
            finish_job(ui, &ui->jobs[i], 1);
}

/* --- the ops table panes get (panes/ui_ops.h) --- */

static void op_flash(void *self, const char *msg) { qt_shell_flash(self, "%s", msg); }
static void op_confirm(void *self, const char *q, void (*yes)(struct qt_ui *, void *), void *arg,
                       void (*free_arg)(void *))
{
    qt_shell_confirm(self, q, yes, arg, free_arg);
}
static void op_text(void *self, const char *title, const char *text) { qt_shell_text(self, title, text); }
static int op_read_only(void *self)
{
    struct qt_shell *ui = self;
    return ui->cfg.ctx->read_only || ui->loaded;
}
static void op_resample(void *self) { ((struct qt_shell *)self)->want_sample = 1; }
static void op_prompt(void *self, const char *label, const char *initial, int secret,
                      void (*done)(struct qt_ui *, const char *, void *), void *arg)
{
    qt_shell_prompt(self, label, initial, secret, done, arg);
}
static int op_run_job(void *self, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{
    return run_job(self, job, done, arg);
}
static void op_cancel_job(void *self, int id) { cancel_job(self, id); }
static void op_dirty(void *self) { ((struct qt_shell *)self)->dirty = 1; }

static const struct qt_ui_ops shell_ops = {
    .flash = op_flash, .confirm = op_confirm, .text = op_text, .read_only = op_read_only,
    .resample = op_resample, .prompt = op_prompt, .run_job = op_run_job, .cancel_job = op_cancel_job,
    .dirty = op_dirty,
};

/* --- sampling and rebuilding --- */

static void rebuild_all(struct qt_shell *ui)
{
    struct qt_view_in in;
    qt_shell_view_in(ui, &in);
    if (!ui->snap)
        return;
    for (int i = 0; i < ui->npanes; i++) {
        struct qt_pane_state *p = &ui->panes[i];
        for (int d = 0; d < p->depth; d++)
            qt_level_build(&p->stack[d], &in);
    }
    ui->dirty = 1;
}

static void take_sample(struct qt_shell *ui)
{
    qt_snapshot *s = qt_sample(&ui->sampler, ui->cfg.ctx);
    qt_snapshot_free(ui->snap);
    ui->snap = s;
    ui->sampled_at = qt_now_mono();
    ui->next_sample = ui->sampled_at + ui->cfg.interval;
    ui->want_sample = 0;
    rebuild_all(ui);
}

/* --- navigation --- */

static void push_level(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    qt_level *l = qt_pane_level(p);
    const char *id = qt_level_selected(l);
    const qt_view *next;
    struct qt_view_in in;

    if (!id)
        return;
    qt_shell_view_in(ui, &in);
    in.key = l->key;
    next = qt_view_drill(l->view, &in, id);
    if (!next) {
        qt_shell_flash(ui, "nothing more to open here");
        return;
    }
    if (p->depth == QT_MAX_DEPTH) {
        qt_shell_flash(ui, "too deep");
        return;
    }
    qt_level_init(&p->stack[p->depth], next, id);
    p->depth++;
    qt_level_build(qt_pane_level(p), &in);
    if (!ui->zoom) {
        ui->zoom = 1;
        p->auto_zoomed = 1;
        ui->relayout = 1;
    }
    ui->dirty = 1;
}

/* Back one level; returns 0 if already at the top and not zoomed. */
static int pop_level(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    if (p->depth > 1) {
        qt_level_free(&p->stack[--p->depth]);
        if (p->depth == 1 && p->auto_zoomed) {
            ui->zoom = 0;
            p->auto_zoomed = 0;
            ui->relayout = 1;
        }
        ui->dirty = 1;
        return 1;
    }
    if (ui->zoom) {
        ui->zoom = 0;
        p->auto_zoomed = 0;
        ui->relayout = 1;
        ui->dirty = 1;
        return 1;
    }
    return 0;
}

static void set_focus(struct qt_shell *ui, int i)
{
    if (i < 0 || i >= ui->npanes || i == ui->focus)
        return;
    if (ui->zoom && qt_focused(ui)->auto_zoomed) {
        /* leaving a drilled pane: keep its stack, drop the automatic zoom */
        qt_focused(ui)->auto_zoomed = 0;
        ui->zoom = 0;
    }
    ui->focus = i;
    ui->relayout = 1;
    ui->dirty = 1;
}

static int page_rows(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    int h = p->win ? getmaxy(p->win) : 10;
    return h > 4 ? h - 3 : 1;
}

/* --- input line (search / filter) --- */

static void input_begin(struct qt_shell *ui, enum qt_input_mode m)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    ui->input = m;
    if (m == QT_INPUT_FILTER) {
        snprintf(ui->input_saved, sizeof ui->input_saved, "%s", l->filter);
        snprintf(ui->input_buf, sizeof ui->input_buf, "%s", l->filter);
    } else {
        snprintf(ui->input_saved, sizeof ui->input_saved, "%s", l->search);
        ui->input_saved_sel = l->sel;
        ui->input_buf[0] = '\0';
    }
    curs_set(1);
    ui->dirty = 1;
}

static void input_apply(struct qt_shell *ui)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    if (ui->input == QT_INPUT_FILTER) {
        snprintf(l->filter, sizeof l->filter, "%s", ui->input_buf);
        qt_level_refilter(l);
    } else {
        snprintf(l->search, sizeof l->search, "%s", ui->input_buf);
        l->sel = ui->input_saved_sel;
        qt_level_search(l, 1, 1);
    }
}

static void input_key(struct qt_shell *ui, int key, int is_code)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    size_t n = strlen(ui->input_buf);

    if (!is_code && (key == '\r' || key == '\n')) {
        ui->input = QT_INPUT_NONE;
        curs_set(0);
    } else if (!is_code && key == 27) {
        snprintf(ui->input_buf, sizeof ui->input_buf, "%s", ui->input_saved);
        if (ui->input == QT_INPUT_FILTER) {
            input_apply(ui);
        } else {
            snprintf(l->search, sizeof l->search, "%s", ui->input_saved);
            l->sel = ui->input_saved_sel;
        }
        ui->input = QT_INPUT_NONE;
        curs_set(0);
    } else if ((is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8))) {
        if (n)
            ui->input_buf[n - 1] = '\0';
        input_apply(ui);
    } else if (!is_code && key >= 32 && key < 127 && n + 1 < sizeof ui->input_buf) {
        ui->input_buf[n] = (char)key;
        ui->input_buf[n + 1] = '\0';
        input_apply(ui);
    }
    ui->dirty = 1;
}

/* --- export (w) --- */

/* Write Markdown + JSON of what is on screen: every pane with its top
 * level's filter and sort, the snapshot as frozen or live. */
static void export_report(struct qt_shell *ui)
{
    struct qt_report_view_state vs[16];
    struct qt_report_in in;
    char paths[2048], err[512];

    if (!ui->snap) {
        qt_shell_flash(ui, "nothing to export yet: no sample taken");
        return;
    }
    for (int i = 0; i < ui->npanes; i++) {
        qt_level *l = &ui->panes[i].stack[0];
        vs[i] = (struct qt_report_view_state){.pane = ui->panes[i].def->name, .filter = l->filter,
                                              .sort_col = qt_level_sort_col(l), .sort_desc = qt_level_sort_desc(l)};
    }
    memset(&in, 0, sizeof in);
    in.ctx = ui->ctx;
    in.snap = ui->snap;
    in.hist = ui->loaded ? NULL : &ui->sampler.hist;
    in.store = ui->loaded;
    in.frozen = ui->frozen;
    in.views = vs;
    in.nviews = (size_t)ui->npanes;
    if (qt_report_export(&in, ui->cfg.report_dir, paths, sizeof paths, err, sizeof err) == 0)
        qt_shell_flash(ui, "report written: %s", paths);
    else
        qt_shell_flash(ui, "report NOT written: %s", err);
}

/* --- keys --- */

static void handle_key(struct qt_shell *ui, int key, int is_code)
{
    struct qt_pane_state *p = qt_focused(ui);
    qt_level *l = qt_pane_level(p);

    if (is_code && key == KEY_RESIZE) {
        ui->relayout = 1;
        ui->dirty = 1;
        return;
    }
    if (qt_dialog_key(ui, key, is_code))
        return;
    if (ui->input != QT_INPUT_NONE) {
        input_key(ui, key, is_code);
        return;
    }
    if (!is_code && key == 'Q') {
        ui->quit = 1;
        return;
    }
    if (ui->too_small)
        return;
    /* the focused view's own keys come first */
    if (!is_code && l->view->key && ui->snap) {
        struct qt_view_in in;
        qt_shell_view_in(ui, &in);
        in.key = l->key;
        if (l->view->key(&ui->handle, &in, qt_level_selected(l), key)) {
            ui->dirty = 1;
            return;
        }
    }
    ui->dirty = 1;
    if (is_code) {
        switch (key) {
        case KEY_UP: qt_level_move(l, -1); break;
        case KEY_DOWN: qt_level_move(l, 1); break;
        case KEY_PPAGE: qt_level_move(l, -page_rows(ui)); break;
        case KEY_NPAGE: qt_level_move(l, page_rows(ui)); break;
        case KEY_HOME: qt_level_home(l, 0); break;
        case KEY_END: qt_level_home(l, 1); break;
        case KEY_ENTER: case KEY_RIGHT: push_level(ui); break;
        case KEY_LEFT: case KEY_BACKSPACE: pop_level(ui); break;
        case KEY_BTAB: set_focus(ui, (ui->focus + ui->npanes - 1) % ui->npanes); break;
        case KEY_F(1): qt_help_open(ui); break;
        default: break;
        }
        return;
    }
    switch (key) {
    case 'k': qt_level_move(l, -1); break;
    case 'j': qt_level_move(l, 1); break;
    case 'g': qt_level_home(l, 0); break;
    case 'G': qt_level_home(l, 1); break;
    case '\r': case '\n': case 'l': push_level(ui); break;
    case 'h': case 127: case 8: case 27: pop_level(ui); break;
    case 'q':
        if (!pop_level(ui))
            ui->quit = 1;
        break;
    case '\t': set_focus(ui, (ui->focus + 1) % ui->npanes); break;
    case 'z':
        ui->zoom = !ui->zoom;
        p->auto_zoomed = 0;
        ui->relayout = 1;
        break;
    case '?': qt_help_open(ui); break;
    case '/': input_begin(ui, QT_INPUT_SEARCH); break;
    case 'n':
    case 'N':
        if (!l->search[0])
            qt_shell_flash(ui, "no search yet: / starts one");
        else if (!qt_level_search(l, key == 'n' ? 1 : -1, 0))
            qt_shell_flash(ui, "no row matches \"%s\"", l->search);
        break;
    case 'f': case '\\': input_begin(ui, QT_INPUT_FILTER); break;
    case 'c':
        l->filter[0] = '\0';
        qt_level_refilter(l);
        break;
    case '<': qt_level_sort_cycle(l, -1); break;
    case '>': qt_level_sort_cycle(l, 1); break;
    case 'I':
        if (qt_level_sort_col(l) < 0) {
            qt_shell_flash(ui, "no sort column yet: < or > picks one");
        } else {
            l->sort_col = qt_level_sort_col(l);
            l->sort_desc = !qt_level_sort_desc(l);
            qt_level_refilter(l);
        }
        break;
    case 'w':
        export_report(ui);
        break;
    case 'p': case 'Z':
        if (ui->loaded) {
            qt_shell_flash(ui, "a loaded report is frozen: it has no live data");
            break;
        }
        ui->frozen = !ui->frozen;
        qt_shell_flash(ui, ui->frozen ? "frozen: sampling paused (p resumes)" : "sampling resumed");
        if (!ui->frozen)
            ui->want_sample = 1;
        break;
    case 'r':
        if (ui->loaded)
            qt_shell_flash(ui, "a loaded report cannot be re-sampled");
        else
            ui->want_sample = 1;
        break;
    case 'a': /* the auth wizard from anywhere: focus its pane, start it there */
        for (int i = 0; i < ui->npanes; i++)
            if (strcmp(ui->panes[i].def->name, "Auth") == 0) {
                struct qt_pane_state *ap = &ui->panes[i];
                qt_level *al = qt_pane_level(ap);
                struct qt_view_in in;
                set_focus(ui, i);
                qt_shell_view_in(ui, &in);
                in.key = al->key;
                if (al->view->key && ui->snap)
                    al->view->key(&ui->handle, &in, qt_level_selected(al), 'a');
                break;
            }
        break;
    case 12: /* Ctrl-L */
        ui->repaint_all = 1;
        break;
    default:
        if (key >= '1' && key <= '9')
            set_focus(ui, key - '1');
        break;
    }
}

static void read_keys(struct qt_shell *ui)
{
    wint_t wc;
    int r;
    while ((r = get_wch(&wc)) != ERR) {
        handle_key(ui, (int)wc, r == KEY_CODE_YES);
        if (ui->quit)
            return;
    }
}

/* --- loop --- */

static int poll_timeout(struct qt_shell *ui, double now)
{
    double until = now + 60;
    if (!ui->loaded && !ui->frozen && ui->next_sample < until)
        until = ui->next_sample;
    if (!ui->loaded && ui->want_sample)
        until = now;
    if (ui->flash[0] && ui->flash_until > now && ui->flash_until < until)
        until = ui->flash_until;
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job) {
            double dl = ui->jobs[i].job->ops->deadline(ui->jobs[i].job);
            if (dl < until)
                until = dl;
        }
    if (until <= now)
        return 0;
    return (int)ceil((until - now) * 1000);
}

static void run_jobs(struct qt_shell *ui, struct pollfd *pfd, int *owner_of, int nfds, double now)
{
    for (int i = 0; i < QT_MAX_JOBS; i++) {
        struct qt_job_slot *s = &ui->jobs[i];
        struct pollfd mine[QT_JOB_MAXFDS];
        int n = 0, ready = 0;
        if (!s->job)
            continue;
        for (int k = 0; k < nfds; k++)
            if (owner_of[k] == i && n < QT_JOB_MAXFDS) {
                mine[n] = pfd[k];
                ready |= pfd[k].revents != 0;
                n++;
            }
        if (ready || now >= s->job->ops->deadline(s->job)) {
            if (s->job->ops->step(s->job, mine, n, now))
                finish_job(ui, s, 0);
            ui->dirty = 1;
        }
    }
}

static void loop(struct qt_shell *ui)
{
    while (!ui->quit && !qt_term_signalled()) {
        struct pollfd pfd[2 + QT_MAX_JOBS * QT_JOB_MAXFDS];
        int owner_of[2 + QT_MAX_JOBS * QT_JOB_MAXFDS];
        int n = 0, r;
        double now = qt_now_mono();

        if (!ui->loaded && (ui->want_sample || (!ui->frozen && now >= ui->next_sample))) {
            take_sample(ui);
            if (ui->frozen && !ui->want_sample)
                qt_shell_flash(ui, "new sample taken while frozen");
        }
        if (ui->flash[0] && now >= ui->flash_until) {
            ui->flash[0] = '\0';
            ui->dirty = 1;
        }
        if (ui->dirty || ui->relayout)
            qt_draw(ui);

        pfd[n] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
        owner_of[n++] = -1;
        pfd[n] = (struct pollfd){.fd = qt_term_signal_fd(), .events = POLLIN};
        owner_of[n++] = -1;
        for (int i = 0; i < QT_MAX_JOBS; i++)
            if (ui->jobs[i].job) {
                int k = ui->jobs[i].job->ops->pollfds(ui->jobs[i].job, pfd + n, QT_JOB_MAXFDS);
                for (int j = 0; j < k; j++)
                    owner_of[n + j] = i;
                n += k;
            }
        for (int i = 0; i < n; i++)
            pfd[i].revents = 0;
        r = poll(pfd, (nfds_t)n, poll_timeout(ui, now));
        if (r < 0 && errno != EINTR)
            break;
        /* SIGWINCH interrupts poll; ncurses then reports KEY_RESIZE */
        read_keys(ui);
        run_jobs(ui, pfd + 2, owner_of + 2, n - 2, qt_now_mono());
    }
}

int qt_tui_run(const struct qt_tui_config *o)
{
    struct qt_shell *ui;
    struct qt_term_opts to = {.no_color = o->no_color, .ascii = o->ascii};

    if (qt_term_init(&to) != 0)
        return 1;
    const qt_pane_def *const *panes = qt_panes;
    size_t npanes = qt_npanes;

    ui = qt_calloc(1, sizeof *ui);
    ui->handle = (struct qt_ui){.ops = &shell_ops, .self = ui};
    ui->cfg = *o;
    ui->ctx = o->ctx;
    if (o->store) {
        ui->loaded = o->store;
        ui->ctx = qt_report_store_ctx(o->store);
        panes = qt_report_store_panes(o->store, &npanes);
        ui->frozen = 1;
    }
    ui->npanes = (int)(npanes < 16 ? npanes : 16);
    for (int i = 0; i < ui->npanes; i++) {
        ui->panes[i].def = panes[i];
        qt_level_init(&ui->panes[i].stack[0], panes[i]->top, NULL);
        ui->panes[i].depth = 1;
        if (ui->loaded) {
            const struct qt_report_view_state *st = qt_report_store_state(o->store, panes[i]->name);
            if (st) {
                snprintf(ui->panes[i].stack[0].filter, sizeof ui->panes[i].stack[0].filter, "%s",
                         st->filter ? st->filter : "");
                ui->panes[i].stack[0].sort_col = st->sort_col;
                ui->panes[i].stack[0].sort_desc = st->sort_desc;
            }
        }
    }
    ui->relayout = 1;
    if (ui->loaded) {
        /* the store owns this snapshot: never freed or replaced by the shell */
        ui->snap = (qt_snapshot *)qt_report_store_snapshot(o->store);
        rebuild_all(ui);
    } else {
        ui->want_sample = 1;
    }
    loop(ui);

    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job)
            finish_job(ui, &ui->jobs[i], 1);
    if (ui->dlg.kind != QT_DLG_NONE)
        qt_dialog_close(ui);
    qt_layout_free(ui);
    qt_term_done();
    for (int i = 0; i < ui->npanes; i++)
        while (ui->panes[i].depth > 0)
            qt_level_free(&ui->panes[i].stack[--ui->panes[i].depth]);
    if (!ui->loaded)
        qt_snapshot_free(ui->snap);
    qt_sampler_free(&ui->sampler);
    {
        int sig = qt_term_signalled();
        free(ui);
        return sig ? 128 + sig : 0;
    }
}

/* loop.c - the console's event loop, sampling, and its start and end.
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
#include "panes/probes.h"
#include "diag/ports/ports.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void probe_done(struct qt_ui *h, void *arg)
{
    (void)h;
    qt_probe_sched_done(qt_panes_probes(), (int)(intptr_t)arg);
}

/* Start the probes that are due (issue 18) as background jobs, leaving
 * room for the panes' own jobs. */
static void start_probes(struct qt_shell *ui)
{
    int free_slots = 0, slot;
    qt_job *j;

    if (ui->loaded)
        return;
    for (int i = 0; i < QT_MAX_JOBS; i++)
        free_slots += !ui->jobs[i].job;
    while (free_slots-- > 4 && (j = qt_probe_sched_next(qt_panes_probes(), ui->cfg.ctx, qt_now_mono(), &slot)))
        qt_jobs_start(ui, j, probe_done, (void *)(intptr_t)slot);
}

/* Does a view on screen show data of `need` (QT_VIEW_NEEDS_*)? Before the
 * first layout nothing is on screen yet: yes, the first frame may show it. */
static int views_need(const struct qt_shell *ui, unsigned need)
{
    int laid_out = 0;
    for (int i = 0; i < ui->npanes; i++) {
        const struct qt_pane_state *p = &ui->panes[i];
        if (!p->win)
            continue;
        laid_out = 1;
        if (p->depth > 0 && p->stack[p->depth - 1].view && (p->stack[p->depth - 1].view->needs & need))
            return 1;
    }
    return !laid_out;
}

/* A view that shows byte counters came on screen and the sample has none
 * because none was asked for: sample again now rather than show "-" for
 * a whole interval. */
static void want_bytes_now(struct qt_shell *ui)
{
    const qt_sockets *m = ui->snap ? ui->snap->sockets : NULL;
    if (!ui->loaded && !ui->frozen && m && !m->tcp_info && views_need(ui, QT_VIEW_NEEDS_BYTES))
        ui->want_sample = 1;
}

static void take_sample(struct qt_shell *ui)
{
    qt_snapshot *s;

    /* byte counters cost the kernel a tcp_info per connection: only for the views that show them */
    ui->sample_ctx = *ui->cfg.ctx;
    ui->sample_ctx.want_bytes = views_need(ui, QT_VIEW_NEEDS_BYTES);
    s = qt_sample(&ui->sampler, &ui->sample_ctx);
    /* the probes' latest results join this sample's findings and metrics */
    qt_probe_sched_update(qt_panes_probes(), ui->cfg.ctx, s);
    qt_probe_sched_report(qt_panes_probes(), s);
    qt_ptr_join(s);   /* after the probes, in the batch path's order */
    qt_snapshot_free(ui->snap);
    ui->snap = s;
    ui->sampled_at = qt_now_mono();
    ui->next_sample = ui->sampled_at + ui->cfg.interval;
    ui->want_sample = 0;
    rebuild_all(ui);
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
    until = qt_jobs_deadline(ui, until);
    if (until <= now)
        return 0;
    return (int)ceil((until - now) * 1000);
}

/* Returns 0 when the user quit or a signal arrived, else the errno of a
 * failed poll(). */
static int loop(struct qt_shell *ui)
{
    while (!ui->quit && !qt_term_signalled()) {
        struct pollfd pfd[2 + QT_MAX_JOBS * QT_JOB_MAXFDS];
        int owner_of[2 + QT_MAX_JOBS * QT_JOB_MAXFDS];
        int n = 0, r;
        double now = qt_now_mono();

        want_bytes_now(ui);
        if (!ui->loaded && (ui->want_sample || (!ui->frozen && now >= ui->next_sample))) {
            take_sample(ui);
            if (ui->frozen && !ui->want_sample)
                qt_shell_flash(ui, "new sample taken while frozen");
        }
        start_probes(ui);
        qt_ptr_start(ui);
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
        n += qt_jobs_pollfds(ui, pfd + n, owner_of + n);
        for (int i = 0; i < n; i++)
            pfd[i].revents = 0;
        r = poll(pfd, (nfds_t)n, poll_timeout(ui, now));
        if (r < 0 && errno != EINTR)
            return errno;
        /* SIGWINCH interrupts poll; ncurses then reports KEY_RESIZE */
        qt_keys_read(ui);
        qt_jobs_step(ui, pfd + 2, owner_of + 2, n - 2, qt_now_mono());
    }
    return 0;
}

/* --- start and end --- */

static void panes_init(struct qt_shell *ui, const qt_pane_def *const *panes, size_t npanes)
{
    ui->npanes = (int)npanes;
    ui->panes = qt_calloc(npanes ? npanes : 1, sizeof *ui->panes);
    for (int i = 0; i < ui->npanes; i++) {
        qt_level *top = &ui->panes[i].stack[0];
        ui->panes[i].def = panes[i];
        qt_level_init(top, panes[i]->top, NULL);
        ui->panes[i].depth = 1;
        if (ui->loaded) {
            const struct qt_report_view_state *st = qt_report_store_state(ui->loaded, panes[i]->name);
            if (st) {
                snprintf(top->filter, sizeof top->filter, "%s", st->filter ? st->filter : "");
                top->sort_col = st->sort_col;
                top->sort_desc = st->sort_desc;
            }
        }
    }
}

static void shell_free(struct qt_shell *ui)
{
    for (int i = 0; i < ui->npanes; i++)
        while (ui->panes[i].depth > 0)
            qt_level_free(&ui->panes[i].stack[--ui->panes[i].depth]);
    free(ui->panes);
    if (!ui->loaded)
        qt_snapshot_free(ui->snap);
    qt_sampler_free(&ui->sampler);
    free(ui);
}

int qt_tui_run(const struct qt_tui_config *cfg)
{
    struct qt_shell *ui;
    struct qt_term_opts to = {.no_color = cfg->no_color, .ascii = cfg->ascii};
    const qt_pane_def *const *panes = qt_panes;
    size_t npanes = qt_npanes;
    int err, sig;

    if (qt_term_init(&to) != 0)
        return 1;
    ui = qt_calloc(1, sizeof *ui);
    qt_shell_bind(ui);
    ui->cfg = *cfg;
    ui->ctx = cfg->ctx;
    if (cfg->store) {
        ui->loaded = cfg->store;
        ui->ctx = qt_report_store_ctx(cfg->store);
        panes = qt_report_store_panes(cfg->store, &npanes);
        ui->frozen = 1;
    }
    panes_init(ui, panes, npanes);
    ui->relayout = 1;
    if (ui->loaded) {
        /* the store owns this snapshot: never freed or replaced by the shell */
        ui->snap = (qt_snapshot *)qt_report_store_snapshot(cfg->store);
        rebuild_all(ui);
    } else {
        ui->want_sample = 1;
    }
    err = loop(ui);

    qt_jobs_cancel_all(ui);
    qt_ptr_free();
    if (ui->dlg.kind != QT_DLG_NONE)
        qt_dialog_close(ui);
    qt_layout_free(ui);
    qt_term_done();
    sig = qt_term_signalled();
    shell_free(ui);
    if (err) {
        /* after the terminal is restored, so the message stays readable */
        fprintf(stderr, "qtriage: the console stopped: poll: %s\n", strerror(err));
        return 1;
    }
    return sig ? 128 + sig : 0;
}

/* shell.c - the services panes get (the ops table of panes/ui_ops.h) and
 * the small accessors every other tui/ file shares. */
#include "tui/app.h"
#include "report/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* --- the ops table panes get (panes/ui_ops.h); self is the shell --- */

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
    return qt_jobs_start(self, job, done, arg);
}
static void op_cancel_job(void *self, int id) { qt_jobs_cancel(self, id); }
static void op_dirty(void *self) { ((struct qt_shell *)self)->dirty = 1; }
static void op_copy(void *self, const char *what, const char *text, int secret)
{
    qt_clip_copy(self, what, text, secret);
}

static const struct qt_ui_ops shell_ops = {
    .flash = op_flash, .confirm = op_confirm, .text = op_text, .read_only = op_read_only,
    .resample = op_resample, .prompt = op_prompt, .run_job = op_run_job, .cancel_job = op_cancel_job,
    .dirty = op_dirty, .copy = op_copy,
};

void qt_shell_bind(struct qt_shell *ui) { ui->handle = (struct qt_ui){.ops = &shell_ops, .self = ui}; }

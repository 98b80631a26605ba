/* ui_ops.c - the qt_ui_* wrappers: format, then forward to the table. */
#include "panes/ui_ops.h"

#include <stdarg.h>
#include <stdio.h>

void qt_ui_flash(struct qt_ui *ui, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ui->ops->flash(ui->self, msg);
}

void qt_ui_confirm(struct qt_ui *ui, const char *question, void (*yes)(struct qt_ui *, void *), void *arg,
                   void (*free_arg)(void *))
{
    ui->ops->confirm(ui->self, question, yes, arg, free_arg);
}

void qt_ui_text(struct qt_ui *ui, const char *title, const char *text) { ui->ops->text(ui->self, title, text); }
int qt_ui_read_only(const struct qt_ui *ui) { return ui->ops->read_only(ui->self); }
void qt_ui_resample(struct qt_ui *ui) { ui->ops->resample(ui->self); }

void qt_ui_prompt(struct qt_ui *ui, const char *label, const char *initial, int secret,
                  void (*done)(struct qt_ui *, const char *, void *), void *arg)
{
    ui->ops->prompt(ui->self, label, initial, secret, done, arg);
}

int qt_ui_run_job(struct qt_ui *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{
    return ui->ops->run_job(ui->self, job, done, arg);
}

void qt_ui_cancel_job(struct qt_ui *ui, int id) { ui->ops->cancel_job(ui->self, id); }
void qt_ui_dirty(struct qt_ui *ui) { ui->ops->dirty(ui->self); }
void qt_ui_copy(struct qt_ui *ui, const char *what, const char *text, int secret)
{
    ui->ops->copy(ui->self, what, text, secret);
}

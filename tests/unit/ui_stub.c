/* ui_stub.c - the shell's services for unit tests that link panes but
 * never drive a view's keys (e.g. option parsing pulls in the report code,
 * which reaches the panes). Any call is a test bug: it aborts. */
#include <stdlib.h>

#include "tui/ui.h"

static void never(void) { abort(); }

void qt_ui_flash(struct qt_ui *ui, const char *fmt, ...) { (void)ui; (void)fmt; never(); }
void qt_ui_confirm(struct qt_ui *ui, const char *q, void (*yes)(struct qt_ui *, void *), void *arg,
                   void (*free_arg)(void *)) { (void)ui; (void)q; (void)yes; (void)arg; (void)free_arg; never(); }
void qt_ui_text(struct qt_ui *ui, const char *title, const char *text) { (void)ui; (void)title; (void)text; never(); }
int qt_ui_read_only(const struct qt_ui *ui) { (void)ui; never(); return 1; }
void qt_ui_resample(struct qt_ui *ui) { (void)ui; never(); }
void qt_ui_prompt(struct qt_ui *ui, const char *label, const char *initial, int secret,
                  void (*done)(struct qt_ui *, const char *, void *), void *arg)
{ (void)ui; (void)label; (void)initial; (void)secret; (void)done; (void)arg; never(); }
int qt_ui_run_job(struct qt_ui *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{ (void)ui; (void)job; (void)done; (void)arg; never(); return -1; }
void qt_ui_cancel_job(struct qt_ui *ui, int id) { (void)ui; (void)id; never(); }
void qt_ui_dirty(struct qt_ui *ui) { (void)ui; never(); }

/* ui.h - services the shell offers to panes (dialogs, status line, jobs).
 * Every call returns at once; dialogs are modal states of the one event loop.
 */
#ifndef QT_UI_H
#define QT_UI_H

struct qt_ui;

/* Show a message in the status line for a few seconds. */
void qt_ui_flash(struct qt_ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ask "question [y/N]"; on y, call yes(arg). free_arg(arg) is called in every
 * case once the dialog closes (may be NULL). */
void qt_ui_confirm(struct qt_ui *ui, const char *question, void (*yes)(struct qt_ui *, void *),
                   void *arg, void (*free_arg)(void *));
/* Scrollable read-only text (e.g. iptables lines to copy). text is copied. */
void qt_ui_text(struct qt_ui *ui, const char *title, const char *text);
/* 1 when --read-only (or a loaded report): destructive actions must refuse with a message. */
int qt_ui_read_only(const struct qt_ui *ui);
/* Take a new sample as soon as possible. */
void qt_ui_resample(struct qt_ui *ui);

/* Ask for one line of text in a modal prompt. secret: no echo, shown as '*'.
 * done(ui, text, arg) gets the text, or NULL when the user cancelled (Esc).
 * The shell wipes its copy of the text (OPENSSL_cleanse) right after done()
 * returns: keep nothing pointing into it. */
void qt_ui_prompt(struct qt_ui *ui, const char *label, const char *initial, int secret,
                  void (*done)(struct qt_ui *, const char *text, void *arg), void *arg);

struct qt_job;
/* Run a background job (diag/core/job.h) in the event loop. done(ui, arg) is called
 * once it finished (or was cancelled at quit); then the shell frees the job.
 * Returns an id for qt_ui_cancel_job(). */
int qt_ui_run_job(struct qt_ui *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *arg), void *arg);
/* Cancel a running job (its done() is still called). Unknown ids are ignored. */
void qt_ui_cancel_job(struct qt_ui *ui, int id);
/* Ask the shell to redraw the focused view soon (e.g. a job made progress). */
void qt_ui_dirty(struct qt_ui *ui);

#endif

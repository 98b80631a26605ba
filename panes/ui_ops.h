/* ui_ops.h - the services a pane may ask of whatever shows it: the status
 * line, dialogs, background jobs. The shell (tui/) fills a struct qt_ui_ops
 * and hands views a struct qt_ui; tests hand them a double of the same table
 * (tests/unit/ui_double.h). Panes call the qt_ui_* wrappers below, never the
 * table directly, and never include tui/.
 *
 * Every call returns at once; a shell's dialogs are modal states of its one
 * event loop. The callbacks a pane passes (yes, done) get the same struct
 * qt_ui back.
 */
#ifndef QT_UI_OPS_H
#define QT_UI_OPS_H

struct qt_ui;
struct qt_job;

struct qt_ui_ops {
    /* Show msg (already formatted, not yet escaped) in the status line for a few seconds. */
    void (*flash)(void *self, const char *msg);
    /* Ask "question [y/N]"; on y, call yes(ui, arg). free_arg(arg) is called in every
     * case once the dialog closes (free_arg may be NULL). */
    void (*confirm)(void *self, const char *question, void (*yes)(struct qt_ui *, void *), void *arg,
                    void (*free_arg)(void *));
    /* Scrollable read-only text (e.g. iptables lines to copy). Both strings are copied. */
    void (*text)(void *self, const char *title, const char *text);
    /* 1 when --read-only (or a loaded report): destructive actions refuse with a message. */
    int (*read_only)(void *self);
    /* Take a new sample as soon as possible. */
    void (*resample)(void *self);
    /* One line of text in a modal prompt. secret: no echo. done(ui, text, arg) gets the
     * text, or NULL when the user cancelled (Esc). The shell wipes its copy of the text
     * (OPENSSL_cleanse) right after done() returns: keep nothing pointing into it. */
    void (*prompt)(void *self, const char *label, const char *initial, int secret,
                   void (*done)(struct qt_ui *, const char *text, void *arg), void *arg);
    /* Run a background job (diag/core/job.h). done(ui, arg) is called once it finished
     * (or was cancelled); then the shell frees the job. Returns an id for cancel_job, or
     * -1 when refused (done() was then already called and the job freed). */
    int (*run_job)(void *self, struct qt_job *job, void (*done)(struct qt_ui *, void *arg), void *arg);
    /* Cancel a running job (its done() is still called). Unknown ids are ignored. */
    void (*cancel_job)(void *self, int id);
    /* Redraw the focused view soon (e.g. a job made progress). */
    void (*dirty)(void *self);
    /* The y key: put text (what it is: "the fix") on the admin's clipboard
     * through the terminal (OSC 52; tmux needs set-clipboard on). secret=0:
     * also written to a new file (mode 0600) in the report directory, its
     * path flashed. secret=1 (an AUTH string, it holds the password): a
     * warning dialog first, then the clipboard only, never a file or a log.
     * text is copied (a secret's copy is wiped once used or declined). */
    void (*copy)(void *self, const char *what, const char *text, int secret);
};

/* What a view's key handler gets: the table and the object it works on. */
struct qt_ui {
    const struct qt_ui_ops *ops;
    void *self;
};

/* The wrappers panes call (panes/ui_ops.c); each forwards to ui->ops. */
void qt_ui_flash(struct qt_ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_ui_confirm(struct qt_ui *ui, const char *question, void (*yes)(struct qt_ui *, void *), void *arg,
                   void (*free_arg)(void *));
void qt_ui_text(struct qt_ui *ui, const char *title, const char *text);
int qt_ui_read_only(const struct qt_ui *ui);
void qt_ui_resample(struct qt_ui *ui);
void qt_ui_prompt(struct qt_ui *ui, const char *label, const char *initial, int secret,
                  void (*done)(struct qt_ui *, const char *text, void *arg), void *arg);
int qt_ui_run_job(struct qt_ui *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *arg), void *arg);
void qt_ui_cancel_job(struct qt_ui *ui, int id);
void qt_ui_dirty(struct qt_ui *ui);
void qt_ui_copy(struct qt_ui *ui, const char *what, const char *text, int secret);

#endif

/* ui_double.h - the one test double of the shell's ops table
 * (panes/ui_ops.h), used by every test that drives a view's keys. It records
 * what the pane asked for and answers from a script:
 *   confirm: answer QT_UID_YES / QT_UID_NO at once, or QT_UID_HOLD the
 *            question until qt_ui_double_answer();
 *   prompt:  done() gets prompt_reply (NULL: the user pressed Esc);
 *   jobs:    QT_UID_JOBS_SYNC runs each job to its end inside run_job
 *            (aborting the test if it does not finish within job_timeout);
 *            QT_UID_JOBS_QUEUE keeps one job, as the real shell runs jobs
 *            after the key handler returned, until qt_ui_double_run_jobs()
 *            (a second job is refused like the shell refuses a job it has
 *            no room for: cancelled, flashed, done(), freed).
 * Hand views &d->ui. Strings the pane passed are copied. */
#ifndef QT_TEST_UI_DOUBLE_H
#define QT_TEST_UI_DOUBLE_H

#include "panes/ui_ops.h"

enum { QT_UID_NO = 0, QT_UID_YES = 1, QT_UID_HOLD = 2 };
enum { QT_UID_JOBS_SYNC = 0, QT_UID_JOBS_QUEUE = 1 };

struct qt_ui_double {
    struct qt_ui ui;           /* what views get */
    /* the script */
    int read_only;
    int answer;                /* QT_UID_NO (default), QT_UID_YES, QT_UID_HOLD */
    int job_mode;              /* QT_UID_JOBS_SYNC (default) or QT_UID_JOBS_QUEUE */
    double job_timeout;        /* seconds a job may take (default 5) */
    const char *prompt_reply;  /* NULL: the prompt is cancelled */
    const char *const *prompt_replies; /* when set: one reply per prompt, in order; past the
                                        * NULL that ends it, prompts are cancelled */
    /* the record */
    char flash[512];           /* the last flash */
    int flashes;
    char question[512];        /* the last confirm question ("" once a held one is answered) */
    int confirms;
    char title[128];           /* the last text dialog */
    char *text;
    char prompt_label[128];
    int prompts, resamples, dirty, jobs;
    char copy_what[64];        /* the last y: what, its text, secret flag */
    char *copied;
    int copy_secret, copies;
    /* a held confirm */
    void (*yes)(struct qt_ui *, void *);
    void *arg;
    void (*free_arg)(void *);
    /* a queued job */
    struct qt_job *job;
    void (*done)(struct qt_ui *, void *);
    void *job_arg;
};

/* A prompt_replies entry that answers with the prompt's initial text, as
 * Enter on a pre-filled prompt does. */
extern const char qt_ui_double_initial[];

/* Set every field to its default and point d->ui at the double's table. */
void qt_ui_double_init(struct qt_ui_double *d);
/* Clear the last flash and question (before the next key). */
void qt_ui_double_clear(struct qt_ui_double *d);
/* Answer the held confirm: yes calls its yes(); free_arg() in both cases. */
void qt_ui_double_answer(struct qt_ui_double *d, int yes);
/* Run the queued job to its end, then done(), then free it. Returns 0, or
 * -1 when it did not finish within job_timeout (it is still freed). 0 when
 * no job is queued. */
int qt_ui_double_run_jobs(struct qt_ui_double *d);
/* Free what the double copied or holds (a held confirm's arg, a queued job). */
void qt_ui_double_free(struct qt_ui_double *d);

#endif

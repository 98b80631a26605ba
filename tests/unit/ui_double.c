/* ui_double.c - the test double of the shell's ops table (ui_double.h). */
#include "tests/unit/ui_double.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/core/job.h"
#include "diag/core/util.h"

static void d_flash(void *self, const char *msg)
{
    struct qt_ui_double *d = self;
    snprintf(d->flash, sizeof d->flash, "%s", msg);
    d->flashes++;
}

static void d_confirm(void *self, const char *q, void (*yes)(struct qt_ui *, void *), void *arg,
                      void (*free_arg)(void *))
{
    struct qt_ui_double *d = self;
    snprintf(d->question, sizeof d->question, "%s", q);
    d->confirms++;
    if (d->answer == QT_UID_HOLD) {
        if (d->free_arg) /* a dialog replaces the open one, as in the shell */
            d->free_arg(d->arg);
        d->yes = yes;
        d->arg = arg;
        d->free_arg = free_arg;
        return;
    }
    if (d->answer == QT_UID_YES)
        yes(&d->ui, arg);
    if (free_arg)
        free_arg(arg);
}

static void d_text(void *self, const char *title, const char *text)
{
    struct qt_ui_double *d = self;
    snprintf(d->title, sizeof d->title, "%s", title);
    free(d->text);
    d->text = qt_strdup(text);
}

static int d_read_only(void *self) { return ((struct qt_ui_double *)self)->read_only; }
static void d_resample(void *self) { ((struct qt_ui_double *)self)->resamples++; }
static void d_dirty(void *self) { ((struct qt_ui_double *)self)->dirty++; }

const char qt_ui_double_initial[] = "(initial)";

static void d_prompt(void *self, const char *label, const char *initial, int secret,
                     void (*done)(struct qt_ui *, const char *, void *), void *arg)
{
    struct qt_ui_double *d = self;
    (void)secret;
    snprintf(d->prompt_label, sizeof d->prompt_label, "%s", label);
    d->prompts++;
    if (d->prompt_replies) {
        const char *r = *d->prompt_replies;
        if (r)
            d->prompt_replies++;
        if (r == qt_ui_double_initial) {
            /* the shell edits a copy of the initial text: so does the double */
            char *copy = qt_strdup(initial ? initial : "");
            done(&d->ui, copy, arg);
            free(copy);
            return;
        }
        done(&d->ui, r, arg);
        return;
    }
    done(&d->ui, d->prompt_reply, arg);
}

static int run_one(struct qt_ui_double *d, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{
    int rc = qt_job_run(job, d->job_timeout);
    if (done)
        done(&d->ui, arg);
    job->ops->free(job);
    return rc;
}

static int d_run_job(void *self, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
{
    struct qt_ui_double *d = self;
    if (d->job_mode == QT_UID_JOBS_SYNC) {
        d->jobs++;
        if (run_one(d, job, done, arg) != 0) {
            fprintf(stderr, "ui_double: a job did not finish within %.1fs\n", d->job_timeout);
            abort();
        }
        return d->jobs;
    }
    if (d->job) {
        /* the real shell's refusal path: cancel, flash, done(), free */
        job->ops->cancel(job);
        d_flash(d, "too many background jobs running; try again when one finished");
        if (done)
            done(&d->ui, arg);
        job->ops->free(job);
        return -1;
    }
    d->jobs++;
    d->job = job;
    d->done = done;
    d->job_arg = arg;
    return d->jobs;
}

static void d_cancel_job(void *self, int id)
{
    struct qt_ui_double *d = self;
    if (d->job && id == d->jobs) {
        struct qt_job *j = d->job;
        d->job = NULL;
        j->ops->cancel(j);
        if (d->done)
            d->done(&d->ui, d->job_arg);
        j->ops->free(j);
    }
}

static void d_copy(void *self, const char *what, const char *text, int secret)
{
    struct qt_ui_double *d = self;
    snprintf(d->copy_what, sizeof d->copy_what, "%s", what);
    free(d->copied);
    d->copied = qt_strdup(text);
    d->copy_secret = secret;
    d->copies++;
}

static const struct qt_ui_ops double_ops = {
    .flash = d_flash, .confirm = d_confirm, .text = d_text, .read_only = d_read_only,
    .resample = d_resample, .prompt = d_prompt, .run_job = d_run_job, .cancel_job = d_cancel_job,
    .dirty = d_dirty, .copy = d_copy,
};

void qt_ui_double_init(struct qt_ui_double *d)
{
    memset(d, 0, sizeof *d);
    d->ui = (struct qt_ui){.ops = &double_ops, .self = d};
    d->job_timeout = 5;
}

void qt_ui_double_clear(struct qt_ui_double *d) { d->flash[0] = d->question[0] = '\0'; }

void qt_ui_double_answer(struct qt_ui_double *d, int yes)
{
    void (*y)(struct qt_ui *, void *) = d->yes;
    void (*fa)(void *) = d->free_arg;
    void *arg = d->arg;
    d->yes = NULL;
    d->free_arg = NULL;
    d->arg = NULL;
    d->question[0] = '\0';
    if (yes && y)
        y(&d->ui, arg);
    if (fa)
        fa(arg);
}

int qt_ui_double_run_jobs(struct qt_ui_double *d)
{
    struct qt_job *j = d->job;
    if (!j)
        return 0;
    d->job = NULL;
    return run_one(d, j, d->done, d->job_arg) == 0 ? 0 : -1;
}

void qt_ui_double_free(struct qt_ui_double *d)
{
    if (d->job) {
        d->job->ops->cancel(d->job);
        d->job->ops->free(d->job);
        d->job = NULL;
    }
    qt_ui_double_answer(d, 0);
    free(d->text);
    d->text = NULL;
    free(d->copied);
    d->copied = NULL;
}

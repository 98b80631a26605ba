/* jobs.c - the background job scheduler: at most QT_MAX_JOBS jobs
 * (diag/core/job.h) stepped by the event loop when their fds are ready or
 * their deadline passed. A job's done() runs before the job is freed. */
#include "tui/app.h"

#include <string.h>

int qt_jobs_start(struct qt_shell *ui, struct qt_job *job, void (*done)(struct qt_ui *, void *), void *arg)
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

void qt_jobs_cancel(struct qt_shell *ui, int id)
{
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job && ui->jobs[i].id == id)
            finish_job(ui, &ui->jobs[i], 1);
}

void qt_jobs_cancel_all(struct qt_shell *ui)
{
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job)
            finish_job(ui, &ui->jobs[i], 1);
}

double qt_jobs_deadline(struct qt_shell *ui, double until)
{
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job) {
            double dl = ui->jobs[i].job->ops->deadline(ui->jobs[i].job);
            if (dl < until)
                until = dl;
        }
    return until;
}

int qt_jobs_pollfds(struct qt_shell *ui, struct pollfd *pfd, int *owner_of)
{
    int n = 0;
    for (int i = 0; i < QT_MAX_JOBS; i++)
        if (ui->jobs[i].job) {
            int k = ui->jobs[i].job->ops->pollfds(ui->jobs[i].job, pfd + n, QT_JOB_MAXFDS);
            for (int j = 0; j < k; j++)
                owner_of[n + j] = i;
            n += k;
        }
    return n;
}

void qt_jobs_step(struct qt_shell *ui, struct pollfd *pfd, int *owner_of, int nfds, double now)
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

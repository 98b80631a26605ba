/* ptrcheck.c - the public IP's PTR in the console (issue 17): with
 * --dns-server and --public-ip, the same lookup job as --once
 * (diag/config/config_dns.c) runs in the background at start, every 10
 * minutes and when the helohost changes; its latest result joins each
 * sample's name findings as the batch path joins it. Before the first
 * lookup finished nothing is shown (no "pending" finding). */
#include "tui/app.h"
#include "diag/config/config.h"

/* process-wide like the probe scheduler (panes/probes.h): one console */
static struct qt_config_dns_sched sched;

void qt_ptr_start(struct qt_shell *ui)
{
    qt_job *j;
    int free_slots = 0;
    if (ui->loaded || !ui->snap)
        return;
    /* never take the panes' last slots: a refused start would flash "too
     * many background jobs" for work the user did not ask for */
    for (int i = 0; i < QT_MAX_JOBS; i++)
        free_slots += !ui->jobs[i].job;
    if (free_slots <= 2)
        return;
    if ((j = qt_config_dns_next(&sched, ui->cfg.ctx, ui->snap->config, qt_now_mono())))
        qt_jobs_start(ui, j, NULL, NULL);   /* its end leaves the facts in sched */
}

void qt_ptr_join(qt_snapshot *snap)
{
    qt_config_dns_join(&sched, snap);
}

void qt_ptr_free(void)
{
    qt_config_dns_sched_free(&sched);
}

/* job.c - see job.h */
#include "diag/core/job.h"
#include "diag/core/util.h"

#include <errno.h>

int qt_job_run(qt_job *j, double grace)
{
    for (;;) {
        struct pollfd pfd[QT_JOB_MAXFDS];
        int n = j->ops->pollfds(j, pfd, QT_JOB_MAXFDS);
        double now = qt_now_mono(), dl = j->ops->deadline(j);
        int ms = dl > now ? (int)((dl - now) * 1000) + 1 : 0;
        int r;

        if (now > dl + grace) {
            j->ops->cancel(j);
            return -1;
        }
        for (int i = 0; i < n; i++)
            pfd[i].revents = 0;
        r = poll(pfd, (nfds_t)n, ms);
        if (r < 0 && errno != EINTR) {
            j->ops->cancel(j);
            return -1;
        }
        if (r < 0)
            continue;
        now = qt_now_mono();
        if (r == 0 && now < dl)
            continue; /* woke early: poll rounding */
        if (j->ops->step(j, pfd, n, now))
            return 0;
    }
}

/* job.h - background work as a state machine driven by fd readiness.
 *
 * Probes (SMTP/TLS sessions, DNS through c-ares, vchkpw children) are jobs.
 * A job never blocks: it tells which fds it waits on and until when, and
 * the owner of the loop calls step() when one is ready or the deadline
 * passed. The TUI's poll() loop runs jobs alongside terminal input; tests
 * and headless modes run them with qt_job_run(). diag/ thus never needs
 * the TUI.
 *
 * Contract: every job has a deadline (monotonic seconds, qt_now_mono());
 * step() is called at the latest at that time and must then finish the
 * job (with a "timed out" result). cancel() releases everything (kills and
 * reaps children, closes fds) and may be called at any time before step()
 * returned 1; after step() returned 1 or cancel() ran, the job is not
 * called again and its owner frees it with free().
 */
#ifndef QT_JOB_H
#define QT_JOB_H

#include <poll.h>

#define QT_JOB_MAXFDS 8

typedef struct qt_job qt_job;

struct qt_job_ops {
    /* Fill up to max pollfds (fd, events) the job waits on now; return the count. */
    int (*pollfds)(qt_job *j, struct pollfd *pfd, int max);
    /* Monotonic time by which step() must be called even if nothing is ready. */
    double (*deadline)(qt_job *j);
    /* Advance. pfd/n are the pollfds from pollfds() with revents set (all 0
     * on a timeout). Return 1 when the job is finished, 0 to continue. */
    int (*step)(qt_job *j, const struct pollfd *pfd, int n, double now);
    void (*cancel)(qt_job *j);
    void (*free)(qt_job *j);
};

struct qt_job {
    const struct qt_job_ops *ops;
};

/* Run one job to completion in a private poll loop (tests, headless modes).
 * Returns 0 when it finished, -1 if it had to be cancelled because it
 * overstayed its own deadline by more than grace seconds (a bug). */
int qt_job_run(qt_job *j, double grace);

#endif

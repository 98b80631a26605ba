/* act.h - the console's actions on the live system, done by qtriage itself
 * through file descriptors: no program is run and no path is followed that
 * another user could redirect (docs/security.md, "Actions").
 *
 *  - qt_act_signal(): send a signal to a pid only while it is still the
 *    process that started at the given time (a recycled pid is refused).
 *  - qt_act_svc_control(): the restart behind the Zombies pane's R. It
 *    writes one command byte to the supervisor's control FIFO, as `svc -t
 *    DIR` does (daemontools svc.c opens supervise/control O_WRONLY|O_NONBLOCK
 *    and writes "t"; runit's `sv term` and s6's `s6-svc -t` write the same
 *    byte to the same FIFO: runsv(8) "CONTROL", skarnet s6-supervise.html).
 *    The service directory is the supervisor's own cwd, opened through
 *    <proc>/PID/cwd after the pid was checked against its start time, so
 *    no path string is resolved. The supervisor must run as root (or as
 *    the owner of the FIFO): anyone can cd into root's service directory
 *    and name a process supervise. Start time, real uid and cwd are read
 *    through one descriptor of <proc>/PID (qt_proc_open_pid), so they are
 *    one process's; supervise/ and control are opened with
 *    O_NOFOLLOW below it, and control must be a FIFO with one link owned
 *    by root (or by qtriage's own uid, which gains nothing) — what
 *    supervise, runsv and s6-supervise make with mkfifo. A symlinked
 *    supervise (Debian's runit: supervise -> /run/runit/supervise.NAME) is
 *    followed only when the link is root's, the service directory is
 *    root's and not group/other-writable, and the absolute target passes
 *    qt_trust_open_dir() (trust.h, root only). Anything else is refused
 *    with the reason.
 *
 * Every function refuses when ctx->proc is not the live "/proc": a pid read
 * from a fixture names some unrelated live process.
 * Errors: -1 and one line in err (never NULL; errlen > 0), no trailing
 * newline, naming what was refused and why. No curses, no allocation.
 */
#ifndef QT_ACT_H
#define QT_ACT_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* A process as the sample saw it. With has_ticks, its start in clock
 * ticks since boot (qt_proc.ticks: the integer starttime of
 * /proc/PID/stat) must match exactly; without, start (epoch seconds,
 * qt_proc.start) must match within 2 s (btime in /proc/stat may move by a
 * second). Callers that have the qt_proc should give the ticks. */
typedef struct qt_act_proc {
    int pid;
    int has_ticks;
    unsigned long long ticks;
    double start;
} qt_act_proc;

/* 0 when pid (> 1) is live under ctx->proc and its start time (epoch
 * seconds, as qt_proc.start) matches `start` within 2 s (btime jitter);
 * else -1: "pid N is gone", "pid N is now another process (pid reused)". */
int qt_act_same_process(const qt_ctx *ctx, int pid, double start, char *err, size_t errlen);

/* Send sig to p->pid only while it is the process p describes: the process
 * is held with pidfd_open(2), then checked (start, as above), then
 * signalled with pidfd_send_signal(2), so the process checked is the one
 * signalled; where pidfds are missing (ENOSYS, or EPERM from a seccomp
 * filter) the check is followed by kill(2). 0, or -1 and err:
 *   "pid N is gone: not signalled"
 *   "pid N is now another process (pid reused): not signalled"
 *   "pid N exited before the signal: not signalled"
 *   "refusing to act on pid N" (pid <= 1), "not reading the live /proc ..."
 *   "kill(N, SIGNAL): REASON" */
int qt_act_signal_proc(const qt_ctx *ctx, const qt_act_proc *p, int sig, char *err, size_t errlen);
/* The same with a start in epoch seconds only (2 s slack). */
int qt_act_signal(const qt_ctx *ctx, int pid, double start, int sig, char *err, size_t errlen);

/* Write the command byte cmd ('t' = what `svc -t` sends) to supervise/control
 * in the cwd of supervisor svc_pid (started at svc_start). 0 when the byte
 * was written (the supervisor acts on it asynchronously), else -1:
 *   "pid N is now another process (pid reused): supervisor not controlled"
 *   "pid N is gone: supervisor not controlled"
 *   "cannot open the supervisor's directory (<proc>/N/cwd): REASON"
 *   "pid N changed while opening its directory: supervisor not controlled"
 *   "supervisor pid N runs as uid U: not root's supervise: refused"
 *   "supervisor pid N: its uid is not readable: refused"
 *   "supervise is not a directory: refused"
 *   "supervise is a symlink owned by uid N, not root: refused"
 *   "supervise is a symlink in a service directory owned by uid N, not root: refused"
 *   "supervise is a symlink in a service directory writable by others: refused"
 *   "supervise is a relative symlink: refused"
 *   "supervise is a symlink to TARGET: WHY: refused" (WHY from the trust walk)
 *   "supervise/control is a symlink: refused"
 *   "supervise/control is not a FIFO (regular file): refused"
 *   "supervise/control is owned by uid N, not root: refused"
 *   "supervise/control has N links: refused"
 *   "no supervisor listening on supervise/control (ENXIO)"
 *   "write to supervise/control: REASON" */
int qt_act_svc_control(const qt_ctx *ctx, int svc_pid, double svc_start, char cmd, char *err, size_t errlen);
/* The same for a supervisor given as a qt_act_proc (exact start ticks). */
int qt_act_svc_control_proc(const qt_ctx *ctx, const qt_act_proc *svc, char cmd, char *err, size_t errlen);

/* The checks and the write on an already opened service directory dirfd
 * (not closed here), for callers that verified the directory and its
 * supervisor themselves (and for tests). Same results and messages as
 * above, minus the pid and supervisor ones. */
int qt_act_svc_control_at(int dirfd, char cmd, char *err, size_t errlen);

#endif

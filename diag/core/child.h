/* child.h - run a helper program (vchkpw, vuserinfo, iptables-legacy-save) as a job.
 *
 * The child gets: stdin from /dev/null; stdout and stderr into non-blocking
 * pipes (captured, bounded); optionally fd 3 = the read end of a pipe that
 * the parent filled with fd3 bytes and closed (the checkpassword interface:
 * secrets never go through argv or the environment); exactly the
 * environment envp (nothing inherited); no other open descriptors; its own
 * process group; default signal dispositions and an empty signal mask;
 * optionally other ids (drop) and the exact file checked earlier (exec_fd).
 *
 * The job finishes when the child exited and its pipes are drained, or at
 * the deadline: then the whole process group gets SIGKILL and the child is
 * reaped. cancel() does the same. Nothing is left running or unreaped.
 */
#ifndef QT_AUTH_CHILD_H
#define QT_AUTH_CHILD_H

#include <stddef.h>
#include <sys/types.h>

#include "diag/core/job.h"
#include "diag/core/util.h"

#define QT_CHILD_MAXOUT 65536   /* bytes kept per stream; the rest is counted and dropped */

struct qt_child_spec {
    const char *path;          /* program to exec (no PATH search) */
    char *const *argv;         /* argv[0] should be path; NULL-terminated */
    char *const *envp;         /* complete environment; NULL-terminated */
    const void *fd3;           /* bytes for fd 3, or NULL for no fd 3 */
    size_t fd3_len;            /* at most 4096 (one atomic pipe write) */
    double timeout;            /* seconds until the group is killed */
    int has_exec_fd;           /* 1: execute exec_fd (execveat AT_EMPTY_PATH), the file that was
                                  checked (trust.h), instead of looking path up again */
    int exec_fd;               /* not closed; the child gets a close-on-exec copy */
    int drop;                  /* 1: setgroups({gid}), setresgid, setresuid to gid/uid before exec;
                                  the child exits (exec_errno set) if any of them fails */
    unsigned uid, gid;
};

struct qt_child_result {
    int started;               /* fork succeeded */
    int exec_errno;            /* exec failed with this errno (0 = it ran) */
    int drop_failed;           /* exec_errno is from setgroups/setresgid/setresuid */
    int exited, code;          /* normal exit and its code */
    int signaled, sig;         /* killed by a signal (ours at the deadline, or a crash) */
    int timed_out;             /* we killed it at the deadline (or cancel) */
    pid_t pid;
    double took;               /* seconds from fork to reap */
    qt_buf out, err;           /* captured stdout / stderr */
    size_t dropped;            /* bytes over QT_CHILD_MAXOUT */
    char fail[160];            /* set when it could not even start (pipe/fork error) */
};

/* Start the child now (fork + exec) and return the job that watches it.
 * The spec is not kept (argv/envp/fd3 are copied into the child or written
 * before this returns). Never NULL; a failed start finishes at the first step. */
qt_job *qt_child_job_new(const struct qt_child_spec *spec);
/* The result (valid until the job is freed; complete once the job finished). */
const struct qt_child_result *qt_child_job_result(qt_job *j);

/* "exit 3", "killed by signal 9 (timeout)", "could not run: No such file". */
void qt_child_status_str(const struct qt_child_result *r, char *out, size_t n);

#endif

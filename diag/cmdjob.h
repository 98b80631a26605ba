/* cmdjob.h - run a program as a background job (job.h) with a deadline.
 *
 * No shell: argv is exec'd directly (execvp). The child gets stdin from
 * /dev/null, stdout and stderr into one pipe (the first QT_CMDJOB_OUT-1
 * bytes are kept), default signal dispositions, and its own process group,
 * which is SIGKILLed at the deadline or on cancel. The child is always
 * reaped by the job: qtriage never leaves a zombie of its own.
 */
#ifndef QT_CMDJOB_H
#define QT_CMDJOB_H

#include <stddef.h>

#include "job.h"

#define QT_CMDJOB_OUT 4096

/* Start argv[0] with argv (NULL-terminated). timeout in seconds (> 0).
 * Returns the job, or NULL with a reason in err (pipe/fork failed). An
 * exec failure is reported by the job: exit status 127 and the reason in
 * its output. */
qt_job *qt_cmd_job_new(char *const argv[], double timeout, char *err, size_t errlen);

/* After the job finished (or was cancelled): the output (NUL-terminated,
 * raw bytes), the wait status in *wstatus (-1 if not reaped normally), and
 * *timed_out (1 when it was killed at the deadline or cancelled). */
const char *qt_cmd_job_result(const qt_job *j, int *wstatus, int *timed_out);

/* Find an executable: name as is if it has a '/', else each PATH entry,
 * then each of extra (NULL-terminated, may be NULL). 0 and the path in
 * out, or -1. */
int qt_find_program(const char *name, const char *const *extra, char *out, size_t n);

#endif

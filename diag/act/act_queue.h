/* act_queue.h - removing messages from qmail's queue, the console's action
 * behind the Queue pane's D. It does what an admin does by hand with
 * qmail-send stopped (qmail INTERNALS, "How preprocessed messages are
 * delivered": qmail-send itself deletes bounce, then info, then mess): for
 * each message it removes local/, remote/, bounce/, todo/, intd/, info/
 * and mess/ last, so that an interrupted removal leaves state S2, which
 * qmail-send cleans up (INTERNALS, "Cleanups").
 *
 * Refused while qmail-send runs (a process named qmail-send under
 * ctx->proc, or that cannot be known): it keeps messages in memory and
 * would write to files that are gone. Each message is removed only while
 * its info file still says "F" + the sender the admin confirmed (a number
 * reused by a new message since the sample is kept). Files are reached
 * through directory descriptors opened inside --root (qt_ctx_open,
 * qt_rootfs_openat) and removed with unlinkat(2), which never follows a
 * link. Errors: -1 and one line in err (errlen > 0). No allocation kept.
 */
#ifndef QT_ACT_QUEUE_H
#define QT_ACT_QUEUE_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* Is qmail-send running under ctx->proc? 1 (*pid set), 0, or -1 when the
 * process table cannot be read (err says why). */
int qt_act_queue_send_running(const qt_ctx *ctx, int *pid, char *err, size_t errlen);

/* Remove the messages ids (of the queue qdir, split subdirectories) whose
 * envelope sender is still sender. *removed gets how many went, *kept how
 * many were skipped (gone already, or another sender now). 0, or -1 with
 * err: "qmail-send runs (pid N): stop it first (svc -d)",
 * "cannot read the process table: ...", "cannot open the queue ...". */
int qt_act_queue_remove(const qt_ctx *ctx, const char *qdir, unsigned split, const char *sender,
                        const unsigned long *ids, size_t n, size_t *removed, size_t *kept, char *err, size_t errlen);

#endif

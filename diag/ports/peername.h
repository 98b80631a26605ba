/* peername.h - PTR names of many peer addresses at once, as a background
 * job (job.h) over c-ares, with one deadline for the whole batch.
 *
 * Only the server given (--dns-server IP[:PORT]) is asked: the channel is
 * set with ares_set_servers_ports_csv() before any query and /etc/hosts is
 * not consulted (lookups "b"). There is no fallback to the machine's own
 * resolver; with no server there is no job.
 */
#ifndef QT_PEERNAME_H
#define QT_PEERNAME_H

#include <stddef.h>

#include "diag/core/job.h"

#define QT_PEERNAME_MAX 256   /* addresses per job */

enum qt_peername_status {
    QT_PEER_PENDING = 0,
    QT_PEER_OK,         /* name holds the PTR name */
    QT_PEER_NONE,       /* no PTR record (NXDOMAIN / no data) */
    QT_PEER_TIMEOUT,    /* no answer before the deadline */
    QT_PEER_ERROR,      /* any other failure (server refused, bad reply, ...) */
};

struct qt_peername {
    char ip[64];
    char name[256];     /* display-safe (non-printable bytes escaped) */
    enum qt_peername_status status;
};

/* Start PTR lookups against server, to finish within timeout seconds.
 * res[0..n-1].ip hold the addresses (text; at most QT_PEERNAME_MAX); the
 * job fills in name and status. res belongs to the caller and must stay
 * valid until the job finished (step() returned 1) or was cancelled; from
 * then on every entry is final (never PENDING) and the job does not touch
 * res again, not even when freed. Returns the job, or NULL with
 * a reason (bad server string, c-ares failure). */
qt_job *qt_peername_start(const char *server, struct qt_peername *res, size_t n, double timeout,
                          char *err, size_t errlen);
/* "ok", "no PTR", "timeout", "error", "pending". */
const char *qt_peername_status_name(enum qt_peername_status s);

#endif

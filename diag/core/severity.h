/* severity.h - the calibrated severity lines (docs/severity.md, which gives
 * each number and why). CRIT means users are hurt now; WARN the same below
 * these lines; INFO inventory (services no supervisor would start,
 * qt_server_inventory in diag/servers/servers.h).
 *
 * Pure functions of one sample's stable facts: no sampling noise enters a
 * CRIT that would not stay (the header counts stay still while nothing
 * changes). All functions are total: a limit <= 0 means unknown. */
#ifndef QT_SEVERITY_H
#define QT_SEVERITY_H

#include "diag/core/finding.h"

/* Saturation: accepted + queued at or above this share of the -c limit,
 * or any connection waiting in the accept queue, is CRIT. */
#define QT_SEV_SATURATION_CRIT 0.90
/* ... and at or above this share (below the CRIT line) WARN. */
#define QT_SEV_SATURATION_WARN 0.80
/* Stalled TLS handshakes (pending > QT_PORTS_HANDSHAKE_OLD s) holding at
 * least this share of the limit: CRIT; fewer: WARN. */
#define QT_SEV_STALL_CRIT 0.25
/* With no known limit, this many stalled handshakes is CRIT. */
#define QT_SEV_STALL_CRIT_CONNS 20
/* One remote IP holding at least this share of the limit, or at least
 * QT_SEV_IP_CRIT_CONNS connections: CRIT. The share counts only above
 * QT_SEV_IP_MIN_CONNS connections (the Ports pane's QT_PORTS_IP_MIN): a few
 * connections from one address (a client, a NAT) hurt nobody, even when a
 * small -c makes them 25 %. */
#define QT_SEV_IP_CRIT_SHARE 0.25
#define QT_SEV_IP_CRIT_CONNS 20
#define QT_SEV_IP_MIN_CONNS 8

/* Mail logs (issue 16, diag/logmon/logmon_check.c). Auth events are judged
 * over the last QT_SEV_LOG_AUTH_WINDOW seconds before the sample: a user
 * failing at least QT_SEV_LOG_USER_FAILS times with no success, from at most
 * QT_SEV_LOG_USER_MAX_IPS addresses, is an old saved password (WARN); an
 * address failing for at least QT_SEV_LOG_SPRAY_USERS users is password
 * spraying (WARN; CRIT when it also logged in: a guessed account); a service
 * where every attempt failed, at least QT_SEV_LOG_BROKEN_ATTEMPTS of them by
 * at least QT_SEV_LOG_BROKEN_USERS users from QT_SEV_LOG_BROKEN_IPS
 * addresses, is a broken setup (CRIT). At least QT_SEV_LOG_NO_MAILBOX
 * no_mailbox failures for one envelope sender is a dictionary attack (WARN). */
#define QT_SEV_LOG_AUTH_WINDOW 600
#define QT_SEV_LOG_USER_FAILS 10
#define QT_SEV_LOG_USER_MAX_IPS 2
#define QT_SEV_LOG_SPRAY_USERS 5
#define QT_SEV_LOG_BROKEN_ATTEMPTS 10
#define QT_SEV_LOG_BROKEN_USERS 3
#define QT_SEV_LOG_BROKEN_IPS 2
#define QT_SEV_LOG_NO_MAILBOX 20
/* tcpserver's own lines (diag/logmon/logmon_tcp_check.c): a listener at
 * its -c limit (status: N/N) for at least QT_SEV_LOG_TCP_FULL seconds of the
 * last QT_SEV_LOG_TCP_WINDOW is WARN, CRIT when it is still at it (a
 * saturation incident); at least QT_SEV_LOG_TCP_BAD_ENDS children ending
 * by a signal or with exit 111 in that window is WARN. */
#define QT_SEV_LOG_TCP_WINDOW 600
#define QT_SEV_LOG_TCP_FULL 60
#define QT_SEV_LOG_TCP_BAD_ENDS 3

/* Kernel (issue 18, diag/kernel): the conntrack table at or above this
 * share of nf_conntrack_max is WARN, at or above the CRIT share CRIT (a
 * full table drops new connections); a listener's accept queue non-empty
 * in each of the last QT_SEV_ACCEPTQ_SAMPLES samples is WARN (the ports
 * collector's CRIT says it is queued now; this says it stays). */
#define QT_SEV_CONNTRACK_WARN 0.80
#define QT_SEV_CONNTRACK_CRIT 0.95
#define QT_SEV_ACCEPTQ_SAMPLES 3

/* accepted and queued connections of a service with limit (<= 0: unknown). */
static inline enum qt_sev qt_sev_saturation(unsigned accepted, unsigned queued, long limit)
{
    if (queued)
        return QT_SEV_CRIT;
    if (limit <= 0)
        return QT_SEV_OK;
    if ((double)accepted >= QT_SEV_SATURATION_CRIT * (double)limit)
        return QT_SEV_CRIT;
    if ((double)accepted >= QT_SEV_SATURATION_WARN * (double)limit)
        return QT_SEV_WARN;
    return QT_SEV_OK;
}

/* stalled handshakes on a service (0: none: OK). */
static inline enum qt_sev qt_sev_stall(unsigned stalled, long limit)
{
    if (!stalled)
        return QT_SEV_OK;
    if (limit > 0 ? (double)stalled >= QT_SEV_STALL_CRIT * (double)limit : stalled >= QT_SEV_STALL_CRIT_CONNS)
        return QT_SEV_CRIT;
    return QT_SEV_WARN;
}

/* 1 when one IP holding conns connections of a service with limit hurts
 * the others now. */
static inline int qt_sev_ip_crit(unsigned conns, long limit)
{
    return conns >= QT_SEV_IP_CRIT_CONNS ||
           (limit > 0 && conns > QT_SEV_IP_MIN_CONNS && (double)conns >= QT_SEV_IP_CRIT_SHARE * (double)limit);
}

#endif

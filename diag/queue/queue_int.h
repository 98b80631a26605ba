/* queue_int.h - inside diag/queue only: the shared message blocks and the
 * steps of a scan (queue_scan.c reads, queue_model.c sums up). */
#ifndef QT_QUEUE_INT_H
#define QT_QUEUE_INT_H

#include "diag/queue/queue.h"

/* One split subdirectory's messages, immutable once read; shared by the
 * scan state and every model that shows it (reference-counted, atomic:
 * a model may be freed on another thread than the one that scans). */
struct qt_qblock {
    int refs;
    struct qt_qmsg *m;      /* sorted by id */
    size_t n;
    size_t mess;            /* files in mess/S (qmail-qstat's count) */
    /* its sums, made once when it is read (qt_qblock_sum), so a sample
     * that re-reads nothing merges 23 small tables instead of 100k messages */
    double *births;         /* sorted: ages and queuelifetime by binary search */
    struct qt_qcount *snd, *dom;   /* every sender / recipient domain; keys point into m */
    size_t nsnd, ndom;
    size_t local_msgs, remote_msgs, local_rcpts, remote_rcpts;
    size_t bounces, bounces_remote, double_bounces, many_rcpts, cut;
};

struct qt_qblock *qt_qblock_ref(struct qt_qblock *b);   /* NULL in, NULL out */
void qt_qblock_unref(struct qt_qblock *b);              /* frees at zero; NULL is a no-op */

/* control/queuelifetime and doublebounceto next to the queue (qmail-send(8)), into q. */
void qt_queue_controls(const qt_ctx *ctx, qt_queue *q);
/* Fill b's sums from its messages (queue_sums.c); qt_qblock_sum_free frees them. */
void qt_qblock_sum(struct qt_qblock *b);
void qt_qblock_sum_free(struct qt_qblock *b);
/* Counts, age buckets and the sender/domain tables from q's blocks' sums. */
void qt_queue_aggregate(qt_queue *q);

/* The AUTH user of the first QT_QUEUE_AUTH_SENDERS senders (not <> or
 * #@[]) from their sampled messages (queue_auth.c): sets q->senders[i].auth,
 * auth_read, auth_hits. *cache (NULL at first, the scan state's) remembers
 * messages already read; at most QT_QUEUE_AUTH_SENDERS * QT_QUEUE_AUTH_SAMPLE
 * files of QT_QUEUE_AUTH_READ bytes are read per call. */
struct qt_qauth_cache;
void qt_queue_auth(const qt_ctx *ctx, struct qt_qauth_cache **cache, qt_queue *q);
void qt_qauth_cache_free(struct qt_qauth_cache *c);   /* NULL: nothing */

/* Findings joining the queue with the logs model (snap->logs, may be NULL:
 * then nothing): a recipient domain of the queue's table that the logs show
 * deferred QT_QSEV_DEFER_COUNT times or more and never delivered to
 * (queue_logs.c). */
struct qt_logmon;
void qt_queue_deferring(const qt_queue *q, const struct qt_logmon *logs, qt_findings *out);
/* The logs' SMTP AUTH successes of user (vchkpw's "login success", the
 * model's event ring, case-insensitive): distinct IPs into ips (at most
 * max; "-" for a line without one), *logins = successes. Returns the
 * number of IPs kept; 0 when logs is NULL. */
size_t qt_queue_auth_ips(const struct qt_logmon *logs, const char *user, char ips[][46], size_t max,
                         unsigned long *logins);
/* 1 when a remote reply (as qmail-send logs it) reads like a blocklist refusal. */
int qt_queue_reply_listed(const char *reply);

#endif

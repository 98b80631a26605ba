/* queue.h - qmail's queue as qmail-send keeps it, read without writing.
 *
 * Layout (qmail INTERNALS, "Queue structure"; qmail-send(8), qmail-qread.c,
 * fmtqfn.c): message N is mess/S/N (its inode number is N), info/S/N (the
 * envelope sender "F<sender>\0", its mtime the time it entered the queue),
 * local/S/N and remote/S/N (recipients "T<addr>\0" pending, "D<addr>\0"
 * done), where S = N % split (conf-split, 23 by default: read here from the
 * tree as the numeric subdirectories of mess/). todo/N and intd/N (not yet
 * preprocessed) and bounce/N (bounce text being built) are not split in
 * stock qmail; a split todo/ or intd/ (the big-todo patch) is counted too.
 * Counts are those of qmail-qstat: "messages in queue" = files in the
 * subdirectories of mess/, "messages in queue but not yet preprocessed" =
 * files in todo/.
 * Details: docs/domain/qmail.md, section "queue".
 *
 * Read-only: no file is written and qmail-send's lock is never taken; the
 * queue is live, so a file that vanishes between the listing and the open
 * is skipped (counted in `vanished`), never an error. Every file is opened
 * through qt_rootfs_openat() below a directory opened with qt_ctx_open(),
 * so nothing leaves --root. Envelope text is raw bytes written by strangers:
 * panes escape it (qt_table_cell); it is capped here (QT_QUEUE_ADDR_MAX).
 *
 * Incremental (the collector's state): a split subdirectory is re-read only
 * when the mtime of its mess/, info/, local/ or remote/ directory changed,
 * and at most QT_QUEUE_SAMPLE_MSGS messages are read per sample; what is
 * left waits for the next sample and the model says `partial`. The
 * subdirectories one sample reads are read on QT_QUEUE_THREADS threads
 * (independent: each builds its own block); the budget is counted on their
 * info/ listings first, so the threads do not change what is read. Limits: a
 * recipient marked done in place (T -> D, no directory change) is seen when
 * its subdirectory next changes.
 *
 * Memory: a qt_queue owns its aggregates; its messages live in immutable,
 * reference-counted per-subdirectory blocks shared with the state, so a
 * sample that re-reads nothing copies nothing.
 */
#ifndef QT_QUEUE_H
#define QT_QUEUE_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"
#include "diag/core/metrics.h"

#define QT_QUEUE_SPLIT_MAX 1024           /* subdirectories looked at (conf-split is 23) */
#define QT_QUEUE_ADDR_MAX 512             /* bytes of one envelope address kept */
#define QT_QUEUE_ENV_MAX (256 * 1024)     /* bytes of an info/local/remote file read */
#define QT_QUEUE_RCPT_KEEP 16             /* recipient addresses kept per message (all are counted) */
#define QT_QUEUE_SAMPLE_MSGS 10000        /* messages read per sample (the rest: next sample); ~0.25 s */
#define QT_QUEUE_THREADS 2                /* threads reading changed subdirectories (the split dirs are independent) */
#define QT_QUEUE_RECHECK 1000           /* local/remote files stat'ed per sample for in-place done marks */
#define QT_QUEUE_MANY_RCPTS 50            /* a message to this many recipients or more is "many" */
#define QT_QUEUE_LIFETIME 604800          /* qmail-send(8) queuelifetime default: 7 days */
#define QT_QUEUE_TOP 20                   /* rows kept in the sender and domain tables */
#define QT_QUEUE_HDR_MAX (64 * 1024)      /* bytes of a message read for its headers */
#define QT_QUEUE_AUTH_SAMPLE 2           /* messages per sender read for its AUTH user */
#define QT_QUEUE_AUTH_SENDERS 5          /* top senders whose AUTH user is looked up */
#define QT_QUEUE_AUTH_READ 4096          /* bytes of a message read for it (its first two headers) */
#define QT_QUEUE_AUTH_MAX 256            /* bytes of an AUTH user kept */

/* Severity lines of the queue findings (docs/severity.md, "Queue"). */
#define QT_QSEV_GROWTH_WARN 60.0    /* messages per minute over the history, at least one minute of it */
#define QT_QSEV_GROWTH_CRIT 600.0
#define QT_QSEV_GROWTH_SPAN 60.0    /* seconds of history a rate needs */
#define QT_QSEV_SENDER_MIN 100      /* one sender's messages before its share counts */
#define QT_QSEV_SENDER_WARN 0.30    /* share of the listed messages */
#define QT_QSEV_SENDER_CRIT 0.50    /* ... and at least QT_QSEV_SENDER_CRIT_MSGS */
#define QT_QSEV_SENDER_CRIT_MSGS 1000
#define QT_QSEV_BOUNCE_MIN 50       /* bounces (<>) waiting for a remote recipient: backscatter WARN */
#define QT_QSEV_BOUNCE_CRIT 1000    /* ... CRIT */
#define QT_QSEV_DOUBLE_MIN 10       /* double bounces in the queue: WARN */
#define QT_QSEV_AUTH_IPS 5          /* the top sender's AUTH user logged in from this many IPs: CRIT */
#define QT_QSEV_DEFER_MSGS 10       /* messages queued to one domain ... */
#define QT_QSEV_DEFER_COUNT 5       /* ... that the logs show deferred this often, never delivered: WARN */
#define QT_QSEV_DEFER_CRIT 1000     /* ... CRIT with this many messages queued to it */

/* Age buckets of the pane and the metrics. */
enum { QT_QAGE_1H, QT_QAGE_1D, QT_QAGE_7D, QT_QAGE_OLDER, QT_QAGE_N };

struct qt_qmsg {
    unsigned long id;       /* message number (mess/S/ID's inode) */
    double birth;           /* info mtime: when it entered the queue (as qmail-qread shows) */
    long long size;         /* bytes of mess/S/ID; -1 when it is gone */
    char *sender;           /* raw envelope sender, "" for a bounce (<>), capped */
    unsigned local_todo, local_done, remote_todo, remote_done;
    unsigned char cut;      /* an envelope file was over QT_QUEUE_ENV_MAX: counts are lower bounds */
    char **rcpt;            /* first QT_QUEUE_RCPT_KEEP pending recipients, "L"/"R" + address, raw */
    unsigned nrcpt;
};

/* One row of the sender or domain table. key is raw (escape to show). */
struct qt_qcount {
    char *key;
    size_t msgs, rcpts;     /* messages, pending recipients */
    double oldest;          /* birth of the oldest */
    /* senders: ids of the first QT_QUEUE_AUTH_SAMPLE of its messages seen,
     * read for the SMTP AUTH user (queue_auth.c) */
    unsigned long sample[QT_QUEUE_AUTH_SAMPLE];
    unsigned nsample;
    /* senders among the first QT_QUEUE_AUTH_SENDERS: the user qmail-smtpd
     * says authenticated (its Received header), raw, capped; NULL: none
     * found in the samples (no AUTH, or not read). auth_read: samples read,
     * auth_hits: of them naming that user. */
    char *auth;
    unsigned auth_read, auth_hits;
};

struct qt_qblock;           /* one subdirectory's messages (opaque, shared) */

typedef struct qt_queue {
    char dir[512];          /* the queue directory, as on the served system */
    int absent;             /* 1: no such directory (no qmail here): everything below is 0 */
    unsigned split;         /* numeric subdirectories of mess/ */
    double now;             /* sample time */
    size_t messages;        /* qmail-qstat "messages in queue": files under mess/ */
    size_t unpreprocessed;  /* qmail-qstat "... but not yet preprocessed": files in todo/ */
    size_t intd, bounce_files;
    size_t listed;          /* messages with an info file, in the blocks below */
    size_t local_msgs, remote_msgs, local_rcpts, remote_rcpts;
    size_t bounces;         /* sender <> */
    size_t bounces_remote;  /* ... still waiting for a remote recipient (backscatter) */
    size_t double_bounces;  /* sender #@[] */
    size_t expired;         /* older than queuelifetime */
    size_t many_rcpts;      /* QT_QUEUE_MANY_RCPTS or more pending recipients */
    size_t cut;             /* envelope files over the cap */
    size_t age[QT_QAGE_N];
    double oldest;          /* birth of the oldest message; 0 when none */
    double lifetime;        /* control/queuelifetime, or the default */
    int lifetime_default;   /* 1: the control file is absent */
    char doublebounceto[256];   /* control/doublebounceto, raw; "" = absent (postmaster) */
    struct qt_qcount *senders, *domains;   /* most messages first, at most QT_QUEUE_TOP */
    size_t nsenders, ndomains;             /* rows kept */
    size_t distinct_senders, distinct_domains;
    int partial;            /* some subdirectories were not (re)read: their last state is shown */
    unsigned pending_dirs;  /* subdirectories waiting to be read */
    size_t files_read;      /* files opened this sample */
    size_t vanished;        /* files gone between listing and open this sample (normal) */
    struct qt_qblock **blocks;  /* blocks[s]: subdirectory s, may be NULL */
    unsigned long *bounce_ids;  /* files of bounce/, sorted: a bounce is being built */
    size_t nbounce_ids;
} qt_queue;

/* Incremental scan state (the collector's). */
typedef struct qt_queue_state qt_queue_state;
void qt_queue_state_free(qt_queue_state *st);

/* Read the queue into out. *st (NULL at first) keeps the blocks and mtimes
 * between calls; budget is messages read at most (0: QT_QUEUE_SAMPLE_MSGS;
 * at least one subdirectory is read per call). Returns 0 (a missing queue
 * directory sets out->absent), or -1 with err "cannot read the queue
 * (/var/qmail/queue/info/3: Permission denied)" and out empty: an
 * unreadable queue is never shown as an empty one. */
int qt_queue_scan(const qt_ctx *ctx, qt_queue_state **st, size_t budget, qt_queue *out, char *err, size_t errlen);
void qt_queue_free(qt_queue *q);
/* Threads a scan reads subdirectories on, 1..QT_QUEUE_THREADS (default the
 * maximum); bench/ sets 1 to measure the single-threaded reader side by side. */
extern int qt_queue_threads;

/* The queue directory as on the served system: ctx->queue_dir, else
 * "queue" below qmail's prefix (qt_ctx_qmail: --qmail-dir or discovery,
 * /var/qmail by default). Written to out (n bytes); returns out. */
const char *qt_queue_dir(const qt_ctx *ctx, char *out, size_t n);

/* Messages: iterate with i from 0 while qt_queue_msg() returns non-NULL. */
const struct qt_qmsg *qt_queue_msg(const qt_queue *q, size_t i);
const struct qt_qmsg *qt_queue_find(const qt_queue *q, unsigned long id);
/* 1 when bounce/ID exists: qmail-send is building a bounce for it. */
int qt_queue_bouncing(const qt_queue *q, unsigned long id);

/* Kinds of sender. */
int qt_qsender_is_bounce(const char *sender);         /* "" */
int qt_qsender_is_double_bounce(const char *sender);  /* "#@[]" */
/* The domain of an address (after the last '@'), or "" (a pointer into a). */
const char *qt_qaddr_domain(const char *addr);

/* Header lines of message id worth showing (Subject, From, To, Date,
 * Message-ID, Received; never the body), read from mess/S/ID (at most
 * QT_QUEUE_HDR_MAX bytes, folded lines joined). Raw text: escape it.
 * Returns a malloc'd string of "Name: value\n" lines, or NULL with why. */
char *qt_queue_headers(const qt_ctx *ctx, const qt_queue *q, unsigned long id, char *why, size_t n);

/* The SMTP AUTH user qmail-smtpd recorded in a message's header block
 * (buf, n bytes from the start of mess/S/ID), into user (un bytes, raw,
 * cut): 1 found, 0 not. Only the header right below qmail-queue's own
 * "Received: (qmail N invoked ...)" counts, and only when it says
 * "with ESMTPA;" (or ESMTPSA, RFC 3848): qmail-smtpd of the SMTP AUTH patch
 * writes "Received: from HOST (HELO H) (USER@IP)\n  by ME with ESMTPA; DATE"
 * (qmail-smtpd.c smtp_auth: remoteinfo = the user; received.c). Lines
 * written by the client come below it and are never read. */
int qt_queue_auth_user(const char *buf, size_t n, char *user, size_t un);

/* The analyser and the collector (diag/collectors.c). */
struct qt_snapshot;
void qt_queue_analyse(const qt_ctx *ctx, const struct qt_snapshot *snap, const qt_history *hist, qt_findings *out);
void qt_queue_measure(const qt_ctx *ctx, const struct qt_snapshot *snap, qt_metrics *out);
/* Growth in messages per minute over the history (queue_messages), or NAN
 * when fewer than two samples are known; *span gets the seconds covered. */
double qt_queue_growth(const qt_history *hist, double *span);

struct qt_collector;
extern const struct qt_collector qt_collector_queue;

#endif

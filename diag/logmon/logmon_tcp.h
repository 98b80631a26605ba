/* logmon_tcp.h - tcpserver's own story in the mail logs (issue 16,
 * "Analysis", tcpserver): per listener, the concurrency history from its
 * "status: N/M" lines, the connections it denied per IP, the children that
 * ended abnormally and the times it started.
 *
 * A listener is a multilog source (one service per log directory) or, in a
 * syslog file, one syslog tag ("smtpd" of "splogger smtpd", or
 * "tcpserver[PID]"). Lines: docs/domain/ucspi.md#log-lines. tcpserver prints
 * "status: 0/M" when it starts, "status: N+1/M" after each accept and "end
 * PID status W" then "status: N-1/M" after each child exit (ucspi-tcp
 * tcpserver.c main() and sigchld()), so a "status: 0/M" that follows no
 * "end" line is a start (after a fork failure tcpserver prints N+1 then N
 * again: a 0 right after a 1 with no end between is not counted).
 *
 * Fixed size, whatever the logs hold: QT_LOGMON_TCP listeners (more are
 * counted in qt_logmon.tcp_dropped), rings of at-limit spans, abnormal ends
 * and starts, the QT_LOGMON_TCP_DENY most-denied IPs (the rest in
 * deny_others). Plain data: copied into the snapshot with the logs model.
 */
#ifndef QT_LOGMON_TCP_H
#define QT_LOGMON_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "diag/logs/logs.h"

#define QT_LOGMON_TCP 16          /* listeners followed */
#define QT_LOGMON_TCP_SPANS 32    /* at-limit spans kept per listener (newest) */
#define QT_LOGMON_TCP_ENDS 32     /* abnormal ends kept per listener (newest) */
#define QT_LOGMON_TCP_STARTS 8    /* starts kept per listener (newest) */
#define QT_LOGMON_TCP_DENY 8      /* denied IPs kept per listener */

struct qt_logmon_tcp_end {
    int64_t t;
    long pid;
    int exit_code;        /* -1: a signal */
    int term_signal;      /* 0: an exit */
};

struct qt_logmon_tcp_deny {
    char ip[46];
    unsigned long n;
    int64_t last;
};

struct qt_logmon_tcp {
    char key[64];             /* the source's name, or "SOURCE/TAG" in a syslog file */
    int src;                  /* index in qt_logmon.src */
    unsigned port;            /* local port of its ok/deny lines; 0 not seen */
    unsigned busy, limit;     /* the last status line */
    unsigned peak;            /* the highest N seen, and when (first time) */
    int64_t peak_at;
    int64_t last_status;      /* time of the last status line; 0 none */
    int64_t last_line;        /* time of its last line of any kind; 0 none */
    int64_t full_since;       /* at its limit since (N >= M); 0: not now */
    struct { int64_t from, to; } full[QT_LOGMON_TCP_SPANS];   /* ring: ended at-limit spans */
    size_t nfull, full_head;
    unsigned long conns, denies, ends, abnormal, starts;       /* lines counted (within the window) */
    struct qt_logmon_tcp_end bad[QT_LOGMON_TCP_ENDS];          /* ring */
    size_t nbad, bad_head;
    int64_t start_at[QT_LOGMON_TCP_STARTS];                    /* ring */
    size_t nstart, start_head;
    struct qt_logmon_tcp_deny deny[QT_LOGMON_TCP_DENY];
    size_t ndeny;
    unsigned long deny_others;   /* denies of IPs not kept */
    int after_end;               /* its last line was an "end" line */
    unsigned prev_busy;          /* N of the status line before the last */
};

/* The meaning of an abnormal end, from the sources (signal(7); ucspi-tcp
 * tcpserver.c "unable to run"; sslserver.c handshake failure; qmail's
 * 111 = temporary failure convention). Never NULL. */
const char *qt_logmon_tcp_end_meaning(int exit_code, int term_signal);
/* 1 when an end is abnormal: a signal, or exit 111. */
int qt_logmon_tcp_end_bad(int exit_code, int term_signal);
/* Seconds t spent at its limit in [from, to] (the spans kept and the open one). */
double qt_logmon_tcp_full_secs(const struct qt_logmon_tcp *t, int64_t from, int64_t to);
/* Abnormal ends and starts of t at or after from. */
size_t qt_logmon_tcp_bad_since(const struct qt_logmon_tcp *t, int64_t from);
size_t qt_logmon_tcp_starts_since(const struct qt_logmon_tcp *t, int64_t from);

/* ---- inside diag/logmon ---- */
struct qt_logmon;
/* Count one classified tcpserver line (r->cat a tcpserver category) of
 * source src at time t. counted 0: a line read back but older than the
 * window: it moves the state (busy, at limit since) and nothing else. */
void qt_logmon_tcp_ingest(struct qt_logmon *m, int src, const qt_log_rec *r, int64_t t, int counted);
/* The findings of logmon_tcp_check.c (docs/severity.md "Mail logs"). */
struct qt_ctx;
struct qt_snapshot;
struct qt_findings;
void qt_logmon_tcp_analyse(const struct qt_ctx *ctx, const struct qt_snapshot *snap, struct qt_findings *out);

#endif

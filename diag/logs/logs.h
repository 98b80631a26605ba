/* logs.h - mail log lines: timestamps, one category per line, the fields
 * the analysis needs, and the secrets a line may carry (issue 16).
 *
 * Pure functions over bytes: no I/O, no allocation per line, bounded
 * memory. A line is (pointer, length) without its newline; it may hold NUL
 * bytes, invalid UTF-8 or anything else a hostile writer puts into a log
 * (qmaill owns the log directories, docs/security.md): every parser stops
 * at the length, never at a NUL, and never reads past it.
 *
 * Formats: docs/domain/qmail.md#qmail-send-log and #qmail-remote,
 * docs/domain/vpopmail.md#log-lines, docs/domain/ucspi.md#log-lines,
 * docs/domain/supervision.md#multilog; syslog: RFC 3164 section 4.1.2,
 * RFC 5424 section 6; ISO 8601 as RFC 3339 section 5.6.
 */
#ifndef QT_LOGS_H
#define QT_LOGS_H

#include <stddef.h>
#include <stdint.h>

/* ---- timestamps ---- */

enum qt_log_stamp_kind {
    QT_STAMP_NONE = 0,     /* no stamp: the line's place in its file is its time */
    QT_STAMP_TAI64N,       /* multilog t: "@4000000069355a3b1c9c3800" */
    QT_STAMP_EPOCH,        /* splogger/qmail-send: "1765100475.123456" */
    QT_STAMP_RFC3164,      /* syslog file: "Dec  7 09:41:15" (no year, local time) */
    QT_STAMP_ISO8601,      /* RFC 5424 / RFC 3339: "2026-12-07T09:41:15.123+01:00" */
    QT_STAMP_TAI64NLOCAL,  /* tai64nlocal output: "2026-12-07 09:41:15.123456789" (local time) */
};

struct qt_log_time {
    enum qt_log_stamp_kind kind;
    int64_t sec;           /* seconds since 1970-01-01 00:00:00 UTC (Unix time) */
    uint32_t nsec;         /* 0..999999999 */
};

/* Each parser reads one stamp at the start of s (n bytes) and returns the
 * bytes it took (the stamp only, not the space after it), or 0 when s does
 * not start with that kind of stamp or a field is out of range (t is then
 * left as { QT_STAMP_NONE }). Local times (RFC 3164, tai64nlocal, ISO 8601
 * without a zone) are read in the process's time zone (TZ, tzset(3)).
 *
 * qt_log_tai64n: '@' and 24 hex digits. As tai64nlocal (daemontools
 *   tai64nlocal.c) does: Unix seconds = label - 2^62 - 10. No leap-second
 *   table is applied: daemontools has none (multilog writes time()+10, so a
 *   label round-trips exactly); on a system whose zone counts leap seconds
 *   ("right/" zones) localtime(3) applies them, for us as for tai64nlocal.
 * qt_log_epoch: 1-12 digits, '.', 1-9 digits, then a space, '+' (splogger's
 *   folded line), or the end.
 * qt_log_rfc3164: "Mmm dd hh:mm:ss" (dd space- or zero-padded). The year is
 *   not in the line: it is the one of ref_year-1, ref_year, ref_year+1 that
 *   puts the time nearest ref (Unix seconds, the time the file was read or
 *   last written), so a "Dec 31 23:59:59" line read on Jan 1 is last year's.
 * qt_log_iso8601: "YYYY-MM-DDTHH:MM:SS[.frac][Z|+hh:mm|-hh:mm|+hhmm]" (a
 *   missing zone is local time); also the space-separated form tai64nlocal
 *   writes, "YYYY-MM-DD HH:MM:SS[.frac]", reported as QT_STAMP_TAI64NLOCAL.
 * qt_log_stamp: whichever of the above starts s (also the "<PRI>" and
 *   "<PRI>1 " prefixes of RFC 3164/5424 messages, skipped). */
size_t qt_log_tai64n(const char *s, size_t n, struct qt_log_time *t);
size_t qt_log_epoch(const char *s, size_t n, struct qt_log_time *t);
size_t qt_log_rfc3164(const char *s, size_t n, int64_t ref, struct qt_log_time *t);
size_t qt_log_iso8601(const char *s, size_t n, struct qt_log_time *t);
size_t qt_log_stamp(const char *s, size_t n, int64_t ref, struct qt_log_time *t);

/* t as tai64nlocal writes it, "YYYY-MM-DD HH:MM:SS.nnnnnnnnn", local time.
 * out must hold 40 bytes; "-" when t has no stamp. Returns out. */
char *qt_log_time_format(const struct qt_log_time *t, char *out, size_t n);

/* ---- categories ---- */

enum qt_log_cat {
    QT_LOG_OTHER = 0,
    QT_LOG_AUTH_FAIL,          /* vchkpw: password fail, user not found, access denied, null user ... */
    QT_LOG_AUTH_OK,            /* vchkpw: (MECH) login success */
    QT_LOG_TCPSERVER_CONN,     /* tcpserver/sslserver: pid N from IP, ok N ..., ssl N accept */
    QT_LOG_TCPSERVER_DENY,     /* deny N ... */
    QT_LOG_TCPSERVER_STATUS,   /* status: N/M */
    QT_LOG_TCPSERVER_END,      /* end N status W (raw wait status), status exit N / signal N */
    QT_LOG_SEND_STATUS,        /* qmail-send status: local L/M remote R/M, status: exiting */
    QT_LOG_DELIVERY_SUCCESS,
    QT_LOG_DELIVERY_DEFERRAL,
    QT_LOG_DELIVERY_FAILURE,
    QT_LOG_NO_MAILBOX,         /* (#5.1.1), "no mailbox here by that name", a remote 5.1.1 */
    QT_LOG_DOMAIN_NOT_FOUND,   /* (#4.1.2) (#5.1.2) (#5.4.4), a remote "Domain not found" */
    QT_LOG_HELO_REJECTED,      /* Connected to IP but my name was rejected. */
    QT_LOG_CONNECTION_DIED,    /* Connected to IP but connection died. */
    QT_LOG_BOUNCE,             /* bounce msg N (N's sender was not <>) */
    QT_LOG_DOUBLE_BOUNCE,      /* info msg N: ... from <#@[]>, or bounce msg N of a <> message */
    QT_LOG_TRIPLE_BOUNCE,      /* triple bounce: discarding bounce/N */
    QT_LOG_SEND_ALERT,         /* qmail-send alert: / warning: */
    QT_LOG_NCATS
};

/* "auth_fail", "delivery_deferral", ... (the names); "other" for
 * anything out of range. Never NULL. */
const char *qt_log_cat_name(enum qt_log_cat c);

/* ---- one classified line ---- */

#define QT_LOG_USER_MAX 256

typedef struct qt_log_rec {
    enum qt_log_cat cat;
    struct qt_log_time time;   /* the line's own stamp; an inner splogger stamp wins over syslog's */
    char ip[46];               /* remote IP ("" none); IPv4-mapped IPv6 written as IPv4 */
    /* The authenticating user on auth lines, else the envelope address the
     * line names (recipient on delivery lines, from the "starting delivery"
     * line of the same source; sender on "info msg" lines). Raw bytes from
     * the log, user_len of them, NUL-terminated; escape before showing. */
    char user[QT_LOG_USER_MAX];
    size_t user_len;
    char service[32];          /* vchkpw's service ("smtp", "submission", "0"); "" none */
    char mech[16];             /* vchkpw's AUTH type on login success ("PLAIN"); "" none */
    unsigned long msg;         /* qmail-send message id (inode), has_msg */
    unsigned long delivery;    /* qmail-send delivery id, has_delivery */
    int has_msg, has_delivery;
    long pid;                  /* tcpserver child pid, -1 none */
    /* tcpserver lines in a syslog file: the syslog tag that wrote them, with
     * its [PID] when the tag is "tcpserver"/"sslserver" itself (one listener
     * each); "smtpd" for "splogger smtpd". "" in a multilog file (the
     * directory is the service) and on every other line. */
    char tag[40];
    unsigned local_port;       /* tcpserver ok/deny local port, 0 none */
    unsigned remote_port;      /* tcpserver ok/deny: the client's port, 0 none */
    int exit_code;             /* tcpserver_end: exit code, -1 when it was a signal or unknown */
    int term_signal;           /* tcpserver_end: signal number, 0 none */
    unsigned busy, limit;      /* tcpserver status N/M; qmail-send local L/M */
    unsigned rbusy, rlimit;    /* qmail-send remote R/M */
    /* Bytes [secret_off, secret_off + secret_len) of the line are a secret
     * (a tried password, an AUTH string): shown only through qt_log_redact.
     * secret_len 0: none. */
    size_t secret_off, secret_len;
} qt_log_rec;

/* Per-source state: what earlier lines of the same file said (message id ->
 * sender kind, delivery id -> recipient, recordio's AUTH exchanges).
 * Fixed size (about 80 KiB, whatever the log), oldest entries overwritten. ref
 * is the reference time for RFC 3164 years (Unix seconds). Never NULL;
 * qt_log_ctx_free(NULL) does nothing. */
typedef struct qt_log_ctx qt_log_ctx;
qt_log_ctx *qt_log_ctx_new(int64_t ref);
void qt_log_ctx_free(qt_log_ctx *c);
void qt_log_ctx_set_ref(qt_log_ctx *c, int64_t ref);

/* Classify one line (n bytes, no newline) of c's source into *r: exactly
 * one category, the most specific that applies, and the fields the line
 * has. Lines are fed in file order. Anything unrecognised is QT_LOG_OTHER. */
void qt_log_classify(qt_log_ctx *c, const char *line, size_t n, qt_log_rec *r);

/* Append line to out (a qt_buf from diag/core/util.h) with every secret
 * replaced by a marker: the tried password of vchkpw's "password fail
 * (pass: '...')" (vpopmail --enable-logging=p|v) -> "(pass: <redacted>)";
 * recordio's "AUTH PLAIN <base64>" and the answers to a 334 challenge
 * (AUTH LOGIN's password, AUTH PLAIN's string, CRAM-MD5's response) ->
 * "<redacted>". The bytes are copied as they are otherwise (escape for the
 * screen separately). Needs the record the classifier made of the same
 * line (r->secret_off, r->secret_len). */
struct qt_buf;
void qt_log_redact(const char *line, size_t n, const qt_log_rec *r, struct qt_buf *out);

#endif

/* logmon.h - the logs collector (issue 16): what the mail logs say, live.
 *
 * Sources come from qt_log_sources_find (diag/logs/logs_find.h), fed with
 * each supervised service's multilog directory from the servers model
 * (qt_server.logdir, read from log/run) plus the syslog files under --root.
 * At start each source is read back over a bounded window (ctx->log_window
 * seconds and ctx->log_window_bytes per source, newest files first: a 10 GB
 * maillog costs what its last 64 MiB cost); then each sample reads only new
 * bytes (qt_log_follow, tail -F), at most QT_LOGMON_POLL_BYTES per source.
 * Discovery runs again when the loggers named by the log/run scripts or the
 * mtime of /var/log change, and every QT_LOGMON_REDISCOVER seconds: a source
 * found later is read back over the window like the first ones (a file
 * created since is read from its first byte), known sources keep their
 * follow position, and one no longer found is marked gone.
 *
 * Memory is fixed whatever the logs hold: per-IP, per-user and per-domain
 * tables keep the QT_LOGMON_TOP entries with the most events (an entry
 * pushed out adds its counts to the table's "others"), the recent lines and
 * the auth events of the analysis window are rings.
 *
 * The model (snap->logs) is a plain copy of the collector's state: no
 * pointers, raw bytes from the logs (escape before showing; secrets are
 * already redacted by qt_log_redact). qtriage's own wizard logins are left
 * out (qt_logmon_own_login below).
 */
#ifndef QT_LOGMON_H
#define QT_LOGMON_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"
#include "diag/logs/logs.h"
#include "diag/logmon/logmon_tcp.h"

#define QT_LOGMON_SOURCES 16            /* sources followed (multilog dirs + syslog files) */
#define QT_LOGMON_TOP 32                /* entries kept per table (top by events) */
#define QT_LOGMON_RECENT 16             /* recent lines kept per category, redacted */
#define QT_LOGMON_EVENTS 4096           /* auth events kept for the analysis window */
#define QT_LOGMON_POLL_BYTES (8u << 20) /* new bytes read per source per sample */
#define QT_LOGMON_TEXT 240              /* bytes of a line kept (redacted, raw) */
#define QT_LOGMON_KEY 96                /* bytes of an IP, user or domain key */
#define QT_LOGMON_REDISCOVER 60         /* seconds between discoveries when nothing looked at changed */

struct qt_logmon_src {
    char name[64];           /* "smtpd", "maillog" */
    char kind[12];           /* "multilog", "syslog" */
    char path[800];          /* the file followed (current, maillog), as on the system */
    char why[300];           /* how it was found (from which log/run) */
    char err[400];           /* why it cannot be read; "" when it can */
    unsigned long lines;     /* lines read since start (window + followed) */
    unsigned long long bytes;
    unsigned long files_back; /* files read back at start (rotations + current) */
    unsigned long deferrals;  /* qmail-send "delivery D: deferral:" lines counted from this source */
    int gone;                 /* 1: the last discovery no longer found it (its counts stay) */
    double found;             /* when discovery found it (the first sample's time for the first ones) */
};

/* One table entry: an IP, a user or a remote domain. */
struct qt_logmon_ent {
    char key[QT_LOGMON_KEY];
    unsigned long fail, ok;  /* auth: failures / successes; domains: failures / deferrals */
    unsigned long other;     /* ips: connections (tcpserver); domains: no_mailbox */
    int64_t first, last;     /* line times (Unix seconds) */
    char service[32];        /* the last service seen (vchkpw's, or the source) */
    char reason[QT_LOGMON_TEXT]; /* domains: the last reason given */
    /* domains: deliveries that succeeded since the entry was made (a success
     * makes no entry: the table stays one of errors), last: its time */
    unsigned long succ;
    int64_t succ_last;
};

struct qt_logmon_tab {
    struct qt_logmon_ent v[QT_LOGMON_TOP];
    size_t n;
    struct qt_logmon_ent others;   /* counts of the entries pushed out; key "others" */
    unsigned long evicted;         /* entries pushed out */
};

struct qt_logmon_line {
    int64_t sec;             /* the line's time (its stamp; the read time when it has none) */
    uint32_t nsec;
    int stamped;             /* 1: the time is the line's own stamp */
    enum qt_log_cat cat;
    int src;                 /* index in qt_logmon.src */
    char ip[46];
    char user[QT_LOGMON_KEY];
    char text[QT_LOGMON_TEXT]; /* redacted line, raw bytes (cut) */
    size_t len;
    size_t body;             /* text + body: the line after its own stamp (shown next to the decoded time) */
};

/* Logins per service (vchkpw's service name, "-" when the line has none)
 * since start: QT_LOGMON_SERVICES names, the rest summed under "others". */
#define QT_LOGMON_SERVICES 16
struct qt_logmon_svc {
    char name[32];
    unsigned long fail, ok;
};

/* Lines per category per minute over the last QT_LOGMON_SPARK_MIN minutes
 * (logmon_spark.c): a ring of minutes, each slot tagged with the minute
 * (Unix seconds / 60) it counts, by each line's own time (the window read
 * back at start fills the past minutes). */
#define QT_LOGMON_SPARK_MIN 30
struct qt_logmon_spark {
    int64_t minute[QT_LOGMON_SPARK_MIN];                  /* slot i counts minute[i]; 0: empty */
    uint32_t n[QT_LOGMON_SPARK_MIN][QT_LOG_NCATS];
};

/* An auth event of the analysis window. */
struct qt_logmon_ev {
    int64_t t;
    int ok;                  /* 1 success, 0 failure */
    char service[32];
    char ip[46];
    char user[QT_LOGMON_KEY];
};

typedef struct qt_logmon {
    struct qt_logmon_src src[QT_LOGMON_SOURCES];
    size_t nsrc;
    char notes[600];         /* sources not kept, discovery remarks */
    unsigned long count[QT_LOG_NCATS];   /* lines per category since start */
    double rate[QT_LOG_NCATS];           /* lines per minute in the last sample */
    /* double bounces as messages: a double bounce logs both "bounce msg N"
     * (N's sender <>) and the new message's "info msg M: ... from <#@[]>";
     * the latter counts one per double bounce */
    unsigned long double_bounce_msgs;
    unsigned long own_logins;            /* auth lines left out as qtriage's own */
    struct qt_logmon_svc auth_svc[QT_LOGMON_SERVICES];
    size_t nauth_svc;
    struct qt_logmon_svc auth_svc_others;   /* name "others" */
    unsigned long own_conns;             /* tcpserver ok/deny/end lines of our own connections (diag/core/selfconn.h) */
    unsigned long old_lines;             /* read back but older than the window: not counted */
    struct qt_logmon_tab ips, users, domains;
    struct qt_logmon_tab senders;        /* envelope senders of no_mailbox failures: .other */
    struct qt_logmon_line recent[QT_LOG_NCATS][QT_LOGMON_RECENT];  /* a ring per category */
    size_t nrecent[QT_LOG_NCATS], recent_head[QT_LOG_NCATS];       /* head: next write */
    struct qt_logmon_tcp tcp[QT_LOGMON_TCP];        /* tcpserver listeners (logmon_tcp.h) */
    size_t ntcp;
    unsigned long tcp_dropped;                      /* lines of listeners over QT_LOGMON_TCP */
    struct qt_logmon_ev ev[QT_LOGMON_EVENTS];       /* ring */
    size_t nev, ev_head;
    struct qt_logmon_spark spark;        /* lines per minute, last 30 minutes */
    double now;              /* sample time */
    double started;          /* first sample */
    int64_t window;          /* ctx->log_window in effect (seconds) */
} qt_logmon;

/* ---- the model, usable without files (tests feed lines directly) ---- */

/* Reset m for a new run at time now (seconds), window seconds back. */
void qt_logmon_init(qt_logmon *m, double now, int64_t window);
/* Per-source context the ingest keeps besides the classifier's (message
 * senders, delivery -> message). Fixed size; never NULL. */
typedef struct qt_logmon_srcctx qt_logmon_srcctx;
qt_logmon_srcctx *qt_logmon_srcctx_new(int64_t ref);
void qt_logmon_srcctx_free(qt_logmon_srcctx *c);
/* Classify one line of source src (index in m->src, file order) and count
 * it. old: 1 for a line read back at start (a stamp older than the window
 * leaves it uncounted). */
void qt_logmon_ingest(qt_logmon *m, qt_logmon_srcctx *c, int src, const char *line, size_t n, int old);

/* The i-th most recent line of category cat (0 newest), or NULL. */
const struct qt_logmon_line *qt_logmon_recent(const qt_logmon *m, enum qt_log_cat cat, size_t i);
/* Add one event to a table (evicting the smallest entry into "others"
 * when full): fail/ok/other are added, t widens first/last, service and
 * reason (may be NULL) replace the entry's. */
void qt_logmon_tab_add(struct qt_logmon_tab *t, const char *key, size_t klen, unsigned long fail,
                       unsigned long ok, unsigned long other, int64_t when, const char *service,
                       const char *reason, size_t rlen);

/* Count a line of category cat at time t (Unix seconds) into the minute
 * ring; a line older than the ring is left out, one in the future counts
 * for m->now's minute. */
void qt_logmon_spark_add(qt_logmon *m, enum qt_log_cat cat, int64_t t);
/* The counts of cat for the QT_LOGMON_SPARK_MIN minutes up to now's, oldest
 * first, into out[QT_LOGMON_SPARK_MIN]; returns the largest. */
uint32_t qt_logmon_spark_get(const qt_logmon *m, enum qt_log_cat cat, double now, uint32_t *out);
/* The sparkline of those counts: QT_LOGMON_SPARK_MIN characters of the
 * ASCII ramp " .:-=+*#" (' ' none, '.' at least one, '#' the largest) and a
 * NUL into out[QT_LOGMON_SPARK_MIN + 1]. The console draws the same levels
 * as block glyphs on a UTF-8 terminal (QT_COL_SPARK, panes/table.h). */
void qt_logmon_spark_text(const qt_logmon *m, enum qt_log_cat cat, double now, char *out);

/* ---- qtriage's own traffic ---- */

/* The auth wizard calls this before it logs in as user (user@domain) so the
 * logs collector leaves that login out: an auth line for that user from a
 * loopback address, vchkpw's empty one, or the local address of one of our
 * noted connections (diag/core/selfconn.h), within QT_LOGMON_OWN_SECS of a
 * noted login is qtriage's own. Process-wide, bounded (the last 16).
 * tcpserver's lines about our own connections (the probes', the wizard's)
 * are left out of the per-IP and per-listener counts the same way. */
#define QT_LOGMON_OWN_SECS 120
void qt_logmon_own_login(const char *user, double when);
int qt_logmon_is_own(const char *user, const char *ip, double when);

/* ---- failed logins per remote IP (logmon_ipauth.c) ---- */

/* Failed logins from ip among the kept auth events at or after from (Unix
 * seconds); *users (may be NULL) the distinct users they tried. IPs are as
 * the classifier writes them (an IPv4-mapped IPv6 address as IPv4, the way
 * the Ports model counts a v4 client of a dual-stack listener). 0 for a
 * NULL m or an empty ip. */
unsigned long qt_logmon_ip_auth_fails(const qt_logmon *m, const char *ip, int64_t from, size_t *users);
/* Every IP with failed logins at or after from, sorted for
 * qt_logmon_ip_fails_find; *n of them. The caller frees the array (NULL
 * when there is none). */
struct qt_logmon_ipfail {
    char ip[46];
    unsigned long fail;
};
struct qt_logmon_ipfail *qt_logmon_ip_fails(const qt_logmon *m, int64_t from, size_t *n);
unsigned long qt_logmon_ip_fails_find(const struct qt_logmon_ipfail *v, size_t n, const char *ip);

/* ---- analysis (pure) ---- */
struct qt_snapshot;
void qt_logmon_analyse(const qt_ctx *ctx, const struct qt_snapshot *snap, const qt_history *hist,
                       qt_findings *out);

struct qt_collector;
extern const struct qt_collector qt_collector_logs;

#endif

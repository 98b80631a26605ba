/* servers.h - every tcpserver/sslserver/s6 front end: the running ones
 * (from the process table) and the supervised ones (from service
 * directories under --root), matched to each other.
 *
 * One qt_server per service: a supervised service directory, or a running
 * listener that no service directory explains. For each: the run script
 * (read statically, runscript.h), the running listener's exact argv, both
 * parsed with the variant's real option semantics (argv.h), the variant and
 * the evidence for it, the -c limit in effect, live children, and the TLS
 * handshake deadline with where it comes from.
 *
 * The collector (QT_SRC_SERVERS) fills snap->servers; its analyser is the
 * lint (lint.h). Memory: qt_servers owns everything; the collector frees it.
 */
#ifndef QT_SERVERS_H
#define QT_SERVERS_H

#include "diag/parse/argv.h"
#include "diag/core/ctx.h"
#include "diag/parse/runscript.h"
#include "diag/core/snapshot.h"
#include "diag/parse/variants.h"
#include "diag/parse/rulescdb.h"

/* Where the handshake deadline in effect comes from. */
enum qt_hs_source {
    QT_HS_NA = 0,      /* no TLS in the front end (plain port / STARTTLS in the program) */
    QT_HS_OPTION,      /* an option sets it (-T, -S, -K) */
    QT_HS_DEFAULT,     /* the variant's default applies */
    QT_HS_NONE,        /* TLS without any deadline */
    QT_HS_CHAIN,       /* a program in the chain bounds it (stunnel TIMEOUTbusy, s6-tlsd -K) */
    QT_HS_PROGRAM,     /* qmail-smtpd with SMTPS: control/timeoutsmtpd */
    QT_HS_UNKNOWN,
};

struct qt_supervise_status {
    int readable;      /* 0: no supervise/status or unreadable */
    int pid;           /* 0 when down */
    double since;      /* epoch seconds of the last change */
    int want_up;       /* 1 normally up, 0 'd' given */
    int paused;
};

struct qt_ipcount {
    char ip[48];
    int n;
};

struct qt_server {
    char name[64];              /* service name (directory name), or "PROG:PORT" */
    char svcdir[512];           /* service directory as on the system ("" if none) */
    char realdir[512];          /* after symlinks (under root, shown without it) */
    char logdir[512];           /* from log/run ("" unknown) */
    char *run_text;             /* the run script as read (bounded), NULL */
    char run_error[200];        /* run exists but was not read: why (a FIFO, a link out of --root...); "" */
    qt_runscript rs;            /* parsed run script (rs.argv NULL if none) */
    int has_script;
    qt_cmd script;              /* run script command, parsed; valid if has_script_cmd */
    int has_script_cmd;
    struct qt_supervise_status st;
    int down_file;              /* 1: a `down` file in the service directory (svscan does not start it) */
    int in_scan;                /* 1: its directory is in an active scan directory (qt_servers.scandirs) */
    int supervisor_pid;         /* supervise/runsv/s6-supervise pid, 0 */
    int outside_root;           /* 1: that supervisor's cwd lies outside --root (another
                                 * tree): the files its command line names are not
                                 * under the root and are not checked (rules_exists -1) */

    int pid;                    /* running listener, 0 when none */
    double started;             /* its start time */
    unsigned uid;
    qt_cmd proc;                /* its argv, parsed; valid if pid */
    int differs;                /* script command != running argv (edited, not restarted) */
    char differs_detail[256];

    const qt_cmd *cmd;          /* the one in effect: proc if running, else script (NULL: none) */
    enum qt_variant variant;
    int variant_certain;        /* 1: the evidence names exactly one variant */
    char variant_evidence[320]; /* what decided it, or what is missing */
    char elf_optstring[128];    /* from the binary, "" */

    char host[128];
    unsigned port;              /* 0 unknown */
    long limit;                 /* -c in effect, -1 unknown */
    const char *limit_source;   /* "option -c", "default", "unknown" (static) */
    long iplimit;               /* per-IP limit in effect, -1 none/unknown */
    const char *iplimit_source; /* static: "MAXCONNIP in the rules cdb (default rule)"; NULL: the option */
    int maxconnip_bin;          /* tcpserver binary knows MAXCONNIP (QMailToaster limits patch):
                                 * 1, 0, -1 unknown/not looked (servers_rules.c) */
    struct qt_rulesvar maxconnip; /* MAXCONNIP in the rules cdb, when maxconnip_bin */
    int tls;                    /* 1: the front end (or a chain link) does TLS on connect */
    double handshake;           /* deadline in seconds; -1 none/unknown */
    enum qt_hs_source hs_source;
    char hs_detail[160];        /* "-T 30", "default 26 s", "stunnel TIMEOUTbusy 5"... */
    char certfile[512];         /* the PEM the TLS front end serves, as on the system; "" none/unknown */
    char cert_from[64];         /* where that comes from: "CERTFILE", "-n", "default ./cert.pem", "stunnel cert =" */

    /* facts read from files here so that the lint stays pure */
    char rules[512];            /* -x file as on the system ("" none/unresolved) */
    int rules_exists;           /* 1 exists under the root, 0 missing, -1 not checked */
    int rules_stale;            /* 1: the text file (without .cdb) is newer than the cdb */
    int smtpd_smtpauth;         /* qmail-smtpd binary has the SMTPAUTH string: 1, 0, -1 unknown */
    /* Can the checkpassword program (.../bin/vchkpw on the command line)
     * read vpopmail's vpasswd.cdb with the ids the front end gives it
     * (servers_vpop.c)? auth_denied 1: it cannot (auth_why says where it
     * stops); 0: it can, or nothing to check (no vchkpw, no vpasswd.cdb in
     * users/assign's domains, runs as root) */
    int auth_denied;
    unsigned auth_uid, auth_gid;
    char auth_ids[48];          /* where they come from: "-u -g", "-u", "the listener's own uid" */
    char auth_path[512];        /* the vpasswd.cdb looked at, as on the system */
    char auth_why[400];         /* the component that stops it */

    int no_binary;              /* 1: a pasted command line (qt_servers_explain): no binary, no
                                 * process, no service directory; the variant comes from the
                                 * program's path and the options */
    char other[32];             /* "" a known front end; else the program holding a watched
                                 * listening socket ("socat", "stunnel4", "nginx"...): an
                                 * "other front end" found through the socket (servers_other.c) */
    int children;               /* live direct children of the listener */
    int zombies;                /* of them, <defunct> */
    int progs_running;          /* children (or grandchildren for SSL relays) running the program */
    struct qt_ipcount *ips;     /* children per remote IP (from their environment), most first */
    int nips;
    int ips_known;              /* children whose remote IP could be read */
};

#define QT_SCANDIRS_MAX 8               /* active scan directories kept */
#define QT_SERVERS_LOGGERS_MAX 32      /* mail services without a front end whose log/run is kept */
#define QT_SERVERS_MAX_DIRS 512        /* entries of one service directory read */
#define QT_SERVERS_COUNT_MAX 1000000   /* entries counted for the "512 of N" note */
/* Run scripts of one sample together (docs/security.md): once spent, the
 * remaining service directories are listed without being read. */
#define QT_SERVERS_SAMPLE_BYTES (4 * 1024 * 1024)  /* script text + expansion bytes */
#define QT_SERVERS_SAMPLE_SUBSTS 512               /* command substitutions (files read) */

/* A supervised mail service that starts no front end (qmail-send, a
 * qmail-pop3d under inetd-style glue, splogger...): not a row of the
 * model, but its logger is where the logs collector reads its lines. */
struct qt_mail_logger {
    char name[64];              /* service directory name */
    char logrun[560];           /* SVCDIR/log/run as on the system */
    char logdir[512];           /* the directory its logger writes to ("" none found) */
    int is_send;                /* its run starts qmail-start or qmail-send */
};

typedef struct qt_servers {
    struct qt_server *v;
    size_t n, cap;
    qt_buf notes;               /* scan remarks (unreadable dirs...), one per line */
    size_t script_bytes;        /* spent by the run scripts read this sample (runscript.h spent_*) */
    size_t script_substs;
    int not_evaluated;          /* service directories listed unread: the sample's budget was spent */
    /* Active scan directories (docs/severity.md): the cwd of each running
     * svscan/runsvdir/s6-svscan, else the first of /service, /var/service,
     * /etc/service that exists. Services elsewhere are inventory. */
    char scandirs[QT_SCANDIRS_MAX][256];   /* as on the system (under the root) */
    int nscandirs;
    char scan_source[64];       /* "svscan pid 123", "first existing of /service...", "none found" */
    /* mail services without a front end, in scan order, at most
     * QT_SERVERS_LOGGERS_MAX (the rest are not kept) */
    struct qt_mail_logger loggers[QT_SERVERS_LOGGERS_MAX];
    int nloggers;
} qt_servers;

struct qt_procs;
/* Discover and parse everything. procs may be NULL (then only run scripts). */
int qt_servers_collect(const qt_ctx *ctx, struct qt_procs *procs, qt_servers *out, char *err, size_t errlen);

/* A listening socket on a watched port and the pid holding it (0 unknown),
 * from the sockets model: every such holder gets a row, whatever program
 * it is (an "other front end" when it is no known one). */
struct qt_listen_pid {
    unsigned port;
    int pid;
};
/* qt_servers_collect, then a row for each listener pid no row has. */
int qt_servers_collect_listeners(const qt_ctx *ctx, struct qt_procs *procs, const struct qt_listen_pid *l, size_t nl,
                                 qt_servers *out, char *err, size_t errlen);
void qt_servers_free(qt_servers *s);

/* The -c limit in effect on a listening port: the number, or -1 if no
 * known front end listens there. *source (may be NULL) gets "option -c",
 * "default" or "unknown" (static strings). */
int qt_servers_limit(const struct qt_servers *s, unsigned port, const char **source);

/* 1 when sv is inventory: not running and never started by a supervisor
 * as things stand (outside every active scan directory, a `down` file, or
 * supervise says want down). Its findings are at most INFO (docs/severity.md). */
int qt_server_inventory(const struct qt_server *sv);
/* 1 when sv is deliberately down (a `down` file or supervise's want down). */
int qt_server_want_down(const struct qt_server *sv);

/* One row for a pasted command line (qtriage --explain-cmdline;
 * servers_explain.c): parsed, identified without a binary (force: a
 * variant to use instead, QT_VAR_UNKNOWN none) and derived as the
 * collector does; named "cmdline". Returns 0, or -1 when argv holds no
 * front end (QT_CMD_EMPTY / QT_CMD_NO_SERVER: out stays empty). Free out
 * with qt_servers_free. */
int qt_servers_explain(const qt_ctx *ctx, int argc, char *const *argv, enum qt_variant force, qt_servers *out);

/* Server by name, or NULL. */
const struct qt_server *qt_servers_find(const qt_servers *s, const char *name);
const char *qt_hs_source_name(enum qt_hs_source s);

/* Pieces used by the collector, exported for tests. */
/* Resolve a "host port" port word: a number, or a name via /etc/services
 * under the root, then the built-in mail port table. 0 if unknown. */
unsigned qt_servers_port(const qt_ctx *ctx, const char *word);
/* Parse daemontools supervise/status (18 or 20 bytes) into st. 0 or -1. */
int qt_supervise_status_parse(const unsigned char *b, size_t n, struct qt_supervise_status *st);

/* The collector's entry points (see qt_collector in snapshot.h). The
 * descriptor, qt_collector_servers, is in diag/lint/servers_collector.c next
 * to its analyser, the lint, which also reads the Ports model: the Ports
 * model reads this one (qt_servers_limit), so the lint sits above both. */
int qt_servers_collector_collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen);
/* The same with the watched listeners (servers_collector.c builds them from the sockets model). */
int qt_servers_collector_collect_l(const qt_ctx *ctx, void **state, qt_snapshot *snap, const struct qt_listen_pid *l, size_t nl,
                                   char *err, size_t errlen);
void qt_servers_collector_measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out);
void qt_servers_collector_free_model(qt_snapshot *snap);
void qt_servers_collector_free_state(void *state);

#endif

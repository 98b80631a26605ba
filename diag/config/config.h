/* config.h - qmail's and vpopmail's mail configuration, read as the
 * programs read it (issue 17): control files, ~alias/.qmail-* files,
 * users/assign, vpopmail domains' .qmail files and users' .qmail files.
 *
 * Files are read under --root through qt_ctx_read() (regular files only,
 * size-capped, docs/security.md); every qmail path is below qmail's prefix
 * (qt_ctx_qmail). A user's .qmail file is hostile input: its bytes are kept
 * raw here and escaped by the finding setters and table cells.
 *
 * The collector (QT_SRC_CONFIG) re-reads everything at start, when the
 * mtime of a watched file or directory changes (control/, ~alias, the
 * domain directories, users/assign, tcp.smtp), and after
 * qt_config_reread() (the console's `r`); a vpopmail user's own .qmail is
 * therefore picked up on `r` or when its domain directory changes, not by
 * stat-ing 100k user directories each second.
 *
 * Memory: a qt_config owns its files and every string in them.
 */
#ifndef QT_CONFIG_H
#define QT_CONFIG_H
#include <stddef.h>
#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"
#include "diag/core/job.h"

#define QT_CONFIG_MAX_FILE (256 * 1024)   /* bytes read of one file (qmail-local reads .qmail whole) */
#define QT_CONFIG_MAX_FILES 20000         /* files kept per read: domains x users is bounded */

enum qt_cfg_kind {
    QT_CFG_CONTROL = 0, /* PREFIX/control/NAME */
    QT_CFG_ALIAS,       /* PREFIX/alias/.qmail-* (owner: the local part, "postmaster") */
    QT_CFG_ASSIGN,      /* PREFIX/users/assign */
    QT_CFG_DOMAIN,      /* a vpopmail domain's .qmail-* (owner: the domain) */
    QT_CFG_VUSER,       /* a vpopmail user's .qmail, or .qmail-EXT with --enable-qmail-ext (name: the
                         * user, or ".qmail-EXT"; owner: user@domain), read by vdelivermail */
    QT_CFG_RULES,       /* tcpserver rules text (tcp.smtp) of a running smtp front end */
    QT_CFG_HOME,        /* a system user's ~/.qmail or ~/.qmail-EXT (name: the file name; owner: the
                         * user name), read by qmail-local */
};

struct qt_cfg_file {
    char *path;         /* as on the system: "/var/qmail/control/me" */
    char *name;         /* control name ("me"), alias/domain file name (".qmail-root"), user */
    char *owner;        /* the domain or user@domain it belongs to; "" */
    enum qt_cfg_kind kind;
    int present;        /* 1 read, 0 missing, -1 exists but refused or unreadable (why) */
    int secret;         /* content never kept nor shown (servercert.pem, srs_secrets...) */
    int truncated;
    unsigned mode;      /* st_mode of the file when present */
    double mtime;
    char why[160];      /* when present == -1 */
    char *text;         /* raw bytes, NUL-terminated; NULL when missing or secret */
    size_t len;
};

#define QT_CONFIG_SERVED 16               /* TLS front ends whose certificate file is read */

/* A certificate file a TLS front end serves (the servers model's certfile:
 * sslserver's CERTFILE, stunnel's cert =, the SSL patch's -n), read like
 * servercert.pem: names and dates kept, bytes wiped (config_served.c). */
struct qt_cfg_served {
    char server[64];           /* the servers model's row name */
    unsigned port;
    char path[512];            /* as on the system */
    char from[64];             /* "CERTFILE", "stunnel cert =", "-n", ... */
    double not_after;          /* epoch seconds, 0 unknown */
    char names[512];           /* DNS names (SANs, else the CN), space-separated */
    char error[96];            /* "" or why it was not read */
};

typedef struct qt_config {
    struct qt_cfg_file *files;
    size_t n, cap;
    char prefix[256];          /* qmail's prefix used */
    char vpopmail_home[256];   /* ~vpopmail from <root>/etc/passwd, "" */
    char binsh[64];            /* what <root>/bin/sh is: "bash", "dash", "busybox", "" unknown */
    int vpop_qmail_ext;        /* vpopmail built --enable-qmail-ext (its users' .qmail-EXT read): 1, 0, -1 unknown */
    double read_at;            /* wall time of the read the model comes from */
    int capped;                /* 1: QT_CONFIG_MAX_FILES reached, the rest unread */
    double assign_cdb_mtime;   /* users/cdb, 0 missing */
    double mrh_cdb_mtime;      /* control/morercpthosts.cdb, 0 missing */
    /* servercert.pem, taken without keeping its bytes (config_cert.c) */
    double cert_not_after;     /* epoch seconds, 0 unknown */
    char cert_names[512];      /* DNS names (SANs, else the CN), space-separated */
    int cert_key;              /* 1 the key in the file matches, 0 it does not, -1 no key found */
    char cert_error[96];       /* "" or why no certificate was read */
    struct qt_cfg_served served[QT_CONFIG_SERVED];
    size_t nserved;
    int installed;             /* 1: PREFIX/control is a directory (else no check runs) */
    int refs;                  /* the collector's state and each snapshot hold one */
} qt_config;

/* The collector (diag/collectors.c). */
struct qt_collector;
extern const struct qt_collector qt_collector_config;

/* Ask the next sample to read every file again (the console's `r`). */
void qt_config_reread(void);

/* Read the whole configuration under ctx into cfg (zeroed by the caller).
 * Never fails as a whole: missing and refused files are recorded. */
void qt_config_read(const qt_ctx *ctx, qt_config *cfg);
void qt_config_free(qt_config *cfg);
/* Read the certificate file each TLS front end of the servers model serves
 * (servers may be NULL) into cfg->served. */
struct qt_servers;
void qt_config_read_served(const qt_ctx *ctx, qt_config *cfg, const struct qt_servers *servers);
/* 1 when cfg->served holds exactly what servers serves now. */
int qt_config_served_same(const qt_config *cfg, const struct qt_servers *servers);
/* Add the tcprules text file path (as on the system) to cfg. */
void qt_config_add_rules(const qt_ctx *ctx, qt_config *cfg, const char *path);

/* The file of kind and name (control "me", alias ".qmail-root"), or NULL. */
const struct qt_cfg_file *qt_config_find(const qt_config *cfg, enum qt_cfg_kind kind, const char *name);
/* The file with that system path, or NULL. */
const struct qt_cfg_file *qt_config_by_path(const qt_config *cfg, const char *path);

/* Findings of the configuration checks (config_check*.c): pure, cfg and the
 * snapshot's servers/procs models in (either may be NULL). Each finding's
 * subject is the file's system path; its evidence cites lines as
 * "line N: TEXT" so the Config pane can mark them. */
struct qt_snapshot;
void qt_config_check(const qt_ctx *ctx, const qt_config *cfg, const struct qt_snapshot *snap, qt_findings *out);

/* With ctx->dns_server and ctx->public_ip: the public IP's PTR vs
 * helohost by the auth wizard's lookup job (diag/auth/auth_dns.h), run to
 * its end here within budget seconds (at most 5), its verdict joined to
 * snap's name findings (config_dns.c); nothing without both options.
 * --once/--json/--check; the console runs the same job through
 * qt_config_dns_next() below. */
void qt_config_dns_batch(const qt_ctx *ctx, struct qt_snapshot *snap, double budget);
/* The lookup job of both paths: NULL without both options, without an
 * installed cfg, or with an unusable server. timeout: at most 5 s. The
 * caller runs and frees it. */
qt_job *qt_config_dns_job(const qt_ctx *ctx, const qt_config *cfg, double timeout);

/* The console's PTR schedule: a lookup at start, every
 * QT_CONFIG_DNS_EVERY seconds and at once when the helohost changes; the
 * latest finished result joins each sample. Zero-initialise; owns facts
 * (free with qt_config_dns_sched_free() after the job is cancelled). */
#define QT_CONFIG_DNS_EVERY 600.0
struct qt_config_dns_sched {
    struct qt_dns_facts *facts;  /* the latest finished lookup, NULL before */
    char helo[256];              /* the helohost asked about last */
    double next;                 /* monotonic: the next lookup; 0 = due */
    int running;                 /* a job is out */
};
/* The job due at now, or NULL (none due, one running, options missing).
 * The caller runs it (never blocking: a console job) and frees it; a job
 * that ran to its end leaves its facts in s, a cancelled one keeps the
 * previous ones. s must outlive the job. */
qt_job *qt_config_dns_next(struct qt_config_dns_sched *s, const qt_ctx *ctx, const qt_config *cfg, double now);
/* The latest facts into snap's findings as the batch path joins them
 * (qt_config_dns_facts); nothing before the first lookup finished or when
 * it asked about another helohost. */
void qt_config_dns_join(const struct qt_config_dns_sched *s, struct qt_snapshot *snap);
void qt_config_dns_sched_free(struct qt_config_dns_sched *s);
/* Pure: the lookup's facts as evidence of out's name findings
 * (config.helohost-differs, config.served-cert-name:*, config.cert-name),
 * or config.ptr-name (WARN) when the PTR does not confirm helohost and no
 * such finding exists. */
struct qt_dns_facts;
void qt_config_dns_facts(const qt_config *cfg, const struct qt_dns_facts *facts, qt_findings *out);

/* Kind name for screens and reports: "control", "alias", "assign",
 * "domain", "user", "rules", "home". */
const char *qt_cfg_kind_name(enum qt_cfg_kind k);
#endif

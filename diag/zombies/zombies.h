/* zombies.h - defunct processes grouped by the parent that fails to reap them.
 *
 * A zombie is a process that exited and whose parent has not called wait()
 * for it yet. It holds no memory, only a process-table slot; the fix is
 * always on the parent (wait, or die so that init adopts and reaps it). So
 * the model is a list of groups, one per parent: the parent, the role it
 * plays in a qmail/tcpserver setup, the supervised service it belongs to
 * (found by walking the parent chain up to `supervise NAME`), and its
 * zombies. Thread-group leaders that exited while threads still run (ps
 * shows "Zl") are not zombies and are left out.
 *
 * The collector (QT_SRC_ZOMBIES) reads snap->procs, so it runs after the
 * procs collector; it keeps in its state when each zombie was first seen.
 * measure() records "zombies" (total), "zombies_mail" and one "zombies"
 * series per group (service label qt_zgroup.label); the trend of a group is
 * read back from that history. analyse() warns about mail groups (CRIT when
 * growing) and lists other zombies as INFO.
 *
 * Memory: a qt_zombies owns its groups and every string in them. Strings
 * are raw bytes from /proc: table cells and finding setters escape them, so
 * nothing here is escaped twice.
 */
#ifndef QT_ZOMBIES_H
#define QT_ZOMBIES_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"

struct qt_procs;

/* What the parent is, which decides who can fix it and how. */
enum qt_zrole {
    QT_ZROLE_OTHER = 0,  /* nothing mail-specific known about it */
    QT_ZROLE_LISTENER,   /* tcpserver/sslserver accepting connections: reaps in its SIGCHLD handler */
    QT_ZROLE_CONNECTION, /* per-connection process below a listener (SSL relay child, recordio, spamdyke...) */
    QT_ZROLE_DAEMON,     /* a service's own long-running process (qmail-send, qmail-lspawn, a run script...) */
    QT_ZROLE_SUPERVISOR, /* supervise (or runsv, s6-supervise) itself */
};

enum qt_ztrend {
    QT_ZT_UNKNOWN = 0,   /* no history (a loaded report) */
    QT_ZT_NEW,           /* first sample it is seen in: no trend yet */
    QT_ZT_GROWING,
    QT_ZT_STABLE,
    QT_ZT_CLEARING,
};

#define QT_ZTREND_WINDOW 10   /* samples the trend looks back over */

struct qt_zombie {
    int pid;
    unsigned uid;
    char comm[64];        /* raw; escape before display */
    double start;         /* epoch seconds */
    double seen;          /* wall time of the first sample that saw it as a zombie */
};

#define QT_ZCHAIN_MAX 32  /* processes of a parent's chain walked */

/* One process in the parent's chain, parent first. */
struct qt_zlink {
    int pid;
    char state;
    char name[64];        /* qt_proc_name(), raw */
    char *cmdline;        /* argv joined with spaces, or "[comm]"; raw */
};

struct qt_zgroup {
    int ppid;
    double pstart;        /* parent's start time (identity check before acting on it) */
    unsigned long long pticks; /* the same in clock ticks since boot, exact (act.h qt_act_proc); 0 unknown */
    char pstate;          /* '?' when the parent could not be read */
    unsigned puid;
    char pname[64];       /* qt_proc_name() of the parent, raw */
    char *pcmdline;       /* argv joined with spaces, or "[comm]"; raw */
    enum qt_zrole role;
    int mail;             /* the parent or its service is part of the mail system */

    /* the supervised service, from the chain; svc_pid 0 when none was found */
    int svc_pid;
    double svc_start;     /* the supervisor's start time (identity check before R writes to it) */
    unsigned long long svc_ticks; /* the same in clock ticks since boot, exact; 0 unknown */
    const char *svc_kind; /* "supervise", "runsv" or "s6-supervise" (static); NULL */
    char svc_name[64];    /* the supervisor's argument ("qmail-smtpd"), raw; "" if none */
    char *svc_dir;        /* supervisor's cwd mapped under --root (for display); NULL if unreadable */
    char *svc_dir_real;   /* the same path as the kernel gave it; NULL if unreadable (R does not use
                           * it: it opens <proc>/svc_pid/cwd, see act.h) */

    struct qt_zlink *chain;   /* parent first, up to the supervisor (inclusive) or PID 1 */
    size_t nchain;            /* at most QT_ZCHAIN_MAX */
    int chain_cut;            /* 1: the walk stopped at QT_ZCHAIN_MAX ancestors, not at a supervisor or PID 1 */
    struct qt_zombie *z;      /* oldest first */
    size_t n;
    double oldest, newest;    /* start times of the oldest and newest zombie */
    char label[32];           /* metric service label: the parent's program name, "#2", "#3"... for
                               * a second, third parent of that name (no pid: a restart keeps the series) */
};

typedef struct qt_zombies {
    struct qt_zgroup *g;  /* mail groups first, then by count (desc), then ppid */
    size_t n;
    size_t total;         /* zombies in all groups */
    size_t mail_total;    /* zombies in mail groups */
    size_t leaders;       /* "Zl" leaders left out */
    size_t scanned;       /* processes in the table */
    double now;           /* sample time (ages are relative to it) */
    int live;             /* read from the live /proc: acting on these pids makes sense */
    unsigned euid;        /* qtriage's effective uid at collection (not root: some cwds unreadable) */
} qt_zombies;

/* Opaque first-seen memory kept between samples (the collector's state). */
typedef struct qt_zseen qt_zseen;
void qt_zseen_free(qt_zseen *s);

/* Group the zombies of procs (reading the uids and command lines shown
 * into it). seen may be NULL (every zombie is first seen
 * now); otherwise it is read and updated. Never fails. */
void qt_zombies_build(const qt_ctx *ctx, struct qt_procs *procs, double now, qt_zseen **seen,
                      qt_zombies *out);
void qt_zombies_free(qt_zombies *z);

/* Group with this parent pid, or NULL. */
const struct qt_zgroup *qt_zombies_find(const qt_zombies *z, int ppid);

/* "qmail-smtpd x3, vchkpw" (most frequent first, raw). Caller frees. */
char *qt_zgroup_names(const struct qt_zgroup *g);
/* "tcpserver[330] <- supervise qmail-smtpd[320]" (raw). Caller frees. */
char *qt_zgroup_chain(const struct qt_zgroup *g);
/* The service directory to show: svc_dir; else "/service/NAME" written to
 * buf with *assumed = 1 (supervise's cwd was not readable); else NULL. */
const char *qt_zgroup_dir_shown(const struct qt_zgroup *g, char *buf, size_t n, int *assumed);

/* Trend of a group's count (label) or of the total (label NULL) over the
 * last `window` samples of hist. *from and *to (may be NULL) get the count at
 * the start of the trend and now. hist NULL gives QT_ZT_UNKNOWN. */
enum qt_ztrend qt_zombies_trend(const qt_history *hist, const char *label, unsigned window,
                                double *from, double *to);

const char *qt_ztrend_name(enum qt_ztrend t);   /* "growing", "stable", ... */
const char *qt_zrole_name(enum qt_zrole r);     /* "listener", "connection", ... */

/* Is this program name (a basename) part of a qmail/vpopmail/ucspi setup?
 * QT_PROG_MAIL_CHAIN in the program registry (diag/core/programs.c). */
int qt_zprog_is_mail(const char *name);

/* Severity of a group's finding: mail groups WARN (growing or not, docs/severity.md); others INFO. */
enum qt_sev qt_zgroup_sev(const struct qt_zgroup *g, enum qt_ztrend t);

/* The analyser (pure): findings for snap->zombies, trends from hist. */
struct qt_snapshot;
void qt_zombies_analyse(const qt_ctx *ctx, const struct qt_snapshot *snap, const qt_history *hist,
                        qt_findings *out);

/* The collector for diag/collectors.c (after procs). */
struct qt_collector;
extern const struct qt_collector qt_collector_zombies;

#endif

/* snapshot.h - one sample of everything, timestamped, and the collector table.
 *
 * Data flows one way: collectors read the system into a snapshot, analysers
 * turn the snapshot into findings, panes/report/monitor read both. A snapshot
 * is immutable once qt_sample() returns it; the TUI keeps the last one to
 * draw (and keeps it while frozen).
 *
 * Each collector owns one model pointer below. A collector that failed leaves
 * its pointer NULL and its status QT_SRC_FAILED with a message: consumers
 * must show that as STALE/failed, never as zero.
 */
#ifndef QT_SNAPSHOT_H
#define QT_SNAPSHOT_H

#include "diag/core/ctx.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"
#include "diag/core/incident.h"
#include "diag/core/metrics.h"

/* Collectors, in the order they run (later ones may read earlier models).
 * The registry diag/collectors.c has one descriptor per value, at its index;
 * the names come from there. */
enum qt_src_id {
    QT_SRC_PROCS,     /* process table: procs.h */
    QT_SRC_SOCKETS,   /* sockets of watched ports, stages: ports.h (model), sockets.h, stage.h */
    QT_SRC_SERVERS,   /* tcpserver/sslserver discovery and parsing: servers.h */
    QT_SRC_ZOMBIES,   /* defunct processes by parent: zombies.h */
    QT_SRC_QUEUE,     /* qmail's queue (read-only, incremental): diag/queue/queue.h */
    QT_SRC_CONFIG,    /* qmail/vpopmail configuration files: diag/config/config.h */
    QT_SRC_LOGS,      /* the mail logs, followed (after servers: its log dirs): diag/logmon/logmon.h */
    QT_SRC_KERNEL,    /* sysctls, listeners' backlog and limits (after sockets, servers): diag/kernel/kernel.h */
    QT_SRC_FIREWALL,  /* the live ruleset, per-IP limits (after sockets, servers): diag/firewall/firewall.h */
    QT_SRC_COUNT
};

enum qt_src_state {
    QT_SRC_NONE = 0,  /* not collected (not built in, or not run yet) */
    QT_SRC_OK,
    QT_SRC_FAILED,
};

struct qt_src_status {
    enum qt_src_state state;
    char err[256];   /* why it failed, for the screen; "" when OK */
    char note[160];  /* how it collected, when the admin should know (shown in the header,
                        not STALE: the data is good); "" usually. Set by the collector. */
    double took;     /* seconds the collector took */
};

struct qt_procs;
struct qt_sockets;
struct qt_servers;
struct qt_zombies;
struct qt_queue;
struct qt_config;
struct qt_logmon;
struct qt_kernel;
struct qt_firewall;

typedef struct qt_snapshot {
    unsigned long seq;     /* 1 for the first sample */
    double wall;           /* wall-clock time the sample started (epoch seconds) */
    double took;           /* seconds the whole sample took */
    char host[256];        /* hostname at sample time */
    struct qt_src_status src[QT_SRC_COUNT];

    struct qt_procs *procs;
    struct qt_sockets *sockets;
    struct qt_servers *servers;
    struct qt_zombies *zombies;
    struct qt_queue *queue;
    struct qt_config *config;
    struct qt_logmon *logs;
    struct qt_kernel *kernel;
    struct qt_firewall *firewall;

    qt_metrics metrics;    /* every collector's measurements (also pushed to history) */
    qt_findings findings;  /* every analyser's output, worst first */
    qt_incidents incidents; /* the marked findings grouped (incident.h), worst first */
} qt_snapshot;

/* One collector. All function pointers except collect may be NULL. */
typedef struct qt_collector {
    enum qt_src_id id;
    const char *name;
    /* Read the system into snap. *state persists across samples (NULL at first)
     * for incremental work. Return 0, or -1 with a one-line reason in err. */
    int (*collect)(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen);
    /* Every collector ran: the model becomes immutable (the process table
     * stops reading command lines on request and keeps what it read for
     * the next sample). */
    void (*seal)(qt_snapshot *snap);
    /* Add this sample's numbers to out (after all collectors ran). The
     * sampler pushes every metric to the history under qt_metric_key(). */
    void (*measure)(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out);
    /* Pure: snapshot and history in, findings out. Runs even if collect failed
     * (it may then report the failure as a finding). */
    void (*analyse)(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out);
    void (*free_model)(qt_snapshot *snap);
    void (*free_state)(void *state);
} qt_collector;

/* The registry of collectors (diag/collectors.c): qt_collectors[id] is the
 * collector of enum qt_src_id id, in run order; qt_ncollectors == QT_SRC_COUNT. */
extern const qt_collector *const qt_collectors[];
extern const size_t qt_ncollectors;

/* Persistent sampling state: collector states and history. Zero-initialise. */
typedef struct qt_sampler {
    void *state[QT_SRC_COUNT];
    qt_history hist;
    unsigned long seq;
    qt_incidents seen;     /* the last sample's incidents: their first-seen times carry over */
} qt_sampler;

/* Take one sample: run every collector, record history, run analysers, sort
 * findings, group the marked ones into incidents (first-seen kept from the
 * previous sample). Never fails as a whole; failures are per collector. Caller frees. */
qt_snapshot *qt_sample(qt_sampler *s, const qt_ctx *ctx);
void qt_snapshot_free(qt_snapshot *snap);
void qt_sampler_free(qt_sampler *s);

/* The collector's name from the registry ("procs", "sockets", ...): static,
 * never NULL; "?" for an id out of range. */
const char *qt_src_name(enum qt_src_id id);
/* The id of the collector with that name (exact), or -1. */
int qt_src_parse(const char *name);

#endif

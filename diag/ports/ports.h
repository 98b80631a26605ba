/* ports.h - the Ports model: per watched service and per remote IP, built
 * from the socket list (sockets.h) and the connection stages (stage.h),
 * and the collector that makes it (snapshot pointer `sockets`,
 * QT_SRC_SOCKETS).
 *
 * Counting rules (what the numbers mean; the integration test holds them
 * against ss(8)):
 *   established   ESTABLISHED sockets on the service's port, accepted or not
 *                 (= `ss -tn state established '( sport = :PORT )'`)
 *   queued        ESTABLISHED/CLOSE-WAIT with inode 0: in the accept queue
 *   accept_queue  the LISTEN sockets' Recv-Q (the kernel's own count)
 *   accepted      ESTABLISHED + CLOSE-WAIT that have a socket inode: the
 *                 connections a tcpserver holds children for, i.e. what
 *                 its -c limit counts
 *   stalled       handshake pending + starting: connected, mail program not running
 *   stalled_unknown  accepted connections whose stage qtriage cannot see
 *                 (qt_ports_stage_hidden): stalled is then only a lower
 *                 bound (stalled .. stalled + stalled_unknown) and shown as
 *                 unknown, never as a plain number (docs/monitoring.md,
 *                 "Unknown, never zero")
 * Per remote IP, connections are ESTABLISHED + CLOSE-WAIT (queued ones
 * included); an IPv4-mapped IPv6 peer counts as its IPv4 address.
 * A socket on the port whose local address no listener of the service
 * covers is an outgoing connection that happens to use the port as its
 * source port, and is not counted (unless the service has no listener at
 * all); ss counts it, which only matters for ports in the ephemeral range.
 *
 * Memory: the model owns everything it points to; free_model frees it.
 */
#ifndef QT_PORTS_H
#define QT_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"
#include "diag/core/snapshot.h"
#include "diag/ports/sockets.h"
#include "diag/ports/stage.h"
#include "diag/core/util.h"

/* Thresholds of the checks (documented in the findings they produce). */
#define QT_PORTS_HANDSHAKE_OLD 30.0   /* s: a TLS handshake still pending after this is stuck */
#define QT_PORTS_IP_MIN 8             /* connections: one IP above this ... */
#define QT_PORTS_IP_SHARE 0.25        /* ... holding more than this share of a service */
#define QT_PORTS_LIMIT_WARN 0.8       /* share of the -c limit */
#define QT_PORTS_NOCONN_AGE 5.0       /* s: a child with no connection younger than this is exiting */

struct qt_listener {
    int svc;
    uint8_t family;
    uint8_t laddr[16];
    unsigned accept_queue;    /* Recv-Q */
    unsigned backlog;         /* Send-Q; 0 = unknown (the /proc reader cannot see it) */
    unsigned queued;          /* inode-0 connections matched to this listener */
    int pid;                  /* holder, 0 if not visible (qt_ports_pid_str says why) */
};

struct qt_svc_stats {
    unsigned established, syn_recv, close_wait;
    unsigned queued, accept_queue, backlog, listeners;
    unsigned accepted;
    unsigned stage[QT_STAGE_COUNT];   /* accepted + queued connections by stage */
    unsigned stalled;         /* known stalled: a lower bound when stalled_unknown */
    unsigned stalled_unknown; /* accepted connections whose stage is hidden */
    unsigned hs_old;          /* handshake pending for longer than QT_PORTS_HANDSHAKE_OLD */
    double hs_oldest;         /* start of the oldest handshake pending with a known age; 0 none */
    int listener_pid;         /* first visible listener, 0 if none */
    unsigned listener_hidden; /* listeners whose holder is not visible */
    unsigned children;        /* live children of the listeners (qt_ports_slots); 0 = not counted */
    unsigned noconn;          /* of them, holding a -c slot with no TCP connection (m->noconn) */
};

/* A per-connection child of a listener that holds a -c slot with no TCP
 * connection left (neither it nor anything beneath it holds one). */
struct qt_slot_child {
    int svc;
    int pid;
    int listener;             /* its parent, the listener */
    double start;             /* epoch s */
    double cpu;               /* CPU seconds used so far (utime + stime); -1 unknown */
};

struct qt_ip {
    uint8_t family;
    uint8_t addr[16];
    unsigned total;                    /* connections on all watched services */
    unsigned count[QT_MAX_SERVICES];
    unsigned stalled;                  /* known stalled (lower bound when stalled_unknown) */
    unsigned stalled_unknown;          /* its connections whose stage is hidden */
    double oldest;                     /* earliest known connection start; 0 = unknown */
    uint64_t bytes_in, bytes_out;      /* sums over connections with tcp_info */
    unsigned with_bytes;               /* how many connections gave byte counts */
};

typedef struct qt_sockets {
    const char *backend;        /* "netlink" or "proc" (static) */
    char fallback_why[256];     /* why netlink was not used; "" */
    double now;                 /* sample time (epoch s) ages are measured from */
    unsigned euid;              /* effective uid that sampled (why owners may be hidden) */
    double dump_took;           /* seconds reading the sockets */
    double dump_cpu;            /* CPU seconds of that (kernel time included) */
    int tcp_info;               /* the dump asked for tcp_info (qt_ports_want_info); 0: byte
                                 * counters not read this sample, shown "-", never 0 */
    qt_socklist socks;          /* every socket of the watched ports (socks.bad: skipped input) */
    struct qt_owner *own;       /* parallel to socks.v */
    int nsvc;                   /* = ctx->nservices at sample time */
    struct qt_svc_stats svc[QT_MAX_SERVICES];
    struct qt_listener *listeners;
    size_t nlisteners;
    struct qt_ip *ips;          /* sorted by total (desc), then address */
    size_t nips;
    unsigned own_conns;         /* qtriage's own connections (diag/core/selfconn.h): in svc[], not in ips */
    struct qt_stage_stats stage;
    struct qt_slot_child *noconn;   /* every service's (qt_ports_slots) */
    size_t nnoconn;
} qt_sockets;

/* Fill the per-service stats, listeners and per-IP table of m from
 * m->socks and m->own (pure; m->now must be set). */
void qt_ports_build(qt_sockets *m, const qt_ctx *ctx);
/* After qt_ports_build: the listeners' live children (svc[].children) and
 * those older than QT_PORTS_NOCONN_AGE holding no connection (svc[].noconn,
 * m->noconn, with their CPU time from <proc>/PID/stat). A service with an
 * accepted connection whose owner is not visible is skipped (no
 * connection cannot be told from not visible); only listeners named as
 * forking servers (QT_PROG_LISTENER) are looked at. procs may be NULL
 * (nothing done). (slots.c) */
void qt_ports_slots(qt_sockets *m, const qt_ctx *ctx, const qt_procs *procs);
/* After qt_ports_slots in a run of samples: with confirm, keep only the
 * children that had no connection in the last sample too (prev, nprev: that
 * sample's *cand, sorted by pid; a child is its pid and start). A child
 * whose client has just left holds none in the moment between the close and
 * its exit (stunnel cut by TIMEOUTbusy, a session that ended): seen once,
 * it is not yet a stuck child. Without confirm (a run's first sample, or a
 * single one: --once, --check) nothing is dropped. *cand gets this sample's
 * children before the filter, sorted by pid, for the next sample (caller
 * frees; NULL when there is none). (slots.c) */
void qt_ports_slots_confirm(qt_sockets *m, const struct qt_slot_child *prev, size_t nprev, int confirm,
                            struct qt_slot_child **cand, size_t *ncand);
void qt_ports_free(qt_sockets *m);

/* Should this sample's dump ask for tcp_info (the byte counters)? Yes when
 * an output wants bytes (ctx->want_bytes), when a watched service has a TLS
 * front end (tls_svcs: the last sample's qt_stage_stats.tls_svcs; the rule
 * "TLS front end, 0 bytes received" needs them), or when that is not known
 * yet (known 0: no earlier sample with a process table). `ss -tn` asks for
 * none: the kernel fills tcp_info for every connection it dumps. */
int qt_ports_want_info(int want_bytes, int known, unsigned tls_svcs);

/* The -c limit of the service on port: -1 if unknown; *source (may be
 * NULL) gets where it came from ("--limit"). The one place limits are
 * looked up. */
int qt_ports_limit(const qt_ctx *ctx, const qt_snapshot *snap, unsigned port, const char **source);

/* The remote IP in text form ("198.51.100.7", "2001:db8::1"). out >= 46 bytes. */
void qt_ip_str(const struct qt_ip *ip, char *out, size_t n);
/* Find an IP by its text form; NULL if absent. */
const struct qt_ip *qt_ports_find_ip(const qt_sockets *m, const char *text);
/* 1 when ip holds "many" connections of watched service svc: more than
 * QT_PORTS_IP_MIN and more than QT_PORTS_IP_SHARE of the service's
 * established + CLOSE-WAIT ones (the ports.ip-share finding, the ip-hog
 * incident: docs/incidents.md). The one place the rule lives. */
int qt_ports_ip_hogs(const qt_sockets *m, const struct qt_ip *ip, int svc);
/* The watched service (index in ctx->services) where the IP of that text
 * holds the most connections among those it hogs; -1 none. *count (may be
 * NULL) gets its connections there. */
int qt_ports_ip_hog_svc(const qt_sockets *m, const char *text, unsigned *count);

/* --- what cannot be seen (ports_unknown.c) --- */

/* 1 when connection k's stage is hidden for a reason that lasts: owners
 * not readable (not root, or fd lists denied), no process table, one TLS
 * process serving many connections, or (not root) an owner not found
 * (hidepid). Such a connection makes the stalled counts lower bounds. A
 * root sample's one-off races (the owner exited or is newer than the
 * process table) are not: they are listed, not counted. */
int qt_ports_stage_hidden(const qt_sockets *m, size_t k);

/* Why the stage (or the listener pid) is not visible, one phrase for
 * evidence, notes and the --check status: "owners not readable: not root
 * (uid 1000)". svc < 0: any service. Writes "" when nothing is hidden. */
void qt_ports_hidden_why(const qt_sockets *m, int svc, char *out, size_t n);

/* "12" or "?" (nothing known) or ">=3" (3 known, more hidden): how the
 * screen and the reports show a stalled count. */
void qt_ports_count_str(unsigned known, unsigned hidden, char *out, size_t n);

/* "pid 1234 (tcpserver)" or "pid unknown (not root)": a listener's or
 * owner's pid for evidence. */
void qt_ports_pid_str(const qt_sockets *m, const qt_snapshot *snap, int pid, char *out, size_t n);

/* The remote IP holding the most accepted connections (a socket inode: a
 * slot of the server's -c) on local port `port`, from the kernel's socket
 * list, which any user can read: how many it holds, ip (>= 46 bytes) its
 * text; 0 when none. For the per-IP check when the children's
 * environment (TCPREMOTEIP) is not readable. */
unsigned qt_ports_top_accepted(const qt_sockets *m, unsigned port, char *ip, size_t n);

/* Age in seconds of connection k, or -1 if unknown. */
double qt_ports_age(const qt_sockets *m, size_t k);

/* The checks (ports_check.c): pure, snapshot in, findings out. Reports
 * the collector's failure too when it has no model. */
void qt_ports_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out);

/* The finding for service i's slots held by children with no connection
 * (ports_slots.c; WARN/CRIT by qt_sev_stall, marked as a "saturation"
 * incident). Returns 1 when it fired. */
int qt_ports_check_slots(const qt_ctx *ctx, const qt_snapshot *snap, const qt_sockets *m, int i, qt_findings *out);

/* The collector for the table (diag/collectors.c). */
extern const qt_collector qt_collector_sockets;

#endif

/* ctx.h - what every collector and analyser is given: where to read files,
 * which services to watch, thresholds, and a clock that tests can fake.
 *
 * The context is built once from the command line (src/options.c) and is
 * read-only for diag/. Nothing in diag/ reads a global setting.
 */
#ifndef QT_CTX_H
#define QT_CTX_H

#include <stddef.h>

#define QT_MAX_SERVICES 16

/* One watched service: a name and a local TCP port ("smtps", 465). */
struct qt_service {
    char name[32];
    unsigned port;
};

typedef struct qt_ctx {
    const char *root;      /* files such as /var/qmail/control/me resolve under it; "/" by default */
    const char *proc;      /* procfs to read; "/proc" by default (tests point it at fixtures) */
    struct qt_service services[QT_MAX_SERVICES];
    int nservices;
    unsigned limit;        /* --limit: assumed tcpserver -c when no command line tells; 0 = unknown */
    const char *dns_server;  /* "IP[:PORT]" for c-ares, NULL = none configured (no lookups) */
    const char *public_ip;   /* --public-ip, NULL = derive */
    int read_only;
    /* qmail's prefix, as on the system: "/var/qmail" unless --qmail-dir
     * names it or qt_qmail_dir_resolve() (diag/procs/qmaildir.h) found it;
     * every qmail file (control/, users/assign, queue/) is read below it
     * through qt_ctx_qmail(). qmail_source says where it came from. */
    const char *qmail_dir;      /* --qmail-dir DIR, NULL = find it */
    char qmail_prefix[256];
    char qmail_source[512];     /* "--qmail-dir", "cwd of qmail-send (pid 12, uid 0)", "default" ... */
    const char *queue_dir;   /* qmail's queue as on the served system (under root); NULL = queue/ below qmail's prefix */
    /* --log-window: how far back the logs collector reads each log at start
     * (diag/logmon/logmon.h): seconds and bytes per source (0: defaults,
     * one hour and 64 MiB) */
    double log_window;
    unsigned long long log_window_bytes;
    int no_probe;            /* --no-probe: no TLS handshake or idle-drop probes (diag/probe) */
    double probe_idle;       /* --probe-idle SECONDS: batch modes run the idle-drop probes with this bound; 0 = not */
    /* The sockets collector reads per-connection byte counters (tcp_info)
     * for an output that shows them: 1 by default (reports, --json); 0 for
     * the monitoring loops (--batch, --check, --prometheus), which print
     * none; the console sets it per sample from the views on screen. Ports
     * with a TLS front end get them anyway: a stage rule needs them
     * (diag/ports/stage.h, docs/performance-ports.md). */
    int want_bytes;
    /* Clock in seconds since the epoch; NULL means the real clock. Tests set a fake one. */
    double (*now)(void);
} qt_ctx;

/* Fill ctx with defaults: root "/", proc "/proc", services smtps=465,imaps=993,pop3s=995,
 * qmail prefix /var/qmail (source "default"). */
void qt_ctx_defaults(qt_ctx *ctx);

/* Resolve absolute path abs ("/var/qmail/control/me") under ctx->root into out.
 * A path that already starts with the root is kept as it is (command lines of
 * running processes name real paths). Returns out, or NULL if it does not fit. */
char *qt_ctx_path(const qt_ctx *ctx, const char *abs, char *out, size_t n);
/* Open, stat or read abs under ctx->root WITHOUT leaving it: every symlink
 * and ".." is resolved inside the root (openat2 RESOLVE_IN_ROOT, or a
 * careful walk; diag/core/rootfs.h). A path already under the root, as
 * qt_ctx_path returns it, is taken relative to the root too.
 * qt_ctx_open: flags O_DIRECTORY (a directory), O_PATH (anything, for
 *   fstat), else a regular file only (FIFOs, devices refused, EINVAL);
 *   opened O_NONBLOCK|O_NOCTTY|O_CLOEXEC; st (may be NULL) gets fstat;
 *   returns the fd (caller closes) or -1 with errno and why (may be NULL).
 * qt_ctx_stat: stat of abs, 0 or -1.
 * qt_ctx_read: at most max bytes of the regular file abs into *out
 *   (malloc'd, NUL-terminated, caller frees); info (may be NULL) gets the
 *   owner, truncated, and on failure why. Returns the length or -1. */
struct stat;
struct qt_fileinfo;
int qt_ctx_open(const qt_ctx *ctx, const char *abs, int flags, struct stat *st, char *why, size_t n);
int qt_ctx_stat(const qt_ctx *ctx, const char *abs, struct stat *st);
long qt_ctx_read(const qt_ctx *ctx, const char *abs, size_t max, char **out, struct qt_fileinfo *info);

/* The system path of rel below qmail's prefix: qt_ctx_qmail(ctx,
 * "control/me", ...) -> "/var/qmail/control/me" (NOT under --root: hand it
 * to qt_ctx_path/qt_ctx_read like any other system path, or show it in a
 * fix command). Returns out, or NULL if it does not fit. */
char *qt_ctx_qmail(const qt_ctx *ctx, const char *rel, char *out, size_t n);
/* The system path of real, a path under ctx->root as qt_ctx_path gives it
 * (or the root's real path): "/srv/r/var/qmail" -> "/var/qmail" with --root
 * /srv/r. What commands shown to the admin name (they run on the system).
 * Returns 1 when real was under the root, 0 when not (out gets real as it
 * is, cut to n); with root "/" out is real and 1 is returned. */
int qt_ctx_unroot(const qt_ctx *ctx, const char *real, char *out, size_t n);
/* The prefix itself ("/var/qmail" when ctx has none set). Never NULL. */
const char *qt_ctx_qmail_dir(const qt_ctx *ctx);

/* Same for a path under ctx->proc: qt_ctx_proc(ctx, "1234/stat", ...) -> "/proc/1234/stat". */
char *qt_ctx_proc(const qt_ctx *ctx, const char *rel, char *out, size_t n);

double qt_ctx_now(const qt_ctx *ctx);

/* Parse a --ports list: "smtps=465,imaps,995,submission=587". A bare name is
 * looked up in the built-in mail port table, a bare number gets the table's
 * name or "port-N". Replaces ctx->services. Returns 0, or -1 with a message in err. */
int qt_ctx_parse_ports(qt_ctx *ctx, const char *list, char *err, size_t errlen);

/* Well-known mail ports: name for a port (NULL if none), port for a name (0 if none). */
const char *qt_port_name(unsigned port);
unsigned qt_port_number(const char *name);

/* Index of the watched service on local port, or -1. */
int qt_ctx_service_index(const qt_ctx *ctx, unsigned port);

#endif

/* lint_int.h - the servers lint's internals (diag/lint only): edit operations on a command line, and the state and helpers its checks share. */
#ifndef QT_LINT_INT_H
#define QT_LINT_INT_H

#include "diag/parse/argv.h"
#include "diag/lint/lint.h"

enum qt_op_kind {
    QT_OP_ADD_FLAG,      /* insert -L after the program name */
    QT_OP_SET,           /* set -L's argument (replace the last one, or insert -L value) */
    QT_OP_REMOVE,        /* remove every -L (from bundles too) */
    QT_OP_PROG,          /* replace the front end's program name (same directory) */
    QT_OP_INSERT_AFTER,  /* insert value after the base word at */
    QT_OP_REMOVE_RANGE,  /* remove base words at..at2 */
};

#define QT_MAXOPS 16

struct qt_op {
    enum qt_op_kind k;
    char letter;
    char value[96];
    int at, at2;
};

struct qt_ops {
    struct qt_op v[QT_MAXOPS];
    int n;
};

void qt_ops_add(struct qt_ops *o, enum qt_op_kind k, char letter, const char *value, int at, int at2);
/* Apply ops to c's words into f. Returns 1 if any op was given. */
int qt_fixline_build(const qt_cmd *c, const struct qt_ops *ops, struct qt_fixline *f);
/* The base line with '^' under the words a fix removed or modified. */
void qt_fixline_render_current(const qt_cmd *c, const struct qt_fixline *f, qt_buf *line, qt_buf *marks);

/* Mark f (may be NULL) as about port PORT when nobody watches it (not in
 * --ports; ctx may be NULL = unknown, then nothing is marked): --check
 * covers only the watched services and host-wide problems
 * (docs/monitoring.md). An unknown port (0) stays counted. lint_ports.c. */
void qt_lint_mark_unwatched(const qt_ctx *ctx, qt_finding *f, unsigned port);

/* Findings "two services on one port" between services that are up or
 * would be started (not inventory, qt_server_inventory). lint_ports.c. */
void qt_lint_check_ports(const qt_ctx *ctx, const qt_snapshot *snap, const qt_servers *s, qt_findings *out);

/* "vchkpw cannot read vpopmail's passwords as this service's uid"
 * (servers.vpasswd-unreadable) from sv->auth_*; out NULL: nothing. lint_auth.c. */
void qt_lint_check_auth(const struct qt_server *sv, qt_findings *out);

/* Handshakes stuck longer than QT_PORTS_HANDSHAKE_OLD on a watched port,
 * from the Ports model; 0 when none, unwatched or unknown. lint_ports.c. */
unsigned qt_lint_stalls_on_port(const qt_ctx *ctx, const qt_snapshot *snap, unsigned port);

/* Mark the WARN/CRIT findings out[first..] that the lint made about a
 * user-visible problem with qt_finding_incident() (no-deadline on a live
 * listener, service-down). lint_incident.c. */
void qt_lint_mark_incidents(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out, size_t first);

/* The one-IP check on a tcpserver that enforces MAXCONNIP from its rules
 * cdb: evidence (the limit, or the rules that set it), and the fix in the
 * rules instead of iptables. 1 when it explained f, 0 when sv has no
 * MAXCONNIP (lint_iplimit.c). */
struct qt_server;
int qt_lint_rules_iplimit(const struct qt_server *sv, qt_finding *f);

/* --- the lint's own state and helpers (lint.c), for the checks split
 * into files of their own (lint_limit.c) --- */
struct qt_history;
struct lctx {
    const qt_ctx *ctx;
    const qt_snapshot *snap;
    const qt_history *hist;
    const struct qt_server *sv;
    const qt_cmd *base;        /* the command the fixes edit */
    qt_findings *out;          /* NULL: only collect the edits */
    struct qt_ops all;
};
/* A finding "servers.CHECK:SERVICE" about l->sv (NULL when l->out is NULL:
 * only the edits are collected); inventory capped at INFO, unwatched ports
 * marked. */
qt_finding *qt_lint_add(struct lctx *l, enum qt_sev sev, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The running and run-script command lines and the variant as evidence (f may be NULL). */
void qt_lint_ev_cmdline(struct lctx *l, qt_finding *f);
/* Collect ops into the full correction; the current and corrected lines as f's fix. */
void qt_lint_add_fix(struct lctx *l, qt_finding *f, const struct qt_ops *ops);
/* The capacity checks (lint_limit.c). */
void qt_lint_check_limit(struct lctx *l);
void qt_lint_check_one_ip(struct lctx *l);

#endif

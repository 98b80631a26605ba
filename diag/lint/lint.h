/* lint.h - what is wrong with each front end's command line, with evidence,
 * the explanation (the software's real behaviour, not folklore), and a
 * corrected command line shown next to the current one.
 *
 * Findings have source "servers", subject = the service name and ids
 * "servers.<check>:<service>". Every fix starts with the current and the
 * corrected command line, a line of '^' under the changed parts, and ends
 * with the svc -t command that applies it under daemontools/runit.
 *
 * The corrected line is built on the run script's command when there is
 * one (that is what the admin edits), else on the running argv.
 */
#ifndef QT_LINT_H
#define QT_LINT_H

#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"

/* The analyser for QT_SRC_SERVERS (pure: snapshot + history -> findings). */
/* The servers collector: qt_servers_collector_collect & co (servers.h) with this lint
 * as its analyser (servers_collector.c). */
extern const struct qt_collector qt_collector_servers;
/* The firewall collector (firewall_collector.c): the live ruleset and the
 * per-service facts its coverage check needs (diag/firewall/firewall.h). */
extern const struct qt_collector qt_collector_firewall;

void qt_servers_lint(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out);

/* A command line under edit: words with a changed mark. */
struct qt_fixword {
    char *s;
    int changed;       /* 1: added or modified by a fix */
};

struct qt_fixline {
    struct qt_fixword *w;
    int n;
    size_t cap;
    int nchanges;      /* edits applied */
    unsigned char *removed;  /* per word of the base command: 1 if a fix removed it; NULL */
    int nbase;
};

/* The fully corrected line for sv (every fix of every check applied).
 * Returns 1 when something changed, 0 when the line is fine or there is no
 * command to correct. out is always initialised; free with qt_fixline_free. */
int qt_lint_corrected(const qt_ctx *ctx, const struct qt_server *sv, struct qt_fixline *out);
/* Render: text of the words joined by spaces (shell-quoted) into line, and
 * under it '^' below changed words into marks (spaces elsewhere). */
void qt_fixline_render(const struct qt_fixline *f, qt_buf *line, qt_buf *marks);
void qt_fixline_free(struct qt_fixline *f);

/* The command to apply a changed run script: "svc -t /service/NAME". Caller frees. */
char *qt_lint_apply_cmd(const struct qt_server *sv);

#endif

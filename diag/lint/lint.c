/* lint.c - see lint.h. One function per check; each emits a finding with its own corrected line and adds
 * its edits to the full correction. The explanations follow docs/domain/ (software over folklore). */
#include "diag/lint/lint.h"
#include "diag/lint/lint_int.h"
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



qt_finding *qt_lint_add(struct lctx *l, enum qt_sev sev, const char *check, const char *fmt, ...)
{
    char id[200], *title;
    va_list ap;
    qt_finding *f;

    if (!l->out)
        return NULL;
    va_start(ap, fmt);
    title = qt_vasprintf(fmt, ap);
    va_end(ap);
    snprintf(id, sizeof id, "servers.%s:%s", check, l->sv->name);
    /* docs/severity.md: no supervisor would start it, so nobody is hurt by it */
    if (sev > QT_SEV_INFO && qt_server_inventory(l->sv))
        sev = QT_SEV_INFO;
    f = qt_findings_add(l->out, sev, "servers", id, title);
    free(title);
    qt_finding_subject(f, "%s", l->sv->name);
    if (f && sev == QT_SEV_INFO && qt_server_inventory(l->sv))
        qt_finding_evidence(f, "inventory (at most INFO): %s", qt_server_want_down(l->sv) ? "deliberately down (a down file, or svc -d)"
                                                                                   : "not in an active scan directory");
    qt_lint_mark_unwatched(l->ctx, f, l->sv->port);
    return f;
}

/* A command line in a finding: at most LINE_SHOWN bytes. A hostile one can
 * be hundreds of KiB (run-script budgets, procs.h caps) and every finding
 * about the service repeats it. marks (may be NULL) is cut at the same byte. */
#define LINE_SHOWN 4096
static void cut_line(qt_buf *b, qt_buf *marks)
{
    size_t more;
    if (marks && marks->len > LINE_SHOWN) {
        marks->len = LINE_SHOWN;
        marks->s[marks->len] = '\0';
    }
    if (b->len <= LINE_SHOWN)
        return;
    more = b->len - LINE_SHOWN;
    b->len = LINE_SHOWN;
    b->s[b->len] = '\0';
    qt_buf_printf(b, " ... (%zu more bytes not shown)", more);
}

static char *shown_cmd(const qt_cmd *c)
{
    qt_buf b = {0};
    char *s = qt_cmd_join(c, 0, c->argc - 1);
    qt_buf_puts(&b, s);
    free(s);
    cut_line(&b, NULL);
    qt_buf_add(&b, "", 0);
    return qt_buf_steal(&b);
}

void qt_lint_ev_cmdline(struct lctx *l, qt_finding *f)
{
    const struct qt_server *sv = l->sv;
    if (!f)
        return;
    if (sv->pid) {
        char *s = shown_cmd(&sv->proc);
        qt_finding_evidence(f, "running (pid %d): %s%s%s", sv->pid, s, sv->proc.argv_more ? " " : "",
                            qt_proc_argv_more_text(sv->proc.argv_more));
        free(s);
        if (sv->proc.argv_more)
            qt_finding_evidence(f, "the command line of pid %d was cut (qtriage keeps at most %d arguments, %d KiB): the checks see only the part shown",
                                sv->pid, QT_PROC_ARGV_MAX_ARGS, QT_PROC_ARGV_MAX_BYTES / 1024);
    }
    if (sv->has_script_cmd) {
        char *s = shown_cmd(&sv->script);
        qt_finding_evidence(f, "%s/run line %d: %s", sv->svcdir, sv->rs.line, s);
        free(s);
    }
    qt_finding_evidence(f, "variant: %s (%s)", qt_variant_get(l->sv->variant)->label, sv->variant_evidence);
}

char *qt_lint_apply_cmd(const struct qt_server *sv)
{
    if (sv->svcdir[0])
        return qt_asprintf("svc -t %s   # TERM to the listener; supervise restarts it with the new run script; open connections continue", sv->svcdir);
    if (sv->pid)
        return qt_asprintf("# not supervised: restart whatever started pid %d with the corrected command", sv->pid);
    return qt_strdup("# not supervised: start it with the corrected command");
}

/* Current and corrected line for these edits, then how to apply them. */
void qt_lint_add_fix(struct lctx *l, qt_finding *f, const struct qt_ops *ops)
{
    struct qt_fixline fl;
    for (int i = 0; i < ops->n; i++) {
        int dup = 0;
        for (int k = 0; k < l->all.n; k++)
            if (!memcmp(&l->all.v[k], &ops->v[i], sizeof ops->v[i]))
                dup = 1;
        if (!dup && l->all.n < QT_MAXOPS)
            l->all.v[l->all.n++] = ops->v[i];
    }
    if (!f || !l->base || !ops->n)
        return;
    if (qt_fixline_build(l->base, ops, &fl)) {
        qt_buf a = {0}, am = {0}, b = {0}, bm = {0};
        char *apply = qt_lint_apply_cmd(l->sv);
        qt_fixline_render_current(l->base, &fl, &a, &am);
        qt_fixline_render(&fl, &b, &bm);
        cut_line(&a, &am);
        cut_line(&b, &bm);
        qt_finding_fix(f, "current:   %s", qt_buf_str(&a));
        if (am.len)
            qt_finding_fix(f, "           %s", qt_buf_str(&am));
        qt_finding_fix(f, "corrected: %s", qt_buf_str(&b));
        if (bm.len)
            qt_finding_fix(f, "           %s", qt_buf_str(&bm));
        if (l->base->argv_more)
            qt_finding_fix(f, "(the running command line was cut %s: both lines above lack its end)", qt_proc_argv_more_text(l->base->argv_more));
        if (l->base == &l->sv->script && l->sv->svcdir[0])
            qt_finding_fix(f, "(edit line %d of %s/run)", l->sv->rs.line, l->sv->svcdir);
        qt_finding_fix(f, "%s", apply);
        free(apply);
        qt_buf_free(&a);
        qt_buf_free(&am);
        qt_buf_free(&b);
        qt_buf_free(&bm);
    }
    qt_fixline_free(&fl);
}

/* --- the checks --- */

static void check_script(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    qt_finding *f;

    if (sv->run_error[0]) {
        f = qt_lint_add(l, QT_SEV_WARN, "script-unread", "run script not read: %s", sv->run_error);
        if (f) {
            qt_finding_evidence(f, "%s/run: %s", sv->svcdir, sv->run_error);
            qt_finding_explain(f, "qtriage reads only regular files inside --root (a FIFO would block, a link out of the root "
                                  "could publish another file), so what this service runs is unknown.");
            qt_finding_fix(f, "check it by hand: ls -l %s/run", sv->svcdir);
        }
        return;
    }
    if (sv->has_script && sv->rs.budget[0]) {
        f = qt_lint_add(l, QT_SEV_WARN, "script-budget", "run script too complex to evaluate: %s", sv->rs.budget);
        if (f) {
            qt_finding_evidence(f, "%s/run: evaluation stopped at %s", sv->svcdir, sv->rs.budget);
            qt_finding_explain(f, "qtriage reads run scripts without running them, within fixed budgets of words, expansions, bytes and files "
                                  "(docs/security.md), so that a script cannot make it hang or exhaust memory. This one exceeded a budget: "
                                  "its command is not known%s.",
                               sv->pid ? "; the running process's command line was used instead" : "");
            qt_finding_fix(f, "read %s/run by hand: a run script that multiplies variables this much is unusual (sh -n checks only its syntax)", sv->svcdir);
        }
    } else if (sv->has_script && sv->rs.error[0]) {
        f = qt_lint_add(l, sv->pid ? QT_SEV_WARN : QT_SEV_CRIT, "script-syntax", "run script cannot be read as a command: %s", sv->rs.error);
        if (f) {
            qt_finding_evidence(f, "%s/run: %s", sv->svcdir, sv->rs.error);
            qt_finding_explain(f, "If sh cannot parse the script either, supervise restarts it about once a second and the service never comes up%s.",
                               sv->pid ? " (the running process was started from an older version)" : "");
            qt_finding_fix(f, "fix the script, check it with: sh -n %s/run", sv->svcdir);
        }
    }
    if (sv->has_script && sv->rs.truncated) {
        f = qt_lint_add(l, QT_SEV_WARN, "script-truncated", "run script truncated at %d KiB: the exec line may be missing", QT_RUNSCRIPT_MAX / 1024);
        if (f) {
            qt_finding_evidence(f, "%s/run is longer than %d bytes; only the first %d were read%s", sv->svcdir, QT_RUNSCRIPT_MAX, QT_RUNSCRIPT_MAX,
                                sv->has_script_cmd ? "" : " and no command was found in them");
            if (sv->has_script_cmd)
                qt_finding_evidence(f, "the command shown is from line %d; the shell would run a later one", sv->rs.line);
            qt_finding_explain(f, "Run scripts are a few lines long; qtriage reads at most %d KiB of one. The command supervise really runs may come after that%s.",
                               QT_RUNSCRIPT_MAX / 1024, sv->pid ? "; the running process's command line is what counts" : "");
        }
    }
    if (sv->has_script_cmd && (sv->script.status == QT_CMD_BAD_OPTION || sv->script.status == QT_CMD_USAGE)) {
        struct qt_ops ops = {0};
        const qt_cmd *c = &sv->script;
        f = qt_lint_add(l, QT_SEV_CRIT, "script-refused", "%s in the run script would refuse to start: %s", c->server_name, c->error);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            if (qt_variant_get(l->sv->variant)->usage)
                qt_finding_evidence(f, "it prints: %s", qt_variant_get(l->sv->variant)->usage);
            qt_finding_explain(f, "The real %s parses options with DJB getopt: an unknown letter or a missing argument makes it print its usage and exit 100. "
                                  "Under supervise that is a restart loop about once a second: the port is closed%s.",
                               c->server_name, sv->pid ? " as soon as the running process is restarted" : "");
            if (c->bad_letter == 'T' && !strchr(qt_variant_get(l->sv->variant)->optstring, 'T'))
                qt_finding_explain(f, "-T does not exist in %s; -t is the ident (port 113) timeout. Neither bounds a TLS handshake.", qt_variant_get(l->sv->variant)->label);
        }
        if (c->status == QT_CMD_BAD_OPTION && c->optend < c->argc && c->argv[c->optend][0] == '-' &&
            strlen(c->argv[c->optend]) == 2) {
            int end = c->optend;
            if (end + 1 < c->argc && qt_scan_ulong(c->argv[end + 1]) > 0 && c->argv[end + 1][0] >= '0' && c->argv[end + 1][0] <= '9')
                end++;
            qt_ops_add(&ops, QT_OP_REMOVE_RANGE, 0, NULL, c->optend, end);
        }
        qt_lint_add_fix(l, f, &ops);
    }
    if (sv->has_script_cmd && sv->rs.notes.len && l->out) {
        f = qt_lint_add(l, QT_SEV_INFO, "script-unresolved", "parts of the run script could not be resolved statically");
        if (f) {
            for (const char *p = qt_buf_str(&sv->rs.notes); *p;) {
                const char *nl = strchr(p, '\n');
                qt_finding_evidence(f, "%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
                if (!nl)
                    break;
                p = nl + 1;
            }
            qt_finding_explain(f, "qtriage reads run scripts without running them; the words above are shown as written and not trusted for the checks%s.",
                               sv->pid ? "; the running process's command line was used instead" : "");
        }
    }
    if (sv->differs) {
        f = qt_lint_add(l, QT_SEV_WARN, "script-differs", "run script differs from the running process (edited, not restarted)");
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_evidence(f, "%s", sv->differs_detail);
            qt_finding_explain(f, "supervise started the process from an earlier version of the run script. The change takes effect only after a restart; "
                                  "until then the running command line is what counts (and a broken edit shows up only at the next restart).");
            {
                char *a = qt_lint_apply_cmd(sv);
                qt_finding_fix(f, "%s", a);
                free(a);
            }
        }
    }
    if (sv->has_script_cmd && !sv->pid && l->snap && l->snap->procs) {
        const char *title = qt_server_want_down(sv) ? "supervised front end is down on purpose"
                            : !sv->in_scan ? "front end not in an active scan directory: not started"
                                           : "supervised front end is not running";
        f = qt_lint_add(l, QT_SEV_CRIT, "down", "%s", title);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            if (sv->down_file)
                qt_finding_evidence(f, "%s/down exists: svscan does not start it", sv->svcdir);
            if (sv->st.readable)
                qt_finding_evidence(f, "supervise/status: pid %d, want %s%s", sv->st.pid, sv->st.want_up ? "up" : "down",
                                    sv->st.paused ? ", paused" : "");
            else if (sv->in_scan)
                qt_finding_evidence(f, "supervise/status not readable: is supervise running for %s?", sv->svcdir);
            if (sv->in_scan && !qt_server_want_down(sv)) {
                qt_finding_explain(f, "Nothing listens for this service. If supervise is restarting it in a loop, its log shows why (bind failures, usage lines).");
                qt_finding_fix(f, "svstat %s; tail %s/current", sv->svcdir, sv->logdir[0] ? sv->logdir : "LOGDIR");
            }
        }
    }
    if (sv->cmd && !sv->variant_certain) {
        f = qt_lint_add(l, QT_SEV_INFO, "variant", "front end variant not proven: %s?", qt_variant_get(l->sv->variant)->label);
        if (f) {
            qt_finding_evidence(f, "%s", sv->variant_evidence);
            qt_finding_explain(f, "The same program name covers binaries whose options mean different things (tcpserver: stock, SSL-patched, ucspi-tcp6, indimail). "
                                  "The checks assume %s; reading the binary (run qtriage as root, or with --root pointing at its files) settles it.", qt_variant_get(l->sv->variant)->label);
        }
    }
}

static void check_handshake(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    const struct qt_variant_def *d = qt_variant_get(l->sv->variant);
    struct qt_ops ops = {0};
    qt_finding *f;
    const qt_cmd *c = sv->cmd;

    if (!c)
        return;
    if (sv->tls && sv->hs_source == QT_HS_NONE) {
        /* docs/severity.md: CRIT for a live listener while stalls exist */
        unsigned stalls = sv->pid ? qt_lint_stalls_on_port(l->ctx, l->snap, sv->port) : 0;
        f = qt_lint_add(l, stalls ? QT_SEV_CRIT : QT_SEV_WARN, "no-handshake-deadline", "no TLS handshake deadline: a silent client holds a connection slot forever");
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_evidence(f, "handshake: %s", sv->hs_detail);
            if (stalls)
                qt_finding_evidence(f, "now: %u connections on port %u stuck in the TLS handshake for more than %.0f s", stalls, sv->port, QT_PORTS_HANDSHAKE_OLD);
            else
                qt_finding_evidence(f, "%s", sv->pid ? "no stuck handshake seen now (or the port is not watched with --ports)" : "not running");
            qt_finding_explain(f, "A client (scanner, slowloris) that opens TCP and never finishes the TLS handshake keeps its child alive; "
                                  "every such client takes one of the -c %ld slots until it disconnects. At the limit tcpserver stops accepting and real users wait.",
                               sv->limit);
        }
        if (sv->variant == QT_VAR_SSL_PATCH) {
            if (f) {
                qt_finding_explain(f, "The SSL-patched tcpserver has no option for this (blocking SSL_accept, then a fixed 3600 s relay timeout). "
                                      "-t is the ident timeout and -T is an illegal option in it: neither helps.");
                qt_finding_explain(f, "Switch the front end: ucspi-ssl sslserver (-T n, total handshake deadline, default 26 s; add -e so vchkpw sees the client), "
                                      "or tcpserver + stunnel in inetd mode with TIMEOUTbusy, or s6-tlsserver/s6-tlsd -K ms.");
                if (qt_cmd_last(c, 'n'))
                    qt_finding_fix(f, "sslserver reads the certificate from $CERTFILE (and $KEYFILE): set CERTFILE=%s in the run script or its envdir",
                                   qt_cmd_last(c, 'n')->arg);
            }
            qt_ops_add(&ops, QT_OP_REMOVE, 's', NULL, 0, 0);
            qt_ops_add(&ops, QT_OP_REMOVE, 'S', NULL, 0, 0);
            qt_ops_add(&ops, QT_OP_REMOVE, 'n', NULL, 0, 0);
            qt_ops_add(&ops, QT_OP_PROG, 0, "sslserver", 0, 0);
            qt_ops_add(&ops, QT_OP_ADD_FLAG, 'e', NULL, 0, 0);
            qt_ops_add(&ops, QT_OP_SET, 'T', "30", 0, 0);
        } else if (sv->variant == QT_VAR_S6_TLSSERVER) {
            if (f)
                qt_finding_explain(f, "s6-tlsserver passes -K to s6-tlsd: without it (or with 0) the handshake may take forever.");
            qt_ops_add(&ops, QT_OP_SET, 'K', "30000", 0, 0);
        } else if (qt_cmd_link(c, QT_LINK_S6_TLSD) >= 0) {
            int bi = l->base ? qt_cmd_link(l->base, QT_LINK_S6_TLSD) : -1;
            if (f)
                qt_finding_explain(f, "s6-tlsd -K kimeout (milliseconds) closes the connection when the handshake takes longer; the default 0 is infinite.");
            if (bi >= 0)
                qt_ops_add(&ops, QT_OP_INSERT_AFTER, 0, "-K30000", l->base->links[bi].first, 0);
        }
        qt_lint_add_fix(l, f, &ops);
        return;
    }
    if (sv->tls && (sv->hs_source == QT_HS_OPTION || sv->hs_source == QT_HS_CHAIN) && sv->handshake >= 0) {
        if (sv->handshake == 0) {
            f = qt_lint_add(l, QT_SEV_WARN, "handshake-zero", "handshake deadline 0: every TLS handshake that is not instant fails");
            qt_lint_ev_cmdline(l, f);
            if (f)
                qt_finding_explain(f, "%s: the deadline is now + 0 s, so the first SSL_accept that has to wait for the client gives up.", sv->hs_detail);
            if (d->handshake_opt)
                qt_ops_add(&ops, QT_OP_SET, d->handshake_opt, d->handshake_unit_ms ? "30000" : "30", 0, 0);
            qt_lint_add_fix(l, f, &ops);
        } else if (sv->handshake > 60) {
            f = qt_lint_add(l, QT_SEV_WARN, "handshake-huge", "TLS handshake deadline of %.0f s is long", sv->handshake);
            qt_lint_ev_cmdline(l, f);
            if (f) {
                qt_finding_evidence(f, "handshake: %s", sv->hs_detail);
                qt_finding_explain(f, "A real client finishes a handshake in well under a second. With %.0f s, %ld silent clients per %.0f s are enough to fill every slot.",
                                   sv->handshake, sv->limit, sv->handshake);
            }
            if (d->handshake_opt && sv->hs_source == QT_HS_OPTION)
                qt_ops_add(&ops, QT_OP_SET, d->handshake_opt, d->handshake_unit_ms ? "30000" : "30", 0, 0);
            else if (f)
                qt_finding_fix(f, "set TIMEOUTbusy = 30 in the stunnel configuration");
            qt_lint_add_fix(l, f, &ops);
        } else if (l->out) {
            f = qt_lint_add(l, QT_SEV_OK, "handshake", "TLS handshake deadline %.0f s (%s)", sv->handshake, sv->hs_detail);
            if (f)
                qt_finding_explain(f, "A client that does not finish the handshake in time is dropped and frees its slot.");
        }
    } else if (sv->tls && sv->hs_source == QT_HS_DEFAULT) {
        f = qt_lint_add(l, QT_SEV_OK, "handshake", "TLS handshake deadline: %s, fine", sv->hs_detail);
        if (f)
            qt_finding_explain(f, "%s", d->handshake_note);
    } else if (sv->hs_source == QT_HS_PROGRAM) {
        f = qt_lint_add(l, sv->handshake > 120 ? QT_SEV_WARN : QT_SEV_OK, "handshake", "TLS is done by qmail-smtpd (SMTPS): deadline %.0f s from control/timeoutsmtpd", sv->handshake);
        if (f)
            qt_finding_explain(f, "qmail-smtpd's TLS patch bounds the handshake with timeoutsmtpd as a total deadline. It only starts after tcpserver's ident and DNS lookups.");
    } else if (sv->hs_source == QT_HS_UNKNOWN) {
        f = qt_lint_add(l, QT_SEV_WARN, "handshake-unknown", "cannot tell what bounds the TLS handshake: %s", sv->hs_detail);
        qt_lint_ev_cmdline(l, f);
    }
    /* -w / relay idle timeouts far above the default */
    {
        const struct qt_opt *w = qt_cmd_last_role(c, QT_OR_IO_TIMEOUT, QT_OR_IO_TIMEOUT);
        if (w && (qt_scan_ulong(w->arg) > 3600 || qt_scan_ulong(w->arg) == 0)) {
            struct qt_ops o2 = {0};
            f = qt_lint_add(l, QT_SEV_WARN, "io-timeout", "-%c %s: %s", w->letter, w->arg,
                    qt_scan_ulong(w->arg) ? "idle connections may hold a slot for a very long time" : "0 is not a sane idle timeout");
            qt_lint_ev_cmdline(l, f);
            if (f)
                qt_finding_explain(f, "-%c in %s: %s.", w->letter, d->label, qt_variant_opt(d, w->letter)->meaning);
            qt_ops_add(&o2, QT_OP_SET, w->letter, "1200", 0, 0);
            qt_lint_add_fix(l, f, &o2);
        }
    }
}

static void check_ident_dns(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    const struct qt_variant_def *d = qt_variant_get(l->sv->variant);
    const qt_cmd *c = sv->cmd;
    const struct qt_opt *t;
    int ident;
    qt_finding *f;

    if (!c || !qt_variant_opt(d, 'R'))
        return;
    ident = qt_cmd_state(c, QT_OR_IDENT_ON, QT_OR_IDENT_OFF, d->ident_default);
    t = qt_cmd_last_role(c, QT_OR_IDENT_TIMEOUT, QT_OR_IDENT_TIMEOUT);
    if (t && !ident) {
        struct qt_ops ops = {0};
        f = qt_lint_add(l, sv->tls ? QT_SEV_WARN : QT_SEV_INFO, "t-meaningless", "-t %s does nothing: ident lookups are off", t->arg);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_explain(f, "-t is the ident ($TCPREMOTEINFO, port 113) timeout in every tcpserver variant and in sslserver; with ident off (-R) it is never used.");
            if (sv->tls || sv->port == 465 || sv->port == 993 || sv->port == 995)
                qt_finding_explain(f, "It is not a TLS handshake timeout (a common belief). Here the handshake is bounded by: %s.", sv->hs_detail);
        }
        qt_ops_add(&ops, QT_OP_REMOVE, t->letter, NULL, 0, 0);
        qt_lint_add_fix(l, f, &ops);
    } else if (t && sv->tls) {
        f = qt_lint_add(l, QT_SEV_INFO, "t-not-tls", "-t %s limits only the ident lookup, not the TLS handshake", t->arg);
        qt_lint_ev_cmdline(l, f);
        if (f)
            qt_finding_explain(f, "-t is the ident ($TCPREMOTEINFO) timeout. The handshake is bounded by: %s.", sv->hs_detail);
    }
    if (ident) {
        struct qt_ops ops = {0};
        unsigned long tt = t ? qt_scan_ulong(t->arg) : 26;
        f = qt_lint_add(l, QT_SEV_WARN, "ident-on", "ident (port 113) lookup on every connection: up to %lu s before the program starts", tt);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_explain(f, "%s asks the client's port 113 for $TCPREMOTEINFO %s. Most clients drop port 113 silently, so each connection waits up to -t (%lu s) "
                                  "holding a slot; in the log the gap shows between 'pid N from IP' and 'ok N'.",
                               d->label, qt_cmd_last_role(c, QT_OR_IDENT_ON, QT_OR_IDENT_ON) ? "because -r is given" : "by default", tt);
        }
        qt_ops_add(&ops, QT_OP_REMOVE, 'r', NULL, 0, 0);
        qt_ops_add(&ops, QT_OP_ADD_FLAG, 'R', NULL, 0, 0);
        if (t)
            qt_ops_add(&ops, QT_OP_REMOVE, t->letter, NULL, 0, 0);
        qt_lint_add_fix(l, f, &ops);
    }
    if (qt_variant_opt(d, 'H') && qt_cmd_state(c, QT_OR_DNS_ON, QT_OR_DNS_OFF, d->dns_default)) {
        struct qt_ops ops = {0};
        f = qt_lint_add(l, QT_SEV_WARN, "dns-on", "reverse-DNS lookup of every client before the program starts (-H missing)");
        qt_lint_ev_cmdline(l, f);
        if (f)
            qt_finding_explain(f, "Without -H, %s resolves the client's address (and with -p its name again) before running the program; a slow or broken resolver "
                                  "delays every connection and keeps it in a slot. qmail-smtpd works without $TCPREMOTEHOST.", c->server_name);
        qt_ops_add(&ops, QT_OP_REMOVE, 'h', NULL, 0, 0);
        qt_ops_add(&ops, QT_OP_ADD_FLAG, 'H', NULL, 0, 0);
        qt_lint_add_fix(l, f, &ops);
    }
}

static void check_chain(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    const qt_cmd *c = sv->cmd, *b = l->base;
    int ti, smtpd;
    qt_finding *f;

    if (!c)
        return;
    ti = qt_cmd_link(c, QT_LINK_TIMEOUT);
    smtpd = qt_cmd_link(c, QT_LINK_QMAIL_SMTPD);
    if (ti >= 0) {
        struct qt_ops ops = {0};
        int bi = b ? qt_cmd_link(b, QT_LINK_TIMEOUT) : -1;
        f = qt_lint_add(l, QT_SEV_WARN, "timeout-wrapper", "`timeout %.0f` in the program chain cannot free a stalled slot", c->links[ti].num);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_explain(f, "timeout starts counting only when tcpserver runs the program. A connection stalled before that (TLS handshake, ident, DNS) never reaches it.");
            if (sv->variant == QT_VAR_SSL_PATCH || sv->variant == QT_VAR_SSLSERVER || sv->variant == QT_VAR_SSLSERVER_FEH)
                qt_finding_explain(f, "With %s the program is a grandchild: when timeout kills it, the relay child that tcpserver counts can stay blocked on the client.",
                                   qt_variant_get(l->sv->variant)->label);
            qt_finding_explain(f, "qmail-smtpd already has its own per-read timeout (control/timeoutsmtpd, default 1200 s). Bound the handshake in the front end instead.");
        }
        if (bi >= 0)
            qt_ops_add(&ops, QT_OP_REMOVE_RANGE, 0, NULL, b->links[bi].first, b->links[bi].args - 1);
        qt_lint_add_fix(l, f, &ops);
    }
    if ((sv->variant == QT_VAR_SSLSERVER || sv->variant == QT_VAR_SSLSERVER_FEH) &&
        !qt_cmd_state(c, QT_OR_TCPENV_ON, QT_OR_TCPENV_OFF, 0)) {
        int uses = smtpd >= 0 || qt_cmd_link(c, QT_LINK_QMAIL_POPUP) >= 0;
        for (int i = c->prog; i >= 0 && i < c->argc; i++)
            if (strstr(qt_basename(c->argv[i]), "vchkpw"))
                uses = 1;
        if (uses) {
            struct qt_ops ops = {0};
            f = qt_lint_add(l, QT_SEV_WARN, "no-e", "sslserver without -e: no TCPREMOTEIP/TCPLOCALPORT for the program (vchkpw logs as vchkpw-0)");
            qt_lint_ev_cmdline(l, f);
            if (f)
                qt_finding_explain(f, "sslserver sets only SSL* variables unless -e is given. vchkpw names itself from $TCPLOCALPORT (465 -> vchkpw-smtps) "
                                      "and logs the client from $TCPREMOTEIP; without them every line says vchkpw-0 with no IP, and qmail-smtpd loses the client address.");
            qt_ops_add(&ops, QT_OP_REMOVE, 'E', NULL, 0, 0);
            qt_ops_add(&ops, QT_OP_ADD_FLAG, 'e', NULL, 0, 0);
            qt_lint_add_fix(l, f, &ops);
        }
    }
    if (smtpd >= 0) {
        const struct qt_link *k = &c->links[smtpd];
        int n = c->argc - k->first - 1;
        const char *a1 = n >= 1 ? c->argv[k->first + 1] : NULL, *a2 = n >= 2 ? c->argv[k->first + 2] : NULL;
        int host1 = a1 && !strchr(a1, '/') && strchr(a1, '.');
        int hoff = sv->smtpd_smtpauth;
        if (n == 1 || (n >= 2 && host1 && hoff == 1) || (n == 2 && !host1 && a2 && strstr(qt_basename(a2), "true") && hoff != 1) ||
            (n == 0 && sv->port == 587)) {
            /* two paths (checkpassword, subprogram) is the common, usually right case:
             * only worth knowing while the patch generation is unproven */
            enum qt_sev sev = (n >= 2 && host1 && hoff == 1) ? QT_SEV_CRIT : (n == 2 && !host1) ? QT_SEV_INFO : QT_SEV_WARN;
            f = qt_lint_add(l, sev, "auth-args", "qmail-smtpd AUTH arguments may not match the AUTH patch: %d argument%s", n, n == 1 ? "" : "s");
            qt_lint_ev_cmdline(l, f);
            if (f) {
                qt_finding_evidence(f, "qmail-smtpd binary: %s", hoff == 1 ? "contains SMTPAUTH (Hoffmann qmail-authentication: no hostname argument)"
                                                              : hoff == 0 ? "no SMTPAUTH string (not the Hoffmann 0.8 patch; older Hoffmann or Dabrowski)"
                                                                          : "not readable: patch generation unknown");
                qt_finding_explain(f, "Two conventions exist. Dabrowski/Johnston 0.30+: qmail-smtpd HOSTNAME CHECKPASSWORD SUBPROGRAM. "
                                      "Hoffmann qmail-authentication 0.4x+ (QMailToaster, sagredo): qmail-smtpd CHECKPASSWORD SUBPROGRAM, no hostname.");
                if (n == 0)
                    qt_finding_explain(f, "Without a checkpassword program AUTH is not offered: submission on 587 then cannot authenticate anyone.");
                else if (n == 1)
                    qt_finding_explain(f, "One argument is either a hostname without checkpassword (no AUTH) or a checkpassword without subprogram "
                                          "(vchkpw exits 11 on every attempt: AUTH always fails with 535).");
                else if (host1)
                    qt_finding_explain(f, "This binary has the Hoffmann patch: it runs '%s' as the checkpassword program, which fails on every AUTH (454).", a1);
                else
                    qt_finding_explain(f, "Right for the Hoffmann patch. With the Dabrowski patch '%s' would be taken as the hostname and %s as checkpassword: "
                                          "%s exits 0 without reading a password, so every AUTH succeeds (open relay). Make sure which patch is built in.",
                                       a1, a2, a2);
            }
        }
    }
}

static void check_rules(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    const qt_cmd *c = sv->cmd;
    const struct qt_opt *x = c ? qt_cmd_last_role(c, QT_OR_RULES, QT_OR_RULES) : NULL;
    size_t len = strlen(sv->rules);
    int cdb = len > 4 && !strcmp(sv->rules + len - 4, ".cdb");
    qt_finding *f;

    if (!x || !sv->rules[0] || sv->rules_exists < 0)
        return;
    if (!sv->rules_exists) {
        int allow = qt_cmd_last_role(c, QT_OR_RULES_OPTIONAL, QT_OR_RULES_OPTIONAL) != NULL;
        f = qt_lint_add(l, allow ? QT_SEV_WARN : QT_SEV_CRIT, "rules-missing", "rules file %s does not exist%s", sv->rules,
                allow ? " (-X: connections accepted without any rules)" : ": every connection is dropped");
        qt_lint_ev_cmdline(l, f);
        if (f) {
            if (allow)
                qt_finding_explain(f, "With -X the missing cdb is ignored, so no rule applies: RELAYCLIENT is never set (local senders cannot relay) and no client is denied.");
            else
                qt_finding_explain(f, "Each child logs 'warning: dropping connection, unable to read %s: file does not exist' and exits; nobody gets a banner.", x->arg);
            if (cdb)
                qt_finding_fix(f, "tcprules %s %.*s.tmp < %.*s", sv->rules, (int)len - 4, sv->rules, (int)len - 4, sv->rules);
        }
        return;
    }
    if (sv->rules_stale) {
        f = qt_lint_add(l, QT_SEV_WARN, "rules-stale", "%.*s is newer than %s: tcprules was not rerun", (int)len - 4, sv->rules, sv->rules);
        if (f) {
            qt_finding_explain(f, "tcpserver reads only the cdb; edits to the text file do nothing until tcprules compiles them.");
            qt_finding_fix(f, "tcprules %s %.*s.tmp < %.*s", sv->rules, (int)len - 4, sv->rules, (int)len - 4, sv->rules);
        }
    }
}

static void check_feh_I(struct lctx *l)
{
    const qt_cmd *c = l->sv->cmd;
    const struct qt_opt *o;
    qt_finding *f;
    if (!c || l->sv->variant != QT_VAR_SSLSERVER_FEH || !(o = qt_cmd_last(c, 'I')))
        return;
    f = qt_lint_add(l, QT_SEV_WARN, "feh-I", "-I is a flag in this sslserver's getopt string: the next word is not its interface");
    qt_lint_ev_cmdline(l, f);
    if (f)
        qt_finding_explain(f, "fehcom sslserver 0.95b declares -I without ':' but reads an argument for it: '-I eth0 0 465 ...' makes eth0 the host and shifts every later word.");
}

/* Folklore that shows up in run scripts (docs/domain/README.md#folklore). */
static void check_folklore(struct lctx *l)
{
    static const char *const vars[] = {"QMAIL_SMTP_TIMEOUT", "QMAIL_SMTPD_TIMEOUT", "QMAIL_SMTPD_DATA_TIMEOUT"};
    const struct qt_server *sv = l->sv;
    const qt_cmd *c = sv->cmd;
    qt_finding *f;

    for (size_t i = 0; i < QT_ARRAY_LEN(vars); i++) {
        const struct qt_rs_var *v = sv->has_script ? qt_runscript_var(&sv->rs, vars[i]) : NULL;
        int in_env = 0;
        for (int w = 0; c && w < c->nwraps; w++)
            if (c->wraps[w].kind == QT_WRAP_ENV)
                for (int k = c->wraps[w].first; k <= c->wraps[w].last; k++)
                    if (!strncmp(c->argv[k], vars[i], strlen(vars[i])) && c->argv[k][strlen(vars[i])] == '=')
                        in_env = 1;
        if (!v && !in_env)
            continue;
        f = qt_lint_add(l, QT_SEV_WARN, "folklore-env", "%s is read by no qmail-smtpd: it sets no timeout", vars[i]);
        if (f) {
            qt_finding_evidence(f, "%s/run sets %s%s%s", sv->svcdir, vars[i], v ? "=" : "", v ? v->value : "");
            qt_finding_explain(f, "No public qmail, netqmail, QMailToaster, sagredo or indimail source reads this variable. qmail-smtpd's only timeout is "
                                  "control/timeoutsmtpd (default 1200 s), and it is per read/write, not per session.");
            qt_finding_fix(f, "echo 300 > %s/control/timeoutsmtpd   # per-read timeout; bound the TLS handshake in the front end",
                           qt_ctx_qmail_dir(l->ctx));
        }
    }
    if (c && c->server >= 0 && strcmp(c->server_name, "tcpserver") && strstr(c->server_name, "tcpserver") &&
        !strstr(c->server_name, "s6-")) {
        f = qt_lint_add(l, QT_SEV_INFO, "name", "\"%s\" is a local name: no public source ships a program called that", c->server_name);
        if (f) {
            qt_finding_evidence(f, "%s", sv->variant_evidence);
            qt_finding_explain(f, "The SSL patch for ucspi-tcp (Andre Oppermann's, applied by Gentoo and SUSE) builds a binary still called tcpserver; "
                                  "\"%s\" is most likely a renamed or symlinked copy. Only its option string tells which tcpserver it really is.", c->server_name);
        }
    }
}

/* A listener that is no known front end (servers_other.c): only what its
 * own arguments tell (docs/severity.md: no deadline is CRIT while stalls exist). */
static void check_other(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    unsigned stalls = qt_lint_stalls_on_port(l->ctx, l->snap, sv->port);
    qt_finding *f;
    if (!sv->tls || sv->hs_source != QT_HS_NONE)
        return;
    f = qt_lint_add(l, stalls ? QT_SEV_CRIT : QT_SEV_WARN, "no-handshake-deadline", "no TLS handshake deadline: a silent client holds a connection slot forever");
    if (qt_lint_ev_cmdline(l, f), !f)
        return;
    qt_finding_evidence(f, "handshake: %s", sv->hs_detail);
    qt_finding_evidence(f, "limit: %ld (%s); %d children, %d running the program", sv->limit, sv->limit_source, sv->children, sv->progs_running);
    if (stalls)
        qt_finding_evidence(f, "now: %u connections on port %u stuck in the TLS handshake for more than %.0f s", stalls, sv->port, QT_PORTS_HANDSHAKE_OLD);
    qt_finding_explain(f, "%s holds the listening socket and does the TLS handshake with nothing bounding it "
                          "(docs/domain/ucspi.md#handshake-deadlines): each silent client keeps a child and a slot until it leaves.", sv->other);
    qt_finding_fix(f, "# put a front end with a handshake deadline in front (sslserver -T 30, or tcpserver + stunnel with TIMEOUTbusy)");
}

static void lint_one(struct lctx *l)
{
    if (l->sv->other[0]) {
        check_other(l);
        return;
    }
    check_folklore(l);
    check_script(l);
    if (!l->sv->cmd || l->sv->cmd->status != QT_CMD_OK)
        return;
    check_handshake(l);
    check_ident_dns(l);
    qt_lint_check_limit(l);
    qt_lint_check_one_ip(l);
    check_chain(l);
    check_rules(l);
    check_feh_I(l);
    qt_lint_check_auth(l->sv, l->out);
}

void qt_servers_lint(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_servers *s = snap->servers;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        struct lctx l = {.ctx = ctx, .snap = snap, .hist = hist, .sv = &s->v[i], .out = out};
        l.base = s->v[i].has_script_cmd ? &s->v[i].script : s->v[i].pid ? &s->v[i].proc : NULL;
        lint_one(&l);
    }
    qt_lint_check_ports(ctx, snap, s, out);
}

int qt_lint_corrected(const qt_ctx *ctx, const struct qt_server *sv, struct qt_fixline *out)
{
    struct lctx l = {.ctx = ctx, .sv = sv, .out = NULL};
    memset(out, 0, sizeof *out);
    l.base = sv->has_script_cmd ? &sv->script : sv->pid ? &sv->proc : NULL;
    if (!l.base)
        return 0;
    lint_one(&l);
    return qt_fixline_build(l.base, &l.all, out);
}

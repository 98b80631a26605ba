/* servers.c - the Servers pane: one row per tcpserver/sslserver/s6 service;
 * Enter shows the parsed command line (every option with its meaning in
 * that variant), the run script, and the corrected line. */
#include "panes/pane.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"
#include "panes/wrap.h"
#include "panes/probes.h"
#include "diag/lint/lint.h"
#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Children of sv's listener holding a -c slot with no TCP connection (the
 * Ports model, diag/ports/slots.c); pids into buf. */
static unsigned noconn_of(const qt_snapshot *snap, const struct qt_server *sv, qt_buf *pids)
{
    const qt_sockets *m = snap->sockets;
    unsigned n = 0;
    for (size_t k = 0; m && sv->pid && k < m->nnoconn; k++)
        if (m->noconn[k].listener == sv->pid) {
            n++;
            if (pids)
                qt_buf_printf(pids, "%s%d", pids->len ? " " : "", m->noconn[k].pid);
        }
    return n;
}

/* Worst servers finding about this service (subject names it). */
static const qt_finding *worst_for(const qt_snapshot *snap, const char *name)
{
    const qt_finding *w = NULL;
    size_t nl = strlen(name);
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        const char *p;
        if (strcmp(f->source, "servers") != 0)
            continue;
        p = strstr(f->subject, name);
        if (!p || (p != f->subject && p[-1] != ' ') || (p[nl] && p[nl] != ','))
            continue;
        if (!w || f->sev > w->sev)
            w = f;
    }
    return w;
}

/* The scan notes are one per line; the table has one note line: "; " between them. */
static char *notes_line(const qt_servers *s)
{
    qt_buf b = {0};
    const char *p = qt_buf_str(&s->notes);
    while (*p) {
        size_t l = strcspn(p, "\n");
        if (l) {
            if (b.len)
                qt_buf_puts(&b, "; ");
            qt_buf_add(&b, p, l);
        }
        p += l + (p[l] == '\n');
    }
    qt_buf_add(&b, "", 0);
    return qt_buf_steal(&b);
}

static void build_list(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    char *notes;
    const qt_servers *s;
    (void)head;
    qt_table_init(t, "Servers");
    qt_table_col(t, "SERVICE", 14, 0);
    qt_table_col(t, "PORT", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "VARIANT", 14, 0);
    qt_table_col(t, "-c", 4, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "LIVE", 4, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "HANDSHAKE", 9, 0);
    qt_table_col(t, "FROM", 7, 0);
    qt_table_col(t, "WORST", 30, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_SERVERS, t))
        return;
    s = in->snap->servers;
    notes = s ? notes_line(s) : qt_strdup("");
    if (!s || s->n == 0) {
        qt_table_note(t, QT_ROLE_DIM, "no tcpserver/sslserver/s6 front end found (running or under /service, /var/service, /etc/service, /var/qmail/supervise, /etc/sv)%s%s",
                      notes[0] ? "; " : "", notes);
        free(notes);
        return;
    }
    if (notes[0])
        qt_table_note(t, QT_ROLE_WARN, "%s", notes);
    free(notes);
    for (size_t i = 0; i < s->n; i++) {
        const struct qt_server *sv = &s->v[i];
        const struct qt_variant_def *d = qt_variant_get(sv->variant);
        const qt_finding *w = worst_for(in->snap, sv->name);
        char hs[32];

        qt_table_row(t, "%s", sv->name);
        qt_table_cell(t, sv->pid ? QT_ROLE_NORMAL : QT_ROLE_WARN, "%s%s", sv->name, sv->pid ? "" : " (down)");
        if (sv->port)
            qt_table_cell_num(t, QT_ROLE_NORMAL, sv->port, "%u", sv->port);
        else
            qt_table_cell_num(t, QT_ROLE_DIM, 0, "?");
        if (sv->other[0])   /* a listener that is no known front end (servers_other.c) */
            qt_table_cell(t, QT_ROLE_NORMAL, "other:%s", sv->other);
        else
            qt_table_cell(t, sv->variant_certain ? QT_ROLE_NORMAL : QT_ROLE_DIM, "%s%s", d->key, sv->variant_certain ? "" : "?");
        if (sv->limit >= 0)
            qt_table_cell_num(t, strcmp(sv->limit_source, "default") ? QT_ROLE_NORMAL : QT_ROLE_DIM, (double)sv->limit, "%ld%s",
                              sv->limit, strcmp(sv->limit_source, "default") ? "" : "*");
        else
            qt_table_cell_num(t, QT_ROLE_DIM, -1, "?");
        if (sv->pid && noconn_of(in->snap, sv, NULL)) /* live, of them n with no connection */
            qt_table_cell_num(t, QT_ROLE_WARN, sv->children, "%d/%u", sv->children, noconn_of(in->snap, sv, NULL));
        else if (sv->pid)
            qt_table_cell_num(t, sv->limit > 0 && sv->children >= sv->limit ? QT_ROLE_CRIT : QT_ROLE_NORMAL, sv->children, "%d", sv->children);
        else
            qt_table_cell_num(t, QT_ROLE_DIM, -1, "-");
        if (sv->handshake >= 0)
            snprintf(hs, sizeof hs, "%.0f s", sv->handshake);
        else
            snprintf(hs, sizeof hs, "%s", sv->hs_source == QT_HS_NONE ? "NONE" : sv->hs_source == QT_HS_NA ? "n/a" : "?");
        qt_table_cell(t, sv->hs_source == QT_HS_NONE ? QT_ROLE_CRIT : sv->hs_source == QT_HS_UNKNOWN ? QT_ROLE_WARN : QT_ROLE_NORMAL, "%s", hs);
        qt_table_cell(t, QT_ROLE_DIM, "%s", qt_hs_source_name(sv->hs_source));
        if (w)
            qt_table_cell(t, qt_sev_role(w->sev), "%s %s", qt_sev_name(w->sev), w->title);
        else
            qt_table_cell(t, QT_ROLE_OK, "OK");
    }
}

/* --- detail --- */

/* Row id "tag.n" (static buffer: used at once by kv). */
static const char *idn(const char *tag, int n)
{
    static char buf[96];
    snprintf(buf, sizeof buf, "%.60s.%d", tag, n);
    return buf;
}


static void show_cmd(qt_table *t, const char *tag, const qt_cmd *c)
{
    const struct qt_variant_def *d = qt_variant_get(c->variant);
    int n = 0;
    char *line = qt_cmd_join(c, 0, c->argc - 1);
    char *full = qt_asprintf("%s%s%s", line, c->argv_more ? " " : "", qt_proc_argv_more_text(c->argv_more));

    qt_table_kv_text(t, tag, tag, QT_ROLE_NORMAL, full, 1);   /* wrapped at shell-safe points */
    free(full);
    free(line);
    for (int w = 0; w < c->nwraps; w++) {
        char *s = qt_cmd_join(c, c->wraps[w].first, c->wraps[w].last);
        qt_table_kv(t, idn(tag, n++), "  wrapper", QT_ROLE_DIM, "%s  (%s)", s, qt_wrap_name(c->wraps[w].kind));
        free(s);
    }
    if (c->server >= 0)
        qt_table_kv(t, idn(tag, n++), "  program", QT_ROLE_NORMAL, "%s  (parsed as %s: getopt \"%s\")", c->argv[c->server], d->label, d->optstring);
    for (int i = 0; i < c->nopts; i++) {
        const struct qt_opt *o = &c->opts[i];
        const struct qt_optdef *od = qt_variant_opt(d, o->letter);
        qt_table_kv(t, idn(tag, n++), "  option", o->overridden ? QT_ROLE_DIM : QT_ROLE_NORMAL, "-%c%s%s  %s%s%s%s%s", o->letter,
           o->arg ? " " : "", o->arg ? o->arg : "", od ? od->meaning : "?", od && od->dflt ? " [" : "", od && od->dflt ? od->dflt : "",
           od && od->dflt ? "]" : "", o->overridden ? "  (overridden by a later option)" : "");
    }
    if (c->status != QT_CMD_OK && c->status != QT_CMD_NO_SERVER)
        qt_table_kv(t, idn(tag, n++), "  ERROR", QT_ROLE_CRIT, "%s", c->error);
    if (c->host >= 0)
        qt_table_kv(t, idn(tag, n++), "  host", QT_ROLE_NORMAL, "%s", c->argv[c->host]);
    if (c->port >= 0)
        qt_table_kv(t, idn(tag, n++), "  port", QT_ROLE_NORMAL, "%s", c->argv[c->port]);
    for (int i = 0; i < c->nlinks; i++) {
        const struct qt_link *l = &c->links[i];
        char *s = qt_cmd_join(c, l->first, l->last);
        char extra[96] = "";
        if (l->kind == QT_LINK_TIMEOUT)
            snprintf(extra, sizeof extra, "  [kills the program after %.0f s; cannot free a slot stalled before it]", l->num);
        else if (l->kind == QT_LINK_RBLSMTPD)
            snprintf(extra, sizeof extra, "  [its own -t %.0f: how long a blocked client is kept, not a TLS timeout]", l->num);
        else if (l->kind == QT_LINK_S6_TLSD)
            snprintf(extra, sizeof extra, "  [-K %.0f ms handshake deadline%s]", l->num < 0 ? 0 : l->num, l->num <= 0 ? " = infinite" : "");
        qt_table_kv(t, idn(tag, n++), i == 0 ? "  chain" : "", QT_ROLE_NORMAL, "%s  (%s)%s%s%s", s, qt_link_name(l->kind), extra,
           l->note[0] ? "  - " : "", l->note);
        free(s);
    }
    if (c->note[0])
        qt_table_kv(t, idn(tag, n++), "  note", QT_ROLE_WARN, "%s", c->note);
}

/* The run script, numbered, each line wrapped as a command (continued
 * lines indented under the text, not numbered). */
static void show_run(qt_table *t, const struct qt_server *sv)
{
    int n = 0;
    for (const char *p = sv->run_text; *p && n < 200; n++) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p), k = 0;
        char *raw = qt_strndup(p, (size_t)len), *safe = qt_safe_strdup(raw, strlen(raw));
        qt_buf b = {0};
        qt_wrap_cmd(safe, qt_table_kv_width(t) - 6, &b);
        for (const char *q = qt_buf_str(&b); q; k++) {
            const char *e = strchr(q, '\n');
            int ql = e ? (int)(e - q) : (int)strlen(q);
            if (k)
                qt_table_row(t, "run.%d~%d", n, k);
            else
                qt_table_row(t, "run.%d", n);
            qt_table_cell(t, QT_ROLE_DIM, "%s", n == 0 && k == 0 ? "run" : "");
            if (k)
                qt_table_cell(t, sv->rs.line == n + 1 ? QT_ROLE_HILITE : QT_ROLE_NORMAL, "      %.*s", ql, q);
            else
                qt_table_cell(t, sv->rs.line == n + 1 ? QT_ROLE_HILITE : QT_ROLE_NORMAL, "%4d  %.*s", n + 1, ql, q);
            q = e ? e + 1 : NULL;
        }
        qt_buf_free(&b);
        free(safe);
        free(raw);
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void build_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const struct qt_server *sv = in->snap->servers ? qt_servers_find(in->snap->servers, in->key) : NULL;
    const struct qt_variant_def *d;
    struct qt_fixline fl;
    char when[64] = "";
    (void)head;

    qt_table_init(t, "Server");
    qt_table_col(t, "", 12, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    if (!sv) {
        qt_table_note(t, QT_ROLE_DIM, "this service is gone in the current sample");
        return;
    }
    d = qt_variant_get(sv->variant);
    snprintf(t->title, sizeof t->title, "Server: %s", sv->name);
    if (sv->no_binary) /* a pasted command line (--explain-cmdline): no service, no process */
        goto variant;
    qt_table_kv(t, "svc", "service", QT_ROLE_NORMAL, "%s%s%s", sv->svcdir[0] ? sv->svcdir : "(not supervised)",
       strcmp(sv->svcdir, sv->realdir) && sv->realdir[0] ? " -> " : "", strcmp(sv->svcdir, sv->realdir) ? sv->realdir : "");
    if (sv->run_error[0])
        qt_table_kv(t, "run.error", "run", QT_ROLE_WARN, "not read: %s", sv->run_error);
    if (sv->logdir[0])
        qt_table_kv(t, "log", "log dir", QT_ROLE_NORMAL, "%s (from log/run)", sv->logdir);
    if (sv->st.readable)
        qt_table_kv(t, "status", "supervise", QT_ROLE_NORMAL, "pid %d, want %s%s", sv->st.pid, sv->st.want_up ? "up" : "down", sv->st.paused ? ", paused" : "");
    if (sv->pid) {
        time_t ts = (time_t)sv->started;
        struct tm tm;
        localtime_r(&ts, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        qt_table_kv(t, "pid", "running", QT_ROLE_NORMAL, "pid %d since %s, uid %u%s", sv->pid, when, sv->uid,
           sv->supervisor_pid ? "" : " (no supervise parent)");
    } else {
        qt_table_kv(t, "pid", "running", QT_ROLE_WARN, "no listener process");
    }
variant:
    if (sv->other[0])
        qt_table_kv(t, "variant", "variant", QT_ROLE_NORMAL, "other front end: %s (found through its listening socket)", sv->other);
    else
        qt_table_kv(t, "variant", "variant", sv->variant_certain ? QT_ROLE_NORMAL : QT_ROLE_WARN, "%s%s", d->label, sv->variant_certain ? "" : " (not proven)");
    qt_table_kv(t, "evidence", "evidence", QT_ROLE_DIM, "%s", sv->variant_evidence);
    qt_table_kv(t, "listen", "listens", QT_ROLE_NORMAL, "%s port %u", sv->host[0] ? sv->host : "?", sv->port);
    if (sv->iplimit >= 0 && sv->iplimit_source)
        qt_table_kv(t, "limit", "limit -c", QT_ROLE_NORMAL, "%ld (%s); per-IP limit %ld (%s)", sv->limit,
                    sv->limit_source, sv->iplimit, sv->iplimit_source);
    else if (sv->iplimit < 0 && sv->maxconnip_bin == 1 && sv->maxconnip.rules)
        qt_table_kv(t, "limit", "limit -c", QT_ROLE_NORMAL, "%ld (%s); per-IP limit MAXCONNIP %ld..%ld in %u rule%s of "
                    "the rules cdb, none in its default rule", sv->limit, sv->limit_source, sv->maxconnip.min,
                    sv->maxconnip.max, sv->maxconnip.rules, sv->maxconnip.rules == 1 ? "" : "s");
    else
        qt_table_kv(t, "limit", "limit -c", QT_ROLE_NORMAL, "%ld (%s)%s", sv->limit, sv->limit_source,
                    sv->iplimit >= 0 ? "" : "; no per-IP limit");
    if (sv->pid)
        qt_table_kv(t, "children", "children", sv->limit > 0 && sv->children >= sv->limit ? QT_ROLE_CRIT : QT_ROLE_NORMAL, "%d live (%d zombies), %d running the program%s%s",
           sv->children, sv->zombies, sv->progs_running, sv->nips ? "; top IP " : "", sv->nips ? sv->ips[0].ip : "");
    if (sv->pid && sv->variant == QT_VAR_SSLSERVER_FEH && sv->cmd && sv->cmd->server >= 0) {
        /* the program runs before the handshake: a running program is no session (docs/domain/ucspi.md) */
        struct qt_proc p = {.argc = sv->cmd->argc - sv->cmd->server, .argv = sv->cmd->argv + sv->cmd->server};
        if (qt_stage_tls_order_of(sv->variant, &p) == QT_TLS_PROGRAM_FIRST)
            qt_table_kv(t, "prog-first", "", QT_ROLE_DIM, "fehcom sslserver starts the program before the TLS handshake: "
                        "\"running the program\" includes clients still in the handshake (Ports shows each stage)");
    }
    if (sv->pid) {
        qt_buf pids = {0};
        unsigned n = noconn_of(in->snap, sv, &pids);
        if (n)
            qt_table_kv(t, "noconn", "", QT_ROLE_WARN, "%u slot%s held by children with no connection: pid %s", n,
                        n == 1 ? "" : "s", qt_buf_str(&pids));
        qt_buf_free(&pids);
    }
    qt_table_kv(t, "hs", "handshake", sv->hs_source == QT_HS_NONE ? QT_ROLE_CRIT : QT_ROLE_NORMAL, "%s: %s", qt_hs_source_name(sv->hs_source), sv->hs_detail);
    qt_panes_probe_rows(in, sv->port, t);
    if (sv->differs)
        qt_table_kv(t, "differs", "run script", QT_ROLE_WARN, "differs from the running process: %s", sv->differs_detail);
    if (sv->pid)
        show_cmd(t, "running", &sv->proc);
    if (sv->has_script_cmd)
        show_cmd(t, sv->no_binary ? "command" : "run script", &sv->script);
    if (sv->run_text)
        show_run(t, sv);
    if (qt_lint_corrected(in->ctx, sv, &fl)) {
        qt_buf line = {0}, marks = {0};
        char *apply = qt_lint_apply_cmd(sv);
        qt_fixline_render(&fl, &line, &marks);
        qt_table_kv_text(t, "fix", "corrected", QT_ROLE_NORMAL, qt_buf_str(&line), 1);
        /* the ^ marks line up with a line that fits; a wrapped one has the
         * changed words listed below instead */
        if ((int)line.len <= qt_table_kv_width(t))
            qt_table_kv(t, "fix.marks", "", QT_ROLE_HILITE, "%s", qt_buf_str(&marks));
        for (int i = 0, k = 0; i < fl.n; i++)
            if (fl.w[i].changed)
            {
                qt_table_kv(t, idn("fix.word", k), k == 0 ? "  changed" : "", QT_ROLE_HILITE, "%s", fl.w[i].s);
                k++;
            }
        for (int i = 0, k = 0; i < fl.nbase; i++)
            if (fl.removed && fl.removed[i] == 1)
            {
                qt_table_kv(t, idn("fix.removed", k), k == 0 ? "  removed" : "", QT_ROLE_HILITE, "%s",
                   (sv->has_script_cmd ? &sv->script : &sv->proc)->argv[i]);
                k++;
            }
        qt_table_kv_text(t, "fix.apply", "apply", QT_ROLE_NORMAL, apply, 1);
        free(apply);
        qt_buf_free(&line);
        qt_buf_free(&marks);
    } else {
        qt_table_kv(t, "fix", "corrected", QT_ROLE_OK, "nothing to change");
    }
    qt_fixline_free(&fl);
}

static const qt_view detail_view;

static int k_page(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)row_id, (void)ch;
    return qt_view_page(ui, &detail_view, in);
}

/* y: the corrected command line (for the run script) to the clipboard and
 * a 0600 file (panes/ui_ops.h copy). */
static int k_copy(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    const struct qt_server *sv = in->snap && in->snap->servers ? qt_servers_find(in->snap->servers, in->key) : NULL;
    struct qt_fixline fl;
    (void)row_id, (void)ch;
    if (!sv)
        qt_ui_flash(ui, "this service is gone in the current sample");
    else if (!qt_lint_corrected(in->ctx, sv, &fl))
        qt_ui_flash(ui, "nothing to copy: the command line needs no change");
    else {
        qt_buf line = {0}, marks = {0};
        qt_fixline_render(&fl, &line, &marks);
        qt_ui_copy(ui, "the corrected line", qt_buf_str(&line), 0);
        qt_buf_free(&line);
        qt_buf_free(&marks);
    }
    if (sv)
        qt_fixline_free(&fl);
    return 1;
}

/* P: the idle-drop probes of the selected service now (issue 18), in the
 * background: the shell starts them on its next turn (tui/loop.c). */
static int k_probe(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    const char *name = in->key ? in->key : row_id;
    const struct qt_server *sv = name && in->snap && in->snap->servers ? qt_servers_find(in->snap->servers, name) : NULL;
    char why[300];
    (void)ch;
    if (in->store)
        qt_ui_flash(ui, "a loaded report: nothing to probe");
    else if (!sv)
        qt_ui_flash(ui, "select a service first");
    else if (qt_probe_sched_request(qt_panes_probes(), in->ctx, sv->port, why, sizeof why) != 0)
        qt_ui_flash(ui, "%s", why);
    else
        qt_ui_flash(ui, "idle-drop probe of %s (port %u) started (silent client, then half a ClientHello; at most %.0f s each)",
                    sv->name, sv->port, in->ctx->probe_idle > 0 ? in->ctx->probe_idle : QT_PROBE_IDLE_BOUND);
    return 1;
}

static const struct qt_view_key list_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the selected service's command line, options, run script and probe results"},
    {{'P'}, "P", k_probe, "probe the selected service's idle drop now (background; results in its details)"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key detail_keys[] = {
    {{'v'}, "v", k_page, "this whole view in the pager (/ searches, q closes)"},
    {{'P'}, "P", k_probe, "probe this service's idle drop now (background)"},
    {{'y'}, "y", k_copy, "copy the corrected line to your clipboard (OSC 52; in tmux only with set -g set-clipboard on) "
                         "and to a 0600 file (path shown)"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view detail_view = {
    .name = "servers.detail",
    .build = build_detail,
    .keys = detail_keys,
};

static const qt_view *drill_list(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    (void)row_id;
    return &detail_view;
}

static const qt_view top = {
    .name = "servers",
    .build = build_list,
    .drill = drill_list,
    .keys = list_keys,
};

const qt_pane_def qt_pane_servers = {
    .name = "Servers",
    .top = &top,
    .legend = "VARIANT ending in ?  not proven (binary not readable)\n"
              "-c with *  the default limit (no -c option)\n"
              "HANDSHAKE  TLS handshake deadline; NONE = a silent client holds a slot forever\n"
              "FROM  option / default / none / chain (stunnel, s6-tlsd) / program (qmail-smtpd SMTPS) / n/a (no TLS on connect)",
    .slot = QT_SLOT_LEFT,
    .min_rows = 5,   /* title, header and three rows */
};

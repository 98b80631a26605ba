/* explain.c - see explain.h. The line goes through the servers model's own
 * parser, identification and derivation (qt_servers_explain) and the lint,
 * then the Servers detail view is rendered as --batch renders views. */
#include "src/explain.h"
#include "src/batch.h"
#include "diag/lint/lint.h"
#include "diag/servers/servers.h"
#include "panes/pane.h"
#include "panes/panes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Tree glyphs of `ps f`, `ps -H`, pstree and `systemctl status` at the
 * start of a word ("\_", "|-", "`-", "└─", "├─", "│"). */
static const char *skip_glyphs(const char *w)
{
    static const char *const g[] = {"\\_", "|-", "`-", "+-", "\xe2\x94\x94\xe2\x94\x80", "\xe2\x94\x9c\xe2\x94\x80",
                                    "\xe2\x94\x82", "\xe2\x94\x80", "|"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
            if (strncmp(w, g[i], strlen(g[i])) == 0) {
                w += strlen(g[i]);
                again = 1;
            }
    }
    return w;
}

/* Words at blanks (ps and /proc/PID/cmdline keep no quoting), glyphs off. */
static int split_line(const char *line, char ***out)
{
    char **v = NULL;
    size_t cap = 0;
    int n = 0;
    for (const char *p = line; *p;) {
        size_t k;
        p += strspn(p, " \t\r\n");
        k = strcspn(p, " \t\r\n");
        if (k) {
            char *w = qt_strndup(p, k);
            const char *g = skip_glyphs(w);
            if (*g) {
                qt_grow(&v, &cap, (size_t)n + 2, sizeof *v);
                v[n++] = qt_strdup(g);
                v[n] = NULL;
            }
            free(w);
        }
        p += k;
    }
    *out = v;
    return n;
}

/* Where the lost quoting matters: quote characters in the words, a banner
 * (-B: an argument with spaces) or a line the program would refuse. */
static const char *quoting_note(const qt_cmd *c)
{
    for (int i = 0; i < c->argc; i++)
        if (strpbrk(c->argv[i], "'\""))
            return "quote characters are part of the words here: ps and /proc/PID/cmdline show arguments "
                   "without any quoting, so paste the line as they print it";
    if (qt_cmd_last(c, 'B') || c->status == QT_CMD_BAD_OPTION || c->status == QT_CMD_USAGE)
        return "words were split at blanks (ps and /proc/PID/cmdline lose the quoting): an argument with "
               "spaces, such as a -B banner, became several words and the words after it shifted";
    return NULL;
}

static json_t *jstr(const char *s)
{
    char *e = qt_safe_strdup(s ? s : "", strlen(s ? s : ""));
    json_t *j = json_string(e);
    free(e);
    return j ? j : json_string("");
}

static json_t *explain_json(const struct qt_server *sv, char **skipped, int nskipped, const char *quote,
                            const qt_findings *fs)
{
    const qt_cmd *c = sv->cmd;
    const struct qt_variant_def *d = qt_variant_get(sv->variant);
    json_t *o = json_object(), *a;
    char *line = qt_cmd_join(c, 0, c->argc - 1);

    json_object_set_new(o, "command_line", jstr(line));
    free(line);
    a = json_array();
    for (int i = 0; i < nskipped; i++)
        json_array_append_new(a, jstr(skipped[i]));
    json_object_set_new(o, "skipped", a);
    json_object_set_new(o, "quoting", quote ? jstr(quote) : json_null());
    json_object_set_new(o, "status", jstr(c->status == QT_CMD_OK ? "ok" : c->status == QT_CMD_BAD_OPTION ? "bad-option" : "usage"));
    json_object_set_new(o, "error", jstr(c->error));
    json_object_set_new(o, "program", jstr(c->argv[c->server]));
    json_object_set_new(o, "variant", jstr(d->key));
    json_object_set_new(o, "variant_label", jstr(d->label));
    json_object_set_new(o, "variant_proven", json_boolean(sv->variant_certain));
    json_object_set_new(o, "evidence", jstr(sv->variant_evidence));
    json_object_set_new(o, "getopt", jstr(d->optstring));
    a = json_array();
    for (int w = 0; w < c->nwraps; w++) {
        char *s = qt_cmd_join(c, c->wraps[w].first, c->wraps[w].last);
        json_t *x = json_object();
        json_object_set_new(x, "kind", jstr(qt_wrap_name(c->wraps[w].kind)));
        json_object_set_new(x, "words", jstr(s));
        json_array_append_new(a, x);
        free(s);
    }
    json_object_set_new(o, "wrappers", a);
    a = json_array();
    for (int i = 0; i < c->nopts; i++) {
        const struct qt_optdef *od = qt_variant_opt(d, c->opts[i].letter);
        char l[3] = {'-', c->opts[i].letter, 0};
        json_t *x = json_object();
        json_object_set_new(x, "option", jstr(l));
        json_object_set_new(x, "arg", c->opts[i].arg ? jstr(c->opts[i].arg) : json_null());
        json_object_set_new(x, "meaning", jstr(od ? od->meaning : "?"));
        json_object_set_new(x, "default", od && od->dflt ? jstr(od->dflt) : json_null());
        json_object_set_new(x, "overridden", json_boolean(c->opts[i].overridden));
        json_array_append_new(a, x);
    }
    json_object_set_new(o, "options", a);
    json_object_set_new(o, "host", c->host >= 0 ? jstr(c->argv[c->host]) : json_null());
    json_object_set_new(o, "port_word", c->port >= 0 ? jstr(c->argv[c->port]) : json_null());
    json_object_set_new(o, "port", sv->port ? json_integer(sv->port) : json_null());
    json_object_set_new(o, "limit", sv->limit >= 0 ? json_integer(sv->limit) : json_null());
    json_object_set_new(o, "limit_source", jstr(sv->limit_source));
    json_object_set_new(o, "per_ip_limit", sv->iplimit >= 0 ? json_integer(sv->iplimit) : json_null());
    json_object_set_new(o, "tls_on_connect", json_boolean(sv->tls));
    json_object_set_new(o, "handshake_deadline", sv->handshake >= 0 ? json_real(sv->handshake) : json_null());
    json_object_set_new(o, "handshake_source", jstr(qt_hs_source_name(sv->hs_source)));
    json_object_set_new(o, "handshake_detail", jstr(sv->hs_detail));
    a = json_array();
    for (int i = 0; i < c->nlinks; i++) {
        char *s = qt_cmd_join(c, c->links[i].first, c->links[i].last);
        json_t *x = json_object();
        json_object_set_new(x, "kind", jstr(qt_link_name(c->links[i].kind)));
        json_object_set_new(x, "words", jstr(s));
        if (c->links[i].num >= 0)
            json_object_set_new(x, "number", json_real(c->links[i].num));
        json_array_append_new(a, x);
        free(s);
    }
    json_object_set_new(o, "chain", a);
    a = json_array();
    for (size_t i = 0; i < fs->n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "severity", jstr(qt_sev_name(fs->v[i].sev)));
        json_object_set_new(x, "id", jstr(fs->v[i].id));
        json_object_set_new(x, "title", jstr(fs->v[i].title));
        json_object_set_new(x, "evidence", jstr(fs->v[i].evidence));
        json_object_set_new(x, "explain", jstr(fs->v[i].explain));
        json_object_set_new(x, "fix", jstr(fs->v[i].fix));
        json_array_append_new(a, x);
    }
    json_object_set_new(o, "findings", a);
    return o;
}

static void explain_text(const qt_ctx *ctx, qt_snapshot *snap, char **skipped, int nskipped, const char *quote,
                         qt_buf *out)
{
    const qt_view *detail = qt_pane_servers.top->drill(&(struct qt_view_in){.ctx = ctx, .snap = snap}, "cmdline");
    struct qt_view_in in = {.ctx = ctx, .snap = snap, .key = "cmdline"};

    if (nskipped) {
        qt_buf b = {0};
        for (int i = 0; i < nskipped; i++)
            qt_buf_printf(&b, "%s%s", i ? " " : "", skipped[i]);
        char *s = qt_safe_strdup(qt_buf_str(&b), b.len);
        qt_buf_printf(out, "skipped (ps columns before the command): %s\n", s);
        free(s);
        qt_buf_free(&b);
    }
    if (quote)
        qt_buf_printf(out, "quoting: %s\n", quote);
    qt_batch_render_view(&in, detail, out);
    qt_buf_puts(out, "\nfindings:\n");
    if (!snap->findings.n)
        qt_buf_puts(out, "  (none)\n");
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        qt_buf_printf(out, "  %-4s %s\n", qt_sev_name(f->sev), f->title); /* the setters escaped it */
    }
}

int qt_explain_run(const qt_ctx *ctx, const char *line, const char *variant, int json, FILE *out, FILE *err)
{
    enum qt_variant force = QT_VAR_UNKNOWN;
    char **w = NULL;
    int n, start, rc = 2;
    qt_servers svs;
    qt_snapshot snap;
    qt_buf text = {0};

    if (variant && (force = qt_variant_by_key(variant)) == QT_VAR_UNKNOWN) {
        fprintf(err, "qtriage: --variant: unknown variant; one of:");
        for (int v = 1; v < QT_VAR_COUNT; v++)
            fprintf(err, " %s", qt_variant_get((enum qt_variant)v)->key);
        fprintf(err, "\n");
        return 2;
    }
    n = split_line(line, &w);
    /* the command starts at the first word from which a front end parses */
    for (start = 0; start < n; start++)
        if (qt_servers_explain(ctx, n - start, w + start, force, &svs) == 0)
            break;
    if (start >= n) {
        fprintf(err, "qtriage: --explain-cmdline: not a front-end command line (no tcpserver, sslserver or "
                     "s6-tcpserver/s6-tlsserver in it, after any wrappers)\n");
        goto out;
    }
    memset(&snap, 0, sizeof snap);
    snap.servers = &svs;
    qt_servers_lint(ctx, &snap, NULL, &snap.findings);
    qt_findings_sort(&snap.findings);
    if (json) {
        json_t *j = explain_json(&svs.v[0], w, start, quoting_note(svs.v[0].cmd), &snap.findings);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fprintf(out, "%s\n", s ? s : "{}");
        free(s);
        json_decref(j);
    } else {
        explain_text(ctx, &snap, w, start, quoting_note(svs.v[0].cmd), &text);
        fputs(qt_buf_str(&text), out);
        qt_buf_free(&text);
    }
    qt_findings_free(&snap.findings);
    qt_servers_free(&svs);
    rc = 0;
out:
    for (int i = 0; i < n; i++)
        free(w[i]);
    free(w);
    return rc;
}

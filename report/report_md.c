/* report_md.c - the report as Markdown, for a ticket or a post-mortem.
 *
 * Plain text first: it must read well raw (in a mail or a terminal) and
 * render well (GitHub/GitLab/Jira-flavoured Markdown). Data strings are
 * already display-safe (non-printable bytes are \xNN); here they are also
 * kept from being read as Markdown: in tables and prose the characters
 * \ | ` * [ ] < > # are backslash-escaped ('_' is left alone: intraword it
 * never emphasises, and metric names are full of it), and evidence and fixes go into
 * fenced code blocks whose fence is longer than any backtick run inside. */
#include "report/report_int.h"

#include <stdlib.h>
#include <string.h>

/* Text with Markdown's active characters escaped (tables and prose). */
static void md_text(qt_buf *out, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("\\|`*[]<>#", *s))
            qt_buf_putc(out, '\\');
        qt_buf_putc(out, *s);
    }
}

static void md_code_block(qt_buf *out, const char *text, const char *lang)
{
    int run = 0, longest = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    if (longest < 3)
        longest = 2;
    for (int i = 0; i <= longest; i++)
        qt_buf_putc(out, '`');
    qt_buf_printf(out, "%s\n%s\n", lang, text);
    for (int i = 0; i <= longest; i++)
        qt_buf_putc(out, '`');
    qt_buf_puts(out, "\n\n");
}

static const char *cell(const qt_table *t, size_t r, int c)
{
    const char *s = t->rows[r].cells[c].text;
    return s ? s : "";
}

/* One Markdown table of rows idx[0..n) of t. */
static void md_rows(qt_buf *out, const qt_table *t, const size_t *idx, size_t n)
{
    if (t->ncols == 0)
        return;
    qt_buf_putc(out, '|');
    for (int c = 0; c < t->ncols; c++) {
        qt_buf_putc(out, ' ');
        if (*t->cols[c].title)
            md_text(out, t->cols[c].title);
        else
            qt_buf_puts(out, c ? " " : "&nbsp;");
        qt_buf_puts(out, " |");
    }
    qt_buf_puts(out, "\n|");
    for (int c = 0; c < t->ncols; c++)
        qt_buf_puts(out, t->cols[c].flags & QT_COL_RIGHT ? "---:|" : "---|");
    qt_buf_putc(out, '\n');
    for (size_t i = 0; i < n; i++) {
        qt_buf_putc(out, '|');
        for (int c = 0; c < t->ncols; c++) {
            const char *s = cell(t, idx[i], c);
            unsigned role = t->rows[idx[i]].cells[c].role;
            if (role == QT_ROLE_NORMAL)
                role = t->rows[idx[i]].role;
            qt_buf_putc(out, ' ');
            /* meaning never by colour alone: CRIT/WARN cells are bold */
            if (*s && (role == QT_ROLE_CRIT || role == QT_ROLE_WARN))
                qt_buf_puts(out, "**");
            md_text(out, s);
            if (*s && (role == QT_ROLE_CRIT || role == QT_ROLE_WARN))
                qt_buf_puts(out, "**");
            qt_buf_puts(out, " |");
        }
        qt_buf_putc(out, '\n');
    }
    qt_buf_putc(out, '\n');
}

static void md_table(qt_buf *out, const qt_table *t, const struct qt_report_pane *p, int top, size_t rows_total)
{
    size_t *idx = qt_calloc(t->nrows ? t->nrows : 1, sizeof *idx), n, nm;
    int sc = t->sort_col, sd = t->sort_desc;
    const char *filter = NULL;

    if (t->note) {
        qt_buf_puts(out, "> ");
        md_text(out, t->note);
        qt_buf_puts(out, "\n\n");
    }
    if (top && p && p->has_state) {
        sc = p->sort_col;
        sd = p->sort_desc;
        filter = *p->filter ? p->filter : NULL;
    }
    n = qt_table_visible(t, NULL, sc, sd, idx);
    if (filter) {
        /* what the admin was looking at first, then the rest: the report
         * holds every row, the filter only orders them */
        size_t *match = qt_calloc(n ? n : 1, sizeof *match), *rest = qt_calloc(n ? n : 1, sizeof *rest), nr = 0;
        nm = 0;
        for (size_t i = 0; i < n; i++) {
            if (qt_table_row_matches(t, idx[i], filter))
                match[nm++] = idx[i];
            else
                rest[nr++] = idx[i];
        }
        qt_buf_printf(out, "Rows matching the filter (%zu of %zu):\n\n", nm, n);
        if (nm)
            md_rows(out, t, match, nm);
        if (nr) {
            qt_buf_printf(out, "Rows hidden by the filter (%zu):\n\n", nr);
            md_rows(out, t, rest, nr);
        }
        free(match);
        free(rest);
    } else if (n) {
        md_rows(out, t, idx, n);
    } else if (t->ncols && !t->note) {
        qt_buf_puts(out, "(no rows)\n\n");
    }
    if (rows_total > t->nrows)
        qt_buf_printf(out, "*Only the first %zu of %zu rows were saved (report limit).*\n\n", t->nrows, rows_total);
    free(idx);
}

/* A short label for a row in breadcrumbs: its first non-empty cell. */
static void row_label(qt_buf *out, const qt_table *t, size_t r)
{
    const char *s = t->rows[r].id;
    for (int c = 0; c < t->ncols; c++)
        if (*cell(t, r, c)) {
            s = cell(t, r, c);
            break;
        }
    if (strlen(s) > 60) {
        char *cut = qt_strndup(s, 57);
        md_text(out, cut);
        qt_buf_puts(out, "...");
        free(cut);
    } else {
        md_text(out, s);
    }
}

static void md_view(qt_buf *out, const struct qt_report_view *v, const struct qt_report_pane *p, qt_buf *crumbs)
{
    size_t mark = crumbs->len, *idx, n;

    if (v->depth > 0) {
        int level = 3 + v->depth;
        for (int i = 0; i < (level > 6 ? 6 : level); i++)
            qt_buf_putc(out, '#');
        qt_buf_printf(out, " %s\n\n", qt_buf_str(crumbs));
    }
    qt_buf_puts(out, "*");
    md_text(out, v->main.title);
    qt_buf_puts(out, "* (view `");
    qt_buf_puts(out, v->name); /* view names are identifiers */
    qt_buf_puts(out, "`)\n\n");
    if (v->head.ncols)
        md_table(out, &v->head, NULL, 0, v->head.nrows);
    md_table(out, &v->main, p, v->depth == 0, v->rows_total);
    if (v->drills_cut)
        qt_buf_puts(out, "*Some drill-downs of this view were not saved (report limits).*\n\n");
    idx = qt_calloc(v->main.nrows ? v->main.nrows : 1, sizeof *idx);
    n = qt_table_visible(&v->main, NULL, v->depth == 0 && p && p->has_state ? p->sort_col : v->main.sort_col,
                         v->depth == 0 && p && p->has_state ? p->sort_desc : v->main.sort_desc, idx);
    for (size_t i = 0; i < n; i++) {
        size_t r = idx[i];
        if (!v->drill[r])
            continue;
        qt_buf_puts(crumbs, " > ");
        row_label(crumbs, &v->main, r);
        md_view(out, v->drill[r], p, crumbs);
        crumbs->len = mark;
        crumbs->s[mark] = '\0';
    }
    free(idx);
}

static void md_finding(qt_buf *out, size_t i, const qt_finding *f)
{
    qt_buf_printf(out, "### %zu. %s: ", i + 1, qt_sev_name(f->sev));
    md_text(out, f->title);
    qt_buf_puts(out, "\n\n- Check: ");
    md_text(out, f->source);
    qt_buf_puts(out, " (");
    md_text(out, f->id);
    qt_buf_puts(out, ")\n");
    if (*f->subject) {
        qt_buf_puts(out, "- Subject: ");
        md_text(out, f->subject);
        qt_buf_putc(out, '\n');
    }
    qt_buf_putc(out, '\n');
    if (*f->evidence) {
        qt_buf_puts(out, "Evidence:\n\n");
        md_code_block(out, f->evidence, "text");
    }
    if (*f->explain) {
        qt_buf_puts(out, "Why it matters:\n\n");
        for (const char *p = f->explain; *p;) {
            const char *nl = strchr(p, '\n');
            char *line = qt_strndup(p, nl ? (size_t)(nl - p) : strlen(p));
            md_text(out, line);
            free(line);
            qt_buf_puts(out, nl ? "  \n" : "\n");
            p = nl ? nl + 1 : p + strlen(p);
        }
        qt_buf_putc(out, '\n');
    }
    if (*f->fix) {
        qt_buf_puts(out, "Fix:\n\n");
        md_code_block(out, f->fix, "sh");
    }
}

/* Incidents first (docs/incidents.md): what the admin faces, each with its
 * impact, first fix and the findings behind it. */
static void md_incidents(qt_buf *out, const qt_incidents *is)
{
    qt_buf_puts(out, "## Incidents, worst first\n\n");
    if (is->n == 0)
        qt_buf_puts(out, "No incidents in this sample.\n\n");
    for (size_t i = 0; i < is->n; i++) {
        const qt_incident *inc = &is->v[i];
        char since[64];
        qt_report_local_time(inc->since, since, sizeof since);
        qt_buf_printf(out, "### %zu. %s %s: ", i + 1, qt_sev_name(inc->sev), inc->kind);
        md_text(out, inc->service);
        qt_buf_puts(out, "\n\n");
        md_text(out, inc->impact);
        qt_buf_printf(out, "\n\nSince %s. Id `", since);
        md_text(out, inc->id);
        qt_buf_puts(out, "`. Findings:");
        for (size_t k = 0; k < inc->nids; k++) {
            qt_buf_puts(out, k ? ", `" : " `");
            md_text(out, inc->finding_ids[k]);
            qt_buf_putc(out, '`');
        }
        qt_buf_puts(out, ".\n\nEvidence:\n\n");
        md_code_block(out, inc->evidence, "");
        if (*inc->fix) {
            qt_buf_puts(out, "First fix (all fixes are in the findings below):\n\n");
            md_code_block(out, inc->fix, "sh");
        }
    }
}

void qt_report_md(const qt_report_doc *d, qt_buf *out)
{
    const qt_snapshot *snap = d->snap;
    const qt_findings *fs = &d->findings;
    char when[64], exported[64];
    qt_buf crumbs = {0};

    qt_report_local_time(snap->wall, when, sizeof when);
    qt_report_local_time(d->exported, exported, sizeof exported);
    qt_buf_puts(out, "# qtriage report: ");
    md_text(out, snap->host);
    qt_buf_printf(out, ", %s\n\n", when);

    qt_buf_puts(out, "| | |\n|---|---|\n| Host | ");
    md_text(out, snap->host);
    qt_buf_puts(out, " |\n| Kernel | ");
    md_text(out, d->kernel_sysname);
    qt_buf_putc(out, ' ');
    md_text(out, d->kernel_release);
    qt_buf_putc(out, ' ');
    md_text(out, d->kernel_machine);
    qt_buf_printf(out, " |\n| Snapshot | %s, sample %lu, took %.0f ms%s |\n", when, snap->seq, snap->took * 1000,
                  d->frozen ? ", **FROZEN** (the console was paused on it)" : "");
    qt_buf_printf(out, "| Exported | %s by qtriage %s |\n", exported, QT_VERSION);
    qt_buf_puts(out, "| Options | --root ");
    md_text(out, d->ctx->root ? d->ctx->root : "/");
    qt_buf_puts(out, " --proc ");
    md_text(out, d->ctx->proc ? d->ctx->proc : "/proc");
    qt_buf_puts(out, " --ports ");
    for (int i = 0; i < d->ctx->nservices; i++) {
        qt_buf_puts(out, i ? "," : "");
        md_text(out, d->ctx->services[i].name);
        qt_buf_printf(out, "=%u", d->ctx->services[i].port);
    }
    if (d->ctx->limit)
        qt_buf_printf(out, " --limit %u", d->ctx->limit);
    if (d->ctx->dns_server) {
        qt_buf_puts(out, " --dns-server ");
        md_text(out, d->ctx->dns_server);
    }
    if (d->ctx->public_ip) {
        qt_buf_puts(out, " --public-ip ");
        md_text(out, d->ctx->public_ip);
    }
    qt_buf_printf(out, "%s |\n", d->ctx->read_only ? " --read-only" : "");
    qt_buf_puts(out, "| Collectors | ");
    for (int i = 0; i < d->nsrc; i++) {
        const struct qt_report_src *s = &d->src[i];
        qt_buf_puts(out, i ? "; " : "");
        md_text(out, s->name);
        if (s->state == QT_SRC_OK) {
            qt_buf_printf(out, " ok (%.0f ms)", s->took * 1000);
        } else if (s->state == QT_SRC_FAILED) {
            qt_buf_puts(out, " **STALE**: ");
            md_text(out, s->err);
        } else {
            qt_buf_puts(out, " not run");
        }
    }
    qt_buf_puts(out, " |\n\n");

    md_incidents(out, &d->incidents);
    qt_buf_printf(out, "## Findings, worst first\n\nWorst: **%s**. %zu CRIT, %zu WARN, %zu INFO, %zu OK.\n\n",
                  qt_sev_name(qt_findings_worst(fs)), qt_findings_count(fs, QT_SEV_CRIT),
                  qt_findings_count(fs, QT_SEV_WARN), qt_findings_count(fs, QT_SEV_INFO),
                  qt_findings_count(fs, QT_SEV_OK));
    if (fs->n == 0)
        qt_buf_puts(out, "No findings in this sample.\n\n");
    for (size_t i = 0; i < fs->n; i++)
        md_finding(out, i, &fs->v[i]);

    qt_buf_puts(out, "## Metrics\n\n");
    if (snap->metrics.n == 0) {
        qt_buf_puts(out, "No metrics in this sample.\n\n");
    } else {
        qt_buf_puts(out, "| Metric | Service | Port | Value | Max |\n|---|---|---:|---:|---:|\n");
        for (size_t i = 0; i < snap->metrics.n; i++) {
            const qt_metric *m = &snap->metrics.v[i];
            qt_buf_puts(out, "| ");
            md_text(out, m->name);
            qt_buf_puts(out, " | ");
            md_text(out, m->service);
            qt_buf_puts(out, " | ");
            if (m->port)
                qt_buf_printf(out, "%u", m->port);
            if (m->value == m->value) {
                qt_buf_printf(out, " | %g | ", m->value);
            } else if (m->unknown[0]) {
                qt_buf_puts(out, " | unknown: ");
                md_text(out, m->unknown);
                qt_buf_puts(out, " | ");
            } else {
                qt_buf_puts(out, " | unknown | ");
            }
            if (m->max >= 0)
                qt_buf_printf(out, "%g", m->max);
            qt_buf_puts(out, " |\n");
        }
        qt_buf_putc(out, '\n');
    }

    qt_buf_puts(out, "## Panes\n\n");
    for (size_t i = 0; i < d->npanes; i++) {
        const struct qt_report_pane *p = &d->panes[i];
        qt_buf_printf(out, "### %zu. ", i + 1);
        md_text(out, p->name);
        qt_buf_puts(out, "\n\n");
        if (p->has_state) {
            qt_buf_puts(out, "On screen: ");
            if (*p->filter) {
                qt_buf_puts(out, "filter \"");
                md_text(out, p->filter);
                qt_buf_puts(out, "\", ");
            } else {
                qt_buf_puts(out, "no filter, ");
            }
            if (p->sort_col >= 0) {
                qt_buf_puts(out, "sorted by ");
                md_text(out, p->top->main.cols[p->sort_col].title);
                qt_buf_puts(out, p->sort_desc ? ", descending.\n\n" : ", ascending.\n\n");
            } else {
                qt_buf_puts(out, "default order.\n\n");
            }
        }
        qt_buf_reset(&crumbs);
        md_text(&crumbs, p->name);
        md_view(out, p->top, p, &crumbs);
    }
    qt_buf_free(&crumbs);
}

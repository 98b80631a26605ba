/* report_json.c - the report document as JSON (see report_json.h and
 * docs/report.schema.json). */
#include "report/report_json.h"
#include "report/report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void qt_report_iso_utc(double t, char *out, size_t n)
{
    time_t s = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&s, &tm) || !strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, n, "?");
}

void qt_report_local_time(double t, char *out, size_t n)
{
    time_t s = (time_t)t;
    struct tm tm;
    if (!localtime_r(&s, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M:%S %z", &tm))
        snprintf(out, n, "?");
}

/* A display string as the loader will accept it: printable ASCII (and
 * newlines when multi), at most max bytes. qtriage's own display text
 * (cells, notes, findings) is already like that and passes unchanged; raw
 * text (a host name, an error message, uname) gets the display escaping
 * (\xNN) and is cut to max. NULL gives null. */
static json_t *jtext_m(const char *s, size_t max, int multi)
{
    json_t *j;
    char *c;
    int raw = 0;

    if (!s)
        return json_null();
    for (const unsigned char *p = (const unsigned char *)s; *p && !raw; p++)
        raw = !((*p >= 0x20 && *p < 0x7f) || (multi && *p == '\n'));
    if (!raw && strlen(s) <= max)
        return json_string(s);
    if (raw) {
        qt_buf b = {0};
        for (const char *p = s;;) {
            const char *nl = multi ? strchr(p, '\n') : NULL;
            qt_buf_put_safe(&b, p, nl ? (size_t)(nl - p) : strlen(p));
            if (!nl)
                break;
            qt_buf_putc(&b, '\n');
            p = nl + 1;
        }
        c = qt_buf_steal(&b);
    } else {
        c = qt_strdup(s);
    }
    qt_rtext_clamp(&c, max);
    j = json_string(c);
    free(c);
    return j;
}

static json_t *jtext(const char *s, size_t max) { return jtext_m(s, max, 0); }
static json_t *jlines(const char *s) { return jtext_m(s, QT_REPORT_MAX_LONGTEXT, 1); }
json_t *qt_report_jtext(const char *s, size_t max) { return jtext_m(s, max, 0); }
#define LINE QT_REPORT_MAX_TEXT

/* Numbers: integers when exact, reals otherwise, null when not finite. */
static json_t *jnum(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return json_integer((json_int_t)v);
    return json_real(v);
}

void qt_report_jset(json_t *o, const char *k, json_t *v)
{
    if (!v || json_object_set_new(o, k, v) != 0)
        qt_fatal("report: cannot build JSON member %s", k);
}

void qt_report_jadd(json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) != 0)
        qt_fatal("report: cannot build JSON array");
}

/* An opaque key: "name": "text" when UTF-8, else "name_hex": "hex bytes". */
static void set_key(json_t *o, const char *name, const char *key)
{
    static const char hex[] = "0123456789abcdef";
    char hname[32];
    qt_buf b = {0};
    size_t len;

    if (!key) {
        qt_report_jset(o, name, json_null());
        return;
    }
    len = strlen(key);
    if (qt_utf8_valid(key, len)) {
        qt_report_jset(o, name, json_string(key));
        return;
    }
    for (size_t i = 0; i < len; i++) {
        qt_buf_putc(&b, hex[(unsigned char)key[i] >> 4]);
        qt_buf_putc(&b, hex[(unsigned char)key[i] & 15]);
    }
    snprintf(hname, sizeof hname, "%s_hex", name);
    qt_report_jset(o, hname, json_string(qt_buf_str(&b)));
    qt_buf_free(&b);
}

static json_t *table_json(const qt_table *t, size_t rows_total, char *const *drill_name,
                          struct qt_report_view *const *drill);

static json_t *view_json(const struct qt_report_view *v)
{
    json_t *o = json_object();
    qt_report_jset(o, "name", jtext(v->name, 128));
    set_key(o, "key", v->key);
    qt_report_jset(o, "depth", json_integer(v->depth));
    qt_report_jset(o, "head", v->head.ncols ? table_json(&v->head, v->head.nrows, NULL, NULL) : json_null());
    qt_report_jset(o, "main", table_json(&v->main, v->rows_total, v->drill_name, v->drill));
    qt_report_jset(o, "drills_cut", json_boolean(v->drills_cut));
    return o;
}

static json_t *table_json(const qt_table *t, size_t rows_total, char *const *drill_name,
                          struct qt_report_view *const *drill)
{
    json_t *o = json_object(), *cols = json_array(), *rows = json_array();

    qt_report_jset(o, "title", jtext(t->title, 127));
    for (int c = 0; c < t->ncols; c++) {
        json_t *col = json_object();
        qt_report_jset(col, "title", jtext(t->cols[c].title, 31));
        qt_report_jset(col, "width", json_integer(t->cols[c].width));
        qt_report_jset(col, "align", json_string(t->cols[c].flags & QT_COL_RIGHT ? "right" : "left"));
        qt_report_jset(col, "numeric", json_boolean(t->cols[c].flags & QT_COL_NUM));
        qt_report_jset(col, "flex", json_boolean(t->cols[c].flags & QT_COL_FLEX));
        qt_report_jadd(cols, col);
    }
    qt_report_jset(o, "columns", cols);
    qt_report_jset(o, "sort_col", json_integer(t->sort_col));
    qt_report_jset(o, "sort_desc", json_boolean(t->sort_desc));
    qt_report_jset(o, "note", jtext(t->note, LINE));
    qt_report_jset(o, "note_role", json_string(qt_report_role_name(t->note_role)));
    qt_report_jset(o, "rows_total", json_integer((json_int_t)rows_total));
    qt_report_jset(o, "rows_cut", json_boolean(rows_total > t->nrows));
    for (size_t r = 0; r < t->nrows; r++) {
        const struct qt_row *row = &t->rows[r];
        json_t *jr = json_object(), *cells = json_array();
        set_key(jr, "id", row->id);
        if (row->role != QT_ROLE_NORMAL)
            qt_report_jset(jr, "role", json_string(qt_report_role_name(row->role)));
        for (int c = 0; c < t->ncols; c++) {
            const struct qt_cell *cell = &row->cells[c];
            json_t *jc = json_object();
            qt_report_jset(jc, "text", jtext(cell->text ? cell->text : "", LINE));
            if ((t->cols[c].flags & QT_COL_NUM) || cell->num != 0)
                qt_report_jset(jc, "num", jnum(cell->num));
            if (cell->role != QT_ROLE_NORMAL)
                qt_report_jset(jc, "role", json_string(qt_report_role_name(cell->role)));
            qt_report_jadd(cells, jc);
        }
        qt_report_jset(jr, "cells", cells);
        if (drill_name && drill_name[r])
            qt_report_jset(jr, "drill_view", jtext(drill_name[r], 128));
        if (drill && drill[r])
            qt_report_jset(jr, "drill", view_json(drill[r]));
        qt_report_jadd(rows, jr);
    }
    qt_report_jset(o, "rows", rows);
    return o;
}

static json_t *options_json(const qt_ctx *ctx)
{
    json_t *o = json_object(), *sv = json_array();
    char *r;

    r = qt_report_redact(ctx->root ? ctx->root : "/", NULL);
    qt_report_jset(o, "root", jtext(r, 4096));
    free(r);
    r = qt_report_redact(ctx->proc ? ctx->proc : "/proc", NULL);
    qt_report_jset(o, "proc", jtext(r, 4096));
    free(r);
    for (int i = 0; i < ctx->nservices; i++) {
        json_t *s = json_object();
        qt_report_jset(s, "name", jtext(ctx->services[i].name, 31));
        qt_report_jset(s, "port", json_integer(ctx->services[i].port));
        qt_report_jadd(sv, s);
    }
    qt_report_jset(o, "services", sv);
    qt_report_jset(o, "limit", json_integer(ctx->limit));
    qt_report_jset(o, "dns_server", jtext(ctx->dns_server, 256));
    qt_report_jset(o, "public_ip", jtext(ctx->public_ip, 256));
    qt_report_jset(o, "read_only", json_boolean(ctx->read_only));
    return o;
}

static const char *state_name(enum qt_src_state s)
{
    return s == QT_SRC_OK ? "ok" : s == QT_SRC_FAILED ? "failed" : "none";
}

json_t *qt_report_json(const qt_report_doc *d)
{
    const qt_snapshot *snap = d->snap;
    json_t *o = json_object(), *k, *a;
    char when[64];

    qt_report_jset(o, "format", json_string(QT_REPORT_FORMAT));
    qt_report_jset(o, "format_version", json_integer(QT_REPORT_FORMAT_VERSION));
    qt_report_jset(o, "qtriage_version", json_string(QT_VERSION));
    qt_report_jset(o, "host", jtext(snap->host, 255));
    k = json_object();
    qt_report_jset(k, "sysname", jtext(d->kernel_sysname, 64));
    qt_report_jset(k, "release", jtext(d->kernel_release, 64));
    qt_report_jset(k, "version", jtext(d->kernel_version, 64));
    qt_report_jset(k, "machine", jtext(d->kernel_machine, 64));
    qt_report_jset(o, "kernel", k);

    k = json_object();
    qt_report_jset(k, "seq", json_integer((json_int_t)snap->seq));
    qt_report_jset(k, "time", jnum(snap->wall));
    qt_report_iso_utc(snap->wall, when, sizeof when);
    qt_report_jset(k, "time_utc", json_string(when));
    qt_report_jset(k, "took_seconds", jnum(snap->took));
    qt_report_jset(k, "frozen", json_boolean(d->frozen));
    qt_report_jset(o, "snapshot", k);
    k = json_object();
    qt_report_jset(k, "time", jnum(d->exported));
    qt_report_iso_utc(d->exported, when, sizeof when);
    qt_report_jset(k, "time_utc", json_string(when));
    qt_report_jset(o, "exported", k);
    qt_report_jset(o, "options", options_json(d->ctx));

    a = json_array();
    for (int i = 0; i < d->nsrc; i++) {
        json_t *c = json_object();
        qt_report_jset(c, "name", jtext(d->src[i].name, 31));
        qt_report_jset(c, "state", json_string(state_name(d->src[i].state)));
        qt_report_jset(c, "stale", json_boolean(d->src[i].state == QT_SRC_FAILED));
        qt_report_jset(c, "error", jtext(d->src[i].err, 255));
        qt_report_jset(c, "took_seconds", jnum(d->src[i].took));
        qt_report_jadd(a, c);
    }
    qt_report_jset(o, "collectors", a);

    k = json_object();
    qt_report_jset(k, "worst", json_string(qt_sev_name(qt_findings_worst(&d->findings))));
    for (int s = QT_SEV_CRIT; s >= QT_SEV_OK; s--)
        qt_report_jset(k, qt_sev_name((enum qt_sev)s), json_integer((json_int_t)qt_findings_count(&d->findings, (enum qt_sev)s)));
    qt_report_jset(o, "summary", k);

    a = json_array();
    for (size_t i = 0; i < d->findings.n; i++) {
        const qt_finding *f = &d->findings.v[i];
        json_t *j = json_object();
        qt_report_jset(j, "severity", json_string(qt_sev_name(f->sev)));
        qt_report_jset(j, "source", jtext(f->source, LINE));
        qt_report_jset(j, "id", jtext(f->id, LINE));
        qt_report_jset(j, "subject", jtext(f->subject, LINE));
        qt_report_jset(j, "title", jtext(f->title, LINE));
        qt_report_jset(j, "evidence", jlines(f->evidence));
        qt_report_jset(j, "explain", jlines(f->explain));
        qt_report_jset(j, "fix", jlines(f->fix));
        qt_report_jadd(a, j);
    }
    qt_report_jset(o, "findings", a);

    /* format 3: the incidents, worst first (docs/incidents.md) */
    a = json_array();
    for (size_t i = 0; i < d->incidents.n && i < QT_REPORT_MAX_INCIDENTS; i++) {
        const qt_incident *inc = &d->incidents.v[i];
        json_t *j = json_object(), *ids = json_array();
        qt_report_jset(j, "id", jtext(inc->id, LINE));
        qt_report_jset(j, "kind", jtext(inc->kind, LINE));
        qt_report_jset(j, "service", jtext(inc->service, LINE));
        qt_report_jset(j, "severity", json_string(qt_sev_name(inc->sev)));
        qt_report_jset(j, "since", jnum(inc->since));
        qt_report_iso_utc(inc->since, when, sizeof when);
        qt_report_jset(j, "since_utc", json_string(when));
        qt_report_jset(j, "impact", jtext(inc->impact, LINE));
        qt_report_jset(j, "fix", jtext(inc->fix, LINE));
        qt_report_jset(j, "evidence", jlines(inc->evidence));
        for (size_t k = 0; k < inc->nids; k++)
            qt_report_jadd(ids, jtext(inc->finding_ids[k], LINE));
        qt_report_jset(j, "finding_ids", ids);
        qt_report_jadd(a, j);
    }
    qt_report_jset(o, "incidents", a);

    a = json_array();
    for (size_t i = 0; i < snap->metrics.n && i < QT_REPORT_MAX_METRICS; i++) {
        const qt_metric *m = &snap->metrics.v[i];
        json_t *j = json_object();
        char key[96];
        qt_metrics_key_at(&snap->metrics, i, key, sizeof key);
        qt_report_jset(j, "key", jtext(key, LINE));
        qt_report_jset(j, "name", jtext(m->name, 47));
        qt_report_jset(j, "service", jtext(m->service, 31));
        qt_report_jset(j, "port", json_integer(m->port));
        qt_report_jset(j, "value", jnum(m->value));
        if (m->unknown[0]) {
            /* format 2: a value qtriage could not see is null with the reason, never 0 */
            qt_report_jset(j, "unknown", jtext(m->unknown, 159));
            qt_report_jset(j, "lower", isnan(m->lo) ? json_null() : jnum(m->lo));
            qt_report_jset(j, "upper", isnan(m->hi) ? json_null() : jnum(m->hi));
        }
        qt_report_jset(j, "max", m->max >= 0 ? jnum(m->max) : json_null());
        qt_report_jset(j, "help", jtext(m->help ? m->help : "", 1024));
        qt_report_jadd(a, j);
    }
    qt_report_jset(o, "metrics", a);

    /* format 5: the mail logs (report_logs.c); a loaded report's as it was */
    if (snap->logs)
        qt_report_jset(o, "logs", qt_report_logs_json(snap->logs));
    else if (d->store && d->store->logs)
        qt_report_jset(o, "logs", json_deep_copy(d->store->logs));
    else
        qt_report_jset(o, "logs", json_null());

    k = json_object();
    qt_report_jset(k, "max_depth", json_integer(QT_REPORT_MAX_DEPTH));
    qt_report_jset(k, "max_rows", json_integer(QT_REPORT_MAX_ROWS));
    qt_report_jset(k, "max_drills", json_integer(QT_REPORT_MAX_DRILLS));
    qt_report_jset(k, "max_views", json_integer(QT_REPORT_MAX_VIEWS));
    qt_report_jset(k, "max_cells", json_integer(QT_REPORT_MAX_CELLS));
    qt_report_jset(k, "saved_views", json_integer((json_int_t)d->nviews));
    qt_report_jset(k, "saved_cells", json_integer((json_int_t)d->ncells));
    qt_report_jset(o, "limits", k);

    a = json_array();
    for (size_t i = 0; i < d->npanes; i++) {
        const struct qt_report_pane *p = &d->panes[i];
        json_t *j = json_object();
        qt_report_jset(j, "name", jtext(p->name, 127));
        if (p->has_state) {
            json_t *st = json_object();
            qt_report_jset(st, "filter", jtext(p->filter, LINE));
            qt_report_jset(st, "sort_col", json_integer(p->sort_col));
            qt_report_jset(st, "sort_column", p->sort_col >= 0 ? jtext(p->top->main.cols[p->sort_col].title, 31) : json_null());
            qt_report_jset(st, "sort_desc", json_boolean(p->sort_desc));
            qt_report_jset(j, "state", st);
        } else {
            qt_report_jset(j, "state", json_null());
        }
        qt_report_jset(j, "view", view_json(p->top));
        qt_report_jadd(a, j);
    }
    qt_report_jset(o, "panes", a);
    return o;
}

static int dump_cb(const char *buf, size_t size, void *data)
{
    qt_buf_add(data, buf, size);
    return 0;
}

void qt_report_json_dump(const json_t *j, qt_buf *out)
{
    if (json_dump_callback(j, dump_cb, out, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0)
        qt_fatal("report: cannot serialise JSON");
    qt_buf_putc(out, '\n');
}

void qt_report_json_text(const qt_report_doc *d, qt_buf *out)
{
    json_t *j = qt_report_json(d);
    qt_report_json_dump(j, out);
    json_decref(j);
}

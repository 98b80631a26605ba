/* report_load.c - `qtriage --load report.json`: parse and validate a report
 * strictly into a store (report_store.c).
 *
 * A report may come from another machine, an older or newer qtriage, a
 * truncated copy or an attacker. Everything is checked before use: size and
 * value count before parsing (so a hostile file cannot make jansson allocate
 * without bound), nesting, every member's type, every bound of report.h,
 * and the display safety of every string (a control byte is refused; any
 * non-ASCII character is escaped as \xNN exactly like live data, and cut
 * to fit where it is stored, see qt_ld_get_text). The first
 * problem found is reported with its place in the document, e.g.
 * "panes[0].view.main.rows[3].cells[1].text: control character". Members
 * this version does not know are ignored (a change older readers must not
 * misread bumps format_version). */
#include "report/report_ld.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 40           /* JSON nesting a real report never exceeds (~21) */

/* --- tables and views --- */

static int load_view(struct qt_ld *l, const json_t *o, int depth, const char *want_name, const char *want_key,
                     int want_top);

static void load_table(struct qt_ld *l, const json_t *o, qt_table *t, char ***drill_name, int depth)
{
    json_t *cols, *rows;
    char *s;
    size_t m;

    qt_table_init(t, "");
    s = qt_ld_get_text(l, o, "title", sizeof t->title - 1, 0);
    if (s)
        snprintf(t->title, sizeof t->title, "%s", s);
    free(s);
    cols = qt_ld_get_array(l, o, "columns", QT_TABLE_MAXCOLS, 0);
    m = qt_ld_push(l, "columns");
    for (size_t i = 0; cols && i < json_array_size(cols) && !l->failed; i++) {
        json_t *c = qt_ld_elem_obj(l, cols, i);
        size_t m2 = qt_ld_push_idx(l, i);
        unsigned flags = 0;
        json_t *al;
        if (!c)
            break;
        s = qt_ld_get_text(l, c, "title", sizeof t->cols[0].title - 1, 0);
        al = qt_ld_get(l, c, "align", JSON_STRING, 0);
        if (al && strcmp(json_string_value(al), "right") == 0)
            flags |= QT_COL_RIGHT;
        else if (al && strcmp(json_string_value(al), "left") != 0)
            qt_ld_fail(l, "align must be \"left\" or \"right\"");
        if (qt_ld_get_bool(l, c, "numeric", 0))
            flags |= QT_COL_NUM;
        if (qt_ld_get_bool(l, c, "flex", 0))
            flags |= QT_COL_FLEX;
        if (!l->failed)
            qt_table_col(t, s, (int)qt_ld_get_int(l, c, "width", 0, 1000, 0, 0), flags);
        free(s);
        qt_ld_pop(l, m2);
    }
    qt_ld_pop(l, m);
    t->sort_col = (int)qt_ld_get_int(l, o, "sort_col", -1, t->ncols - 1, -1, 0);
    t->sort_desc = qt_ld_get_bool(l, o, "sort_desc", 0);
    t->note = qt_ld_get_text(l, o, "note", QT_REPORT_MAX_TEXT, NUL_OK);
    t->note_role = (unsigned char)qt_ld_get_role(l, o, "note_role", 0);
    rows = qt_ld_get_array(l, o, "rows", QT_REPORT_MAX_ROWS, 0);
    if (rows && (json_int_t)qt_ld_get_int(l, o, "rows_total", 0, 1000000000, 0, 0) < (json_int_t)json_array_size(rows))
        qt_ld_fail(l, "rows_total is less than the rows given");
    if (l->failed || !rows)
        return;
    l->ncells += json_array_size(rows) * (size_t)t->ncols;
    if (l->ncells > 2 * (size_t)QT_REPORT_MAX_CELLS) {
        qt_ld_fail(l, "more than %d cells in the report", 2 * QT_REPORT_MAX_CELLS);
        return;
    }
    if (drill_name)
        *drill_name = qt_calloc(json_array_size(rows) ? json_array_size(rows) : 1, sizeof **drill_name);
    m = qt_ld_push(l, "rows");
    for (size_t i = 0; i < json_array_size(rows) && !l->failed; i++) {
        json_t *r = qt_ld_elem_obj(l, rows, i), *cells, *dv;
        size_t m2 = qt_ld_push_idx(l, i);
        struct qt_row *row;
        char *id;
        int present;

        if (!r)
            break;
        id = qt_ld_get_key(l, r, "id", &present);
        if (!present && !l->failed)
            qt_ld_fail(l, "row without id");
        if (l->failed) {
            free(id);
            qt_ld_pop(l, m2);
            break;
        }
        row = qt_rtable_row_raw(t, id);
        free(id);
        row->role = (unsigned char)qt_ld_get_role(l, r, "role", OPT);
        cells = qt_ld_get_array(l, r, "cells", QT_TABLE_MAXCOLS, 0);
        if (cells && json_array_size(cells) != (size_t)t->ncols)
            qt_ld_fail(l, "%zu cells for %d columns", json_array_size(cells), t->ncols);
        for (size_t c = 0; cells && c < json_array_size(cells) && !l->failed; c++) {
            json_t *jc = qt_ld_elem_obj(l, cells, c);
            size_t m3 = qt_ld_push(l, "cells");
            size_t m4 = qt_ld_push_idx(l, c);
            if (jc) {
                json_t *num;
                row->cells[c].text = qt_ld_get_text(l, jc, "text", QT_REPORT_MAX_TEXT, 0);
                num = qt_ld_get(l, jc, "num", JSON_REAL, OPT | NUL_OK);
                row->cells[c].num = num ? json_number_value(num) : json_object_get(jc, "num") ? NAN : 0;
                row->cells[c].role = (unsigned char)qt_ld_get_role(l, jc, "role", OPT);
            }
            qt_ld_pop(l, m4);
            qt_ld_pop(l, m3);
        }
        for (int c = 0; c < t->ncols; c++)
            if (!row->cells[c].text)
                row->cells[c].text = qt_strdup("");
        if (drill_name && !l->failed)
            (*drill_name)[i] = qt_ld_get_name(l, r, "drill_view", 128, OPT);
        dv = qt_ld_get(l, r, "drill", JSON_OBJECT, OPT | NUL_OK);
        if (dv && !l->failed) {
            size_t m3 = qt_ld_push(l, "drill");
            if (!drill_name || !(*drill_name)[i])
                qt_ld_fail(l, "a drill-down without drill_view");
            else if (depth >= QT_REPORT_MAX_DEPTH)
                qt_ld_fail(l, "drill-downs nested deeper than %d levels", QT_REPORT_MAX_DEPTH);
            else
                load_view(l, dv, depth + 1, (*drill_name)[i], row->id, 0);
            qt_ld_pop(l, m3);
        }
        qt_ld_pop(l, m2);
    }
    qt_ld_pop(l, m);
}

/* A view object at depth; its name and key must match what led to it. */
static int load_view(struct qt_ld *l, const json_t *o, int depth, const char *want_name, const char *want_key,
                     int want_top)
{
    struct qt_rstore_view *v;
    json_t *head, *main;
    int present;
    size_t m;

    if (++l->nviews > QT_REPORT_MAX_VIEWS) {
        qt_ld_fail(l, "more than %d saved views", QT_REPORT_MAX_VIEWS);
        return -1;
    }
    v = qt_calloc(1, sizeof *v);
    qt_table_init(&v->head, "");
    qt_table_init(&v->main, "");
    v->name = qt_ld_get_name(l, o, "name", 128, 0);
    v->key = qt_ld_get_key(l, o, "key", &present);
    if (!l->failed && want_top && present)
        qt_ld_fail(l, "a pane's top view has a key");
    if (!l->failed && !want_top && (!present || !want_key || strcmp(v->key, want_key) != 0))
        qt_ld_fail(l, "drill-down key differs from the row id it was opened on");
    if (!l->failed && want_name && strcmp(v->name, want_name) != 0)
        qt_ld_fail(l, "view name '%s' differs from drill_view '%s'", v->name, want_name);
    if (!l->failed && qt_ld_get_int(l, o, "depth", 0, QT_REPORT_MAX_DEPTH, 0, 0) != depth && !l->failed)
        qt_ld_fail(l, "depth does not match the nesting (%d)", depth);
    qt_ld_get_bool(l, o, "drills_cut", OPT);
    head = qt_ld_get(l, o, "head", JSON_OBJECT, NUL_OK);
    if (head && !l->failed) {
        m = qt_ld_push(l, "head");
        load_table(l, head, &v->head, NULL, depth);
        qt_ld_pop(l, m);
    }
    main = qt_ld_get(l, o, "main", JSON_OBJECT, 0);
    if (main && !l->failed) {
        m = qt_ld_push(l, "main");
        load_table(l, main, &v->main, &v->drill_name, depth);
        qt_ld_pop(l, m);
    }
    if (!v->drill_name)
        v->drill_name = qt_calloc(1, sizeof *v->drill_name);
    if (!l->failed && qt_rstore_add(l->st, v) != 0)
        qt_ld_fail(l, "view '%s' is saved twice for the same key", v->name);
    else if (!l->failed)
        return 0;
    /* not added: free it here */
    for (size_t r = 0; r < v->main.nrows; r++)
        free(v->drill_name[r]);
    free(v->drill_name);
    qt_table_free(&v->head);
    qt_table_free(&v->main);
    free(v->name);
    free(v->key);
    free(v);
    return -1;
}

/* --- the document --- */

static void load_options(struct qt_ld *l, const json_t *o)
{
    qt_ctx *c = &l->st->ctx;
    json_t *sv;
    char *s;

    if ((s = qt_ld_get_text(l, o, "root", 4096, 0)))
        c->root = qt_rstore_keep(l->st, s);
    if ((s = qt_ld_get_text(l, o, "proc", 4096, 0)))
        c->proc = qt_rstore_keep(l->st, s);
    sv = qt_ld_get_array(l, o, "services", QT_MAX_SERVICES, 0);
    if (sv)
        c->nservices = 0;
    for (size_t i = 0; sv && i < json_array_size(sv) && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, sv, i);
        size_t m = qt_ld_push(l, "services"), m2 = qt_ld_push_idx(l, i);
        if (e) {
            char *name = qt_ld_get_text(l, e, "name", sizeof c->services[0].name - 1, 0);
            unsigned port = (unsigned)qt_ld_get_int(l, e, "port", 1, 65535, 1, 0);
            if (name) {
                snprintf(c->services[c->nservices].name, sizeof c->services[0].name, "%s", name);
                c->services[c->nservices++].port = port;
            }
            free(name);
        }
        qt_ld_pop(l, m2);
        qt_ld_pop(l, m);
    }
    c->limit = (unsigned)qt_ld_get_int(l, o, "limit", 0, 1000000, 0, 0);
    if ((s = qt_ld_get_text(l, o, "dns_server", 256, NUL_OK)))
        c->dns_server = qt_rstore_keep(l->st, s);
    if ((s = qt_ld_get_text(l, o, "public_ip", 256, NUL_OK)))
        c->public_ip = qt_rstore_keep(l->st, s);
    c->read_only = qt_ld_get_bool(l, o, "read_only", 0);
}

static void load_collectors(struct qt_ld *l, const json_t *a)
{
    int seen[QT_SRC_COUNT] = {0};
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, a, i), *st;
        size_t m = qt_ld_push_idx(l, i);
        char *name, *err;
        int id;
        enum qt_src_state state = QT_SRC_NONE;

        if (!e)
            break;
        name = qt_ld_get_name(l, e, "name", 31, 0);
        st = qt_ld_get(l, e, "state", JSON_STRING, 0);
        if (st) {
            const char *v = json_string_value(st);
            if (strcmp(v, "ok") == 0)
                state = QT_SRC_OK;
            else if (strcmp(v, "failed") == 0)
                state = QT_SRC_FAILED;
            else if (strcmp(v, "none") != 0)
                qt_ld_fail(l, "state must be ok, failed or none");
        }
        qt_ld_get_bool(l, e, "stale", OPT);
        err = qt_ld_get_text(l, e, "error", 255, 0);
        if (name && !l->failed && (id = qt_report_src_parse(name)) >= 0) {
            struct qt_src_status *s = &l->st->snap.src[id];
            if (seen[id]++)
                qt_ld_fail(l, "collector %s listed twice", name);
            s->state = state;
            snprintf(s->err, sizeof s->err, "%s", err ? err : "");
            s->took = qt_ld_get_num(l, e, "took_seconds", 0, 1e6, 0, 0);
        }
        free(name);
        free(err);
        qt_ld_pop(l, m);
    }
}

static void load_findings(struct qt_ld *l, const json_t *a)
{
    qt_findings *fs = &l->st->snap.findings;
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, a, i), *sev;
        size_t m = qt_ld_push_idx(l, i);
        qt_finding *f;
        int s = -1;

        if (!e)
            break;
        sev = qt_ld_get(l, e, "severity", JSON_STRING, 0);
        if (sev && (s = qt_sev_parse(json_string_value(sev))) < 0) {
            size_t m2 = qt_ld_push(l, "severity");
            qt_ld_fail(l, "unknown severity");
            qt_ld_pop(l, m2);
        }
        qt_grow(&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
        f = &fs->v[fs->n++];
        memset(f, 0, sizeof *f);
        f->sev = s < 0 ? QT_SEV_OK : (enum qt_sev)s;
        f->source = qt_ld_get_text(l, e, "source", QT_REPORT_MAX_TEXT, 0);
        f->id = qt_ld_get_text(l, e, "id", QT_REPORT_MAX_TEXT, 0);
        f->subject = qt_ld_get_text(l, e, "subject", QT_REPORT_MAX_TEXT, 0);
        f->title = qt_ld_get_text(l, e, "title", QT_REPORT_MAX_TEXT, 0);
        f->evidence = qt_ld_get_text(l, e, "evidence", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        f->explain = qt_ld_get_text(l, e, "explain", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        f->fix = qt_ld_get_text(l, e, "fix", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        /* the list owns and frees every field: never leave one NULL */
        char **fields[] = {&f->source, &f->id, &f->subject, &f->title, &f->evidence, &f->explain, &f->fix,
                           &f->inc_kind, &f->inc_service, &f->inc_impact};
        for (size_t k = 0; k < QT_ARRAY_LEN(fields); k++)
            if (!*fields[k])
                *fields[k] = qt_strdup("");
        qt_ld_pop(l, m);
    }
    qt_findings_sort(fs);
}

/* One incident's finding ids: an array of display strings. */
static void load_incident_ids(struct qt_ld *l, const json_t *e, qt_incident *inc)
{
    json_t *a = qt_ld_get_array(l, e, "finding_ids", QT_REPORT_MAX_FINDINGS, 0);
    size_t m = qt_ld_push(l, "finding_ids");
    for (size_t k = 0; a && k < json_array_size(a) && !l->failed; k++) {
        json_t *box = json_object();   /* the text getter reads a member: box the element */
        size_t m2 = qt_ld_push_idx(l, k);
        char *id;
        json_object_set(box, "id", json_array_get(a, k));
        if ((id = qt_ld_get_text(l, box, "id", QT_REPORT_MAX_TEXT, 0)))
            qt_incident_add_finding(inc, id);
        free(id);
        json_decref(box);
        qt_ld_pop(l, m2);
    }
    qt_ld_pop(l, m);
}

/* Format 3: the incidents (absent in 1 and 2: none). */
static void load_incidents(struct qt_ld *l, const json_t *a)
{
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, a, i), *sev;
        size_t m = qt_ld_push_idx(l, i);
        const char *keys[] = {"id", "kind", "service", "impact", "fix", "evidence"};
        char *t[QT_ARRAY_LEN(keys)];
        int s = -1;

        if (!e)
            break;
        if ((sev = qt_ld_get(l, e, "severity", JSON_STRING, 0)) && (s = qt_sev_parse(json_string_value(sev))) < 0)
            qt_ld_fail(l, "unknown severity");
        for (size_t k = 0; k < QT_ARRAY_LEN(keys); k++)
            t[k] = k < 3 ? qt_ld_get_name(l, e, keys[k], QT_REPORT_MAX_TEXT, 0)
                         : qt_ld_get_text(l, e, keys[k], k == 5 ? QT_REPORT_MAX_LONGTEXT : QT_REPORT_MAX_TEXT,
                                          k == 5 ? TXT_MULTI : 0);
        double since = qt_ld_get_num(l, e, "since", 0, 32503680000.0, 0, 0);
        if (!l->failed)
            load_incident_ids(l, e, qt_incidents_add(&l->st->snap.incidents, t[0], t[1], t[2], (enum qt_sev)s, since,
                                                     t[3], t[4], t[5]));
        for (size_t k = 0; k < QT_ARRAY_LEN(keys); k++)
            free(t[k]);
        qt_ld_pop(l, m);
    }
    qt_incidents_sort(&l->st->snap.incidents);
}

/* Format 2: why a null value is unknown, and its bounds (absent in 1). */
static void load_metric_unknown(struct qt_ld *l, const json_t *e, qt_metric *x)
{
    char *why = qt_ld_get_text(l, e, "unknown", sizeof x->unknown - 1, OPT | NUL_OK);
    if (why && *why && isnan(x->value)) {
        snprintf(x->unknown, sizeof x->unknown, "%s", why); /* fits: the getter bounds the escaped text */
        x->lo = qt_ld_get_num(l, e, "lower", -1e15, 1e15, NAN, OPT | NUL_OK);
        x->hi = qt_ld_get_num(l, e, "upper", -1e15, 1e15, NAN, OPT | NUL_OK);
    }
    free(why);
}

static void load_metrics(struct qt_ld *l, const json_t *a)
{
    qt_metrics *ms = &l->st->snap.metrics;
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, a, i), *v, *mx;
        size_t m = qt_ld_push_idx(l, i);
        char *name, *service, *help;
        unsigned port;

        if (!e)
            break;
        name = qt_ld_get_name(l, e, "name", 47, 0);
        service = qt_ld_get_text(l, e, "service", 31, 0);
        port = (unsigned)qt_ld_get_int(l, e, "port", 0, 65535, 0, 0);
        v = qt_ld_get(l, e, "value", JSON_REAL, NUL_OK);
        mx = qt_ld_get(l, e, "max", JSON_REAL, NUL_OK);
        help = qt_ld_get_text(l, e, "help", 1024, 0);
        if (!l->failed) {
            qt_metrics_add(ms, name, service, port, v ? json_number_value(v) : NAN, mx ? json_number_value(mx) : -1,
                           qt_rstore_keep(l->st, help));
            help = NULL;
            load_metric_unknown(l, e, &ms->v[ms->n - 1]);
        }
        free(name);
        free(service);
        free(help);
        qt_ld_pop(l, m);
    }
}

static void load_panes(struct qt_ld *l, const json_t *a)
{
    struct qt_report_store *st = l->st;
    size_t n = json_array_size(a);

    st->panes = qt_calloc(n ? n : 1, sizeof *st->panes);
    st->pane_list = qt_calloc(n ? n : 1, sizeof *st->pane_list);
    st->states = qt_calloc(n ? n : 1, sizeof *st->states);
    for (size_t i = 0; i < n && !l->failed; i++) {
        json_t *e = qt_ld_elem_obj(l, a, i), *state, *view;
        size_t m = qt_ld_push_idx(l, i);
        qt_pane_def *p = &st->panes[st->npanes];
        char *name;

        if (!e)
            break;
        name = qt_ld_get_text(l, e, "name", 127, 0);
        if (!name) {
            qt_ld_pop(l, m);
            break;
        }
        p->name = qt_rstore_keep(st, name);
        for (size_t k = 0; k < st->npanes; k++)
            if (strcmp(st->panes[k].name, name) == 0)
                qt_ld_fail(l, "pane '%s' saved twice", name);
        for (size_t k = 0; k < qt_npanes; k++)
            if (strcmp(qt_panes[k]->name, name) == 0) {
                /* the built-in pane's legend, hotkey and place; the views are the saved ones */
                *p = *qt_panes[k];
                p->name = name;   /* kept above */
                p->top = NULL;
            }
        state = qt_ld_get(l, e, "state", JSON_OBJECT, NUL_OK);
        view = qt_ld_get(l, e, "view", JSON_OBJECT, 0);
        if (state && !l->failed) {
            size_t m2 = qt_ld_push(l, "state");
            char *f = qt_ld_get_text(l, state, "filter", QT_REPORT_MAX_TEXT, 0);
            st->states[st->npanes].pane = p->name;
            st->states[st->npanes].filter = f ? qt_rstore_keep(st, f) : "";
            st->states[st->npanes].sort_col = (int)qt_ld_get_int(l, state, "sort_col", -1, QT_TABLE_MAXCOLS - 1, -1, 0);
            st->states[st->npanes].sort_desc = qt_ld_get_bool(l, state, "sort_desc", 0);
            qt_ld_pop(l, m2);
        }
        if (view && !l->failed) {
            size_t m2 = qt_ld_push(l, "view");
            if (load_view(l, view, 0, NULL, NULL, 1) == 0)
                p->top = qt_rstore_synth(st, st->views[st->nviews - 1]->name);
            qt_ld_pop(l, m2);
        }
        if (!l->failed) {
            st->pane_list[st->npanes] = p;
            st->npanes++;
        }
        qt_ld_pop(l, m);
    }
}

/* Cheap bounds before jansson allocates anything: nesting and value count. */
static int prescan(const char *s, size_t len, char *err, size_t errlen)
{
    size_t values = 1;
    int depth = 0, in_str = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\0') {
            snprintf(err, errlen, "malformed JSON: a NUL byte at byte %zu (a binary file, not a report)", i);
            return -1;
        }
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            break;
        case '[':
        case '{':
            if (++depth > MAX_NEST) {
                snprintf(err, errlen, "JSON nested deeper than %d levels at byte %zu (not a qtriage report)",
                         MAX_NEST, i);
                return -1;
            }
            values++;
            break;
        case ']':
        case '}':
            depth--;
            break;
        case ',':
            if (++values > QT_REPORT_MAX_VALUES) {
                snprintf(err, errlen, "more than %d JSON values (not a qtriage report, or hostile)",
                         QT_REPORT_MAX_VALUES);
                return -1;
            }
            break;
        }
    }
    return 0;
}

struct qt_report_store *qt_report_load_buf(const char *data, size_t len, char *err, size_t errlen)
{
    struct qt_ld l = {.err = err, .errlen = errlen};
    json_error_t je;
    json_t *root, *j;
    long long ver;
    char *s;

    if (len > QT_REPORT_MAX_BYTES) {
        snprintf(err, errlen, "file of %zu bytes is larger than the %u bytes a report may have", len,
                 QT_REPORT_MAX_BYTES);
        return NULL;
    }
    if (len == 0) {
        snprintf(err, errlen, "empty file");
        return NULL;
    }
    if (prescan(data, len, err, errlen) != 0)
        return NULL;
    root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        /* jansson quotes the input near the error: keep the message one
         * safe line (the code lives in the text's last byte: read it first) */
        enum json_error_code code = json_error_code(&je);
        char *t = qt_safe_strdup(je.text, strnlen(je.text, sizeof je.text - 1));
        snprintf(je.text, sizeof je.text - 1, "%s", t);
        free(t);
        /* a cut report fails at its very end, whatever the token was */
        size_t first = 0;
        while (first < len && strchr(" \t\r\n", data[first]) && data[first])
            first++;
        if (code == json_error_premature_end_of_input ||
            ((size_t)je.position >= len && first < len && data[first] == '{' &&
             code != json_error_end_of_input_expected))
            snprintf(err, errlen, "truncated: the JSON ends early (line %d, byte %d): %s", je.line, je.position,
                     je.text);
        else
            snprintf(err, errlen, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "not a qtriage report (the JSON is %s, not an object)", qt_ld_type_name(root));
        json_decref(root);
        return NULL;
    }
    j = json_object_get(root, "format");
    if (!json_is_string(j) || strcmp(json_string_value(j), QT_REPORT_FORMAT) != 0) {
        snprintf(err, errlen, "not a qtriage report (no \"format\": \"%s\")", QT_REPORT_FORMAT);
        json_decref(root);
        return NULL;
    }
    j = json_object_get(root, "format_version");
    ver = json_is_integer(j) ? json_integer_value(j) : -1;
    if (ver > QT_REPORT_FORMAT_VERSION) {
        snprintf(err, errlen,
                 "report format version %lld is newer than this qtriage %s reads (version %d): use a newer qtriage",
                 ver, QT_VERSION, QT_REPORT_FORMAT_VERSION);
        json_decref(root);
        return NULL;
    }
    if (ver < 1) {
        snprintf(err, errlen, "bad format_version (want an integer from 1 to %d)", QT_REPORT_FORMAT_VERSION);
        json_decref(root);
        return NULL;
    }

    l.st = qt_rstore_new();
    l.st->writer = qt_rstore_keep(l.st, qt_ld_get_text(&l, root, "qtriage_version", 64, 0));
    if ((s = qt_ld_get_text(&l, root, "host", 255, 0))) {
        snprintf(l.st->snap.host, sizeof l.st->snap.host, "%s", s);
        free(s);
    }
    if ((j = qt_ld_get(&l, root, "kernel", JSON_OBJECT, 0))) {
        size_t m = qt_ld_push(&l, "kernel");
        char *k[4];
        const char *names[4] = {"sysname", "release", "version", "machine"};
        for (int i = 0; i < 4; i++)
            k[i] = qt_ld_get_text(&l, j, names[i], 64, 0);
        l.st->kernel = qt_rstore_keep(&l.st[0], qt_asprintf("%s %s %s", k[0] ? k[0] : "", k[1] ? k[1] : "",
                                                            k[3] ? k[3] : ""));
        for (int i = 0; i < 4; i++)
            free(k[i]);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get(&l, root, "snapshot", JSON_OBJECT, 0))) {
        size_t m = qt_ld_push(&l, "snapshot");
        l.st->snap.seq = (unsigned long)qt_ld_get_int(&l, j, "seq", 0, 1LL << 53, 0, 0);
        l.st->snap.wall = qt_ld_get_num(&l, j, "time", 0, 32503680000.0, 0, 0);
        l.st->snap.took = qt_ld_get_num(&l, j, "took_seconds", 0, 1e6, 0, 0);
        l.st->frozen = qt_ld_get_bool(&l, j, "frozen", 0);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get(&l, root, "exported", JSON_OBJECT, 0))) {
        size_t m = qt_ld_push(&l, "exported");
        l.st->exported = qt_ld_get_num(&l, j, "time", 0, 32503680000.0, 0, 0);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get(&l, root, "options", JSON_OBJECT, 0))) {
        size_t m = qt_ld_push(&l, "options");
        load_options(&l, j);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get_array(&l, root, "collectors", 64, 0))) {
        size_t m = qt_ld_push(&l, "collectors");
        load_collectors(&l, j);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get_array(&l, root, "findings", QT_REPORT_MAX_FINDINGS, 0))) {
        size_t m = qt_ld_push(&l, "findings");
        load_findings(&l, j);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get_array(&l, root, "incidents", QT_REPORT_MAX_INCIDENTS, OPT))) {
        size_t m = qt_ld_push(&l, "incidents");
        load_incidents(&l, j);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get_array(&l, root, "metrics", QT_REPORT_MAX_METRICS, 0))) {
        size_t m = qt_ld_push(&l, "metrics");
        load_metrics(&l, j);
        qt_ld_pop(&l, m);
    }
    /* format 5: the mail logs; older reports have none */
    if ((j = qt_ld_get(&l, root, "logs", JSON_OBJECT, OPT | NUL_OK))) {
        size_t m = qt_ld_push(&l, "logs");
        l.st->logs = qt_report_logs_load(&l, j);
        qt_ld_pop(&l, m);
    }
    if ((j = qt_ld_get_array(&l, root, "panes", QT_REPORT_MAX_PANES, 0))) {
        size_t m = qt_ld_push(&l, "panes");
        load_panes(&l, j);
        qt_ld_pop(&l, m);
    }
    json_decref(root);
    qt_buf_free(&l.path);
    if (l.failed) {
        qt_report_store_free(l.st);
        return NULL;
    }
    return l.st;
}

struct qt_report_store *qt_report_load_file(const char *path, char *err, size_t errlen)
{
    char *data;
    struct qt_fileinfo fi;
    long n = qt_read_file_info(path, (size_t)QT_REPORT_MAX_BYTES + 1, &data, &fi);
    struct qt_report_store *st;

    if (n < 0) {
        snprintf(err, errlen, "cannot read: %s", fi.why);
        return NULL;
    }
    st = qt_report_load_buf(data, (size_t)n, err, errlen);
    free(data);
    return st;
}

/* report_load.c - `qtriage --load report.json`: parse and validate a report
 * strictly into a store (report_store.c).
 *
 * A report may come from another machine, an older or newer qtriage, a
 * truncated copy or an attacker. Everything is checked before use: size and
 * value count before parsing (so a hostile file cannot make jansson allocate
 * without bound), nesting, every member's type, every bound of report.h,
 * and the display safety of every string (a control byte is refused; any
 * non-ASCII character is escaped as \xNN exactly like live data). The first
 * problem found is reported with its place in the document, e.g.
 * "panes[0].view.main.rows[3].cells[1].text: control character". Members
 * this version does not know are ignored (a change older readers must not
 * misread bumps format_version). */
#include "report_int.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEST 40           /* JSON nesting a real report never exceeds (~21) */

struct ld {
    struct qt_report_store *st;
    char *err;
    size_t errlen;
    int failed;
    qt_buf path;              /* where we are: "panes[0].view.main" */
    size_t nviews, ncells;
};

static void fail(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct ld *l, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    if (l->failed)
        return;
    l->failed = 1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (l->path.len)
        snprintf(l->err, l->errlen, "%s: %s", qt_buf_str(&l->path), msg);
    else
        snprintf(l->err, l->errlen, "%s", msg);
}

/* path segments: push returns the mark to pop back to */
static size_t push(struct ld *l, const char *name)
{
    size_t mark = l->path.len;
    qt_buf_printf(&l->path, "%s%s", l->path.len ? "." : "", name);
    return mark;
}

static size_t push_idx(struct ld *l, size_t i)
{
    size_t mark = l->path.len;
    qt_buf_printf(&l->path, "[%zu]", i);
    return mark;
}

static void pop(struct ld *l, size_t mark)
{
    l->path.len = mark;
    if (l->path.s)
        l->path.s[mark] = '\0';
}

/* --- typed members --- */

enum { OPT = 1, NUL_OK = 2 };

static const char *type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Member key of o, checked to be of type t (JSON_REAL means any number).
 * NULL when absent (an error unless OPT) or null (an error unless NUL_OK). */
static json_t *get(struct ld *l, const json_t *o, const char *key, json_type t, int flags)
{
    json_t *j = json_object_get(o, key);
    size_t m;
    int ok;

    if (l->failed)
        return NULL;
    if (!j) {
        if (!(flags & OPT)) {
            m = push(l, key);
            fail(l, "missing");
            pop(l, m);
        }
        return NULL;
    }
    if (json_is_null(j)) {
        if (!(flags & NUL_OK)) {
            m = push(l, key);
            fail(l, "must not be null");
            pop(l, m);
        }
        return NULL;
    }
    ok = t == JSON_REAL ? json_is_number(j) : t == JSON_TRUE ? json_is_boolean(j) : json_typeof(j) == t;
    if (!ok) {
        static const char *const want[] = {"an object", "an array", "a string", "an integer", "a number",
                                           "a boolean", "a boolean", "null"};
        m = push(l, key);
        fail(l, "is %s, want %s", type_name(j), want[t]);
        pop(l, m);
        return NULL;
    }
    return j;
}

static long long get_int(struct ld *l, const json_t *o, const char *key, long long lo, long long hi, long long dflt,
                         int flags)
{
    json_t *j = get(l, o, key, JSON_INTEGER, flags);
    long long v;
    if (!j)
        return dflt;
    v = json_integer_value(j);
    if (v < lo || v > hi) {
        size_t m = push(l, key);
        fail(l, "%lld is out of range (%lld..%lld)", v, lo, hi);
        pop(l, m);
        return dflt;
    }
    return v;
}

static double get_num(struct ld *l, const json_t *o, const char *key, double lo, double hi, double dflt, int flags)
{
    json_t *j = get(l, o, key, JSON_REAL, flags);
    double v;
    if (!j)
        return dflt;
    v = json_number_value(j);
    if (!(v >= lo && v <= hi)) {
        size_t m = push(l, key);
        fail(l, "%g is out of range (%g..%g)", v, lo, hi);
        pop(l, m);
        return dflt;
    }
    return v;
}

static int get_bool(struct ld *l, const json_t *o, const char *key, int flags)
{
    json_t *j = get(l, o, key, JSON_TRUE, flags);
    return j ? json_is_true(j) : 0;
}

enum { TXT_LINE = 0, TXT_MULTI = 4 };

/* A display string: at most max bytes, no control byte (but '\n' with
 * TXT_MULTI), non-ASCII escaped as \xNN. Returns a malloc'd copy; NULL when
 * absent/null (allowed by flags) or on error. */
static char *get_text(struct ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    json_t *j = get(l, o, key, JSON_STRING, flags);
    const char *s;
    size_t len, m;
    qt_buf b = {0};

    if (!j)
        return NULL;
    s = json_string_value(j);
    len = json_string_length(j);
    m = push(l, key);
    if (len > max) {
        fail(l, "string of %zu bytes is longer than %zu", len, max);
        pop(l, m);
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(c == '\n' && (flags & TXT_MULTI))) || c == 0x7f) {
            fail(l, "control character 0x%02x at byte %zu (corrupt or hostile report)", c, i);
            qt_buf_free(&b);
            pop(l, m);
            return NULL;
        }
        if (c >= 0x80)
            qt_buf_put_safe(&b, (const char *)&s[i], 1);
        else
            qt_buf_putc(&b, (char)c);
    }
    pop(l, m);
    return qt_buf_steal(&b);
}

/* A name (views, metrics, services, collectors): display text, 1..max bytes. */
static char *get_name(struct ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    char *s = get_text(l, o, key, max, flags);
    if (s && !*s) {
        size_t m = push(l, key);
        fail(l, "empty name");
        pop(l, m);
        free(s);
        return NULL;
    }
    return s;
}

/* An opaque key: "<name>" (any UTF-8 without NUL) or "<name>_hex". *present
 * says whether it was given non-null. */
static char *get_key(struct ld *l, const json_t *o, const char *name, int *present)
{
    char hname[32];
    json_t *t = json_object_get(o, name), *h;
    size_t m;

    snprintf(hname, sizeof hname, "%s_hex", name);
    h = json_object_get(o, hname);
    *present = 0;
    if (t && h) {
        fail(l, "both %s and %s given", name, hname);
        return NULL;
    }
    if (h) {
        const char *s;
        size_t len;
        char *out;
        if (!(h = get(l, o, hname, JSON_STRING, 0)))
            return NULL;
        s = json_string_value(h);
        len = json_string_length(h);
        m = push(l, hname);
        if (len % 2 || len > 2 * QT_REPORT_MAX_TEXT) {
            fail(l, "bad hex length %zu", len);
            pop(l, m);
            return NULL;
        }
        out = qt_malloc(len / 2 + 1);
        for (size_t i = 0; i < len / 2; i++) {
            int v = 0;
            for (int k = 0; k < 2; k++) {
                char c = s[2 * i + (size_t)k];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0) {
                    fail(l, "not lower-case hex");
                    free(out);
                    pop(l, m);
                    return NULL;
                }
                v = v * 16 + d;
            }
            if (v == 0) {
                fail(l, "NUL byte in key");
                free(out);
                pop(l, m);
                return NULL;
            }
            out[i] = (char)v;
        }
        out[len / 2] = '\0';
        pop(l, m);
        *present = 1;
        return out;
    }
    if (!t || json_is_null(t))
        return NULL;
    if (!(t = get(l, o, name, JSON_STRING, 0)))
        return NULL;
    if (json_string_length(t) > QT_REPORT_MAX_TEXT) {
        m = push(l, name);
        fail(l, "longer than %d bytes", QT_REPORT_MAX_TEXT);
        pop(l, m);
        return NULL;
    }
    *present = 1;
    return qt_strdup(json_string_value(t)); /* jansson refuses NUL unless asked */
}

static int get_role(struct ld *l, const json_t *o, const char *key, int flags)
{
    json_t *j = get(l, o, key, JSON_STRING, flags);
    int r;
    if (!j)
        return QT_ROLE_NORMAL;
    r = qt_report_role_parse(json_string_value(j));
    if (r < 0) {
        size_t m = push(l, key);
        fail(l, "unknown role");
        pop(l, m);
        return QT_ROLE_NORMAL;
    }
    return r;
}

/* Array member with at most max elements; NULL (and maybe an error) else. */
static json_t *get_array(struct ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    json_t *a = get(l, o, key, JSON_ARRAY, flags);
    if (a && json_array_size(a) > max) {
        size_t m = push(l, key);
        fail(l, "%zu elements, at most %zu allowed", json_array_size(a), max);
        pop(l, m);
        return NULL;
    }
    return a;
}

/* Element i of a must be an object. */
static json_t *elem_obj(struct ld *l, const json_t *a, size_t i)
{
    json_t *e = json_array_get(a, i);
    if (!json_is_object(e)) {
        size_t m = push_idx(l, i);
        fail(l, "is %s, want an object", type_name(e));
        pop(l, m);
        return NULL;
    }
    return e;
}

/* --- tables and views --- */

static int load_view(struct ld *l, const json_t *o, int depth, const char *want_name, const char *want_key,
                     int want_top);

static void load_table(struct ld *l, const json_t *o, qt_table *t, char ***drill_name, int depth)
{
    json_t *cols, *rows;
    char *s;
    size_t m;

    qt_table_init(t, "");
    s = get_text(l, o, "title", sizeof t->title - 1, 0);
    if (s)
        memcpy(t->title, s, strlen(s) + 1);
    free(s);
    cols = get_array(l, o, "columns", QT_TABLE_MAXCOLS, 0);
    m = push(l, "columns");
    for (size_t i = 0; cols && i < json_array_size(cols) && !l->failed; i++) {
        json_t *c = elem_obj(l, cols, i);
        size_t m2 = push_idx(l, i);
        unsigned flags = 0;
        json_t *al;
        if (!c)
            break;
        s = get_text(l, c, "title", sizeof t->cols[0].title - 1, 0);
        al = get(l, c, "align", JSON_STRING, 0);
        if (al && strcmp(json_string_value(al), "right") == 0)
            flags |= QT_COL_RIGHT;
        else if (al && strcmp(json_string_value(al), "left") != 0)
            fail(l, "align must be \"left\" or \"right\"");
        if (get_bool(l, c, "numeric", 0))
            flags |= QT_COL_NUM;
        if (get_bool(l, c, "flex", 0))
            flags |= QT_COL_FLEX;
        if (!l->failed)
            qt_table_col(t, s, (int)get_int(l, c, "width", 0, 1000, 0, 0), flags);
        free(s);
        pop(l, m2);
    }
    pop(l, m);
    t->sort_col = (int)get_int(l, o, "sort_col", -1, t->ncols - 1, -1, 0);
    t->sort_desc = get_bool(l, o, "sort_desc", 0);
    t->note = get_text(l, o, "note", QT_REPORT_MAX_TEXT, NUL_OK);
    t->note_role = (unsigned char)get_role(l, o, "note_role", 0);
    rows = get_array(l, o, "rows", QT_REPORT_MAX_ROWS, 0);
    if (rows && (json_int_t)get_int(l, o, "rows_total", 0, 1000000000, 0, 0) < (json_int_t)json_array_size(rows))
        fail(l, "rows_total is less than the rows given");
    if (l->failed || !rows)
        return;
    l->ncells += json_array_size(rows) * (size_t)t->ncols;
    if (l->ncells > 2 * (size_t)QT_REPORT_MAX_CELLS) {
        fail(l, "more than %d cells in the report", 2 * QT_REPORT_MAX_CELLS);
        return;
    }
    if (drill_name)
        *drill_name = qt_calloc(json_array_size(rows) ? json_array_size(rows) : 1, sizeof **drill_name);
    m = push(l, "rows");
    for (size_t i = 0; i < json_array_size(rows) && !l->failed; i++) {
        json_t *r = elem_obj(l, rows, i), *cells, *dv;
        size_t m2 = push_idx(l, i);
        struct qt_row *row;
        char *id;
        int present;

        if (!r)
            break;
        id = get_key(l, r, "id", &present);
        if (!present && !l->failed)
            fail(l, "row without id");
        if (l->failed) {
            free(id);
            pop(l, m2);
            break;
        }
        row = qt_rtable_row_raw(t, id);
        free(id);
        row->role = (unsigned char)get_role(l, r, "role", OPT);
        cells = get_array(l, r, "cells", QT_TABLE_MAXCOLS, 0);
        if (cells && json_array_size(cells) != (size_t)t->ncols)
            fail(l, "%zu cells for %d columns", json_array_size(cells), t->ncols);
        for (size_t c = 0; cells && c < json_array_size(cells) && !l->failed; c++) {
            json_t *jc = elem_obj(l, cells, c);
            size_t m3 = push(l, "cells");
            size_t m4 = push_idx(l, c);
            if (jc) {
                json_t *num;
                row->cells[c].text = get_text(l, jc, "text", QT_REPORT_MAX_TEXT, 0);
                num = get(l, jc, "num", JSON_REAL, OPT | NUL_OK);
                row->cells[c].num = num ? json_number_value(num) : json_object_get(jc, "num") ? NAN : 0;
                row->cells[c].role = (unsigned char)get_role(l, jc, "role", OPT);
            }
            pop(l, m4);
            pop(l, m3);
        }
        for (int c = 0; c < t->ncols; c++)
            if (!row->cells[c].text)
                row->cells[c].text = qt_strdup("");
        if (drill_name && !l->failed)
            (*drill_name)[i] = get_name(l, r, "drill_view", 128, OPT);
        dv = get(l, r, "drill", JSON_OBJECT, OPT | NUL_OK);
        if (dv && !l->failed) {
            size_t m3 = push(l, "drill");
            if (!drill_name || !(*drill_name)[i])
                fail(l, "a drill-down without drill_view");
            else if (depth >= QT_REPORT_MAX_DEPTH)
                fail(l, "drill-downs nested deeper than %d levels", QT_REPORT_MAX_DEPTH);
            else
                load_view(l, dv, depth + 1, (*drill_name)[i], row->id, 0);
            pop(l, m3);
        }
        pop(l, m2);
    }
    pop(l, m);
}

/* A view object at depth; its name and key must match what led to it. */
static int load_view(struct ld *l, const json_t *o, int depth, const char *want_name, const char *want_key,
                     int want_top)
{
    struct qt_rstore_view *v;
    json_t *head, *main;
    int present;
    size_t m;

    if (++l->nviews > QT_REPORT_MAX_VIEWS) {
        fail(l, "more than %d saved views", QT_REPORT_MAX_VIEWS);
        return -1;
    }
    v = qt_calloc(1, sizeof *v);
    qt_table_init(&v->head, "");
    qt_table_init(&v->main, "");
    v->name = get_name(l, o, "name", 128, 0);
    v->key = get_key(l, o, "key", &present);
    if (!l->failed && want_top && present)
        fail(l, "a pane's top view has a key");
    if (!l->failed && !want_top && (!present || !want_key || strcmp(v->key, want_key) != 0))
        fail(l, "drill-down key differs from the row id it was opened on");
    if (!l->failed && want_name && strcmp(v->name, want_name) != 0)
        fail(l, "view name '%s' differs from drill_view '%s'", v->name, want_name);
    if (!l->failed && get_int(l, o, "depth", 0, QT_REPORT_MAX_DEPTH, 0, 0) != depth && !l->failed)
        fail(l, "depth does not match the nesting (%d)", depth);
    get_bool(l, o, "drills_cut", OPT);
    head = get(l, o, "head", JSON_OBJECT, NUL_OK);
    if (head && !l->failed) {
        m = push(l, "head");
        load_table(l, head, &v->head, NULL, depth);
        pop(l, m);
    }
    main = get(l, o, "main", JSON_OBJECT, 0);
    if (main && !l->failed) {
        m = push(l, "main");
        load_table(l, main, &v->main, &v->drill_name, depth);
        pop(l, m);
    }
    if (!v->drill_name)
        v->drill_name = qt_calloc(1, sizeof *v->drill_name);
    if (!l->failed && qt_rstore_add(l->st, v) != 0)
        fail(l, "view '%s' is saved twice for the same key", v->name);
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

static void load_options(struct ld *l, const json_t *o)
{
    qt_ctx *c = &l->st->ctx;
    json_t *sv;
    char *s;

    if ((s = get_text(l, o, "root", 4096, 0)))
        c->root = qt_rstore_keep(l->st, s);
    if ((s = get_text(l, o, "proc", 4096, 0)))
        c->proc = qt_rstore_keep(l->st, s);
    sv = get_array(l, o, "services", QT_MAX_SERVICES, 0);
    if (sv)
        c->nservices = 0;
    for (size_t i = 0; sv && i < json_array_size(sv) && !l->failed; i++) {
        json_t *e = elem_obj(l, sv, i);
        size_t m = push(l, "services"), m2 = push_idx(l, i);
        if (e) {
            char *name = get_text(l, e, "name", sizeof c->services[0].name - 1, 0);
            unsigned port = (unsigned)get_int(l, e, "port", 1, 65535, 1, 0);
            if (name) {
                memcpy(c->services[c->nservices].name, name, strlen(name) + 1);
                c->services[c->nservices++].port = port;
            }
            free(name);
        }
        pop(l, m2);
        pop(l, m);
    }
    c->limit = (unsigned)get_int(l, o, "limit", 0, 1000000, 0, 0);
    if ((s = get_text(l, o, "dns_server", 256, NUL_OK)))
        c->dns_server = qt_rstore_keep(l->st, s);
    if ((s = get_text(l, o, "public_ip", 256, NUL_OK)))
        c->public_ip = qt_rstore_keep(l->st, s);
    c->read_only = get_bool(l, o, "read_only", 0);
}

static void load_collectors(struct ld *l, const json_t *a)
{
    int seen[QT_SRC_COUNT] = {0};
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = elem_obj(l, a, i), *st;
        size_t m = push_idx(l, i);
        char *name, *err;
        int id;
        enum qt_src_state state = QT_SRC_NONE;

        if (!e)
            break;
        name = get_name(l, e, "name", 31, 0);
        st = get(l, e, "state", JSON_STRING, 0);
        if (st) {
            const char *v = json_string_value(st);
            if (strcmp(v, "ok") == 0)
                state = QT_SRC_OK;
            else if (strcmp(v, "failed") == 0)
                state = QT_SRC_FAILED;
            else if (strcmp(v, "none") != 0)
                fail(l, "state must be ok, failed or none");
        }
        get_bool(l, e, "stale", OPT);
        err = get_text(l, e, "error", 255, 0);
        if (name && !l->failed && (id = qt_report_src_parse(name)) >= 0) {
            struct qt_src_status *s = &l->st->snap.src[id];
            if (seen[id]++)
                fail(l, "collector %s listed twice", name);
            s->state = state;
            snprintf(s->err, sizeof s->err, "%s", err ? err : "");
            s->took = get_num(l, e, "took_seconds", 0, 1e6, 0, 0);
        }
        free(name);
        free(err);
        pop(l, m);
    }
}

static void load_findings(struct ld *l, const json_t *a)
{
    qt_findings *fs = &l->st->snap.findings;
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = elem_obj(l, a, i), *sev;
        size_t m = push_idx(l, i);
        qt_finding *f;
        int s = -1;

        if (!e)
            break;
        sev = get(l, e, "severity", JSON_STRING, 0);
        if (sev && (s = qt_sev_parse(json_string_value(sev))) < 0) {
            size_t m2 = push(l, "severity");
            fail(l, "unknown severity");
            pop(l, m2);
        }
        qt_grow(&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
        f = &fs->v[fs->n++];
        memset(f, 0, sizeof *f);
        f->sev = s < 0 ? QT_SEV_OK : (enum qt_sev)s;
        f->source = get_text(l, e, "source", QT_REPORT_MAX_TEXT, 0);
        f->id = get_text(l, e, "id", QT_REPORT_MAX_TEXT, 0);
        f->subject = get_text(l, e, "subject", QT_REPORT_MAX_TEXT, 0);
        f->title = get_text(l, e, "title", QT_REPORT_MAX_TEXT, 0);
        f->evidence = get_text(l, e, "evidence", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        f->explain = get_text(l, e, "explain", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        f->fix = get_text(l, e, "fix", QT_REPORT_MAX_LONGTEXT, TXT_MULTI);
        /* the list owns and frees every field: never leave one NULL */
        char **fields[] = {&f->source, &f->id, &f->subject, &f->title, &f->evidence, &f->explain, &f->fix};
        for (size_t k = 0; k < QT_ARRAY_LEN(fields); k++)
            if (!*fields[k])
                *fields[k] = qt_strdup("");
        pop(l, m);
    }
    qt_findings_sort(fs);
}

static void load_metrics(struct ld *l, const json_t *a)
{
    qt_metrics *ms = &l->st->snap.metrics;
    for (size_t i = 0; i < json_array_size(a) && !l->failed; i++) {
        json_t *e = elem_obj(l, a, i), *v, *mx;
        size_t m = push_idx(l, i);
        char *name, *service, *help;
        unsigned port;

        if (!e)
            break;
        name = get_name(l, e, "name", 47, 0);
        service = get_text(l, e, "service", 31, 0);
        port = (unsigned)get_int(l, e, "port", 0, 65535, 0, 0);
        v = get(l, e, "value", JSON_REAL, NUL_OK);
        mx = get(l, e, "max", JSON_REAL, NUL_OK);
        help = get_text(l, e, "help", 1024, 0);
        if (!l->failed) {
            qt_metrics_add(ms, name, service, port, v ? json_number_value(v) : NAN, mx ? json_number_value(mx) : -1,
                           qt_rstore_keep(l->st, help));
            help = NULL;
        }
        free(name);
        free(service);
        free(help);
        pop(l, m);
    }
}

static void load_panes(struct ld *l, const json_t *a)
{
    struct qt_report_store *st = l->st;
    size_t n = json_array_size(a);

    st->panes = qt_calloc(n ? n : 1, sizeof *st->panes);
    st->pane_list = qt_calloc(n ? n : 1, sizeof *st->pane_list);
    st->states = qt_calloc(n ? n : 1, sizeof *st->states);
    for (size_t i = 0; i < n && !l->failed; i++) {
        json_t *e = elem_obj(l, a, i), *state, *view;
        size_t m = push_idx(l, i);
        qt_pane_def *p = &st->panes[st->npanes];
        char *name;

        if (!e)
            break;
        name = get_text(l, e, "name", 127, 0);
        if (!name) {
            pop(l, m);
            break;
        }
        p->name = qt_rstore_keep(st, name);
        for (size_t k = 0; k < st->npanes; k++)
            if (strcmp(st->panes[k].name, name) == 0)
                fail(l, "pane '%s' saved twice", name);
        for (size_t k = 0; k < qt_npanes; k++)
            if (strcmp(qt_panes[k]->name, name) == 0)
                p->legend = qt_panes[k]->legend;
        state = get(l, e, "state", JSON_OBJECT, NUL_OK);
        view = get(l, e, "view", JSON_OBJECT, 0);
        if (state && !l->failed) {
            size_t m2 = push(l, "state");
            char *f = get_text(l, state, "filter", QT_REPORT_MAX_TEXT, 0);
            st->states[st->npanes].pane = p->name;
            st->states[st->npanes].filter = f ? qt_rstore_keep(st, f) : "";
            st->states[st->npanes].sort_col = (int)get_int(l, state, "sort_col", -1, QT_TABLE_MAXCOLS - 1, -1, 0);
            st->states[st->npanes].sort_desc = get_bool(l, state, "sort_desc", 0);
            pop(l, m2);
        }
        if (view && !l->failed) {
            size_t m2 = push(l, "view");
            if (load_view(l, view, 0, NULL, NULL, 1) == 0)
                p->top = qt_rstore_synth(st, st->views[st->nviews - 1]->name);
            pop(l, m2);
        }
        if (!l->failed) {
            st->pane_list[st->npanes] = p;
            st->npanes++;
        }
        pop(l, m);
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
    struct ld l = {.err = err, .errlen = errlen};
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
        snprintf(err, errlen, "not a qtriage report (the JSON is %s, not an object)", type_name(root));
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
    l.st->writer = qt_rstore_keep(l.st, get_text(&l, root, "qtriage_version", 64, 0));
    if ((s = get_text(&l, root, "host", 255, 0))) {
        memcpy(l.st->snap.host, s, strlen(s) + 1);
        free(s);
    }
    if ((j = get(&l, root, "kernel", JSON_OBJECT, 0))) {
        size_t m = push(&l, "kernel");
        char *k[4];
        const char *names[4] = {"sysname", "release", "version", "machine"};
        for (int i = 0; i < 4; i++)
            k[i] = get_text(&l, j, names[i], 64, 0);
        l.st->kernel = qt_rstore_keep(&l.st[0], qt_asprintf("%s %s %s", k[0] ? k[0] : "", k[1] ? k[1] : "",
                                                            k[3] ? k[3] : ""));
        for (int i = 0; i < 4; i++)
            free(k[i]);
        pop(&l, m);
    }
    if ((j = get(&l, root, "snapshot", JSON_OBJECT, 0))) {
        size_t m = push(&l, "snapshot");
        l.st->snap.seq = (unsigned long)get_int(&l, j, "seq", 0, 1LL << 53, 0, 0);
        l.st->snap.wall = get_num(&l, j, "time", 0, 32503680000.0, 0, 0);
        l.st->snap.took = get_num(&l, j, "took_seconds", 0, 1e6, 0, 0);
        l.st->frozen = get_bool(&l, j, "frozen", 0);
        pop(&l, m);
    }
    if ((j = get(&l, root, "exported", JSON_OBJECT, 0))) {
        size_t m = push(&l, "exported");
        l.st->exported = get_num(&l, j, "time", 0, 32503680000.0, 0, 0);
        pop(&l, m);
    }
    if ((j = get(&l, root, "options", JSON_OBJECT, 0))) {
        size_t m = push(&l, "options");
        load_options(&l, j);
        pop(&l, m);
    }
    if ((j = get_array(&l, root, "collectors", 64, 0))) {
        size_t m = push(&l, "collectors");
        load_collectors(&l, j);
        pop(&l, m);
    }
    if ((j = get_array(&l, root, "findings", QT_REPORT_MAX_FINDINGS, 0))) {
        size_t m = push(&l, "findings");
        load_findings(&l, j);
        pop(&l, m);
    }
    if ((j = get_array(&l, root, "metrics", QT_REPORT_MAX_METRICS, 0))) {
        size_t m = push(&l, "metrics");
        load_metrics(&l, j);
        pop(&l, m);
    }
    if ((j = get_array(&l, root, "panes", QT_REPORT_MAX_PANES, 0))) {
        size_t m = push(&l, "panes");
        load_panes(&l, j);
        pop(&l, m);
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
    long n = qt_read_file(path, (size_t)QT_REPORT_MAX_BYTES + 1, &data);
    struct qt_report_store *st;

    if (n < 0) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        return NULL;
    }
    st = qt_report_load_buf(data, (size_t)n, err, errlen);
    free(data);
    return st;
}

/* report_doc.c - walk every pane into a report document.
 *
 * Generic over panes: each pane's top view and, level by level (breadth
 * first, so one busy pane cannot starve the others of the budget), the views
 * its rows drill into, all through qt_view_fill()/qt_view_drill(). A (view,
 * key) pair is saved once; the bounds of report.h are applied and recorded. */
#include "report/report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *const role_names[QT_ROLE_COUNT] = {"normal", "dim", "ok", "info", "warn", "crit", "hilite"};

const char *qt_report_role_name(unsigned role)
{
    return role < QT_ROLE_COUNT ? role_names[role] : "normal";
}

int qt_report_role_parse(const char *s)
{
    for (int i = 0; i < QT_ROLE_COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

/* The names come from the collector registry (diag/collectors.c), which has
 * one collector per enum qt_src_id: no list of names here. */
const char *qt_report_src_name(int id)
{
    if (id < 0 || id >= QT_SRC_COUNT)
        return "unknown";
    return qt_src_name((enum qt_src_id)id);
}

int qt_report_src_parse(const char *name)
{
    return qt_src_parse(name);
}

/* --- redaction and bounds on the strings of one table --- */

static void clean(char **s, size_t max)
{
    char *r;
    if (!*s)
        return;
    r = qt_report_redact(*s, NULL);
    free(*s);
    *s = r;
    qt_rtext_clamp(s, max);
}

static void clean_table(qt_table *t)
{
    char *title = qt_report_redact(t->title, NULL);
    snprintf(t->title, sizeof t->title, "%s", title);
    free(title);
    clean(&t->note, QT_REPORT_MAX_TEXT);
    for (size_t r = 0; r < t->nrows; r++) {
        clean(&t->rows[r].id, QT_REPORT_MAX_TEXT);
        for (int c = 0; c < t->ncols; c++) {
            if (!t->rows[r].cells[c].text)
                t->rows[r].cells[c].text = qt_strdup("");
            clean(&t->rows[r].cells[c].text, QT_REPORT_MAX_TEXT);
        }
    }
}

/* JSON bytes a row will take, roughly (escapes counted, compact output). */
static size_t row_bytes(const qt_table *t, size_t r)
{
    size_t b = 40 + strlen(t->rows[r].id) * 2;
    for (int c = 0; c < t->ncols; c++) {
        const char *s = t->rows[r].cells[c].text;
        b += 32;
        for (; s && *s; s++)
            b += (*s == '"' || *s == '\\') ? 2 : 1;
    }
    return b;
}

/* --- building --- */

/* A saved view still to expand, with the view object that built it. */
struct pending {
    struct qt_report_view *rv;
    const qt_view *v;
    const struct qt_report_pane *pane;
};

struct walk {
    const struct qt_report_in *in;
    const struct qt_view_store *vstore;  /* the loaded report's, or NULL */
    qt_report_doc *d;
    qt_rmap seen;            /* (view, key) already saved */
    qt_buf k;
    struct pending *next;    /* the level being built */
    size_t nnext, capnext;
};

static int over_budget(const qt_report_doc *d)
{
    return d->nviews >= QT_REPORT_MAX_VIEWS || d->ncells >= QT_REPORT_MAX_CELLS ||
           d->bytes >= QT_REPORT_BUDGET_BYTES;
}

static struct qt_view_in view_in(const struct walk *w, const char *key)
{
    struct qt_view_in vin = {
        .ctx = w->in->ctx, .snap = w->in->snap, .hist = w->in->hist, .key = key, .store = w->vstore,
    };
    return vin;
}

static struct qt_report_view *build_view(struct walk *w, const qt_view *v, const char *key, int depth)
{
    struct qt_report_view *rv = qt_calloc(1, sizeof *rv);
    struct qt_view_in vin = view_in(w, key);
    size_t keep = 0;

    rv->name = qt_strdup(v->name);
    rv->key = qt_strdup(key);
    rv->depth = depth;
    qt_table_init(&rv->head, "");
    qt_table_init(&rv->main, v->name);
    qt_view_fill(v, &vin, &rv->head, &rv->main);
    clean_table(&rv->head);
    clean_table(&rv->main);
    rv->rows_total = rv->main.nrows;

    /* rows kept: up to the per-table bound and the document budget (a view
     * keeps at least its first row, and top views are built first) */
    while (keep < rv->main.nrows && keep < QT_REPORT_MAX_ROWS) {
        size_t b = row_bytes(&rv->main, keep);
        if (keep > 0 && (w->d->bytes + b >= QT_REPORT_BUDGET_BYTES ||
                         w->d->ncells + (size_t)rv->main.ncols >= QT_REPORT_MAX_CELLS))
            break;
        w->d->bytes += b;
        w->d->ncells += (size_t)rv->main.ncols;
        keep++;
    }
    qt_rtable_cut(&rv->main, keep);
    for (size_t r = 0; r < rv->head.nrows; r++)
        w->d->bytes += row_bytes(&rv->head, r);
    w->d->ncells += rv->head.nrows * (size_t)rv->head.ncols;
    w->d->nviews++;
    rv->drill_name = qt_calloc(rv->main.nrows ? rv->main.nrows : 1, sizeof *rv->drill_name);
    rv->drill = qt_calloc(rv->main.nrows ? rv->main.nrows : 1, sizeof *rv->drill);
    qt_rmap_viewkey(&w->k, rv->name, rv->key);
    qt_rmap_put(&w->seen, w->k.s, w->k.len, rv);
    return rv;
}

/* Rows of rv in the order the admin sees them: the pane's active sort (or the
 * builder's default), rows matching an active filter first. */
static size_t *row_order(const struct qt_report_view *rv, const struct qt_report_pane *p)
{
    const qt_table *t = &rv->main;
    size_t *idx = qt_calloc(t->nrows ? t->nrows : 1, sizeof *idx);
    int sc = t->sort_col, sd = t->sort_desc;
    int active = p && p->has_state && rv->depth == 0;
    size_t n;

    if (active) {
        sc = p->sort_col;
        sd = p->sort_desc;
    }
    n = qt_table_visible(t, NULL, sc, sd, idx);
    if (active && *p->filter) {
        size_t *tmp = qt_calloc(n ? n : 1, sizeof *tmp), m = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < n; i++)
                if (qt_table_row_matches(t, idx[i], p->filter) == !pass)
                    tmp[m++] = idx[i];
        free(idx);
        idx = tmp;
    }
    return idx;
}

/* Record every row's drill target; save (and queue) the ones the bounds allow. */
static void expand(struct walk *w, const struct pending *pv)
{
    struct qt_report_view *rv = pv->rv;
    struct qt_view_in vin = view_in(w, rv->key);
    size_t *idx = row_order(rv, pv->pane), saved = 0;

    for (size_t i = 0; i < rv->main.nrows; i++) {
        size_t r = idx[i];
        const char *id = rv->main.rows[r].id;
        const qt_view *dv = qt_view_drill(pv->v, &vin, id);
        if (!dv)
            continue;
        rv->drill_name[r] = qt_strdup(dv->name);
        qt_rmap_viewkey(&w->k, dv->name, id);
        if (qt_rmap_get(&w->seen, w->k.s, w->k.len))
            continue; /* saved elsewhere in the document */
        if (rv->depth >= QT_REPORT_MAX_DEPTH || saved >= QT_REPORT_MAX_DRILLS || over_budget(w->d)) {
            rv->drills_cut = 1;
            continue;
        }
        rv->drill[r] = build_view(w, dv, id, rv->depth + 1);
        saved++;
        qt_grow(&w->next, &w->capnext, w->nnext + 1, sizeof *w->next);
        w->next[w->nnext++] = (struct pending){rv->drill[r], dv, pv->pane};
    }
    free(idx);
}

static void walk_panes(struct walk *w, const qt_pane_def *const *panes, size_t npanes)
{
    qt_report_doc *d = w->d;

    d->panes = qt_calloc(npanes ? npanes : 1, sizeof *d->panes);
    for (size_t i = 0; i < npanes && i < QT_REPORT_MAX_PANES; i++) {
        struct qt_report_pane *p = &d->panes[d->npanes++];
        p->name = qt_strdup(panes[i]->name);
        p->filter = qt_strdup("");
        p->sort_col = -1;
        for (size_t s = 0; s < w->in->nviews; s++) {
            const struct qt_report_view_state *vs = &w->in->views[s];
            if (vs->pane && strcmp(vs->pane, p->name) == 0) {
                char *f = qt_report_redact(vs->filter ? vs->filter : "", NULL);
                free(p->filter);
                p->filter = qt_safe_strdup(f, strlen(f));
                free(f);
                qt_rtext_clamp(&p->filter, QT_REPORT_MAX_TEXT);
                p->has_state = 1;
                p->sort_col = vs->sort_col;
                p->sort_desc = vs->sort_desc ? 1 : 0;
            }
        }
        p->top = build_view(w, panes[i]->top, NULL, 0);
        if (p->sort_col < -1 || p->sort_col >= p->top->main.ncols)
            p->sort_col = -1;
        qt_grow(&w->next, &w->capnext, w->nnext + 1, sizeof *w->next);
        w->next[w->nnext++] = (struct pending){p->top, panes[i]->top, p};
    }
    /* level by level: expanding one level queues the next */
    while (w->nnext) {
        struct pending *level = w->next;
        size_t n = w->nnext;
        w->next = NULL;
        w->nnext = w->capnext = 0;
        for (size_t i = 0; i < n; i++)
            expand(w, &level[i]);
        free(level);
    }
}

qt_report_doc *qt_report_doc_build(const struct qt_report_in *in)
{
    qt_report_doc *d = qt_calloc(1, sizeof *d);
    struct walk w = {.in = in, .d = d, .vstore = in->store ? qt_report_store_views(in->store) : NULL};
    const qt_pane_def *const *panes = qt_panes;
    size_t npanes = qt_npanes;
    struct utsname u;

    d->ctx = in->ctx;
    d->snap = in->snap;
    d->store = in->store;
    d->frozen = in->frozen;
    d->exported = qt_ctx_now(in->ctx);
    if (uname(&u) == 0) {
        snprintf(d->kernel_sysname, sizeof d->kernel_sysname, "%s", u.sysname);
        snprintf(d->kernel_release, sizeof d->kernel_release, "%s", u.release);
        snprintf(d->kernel_version, sizeof d->kernel_version, "%s", u.version);
        snprintf(d->kernel_machine, sizeof d->kernel_machine, "%s", u.machine);
    }
    for (int i = 0; i < QT_SRC_COUNT; i++) {
        const struct qt_src_status *st = &in->snap->src[i];
        struct qt_report_src *rs;
        rs = &d->src[d->nsrc++];
        snprintf(rs->name, sizeof rs->name, "%s", qt_report_src_name(i));
        rs->state = st->state;
        snprintf(rs->err, sizeof rs->err, "%s", st->err);
        rs->took = st->took;
    }
    for (size_t i = 0; i < in->snap->findings.n && i < QT_REPORT_MAX_FINDINGS; i++) {
        const qt_finding *f = &in->snap->findings.v[i];
        qt_finding *c;
        qt_grow(&d->findings.v, &d->findings.cap, d->findings.n + 1, sizeof *d->findings.v);
        c = &d->findings.v[d->findings.n++];
        c->sev = f->sev;
        c->source = qt_strdup(f->source);
        c->id = qt_strdup(f->id);
        c->subject = qt_strdup(f->subject);
        c->title = qt_strdup(f->title);
        c->evidence = qt_strdup(f->evidence);
        c->explain = qt_strdup(f->explain);
        c->fix = qt_strdup(f->fix);
        c->inc_kind = qt_strdup(f->inc_kind);
        c->inc_service = qt_strdup(f->inc_service);
        c->inc_impact = qt_strdup(f->inc_impact);
        c->unwatched = f->unwatched;
        clean(&c->source, QT_REPORT_MAX_TEXT);
        clean(&c->id, QT_REPORT_MAX_TEXT);
        clean(&c->subject, QT_REPORT_MAX_TEXT);
        clean(&c->title, QT_REPORT_MAX_TEXT);
        clean(&c->evidence, QT_REPORT_MAX_LONGTEXT);
        clean(&c->explain, QT_REPORT_MAX_LONGTEXT);
        clean(&c->fix, QT_REPORT_MAX_LONGTEXT);
    }
    qt_findings_sort(&d->findings);
    qt_incidents_copy(&d->incidents, &in->snap->incidents);
    for (size_t i = 0; i < d->incidents.n; i++) {
        qt_incident *c = &d->incidents.v[i];
        char **line[] = {&c->id, &c->kind, &c->service, &c->impact, &c->fix};
        for (size_t k = 0; k < QT_ARRAY_LEN(line); k++)
            clean(line[k], QT_REPORT_MAX_TEXT);
        clean(&c->evidence, QT_REPORT_MAX_LONGTEXT);
        for (size_t k = 0; k < c->nids; k++)
            clean(&c->finding_ids[k], QT_REPORT_MAX_TEXT);
    }
    if (in->panes) {
        panes = in->panes;
        npanes = in->npanes;
    } else if (in->store) {
        panes = qt_report_store_panes(in->store, &npanes);
    }
    walk_panes(&w, panes, npanes);
    qt_rmap_free(&w.seen);
    qt_buf_free(&w.k);
    free(w.next);
    return d;
}

static void view_free(struct qt_report_view *v)
{
    if (!v)
        return;
    for (size_t r = 0; r < v->main.nrows; r++) {
        free(v->drill_name[r]);
        view_free(v->drill[r]);
    }
    free(v->drill_name);
    free(v->drill);
    qt_table_free(&v->head);
    qt_table_free(&v->main);
    free(v->name);
    free(v->key);
    free(v);
}

void qt_report_doc_free(qt_report_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->npanes; i++) {
        view_free(d->panes[i].top);
        free(d->panes[i].name);
        free(d->panes[i].filter);
    }
    free(d->panes);
    qt_findings_free(&d->findings);
    qt_incidents_free(&d->incidents);
    free(d);
}

/* report_store.c - a loaded report answering the panes: saved tables keyed
 * by (view name, key), and stand-in views for the names it drills into. */
#include "report/report_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct qt_rstore_view *lookup(const struct qt_report_store *st, const char *view, const char *key)
{
    qt_buf k = {0};
    const struct qt_rstore_view *v;
    qt_rmap_viewkey(&k, view, key);
    v = qt_rmap_get(&st->bykey, k.s, k.len);
    qt_buf_free(&k);
    return v;
}

static void store_fill(const struct qt_view_store *vs, const char *view, const char *key, qt_table *head,
                       qt_table *main)
{
    const struct qt_report_store *st = (const struct qt_report_store *)vs;
    const struct qt_rstore_view *v = lookup(st, view, key);

    qt_table_free(main);
    if (!v) {
        qt_table_init(main, view);
        qt_table_note(main, QT_ROLE_DIM, "not saved in this report (the drill-down limits were reached)");
        return;
    }
    qt_rtable_copy(main, &v->main);
    if (v->head.ncols) {
        qt_table_free(head);
        qt_rtable_copy(head, &v->head);
    }
}

static const qt_view *store_drill(const struct qt_view_store *vs, const char *view, const char *key,
                                  const char *row_id)
{
    struct qt_report_store *st = (struct qt_report_store *)vs;
    const struct qt_rstore_view *v = lookup(st, view, key);
    size_t r;

    if (!v || !row_id || (r = qt_table_find(&v->main, row_id)) == (size_t)-1 || !v->drill_name[r])
        return NULL;
    return qt_rstore_synth(st, v->drill_name[r]);
}

/* A stand-in view is only ever filled through qt_view_fill() with the store
 * set; should a caller call build directly, it says where the data is. */
static void synth_build(const struct qt_view_in *in, qt_table *head, qt_table *main)
{
    (void)in;
    (void)head;
    qt_table_init(main, "saved view");
    qt_table_note(main, QT_ROLE_DIM, "saved view: open it through qt_view_fill() with the report store");
}

struct qt_report_store *qt_rstore_new(void)
{
    struct qt_report_store *st = qt_calloc(1, sizeof *st);
    st->base.fill = store_fill;
    st->base.drill = store_drill;
    qt_ctx_defaults(&st->ctx);
    return st;
}

char *qt_rstore_keep(struct qt_report_store *st, char *s)
{
    qt_grow(&st->strings, &st->capstrings, st->nstrings + 1, sizeof *st->strings);
    st->strings[st->nstrings++] = s;
    return s;
}

const qt_view *qt_rstore_synth(struct qt_report_store *st, const char *name)
{
    qt_view *v = qt_rmap_get(&st->synth, name, strlen(name));
    if (v)
        return v;
    v = qt_calloc(1, sizeof *v);
    v->name = qt_rstore_keep(st, qt_strdup(name));
    v->build = synth_build;
    qt_rmap_put(&st->synth, name, strlen(name), v);
    return v;
}

int qt_rstore_add(struct qt_report_store *st, struct qt_rstore_view *v)
{
    qt_buf k = {0};
    qt_rmap_viewkey(&k, v->name, v->key);
    if (qt_rmap_get(&st->bykey, k.s, k.len)) {
        qt_buf_free(&k);
        return -1;
    }
    qt_rmap_put(&st->bykey, k.s, k.len, v);
    qt_buf_free(&k);
    qt_grow(&st->views, &st->capviews, st->nviews + 1, sizeof *st->views);
    st->views[st->nviews++] = v;
    return 0;
}

void qt_report_store_free(struct qt_report_store *st)
{
    if (!st)
        return;
    json_decref(st->logs);
    for (size_t i = 0; i < st->nviews; i++) {
        struct qt_rstore_view *v = st->views[i];
        for (size_t r = 0; r < v->main.nrows; r++)
            free(v->drill_name[r]);
        free(v->drill_name);
        qt_table_free(&v->head);
        qt_table_free(&v->main);
        free(v->name);
        free(v->key);
        free(v);
    }
    free(st->views);
    for (size_t i = 0; i < st->synth.cap; i++)
        if (st->synth.v[i].key)
            free(st->synth.v[i].val);
    qt_rmap_free(&st->synth);
    qt_rmap_free(&st->bykey);
    qt_findings_free(&st->snap.findings);
    qt_incidents_free(&st->snap.incidents);
    qt_metrics_free(&st->snap.metrics);
    free(st->panes);
    free(st->pane_list);
    free(st->states);
    for (size_t i = 0; i < st->nstrings; i++)
        free(st->strings[i]);
    free(st->strings);
    free(st);
}

const struct qt_view_store *qt_report_store_views(const struct qt_report_store *st) { return &st->base; }
const qt_snapshot *qt_report_store_snapshot(const struct qt_report_store *st) { return &st->snap; }
const qt_ctx *qt_report_store_ctx(const struct qt_report_store *st) { return &st->ctx; }
int qt_report_store_frozen(const struct qt_report_store *st) { return st->frozen; }
const char *qt_report_store_writer(const struct qt_report_store *st) { return st->writer ? st->writer : "?"; }
double qt_report_store_exported(const struct qt_report_store *st) { return st->exported; }
const char *qt_report_store_kernel(const struct qt_report_store *st) { return st->kernel ? st->kernel : ""; }

const qt_pane_def *const *qt_report_store_panes(const struct qt_report_store *st, size_t *n)
{
    *n = st->npanes;
    return st->pane_list;
}

const struct qt_report_view_state *qt_report_store_state(const struct qt_report_store *st, const char *pane)
{
    for (size_t i = 0; i < st->npanes; i++)
        if (st->states[i].pane && strcmp(st->states[i].pane, pane) == 0)
            return &st->states[i];
    return NULL;
}

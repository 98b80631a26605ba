/* pane.h - what a pane is: a stack of views, each a table built from the
 * snapshot, plus the keys that view handles. Panes never collect and never
 * touch curses directly: they fill tables and call the ui services below.
 */
#ifndef QT_PANE_H
#define QT_PANE_H

#include "diag/core/ctx.h"
#include "diag/core/snapshot.h"
#include "panes/table.h"

struct qt_ui; /* the shell's services (panes/ui_ops.h) */

struct qt_keyhelp {
    const char *key;    /* "K" */
    const char *what;   /* "kill the selected connection's process (asks first)" */
};

struct qt_view_in;
typedef struct qt_view qt_view;

/* A source of saved tables standing in for the builders: a report loaded
 * with --load (report/report.h implements it). When qt_view_in.store is set,
 * qt_view_fill()/qt_view_drill() answer from it and never call a builder,
 * since a loaded snapshot has no collector models. */
struct qt_view_store {
    /* Fill head/main (both initialised by the caller) with the saved tables of
     * view `view` opened on `key` (NULL at a pane's top). When nothing was
     * saved for it, main gets a note saying so. */
    void (*fill)(const struct qt_view_store *st, const char *view, const char *key,
                 qt_table *head, qt_table *main);
    /* The view a saved row row_id of (view, key) drills into, or NULL for a
     * leaf. The returned view lives as long as the store. */
    const qt_view *(*drill)(const struct qt_view_store *st, const char *view, const char *key,
                            const char *row_id);
};

/* Everything a view builder can read. hist is NULL for a loaded report. */
struct qt_view_in {
    const qt_ctx *ctx;
    const qt_snapshot *snap;
    const qt_history *hist;
    const char *key;      /* id of the row this view was opened from; NULL at a pane's top */
    const struct qt_view_store *store;  /* set for a loaded report, else NULL */
};

struct qt_view {
    const char *name;     /* stable name, e.g. "ports.ips" (used by reports and tests) */
    /* Fill main, and optionally head (a small non-selectable table drawn above
     * main; leave it with no columns to omit it). Both come initialised. */
    void (*build)(const struct qt_view_in *in, qt_table *head, qt_table *main);
    /* View that Enter opens on row_id, or NULL when rows are leaves. */
    const struct qt_view *(*drill)(const struct qt_view_in *in, const char *row_id);
    /* This view's own keys; return 1 if ch was handled. row_id may be NULL. */
    int (*key)(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch);
    const struct qt_keyhelp *keys;   /* help for key(); ends with {NULL, NULL}; may be NULL */
};

typedef struct qt_pane_def {
    const char *name;        /* "Ports" */
    const qt_view *top;
    const char *legend;      /* help text for this pane's glyphs and colours; may be NULL */
    /* A key that works from every pane: the shell focuses this pane and hands
     * the key to its view (Auth: a starts the wizard). 0 = none. */
    int hotkey;
} qt_pane_def;

/* The panes, in screen order (panes/panes.c). Digits 1..n jump to them. */
extern const qt_pane_def *const qt_panes[];
extern const size_t qt_npanes;

/* The only way the shell, batch mode and the report build and drill views:
 * they call these instead of v->build / v->drill, so a loaded report (which
 * has stored tables, not a live snapshot) can answer in place of the
 * builder (panes/view.c). */
void qt_view_fill(const qt_view *v, const struct qt_view_in *in, qt_table *head, qt_table *main);
const qt_view *qt_view_drill(const qt_view *v, const struct qt_view_in *in, const char *row_id);

/* The table role that shows a finding severity (CRIT -> QT_ROLE_CRIT, ...). */
unsigned char qt_sev_role(enum qt_sev s);

/* Fill a table for a collector that is missing or failed: a note saying
 * "no collector yet" or "STALE: <error>", never zeros. Returns 1 if the
 * source is not usable (the builder should stop), 0 if it is OK. */
int qt_view_source_state(const struct qt_view_in *in, enum qt_src_id src, qt_table *main);

#endif

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

struct qt_view_in;

/* One line of a view's key table: the keys, what they do, and the help
 * line. The shell dispatches the view's keys from this table and the ?
 * help lists it, so a key cannot be bound without its help. */
struct qt_view_key {
    int keys[4];          /* the characters that run it; 0 ends the list ({'\r', '\n'}) */
    const char *label;    /* how the help names them: "Enter"; NULL ends the table */
    /* Return 1 if the key was handled (0 lets the shell's own binding run).
     * row_id is the selected row, may be NULL. NULL run: the key is the
     * shell's (Enter drills), listed to say what it opens here. */
    int (*run)(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch);
    const char *help;     /* "kill the selected connection's process (asks first)" */
};
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
    /* This view's own keys and their help (see above); may be NULL. */
    const struct qt_view_key *keys;
    /* QT_VIEW_NEEDS_*: data it shows that the collectors read only on
     * request; the console asks for it while the view is on screen. */
    unsigned needs;
};
/* per-connection byte counters (qt_ctx.want_bytes: the kernel fills tcp_info) */
#define QT_VIEW_NEEDS_BYTES 1u

/* Run v's binding of ch (a character, not a curses key code). Returns 1 if
 * a binding handled it, 0 if v has none or it declined (panes/common.c). */
int qt_view_key(const qt_view *v, struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch);

/* Where a pane sits in the overview grid (the shell draws it when every
 * slot is taken and the focused pane has one; otherwise only the focused
 * pane is shown). */
enum qt_slot {
    QT_SLOT_NONE = 0,   /* full screen, only when focused */
    QT_SLOT_TOP,        /* full width, the upper 45% */
    QT_SLOT_LEFT,       /* middle row, left half */
    QT_SLOT_RIGHT,      /* middle row, right half */
    QT_SLOT_BOTTOM,     /* full width, the rest */
    QT_SLOT_COUNT
};

typedef struct qt_pane_def {
    const char *name;        /* "Ports" */
    const qt_view *top;
    const char *legend;      /* help text for this pane's glyphs and colours; may be NULL */
    /* A key that works from every pane: the shell focuses this pane and hands
     * the key to its view (Auth: a starts the wizard). 0 = none. */
    int hotkey;
    const char *hotkey_bar;  /* its word in the key bar ("auth"), with hotkey */
    const char *hotkey_help; /* its line in the help's Everywhere list, with hotkey */
    enum qt_slot slot;       /* where the overview grid puts it */
    int min_rows;            /* the grid is used only when its slot gets this many rows */
} qt_pane_def;

/* The panes, in screen order (panes/panes.c). Digits 1..n jump to them. */
extern const qt_pane_def *const qt_panes[];
extern const size_t qt_npanes;

/* The only way the shell, batch mode and the report build and drill views:
 * they call these instead of v->build / v->drill, so a loaded report (which
 * has stored tables, not a live snapshot) can answer in place of the
 * builder (panes/common.c). */
void qt_view_fill(const qt_view *v, const struct qt_view_in *in, qt_table *head, qt_table *main);
const qt_view *qt_view_drill(const qt_view *v, const struct qt_view_in *in, const char *row_id);

/* v in a detail view: the view v (as opened on in->key) whole in the
 * shell's pager (qt_ui_text): its head, then its rows, cells joined, the
 * label column padded; the pager wraps what is longer than the screen and
 * / searches it. Returns 1 (the key was handled). */
int qt_view_page(struct qt_ui *ui, const qt_view *v, const struct qt_view_in *in);

/* The table role that shows a finding severity (CRIT -> QT_ROLE_CRIT, ...). */
unsigned char qt_sev_role(enum qt_sev s);

/* Fill a table for a collector that is missing or failed: a note saying
 * "no collector yet" or "STALE: <error>", never zeros. Returns 1 if the
 * source is not usable (the builder should stop), 0 if it is OK. */
int qt_view_source_state(const struct qt_view_in *in, enum qt_src_id src, qt_table *main);

#endif

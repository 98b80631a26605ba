/* tableview.h - one level of a pane's drill-down stack: the view, the
 * tables built from the current snapshot, and the user's state on them
 * (selection kept by row id, scroll, sort, filter, search). Drawing is the
 * generic table widget every pane uses.
 */
#ifndef QT_TABLEVIEW_H
#define QT_TABLEVIEW_H

#include <curses.h>

#include "panes/pane.h"

typedef struct qt_level {
    const qt_view *view;
    char *key;                /* drill key (row id it was opened from); NULL at top */
    qt_table head, main;      /* built from the current snapshot */
    size_t *vis;              /* visible row indexes of main, after filter and sort */
    size_t nvis;
    size_t sel;               /* index into vis */
    size_t top;               /* first visible row drawn */
    char *sel_id;             /* id of the selected row, to keep it across rebuilds */
    int sort_col;             /* -2 = the builder's default */
    int sort_desc;
    char filter[128];
    char search[128];
} qt_level;

void qt_level_init(qt_level *l, const qt_view *v, const char *key);
void qt_level_free(qt_level *l);
/* Rebuild the tables from in (in->key is set from the level) and re-apply
 * filter, sort and selection. */
void qt_level_build(qt_level *l, const struct qt_view_in *in);
/* Re-apply filter and sort without rebuilding (after the user changed them). */
void qt_level_refilter(qt_level *l);
/* Selected row id or NULL. */
const char *qt_level_selected(const qt_level *l);
/* Move the selection by delta rows (clamped). page = rows per page. */
void qt_level_move(qt_level *l, long delta);
void qt_level_home(qt_level *l, int end);
/* Select the next (dir=1) or previous (-1) row matching l->search, starting
 * after (before) the current one; from_current=1 includes the current row.
 * Returns 1 if found. */
int qt_level_search(qt_level *l, int dir, int from_current);
/* Effective sort column (user choice or builder default). */
int qt_level_sort_col(const qt_level *l);
int qt_level_sort_desc(const qt_level *l);
/* Cycle the sort column by dir (-1 '<', +1 '>'). */
void qt_level_sort_cycle(qt_level *l, int dir);

/* Draw the level into win inside the rectangle (y, x, h, w); focused
 * shows the selection. Keeps the selection visible. */
void qt_level_draw(qt_level *l, WINDOW *win, int y, int x, int h, int w, int focused);

#endif

/* view_fixture.h - what the pane tests do with a view's tables: fill them
 * as one frame of the shell does, and read cells back. Tables filled here
 * are the caller's to qt_table_free(). */
#ifndef QT_TEST_VIEW_FIXTURE_H
#define QT_TEST_VIEW_FIXTURE_H

#include "panes/panes.h"

#include <stddef.h>

/* Init head and main, then fill them from view v for this ctx, snapshot,
 * history (NULL: none) and key (NULL: the view's default row). */
void qt_vf_fill(const qt_view *v, const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist,
                const char *key, qt_table *head, qt_table *main);
/* The text of cell (r, c); "" for an empty cell or a column past the table's. */
const char *qt_vf_cell(const qt_table *t, size_t r, int c);
/* Does any cell of t contain needle? */
int qt_vf_has(const qt_table *t, const char *needle);

#endif

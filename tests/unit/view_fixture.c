/* view_fixture.c - see view_fixture.h. */
#include "tests/unit/view_fixture.h"

#include <string.h>

void qt_vf_fill(const qt_view *v, const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist,
                const char *key, qt_table *head, qt_table *main)
{
    struct qt_view_in in = {.ctx = ctx, .snap = snap, .hist = hist, .key = key};
    qt_table_init(head, "");
    qt_table_init(main, "");
    qt_view_fill(v, &in, head, main);
}

const char *qt_vf_cell(const qt_table *t, size_t r, int c)
{
    return r < t->nrows && c >= 0 && c < t->ncols && t->rows[r].cells[c].text ? t->rows[r].cells[c].text : "";
}

int qt_vf_has(const qt_table *t, const char *needle)
{
    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++)
            if (strstr(qt_vf_cell(t, r, c), needle))
                return 1;
    return 0;
}

/* common.c - helpers shared by pane views. */
#include "panes/pane.h"
#include "panes/ui_ops.h"

#include <stdlib.h>
#include <string.h>

unsigned char qt_sev_role(enum qt_sev s)
{
    switch (s) {
    case QT_SEV_CRIT: return QT_ROLE_CRIT;
    case QT_SEV_WARN: return QT_ROLE_WARN;
    case QT_SEV_INFO: return QT_ROLE_INFO;
    default: return QT_ROLE_OK;
    }
}

int qt_view_source_state(const struct qt_view_in *in, enum qt_src_id src, qt_table *main)
{
    const struct qt_src_status *st = &in->snap->src[src];

    switch (st->state) {
    case QT_SRC_OK:
        return 0;
    case QT_SRC_FAILED:
        qt_table_note(main, QT_ROLE_CRIT, "STALE: %s collector failed: %s", qt_src_name(src), st->err);
        return 1;
    case QT_SRC_NONE:
    default:
        qt_table_note(main, QT_ROLE_DIM, "no collector yet");
        return 1;
    }
}

void qt_view_fill(const qt_view *v, const struct qt_view_in *in, qt_table *head, qt_table *main)
{
    if (in->store)
        in->store->fill(in->store, v->name, in->key, head, main);
    else
        v->build(in, head, main);
}

const qt_view *qt_view_drill(const qt_view *v, const struct qt_view_in *in, const char *row_id)
{
    if (in->store)
        return in->store->drill(in->store, v->name, in->key, row_id);
    return v->drill ? v->drill(in, row_id) : NULL;
}

int qt_view_key(const qt_view *v, struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    if (!v->keys || ch == 0)
        return 0;
    for (const struct qt_view_key *k = v->keys; k->label; k++)
        for (int i = 0; i < 4 && k->keys[i]; i++)
            if (k->keys[i] == ch)
                return k->run ? k->run(ui, in, row_id, ch) : 0;
    return 0;
}

/* The pager's text column at 80 columns (tui/pager.c: the dialog is the
 * screen less 4, its text less 4 more). */
#define PAGE_WIDTH 72

/* One table as text: the note, then each row's cells joined by two blanks.
 * A label column (two-column views) is padded to its widest label when the
 * rows then fit PAGE_WIDTH; else each label goes on a line of its own and
 * its values under it, indented (rows were wrapped to the view's width, and
 * the pager would wrap them a second time). */
static void table_text(const qt_table *t, qt_buf *b)
{
    int w0 = 0, wv = 0, kv = t->ncols == 2;
    if (t->note)
        qt_buf_printf(b, "%s\n", t->note);
    for (size_t r = 0; kv && r < t->nrows; r++) {
        const char *c0 = t->rows[r].cells[0].text, *c1 = t->rows[r].cells[1].text;
        if (c0 && (int)strlen(c0) > w0)
            w0 = (int)strlen(c0);
        if (c1 && (int)strlen(c1) > wv)
            wv = (int)strlen(c1);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        const struct qt_row *row = &t->rows[r];
        if (kv && w0 + 2 + wv > PAGE_WIDTH) {
            const char *c0 = row->cells[0].text ? row->cells[0].text : "";
            size_t i = strspn(c0, " ");
            if (c0[i])
                qt_buf_printf(b, "%s:\n", c0 + i);
            qt_buf_printf(b, "  %s\n", row->cells[1].text ? row->cells[1].text : "");
            continue;
        }
        for (int c = 0; c < t->ncols; c++) {
            const char *x = row->cells[c].text ? row->cells[c].text : "";
            if (c == 0 && kv)
                qt_buf_printf(b, "%-*s  ", w0, x);
            else
                qt_buf_printf(b, "%s%s", c > 0 && !kv ? "  " : "", x);
        }
        qt_buf_putc(b, '\n');
    }
}

int qt_view_page(struct qt_ui *ui, const qt_view *v, const struct qt_view_in *in)
{
    qt_table head, main;
    qt_buf b = {0};
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(v, in, &head, &main);
    table_text(&head, &b);
    if (head.nrows)
        qt_buf_putc(&b, '\n');
    table_text(&main, &b);
    qt_ui_text(ui, main.title[0] ? main.title : v->name, qt_buf_str(&b));
    qt_buf_free(&b);
    qt_table_free(&head);
    qt_table_free(&main);
    return 1;
}

/* table.c - see table.h */
#include "panes/table.h"
#include "panes/wrap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void qt_table_init(qt_table *t, const char *title)
{
    memset(t, 0, sizeof *t);
    snprintf(t->title, sizeof t->title, "%s", title);
    t->sort_col = -1;
}

int qt_table_col(qt_table *t, const char *title, int width, unsigned flags)
{
    struct qt_col *c;
    if (t->ncols == QT_TABLE_MAXCOLS)
        qt_fatal("table %s: too many columns", t->title);
    c = &t->cols[t->ncols];
    snprintf(c->title, sizeof c->title, "%s", title);
    c->width = width;
    c->flags = flags;
    return t->ncols++;
}

struct qt_row *qt_table_row(qt_table *t, const char *id_fmt, ...)
{
    struct qt_row *r;
    va_list ap;

    qt_grow(&t->rows, &t->cap, t->nrows + 1, sizeof *t->rows);
    r = &t->rows[t->nrows++];
    va_start(ap, id_fmt);
    r->id = qt_vasprintf(id_fmt, ap);
    va_end(ap);
    r->cells = qt_calloc((size_t)(t->ncols ? t->ncols : 1), sizeof *r->cells);
    r->role = QT_ROLE_NORMAL;
    return r;
}

static void add_cell(qt_table *t, unsigned char role, double num, const char *fmt, va_list ap)
{
    struct qt_row *r;
    char *s;
    int i;

    if (!t->nrows)
        qt_fatal("table %s: cell before row", t->title);
    r = &t->rows[t->nrows - 1];
    for (i = 0; i < t->ncols && r->cells[i].text; i++)
        ;
    if (i == t->ncols)
        qt_fatal("table %s: too many cells in a row", t->title);
    s = qt_vasprintf(fmt, ap);
    r->cells[i].text = qt_safe_strdup(s, strlen(s));
    free(s);
    r->cells[i].num = num;
    r->cells[i].role = role;
}

void qt_table_cell(qt_table *t, unsigned char role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, role, 0, fmt, ap);
    va_end(ap);
}

void qt_table_cell_num(qt_table *t, unsigned char role, double num, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, role, num, fmt, ap);
    va_end(ap);
}

int qt_table_kv_width(const qt_table *t)
{
    /* a zoomed pane at 80 columns has 76 for the cells: the label column,
     * a gap, the value (the Findings detail: 9 + 1 + 66) */
    int w = 75 - (t->ncols ? t->cols[0].width : 0);
    return w < 20 ? 20 : w;
}

/* Rows for one line of a kv value (escaped, then wrapped); *n counts rows. */
static void kv_line(qt_table *t, const char *id, const char *label, unsigned char role, const char *line, size_t len,
                    int cmd, int *n)
{
    char *safe = qt_safe_strdup(line, len);   /* escaped first: an escape (\xNN) is wider than its byte */
    qt_buf b = {0};
    const char *p;
    if (cmd)
        qt_wrap_cmd(safe, qt_table_kv_width(t), &b);
    else
        qt_wrap_text(safe, qt_table_kv_width(t), &b);
    p = qt_buf_str(&b);
    do {
        const char *nl = strchr(p, '\n');
        int l = nl ? (int)(nl - p) : (int)strlen(p);
        if (*n)
            qt_table_row(t, "%s~%d", id, *n);
        else
            qt_table_row(t, "%s", id);
        qt_table_cell(t, QT_ROLE_DIM, "%s", *n ? "" : label);
        qt_table_cell(t, role, "%.*s", l, p);
        (*n)++;
        p = nl ? nl + 1 : NULL;
    } while (p);
    qt_buf_free(&b);
    free(safe);
}

void qt_table_kv_text(qt_table *t, const char *id, const char *label, unsigned char role, const char *text, int cmd)
{
    int n = 0;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        kv_line(t, id, label, role, p, len, cmd, &n);
        if (!nl || !nl[1])
            break;
        p = nl + 1;
    }
}

void qt_table_kv(qt_table *t, const char *id, const char *label, unsigned char role, const char *fmt, ...)
{
    va_list ap;
    char *v;
    va_start(ap, fmt);
    v = qt_vasprintf(fmt, ap);
    va_end(ap);
    qt_table_kv_text(t, id, label, role, v, 0);
    free(v);
}

void qt_table_note(qt_table *t, unsigned char role, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = qt_vasprintf(fmt, ap);
    va_end(ap);
    free(t->note);
    t->note = qt_safe_strdup(s, strlen(s));
    t->note_role = role;
    free(s);
}

void qt_table_free(qt_table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
        free(t->rows[r].id);
    }
    free(t->rows);
    free(t->note);
    memset(t, 0, sizeof *t);
    t->sort_col = -1;
}

static const char *cell_text(const qt_table *t, size_t r, int c)
{
    const char *s = t->rows[r].cells[c].text;
    return s ? s : "";
}

int qt_table_row_matches(const qt_table *t, size_t r, const char *needle)
{
    if (!needle || !*needle)
        return 1;
    for (int c = 0; c < t->ncols; c++)
        if (strcasestr(cell_text(t, r, c), needle))
            return 1;
    return 0;
}

/* qsort is not stable: break ties by original index */
static const qt_table *sort_t;
static int sort_c, sort_d;

static int cmp_rows(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = 0;

    if (sort_t->cols[sort_c].flags & QT_COL_NUM) {
        double u = sort_t->rows[x].cells[sort_c].num, v = sort_t->rows[y].cells[sort_c].num;
        /* an unknown value (NAN, shown "?") sorts below every number, so the order stays total */
        if (isnan(u) || isnan(v))
            c = isnan(v) - isnan(u);
        else
            c = (u > v) - (u < v);
    } else {
        c = strcasecmp(cell_text(sort_t, x, sort_c), cell_text(sort_t, y, sort_c));
    }
    if (sort_d)
        c = -c;
    return c ? c : (x > y) - (x < y);
}

size_t qt_table_visible(const qt_table *t, const char *filter, int sort_col, int desc, size_t *idx)
{
    size_t n = 0;
    for (size_t r = 0; r < t->nrows; r++)
        if (qt_table_row_matches(t, r, filter))
            idx[n++] = r;
    if (sort_col >= 0 && sort_col < t->ncols && n > 1) {
        sort_t = t;
        sort_c = sort_col;
        sort_d = desc;
        qsort(idx, n, sizeof *idx, cmp_rows);
        sort_t = NULL;
    }
    return n;
}

size_t qt_table_find(const qt_table *t, const char *id)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->rows[r].id, id) == 0)
            return r;
    return (size_t)-1;
}

void qt_table_print(const qt_table *t, const size_t *idx, size_t n, qt_buf *out)
{
    int w[QT_TABLE_MAXCOLS];

    qt_buf_printf(out, "== %s ==\n", t->title);
    if (t->note)
        qt_buf_printf(out, "%s\n", t->note);
    for (int c = 0; c < t->ncols; c++)
        w[c] = (int)strlen(t->cols[c].title);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < t->ncols; c++) {
            int l = (int)strlen(cell_text(t, idx[i], c));
            if (l > w[c])
                w[c] = l;
        }
    for (int pass = (n == 0 && t->note) ? 0 : -1; pass < (int)n; pass++) {
        qt_buf line = {0};
        for (int c = 0; c < t->ncols; c++) {
            const char *s = pass < 0 ? t->cols[c].title : cell_text(t, idx[pass], c);
            int last = c == t->ncols - 1;
            if (c)
                qt_buf_puts(&line, "  ");
            if (t->cols[c].flags & QT_COL_RIGHT)
                qt_buf_printf(&line, "%*s", w[c], s);
            else if (last)
                qt_buf_puts(&line, s);
            else
                qt_buf_printf(&line, "%-*s", w[c], s);
        }
        while (line.len && line.s[line.len - 1] == ' ')
            line.s[--line.len] = '\0';
        qt_buf_printf(out, "%s\n", qt_buf_str(&line));
        qt_buf_free(&line);
    }
    if (n == 0 && !t->note)
        qt_buf_puts(out, "(no rows)\n");
}

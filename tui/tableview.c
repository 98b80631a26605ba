/* tableview.c - see tableview.h */
#include "tui/tableview.h"
#include "tui/term.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void qt_level_init(qt_level *l, const qt_view *v, const char *key)
{
    memset(l, 0, sizeof *l);
    l->view = v;
    l->key = qt_strdup(key);
    l->sort_col = -2;
    qt_table_init(&l->head, "");
    qt_table_init(&l->main, "");
}

void qt_level_free(qt_level *l)
{
    qt_table_free(&l->head);
    qt_table_free(&l->main);
    free(l->vis);
    free(l->key);
    free(l->sel_id);
    memset(l, 0, sizeof *l);
}

int qt_level_sort_col(const qt_level *l)
{
    return l->sort_col == -2 ? l->main.sort_col : l->sort_col;
}

int qt_level_sort_desc(const qt_level *l)
{
    return l->sort_col == -2 ? l->main.sort_desc : l->sort_desc;
}

const char *qt_level_selected(const qt_level *l)
{
    return l->nvis ? l->main.rows[l->vis[l->sel]].id : NULL;
}

static void remember_selection(qt_level *l)
{
    const char *id = qt_level_selected(l);
    free(l->sel_id);
    l->sel_id = qt_strdup(id);
}

void qt_level_refilter(qt_level *l)
{
    free(l->vis);
    l->vis = qt_calloc(l->main.nrows ? l->main.nrows : 1, sizeof *l->vis);
    l->nvis = qt_table_visible(&l->main, l->filter, qt_level_sort_col(l), qt_level_sort_desc(l), l->vis);
    /* keep the same row selected if it is still there; else keep the position */
    if (l->sel_id) {
        for (size_t i = 0; i < l->nvis; i++)
            if (strcmp(l->main.rows[l->vis[i]].id, l->sel_id) == 0) {
                l->sel = i;
                goto done;
            }
    }
    if (l->sel >= l->nvis)
        l->sel = l->nvis ? l->nvis - 1 : 0;
done:
    remember_selection(l);
}

void qt_level_build(qt_level *l, const struct qt_view_in *in)
{
    struct qt_view_in my = *in;
    my.key = l->key;
    qt_table_free(&l->head);
    qt_table_free(&l->main);
    qt_table_init(&l->head, "");
    qt_table_init(&l->main, "");
    qt_view_fill(l->view, &my, &l->head, &l->main);
    if (l->sort_col >= l->main.ncols)
        l->sort_col = -2;
    qt_level_refilter(l);
}

void qt_level_move(qt_level *l, long delta)
{
    long s = (long)l->sel + delta;
    if (!l->nvis)
        return;
    if (s < 0)
        s = 0;
    if (s >= (long)l->nvis)
        s = (long)l->nvis - 1;
    l->sel = (size_t)s;
    remember_selection(l);
}

void qt_level_home(qt_level *l, int end)
{
    if (!l->nvis)
        return;
    l->sel = end ? l->nvis - 1 : 0;
    remember_selection(l);
}

int qt_level_search(qt_level *l, int dir, int from_current)
{
    if (!l->nvis || !l->search[0])
        return 0;
    for (size_t k = from_current ? 0 : 1; k <= l->nvis; k++) {
        size_t step = k % l->nvis;
        size_t i = dir > 0 ? (l->sel + step) % l->nvis : (l->sel + l->nvis - step) % l->nvis;
        if (qt_table_row_matches(&l->main, l->vis[i], l->search)) {
            l->sel = i;
            remember_selection(l);
            return 1;
        }
    }
    return 0;
}

void qt_level_sort_cycle(qt_level *l, int dir)
{
    int n = l->main.ncols, c = qt_level_sort_col(l);
    if (n == 0)
        return;
    c = c < 0 ? (dir > 0 ? 0 : n - 1) : (c + dir + n) % n;
    l->sort_desc = qt_level_sort_desc(l);
    l->sort_col = c;
    qt_level_refilter(l);
}

/* Display width of a UTF-8 / ASCII string (cells are ASCII-safe already,
 * but titles may carry glyphs). */
static int text_width(const char *s)
{
    wchar_t wbuf[256];
    size_t n = mbstowcs(wbuf, s, QT_ARRAY_LEN(wbuf));
    int w;
    if (n == (size_t)-1 || n == QT_ARRAY_LEN(wbuf))
        return (int)strlen(s);
    w = wcswidth(wbuf, n);
    return w < 0 ? (int)strlen(s) : w;
}

/* Put s into win at (y,x), at most w columns, right-aligned if right; a cut
 * is marked with '~' so a shortened number is never mistaken for a whole one. */
static void put_cell(WINDOW *win, int y, int x, int w, const char *s, int right)
{
    int len = text_width(s);
    if (w <= 0)
        return;
    if (len <= w) {
        mvwprintw(win, y, right ? x + w - len : x, "%s", s);
    } else {
        mvwaddnstr(win, y, x, s, w - 1);
        waddch(win, '~');
    }
}

/* A sparkline cell (QT_COL_SPARK): its ASCII levels " .:-=+*#" drawn as
 * the eight block glyphs U+2581..U+2588 when the terminal takes UTF-8. */
static void put_spark(WINDOW *win, int y, int x, int w, const char *s)
{
    static const char ramp[] = " .:-=+*#";
    static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    char out[4 * 64 + 1];
    size_t n = 0;

    if (!qt_term_utf8()) {
        put_cell(win, y, x, w, s, 0);
        return;
    }
    for (int i = 0; s[i] && i < w && i < 64; i++) {
        const char *p = strchr(ramp, s[i]);
        const char *g = p ? blocks[p - ramp] : "?";
        size_t k = strlen(g);
        memcpy(out + n, g, k);
        n += k;
    }
    out[n] = 0;
    mvwaddstr(win, y, x, out);
}

static void col_widths(const qt_table *t, const size_t *idx, size_t n, int avail, int *w)
{
    int total = 0, flex = -1;

    for (int c = 0; c < t->ncols; c++) {
        int m = text_width(t->cols[c].title) + 1; /* room for the sort mark */
        if (t->cols[c].width > m)
            m = t->cols[c].width;
        for (size_t i = 0; i < n; i++) {
            const char *s = t->rows[idx[i]].cells[c].text;
            int l = s ? text_width(s) : 0;
            if (l > m)
                m = l;
        }
        if (t->cols[c].flags & QT_COL_FLEX) {
            flex = c;
            m = t->cols[c].width > 0 ? t->cols[c].width : 4;
        } else if (m > 40) {
            m = 40;
        }
        w[c] = m;
        total += m + (c ? 1 : 0);
    }
    /* too wide: the columns marked QT_COL_DROP go first, last one first */
    for (int c = t->ncols - 1; c >= 0 && total > avail; c--)
        if ((t->cols[c].flags & QT_COL_DROP) && w[c] > 0) {
            total -= w[c] + (c ? 1 : 0);
            w[c] = 0;
        }
    if (flex >= 0 && total < avail)
        w[flex] += avail - total;
    /* Too wide: take a column at a time off the widest, down to its title,
     * so every column stays on screen (cut cells end in '~'). */
    for (int floor = 16; floor >= 0 && total > avail;) {
        int widest = -1;
        for (int c = 0; c < t->ncols; c++) {
            /* long free text gives way first (down to 16), then everyone */
            int min = text_width(t->cols[c].title) + 1;
            if (min < 3)
                min = 3;
            if (min < floor)
                min = floor;
            if (w[c] > min && w[c] > 0 && (widest < 0 || w[c] > w[widest]))
                widest = c;
        }
        if (widest < 0) {
            floor = floor ? 0 : -1;
            continue;
        }
        w[widest]--;
        total--;
    }
}

static void draw_table(qt_level *l, const qt_table *t, const size_t *idx, size_t n, WINDOW *win,
                       int y, int x, int h, int w, int with_sel, int focused, size_t *top)
{
    int cw[QT_TABLE_MAXCOLS];
    int sc = with_sel ? qt_level_sort_col(l) : -1, sd = qt_level_sort_desc(l);
    int rows = h - 1;

    if (h <= 0 || t->ncols == 0)
        return;
    col_widths(t, idx, n, w, cw);
    /* header */
    wattrset(win, A_BOLD | qt_term_attr(QT_ROLE_DIM));
    for (int c = 0, cx = x; c < t->ncols && cx < x + w; c++) {
        char title[48];
        const char *mark = "";
        int cwid = cw[c] < x + w - cx ? cw[c] : x + w - cx;
        if (!cw[c])
            continue;   /* dropped (QT_COL_DROP) */
        if (c == sc)
            mark = qt_term_utf8() ? (sd ? "\u25bc" : "\u25b2") : (sd ? "v" : "^");
        snprintf(title, sizeof title, "%s%s", t->cols[c].title, mark);
        if (text_width(title) <= cwid) {
            int tw = text_width(title);
            mvwaddstr(win, y, (t->cols[c].flags & QT_COL_RIGHT) ? cx + cwid - tw : cx, title);
        } else {
            put_cell(win, y, cx, cwid, t->cols[c].title, 0);
        }
        cx += cw[c] + 1;
    }
    wattrset(win, A_NORMAL);
    if (rows <= 0)
        return;
    if (with_sel) {
        if (l->sel < *top)
            *top = l->sel;
        if (l->sel >= *top + (size_t)rows)
            *top = l->sel - (size_t)rows + 1;
        if (*top + (size_t)rows > n)
            *top = n > (size_t)rows ? n - (size_t)rows : 0;
    } else {
        *top = 0;
    }
    for (int r = 0; r < rows && *top + (size_t)r < n; r++) {
        size_t ri = idx[*top + (size_t)r];
        const struct qt_row *row = &t->rows[ri];
        int selected = with_sel && focused && *top + (size_t)r == l->sel;
        int cx = x;

        if (selected) {
            wattrset(win, qt_term_attr(QT_ROLE_SELECT));
            mvwhline(win, y + 1 + r, x, ' ', w);
        }
        for (int c = 0; c < t->ncols && cx < x + w; c++) {
            const struct qt_cell *cell = &row->cells[c];
            int role = cell->role ? cell->role : row->role;
            int cwid = cw[c] < x + w - cx ? cw[c] : x + w - cx;
            if (!cw[c])
                continue;
            wattrset(win, selected ? qt_term_attr(QT_ROLE_SELECT) | (qt_term_attr(role) & A_BOLD) : qt_term_attr(role));
            if (t->cols[c].flags & QT_COL_SPARK)
                put_spark(win, y + 1 + r, cx, cwid, cell->text ? cell->text : "");
            else
                put_cell(win, y + 1 + r, cx, cwid, cell->text ? cell->text : "", (t->cols[c].flags & QT_COL_RIGHT) != 0);
            cx += cw[c] + 1;
        }
        wattrset(win, A_NORMAL);
    }
}

void qt_level_draw(qt_level *l, WINDOW *win, int y, int x, int h, int w, int focused)
{
    int used = 0;

    if (h <= 0 || w <= 0)
        return;
    if (l->head.ncols && l->head.nrows) {
        size_t *hidx = qt_calloc(l->head.nrows, sizeof *hidx);
        size_t hn = qt_table_visible(&l->head, NULL, -1, 0, hidx), htop = 0;
        int hh = (int)hn + 1;
        if (hh > h / 2 && h > 4)
            hh = h / 2;
        draw_table(l, &l->head, hidx, hn, win, y, x, hh, w, 0, focused, &htop);
        free(hidx);
        used = hh;
        if (used < h) {
            wattrset(win, qt_term_attr(QT_ROLE_DIM));
            mvwhline(win, y + used, x, qt_term_utf8() ? ACS_HLINE : '-', w);
            wattrset(win, A_NORMAL);
            used++;
        }
    }
    if (l->main.note && used < h) {
        wattrset(win, qt_term_attr(l->main.note_role));
        put_cell(win, y + used, x, w, l->main.note, 0);
        wattrset(win, A_NORMAL);
        used++;
    }
    if (l->main.nrows == 0 && l->main.note)
        return;
    if (l->nvis == 0 && l->main.nrows > 0 && used < h) {
        wattrset(win, qt_term_attr(QT_ROLE_DIM));
        mvwprintw(win, y + used, x, "no row matches the filter \"%.*s\" (c clears it)", w > 40 ? w - 40 : 1, l->filter);
        wattrset(win, A_NORMAL);
        return;
    }
    draw_table(l, &l->main, l->vis, l->nvis, win, y + used, x, h - used, w, 1, focused, &l->top);
}

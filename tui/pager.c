/* pager.c - the text and help dialogs are a small less(1): arrows, PgUp/PgDn,
 * g/G, / search and n, q closes. The dialog is as wide as its longest line
 * (up to the screen) and long lines are wrapped by qt_wrap_cmd, so a
 * command, a fix or an AUTH string is never cut: a continued line ends in
 * "\" (issue 14 item 4). */
#include "tui/app.h"
#include "tui/term.h"
#include "panes/wrap.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static int longest_line(const char *s)
{
    int best = 0, n = 0;
    for (; *s; s++) {
        n = *s == '\n' ? 0 : n + 1;
        if (n > best)
            best = n;
    }
    return best;
}

/* The start of line i of s (or its end). */
static const char *line_at(const char *s, int i)
{
    while (i-- > 0) {
        const char *nl = strchr(s, '\n');
        if (!nl)
            return s + strlen(s);
        s = nl + 1;
    }
    return s;
}

static int max_scroll(const struct qt_dialog *d)
{
    return d->nlines > d->page ? d->nlines - d->page : 0;
}

/* Move to the first line after the top one holding the search (wrapping
 * to the start); notfound when none does. */
static void search_next(struct qt_dialog *d)
{
    const char *text = qt_buf_str(&d->shown);
    d->notfound = 1;
    if (!d->find[0] || d->nlines <= 0)
        return;
    for (int k = 1; k <= d->nlines; k++) {
        int i = (d->scroll + k) % d->nlines;
        const char *p = line_at(text, i), *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);
        int hit = line && strcasestr(line, d->find);
        free(line);
        if (hit) {
            d->scroll = i;
            d->notfound = 0;
            return;
        }
    }
}

static void find_key(struct qt_dialog *d, int key, int is_code)
{
    if (!is_code && (key == '\r' || key == '\n')) {
        d->finding = 0;
        d->scroll--;   /* the line at the top may match */
        search_next(d);
        if (d->notfound)
            d->scroll++;
    } else if (!is_code && key == 27) {
        d->finding = 0;
        d->flen = 0;
        d->find[0] = '\0';
    } else if ((is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8))) {
        if (d->flen)
            d->find[--d->flen] = '\0';
    } else if (!is_code && key >= 32 && key < 127 && d->flen + 1 < sizeof d->find) {
        d->find[d->flen++] = (char)key;
        d->find[d->flen] = '\0';
    }
}

int qt_pager_key(struct qt_shell *ui, int key, int is_code)
{
    struct qt_dialog *d = &ui->dlg;
    int page = d->page > 1 ? d->page - 1 : 1;

    if (is_code && key == KEY_RESIZE)
        return 0;
    ui->dirty = 1;
    if (d->finding) {
        find_key(d, key, is_code);
        return 1;
    }
    if ((!is_code && (key == 'q' || key == 27 || key == '?' || key == '\r' || key == '\n')) ||
        (is_code && key == KEY_F(1))) {
        qt_dialog_close(ui);
        return 1;
    }
    if (!is_code && key == 'Q')
        return 0; /* let quit through */
    if ((!is_code && key == 'j') || (is_code && key == KEY_DOWN))
        d->scroll++;
    else if ((!is_code && key == 'k') || (is_code && key == KEY_UP))
        d->scroll--;
    else if ((!is_code && key == ' ') || (is_code && key == KEY_NPAGE))
        d->scroll += page;
    else if ((!is_code && key == 'b') || (is_code && key == KEY_PPAGE))
        d->scroll -= page;
    else if ((!is_code && key == 'g') || (is_code && key == KEY_HOME))
        d->scroll = 0;
    else if ((!is_code && key == 'G') || (is_code && key == KEY_END))
        d->scroll = max_scroll(d);
    else if (!is_code && key == '/') {
        d->finding = 1;
        d->notfound = 0;
        d->flen = 0;
        d->find[0] = '\0';
    } else if (!is_code && key == 'n')
        search_next(d);
    if (d->scroll > max_scroll(d))
        d->scroll = max_scroll(d);
    if (d->scroll < 0)
        d->scroll = 0;
    return 1;
}

/* Wrap d->text to width columns into d->shown. The old copy is wiped first
 * (it may hold AUTH strings); room is reserved so no realloc leaves one. */
static void rewrap(struct qt_dialog *d, int width)
{
    size_t need = strlen(d->text) * 3 + 64;
    if (d->shown.s)
        OPENSSL_cleanse(d->shown.s, d->shown.cap);
    if (d->shown.cap < need) {
        qt_buf_free(&d->shown);
        d->shown.s = qt_malloc(need);
        d->shown.cap = need;
    }
    qt_buf_reset(&d->shown);
    if (d->kind == QT_DLG_HELP)
        qt_wrap_text(d->text, width, &d->shown);   /* prose: no shell continuation marks */
    else
        qt_wrap_cmd(d->text, width, &d->shown);
}

static void footer(struct qt_dialog *d, int h, int w)
{
    wattrset(d->win, qt_term_attr(QT_ROLE_DIM));
    if (d->finding)
        mvwprintw(d->win, h - 1, 2, " /%.*s ", w - 8, d->find);
    else if (d->notfound)
        mvwprintw(d->win, h - 1, 2, " not found: %.*s  q close ", w - 24, d->find);
    else if (d->nlines > d->page) {
        char pos[48];
        snprintf(pos, sizeof pos, " %d-%d/%d ", d->scroll + 1, d->scroll + d->page, d->nlines);
        mvwaddnstr(d->win, h - 1, 2, " j/k PgUp/PgDn g/G  / search  q close ", w - 4 - (int)strlen(pos));
        mvwaddstr(d->win, h - 1, w - 1 - (int)strlen(pos), pos);
    } else
        mvwaddnstr(d->win, h - 1, 2, " q close ", w - 4);
}

void qt_pager_draw(struct qt_shell *ui)
{
    struct qt_dialog *d = &ui->dlg;
    int w = longest_line(d->text) + 4, h, y, row = 1;
    int title = (int)strlen(d->title) + 8;
    const char *p;

    if (w < 40)
        w = 40;
    if (w < title)
        w = title;
    if (w > ui->cols - 4)
        w = ui->cols - 4;
    rewrap(d, w - 4);
    d->nlines = 1;
    for (p = qt_buf_str(&d->shown); *p; p++)
        d->nlines += *p == '\n';
    h = d->nlines + 2;
    if (h > ui->rows - 2)
        h = ui->rows - 2;
    if (h < 3)
        h = 3;
    d->page = h - 2;
    if (d->scroll > max_scroll(d))
        d->scroll = max_scroll(d);
    y = (ui->rows - h) / 2;
    if (!qt_dialog_frame(d, h, w, y, (ui->cols - w) / 2))
        return;
    p = line_at(qt_buf_str(&d->shown), d->scroll);
    while (row < h - 1 && *p) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        mvwaddnstr(d->win, row++, 2, p, len);   /* wrapped: len <= w - 4 */
        if (!nl)
            break;
        p = nl + 1;
    }
    footer(d, h, w);
    wattrset(d->win, A_NORMAL);
    wnoutrefresh(d->win);
}

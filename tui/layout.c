/* layout.c - where panes go, and the chrome: header, pane title bars,
 * status line and key bar. Panes name their slot of the overview grid in
 * their descriptor (panes/pane.h: a full-width top, a middle row split
 * left | right, a full-width bottom); at 80x24 the four share the screen,
 * larger terminals give them more rows; a short or narrow terminal, or a
 * focused pane without a slot, shows only the focused pane; below the hard
 * minimum a single line says so while sampling goes on. */
#include "tui/app.h"
#include "tui/term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MIN_COLS 40
#define MIN_ROWS 10
#define GRID_MIN_COLS 70
#define TABS_ROWS 20   /* below 70x20 a tab bar names every pane (issue 14 item 5) */

static void del(WINDOW **w)
{
    if (*w) {
        delwin(*w);
        *w = NULL;
    }
}

void qt_layout_free(struct qt_shell *ui)
{
    for (int i = 0; i < ui->npanes; i++)
        del(&ui->panes[i].win);
    del(&ui->w_header);
    del(&ui->w_status);
    del(&ui->w_keys);
    del(&ui->w_tabs);
    del(&ui->w_strip);
    del(&ui->dlg.win);
}

/* Rows of each slot for a body of h rows: the top 45%, the middle and the
 * bottom share the rest. */
static void slot_rows(int h, int rows[QT_SLOT_COUNT])
{
    rows[QT_SLOT_NONE] = h;
    rows[QT_SLOT_TOP] = h * 45 / 100;
    rows[QT_SLOT_LEFT] = rows[QT_SLOT_RIGHT] = (h - rows[QT_SLOT_TOP]) / 2;
    rows[QT_SLOT_BOTTOM] = h - rows[QT_SLOT_TOP] - rows[QT_SLOT_LEFT];
}

/* Fill at[slot] with the pane that sits there (the first to claim it).
 * Returns 1 when the grid is drawn: not zoomed, wide enough, every slot
 * taken and given its pane's min_rows, and the focused pane in it. */
static int grid(const struct qt_shell *ui, int h, int at[QT_SLOT_COUNT])
{
    int rows[QT_SLOT_COUNT];
    slot_rows(h, rows);
    for (int s = 0; s < QT_SLOT_COUNT; s++)
        at[s] = -1;
    for (int i = ui->npanes - 1; i >= 0; i--)
        at[ui->panes[i].def->slot] = i;
    if (ui->zoom || ui->cols < GRID_MIN_COLS || ui->panes[ui->focus].def->slot == QT_SLOT_NONE ||
        at[ui->panes[ui->focus].def->slot] != ui->focus)
        return 0;
    for (int s = QT_SLOT_TOP; s < QT_SLOT_COUNT; s++)
        if (at[s] < 0 || rows[s] < ui->panes[at[s]].def->min_rows)
            return 0;
    return 1;
}

void qt_layout(struct qt_shell *ui)
{
    int h, top = 1, at[QT_SLOT_COUNT], rows[QT_SLOT_COUNT];

    qt_layout_free(ui);
    getmaxyx(stdscr, ui->rows, ui->cols);
    ui->too_small = ui->cols < MIN_COLS || ui->rows < MIN_ROWS;
    ui->relayout = 0;
    if (ui->too_small)
        return;
    ui->w_header = newwin(1, ui->cols, 0, 0);
    ui->w_status = newwin(1, ui->cols, ui->rows - 2, 0);
    ui->w_keys = newwin(1, ui->cols, ui->rows - 1, 0);
    /* the incidents strip first, under the header (docs/incidents.md) */
    ui->strip_h = qt_strip_rows(ui);
    ui->w_strip = newwin(ui->strip_h, ui->cols, top, 0);
    top += ui->strip_h;
    h = ui->rows - 3 - ui->strip_h;
    if (!grid(ui, h, at)) {
        if (ui->cols < GRID_MIN_COLS || ui->rows < TABS_ROWS) {
            ui->w_tabs = newwin(1, ui->cols, top++, 0);
            h--;
        }
        ui->panes[ui->focus].win = newwin(h, ui->cols, top, 0);
        return;
    }
    slot_rows(h, rows);
    {
        int wl = ui->cols / 2, wr = ui->cols - wl;
        ui->panes[at[QT_SLOT_TOP]].win = newwin(rows[QT_SLOT_TOP], ui->cols, top, 0);
        ui->panes[at[QT_SLOT_LEFT]].win = newwin(rows[QT_SLOT_LEFT], wl, top + rows[QT_SLOT_TOP], 0);
        ui->panes[at[QT_SLOT_RIGHT]].win = newwin(rows[QT_SLOT_RIGHT], wr, top + rows[QT_SLOT_TOP], wl);
        ui->panes[at[QT_SLOT_BOTTOM]].win =
            newwin(rows[QT_SLOT_BOTTOM], ui->cols, top + rows[QT_SLOT_TOP] + rows[QT_SLOT_LEFT], 0);
    }
}

static void draw_header(struct qt_shell *ui)
{
    WINDOW *w = ui->w_header;
    const qt_snapshot *s = ui->snap;
    char when[32] = "--:--:--";
    int x;

    werase(w);
    wbkgdset(w, ' ' | qt_term_attr(QT_ROLE_BAR));
    wattrset(w, qt_term_attr(QT_ROLE_BAR));
    mvwhline(w, 0, 0, ' ', ui->cols);
    if (s) {
        time_t t = (time_t)s->wall;
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%H:%M:%S", &tm);
    }
    mvwprintw(w, 0, 0, " qtriage %s  %.40s  %s #%lu", QT_VERSION, s ? s->host : "?", when, s ? s->seq : 0UL);
    if (ui->loaded) {
        wattrset(w, qt_term_attr(QT_ROLE_INFO) | A_REVERSE);
        wprintw(w, " LOADED report, read-only ");
    } else if (ui->frozen) {
        wattrset(w, qt_term_attr(QT_ROLE_WARN) | A_REVERSE);
        wprintw(w, " FROZEN ");
        wattrset(w, qt_term_attr(QT_ROLE_BAR));
    }
    if (s) {
        int stale = 0;
        for (int i = 0; i < QT_SRC_COUNT; i++)
            if (s->src[i].state == QT_SRC_FAILED) {
                if (!stale++) {
                    wattrset(w, qt_term_attr(QT_ROLE_CRIT) | A_REVERSE);
                    wprintw(w, " STALE:");
                }
                wprintw(w, " %s", qt_src_name((enum qt_src_id)i));
            }
        if (stale)
            wprintw(w, " ");
        wattrset(w, qt_term_attr(QT_ROLE_BAR));
        /* how a collector worked, when it matters (not STALE: the data is good) */
        for (int i = 0; i < QT_SRC_COUNT; i++)
            if (s->src[i].state == QT_SRC_OK && s->src[i].note[0])
                wprintw(w, "  [%s]", s->src[i].note);
        /* counts by severity at the right edge, as words */
        char counts[64];
        size_t nc = qt_findings_count(&s->findings, QT_SEV_CRIT), nw = qt_findings_count(&s->findings, QT_SEV_WARN);
        snprintf(counts, sizeof counts, " CRIT %zu  WARN %zu ", nc, nw);
        x = ui->cols - (int)strlen(counts);
        if (x > getcurx(w) + 1) {
            wattrset(w, (nc ? qt_term_attr(QT_ROLE_CRIT) : nw ? qt_term_attr(QT_ROLE_WARN) : qt_term_attr(QT_ROLE_OK)) | A_REVERSE);
            mvwaddstr(w, 0, x, counts);
        }
    }
    wattrset(w, A_NORMAL);
    wnoutrefresh(w);
}

/* A pane's worst finding: the findings its check made (the source named
 * like the pane: "ports" for Ports), every finding for Findings; -1 when
 * none is about it. */
static int pane_worst(const struct qt_shell *ui, int i)
{
    const char *name = ui->panes[i].def->name;
    int all = strcasecmp(name, "Findings") == 0, worst = -1;
    if (!ui->snap)
        return -1;
    for (size_t k = 0; k < ui->snap->findings.n; k++) {
        const qt_finding *f = &ui->snap->findings.v[k];
        if ((all || strcasecmp(f->source, name) == 0) && (int)f->sev > worst)
            worst = (int)f->sev;
    }
    return worst;
}

/* One tab: "1:Ports CRIT" (style 0), "1:Ports C" (1) or "1:C" (2). */
static int tab_text(const struct qt_shell *ui, int i, int style, char *out, size_t n)
{
    int worst = pane_worst(ui, i);
    const char *sev = worst < 0 ? "-" : qt_sev_name((enum qt_sev)worst);
    char letter[2] = {worst < 0 ? '-' : sev[0], 0};
    if (style == 0)
        return snprintf(out, n, "%d:%s %s", i + 1, ui->panes[i].def->name, sev);
    if (style == 1)
        return snprintf(out, n, "%d:%s %s", i + 1, ui->panes[i].def->name, letter);
    return snprintf(out, n, "%d:%s", i + 1, letter);
}

/* Below 70x20 only the focused pane is drawn: this line names every pane
 * with its worst severity, the focused one reversed, as short as it must. */
static void draw_tabs(struct qt_shell *ui)
{
    WINDOW *w = ui->w_tabs;
    char t[64];
    int style = 0;
    if (!w)
        return;
    for (; style < 2; style++) {
        int len = -2;   /* no gap after the last tab */
        for (int i = 0; i < ui->npanes; i++)
            len += tab_text(ui, i, style, t, sizeof t) + 2;
        if (len <= ui->cols)
            break;
    }
    werase(w);
    wmove(w, 0, 0);
    for (int i = 0; i < ui->npanes; i++) {
        int worst = pane_worst(ui, i);
        tab_text(ui, i, style, t, sizeof t);
        if (getcurx(w) + (int)strlen(t) > ui->cols)
            break;
        wattrset(w, (worst > 0 ? qt_term_attr(qt_sev_role((enum qt_sev)worst)) : A_NORMAL) |
                        (i == ui->focus ? A_REVERSE : 0));
        waddstr(w, t);
        wattrset(w, A_NORMAL);
        waddstr(w, "  ");
    }
    wnoutrefresh(w);
}

static const char *level_title(const qt_level *l)
{
    return l->main.title[0] ? l->main.title : l->view->name;
}

static void draw_pane(struct qt_shell *ui, int i)
{
    struct qt_pane_state *p = &ui->panes[i];
    qt_level *l = qt_pane_level(p);
    WINDOW *w = p->win;
    int focused = i == ui->focus, h, wd;
    char title[512];
    int n;

    if (!w)
        return;
    getmaxyx(w, h, wd);
    werase(w);
    n = snprintf(title, sizeof title, " %d %s", i + 1, p->def->name);
    for (int d = 1; d < p->depth && n < (int)sizeof title; d++)
        n += snprintf(title + n, sizeof title - (size_t)n, " > %s", level_title(&p->stack[d]));
    if (l->filter[0] && n < (int)sizeof title)
        n += snprintf(title + n, sizeof title - (size_t)n, "  [filter: %s]", l->filter);
    if (n < (int)sizeof title && l->main.nrows)
        snprintf(title + n, sizeof title - (size_t)n, "  (%zu/%zu)", l->nvis, l->main.nrows);
    wattrset(w, focused ? qt_term_attr(QT_ROLE_TITLE) | A_REVERSE : qt_term_attr(QT_ROLE_BAR) | A_DIM);
    mvwhline(w, 0, 0, ' ', wd);
    mvwaddnstr(w, 0, 0, title, wd);
    if ((int)strlen(title) > wd && wd > 0)
        mvwaddch(w, 0, wd - 1, '~');   /* cut titles are marked like cut cells */
    wattrset(w, A_NORMAL);
    /* a vertical rule between side-by-side panes */
    {
        int x0 = getbegx(w);
        int lx = x0 > 0 ? 1 : 0;
        if (x0 > 0)
            mvwvline(w, 1, 0, qt_term_utf8() ? ACS_VLINE : '|', h - 1);
        qt_level_draw(l, w, 1, lx, h - 1, wd - lx, focused);
    }
    wnoutrefresh(w);
}

/* Where a flash longer than the status line breaks: the last blank that
 * fits (a path after "saved:" stays whole), else the width; 0 when it fits. */
static int flash_break(const struct qt_shell *ui)
{
    int len = (int)strlen(ui->flash), at = ui->cols;
    if (len <= ui->cols)
        return 0;
    while (at > 0 && ui->flash[at] != ' ')
        at--;
    return at > 0 ? at : ui->cols;
}

/* A long flash (a saved file's path) goes on over the key bar, never cut
 * without a mark: what does not fit there either ends in "~". */
static int flash_tail(struct qt_shell *ui, WINDOW *w, double now)
{
    const char *rest;
    int at;
    if (!ui->flash[0] || now >= ui->flash_until || ui->input != QT_INPUT_NONE || !(at = flash_break(ui)))
        return 0;
    rest = ui->flash + at + (ui->flash[at] == ' ');
    wattrset(w, A_BOLD);
    if ((int)strlen(rest) <= ui->cols)
        mvwaddstr(w, 0, 0, rest);
    else {
        mvwaddnstr(w, 0, 0, rest, ui->cols - 1);
        waddch(w, '~');
    }
    wattrset(w, A_NORMAL);
    return 1;
}

static void draw_status(struct qt_shell *ui, double now)
{
    WINDOW *w = ui->w_status;
    qt_level *l = qt_pane_level(qt_focused(ui));

    werase(w);
    if (ui->input != QT_INPUT_NONE) {
        mvwprintw(w, 0, 0, "%s%s", ui->input == QT_INPUT_SEARCH ? "/" : "filter: ", ui->input_buf);
        if (ui->input == QT_INPUT_SEARCH && ui->input_buf[0] &&
            !(l->nvis && qt_table_row_matches(&l->main, l->vis[l->sel], ui->input_buf)))
            wprintw(w, "   (no match)");
    } else if (ui->flash[0] && now < ui->flash_until) {
        wattrset(w, A_BOLD);
        int at = flash_break(ui);
        mvwaddnstr(w, 0, 0, ui->flash, at ? at : ui->cols);
    } else if (ui->snap) {
        wattrset(w, qt_term_attr(QT_ROLE_DIM));
        if (ui->loaded) {
            /* the file name is escaped like all other text */
            char *name = qt_safe_strdup(ui->cfg.load, strlen(ui->cfg.load));
            mvwprintw(w, 0, 0, "loaded from %s: the saved sample, read-only", name);
            free(name);
        }
        else
            mvwprintw(w, 0, 0, "sample took %.0f ms, every %gs%s", ui->snap->took * 1000, ui->cfg.interval,
                      ui->cfg.ctx->read_only ? "  read-only" : "");
    }
    wattrset(w, A_NORMAL);
    wnoutrefresh(w);
}

static void draw_keys(struct qt_shell *ui, double now)
{
    struct qt_bar_item keys[32];
    size_t n = qt_keys_bar(ui, keys, sizeof keys / sizeof keys[0]);
    WINDOW *w = ui->w_keys;
    werase(w);
    wmove(w, 0, 0);
    if (flash_tail(ui, w, now))
        n = 0;
    for (size_t i = 0; i < n; i++) {
        int need = (int)(strlen(keys[i].key) + strlen(keys[i].word) + 3);
        if (getcurx(w) + need > ui->cols)
            break;
        wattrset(w, qt_term_attr(QT_ROLE_BAR));
        waddstr(w, keys[i].key);
        wattrset(w, A_NORMAL);
        wprintw(w, " %s  ", keys[i].word);
    }
    wnoutrefresh(w);
}

void qt_draw(struct qt_shell *ui)
{
    double now = qt_now_mono();

    if (ui->relayout || (!ui->too_small && qt_strip_rows(ui) != ui->strip_h))
        qt_layout(ui);
    if (ui->repaint_all) {
        clearok(curscr, TRUE);
        ui->repaint_all = 0;
    }
    if (ui->too_small) {
        erase();
        mvaddnstr(0, 0, "", 0);
        printw("too small %dx%d, need %dx%d; Q quits", ui->cols, ui->rows, MIN_COLS, MIN_ROWS);
        wnoutrefresh(stdscr);
        doupdate();
        ui->dirty = 0;
        return;
    }
    draw_header(ui);
    qt_strip_draw(ui);
    draw_tabs(ui);
    for (int i = 0; i < ui->npanes; i++)
        draw_pane(ui, i);
    draw_status(ui, now);
    draw_keys(ui, now);
    qt_dialog_draw(ui);
    doupdate();
    ui->dirty = 0;
}

/* keys.c - the keys that work everywhere, as one table (key, action, help),
 * and the dispatch: the open dialog, the input line, the focused view's own
 * table (panes/pane.h), then this one. The ? help and the key bar are
 * generated from the same tables, so a key cannot be bound without its help
 * line (as htop binds keys: an array from key to action; the help lists it). */
#include "tui/app.h"
#include "diag/config/config.h"

#include <stdio.h>
#include <string.h>

/* A curses key code in a table of keys (characters stand for themselves). */
#define KC(k) ((k) | QT_KEY_CODE)

struct shell_key {
    int keys[10];          /* characters or KC(KEY_x); 0 ends the list */
    const char *label;     /* how the help names them */
    void (*run)(struct qt_shell *ui, int key);  /* key as in keys[] */
    const char *help;
    unsigned flags;
    const char *bar_key, *bar_word;   /* in the key bar, or NULL */
};

enum {
    JOIN = 1,      /* the help continues the previous entry's line */
    FIRST = 2,     /* before the focused view's keys, even in a too small terminal */
    PANE_KEYS = 4, /* stands for the panes' hotkeys (qt_pane_def.hotkey): their bar and help */
};

static qt_level *cur(struct qt_shell *ui) { return qt_pane_level(qt_focused(ui)); }

static void k_help(struct qt_shell *ui, int key) { (void)key; qt_help_open(ui); }

static void k_pane(struct qt_shell *ui, int key)
{
    int step = key == KC(KEY_BTAB) ? ui->npanes - 1 : 1;
    qt_nav_focus(ui, (ui->focus + step) % ui->npanes);
}

static void k_incidents(struct qt_shell *ui, int key) { (void)key; qt_strip_enter(ui); }
static void k_digit(struct qt_shell *ui, int key) { qt_nav_focus(ui, key - '1'); }
static void k_open(struct qt_shell *ui, int key) { (void)key; qt_nav_push(ui); }

/* q at the top level does not quit (issue 14: "q q q" from a detail view
 * ended a session and its history); it says which key does. */
static void k_back(struct qt_shell *ui, int key)
{
    if (!qt_nav_pop(ui) && key == 'q')
        qt_shell_flash(ui, "Q quits");
}

static void k_zoom(struct qt_shell *ui, int key)
{
    (void)key;
    ui->zoom = !ui->zoom;
    qt_focused(ui)->auto_zoomed = 0;
    ui->relayout = 1;
}

static void k_move(struct qt_shell *ui, int key) { qt_level_move(cur(ui), key == 'k' || key == KC(KEY_UP) ? -1 : 1); }

static void k_page(struct qt_shell *ui, int key)
{
    int n = qt_nav_page_rows(ui);
    qt_level_move(cur(ui), key == KC(KEY_PPAGE) ? -n : n);
}

static void k_ends(struct qt_shell *ui, int key) { qt_level_home(cur(ui), key == 'G' || key == KC(KEY_END)); }
static void k_search(struct qt_shell *ui, int key) { (void)key; qt_input_begin(ui, QT_INPUT_SEARCH); }

static void k_next(struct qt_shell *ui, int key)
{
    qt_level *l = cur(ui);
    if (!l->search[0])
        qt_shell_flash(ui, "no search yet: / starts one");
    else if (!qt_level_search(l, key == 'n' ? 1 : -1, 0))
        qt_shell_flash(ui, "no row matches \"%s\"", l->search);
}

static void k_filter(struct qt_shell *ui, int key) { (void)key; qt_input_begin(ui, QT_INPUT_FILTER); }

static void k_clear(struct qt_shell *ui, int key)
{
    qt_level *l = cur(ui);
    (void)key;
    l->filter[0] = '\0';
    qt_level_refilter(l);
}

static void k_sort(struct qt_shell *ui, int key) { qt_level_sort_cycle(cur(ui), key == '<' ? -1 : 1); }

static void k_invert(struct qt_shell *ui, int key)
{
    qt_level *l = cur(ui);
    (void)key;
    if (qt_level_sort_col(l) < 0) {
        qt_shell_flash(ui, "no sort column yet: < or > picks one");
        return;
    }
    l->sort_col = qt_level_sort_col(l);
    l->sort_desc = !qt_level_sort_desc(l);
    qt_level_refilter(l);
}

static void k_freeze(struct qt_shell *ui, int key)
{
    (void)key;
    if (ui->loaded) {
        qt_shell_flash(ui, "a loaded report is frozen: it has no live data");
        return;
    }
    ui->frozen = !ui->frozen;
    qt_shell_flash(ui, ui->frozen ? "frozen: sampling paused (p resumes)" : "sampling resumed");
    if (!ui->frozen)
        ui->want_sample = 1;
}

static void k_sample(struct qt_shell *ui, int key)
{
    (void)key;
    if (ui->loaded)
        qt_shell_flash(ui, "a loaded report cannot be re-sampled");
    else {
        qt_config_reread();   /* r also re-reads every mail configuration file */
        ui->want_sample = 1;
    }
}

static void k_repaint(struct qt_shell *ui, int key) { (void)key; ui->repaint_all = 1; }
static void k_export(struct qt_shell *ui, int key) { (void)key; qt_export_report(ui); }
static void k_quit(struct qt_shell *ui, int key) { (void)key; ui->quit = 1; }

/* A pane's hotkey (qt_pane_def.hotkey, e.g. a for the authentication
 * wizard): focus that pane, then hand the key to its view. */
static void k_pane_key(struct qt_shell *ui, int key)
{
    for (int i = 0; i < ui->npanes; i++)
        if (ui->panes[i].def->hotkey && ui->panes[i].def->hotkey == key) {
            qt_level *al = qt_pane_level(&ui->panes[i]);
            struct qt_view_in in;
            qt_nav_focus(ui, i);
            qt_shell_view_in(ui, &in);
            in.key = al->key;
            if (ui->snap)
                qt_view_key(al->view, &ui->handle, &in, qt_level_selected(al), key);
            return;
        }
}

/* In help order; the bar shows the entries with a bar word, in this order. */
static const struct shell_key shell_keys[] = {
    {{'?', KC(KEY_F(1))}, "? F1", k_help, "this help (q, Esc or ? closes it)", 0, "?", "help"},
    {{'i'}, "i", k_incidents, "select the incidents strip (i again, j k move; 1-9 pick the Nth there), Enter opens "
     "the incident's evidence and fixes, Esc leaves", 0, "i", "incident"},
    {{'\t', KC(KEY_BTAB)}, "Tab S-Tab", k_pane, "next / previous pane", 0, "Tab", "pane"},
    {{'1', '2', '3', '4', '5', '6', '7', '8', '9'}, "1-9", k_digit, "jump to a pane", JOIN, NULL, NULL},
    {{'\r', '\n', 'l', KC(KEY_ENTER), KC(KEY_RIGHT)}, "Enter l", k_open, "open the selected row (drill down)", 0,
     "Enter", "open"},
    {{'q', 27, 'h', 127, 8, KC(KEY_LEFT), KC(KEY_BACKSPACE)}, "q Esc h", k_back,
     "back one level (Backspace and Left too); Q quits", 0, "q", "back"},
    {{'z'}, "z", k_zoom, "zoom the focused pane to full screen and back", 0, "z", "zoom"},
    {{'j', 'k', KC(KEY_UP), KC(KEY_DOWN)}, "j k Up Dn", k_move, "move", 0, NULL, NULL},
    {{KC(KEY_PPAGE), KC(KEY_NPAGE)}, "PgUp PgDn", k_page, "page", JOIN, NULL, NULL},
    {{'g', 'G', KC(KEY_HOME), KC(KEY_END)}, "g G Home End", k_ends, "first / last", JOIN, NULL, NULL},
    {{'/'}, "/", k_search, "search (incremental)", 0, "/", "search"},
    {{'n', 'N'}, "n N", k_next, "next / previous match", JOIN, NULL, NULL},
    {{'f', '\\'}, "f \\", k_filter, "filter rows (shown in the pane title)", 0, "f", "filter"},
    {{'c'}, "c", k_clear, "clear the filter", JOIN, NULL, NULL},
    {{'<', '>'}, "< >", k_sort, "sort by the previous / next column", 0, "<>", "sort"},
    {{'I'}, "I", k_invert, "invert the sort", JOIN, NULL, NULL},
    {{'p', 'Z'}, "p Z", k_freeze, "freeze / resume sampling (navigation keeps working)", 0, "p", "freeze"},
    {{'r'}, "r", k_sample, "take a sample now (and re-read every mail configuration file)", 0, "r", "sample"},
    {{12}, "Ctrl-L", k_repaint, "repaint the screen", JOIN, NULL, NULL},
    {{'w'}, "w", k_export, "write the report (Markdown + JSON, mode 0600) of what is on screen", 0, "w", "export"},
    {{0}, "", k_pane_key, "", PANE_KEYS, NULL, NULL},
    {{'Q'}, "Q", k_quit, "quit from anywhere", FIRST, "Q", "quit"},
};
#define NKEYS (sizeof shell_keys / sizeof shell_keys[0])

static int binds(const struct shell_key *k, int key)
{
    for (size_t i = 0; i < sizeof k->keys / sizeof k->keys[0] && k->keys[i]; i++)
        if (k->keys[i] == key)
            return 1;
    return 0;
}

/* Run the table's binding of key; flags FIRST selects the first-pass keys. */
static int run_shell_key(struct qt_shell *ui, int key, unsigned first)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct shell_key *k = &shell_keys[i];
        if ((k->flags & FIRST) != first)
            continue;
        if (k->flags & PANE_KEYS) {
            for (int p = 0; p < ui->npanes; p++)
                if (ui->panes[p].def->hotkey && ui->panes[p].def->hotkey == key) {
                    k->run(ui, key);
                    return 1;
                }
        } else if (binds(k, key)) {
            k->run(ui, key);
            return 1;
        }
    }
    return 0;
}

static void handle_key(struct qt_shell *ui, int key, int is_code)
{
    qt_level *l = cur(ui);
    int k = is_code ? KC(key) : key;

    if (is_code && key == KEY_RESIZE) {
        ui->relayout = 1;
        ui->dirty = 1;
        return;
    }
    if (qt_dialog_key(ui, key, is_code))
        return;
    if (ui->input != QT_INPUT_NONE) {
        qt_input_key(ui, key, is_code);
        return;
    }
    if (run_shell_key(ui, k, FIRST))
        return;
    if (ui->too_small)
        return;
    if (qt_strip_key(ui, k))
        return;
    /* the focused view's own keys come first */
    if (!is_code && l->view->keys && ui->snap) {
        struct qt_view_in in;
        qt_shell_view_in(ui, &in);
        in.key = l->key;
        if (qt_view_key(l->view, &ui->handle, &in, qt_level_selected(l), key)) {
            ui->dirty = 1;
            return;
        }
    }
    ui->dirty = 1;
    run_shell_key(ui, k, 0);
}

void qt_keys_read(struct qt_shell *ui)
{
    wint_t wc;
    int r;
    while ((r = get_wch(&wc)) != ERR) {
        handle_key(ui, (int)wc, r == KEY_CODE_YES);
        if (ui->quit)
            return;
    }
}

/* A pane whose hotkey an earlier pane already took is not listed twice. */
static const qt_pane_def *hotkey_pane(const struct qt_shell *ui, int i)
{
    const qt_pane_def *d = ui->panes[i].def;
    if (!d->hotkey || !d->hotkey_help)
        return NULL;
    for (int j = 0; j < i; j++)
        if (ui->panes[j].def->hotkey == d->hotkey)
            return NULL;
    return d;
}

void qt_keys_help(const struct qt_shell *ui, qt_buf *b)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct shell_key *k = &shell_keys[i];
        if (k->flags & PANE_KEYS) {
            for (int p = 0; p < ui->npanes; p++) {
                const qt_pane_def *d = hotkey_pane(ui, p);
                if (d)
                    qt_buf_printf(b, "  %-10c %s\n", (char)d->hotkey, d->hotkey_help);
            }
            continue;
        }
        if (k->flags & JOIN)
            qt_buf_printf(b, ";  %s  %s", k->label, k->help);
        else
            qt_buf_printf(b, "  %-10s %s", k->label, k->help);
        if (i + 1 == NKEYS || !(shell_keys[i + 1].flags & JOIN))
            qt_buf_putc(b, '\n');
    }
}

size_t qt_keys_bar(const struct qt_shell *ui, struct qt_bar_item *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < NKEYS && n < max; i++) {
        const struct shell_key *k = &shell_keys[i];
        if (k->flags & PANE_KEYS) {
            for (int p = 0; p < ui->npanes && n < max; p++) {
                const qt_pane_def *d = hotkey_pane(ui, p);
                if (!d || !d->hotkey_bar)
                    continue;
                snprintf(out[n].key, sizeof out[n].key, "%c", (char)d->hotkey);
                out[n++].word = d->hotkey_bar;
            }
        } else if (k->bar_key) {
            snprintf(out[n].key, sizeof out[n].key, "%s", k->bar_key);
            out[n++].word = k->bar_word;
        }
    }
    return n;
}

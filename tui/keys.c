/* keys.c - key dispatch: the open dialog, the input line, the focused
 * view's own keys, then the keys that work everywhere. */
#include "tui/app.h"

#include <string.h>

/* A key a pane declared for every pane (qt_pane_def.hotkey, e.g. a for the
 * authentication wizard): focus that pane, then hand it the key. */
static void pane_hotkey(struct qt_shell *ui, int key)
{
    for (int i = 0; i < ui->npanes; i++)
        if (ui->panes[i].def->hotkey && ui->panes[i].def->hotkey == key) {
            struct qt_pane_state *ap = &ui->panes[i];
            qt_level *al = qt_pane_level(ap);
            struct qt_view_in in;
            qt_nav_focus(ui, i);
            qt_shell_view_in(ui, &in);
            in.key = al->key;
            if (al->view->key && ui->snap)
                al->view->key(&ui->handle, &in, qt_level_selected(al), key);
            return;
        }
}

static void handle_key(struct qt_shell *ui, int key, int is_code)
{
    struct qt_pane_state *p = qt_focused(ui);
    qt_level *l = qt_pane_level(p);

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
    if (!is_code && key == 'Q') {
        ui->quit = 1;
        return;
    }
    if (ui->too_small)
        return;
    /* the focused view's own keys come first */
    if (!is_code && l->view->key && ui->snap) {
        struct qt_view_in in;
        qt_shell_view_in(ui, &in);
        in.key = l->key;
        if (l->view->key(&ui->handle, &in, qt_level_selected(l), key)) {
            ui->dirty = 1;
            return;
        }
    }
    ui->dirty = 1;
    if (is_code) {
        switch (key) {
        case KEY_UP: qt_level_move(l, -1); break;
        case KEY_DOWN: qt_level_move(l, 1); break;
        case KEY_PPAGE: qt_level_move(l, -qt_nav_page_rows(ui)); break;
        case KEY_NPAGE: qt_level_move(l, qt_nav_page_rows(ui)); break;
        case KEY_HOME: qt_level_home(l, 0); break;
        case KEY_END: qt_level_home(l, 1); break;
        case KEY_ENTER: case KEY_RIGHT: qt_nav_push(ui); break;
        case KEY_LEFT: case KEY_BACKSPACE: qt_nav_pop(ui); break;
        case KEY_BTAB: qt_nav_focus(ui, (ui->focus + ui->npanes - 1) % ui->npanes); break;
        case KEY_F(1): qt_help_open(ui); break;
        default: break;
        }
        return;
    }
    switch (key) {
    case 'k': qt_level_move(l, -1); break;
    case 'j': qt_level_move(l, 1); break;
    case 'g': qt_level_home(l, 0); break;
    case 'G': qt_level_home(l, 1); break;
    case '\r': case '\n': case 'l': qt_nav_push(ui); break;
    case 'h': case 127: case 8: case 27: qt_nav_pop(ui); break;
    case 'q':
        if (!qt_nav_pop(ui))
            ui->quit = 1;
        break;
    case '\t': qt_nav_focus(ui, (ui->focus + 1) % ui->npanes); break;
    case 'z':
        ui->zoom = !ui->zoom;
        p->auto_zoomed = 0;
        ui->relayout = 1;
        break;
    case '?': qt_help_open(ui); break;
    case '/': qt_input_begin(ui, QT_INPUT_SEARCH); break;
    case 'n':
    case 'N':
        if (!l->search[0])
            qt_shell_flash(ui, "no search yet: / starts one");
        else if (!qt_level_search(l, key == 'n' ? 1 : -1, 0))
            qt_shell_flash(ui, "no row matches \"%s\"", l->search);
        break;
    case 'f': case '\\': qt_input_begin(ui, QT_INPUT_FILTER); break;
    case 'c':
        l->filter[0] = '\0';
        qt_level_refilter(l);
        break;
    case '<': qt_level_sort_cycle(l, -1); break;
    case '>': qt_level_sort_cycle(l, 1); break;
    case 'I':
        if (qt_level_sort_col(l) < 0) {
            qt_shell_flash(ui, "no sort column yet: < or > picks one");
        } else {
            l->sort_col = qt_level_sort_col(l);
            l->sort_desc = !qt_level_sort_desc(l);
            qt_level_refilter(l);
        }
        break;
    case 'w':
        qt_export_report(ui);
        break;
    case 'p': case 'Z':
        if (ui->loaded) {
            qt_shell_flash(ui, "a loaded report is frozen: it has no live data");
            break;
        }
        ui->frozen = !ui->frozen;
        qt_shell_flash(ui, ui->frozen ? "frozen: sampling paused (p resumes)" : "sampling resumed");
        if (!ui->frozen)
            ui->want_sample = 1;
        break;
    case 'r':
        if (ui->loaded)
            qt_shell_flash(ui, "a loaded report cannot be re-sampled");
        else
            ui->want_sample = 1;
        break;
    case 12: /* Ctrl-L */
        ui->repaint_all = 1;
        break;
    default:
        if (key >= '1' && key <= '9')
            qt_nav_focus(ui, key - '1');
        else
            pane_hotkey(ui, key);
        break;
    }
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

/* input.c - the input line: incremental search (/) and the row filter (f),
 * edited in the status line; Enter keeps, Esc restores what was there. */
#include "tui/app.h"

#include <stdio.h>
#include <string.h>

void qt_input_begin(struct qt_shell *ui, enum qt_input_mode m)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    ui->input = m;
    if (m == QT_INPUT_FILTER) {
        snprintf(ui->input_saved, sizeof ui->input_saved, "%s", l->filter);
        snprintf(ui->input_buf, sizeof ui->input_buf, "%s", l->filter);
    } else {
        snprintf(ui->input_saved, sizeof ui->input_saved, "%s", l->search);
        ui->input_saved_sel = l->sel;
        ui->input_buf[0] = '\0';
    }
    curs_set(1);
    ui->dirty = 1;
}

static void input_apply(struct qt_shell *ui)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    if (ui->input == QT_INPUT_FILTER) {
        snprintf(l->filter, sizeof l->filter, "%s", ui->input_buf);
        qt_level_refilter(l);
    } else {
        snprintf(l->search, sizeof l->search, "%s", ui->input_buf);
        l->sel = ui->input_saved_sel;
        qt_level_search(l, 1, 1);
    }
}

void qt_input_key(struct qt_shell *ui, int key, int is_code)
{
    qt_level *l = qt_pane_level(qt_focused(ui));
    size_t n = strlen(ui->input_buf);

    if (!is_code && (key == '\r' || key == '\n')) {
        ui->input = QT_INPUT_NONE;
        curs_set(0);
    } else if (!is_code && key == 27) {
        snprintf(ui->input_buf, sizeof ui->input_buf, "%s", ui->input_saved);
        if (ui->input == QT_INPUT_FILTER) {
            input_apply(ui);
        } else {
            snprintf(l->search, sizeof l->search, "%s", ui->input_saved);
            l->sel = ui->input_saved_sel;
        }
        ui->input = QT_INPUT_NONE;
        curs_set(0);
    } else if ((is_code && key == KEY_BACKSPACE) || (!is_code && (key == 127 || key == 8))) {
        if (n)
            ui->input_buf[n - 1] = '\0';
        input_apply(ui);
    } else if (!is_code && key >= 32 && key < 127 && n + 1 < sizeof ui->input_buf) {
        ui->input_buf[n] = (char)key;
        ui->input_buf[n + 1] = '\0';
        input_apply(ui);
    }
    ui->dirty = 1;
}

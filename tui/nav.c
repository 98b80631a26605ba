/* nav.c - moving between panes and levels: drill down, back, focus, page size. */
#include "tui/app.h"

void qt_nav_push(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    qt_level *l = qt_pane_level(p);
    const char *id = qt_level_selected(l);
    const qt_view *next;
    struct qt_view_in in;

    if (!id)
        return;
    qt_shell_view_in(ui, &in);
    in.key = l->key;
    next = qt_view_drill(l->view, &in, id);
    if (!next) {
        qt_shell_flash(ui, "nothing more to open here");
        return;
    }
    if (p->depth == QT_MAX_DEPTH) {
        qt_shell_flash(ui, "too deep");
        return;
    }
    qt_level_init(&p->stack[p->depth], next, id);
    p->depth++;
    qt_level_build(qt_pane_level(p), &in);
    if (!ui->zoom) {
        ui->zoom = 1;
        p->auto_zoomed = 1;
        ui->relayout = 1;
    }
    ui->dirty = 1;
}

int qt_nav_pop(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    if (p->depth > 1) {
        qt_level_free(&p->stack[--p->depth]);
        if (p->depth == 1 && p->auto_zoomed) {
            ui->zoom = 0;
            p->auto_zoomed = 0;
            ui->relayout = 1;
        }
        ui->dirty = 1;
        return 1;
    }
    if (ui->zoom) {
        ui->zoom = 0;
        p->auto_zoomed = 0;
        ui->relayout = 1;
        ui->dirty = 1;
        return 1;
    }
    return 0;
}

void qt_nav_focus(struct qt_shell *ui, int i)
{
    if (i < 0 || i >= ui->npanes || i == ui->focus)
        return;
    if (ui->zoom && qt_focused(ui)->auto_zoomed) {
        /* leaving a drilled pane: keep its stack, drop the automatic zoom */
        qt_focused(ui)->auto_zoomed = 0;
        ui->zoom = 0;
    }
    ui->focus = i;
    ui->relayout = 1;
    ui->dirty = 1;
}

int qt_nav_page_rows(struct qt_shell *ui)
{
    struct qt_pane_state *p = qt_focused(ui);
    int h = p->win ? getmaxy(p->win) : 10;
    return h > 4 ? h - 3 : 1;
}

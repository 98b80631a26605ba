/* export.c - the w key: the report (Markdown + JSON) of what is on screen. */
#include "tui/app.h"
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

/* Write Markdown + JSON of what is on screen: every pane with its top
 * level's filter and sort, the snapshot as frozen or live. */
void qt_export_report(struct qt_shell *ui)
{
    struct qt_report_view_state *vs;
    struct qt_report_in in;
    char paths[2048], err[512];

    if (!ui->snap) {
        qt_shell_flash(ui, "nothing to export yet: no sample taken");
        return;
    }
    vs = qt_calloc((size_t)ui->npanes, sizeof *vs);
    for (int i = 0; i < ui->npanes; i++) {
        qt_level *l = &ui->panes[i].stack[0];
        vs[i] = (struct qt_report_view_state){.pane = ui->panes[i].def->name, .filter = l->filter,
                                              .sort_col = qt_level_sort_col(l), .sort_desc = qt_level_sort_desc(l)};
    }
    memset(&in, 0, sizeof in);
    in.ctx = ui->ctx;
    in.snap = ui->snap;
    in.hist = ui->loaded ? NULL : &ui->sampler.hist;
    in.store = ui->loaded;
    in.frozen = ui->frozen;
    in.views = vs;
    in.nviews = (size_t)ui->npanes;
    if (qt_report_export(&in, ui->cfg.report_dir, paths, sizeof paths, err, sizeof err) == 0)
        qt_shell_flash(ui, "report written: %s", paths);
    else
        qt_shell_flash(ui, "report NOT written: %s", err);
    free(vs);
}

/* findings.c - the Findings pane: every finding, worst first; Enter shows
 * its evidence, explanation and fix, wrapped; v (or Enter in the detail)
 * opens the whole finding in the pager. */
#include "panes/pane.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"

#include <stdio.h>
#include <string.h>

/* Add text as rows labelled label, wrapped to the detail's width
 * (panes/table.h): commands (fix, evidence) at shell-safe points with " \\",
 * prose at words. */
static void add_lines(qt_table *t, const char *label, const char *raw, unsigned char role, int cmd)
{
    if (*raw)
        qt_table_kv_text(t, label, label, role, raw, cmd);
}

/* The whole finding as plain text, for the pager. */
static void finding_text(const qt_finding *f, qt_buf *b)
{
    qt_buf_printf(b, "%s  %s\ncheck: %s (%s)\n", qt_sev_name(f->sev), f->title, f->source, f->id);
    if (*f->subject)
        qt_buf_printf(b, "subject: %s\n", f->subject);
    if (*f->evidence)
        qt_buf_printf(b, "\nevidence:\n%s\n", f->evidence);
    if (*f->explain)
        qt_buf_printf(b, "\nwhy:\n%s\n", f->explain);
    if (*f->fix)
        qt_buf_printf(b, "\nfix:\n%s\n", f->fix);
}

/* Open finding id whole in the pager (the shell escapes and wraps it). */
static int open_pager(struct qt_ui *ui, const qt_snapshot *snap, const char *id)
{
    const qt_finding *f = id && snap ? qt_findings_find(&snap->findings, id) : NULL;
    qt_buf b = {0};
    if (!f) {
        qt_ui_flash(ui, "no finding selected (or it is gone in this sample)");
        return 1;
    }
    finding_text(f, &b);
    qt_ui_text(ui, f->title, qt_buf_str(&b));
    qt_buf_free(&b);
    return 1;
}

/* y: the finding's fix commands to the clipboard and a 0600 file (ui_ops.h). */
static int copy_fix(struct qt_ui *ui, const qt_snapshot *snap, const char *id)
{
    const qt_finding *f = id && snap ? qt_findings_find(&snap->findings, id) : NULL;
    if (!f)
        qt_ui_flash(ui, "no finding selected (or it is gone in this sample)");
    else if (!*f->fix)
        qt_ui_flash(ui, "this finding has no fix to copy");
    else
        qt_ui_copy(ui, "the fix", f->fix, 0);
    return 1;
}

static int k_list_copy(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return copy_fix(ui, in->snap, row_id);
}

static int k_detail_copy(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    (void)row_id;
    return copy_fix(ui, in->snap, in->key);
}

static int k_list_view(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    return open_pager(ui, in->snap, row_id);
}

static int k_detail_view(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)ch;
    (void)row_id;
    return open_pager(ui, in->snap, in->key);
}

static const struct qt_view_key list_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the finding: evidence, why, fix (wrapped)"},
    {{'v'}, "v", k_list_view, "the whole finding in the pager (/ searches, q closes)"},
    {{'y'}, "y", k_list_copy, "copy the fix to your clipboard (OSC 52; in tmux only with set -g set-clipboard on) and to a 0600 file (path shown)"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key detail_keys[] = {
    {{'v', '\r', '\n'}, "v Enter", k_detail_view, "the whole finding in the pager (/ searches, q closes)"},
    {{'y'}, "y", k_detail_copy, "copy the fix to your clipboard (OSC 52; in tmux only with set -g set-clipboard on) and to a 0600 file (path shown)"},
    {{0}, NULL, NULL, NULL},
};

static void build_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_finding *f = qt_findings_find(&in->snap->findings, in->key);
    (void)head;
    qt_table_init(t, "Finding");
    qt_table_col(t, "", 9, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    if (!f) {
        qt_table_note(t, QT_ROLE_DIM, "this finding is gone in the current sample");
        return;
    }
    snprintf(t->title, sizeof t->title, "Finding: %s", f->title);
    qt_table_row(t, "sev");
    qt_table_cell(t, QT_ROLE_DIM, "severity");
    qt_table_cell(t, qt_sev_role(f->sev), "%s", qt_sev_name(f->sev));
    add_lines(t, "title", f->title, QT_ROLE_NORMAL, 0);
    qt_table_row(t, "src");
    qt_table_cell(t, QT_ROLE_DIM, "check");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s (%s)", f->source, f->id);
    add_lines(t, "subject", f->subject, QT_ROLE_NORMAL, 0);
    add_lines(t, "evidence", f->evidence, QT_ROLE_NORMAL, 1);
    add_lines(t, "why", f->explain, QT_ROLE_NORMAL, 0);
    add_lines(t, "fix", f->fix, QT_ROLE_HILITE, 1);
}

static const qt_view detail_view = {
    .name = "findings.detail",
    .build = build_detail,
    .keys = detail_keys,
};

static void build_list(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_findings *fs = &in->snap->findings;
    (void)head;
    qt_table_init(t, "Findings");
    qt_table_col(t, "SEV", 4, 0);
    qt_table_col(t, "CHECK", 8, 0);
    qt_table_col(t, "SUBJECT", 12, 0);
    qt_table_col(t, "FINDING", 30, QT_COL_FLEX);
    for (size_t i = 0; i < fs->n; i++) {
        const qt_finding *f = &fs->v[i];
        qt_table_row(t, "%s", f->id);
        qt_table_cell_num(t, qt_sev_role(f->sev), -(double)f->sev, "%s", qt_sev_name(f->sev));
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", f->source);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", f->subject);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", f->title);
    }
    t->cols[0].flags |= QT_COL_NUM;
    if (fs->n == 0)
        qt_table_note(t, QT_ROLE_OK, "no findings in this sample");
}

static const qt_view *drill_list(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    (void)row_id;
    return &detail_view;
}

static const qt_view list_view = {
    .name = "findings",
    .build = build_list,
    .drill = drill_list,
    .keys = list_keys,
};

const qt_pane_def qt_pane_findings = {
    .name = "Findings",
    .top = &list_view,
    .legend = "CRIT  hurting users now\nWARN  will hurt soon\nINFO  worth knowing\nOK    checked and fine",
    .slot = QT_SLOT_BOTTOM,
    .min_rows = 5,   /* title, header and three rows */
};

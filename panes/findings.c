/* findings.c - the Findings pane: every finding, worst first; Enter shows
 * its evidence, explanation and fix. */
#include "panes/pane.h"
#include "panes/panes.h"

#include <stdio.h>
#include <string.h>

static const qt_finding *find(const qt_snapshot *snap, const char *id)
{
    for (size_t i = 0; i < snap->findings.n; i++)
        if (strcmp(snap->findings.v[i].id, id) == 0)
            return &snap->findings.v[i];
    return NULL;
}

/* Add each line of text as a row, first line prefixed with label. */
static void add_lines(qt_table *t, const char *label, const char *text, unsigned char role)
{
    int first = 1;
    int n = 0;
    if (!*text)
        return;
    for (const char *p = text;; ) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        qt_table_row(t, "%s.%d", label, n++);
        qt_table_cell(t, QT_ROLE_DIM, "%s", first ? label : "");
        qt_table_cell(t, role, "%.*s", len, p);
        first = 0;
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void build_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_finding *f = find(in->snap, in->key);
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
    qt_table_row(t, "title");
    qt_table_cell(t, QT_ROLE_DIM, "title");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", f->title);
    qt_table_row(t, "src");
    qt_table_cell(t, QT_ROLE_DIM, "check");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s (%s)", f->source, f->id);
    add_lines(t, "subject", f->subject, QT_ROLE_NORMAL);
    add_lines(t, "evidence", f->evidence, QT_ROLE_NORMAL);
    add_lines(t, "why", f->explain, QT_ROLE_NORMAL);
    add_lines(t, "fix", f->fix, QT_ROLE_HILITE);
}

static const qt_view detail_view = {
    .name = "findings.detail",
    .build = build_detail,
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
};

const qt_pane_def qt_pane_findings = {
    .name = "Findings",
    .top = &list_view,
    .legend = "CRIT  hurting users now\nWARN  will hurt soon\nINFO  worth knowing\nOK    checked and fine",
    .slot = QT_SLOT_BOTTOM,
    .min_rows = 5,   /* title, header and three rows */
};

/* config.c - the Config pane (issue 17): the mail configuration files
 * qtriage read (diag/config/config.h) with the findings about each; Enter
 * shows a file with the lines the findings cite marked. Secret files (a
 * certificate's key, SRS secrets) are listed, never shown. Every byte of a
 * file reaches the screen through qt_table_cell, which escapes it. */
#include "panes/pane.h"
#include "panes/panes.h"
#include "diag/config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Worst severity and count of the config findings about path. */
static enum qt_sev file_sev(const qt_snapshot *snap, const char *path, size_t *n, const qt_finding **worst)
{
    enum qt_sev w = QT_SEV_OK;
    *n = 0;
    *worst = NULL;
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        if (strcmp(f->source, "config") != 0 || strcmp(f->subject, path) != 0)
            continue;
        (*n)++;
        if (!*worst || f->sev > w) {
            w = f->sev;
            *worst = f;
        }
    }
    return w;
}

static const char *state_of(const struct qt_cfg_file *f)
{
    if (f->present == 0)
        return "missing";
    if (f->present < 0)
        return "refused";
    if (f->secret)
        return "secret";
    return f->truncated ? "cut" : "present";
}

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    qt_table_init(t, "Mail configuration files");
    qt_table_col(t, "SEV", 4, 0);
    qt_table_col(t, "KIND", 7, 0);
    qt_table_col(t, "FILE", 40, 0);
    qt_table_col(t, "STATE", 7, 0);
    qt_table_col(t, "N", 3, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "FINDING", 30, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_CONFIG, t))
        return;
    const qt_config *cfg = in->snap->config;
    size_t present = 0, nf = 0;
    for (size_t i = 0; i < cfg->n; i++) {
        const struct qt_cfg_file *f = &cfg->files[i];
        size_t n;
        const qt_finding *w;
        enum qt_sev sev = file_sev(in->snap, f->path, &n, &w);
        present += f->present == 1;
        if (f->present != 1 && n == 0)
            continue;  /* a missing file qmail does not need */
        nf += n;
        qt_table_row(t, "f:%s", f->path);
        qt_table_cell_num(t, n ? qt_sev_role(sev) : QT_ROLE_DIM, -(double)sev, "%s", n ? qt_sev_name(sev) : "-");
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", qt_cfg_kind_name(f->kind));
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", f->path);
        qt_table_cell(t, f->present == 1 ? QT_ROLE_NORMAL : QT_ROLE_WARN, "%s", state_of(f));
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)n, "%zu", n);
        qt_table_cell(t, w ? qt_sev_role(w->sev) : QT_ROLE_DIM, "%s", w ? w->title : "");
    }
    t->cols[0].flags |= QT_COL_NUM;
    qt_table_init(head, "Config");
    qt_table_col(head, "", 10, 0);
    qt_table_col(head, "", 40, QT_COL_FLEX);
    if (!cfg->installed) {
        qt_table_note(t, QT_ROLE_DIM, "no %s/control directory: qmail is not installed here (--qmail-dir names it)",
                      cfg->prefix);
        return;
    }
    qt_table_kv(head, "prefix", "qmail", QT_ROLE_NORMAL, "%s", cfg->prefix);
    qt_table_kv(head, "files", "files", nf ? QT_ROLE_WARN : QT_ROLE_OK, "%zu read, %zu findings%s", present, nf,
                cfg->capped ? "; file limit reached, the rest unread" : "");
    qt_table_kv(head, "sh", "/bin/sh", QT_ROLE_NORMAL, "%s (runs '|' lines of .qmail files)",
                cfg->binsh[0] ? cfg->binsh : "unknown");
    if (cfg->vpopmail_home[0])
        qt_table_kv(head, "vpopmail", "~vpopmail", QT_ROLE_NORMAL, "%s", cfg->vpopmail_home);
    qt_table_kv(head, "reread", "re-read", QT_ROLE_DIM, "when a watched mtime changes, and on r");
}

/* Line numbers the findings about path cite as "line N:" in their evidence. */
static int cited(const qt_snapshot *snap, const char *path, int no)
{
    char pat[32];
    snprintf(pat, sizeof pat, "line %d:", no);
    size_t pl = strlen(pat);
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        if (strcmp(f->source, "config") != 0 || strcmp(f->subject, path) != 0)
            continue;
        for (const char *e = f->evidence; (e = strstr(e, pat)); e += pl)
            if (e == f->evidence || e[-1] == '\n' || e[-1] == ' ')
                return f->sev > QT_SEV_INFO ? 2 : 1;
    }
    return 0;
}

static void build_file(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    qt_table_init(t, "File");
    qt_table_col(t, "LINE", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "", 1, 0);
    qt_table_col(t, "TEXT", 40, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_CONFIG, t))
        return;
    const char *path = in->key && strncmp(in->key, "f:", 2) == 0 ? in->key + 2 : "";
    const struct qt_cfg_file *f = qt_config_by_path(in->snap->config, path);
    if (!f) {
        qt_table_note(t, QT_ROLE_DIM, "this file is no longer in the sample");
        return;
    }
    qt_table_init(head, f->path);
    qt_table_col(head, "", 5, 0);
    qt_table_col(head, "", 40, QT_COL_FLEX);
    size_t k = 0;
    for (size_t i = 0; i < in->snap->findings.n; i++) {
        const qt_finding *x = &in->snap->findings.v[i];
        if (strcmp(x->source, "config") != 0 || strcmp(x->subject, f->path) != 0)
            continue;
        qt_table_row(head, "x:%zu", k++);
        qt_table_cell(head, qt_sev_role(x->sev), "%s", qt_sev_name(x->sev));
        qt_table_cell(head, QT_ROLE_NORMAL, "%s", x->title);
        if (x->fix[0]) {
            qt_table_row(head, "fix:%zu", k);
            qt_table_cell(head, QT_ROLE_DIM, "fix");
            qt_table_cell(head, QT_ROLE_NORMAL, "%s", x->fix);
        }
    }
    if (f->secret) {
        qt_table_note(t, QT_ROLE_DIM, "%s holds a key or a secret: never shown", f->path);
        return;
    }
    if (f->present != 1) {
        qt_table_note(t, QT_ROLE_WARN, "%s", f->present ? f->why : "no such file");
        return;
    }
    int no = 0;
    for (const char *s = f->text; s && s < f->text + f->len;) {
        const char *nl = memchr(s, '\n', (size_t)(f->text + f->len - s));
        size_t l = nl ? (size_t)(nl - s) : (size_t)(f->text + f->len - s);
        int c = cited(in->snap, f->path, ++no);
        qt_table_row(t, "l:%d", no);
        qt_table_cell_num(t, QT_ROLE_DIM, no, "%d", no);
        qt_table_cell(t, c == 2 ? QT_ROLE_WARN : c ? QT_ROLE_INFO : QT_ROLE_NORMAL, "%s", c ? ">" : "");
        qt_table_cell(t, c == 2 ? QT_ROLE_WARN : QT_ROLE_NORMAL, "%.*s", (int)(l > 4000 ? 4000 : l), s);
        s += l + (nl ? 1 : 0);
    }
    if (f->truncated)
        qt_table_note(t, QT_ROLE_DIM, "cut at %d bytes", QT_CONFIG_MAX_FILE);
    else if (no == 0)
        qt_table_note(t, QT_ROLE_DIM, "empty file");
}

static const struct qt_view_key keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "show the file, the lines the findings cite marked with > (secret files are never shown)"},
    {{0}, NULL, NULL, NULL},
};

static const qt_view file_view = {
    .name = "config.file",
    .build = build_file,
};

static const qt_view *drill_top(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && strncmp(row_id, "f:", 2) == 0 ? &file_view : NULL;
}

static const qt_view top = {
    .name = "config",
    .build = build_top,
    .drill = drill_top,
    .keys = keys,
};

const qt_pane_def qt_pane_config = {
    .name = "Config",
    .top = &top,
    .legend = "The mail configuration files read under --root, worst finding first.\n"
              "KIND  control, alias (~alias/.qmail-*), assign (users/assign), domain (a vpopmail domain's .qmail-*),\n"
              "      user (a vpopmail user's .qmail, read by vdelivermail), rules (tcp.smtp)\n"
              "STATE present, missing (only when a finding needs it), refused (not a regular file...), secret (never shown)",
    .slot = QT_SLOT_NONE,
    .min_rows = 5,
};

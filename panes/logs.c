/* logs.c - the Logs pane (issue 16): what the mail logs say. The top view
 * lists the categories with their counts and rates, then the per-IP,
 * per-user and per-domain tables; Enter drills to the lines themselves
 * (redacted, decoded time, source). A lines view is frozen when opened; F
 * makes it follow each new sample (and F again freezes it). */
#include "panes/pane.h"
#include "panes/logs_views.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"
#include "diag/logmon/logmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const qt_view list_view, tab_view, lines_view, line_view;

static void add_src_head(const qt_logmon *m, qt_table *h)
{
    qt_table_init(h, "Sources");
    qt_table_col(h, "SOURCE", 12, 0);
    qt_table_col(h, "LINES", 8, QT_COL_RIGHT);
    qt_table_col(h, "FILE / STATE", 30, QT_COL_FLEX);
    for (size_t i = 0; i < m->nsrc; i++) {
        const struct qt_logmon_src *s = &m->src[i];
        qt_table_row(h, "src:%s", s->name);
        qt_table_cell(h, QT_ROLE_NORMAL, "%s", s->name);
        qt_table_cell(h, QT_ROLE_NORMAL, "%lu", s->lines);
        if (s->gone)
            qt_table_cell(h, QT_ROLE_WARN, "gone: %s no longer found (its counts stay)", s->path);
        else if (*s->err)
            qt_table_cell(h, QT_ROLE_WARN, "unreadable: %s", s->err);
        else
            qt_table_cell(h, QT_ROLE_DIM, "%s (%s)", s->path, s->why);
    }
    if (!m->nsrc)
        qt_table_note(h, QT_ROLE_DIM, "no mail log found (multilog directories from log/run, /var/log/maillog ...)");
}

static unsigned char cat_role(enum qt_log_cat c)
{
    switch (c) {
    case QT_LOG_SEND_ALERT: return QT_ROLE_CRIT;
    case QT_LOG_AUTH_FAIL:
    case QT_LOG_DOUBLE_BOUNCE:
    case QT_LOG_TRIPLE_BOUNCE:
    case QT_LOG_NO_MAILBOX:
    case QT_LOG_HELO_REJECTED:
    case QT_LOG_DOMAIN_NOT_FOUND: return QT_ROLE_WARN;
    default: return QT_ROLE_NORMAL;
    }
}

static void tab_row(qt_table *t, const char *id, const char *what, unsigned long n, unsigned long evicted)
{
    qt_table_row(t, "%s", id);
    qt_table_cell(t, QT_ROLE_INFO, "%s", what);
    qt_table_cell_num(t, QT_ROLE_NORMAL, (double)n, "%lu", n);
    qt_table_cell(t, QT_ROLE_DIM, "-");
    qt_table_cell(t, QT_ROLE_DIM, "%s", "");   /* no sparkline */
    if (evicted)
        qt_table_cell(t, QT_ROLE_DIM, "top %d entries, %lu more in \"others\"", QT_LOGMON_TOP, evicted);
    else
        qt_table_cell(t, QT_ROLE_DIM, "Enter: the table");
}

static void build_list(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_logmon *m = in->snap->logs;
    char spark[QT_LOGMON_SPARK_MIN + 1];

    qt_table_init(t, "Logs");
    qt_table_col(t, "CATEGORY", 17, 0);
    qt_table_col(t, "LINES", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "/MIN", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "LAST 30 MIN", QT_LOGMON_SPARK_MIN, QT_COL_SPARK);
    qt_table_col(t, "LAST LINE", 10, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_LOGS, t))
        return;
    add_src_head(m, head);
    for (int c = 0; c < QT_LOG_NCATS; c++) {
        const struct qt_logmon_line *l = qt_logmon_recent(m, (enum qt_log_cat)c, 0);
        if (!m->count[c])
            continue;
        qt_table_row(t, "cat:%s", qt_log_cat_name((enum qt_log_cat)c));
        qt_table_cell(t, cat_role((enum qt_log_cat)c), "%s", qt_log_cat_name((enum qt_log_cat)c));
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)m->count[c], "%lu", m->count[c]);
        qt_table_cell_num(t, QT_ROLE_NORMAL, m->rate[c], "%.1f", m->rate[c]);
        qt_logmon_spark_text(m, (enum qt_log_cat)c, m->now, spark);
        qt_table_cell(t, QT_ROLE_INFO, "%s", spark);
        if (l)
            qt_table_cell(t, QT_ROLE_DIM, "%.*s", (int)l->len, l->text);
        else
            qt_table_cell(t, QT_ROLE_DIM, "-");
    }
    tab_row(t, "tab:ips", "per IP", m->ips.n, m->ips.evicted);
    tab_row(t, "tab:users", "per user", m->users.n, m->users.evicted);
    tab_row(t, "tab:domains", "per domain", m->domains.n, m->domains.evicted);
    tab_row(t, "tab:tcpserver", "tcpserver", m->ntcp, 0);
    if (m->own_logins || m->own_conns || m->old_lines)
        qt_table_note(t, QT_ROLE_DIM, "left out: %lu of qtriage's own logins, %lu tcpserver lines of its own "
                      "connections, %lu lines older than the window", m->own_logins, m->own_conns, m->old_lines);
}

static const qt_view *drill_list(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    if (!row_id)
        return NULL;
    if (!strcmp(row_id, "tab:tcpserver"))
        return &qt_logs_tcp_view;
    return !strncmp(row_id, "tab:", 4) ? &tab_view : !strncmp(row_id, "cat:", 4) ? &lines_view : NULL;
}

static const struct qt_logmon_tab *tab_of(const qt_logmon *m, const char *key, const char **what)
{
    if (key && !strcmp(key, "tab:users"))
        return *what = "user", &m->users;
    if (key && !strcmp(key, "tab:domains"))
        return *what = "domain", &m->domains;
    return *what = "ip", &m->ips;
}

static void ent_row(qt_table *t, const char *what, const struct qt_logmon_ent *e, int domains)
{
    struct qt_log_time lt = {QT_STAMP_EPOCH, e->last, 0};
    char when[40];
    qt_log_time_format(&lt, when, sizeof when);
    qt_table_row(t, "%s:%s", what, e->key);
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", e->key);
    qt_table_cell_num(t, e->fail ? QT_ROLE_WARN : QT_ROLE_NORMAL, (double)e->fail, "%lu", e->fail);
    qt_table_cell_num(t, QT_ROLE_NORMAL, (double)e->ok, "%lu", e->ok);
    qt_table_cell_num(t, QT_ROLE_NORMAL, (double)e->other, "%lu", e->other);
    qt_table_cell(t, QT_ROLE_DIM, "%.19s", e->last ? when : "-");
    qt_table_cell(t, QT_ROLE_DIM, "%s", domains && *e->reason ? e->reason : e->service);
}

static void build_tab(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_logmon *m = in->snap->logs;
    const struct qt_logmon_tab *tb;
    const char *what;
    int domains;

    (void)head;
    qt_table_init(t, "Logs");
    if (qt_view_source_state(in, QT_SRC_LOGS, t))
        return;
    tb = tab_of(m, in->key, &what);
    domains = tb == &m->domains;
    snprintf(t->title, sizeof t->title, "Logs per %s", what);
    qt_table_col(t, domains ? "DOMAIN" : what[0] == 'u' ? "USER" : "IP", 22, 0);
    qt_table_col(t, domains ? "FAILED" : "FAIL", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, domains ? "DEFER" : "OK", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, domains ? "NOMBOX" : "CONN", 6, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "LAST", 19, 0);
    qt_table_col(t, domains ? "LAST REASON" : "SERVICE", 20, QT_COL_FLEX);
    for (size_t i = 0; i < tb->n; i++)
        ent_row(t, what, &tb->v[i], domains);
    if (tb->evicted)
        ent_row(t, what, &tb->others, domains);
    if (!tb->n)
        qt_table_note(t, QT_ROLE_DIM, "nothing counted per %s yet", what);
}

static const qt_view *drill_tab(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && strstr(row_id, ":others") == NULL ? &lines_view : NULL;
}

/* ---- the lines ---- */

/* does line l belong to the view opened on key ("cat:NAME", "ip:IP",
 * "user:USER", "domain:DOMAIN")? */
static int line_matches(const struct qt_logmon_line *l, const char *key)
{
    const char *v = strchr(key, ':');
    const char *at;
    if (!v)
        return 0;
    v++;
    if (!strncmp(key, "cat:", 4))
        return !strcmp(qt_log_cat_name(l->cat), v);
    if (!strncmp(key, "ip:", 3))
        return !strcmp(l->ip, v);
    if (!strncmp(key, "user:", 5))
        return !strcmp(l->user, v);
    at = strrchr(l->user, '@');
    return l->cat != QT_LOG_AUTH_FAIL && l->cat != QT_LOG_AUTH_OK && at && !strcmp(at + 1, v);
}

/* The frozen copy of a lines view (F toggles following). One per process:
 * one lines view is open at a time. */
static struct {
    int follow;
    char key[160];
    struct qt_logmon_line *v;
    size_t n;
    char src[QT_LOGMON_SOURCES][64];
} frozen;

/* newest first; equal times in a fixed order (category, then text) so a
 * list made again from the same lines has the same row numbers */
static int by_time_desc(const void *a, const void *b)
{
    const struct qt_logmon_line *x = a, *y = b;
    if (x->sec != y->sec)
        return x->sec < y->sec ? 1 : -1;
    if (x->nsec != y->nsec)
        return x->nsec < y->nsec ? 1 : -1;
    if (x->cat != y->cat)
        return x->cat < y->cat ? -1 : 1;
    return memcmp(x->text, y->text, sizeof x->text);
}

/* The kept lines of m matching key into out (room for every kept line), sorted; the count. */
static size_t collect_lines(const qt_logmon *m, const char *key, struct qt_logmon_line *out)
{
    size_t n = 0;
    for (int c = 0; c < QT_LOG_NCATS; c++)
        for (size_t i = 0;; i++) {
            const struct qt_logmon_line *l = qt_logmon_recent(m, (enum qt_log_cat)c, i);
            if (!l)
                break;
            if (line_matches(l, key))
                out[n++] = *l;
        }
    qsort(out, n, sizeof *out, by_time_desc);
    return n;
}

static void refresh(const qt_logmon *m, const char *key)
{
    free(frozen.v);
    frozen.v = qt_calloc((size_t)QT_LOG_NCATS * QT_LOGMON_RECENT, sizeof *frozen.v);
    snprintf(frozen.key, sizeof frozen.key, "%s", key);
    frozen.n = collect_lines(m, key, frozen.v);
    for (size_t i = 0; i < m->nsrc; i++)
        snprintf(frozen.src[i], sizeof frozen.src[i], "%s", m->src[i].name);
}

static const char *src_name(const struct qt_logmon_line *l)
{
    return l->src >= 0 && l->src < QT_LOGMON_SOURCES ? frozen.src[l->src] : "?";
}

/* A line's row id is "LIST-KEY#N": its list (the lines view's key) and
 * its row there. The line is taken from the frozen copy when that list is
 * the one frozen (what the screen shows), else from the snapshot (a report
 * drills every list in turn). */
static void build_line(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const char *hash = in->key ? strrchr(in->key, '#') : NULL;
    size_t i = hash ? strtoul(hash + 1, NULL, 10) : (size_t)-1;
    char parent[160];
    struct qt_logmon_line *tmp = NULL;
    const struct qt_logmon_line *l = NULL;
    struct qt_log_time lt;
    char when[40];
    qt_buf b = {0};

    (void)head;
    qt_table_init(t, "Log line");
    qt_table_col(t, "", 9, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    snprintf(parent, sizeof parent, "%.*s", hash ? (int)(hash - in->key) : 0, hash ? in->key : "");
    if (frozen.v && !strcmp(frozen.key, parent)) {
        l = i < frozen.n ? &frozen.v[i] : NULL;
    } else if (hash && in->snap->logs) {
        tmp = qt_calloc((size_t)QT_LOG_NCATS * QT_LOGMON_RECENT, sizeof *tmp);
        for (size_t k = 0; k < in->snap->logs->nsrc; k++)
            snprintf(frozen.src[k], sizeof frozen.src[k], "%s", in->snap->logs->src[k].name);
        l = i < collect_lines(in->snap->logs, parent, tmp) ? &tmp[i] : NULL;
    }
    if (!l) {
        qt_table_note(t, QT_ROLE_DIM, "this line is no longer kept");
        return;
    }
    lt = (struct qt_log_time){l->stamped ? QT_STAMP_EPOCH : QT_STAMP_NONE, l->sec, l->nsec};
    qt_log_time_format(&lt, when, sizeof when);
    qt_table_kv(t, "time", "time", QT_ROLE_NORMAL, "%s", l->stamped ? when : "(no stamp: read at the sample)");
    qt_table_kv(t, "src", "source", QT_ROLE_NORMAL, "%s", src_name(l));
    qt_table_kv(t, "cat", "category", cat_role(l->cat), "%s", qt_log_cat_name(l->cat));
    if (*l->ip)
        qt_table_kv(t, "ip", "remote IP", QT_ROLE_NORMAL, "%s", l->ip);
    if (*l->user)
        qt_table_kv(t, "user", "user", QT_ROLE_NORMAL, "%s", l->user);
    qt_buf_put_safe(&b, l->text, l->len);
    qt_table_kv_text(t, "line", "line", QT_ROLE_NORMAL, qt_buf_str(&b), 0);
    qt_buf_free(&b);
    free(tmp);
}

static const qt_view *drill_lines(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && strrchr(row_id, '#') ? &line_view : NULL;
}

static void build_lines(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_logmon *m = in->snap->logs;
    const char *key = in->key ? in->key : "";

    (void)head;
    qt_table_init(t, "Logs");
    qt_table_col(t, "TIME", 14, QT_COL_NUM);
    qt_table_col(t, "SOURCE", 8, 0);
    qt_table_col(t, "CATEGORY", 12, 0);
    qt_table_col(t, "LINE (redacted; Enter: whole)", 30, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_LOGS, t))
        return;
    if (frozen.follow || strcmp(frozen.key, key) || !frozen.v)
        refresh(m, key);
    snprintf(t->title, sizeof t->title, "Logs: %s, newest first (%s)", key,
             frozen.follow ? "following: F freezes" : "frozen: F follows");
    for (size_t i = 0; i < frozen.n; i++) {
        const struct qt_logmon_line *l = &frozen.v[i];
        struct qt_log_time lt = {l->stamped ? QT_STAMP_EPOCH : QT_STAMP_NONE, l->sec, l->nsec};
        char when[40];
        qt_log_time_format(&lt, when, sizeof when);
        qt_table_row(t, "%s#%zu", key, i);
        /* "12-07 09:41:15": the year and date are in the line's detail */
        qt_table_cell_num(t, QT_ROLE_NORMAL, -(double)i, "%.14s", l->stamped ? when + 5 : "(no stamp)");
        qt_table_cell(t, QT_ROLE_DIM, "%s", src_name(l));
        qt_table_cell(t, cat_role(l->cat), "%s", qt_log_cat_name(l->cat));
        qt_table_cell(t, QT_ROLE_NORMAL, "%.*s", (int)(l->len - l->body), l->text + l->body);
    }
    if (!frozen.n)
        qt_table_note(t, QT_ROLE_DIM, "no recent line kept for %s (the last %d of each category are kept)", key,
                      QT_LOGMON_RECENT);
}

static int k_follow(struct qt_ui *ui, const struct qt_view_in *in, const char *row_id, int ch)
{
    (void)in, (void)row_id, (void)ch;
    frozen.follow = !frozen.follow;
    qt_ui_flash(ui, frozen.follow ? "following new lines (F freezes)" : "frozen (F follows new lines)");
    qt_ui_dirty(ui);
    return 1;
}

static const struct qt_view_key list_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "a category's lines, the per-IP / per-user / per-domain table, or tcpserver's listeners"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key tab_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the recent lines of this IP, user or domain"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key lines_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "the whole line (wrapped), its decoded time, source, IP and user"},
    {{'F'}, "F", k_follow, "follow new lines each sample, or freeze the list (it opens frozen)"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key line_keys[] = {
    {{0}, NULL, NULL, NULL},
};

static const qt_view line_view = {
    .name = "logs.line",
    .build = build_line,
    .keys = line_keys,
};

static const qt_view lines_view = {
    .name = "logs.lines",
    .build = build_lines,
    .drill = drill_lines,
    .keys = lines_keys,
};

static const qt_view tab_view = {
    .name = "logs.table",
    .build = build_tab,
    .drill = drill_tab,
    .keys = tab_keys,
};

static const qt_view list_view = {
    .name = "logs",
    .build = build_list,
    .drill = drill_list,
    .keys = list_keys,
};

const qt_pane_def qt_pane_logs = {
    .name = "Logs",
    .top = &list_view,
    .legend = "Lines of the mail logs by category, counted since qtriage started\n"
              "(the window read back at start: --log-window). /MIN: lines a minute\n"
              "in the last sample. Secrets (tried passwords, AUTH strings) are\n"
              "redacted; Enter shows the lines, F follows new ones.",
    .slot = QT_SLOT_NONE,
    .min_rows = 5,
};

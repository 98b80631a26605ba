/* logs_tcp.c - the Logs pane's tcpserver view (issue 16): per listener
 * (a multilog directory, or a syslog tag), its children now and its limit,
 * the peak, the time at the limit in the last QT_SEV_LOG_TCP_WINDOW
 * seconds, denies, abnormal ends and starts; Enter shows one listener:
 * the IPs its rules denied and its abnormal ends with what they usually
 * mean (diag/logmon/logmon_tcp.h). */
#include "panes/logs_views.h"
#include "panes/panes.h"
#include "panes/ui_ops.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"

#include <stdio.h>
#include <string.h>

static const qt_view one_view;

static void clock_of(int64_t t, char *out, size_t n)
{
    struct qt_log_time lt = {QT_STAMP_EPOCH, t, 0};
    char b[40];
    qt_log_time_format(&lt, b, sizeof b);
    snprintf(out, n, "%.14s", t ? b + 5 : "-");   /* "12-07 09:41:15" */
}

static void build_all(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_logmon *m = in->snap->logs;

    (void)head;
    qt_table_init(t, "Logs: tcpserver");
    qt_table_col(t, "LISTENER", 16, QT_COL_FLEX);
    qt_table_col(t, "NOW", 7, QT_COL_RIGHT);
    qt_table_col(t, "PEAK", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "FULL/10M", 8, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "DENY", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "BAD END", 7, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "STARTS", 6, QT_COL_RIGHT | QT_COL_NUM);
    if (qt_view_source_state(in, QT_SRC_LOGS, t))
        return;
    snprintf(t->title, sizeof t->title, "Logs: tcpserver (FULL: time at -c in the last %d min)",
             QT_SEV_LOG_TCP_WINDOW / 60);
    for (size_t i = 0; i < m->ntcp; i++) {
        const struct qt_logmon_tcp *c = &m->tcp[i];
        int64_t now = (int64_t)m->now;
        double full = qt_logmon_tcp_full_secs(c, now - QT_SEV_LOG_TCP_WINDOW, now);
        char dur[24];
        qt_fmt_age(full, dur, sizeof dur);
        qt_table_row(t, "tcp:%s", c->key);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s", c->key);
        if (c->last_status)
            qt_table_cell(t, c->full_since ? QT_ROLE_CRIT : QT_ROLE_NORMAL, "%u/%u", c->busy, c->limit);
        else
            qt_table_cell(t, QT_ROLE_DIM, "-");
        qt_table_cell_num(t, QT_ROLE_NORMAL, c->peak, "%u", c->peak);
        qt_table_cell_num(t, full >= QT_SEV_LOG_TCP_FULL ? QT_ROLE_WARN : QT_ROLE_NORMAL, full, "%s",
                          full > 0 ? dur : "0");
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)c->denies, "%lu", c->denies);
        qt_table_cell_num(t, c->abnormal ? QT_ROLE_WARN : QT_ROLE_NORMAL, (double)c->abnormal, "%lu", c->abnormal);
        qt_table_cell_num(t, QT_ROLE_NORMAL, (double)c->starts, "%lu", c->starts);
    }
    if (!m->ntcp)
        qt_table_note(t, QT_ROLE_DIM, "no tcpserver line read (tcpserver -v writes them to its log)");
    if (m->tcp_dropped)
        qt_table_note(t, QT_ROLE_DIM, "%lu lines of listeners over the first %d not followed", m->tcp_dropped,
                      QT_LOGMON_TCP);
}

static const qt_view *drill_all(const struct qt_view_in *in, const char *row_id)
{
    (void)in;
    return row_id && !strncmp(row_id, "tcp:", 4) ? &one_view : NULL;
}

static void build_one(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    const qt_logmon *m = in->snap->logs;
    const char *key = in->key && !strncmp(in->key, "tcp:", 4) ? in->key + 4 : "";
    const struct qt_logmon_tcp *c = NULL;
    char a[24], b[24];

    (void)head;
    qt_table_init(t, "Logs: tcpserver listener");
    qt_table_col(t, "", 14, 0);
    qt_table_col(t, "", 40, QT_COL_FLEX);
    if (qt_view_source_state(in, QT_SRC_LOGS, t))
        return;
    for (size_t i = 0; i < m->ntcp && !c; i++)
        if (!strcmp(m->tcp[i].key, key))
            c = &m->tcp[i];
    if (!c) {
        qt_table_note(t, QT_ROLE_DIM, "this listener is no longer followed");
        return;
    }
    qt_table_kv(t, "src", "log", QT_ROLE_NORMAL, "%s", m->src[c->src].path);
    if (c->port)
        qt_table_kv(t, "port", "local port", QT_ROLE_NORMAL, "%u (its ok/deny lines)", c->port);
    clock_of(c->full_since, a, sizeof a);
    qt_table_kv(t, "now", "children", c->full_since ? QT_ROLE_CRIT : QT_ROLE_NORMAL, "%u of -c %u%s%s", c->busy,
                c->limit, c->full_since ? ", at the limit since " : "", c->full_since ? a : "");
    clock_of(c->peak_at, b, sizeof b);
    qt_table_kv(t, "peak", "peak", QT_ROLE_NORMAL, "%u at %s", c->peak, b);
    qt_table_kv(t, "conns", "connections", QT_ROLE_NORMAL, "%lu accepted, %lu denied, %lu ended (%lu abnormally), "
                "%lu starts", c->conns, c->denies, c->ends, c->abnormal, c->starts);
    for (size_t i = 0; i < c->ndeny; i++) {
        char id[32];
        snprintf(id, sizeof id, "deny%zu", i);
        clock_of(c->deny[i].last, a, sizeof a);
        qt_table_kv(t, id, i ? "" : "denied IPs", QT_ROLE_NORMAL, "%s: %lu, last %s", c->deny[i].ip,
                    c->deny[i].n, a);
    }
    if (c->deny_others)
        qt_table_kv(t, "deny-others", "", QT_ROLE_DIM, "others: %lu", c->deny_others);
    for (size_t k = 0; k < c->nbad; k++) {
        /* newest first */
        const struct qt_logmon_tcp_end *e = &c->bad[(c->bad_head + QT_LOGMON_TCP_ENDS - 1 - k) % QT_LOGMON_TCP_ENDS];
        char id[32];
        snprintf(id, sizeof id, "end%zu", k);
        clock_of(e->t, a, sizeof a);
        if (e->term_signal)
            qt_table_kv(t, id, k ? "" : "abnormal ends", QT_ROLE_WARN, "%s pid %ld signal %d: %s", a, e->pid,
                        e->term_signal, qt_logmon_tcp_end_meaning(-1, e->term_signal));
        else
            qt_table_kv(t, id, k ? "" : "abnormal ends", QT_ROLE_WARN, "%s pid %ld exit %d: %s", a, e->pid,
                        e->exit_code, qt_logmon_tcp_end_meaning(e->exit_code, 0));
    }
}

static const struct qt_view_key all_keys[] = {
    {{'\r', '\n'}, "Enter", NULL, "one listener: the IPs its rules denied, its abnormal ends and what they mean"},
    {{0}, NULL, NULL, NULL},
};

static const struct qt_view_key one_keys[] = {
    {{0}, NULL, NULL, NULL},
};

static const qt_view one_view = {
    .name = "logs.tcpserver.one",
    .build = build_one,
    .keys = one_keys,
};

const qt_view qt_logs_tcp_view = {
    .name = "logs.tcpserver",
    .build = build_all,
    .drill = drill_all,
    .keys = all_keys,
};

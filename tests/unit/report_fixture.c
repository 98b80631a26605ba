/* report_fixture.c - see report_fixture.h */
#include "tests/unit/report_fixture.h"
#include "panes/panes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double fake_now(void) { return FX_NOW; }

void fx_ctx(qt_ctx *ctx)
{
    qt_ctx_defaults(ctx);
    ctx->now = fake_now;
    ctx->limit = 40;
    ctx->dns_server = "127.0.0.1:5353";
}

/* --- views --- */

static void build_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Detail");
    qt_table_col(t, "FIELD", 8, 0);
    qt_table_col(t, "VALUE", 20, QT_COL_FLEX);
    qt_table_row(t, "key");
    qt_table_cell(t, QT_ROLE_DIM, "key");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", in->key ? in->key : "(none)");
    qt_table_row(t, "q");
    qt_table_cell(t, QT_ROLE_DIM, "quote");
    qt_table_cell(t, QT_ROLE_HILITE, "say \"hi\" \\ then |pipe|");
}

static const qt_view detail_view = {.name = "fx.detail", .build = build_detail};

static void build_leaf(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Leaf");
    qt_table_col(t, "KEY", 8, 0);
    qt_table_row(t, "only");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", in->key);
}

static const qt_view leaf_view = {.name = "fx.leaf", .build = build_leaf};

static const qt_view *drill_many(const struct qt_view_in *in, const char *row)
{
    (void)in;
    (void)row;
    return &leaf_view;
}

static void build_many(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)in;
    (void)head;
    qt_table_init(t, "Many");
    qt_table_col(t, "N", 4, QT_COL_RIGHT | QT_COL_NUM);
    for (int i = 0; i < FX_MANY; i++) {
        qt_table_row(t, "m%d", i);
        qt_table_cell_num(t, QT_ROLE_NORMAL, i, "%d", i);
    }
}

static const qt_view many_view = {.name = "fx.many", .build = build_many, .drill = drill_many};

static const qt_view level_view;

static const qt_view *drill_level(const struct qt_view_in *in, const char *row)
{
    (void)in;
    (void)row;
    return &level_view;
}

/* an endless chain: each level has one row that opens the next */
static void build_level(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Level");
    qt_table_col(t, "NEXT", 8, 0);
    qt_table_row(t, "%s.1", in->key);
    qt_table_cell(t, QT_ROLE_NORMAL, "below %s", in->key);
}

static const qt_view level_view = {.name = "fx.level", .build = build_level, .drill = drill_level};

static const qt_view *drill_top(const struct qt_view_in *in, const char *row)
{
    (void)in;
    if (strcmp(row, "deep") == 0)
        return &level_view;
    if (strcmp(row, "many") == 0)
        return &many_view;
    if (strcmp(row, "leafless") == 0)
        return NULL;
    return &detail_view;
}

static void build_top(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    qt_table_init(head, "Fixture head");
    qt_table_col(head, "K", 4, 0);
    qt_table_col(head, "V", 10, 0);
    qt_table_row(head, "h");
    qt_table_cell(head, QT_ROLE_DIM, "host");
    qt_table_cell(head, QT_ROLE_NORMAL, "%s", in->snap->host);

    qt_table_init(t, "Fixture: hostile cells");
    qt_table_col(t, "NAME", 12, QT_COL_FLEX);
    qt_table_col(t, "COUNT", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "NOTE", 8, 0);
    qt_table_row(t, "r1");
    qt_table_cell(t, QT_ROLE_CRIT, "quote \" backslash \\ tab\there");
    qt_table_cell_num(t, QT_ROLE_NORMAL, 42, "42");
    qt_table_cell(t, QT_ROLE_NORMAL, "nul-free \x01\x02\x7f ctl");
    qt_table_row(t, "r\xff\xfe-not-utf8");
    qt_table_cell(t, QT_ROLE_WARN, "caf\xc3\xa9 lat1 caf\xe9 esc \x1b[31mred\x1b[0m");
    qt_table_cell_num(t, QT_ROLE_NORMAL, -1.5, "-1.5");
    qt_table_cell(t, QT_ROLE_NORMAL, "%s", "");
    qt_table_row(t, "pipe|row");
    qt_table_cell(t, QT_ROLE_NORMAL, "a|b|c `code` *bold* _u_ <script>x</script> [l](u) # h");
    qt_table_cell_num(t, QT_ROLE_NORMAL, 1e300, "1e300");
    qt_table_cell(t, QT_ROLE_NORMAL, "```fence```");
    t->rows[t->nrows - 1].role = QT_ROLE_DIM;
    qt_table_row(t, "deep");
    qt_table_cell(t, QT_ROLE_NORMAL, "deep chain");
    qt_table_cell_num(t, QT_ROLE_NORMAL, 3, "3");
    qt_table_row(t, "many");
    qt_table_cell(t, QT_ROLE_NORMAL, "many rows");
    qt_table_cell_num(t, QT_ROLE_NORMAL, FX_MANY, "%d", FX_MANY);
    qt_table_row(t, "leafless");
    qt_table_cell(t, QT_ROLE_NORMAL, "no drill");
    qt_table_cell_num(t, QT_ROLE_NORMAL, 0.1, "0.1");
    qt_table_note(t, QT_ROLE_WARN, "note with | and \\ and \x1b");
    t->sort_col = 1;
    t->sort_desc = 1;
}

static const qt_view top_view = {.name = "fx.top", .build = build_top, .drill = drill_top};

const qt_pane_def fx_pane = {.name = "Fixture", .top = &top_view, .legend = "fixture legend"};
const qt_pane_def *const fx_panes[] = {&fx_pane, &qt_pane_findings};
const size_t fx_npanes = 2;

/* --- snapshot --- */

qt_snapshot *fx_snapshot(void)
{
    qt_snapshot *s = qt_calloc(1, sizeof *s);
    qt_finding *f;

    s->seq = 7;
    s->wall = FX_WALL;
    s->took = 0.125;
    snprintf(s->host, sizeof s->host, "mx1.example.test");
    s->src[QT_SRC_PROCS].state = QT_SRC_OK;
    s->src[QT_SRC_PROCS].took = 0.01;
    s->src[QT_SRC_SOCKETS].state = QT_SRC_FAILED;
    snprintf(s->src[QT_SRC_SOCKETS].err, sizeof s->src[QT_SRC_SOCKETS].err, "cannot open netlink: Permission denied");

    f = qt_findings_add(&s->findings, QT_SEV_WARN, "zombies", "zombies.parent:4242", "12 zombies under tcpserver 4242");
    qt_finding_subject(f, "pid 4242");
    qt_finding_evidence(f, "4242 tcpserver -v -R -H -l0 127.0.0.1 465 qmail-smtpd");
    qt_finding_fix(f, "svc -t /service/qmail-smtpd");
    qt_finding_incident(f, "zombies", "tcpserver", "tcpserver (pid 4242, service qmail-smtpd): 12 zombie children not reaped");
    f = qt_findings_add(&s->findings, QT_SEV_CRIT, "ports", "ports.limit:smtps", "smtps at 40/40 connections | full");
    qt_finding_subject(f, "smtps");
    qt_finding_evidence(f, "tcpserver: status: 40/40");
    qt_finding_evidence(f, "a line with ``` backticks, \"quotes\", \\ and \x1b[2J");
    qt_finding_explain(f, "New clients wait in the accept queue *forever*.");
    qt_finding_explain(f, "Second line <b>html</b>.");
    qt_finding_fix(f, "svc -t /service/smtps");
    qt_finding_fix(f, "sed -i 's/-c 40/-c 200/' /service/smtps/run");
    qt_finding_incident(f, "saturation", "smtps", "smtps 465: 40 of 40 slots taken; 12 waiting to be accepted");
    f = qt_findings_add(&s->findings, QT_SEV_INFO, "servers", "servers.ident:smtp", "ident lookups are off (-R)");
    f = qt_findings_add(&s->findings, QT_SEV_OK, "procs", "procs.ok", "process table read");
    qt_findings_sort(&s->findings);
    qt_incidents_build(&s->findings, FX_WALL - 90, NULL, &s->incidents);

    qt_metrics_add(&s->metrics, "established", "smtps", 465, 40, 40, "Established connections per service.");
    qt_metrics_add(&s->metrics, "established", "imaps", 993, 3, -1, "Established connections per service.");
    qt_metrics_add(&s->metrics, "accept_queue", "smtps", 465, 12, 20, "Clients waiting to be accepted.");
    qt_metrics_add(&s->metrics, "zombies", NULL, 0, 12, -1, "Defunct processes.");
    qt_metrics_add(&s->metrics, "oldest_seconds", "smtps", 465, 1234.5, -1, "Age of the oldest connection.");
    qt_metrics_add(&s->metrics, "unknown_value", NULL, 0, NAN, -1, "A value that could not be read.");
    qt_metrics_add_unknown(&s->metrics, "stalled", "smtps", 465, 1, 4, 40, "Connections whose mail program is not running.",
                           "socket owners not readable: not root (uid 1000)");
    return s;
}

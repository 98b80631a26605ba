/* Unit tests: --load refuses malformed, truncated, future-version and
 * hostile reports with one clear message, and never crashes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/logmon/logmon.h"
#include "report/report_json.h"
#include "tests/unit/report_fixture.h"

/* A valid export of the fixture, as text and as a tree to mutate. */
static char *valid_text(size_t *len)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf b = {0};

    fx_ctx(&ctx);
    in.ctx = &ctx;
    in.snap = snap;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    d = qt_report_doc_build(&in);
    qt_report_json_text(d, &b);
    qt_report_doc_free(d);
    qt_snapshot_free(snap);
    *len = b.len;
    return qt_buf_steal(&b);
}

static json_t *valid_tree(void)
{
    size_t len;
    char *s = valid_text(&len);
    json_error_t e;
    json_t *j = json_loadb(s, len, 0, &e);
    free(s);
    assert_non_null(j);
    return j;
}

/* Load must fail with a message containing want. */
static void expect_reject(const char *data, size_t len, const char *want)
{
    char err[1024] = "";
    struct qt_report_store *st = qt_report_load_buf(data, len, err, sizeof err);
    if (st) {
        qt_report_store_free(st);
        fail_msg("accepted, want an error with '%s'", want);
    }
    if (!strstr(err, want))
        fail_msg("error '%s' does not say '%s'", err, want);
    assert_null(strchr(err, '\n')); /* one line */
}

static void expect_reject_tree(json_t *j, const char *want)
{
    char *s = json_dumps(j, JSON_COMPACT);
    assert_non_null(s);
    expect_reject(s, strlen(s), want);
    free(s);
    json_decref(j);
}

static json_t *at(json_t *j, const char *path)
{
    /* "panes.0.view.main" */
    char buf[256], *save = NULL;
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok_r(buf, ".", &save); tok && j; tok = strtok_r(NULL, ".", &save))
        j = json_is_array(j) ? json_array_get(j, strtoul(tok, NULL, 10)) : json_object_get(j, tok);
    assert_non_null(j);
    return j;
}

static void valid_loads(void **state)
{
    size_t len;
    char *s = valid_text(&len), err[256];
    struct qt_report_store *st = qt_report_load_buf(s, len, err, sizeof err);
    (void)state;
    assert_non_null(st);
    qt_report_store_free(st);
    free(s);
}

/* Format 3: the incidents come back as written (docs/incidents.md). */
static void incidents_round_trip(void **state)
{
    size_t len;
    char *s = valid_text(&len), err[256];
    struct qt_report_store *st = qt_report_load_buf(s, len, err, sizeof err);
    const qt_incidents *is;
    (void)state;
    assert_non_null(st);
    is = &qt_report_store_snapshot(st)->incidents;
    assert_int_equal(is->n, 2);
    assert_string_equal(is->v[0].id, "svc:smtps");
    assert_string_equal(is->v[0].kind, "saturation");
    assert_string_equal(is->v[0].service, "smtps");
    assert_int_equal(is->v[0].sev, QT_SEV_CRIT);
    assert_true(is->v[0].since == FX_WALL - 90);
    assert_string_equal(is->v[0].impact, "smtps 465: 40 of 40 slots taken; 12 waiting to be accepted");
    assert_string_equal(is->v[0].fix, "svc -t /service/smtps");
    assert_int_equal(is->v[0].nids, 1);
    assert_string_equal(is->v[0].finding_ids[0], "ports.limit:smtps");
    assert_string_equal(is->v[1].id, "zombies:tcpserver");
    assert_int_equal(is->v[1].sev, QT_SEV_WARN);
    qt_report_store_free(st);
    free(s);
}

/* A report saved by the format-2 qtriage (before incidents) still loads:
 * its findings, no incidents. */
static void loads_format_2(void **state)
{
    char err[256];
    struct qt_report_store *st = qt_report_load_file(QT_SRCDIR "/tests/fixtures/reports/v2-zombies.json", err, sizeof err);
    const qt_snapshot *snap;
    (void)state;
    if (!st)
        fail_msg("%s", err);
    snap = qt_report_store_snapshot(st);
    assert_int_equal(snap->findings.n, 13);
    assert_string_equal(snap->findings.v[0].id, "servers.rules-missing:tcpserver:25");
    assert_int_equal(snap->incidents.n, 0);
    qt_report_store_free(st);
}

/* The format-3 file saved from the same fixture: its incidents, worst first. */
static void loads_format_3(void **state)
{
    char err[256];
    struct qt_report_store *st = qt_report_load_file(QT_SRCDIR "/tests/fixtures/reports/v3-zombies.json", err, sizeof err);
    const qt_incidents *is;
    (void)state;
    if (!st)
        fail_msg("%s", err);
    is = &qt_report_store_snapshot(st)->incidents;
    assert_int_equal(is->n, 4);
    assert_string_equal(is->v[0].id, "svc:tcpserver:25");
    assert_string_equal(is->v[0].kind, "service-down");
    assert_int_equal(is->v[0].sev, QT_SEV_CRIT);
    assert_string_equal(is->v[3].id, "zombies:tcpserver");
    assert_int_equal(is->v[3].nids, 2);
    qt_report_store_free(st);
}

/* A hostile incidents member is refused with its place. */
static void bad_incidents(void **state)
{
    json_t *j;
    (void)state;
    j = valid_tree();
    json_object_set_new(at(j, "incidents.0"), "severity", json_string("HUGE"));
    expect_reject_tree(j, "incidents[0]: unknown severity");
    j = valid_tree();
    json_object_set_new(at(j, "incidents.0"), "finding_ids", json_string("x"));
    expect_reject_tree(j, "incidents[0].finding_ids: is a string");
    j = valid_tree();
    json_array_set_new(at(j, "incidents.1.finding_ids"), 0, json_string("a\x1b[2J"));
    expect_reject_tree(j, "incidents[1].finding_ids[0].id: control character 0x1b");
    j = valid_tree();
    json_object_set_new(at(j, "incidents.0"), "kind", json_string(""));
    expect_reject_tree(j, "incidents[0].kind: empty name");
}

static void raw_garbage(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"", "empty file"},
        {"hello", "malformed JSON at line 1"},
        {"[]", "not a qtriage report (the JSON is an array"},
        {"{}", "not a qtriage report (no \"format\""},
        {"{\"format\":\"qtriage-report\"}", "bad format_version"},
        {"{\"format\":\"qtriage-report\",\"format_version\":\"1\"}", "bad format_version"},
        {"{\"format\":\"qtriage-report\",\"format_version\":0}", "bad format_version"},
        {"{\"format\":\"qtriage-report\",\"format_version\":6}", "newer than this qtriage"},
        {"{\"format\":\"qtriage-report\",\"format_version\":99999999999}", "newer than this qtriage"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1,\"format_version\":1}", "duplicate"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1}", "qtriage_version: missing"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1,\"host\":\"a\\u0000b\"}", "malformed"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1,\"host\":\"\xff\xfe\"}", "malformed"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1,", "truncated"},
        {"{\"format\":\"qtriage-r", "truncated"},
        {"{\"format\":\"qtriage-report\",\"format_version\":1} trailing", "malformed"},
    };
    (void)state;
    for (size_t i = 0; i < QT_ARRAY_LEN(cases); i++)
        expect_reject(cases[i].in, strlen(cases[i].in), cases[i].want);
}

static void every_truncation_rejected(void **state)
{
    size_t len, step;
    char *s = valid_text(&len);
    (void)state;
    /* every byte of the start, then cut points all through the file */
    step = len / 400 + 1;
    for (size_t cut = 1; cut < len - 1; cut += cut < 300 ? 1 : step)
        expect_reject(s, cut, "truncated");
    free(s);
}

static void hostile_sizes(void **state)
{
    size_t n = 100000, len;
    char *s = qt_malloc(2 * n + 1), *big;
    (void)state;
    /* deep nesting: stopped before jansson recurses */
    memset(s, '[', n);
    memset(s + n, ']', n);
    expect_reject(s, 2 * n, "nested deeper than");
    free(s);
    /* too many values (each small): stopped before jansson allocates them */
    len = 2 * (QT_REPORT_MAX_VALUES + 10) + 2;
    big = qt_malloc(len + 1);
    big[0] = '[';
    for (size_t i = 0; i < QT_REPORT_MAX_VALUES + 10; i++) {
        big[1 + 2 * i] = '0';
        big[2 + 2 * i] = ',';
    }
    big[len - 1] = ']';
    big[len - 2] = '0';
    expect_reject(big, len, "more than");
    free(big);
    /* a file larger than any report */
    len = QT_REPORT_MAX_BYTES + 1;
    big = qt_calloc(len, 1);
    memset(big, ' ', len);
    expect_reject(big, len, "larger than");
    free(big);
}

static void future_version(void **state)
{
    json_t *j = valid_tree();
    (void)state;
    json_object_set_new(j, "format_version", json_integer(QT_REPORT_FORMAT_VERSION + 1));
    expect_reject_tree(j, "report format version 6 is newer than this qtriage");
}

static void bad_members(void **state)
{
    json_t *j, *row, *cells, *view;
    char name[32];
    (void)state;

    j = valid_tree();
    json_object_del(j, "panes");
    expect_reject_tree(j, "panes: missing");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main.rows.0"), "cells", json_string("x"));
    expect_reject_tree(j, "panes[0].view.main.rows[0].cells: is a string, want an array");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main.rows.0.cells.0"), "text", json_string("red \x1b[31m"));
    expect_reject_tree(j, "panes[0].view.main.rows[0].cells[0].text: control character 0x1b");

    j = valid_tree();
    json_array_remove(at(j, "panes.0.view.main.rows.0.cells"), 0);
    expect_reject_tree(j, "2 cells for 3 columns");

    j = valid_tree();
    for (int i = 0; i < 14; i++)
        json_array_append(at(j, "panes.0.view.main.columns"), at(j, "panes.0.view.main.columns.0"));
    expect_reject_tree(j, "columns: 17 elements, at most 16");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main"), "sort_col", json_integer(99));
    expect_reject_tree(j, "sort_col: 99 is out of range");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main.rows.0.cells.0"), "role", json_string("blink"));
    expect_reject_tree(j, "unknown role");

    j = valid_tree();
    json_object_set_new(at(j, "findings.0"), "severity", json_string("FATAL"));
    expect_reject_tree(j, "findings[0].severity: unknown severity");

    j = valid_tree();
    json_object_set_new(at(j, "findings.0"), "title", json_string("two\nlines"));
    expect_reject_tree(j, "findings[0].title: control character 0x0a");

    j = valid_tree();
    json_object_set_new(at(j, "metrics.0"), "name", json_string(""));
    expect_reject_tree(j, "metrics[0].name: empty name");

    j = valid_tree();
    json_object_set_new(at(j, "snapshot"), "time", json_real(-5));
    expect_reject_tree(j, "snapshot.time: -5 is out of range");

    j = valid_tree();
    {
        char host[300];
        memset(host, 'h', sizeof host - 1);
        host[sizeof host - 1] = '\0';
        json_object_set_new(j, "host", json_string(host));
    }
    expect_reject_tree(j, "host: string of 299 bytes is longer than 255");

    j = valid_tree();
    json_object_set_new(at(j, "collectors.0"), "state", json_string("weird"));
    expect_reject_tree(j, "state must be ok, failed or none");

    j = valid_tree();
    json_array_append(at(j, "panes"), at(j, "panes.0"));
    expect_reject_tree(j, "pane 'Fixture' saved twice");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view"), "key", json_string("k"));
    expect_reject_tree(j, "a pane's top view has a key");

    /* rows: ids */
    j = valid_tree();
    row = at(j, "panes.0.view.main.rows.0");
    json_object_del(row, "id");
    json_object_set_new(row, "id_hex", json_string("abc"));
    expect_reject_tree(j, "id_hex: bad hex length 3");

    j = valid_tree();
    row = at(j, "panes.0.view.main.rows.0");
    json_object_set_new(row, "id_hex", json_string("6162"));
    expect_reject_tree(j, "both id and id_hex given");

    j = valid_tree();
    row = at(j, "panes.0.view.main.rows.0");
    json_object_del(row, "id");
    json_object_set_new(row, "id_hex", json_string("6100"));
    expect_reject_tree(j, "NUL byte in key");

    /* drill-downs must match the row they hang under */
    j = valid_tree();
    view = at(j, "panes.0.view.main.rows.0.drill");
    json_object_set_new(view, "key", json_string("other"));
    expect_reject_tree(j, "drill-down key differs from the row id");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main.rows.0"), "drill_view", json_string("fx.other"));
    expect_reject_tree(j, "differs from drill_view");

    j = valid_tree();
    json_object_set_new(at(j, "panes.0.view.main.rows.0.drill"), "depth", json_integer(2));
    expect_reject_tree(j, "depth does not match the nesting");

    j = valid_tree();
    json_object_del(at(j, "panes.0.view.main.rows.0"), "drill_view");
    expect_reject_tree(j, "a drill-down without drill_view");

    /* a 4th level of drill-down under the deep chain */
    j = valid_tree();
    {
        json_t *rows = at(j, "panes.0.view.main.rows"), *deep = NULL, *v3, *r3, *v4;
        for (size_t i = 0; i < json_array_size(rows); i++)
            if (json_is_string(json_object_get(json_array_get(rows, i), "id")) &&
                strcmp(json_string_value(json_object_get(json_array_get(rows, i), "id")), "deep") == 0)
                deep = json_array_get(rows, i);
        assert_non_null(deep);
        v3 = at(deep, "drill.main.rows.0.drill.main.rows.0.drill");
        r3 = at(v3, "main.rows.0");
        v4 = json_deep_copy(v3);
        json_object_set_new(v4, "depth", json_integer(4));
        json_object_set(v4, "key", json_object_get(r3, "id"));
        json_object_set_new(r3, "drill", v4);
        expect_reject_tree(j, "drill-downs nested deeper than 3 levels");
    }

    /* the same view saved twice for one key */
    j = valid_tree();
    cells = at(j, "panes.1.view.main.rows");
    json_array_append(cells, at(cells, "0"));
    json_object_set_new(at(j, "panes.1.view.main"), "rows_total", json_integer((json_int_t)json_array_size(cells)));
    expect_reject_tree(j, "saved twice for the same key");

    /* wrong types everywhere the loader reads */
    j = valid_tree();
    json_object_set_new(at(j, "snapshot"), "frozen", json_string("yes"));
    expect_reject_tree(j, "snapshot.frozen: is a string, want a boolean");
    snprintf(name, sizeof name, "%s", "x");
    j = valid_tree();
    json_object_set_new(at(j, "options"), "services", json_integer(1));
    expect_reject_tree(j, "options.services: is an integer, want an array");
}

static void unknown_members_ignored(void **state)
{
    json_t *j = valid_tree();
    char *s, err[256];
    struct qt_report_store *st;
    (void)state;
    json_object_set_new(j, "added_in_a_later_minor_version", json_string("x"));
    json_object_set_new(at(j, "panes.0.view.main.rows.0"), "extra", json_true());
    s = json_dumps(j, JSON_COMPACT);
    st = qt_report_load_buf(s, strlen(s), err, sizeof err);
    assert_non_null(st);
    qt_report_store_free(st);
    free(s);
    json_decref(j);
}

static void non_ascii_escaped_on_load(void **state)
{
    json_t *j = valid_tree();
    char *s, err[256];
    struct qt_report_store *st;
    const qt_snapshot *snap;
    (void)state;
    /* a hand-edited report with UTF-8 (and a C1 control) reaches the screen escaped */
    json_object_set_new(j, "host", json_string("mx\xc3\xa9\xc2\x9b"));
    s = json_dumps(j, JSON_COMPACT);
    st = qt_report_load_buf(s, strlen(s), err, sizeof err);
    assert_non_null(st);
    snap = qt_report_store_snapshot(st);
    assert_string_equal(snap->host, "mx\\xc3\\xa9\\xc2\\x9b");
    qt_report_store_free(st);
    free(s);
    json_decref(j);
}

/* s is n copies of "é" (UTF-8), NUL-terminated. */
static char *repeat_e_acute(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        memcpy(s + 2 * i, "\xc3\xa9", 2);
    s[2 * n] = '\0';
    return s;
}

/* The escaped text is whole escapes and printable ASCII (never "\xc" or
 * "\xc3\xa"), and a cut keeps each escaped "é" whole: no "\xc3" alone. */
static void assert_whole_escapes(const char *s)
{
    size_t i = 0, n = strlen(s);
    const char *cut = strstr(s, "...[cut]");
    if (cut && cut - s >= 4)
        assert_memory_equal(cut - 4, "\\xa9", 4);
    while (i < n) {
        if (s[i] == '\\') {
            assert_true(i + 4 <= n);
            assert_int_equal(s[i + 1], 'x');
            i += 4;
        } else {
            assert_true((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
            i++;
        }
    }
}

/* Issue 12 item 8: non-ASCII text within the raw limits grows 4x once
 * escaped as \xNN; the fixed arrays it lands in (table title[128], service
 * name[32], host[256]) must still hold it: cut on an escape boundary and
 * marked "...[cut]", never written past (ASan caught the overflow). */
static void non_ascii_at_the_limits(void **state)
{
    json_t *j = valid_tree(), *svc;
    char title[2 * 63 + 1], name[2 * 15 + 1], host[2 * 127 + 1], *s, err[256];
    struct qt_report_store *st;
    const qt_snapshot *snap;
    const qt_ctx *ctx;
    const qt_pane_def *const *panes;
    size_t npanes;
    qt_table head, main;
    (void)state;

    json_object_set_new(at(j, "panes.0.view.main"), "title", json_string(repeat_e_acute(title, 63)));
    json_object_set_new(at(j, "panes.0.view.main.columns.0"), "title", json_string(repeat_e_acute(name, 15)));
    svc = json_object();
    json_object_set_new(svc, "name", json_string(repeat_e_acute(name, 15)));
    json_object_set_new(svc, "port", json_integer(25));
    json_array_clear(at(j, "options.services"));
    json_array_append_new(at(j, "options.services"), svc);
    json_object_set_new(j, "host", json_string(repeat_e_acute(host, 127)));
    s = json_dumps(j, JSON_COMPACT);
    st = qt_report_load_buf(s, strlen(s), err, sizeof err);
    if (!st)
        fail_msg("refused: %s", err);

    snap = qt_report_store_snapshot(st);
    assert_true(strlen(snap->host) < sizeof snap->host);
    assert_non_null(strstr(snap->host, "...[cut]"));
    assert_memory_equal(snap->host, "\\xc3\\xa9\\xc3\\xa9", 16);
    assert_whole_escapes(snap->host);

    ctx = qt_report_store_ctx(st);
    assert_int_equal(ctx->nservices, 1);
    assert_true(strlen(ctx->services[0].name) < sizeof ctx->services[0].name);
    assert_whole_escapes(ctx->services[0].name);
    assert_non_null(strstr(ctx->services[0].name, "...[cut]"));
    assert_int_equal(ctx->services[0].port, 25);

    panes = qt_report_store_panes(st, &npanes);
    assert_true(npanes > 0);
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_report_store_views(st)->fill(qt_report_store_views(st), panes[0]->top->name, NULL, &head, &main);
    assert_true(strlen(main.title) < sizeof main.title);
    assert_whole_escapes(main.title);
    assert_non_null(strstr(main.title, "...[cut]"));
    assert_whole_escapes(main.cols[0].title);
    assert_non_null(strstr(main.cols[0].title, "...[cut]"));
    qt_table_free(&head);
    qt_table_free(&main);

    qt_report_store_free(st);
    free(s);
    json_decref(j);
}

static void missing_file(void **state)
{
    char err[256];
    (void)state;
    assert_null(qt_report_load_file("/nonexistent/qtriage-report.json", err, sizeof err));
    assert_string_equal(err, "cannot read: No such file or directory");
}

/* Format 5: the "logs" object from the logs collector's model, loaded
 * back and written again unchanged; its members checked on load. */
static char *logs_text(size_t *len, const struct qt_report_store *st)
{
    static const char *const lines[] = {
        "Dec  7 10:00:00 mx vpopmail[1]: vchkpw-smtp: password fail dave@example.test:198.51.100.23",
        "Dec  7 10:00:01 mx vpopmail[1]: vchkpw-smtp: password fail dave@example.test:198.51.100.23",
        "Dec  7 10:00:02 mx vpopmail[1]: vchkpw-smtp: password fail b\xff@example.test:198.51.100.24",
        "Dec  7 10:00:03 mx vpopmail[1]: vchkpw-pop3: (PLAIN) login success dave@example.test:198.51.100.23",
        "1700000050.000000 bounce msg 123 qp 456",
        "1700000051.000000 starting delivery 7: msg 123 to remote x@gone.example",
        "1700000052.000000 delivery 7: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/",
    };
    qt_ctx ctx;
    qt_snapshot *snap = st ? NULL : fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf b = {0};

    fx_ctx(&ctx);
    if (snap) {
        qt_logmon *m = qt_malloc(sizeof *m);
        qt_logmon_srcctx *c = qt_logmon_srcctx_new((int64_t)FX_NOW);
        qt_logmon_init(m, FX_NOW, 3600);
        m->nsrc = 2;
        snprintf(m->src[0].name, sizeof m->src[0].name, "maillog");
        snprintf(m->src[0].kind, sizeof m->src[0].kind, "syslog");
        snprintf(m->src[0].path, sizeof m->src[0].path, "/var/log/maillog");
        snprintf(m->src[1].name, sizeof m->src[1].name, "qmail-send");
        snprintf(m->src[1].kind, sizeof m->src[1].kind, "multilog");
        m->src[1].gone = 1;
        for (size_t i = 0; i < 4; i++)
            qt_logmon_ingest(m, c, 0, lines[i], strlen(lines[i]), 0);
        for (size_t i = 4; i < 7; i++)
            qt_logmon_ingest(m, c, 1, lines[i], strlen(lines[i]), 0);
        qt_logmon_srcctx_free(c);
        snap->logs = m;
    }
    in.ctx = &ctx;
    in.snap = snap ? snap : qt_report_store_snapshot(st);
    in.store = st;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    d = qt_report_doc_build(&in);
    qt_report_json_text(d, &b);
    qt_report_doc_free(d);
    if (snap)
        qt_snapshot_free(snap);
    *len = b.len;
    return qt_buf_steal(&b);
}

static void logs_round_trip(void **state)
{
    size_t len, len2;
    char *s = logs_text(&len, NULL), *s2, err[256];
    json_error_t e;
    json_t *j = json_loadb(s, len, 0, &e), *lg, *j2;
    struct qt_report_store *st;
    (void)state;

    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "format_version")), 5);
    lg = at(j, "logs");
    assert_int_equal(json_integer_value(at(lg, "categories.auth_fail")), 3);
    assert_int_equal(json_integer_value(at(lg, "categories.auth_ok")), 1);
    assert_string_equal(json_string_value(at(lg, "auth_per_service.0.service")), "smtp");
    assert_int_equal(json_integer_value(at(lg, "auth_per_service.0.failures")), 3);
    assert_string_equal(json_string_value(at(lg, "auth_per_service.1.service")), "pop3");
    assert_int_equal(json_integer_value(at(lg, "auth_per_service.1.successes")), 1);
    /* top first, the raw byte of a hostile user escaped */
    assert_string_equal(json_string_value(at(lg, "ips.top.0.key")), "198.51.100.23");
    assert_int_equal(json_integer_value(at(lg, "ips.top.0.auth_failures")), 2);
    assert_string_equal(json_string_value(at(lg, "users.top.1.key")), "b\\xff@example.test");
    assert_string_equal(json_string_value(at(lg, "ips.others.key")), "others");
    assert_int_equal(json_integer_value(at(lg, "bounces.bounces")), 1);
    assert_int_equal(json_integer_value(at(lg, "deferrals_per_source.qmail-send")), 1);
    assert_string_equal(json_string_value(at(lg, "domains.top.0.key")), "gone.example");
    assert_int_equal(json_integer_value(at(lg, "domains.top.0.deferrals")), 1);
    assert_string_equal(json_string_value(at(lg, "sources.0.state")), "ok");
    assert_string_equal(json_string_value(at(lg, "sources.1.state")), "gone");
    assert_int_equal(json_integer_value(at(lg, "window_seconds")), 3600);

    /* loaded and written again: the same object */
    st = qt_report_load_buf(s, len, err, sizeof err);
    if (!st)
        fail_msg("%s", err);
    s2 = logs_text(&len2, st);
    j2 = json_loadb(s2, len2, 0, &e);
    assert_non_null(j2);
    assert_true(json_equal(lg, json_object_get(j2, "logs")));
    json_decref(j2);
    free(s2);
    qt_report_store_free(st);

    /* hostile members refused with their place */
    j2 = json_deep_copy(j);
    json_object_set_new(at(j2, "logs.sources.0"), "state", json_string("fine"));
    expect_reject_tree(j2, "logs.sources[0]: unknown source state");
    j2 = json_deep_copy(j);
    json_object_set_new(at(j2, "logs"), "notes", json_string("a\x1b[2J"));
    expect_reject_tree(j2, "logs.notes: control character 0x1b");
    j2 = json_deep_copy(j);
    json_object_set_new(at(j2, "logs.categories"), "auth_fail", json_string("3"));
    expect_reject_tree(j2, "logs.categories.auth_fail");
    json_decref(j);
    free(s);
}

/* A format-4 report saved by qtriage before the logs object (its Logs pane
 * with a maillog): loads, and written again has "logs": null. */
static void loads_format_4(void **state)
{
    char err[256], *s;
    size_t len;
    json_error_t e;
    json_t *j;
    struct qt_report_store *st = qt_report_load_file(QT_SRCDIR "/tests/fixtures/reports/v4-logs.json", err, sizeof err);
    size_t n;
    const qt_pane_def *const *panes;
    int logs_pane = 0;
    (void)state;
    if (!st)
        fail_msg("%s", err);
    panes = qt_report_store_panes(st, &n);
    for (size_t i = 0; i < n; i++)
        logs_pane |= !strcmp(panes[i]->name, "Logs");
    assert_true(logs_pane);
    s = logs_text(&len, st);
    j = json_loadb(s, len, 0, &e);
    assert_non_null(j);
    assert_true(json_is_null(json_object_get(j, "logs")));
    json_decref(j);
    free(s);
    qt_report_store_free(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_loads),
        cmocka_unit_test(raw_garbage),
        cmocka_unit_test(incidents_round_trip),
        cmocka_unit_test(loads_format_2),
        cmocka_unit_test(loads_format_3),
        cmocka_unit_test(loads_format_4),
        cmocka_unit_test(logs_round_trip),
        cmocka_unit_test(bad_incidents),
        cmocka_unit_test(every_truncation_rejected),
        cmocka_unit_test(hostile_sizes),
        cmocka_unit_test(future_version),
        cmocka_unit_test(bad_members),
        cmocka_unit_test(unknown_members_ignored),
        cmocka_unit_test(non_ascii_escaped_on_load),
        cmocka_unit_test(non_ascii_at_the_limits),
        cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

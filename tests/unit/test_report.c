/* Unit tests: the report document, JSON round trip through --load, the
 * store behind qt_view_fill()/qt_view_drill(), batch output of a loaded
 * report, Markdown, and redaction of secrets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_json.h"
#include "report/report_int.h"
#include "src/batch.h"
#include "tests/unit/report_fixture.h"
#include "panes/panes.h"

static const struct qt_report_view_state fx_states[] = {
    {.pane = "Fixture", .filter = "code", .sort_col = 1, .sort_desc = 1},
};

struct fx {
    qt_ctx ctx;
    qt_snapshot *snap;
    qt_report_doc *doc;
    char *json;
    size_t len;
};

static struct fx *fx_export(int frozen)
{
    struct fx *f = qt_calloc(1, sizeof *f);
    struct qt_report_in in = {0};
    qt_buf b = {0};

    fx_ctx(&f->ctx);
    f->snap = fx_snapshot();
    in.ctx = &f->ctx;
    in.snap = f->snap;
    in.frozen = frozen;
    in.views = fx_states;
    in.nviews = 1;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    f->doc = qt_report_doc_build(&in);
    qt_report_json_text(f->doc, &b);
    f->len = b.len;
    f->json = qt_buf_steal(&b);
    return f;
}

static void fx_free(struct fx *f)
{
    qt_report_doc_free(f->doc);
    qt_snapshot_free(f->snap);
    free(f->json);
    free(f);
}

static struct qt_report_store *load_ok(const char *s, size_t len)
{
    char err[512] = "";
    struct qt_report_store *st = qt_report_load_buf(s, len, err, sizeof err);
    if (!st)
        fail_msg("load failed: %s", err);
    return st;
}

/* Re-export a loaded report: the same document must come out. */
static qt_report_doc *reexport(const struct qt_report_store *st)
{
    struct qt_report_in in = {0};
    const struct qt_report_view_state *vs = qt_report_store_state(st, "Fixture");
    in.ctx = qt_report_store_ctx(st);
    in.snap = qt_report_store_snapshot(st);
    in.store = st;
    in.frozen = qt_report_store_frozen(st);
    in.views = vs;
    in.nviews = vs ? 1 : 0;
    return qt_report_doc_build(&in);
}

static void assert_tables_equal(const qt_table *a, const qt_table *b)
{
    assert_string_equal(a->title, b->title);
    assert_int_equal(a->ncols, b->ncols);
    for (int c = 0; c < a->ncols; c++) {
        assert_string_equal(a->cols[c].title, b->cols[c].title);
        assert_int_equal(a->cols[c].width, b->cols[c].width);
        assert_int_equal(a->cols[c].flags, b->cols[c].flags);
    }
    assert_int_equal(a->nrows, b->nrows);
    assert_int_equal(a->sort_col, b->sort_col);
    assert_int_equal(a->sort_desc, b->sort_desc);
    if (a->note || b->note)
        assert_string_equal(a->note ? a->note : "(null)", b->note ? b->note : "(null)");
    assert_int_equal(a->note_role, b->note_role);
    for (size_t r = 0; r < a->nrows; r++) {
        assert_string_equal(a->rows[r].id, b->rows[r].id);
        assert_int_equal(a->rows[r].role, b->rows[r].role);
        for (int c = 0; c < a->ncols; c++) {
            assert_string_equal(a->rows[r].cells[c].text, b->rows[r].cells[c].text);
            assert_int_equal(a->rows[r].cells[c].role, b->rows[r].cells[c].role);
            assert_true(a->rows[r].cells[c].num == b->rows[r].cells[c].num);
        }
    }
}

static void assert_views_equal(const struct qt_report_view *a, const struct qt_report_view *b)
{
    assert_string_equal(a->name, b->name);
    if (a->key || b->key)
        assert_string_equal(a->key ? a->key : "(null)", b->key ? b->key : "(null)");
    assert_int_equal(a->depth, b->depth);
    assert_int_equal(a->head.ncols, b->head.ncols);
    if (a->head.ncols)
        assert_tables_equal(&a->head, &b->head);
    assert_tables_equal(&a->main, &b->main);
    assert_int_equal(a->rows_total, b->rows_total);
    for (size_t r = 0; r < a->main.nrows; r++) {
        assert_int_equal(!a->drill_name[r], !b->drill_name[r]);
        if (a->drill_name[r])
            assert_string_equal(a->drill_name[r], b->drill_name[r]);
        assert_int_equal(!a->drill[r], !b->drill[r]);
        if (a->drill[r])
            assert_views_equal(a->drill[r], b->drill[r]);
    }
}

static const struct qt_report_view *find_row_drill(const struct qt_report_view *v, const char *id)
{
    size_t r = qt_table_find(&v->main, id);
    assert_true(r != (size_t)-1);
    return v->drill[r];
}

/* --- tests --- */

static void roundtrip_identical(void **state)
{
    struct fx *f = fx_export(1);
    struct qt_report_store *st = load_ok(f->json, f->len);
    qt_report_doc *d2 = reexport(st);
    json_t *j1 = qt_report_json(f->doc), *j2 = qt_report_json(d2);
    const qt_snapshot *ls = qt_report_store_snapshot(st);
    (void)state;

    assert_int_equal(d2->npanes, f->doc->npanes);
    for (size_t p = 0; p < d2->npanes; p++) {
        assert_string_equal(d2->panes[p].name, f->doc->panes[p].name);
        assert_views_equal(f->doc->panes[p].top, d2->panes[p].top);
    }
    /* the hostile bytes arrived escaped, and survived unchanged */
    {
        const qt_table *t = &f->doc->panes[0].top->main;
        size_t r = qt_table_find(t, "r\xff\xfe-not-utf8");
        assert_true(r != (size_t)-1);
        assert_string_equal(t->rows[r].cells[0].text,
                            "caf\\xc3\\xa9 lat1 caf\\xe9 esc \\x1b[31mred\\x1b[0m");
        assert_string_equal(t->rows[qt_table_find(t, "r1")].cells[0].text, "quote \" backslash \\ tab\\x09here");
    }
    /* the snapshot: host, time, seq, frozen, findings, metrics, collectors */
    assert_string_equal(ls->host, "mx1.example.test");
    assert_true(ls->wall == FX_WALL);
    assert_int_equal(ls->seq, 7);
    assert_true(qt_report_store_frozen(st));
    assert_int_equal(ls->findings.n, f->snap->findings.n);
    for (size_t i = 0; i < ls->findings.n; i++) {
        assert_int_equal(ls->findings.v[i].sev, f->snap->findings.v[i].sev);
        assert_string_equal(ls->findings.v[i].title, f->snap->findings.v[i].title);
        assert_string_equal(ls->findings.v[i].evidence, f->snap->findings.v[i].evidence);
        assert_string_equal(ls->findings.v[i].fix, f->snap->findings.v[i].fix);
    }
    assert_int_equal(ls->metrics.n, f->snap->metrics.n);
    assert_true(isnan(ls->metrics.v[5].value));
    assert_string_equal(ls->metrics.v[5].unknown, "");   /* format 1 style: null, no reason */
    {
        /* format 2: an unknown value keeps its reason and bounds across --load */
        const qt_metric *x = qt_metrics_find(&ls->metrics, "stalled", "smtps");
        assert_non_null(x);
        assert_true(isnan(x->value));
        assert_string_equal(x->unknown, "socket owners not readable: not root (uid 1000)");
        assert_true(x->lo == 1 && x->hi == 4 && x->max == 40);
    }
    assert_true(qt_metrics_find(&ls->metrics, "accept_queue", "smtps")->max == 20);
    assert_int_equal(ls->src[QT_SRC_SOCKETS].state, QT_SRC_FAILED);
    assert_string_equal(ls->src[QT_SRC_SOCKETS].err, "cannot open netlink: Permission denied");
    assert_int_equal(qt_report_store_ctx(st)->limit, 40);
    assert_string_equal(qt_report_store_ctx(st)->dns_server, "127.0.0.1:5353");
    {
        const struct qt_report_view_state *vs = qt_report_store_state(st, "Fixture");
        assert_non_null(vs);
        assert_string_equal(vs->filter, "code");
        assert_int_equal(vs->sort_col, 1);
        assert_int_equal(vs->sort_desc, 1);
    }
    /* and the whole JSON document is the same, but for the export time */
    json_object_del(j1, "exported");
    json_object_del(j2, "exported");
    assert_true(json_equal(j1, j2));
    json_decref(j1);
    json_decref(j2);
    qt_report_doc_free(d2);
    qt_report_store_free(st);
    fx_free(f);
}

static void bounds_recorded(void **state)
{
    struct fx *f = fx_export(0);
    const struct qt_report_view *top = f->doc->panes[0].top, *v, *many;
    (void)state;

    /* the endless chain stops at depth 3, and says so */
    v = find_row_drill(top, "deep");
    assert_non_null(v);
    assert_int_equal(v->depth, 1);
    v = v->drill[0];
    assert_int_equal(v->depth, 2);
    v = v->drill[0];
    assert_int_equal(v->depth, QT_REPORT_MAX_DEPTH);
    assert_null(v->drill[0]);
    assert_string_equal(v->drill_name[0], "fx.level");
    assert_true(v->drills_cut);
    /* 250 drillable rows: 200 saved */
    many = find_row_drill(top, "many");
    assert_non_null(many);
    {
        size_t saved = 0, named = 0;
        for (size_t r = 0; r < many->main.nrows; r++) {
            saved += many->drill[r] != NULL;
            named += many->drill_name[r] != NULL;
        }
        assert_int_equal(saved, QT_REPORT_MAX_DRILLS);
        assert_int_equal(named, FX_MANY);
        assert_true(many->drills_cut);
    }
    /* a leaf row has neither */
    assert_null(find_row_drill(top, "leafless"));
    assert_null(top->drill_name[qt_table_find(&top->main, "leafless")]);
    assert_non_null(strstr(f->json, "\"drills_cut\":true"));
    fx_free(f);
}

/* The shell's path: qt_view_fill/qt_view_drill with the store set. */
static void store_behind_view_wrappers(void **state)
{
    struct fx *f = fx_export(0);
    struct qt_report_store *st = load_ok(f->json, f->len);
    const qt_pane_def *const *panes;
    size_t n;
    struct qt_view_in in = {0};
    qt_table head, main;
    const qt_view *dv, *dv2;
    (void)state;

    panes = qt_report_store_panes(st, &n);
    assert_int_equal(n, 2);
    assert_string_equal(panes[0]->name, "Fixture");
    assert_null(panes[0]->legend);  /* not a built-in pane: no legend to borrow */
    assert_string_equal(panes[1]->name, "Findings");
    assert_ptr_equal(panes[1]->legend, qt_pane_findings.legend);
    in.ctx = qt_report_store_ctx(st);
    in.snap = qt_report_store_snapshot(st);
    in.store = qt_report_store_views(st);
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    /* the built-in view object works too: the store answers by name */
    qt_view_fill(fx_pane.top, &in, &head, &main);
    assert_tables_equal(&main, &f->doc->panes[0].top->main);
    assert_tables_equal(&head, &f->doc->panes[0].top->head);
    qt_table_free(&head);
    qt_table_free(&main);

    dv = qt_view_drill(panes[0]->top, &in, "r1");
    assert_non_null(dv);
    assert_string_equal(dv->name, "fx.detail");
    assert_null(qt_view_drill(panes[0]->top, &in, "leafless"));
    assert_null(qt_view_drill(panes[0]->top, &in, "no-such-row"));
    in.key = "r1";
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(dv, &in, &head, &main);
    assert_tables_equal(&main, &find_row_drill(f->doc->panes[0].top, "r1")->main);
    qt_table_free(&head);
    qt_table_free(&main);

    /* a drill-down that was not saved says so instead of showing nothing */
    in.key = NULL;
    dv = qt_view_drill(panes[0]->top, &in, "many");
    in.key = "many";
    dv2 = qt_view_drill(dv, &in, "m249");
    assert_non_null(dv2);
    assert_string_equal(dv2->name, "fx.leaf");
    in.key = "m249";
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(dv2, &in, &head, &main);
    assert_int_equal(main.nrows, 0);
    assert_non_null(strstr(main.note, "not saved"));
    qt_table_free(&head);
    qt_table_free(&main);
    /* a saved one opens */
    in.key = "m0";
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(dv2, &in, &head, &main);
    assert_int_equal(main.nrows, 1);
    assert_string_equal(main.rows[0].cells[0].text, "m0");
    qt_table_free(&head);
    qt_table_free(&main);
    qt_report_store_free(st);
    fx_free(f);
}

/* `--load F --once` prints what the live sample printed (after its LOADED line). */
static void loaded_batch_matches_live(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf live = {0}, json = {0}, loaded = {0};
    struct qt_report_store *st;
    const char *rest;
    (void)state;

    fx_ctx(&ctx);
    in.ctx = &ctx;
    in.snap = snap;
    d = qt_report_doc_build(&in);   /* the built-in panes */
    qt_report_json_text(d, &json);
    qt_batch_render(&ctx, snap, NULL, &live);
    st = load_ok(json.s, json.len);
    qt_batch_render_loaded(st, "r.json", &loaded);
    assert_true(strncmp(loaded.s, "LOADED r.json: report written by qtriage ", 41) == 0);
    rest = strchr(loaded.s, '\n') + 1;
    assert_string_equal(rest, live.s);
    assert_non_null(strstr(live.s, "smtps at 40/40 connections | full"));
    /* incidents first, one line each (SEV KIND SERVICE IMPACT); the loaded
     * report shows the same (format 3) */
    assert_non_null(strstr(live.s, "\n== Incidents ==\nCRIT saturation   smtps      465: 40 of 40 slots taken; "
                                   "12 waiting to be accepted\nWARN zombies      tcpserver  (pid 4242"));
    assert_true(strstr(live.s, "== Incidents ==") < strstr(live.s, "== All findings"));
    qt_report_store_free(st);
    qt_report_doc_free(d);
    qt_buf_free(&live);
    qt_buf_free(&json);
    qt_buf_free(&loaded);
    qt_snapshot_free(snap);
}

static void markdown_content(void **state)
{
    struct fx *f = fx_export(1);
    qt_buf md = {0};
    const char *p;
    (void)state;

    qt_report_md(f->doc, &md);
    if (getenv("QT_SHOW_MD"))
        fputs(md.s, stderr);
    /* every finding, worst first */
    for (size_t i = 0; i < f->snap->findings.n; i++) {
        char *esc = qt_strdup(f->snap->findings.v[i].title);
        const char *title = f->snap->findings.v[i].title;
        if (strchr(title, '|'))
            title = "smtps at 40/40 connections \\| full";
        assert_non_null(strstr(md.s, title));
        free(esc);
    }
    /* incidents first (docs/incidents.md), then the findings */
    p = strstr(md.s, "## Incidents, worst first\n\n### 1. CRIT saturation: smtps\n\n"
                     "smtps 465: 40 of 40 slots taken; 12 waiting to be accepted\n");
    assert_non_null(p);
    assert_true(p < strstr(md.s, "## Findings, worst first"));
    assert_non_null(strstr(p, "Id `svc:smtps`. Findings: `ports.limit:smtps`."));
    assert_non_null(strstr(p, "```sh\nsvc -t /service/smtps\n```"));
    assert_non_null(strstr(p, "### 2. WARN zombies: tcpserver"));
    p = strstr(md.s, "### 1. CRIT: ");
    assert_non_null(p);
    assert_non_null(strstr(p, "### 2. WARN: "));
    assert_non_null(strstr(md.s, "**FROZEN**"));
    /* unknown, never zero: the metric row gives the reason, not 0 */
    assert_non_null(strstr(md.s, "| stalled | smtps | 465 | unknown: socket owners not readable: not root (uid 1000) | 40 |"));
    /* evidence with a ``` run gets a longer fence; fixes are code blocks */
    assert_non_null(strstr(md.s, "````text\ntcpserver: status: 40/40\n"));
    assert_non_null(strstr(md.s, "```sh\nsvc -t /service/smtps\nsed -i"));
    /* cells: | escaped, markup neutralised, no raw ESC anywhere */
    assert_non_null(strstr(md.s, "a\\|b\\|c \\`code\\` \\*bold\\* _u_ \\<script\\>x\\</script\\>"));
    assert_null(strchr(md.s, '\x1b'));
    /* filter recorded and applied: matching rows first */
    assert_non_null(strstr(md.s, "filter \"code\""));
    assert_non_null(strstr(md.s, "Rows matching the filter (1 of 6)"));
    assert_non_null(strstr(md.s, "sorted by COUNT, descending"));
    /* drill-downs with breadcrumbs, bounded */
    assert_non_null(strstr(md.s, "#### Fixture > deep chain"));
    assert_non_null(strstr(md.s, "###### Fixture > deep chain > below deep > below deep.1"));
    assert_null(strstr(md.s, "below deep.1.1 >"));
    /* every table row of a Markdown table has as many cells as its header */
    for (const char *line = md.s; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len && line[0] == '|') {
            int bars = 0;
            for (size_t i = 0; i < len; i++)
                bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
            assert_true(bars >= 2);
        }
        line = nl ? nl + 1 : NULL;
    }
    qt_buf_free(&md);
    fx_free(f);
}

static void redaction(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"C: AUTH PLAIN AHVAZXhhbXBsZS5jb20Ac2VjcmV0", "C: AUTH PLAIN [REDACTED]"},
        {"auth login dXNlcg==", "auth login [REDACTED]"},
        {"250-AUTH PLAIN LOGIN CRAM-MD5", "250-AUTH PLAIN LOGIN CRAM-MD5"},
        {"AUTH PLAIN =", "AUTH PLAIN ="},
        {"a01 AUTHENTICATE PLAIN Zm9vAGJhcgBiYXo=", "a01 AUTHENTICATE PLAIN [REDACTED]"},
        {"mysql --password=hunter2 -u root", "mysql --password=[REDACTED] -u root"},
        {"swaks --auth-user u@d --auth-password hunter2 --server x", "swaks --auth-user u@d --auth-password [REDACTED] --server x"},
        {"x DBPASS=abc,y=1", "x DBPASS=[REDACTED],y=1"},
        {"{\"password\": \"p w\"}", "{\"password\": [REDACTED]}"},
        {"token:abc secret=def", "token:[REDACTED] secret=[REDACTED]"},
        {"imaps://bob:hunter2@mail.example.test/INBOX", "imaps://bob:[REDACTED]@mail.example.test/INBOX"},
        {"vchkpw-smtp: password fail user@example.com:203.0.113.9", "vchkpw-smtp: password fail user@example.com:203.0.113.9"},
        {"tcpserver -v -R -H -l0 -c 40 -p 0 465 qmail-smtpd", "tcpserver -v -R -H -l0 -c 40 -p 0 465 qmail-smtpd"},
        {"bypass the password= check", "bypass the password= check"},
        {"", ""},
    };
    (void)state;
    for (size_t i = 0; i < QT_ARRAY_LEN(cases); i++) {
        char *r = qt_report_redact(cases[i].in, NULL);
        if (strcmp(r, cases[i].out) != 0)
            fail_msg("redact(%s) = %s, want %s", cases[i].in, r, cases[i].out);
        free(r);
    }
    assert_null(qt_report_redact(NULL, NULL));
}

/* A pane that (wrongly) shows a secret: the report must not carry it. */
static void build_leaky(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)in;
    (void)head;
    qt_table_init(t, "Leaky");
    qt_table_col(t, "CMD", 10, 0);
    qt_table_row(t, "p1");
    qt_table_cell(t, QT_ROLE_NORMAL, "swaks --auth-password Zq9SecretFixture --server 127.0.0.1:2525");
    qt_table_row(t, "AUTH PLAIN AHVAWnE5U2VjcmV0Rml4dHVyZQ==");
    qt_table_cell(t, QT_ROLE_NORMAL, "C: AUTH PLAIN AHVAWnE5U2VjcmV0Rml4dHVyZQ==");
}

static const qt_view leaky_view = {.name = "leaky", .build = build_leaky};
static const qt_pane_def leaky_pane = {.name = "Leaky", .top = &leaky_view};

static void secrets_never_written(void **state)
{
    static const qt_pane_def *const panes[] = {&leaky_pane};
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf md = {0}, json = {0};
    qt_finding *f;
    (void)state;

    fx_ctx(&ctx);
    f = qt_findings_add(&snap->findings, QT_SEV_CRIT, "auth", "auth.fail", "AUTH failed");
    qt_finding_evidence(f, "C: AUTH PLAIN AHVAWnE5U2VjcmV0Rml4dHVyZQ==");
    qt_finding_evidence(f, "run: printf 'u@d\\0pw\\0' | vchkpw --password=Zq9SecretFixture");
    in.ctx = &ctx;
    in.snap = snap;
    in.panes = panes;
    in.npanes = 1;
    d = qt_report_doc_build(&in);
    qt_report_md(d, &md);
    qt_report_json_text(d, &json);
    assert_null(strstr(md.s, "Zq9SecretFixture"));
    assert_null(strstr(json.s, "Zq9SecretFixture"));
    assert_null(strstr(md.s, "AHVAWnE5U2VjcmV0Rml4dHVyZQ"));
    assert_null(strstr(json.s, "AHVAWnE5U2VjcmV0Rml4dHVyZQ"));
    assert_non_null(strstr(json.s, "[REDACTED]"));
    qt_buf_free(&md);
    qt_buf_free(&json);
    qt_report_doc_free(d);
    qt_snapshot_free(snap);
}

/* A cell longer than a report may hold is cut, and the cut file still loads. */
static void long_text_clamped(void **state)
{
    char *s = qt_malloc(QT_REPORT_MAX_TEXT + 100);
    char *c;
    (void)state;
    memset(s, 'a', QT_REPORT_MAX_TEXT + 99);
    s[QT_REPORT_MAX_TEXT + 99] = '\0';
    s[QT_REPORT_MAX_TEXT - 9] = '\\';
    s[QT_REPORT_MAX_TEXT - 8] = 'x';
    c = qt_strdup(s);
    assert_true(qt_rtext_clamp(&c, QT_REPORT_MAX_TEXT));
    assert_true(strlen(c) <= QT_REPORT_MAX_TEXT);
    assert_string_equal(c + strlen(c) - 8, "...[cut]");
    assert_null(strstr(c, "\\x."));  /* no split escape */
    free(c);
    free(s);
}

/* Raw text from the system (a host name, a collector's error, metric names)
 * is escaped and cut so that what we write we can always load back. */
static void raw_strings_loadable(void **state)
{
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf json = {0};
    struct qt_report_store *st;
    const qt_snapshot *ls;
    (void)state;

    fx_ctx(&ctx);
    memset(snap->host, 'h', sizeof snap->host - 1);
    snap->host[0] = '\x1b';
    snap->host[1] = '\xff';
    snprintf(snap->src[QT_SRC_SOCKETS].err, sizeof snap->src[0].err, "bad \x1b]0;title\x07 \xc3 path");
    qt_metrics_add(&snap->metrics, "weird name-\x01", "svc\n", 1, 1, -1, "help\twith tab");
    ctx.root = "/tmp/r\x1b[2Joot";
    in.ctx = &ctx;
    in.snap = snap;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    d = qt_report_doc_build(&in);
    qt_report_json_text(d, &json);
    st = load_ok(json.s, json.len);
    ls = qt_report_store_snapshot(st);
    assert_true(strncmp(ls->host, "\\x1b\\xffhhh", 11) == 0);
    assert_true(strlen(ls->host) <= 255);
    assert_string_equal(ls->src[QT_SRC_SOCKETS].err, "bad \\x1b]0;title\\x07 \\xc3 path");
    assert_string_equal(qt_report_store_ctx(st)->root, "/tmp/r\\x1b[2Joot");
    assert_non_null(qt_metrics_find(&ls->metrics, "weird name-\\x01", "svc\\x0a"));
    qt_report_store_free(st);
    qt_report_doc_free(d);
    qt_buf_free(&json);
    qt_snapshot_free(snap);
}

/* A busy server: more rows than a table keeps, every row drillable. */
#define BIG_ROWS 60000
static void build_big_detail(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)head;
    qt_table_init(t, "Connection");
    qt_table_col(t, "FIELD", 8, 0);
    qt_table_col(t, "VALUE", 8, 0);
    for (int i = 0; i < 5; i++) {
        qt_table_row(t, "f%d", i);
        qt_table_cell(t, QT_ROLE_DIM, "field %d", i);
        qt_table_cell(t, QT_ROLE_NORMAL, "%s/%d", in->key, i);
    }
}
static const qt_view big_detail = {.name = "big.conn", .build = build_big_detail};
static const qt_view *drill_big(const struct qt_view_in *in, const char *row)
{
    (void)in;
    (void)row;
    return &big_detail;
}
static void build_big(const struct qt_view_in *in, qt_table *head, qt_table *t)
{
    (void)in;
    (void)head;
    qt_table_init(t, "Connections");
    qt_table_col(t, "REMOTE", 15, 0);
    qt_table_col(t, "PORT", 5, QT_COL_RIGHT | QT_COL_NUM);
    qt_table_col(t, "STAGE", 10, 0);
    qt_table_col(t, "AGE", 6, QT_COL_RIGHT | QT_COL_NUM);
    for (int i = 0; i < BIG_ROWS; i++) {
        qt_table_row(t, "c%d", i);
        qt_table_cell(t, QT_ROLE_NORMAL, "198.51.%d.%d", i / 256 % 256, i % 256);
        qt_table_cell_num(t, QT_ROLE_NORMAL, 1024 + i % 60000, "%d", 1024 + i % 60000);
        qt_table_cell(t, QT_ROLE_WARN, "handshake pending");
        qt_table_cell_num(t, QT_ROLE_NORMAL, i, "%ds", i);
    }
    t->sort_col = 3;
    t->sort_desc = 1;
}
static const qt_view big_view = {.name = "big", .build = build_big, .drill = drill_big};
static const qt_pane_def big_pane = {.name = "Big", .top = &big_view};

static void large_table_bounded(void **state)
{
    static const qt_pane_def *const panes[] = {&big_pane};
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf json = {0}, md = {0};
    struct qt_report_store *st;
    const struct qt_report_view *top;
    size_t saved = 0;
    double t0 = qt_now_mono(), ta, tb, t1, t2;
    (void)state;

    fx_ctx(&ctx);
    in.ctx = &ctx;
    in.snap = snap;
    in.panes = panes;
    in.npanes = 1;
    d = qt_report_doc_build(&in);
    ta = qt_now_mono();
    qt_report_json_text(d, &json);
    tb = qt_now_mono();
    qt_report_md(d, &md);
    t1 = qt_now_mono();
    top = d->panes[0].top;
    assert_int_equal(top->rows_total, BIG_ROWS);
    assert_int_equal(top->main.nrows, QT_REPORT_MAX_ROWS);
    for (size_t r = 0; r < top->main.nrows; r++)
        saved += top->drill[r] != NULL;
    assert_int_equal(saved, QT_REPORT_MAX_DRILLS);
    /* the drill-downs saved are those of the first rows in the view's order (oldest first) */
    assert_non_null(top->drill[QT_REPORT_MAX_ROWS - 1]);
    assert_true(top->drills_cut);
    assert_non_null(strstr(json.s, "\"rows_total\":60000,\"rows_cut\":true"));
    assert_non_null(strstr(md.s, "Only the first 50000 of 60000 rows were saved"));
    assert_true(json.len < QT_REPORT_MAX_BYTES);
    st = load_ok(json.s, json.len);
    t2 = qt_now_mono();
    print_message("60000-row pane: walk %.2f s, JSON %.2f s (%zu bytes), Markdown %.2f s (%zu bytes), load %.2f s\n",
                  ta - t0, tb - ta, json.len, t1 - tb, md.len, t2 - t1);
    qt_report_store_free(st);
    qt_report_doc_free(d);
    qt_buf_free(&json);
    qt_buf_free(&md);
    qt_snapshot_free(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_identical),
        cmocka_unit_test(bounds_recorded),
        cmocka_unit_test(store_behind_view_wrappers),
        cmocka_unit_test(loaded_batch_matches_live),
        cmocka_unit_test(markdown_content),
        cmocka_unit_test(redaction),
        cmocka_unit_test(secrets_never_written),
        cmocka_unit_test(long_text_clamped),
        cmocka_unit_test(large_table_bounded),
        cmocka_unit_test(raw_strings_loadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

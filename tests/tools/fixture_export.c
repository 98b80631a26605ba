/* fixture_export - print the report of the unit tests' fixture (hostile
 * cells, non-UTF-8 ids, cut drill-downs) as JSON, or as Markdown with --md,
 * so the integration tests can validate it against docs/report.schema.json. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "tests/unit/report_fixture.h"

int main(int argc, char **argv)
{
    static const struct qt_report_view_state st[] = {{.pane = "Fixture", .filter = "code", .sort_col = 1, .sort_desc = 1}};
    qt_ctx ctx;
    qt_snapshot *snap = fx_snapshot();
    struct qt_report_in in = {0};
    qt_report_doc *d;
    qt_buf b = {0};

    fx_ctx(&ctx);
    in.ctx = &ctx;
    in.snap = snap;
    in.frozen = 1;
    in.views = st;
    in.nviews = 1;
    in.panes = fx_panes;
    in.npanes = fx_npanes;
    d = qt_report_doc_build(&in);
    if (argc > 1 && strcmp(argv[1], "--md") == 0)
        qt_report_md(d, &b);
    else
        qt_report_json_text(d, &b);
    fputs(qt_buf_str(&b), stdout);
    qt_buf_free(&b);
    qt_report_doc_free(d);
    qt_snapshot_free(snap);
    return ferror(stdout) ? 1 : 0;
}

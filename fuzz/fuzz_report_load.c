/* fuzz_report_load - libFuzzer target for `qtriage --load`: any bytes in,
 * either a store (then walked the way the shell and --once walk it:
 * every saved view filled and drilled, the document re-exported as JSON
 * and Markdown) or one error message out; never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "report/report.h"

static void walk(const struct qt_view_in *in, const qt_view *v, int depth)
{
    qt_table head, main;
    qt_table_init(&head, "");
    qt_table_init(&main, "");
    qt_view_fill(v, in, &head, &main);
    for (size_t r = 0; r < main.nrows && depth < 5; r++) {
        const qt_view *d = qt_view_drill(v, in, main.rows[r].id);
        if (d) {
            struct qt_view_in sub = *in;
            sub.key = main.rows[r].id;
            walk(&sub, d, depth + 1);
        }
    }
    qt_table_free(&head);
    qt_table_free(&main);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    struct qt_report_store *st = qt_report_load_buf((const char *)data, size, err, sizeof err);
    const qt_pane_def *const *panes;
    size_t n;

    if (!st) {
        if (!err[0] || memchr(err, '\n', strlen(err)))
            __builtin_trap(); /* every refusal is one non-empty line */
        return 0;
    }
    {
        struct qt_view_in in = {
            .ctx = qt_report_store_ctx(st), .snap = qt_report_store_snapshot(st), .store = qt_report_store_views(st),
        };
        struct qt_report_in rin = {
            .ctx = in.ctx, .snap = in.snap, .store = st, .frozen = qt_report_store_frozen(st),
        };
        qt_report_doc *d;
        qt_buf md = {0}, js = {0};
        char err2[512];
        struct qt_report_store *again;

        panes = qt_report_store_panes(st, &n);
        for (size_t i = 0; i < n; i++)
            walk(&in, panes[i]->top, 0);
        d = qt_report_doc_build(&rin);
        qt_report_md(d, &md);
        qt_report_json_text(d, &js);
        /* what we write we must read back */
        again = qt_report_load_buf(js.s, js.len, err2, sizeof err2);
        if (!again)
            __builtin_trap();
        qt_report_store_free(again);
        qt_report_doc_free(d);
        qt_buf_free(&md);
        qt_buf_free(&js);
    }
    qt_report_store_free(st);
    return 0;
}

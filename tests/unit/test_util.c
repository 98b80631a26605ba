/* Unit tests: util, findings, history, table model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#include "diag/core/util.h"
#include "diag/core/finding.h"
#include "diag/core/history.h"
#include "panes/table.h"

static void safe_escapes_control_bytes(void **st)
{
    (void)st;
    char *s = qt_safe_strdup("a\x1b[2Jb\\\xff", 8);
    assert_string_equal(s, "a\\x1b[2Jb\\\\xff");
    {
        char *twice = qt_safe_strdup(s, strlen(s));
        assert_string_equal(twice, s); /* idempotent */
        free(twice);
    }
    free(s);
}

static void fmt_age_units(void **st)
{
    (void)st;
    char b[16];
    qt_fmt_age(5, b, sizeof b); assert_string_equal(b, "5s");
    qt_fmt_age(250, b, sizeof b); assert_string_equal(b, "4m10s");
    qt_fmt_age(3 * 86400 + 4 * 3600, b, sizeof b); assert_string_equal(b, "3d04h");
    qt_fmt_age(-1, b, sizeof b); assert_string_equal(b, "-");
}

static void findings_sort_worst_first(void **st)
{
    (void)st;
    qt_findings fs = {0};
    qt_findings_add(&fs, QT_SEV_INFO, "b", "b.1", "info");
    qt_finding *f = qt_findings_add(&fs, QT_SEV_CRIT, "a", "a.1", "crit");
    qt_finding_evidence(f, "line %d", 1);
    qt_finding_evidence(f, "bad \x1b byte");
    qt_findings_add(&fs, QT_SEV_WARN, "c", "c.1", "warn");
    qt_findings_sort(&fs);
    assert_int_equal(fs.v[0].sev, QT_SEV_CRIT);
    assert_string_equal(fs.v[0].evidence, "line 1\nbad \\x1b byte");
    assert_int_equal(fs.v[2].sev, QT_SEV_INFO);
    assert_int_equal(qt_findings_worst(&fs), QT_SEV_CRIT);
    assert_int_equal(qt_findings_count(&fs, QT_SEV_WARN), 1);
    qt_findings_free(&fs);
}

static void history_ring_keeps_last(void **st)
{
    (void)st;
    qt_history h = {0};
    double v[QT_HIST_LEN];
    for (int i = 0; i < QT_HIST_LEN + 5; i++)
        qt_history_push(&h, "k", i, i);
    const qt_series *s = qt_history_get(&h, "k");
    assert_non_null(s);
    assert_int_equal(qt_series_values(s, v, QT_HIST_LEN), QT_HIST_LEN);
    assert_true(v[0] == 5 && v[QT_HIST_LEN - 1] == QT_HIST_LEN + 4);
    assert_true(qt_series_at(s, 0) == QT_HIST_LEN + 4);
    assert_true(qt_series_at(s, 1) == QT_HIST_LEN + 3);
    assert_null(qt_history_get(&h, "other"));
    qt_history_free(&h);
}

static void table_filter_sort_print(void **st)
{
    (void)st;
    qt_table t;
    size_t idx[3], n;
    qt_buf out = {0};

    qt_table_init(&t, "T");
    qt_table_col(&t, "IP", 8, 0);
    qt_table_col(&t, "N", 3, QT_COL_NUM | QT_COL_RIGHT);
    qt_table_row(&t, "a"); qt_table_cell(&t, 0, "10.0.0.1"); qt_table_cell_num(&t, 0, 2, "2");
    qt_table_row(&t, "b"); qt_table_cell(&t, 0, "10.0.0.2"); qt_table_cell_num(&t, 0, 24, "24");
    qt_table_row(&t, "c"); qt_table_cell(&t, 0, "127.0.0.9"); qt_table_cell_num(&t, 0, 5, "5");
    n = qt_table_visible(&t, NULL, 1, 1, idx);
    assert_int_equal(n, 3);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[2], 0);
    n = qt_table_visible(&t, "10.0", 1, 0, idx);
    assert_int_equal(n, 2);
    assert_int_equal(idx[0], 0);
    assert_int_equal(qt_table_find(&t, "c"), 2);
    n = qt_table_visible(&t, NULL, -1, 0, idx);
    qt_table_print(&t, idx, n, &out);
    assert_string_equal(qt_buf_str(&out),
                        "== T ==\nIP          N\n10.0.0.1    2\n10.0.0.2   24\n127.0.0.9   5\n");
    qt_buf_free(&out);
    qt_table_free(&t);
}

/* FNV-1a 64 against the published test vectors (isthe.com's fnv test
 * suite: "", "a", "foobar"), and hashing in parts equals hashing at once. */
static void fnv1a_known_answers(void **st)
{
    (void)st;
    assert_true(qt_fnv1a(QT_FNV1A_INIT, "", 0) == 0xcbf29ce484222325ull);
    assert_true(qt_fnv1a(QT_FNV1A_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(qt_fnv1a(QT_FNV1A_INIT, "foobar", 6) == 0x85944171f73967e8ull);
    assert_true(qt_fnv1a(qt_fnv1a(QT_FNV1A_INIT, "foo", 3), "bar", 3) == 0x85944171f73967e8ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(safe_escapes_control_bytes),
        cmocka_unit_test(fmt_age_units),
        cmocka_unit_test(fnv1a_known_answers),
        cmocka_unit_test(findings_sort_worst_first),
        cmocka_unit_test(history_ring_keeps_last),
        cmocka_unit_test(table_filter_sort_print),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the views' key tables (panes/pane.h struct qt_view_key), from
 * which the shell dispatches a view's keys and writes its ? help. Every
 * binding has its help line, no key is bound twice in one view, and a
 * help-only line (Enter: the shell drills) lets the shell's binding run. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "panes/panes.h"
#include "panes/ports_views.h"
#include "tests/unit/ui_double.h"

/* Every view the panes can show that is reachable without a snapshot. */
static size_t all_views(const qt_view **out, size_t max)
{
    struct qt_view_in in = {0};
    size_t n = 0;
    for (size_t i = 0; i < qt_npanes && n < max; i++) {
        const qt_view *top = qt_panes[i]->top, *d;
        out[n++] = top;
        /* drills that need no data: a zombie group, an auth step */
        if (strcmp(top->name, "zombies") == 0 && (d = top->drill(&in, "p:1")) && n < max)
            out[n++] = d;
        if (strcmp(top->name, "auth") == 0 && (d = top->drill(&in, "step.0")) && n < max)
            out[n++] = d;
    }
    if (n + 2 <= max) {
        out[n++] = &qt_ports_ip_view;
        out[n++] = &qt_ports_proc_view;
    }
    return n;
}

static void every_binding_has_help(void **st)
{
    const qt_view *v[32];
    size_t n = all_views(v, 32), tables = 0;
    (void)st;
    assert_true(n >= 9);
    for (size_t i = 0; i < n; i++) {
        if (!v[i]->keys)
            continue;
        tables++;
        for (const struct qt_view_key *k = v[i]->keys; k->label; k++) {
            assert_non_null(k->help);
            assert_true(k->label[0] && k->help[0]);
            assert_true(k->keys[0] != 0);          /* a help line names keys that exist */
            for (const struct qt_view_key *o = k + 1; o->label; o++)
                for (int a = 0; a < 4 && k->keys[a]; a++)
                    for (int b = 0; b < 4 && o->keys[b]; b++)
                        if (k->keys[a] == o->keys[b])
                            fail_msg("%s: key %d bound twice (%s, %s)", v[i]->name, k->keys[a], k->label, o->label);
        }
    }
    assert_true(tables >= 7);   /* ports x3, zombies x2, auth x2 */
}

/* The dispatch: unbound keys, NUL and help-only lines are left to the shell. */
static void dispatch_leaves_the_rest_to_the_shell(void **st)
{
    struct qt_ui_double d;
    struct qt_view_in in = {0};
    (void)st;
    qt_ui_double_init(&d);
    assert_int_equal(qt_view_key(&qt_ports_top_view, &d.ui, &in, NULL, 'Z'), 0);
    assert_int_equal(qt_view_key(&qt_ports_top_view, &d.ui, &in, NULL, 0), 0);
    assert_int_equal(qt_view_key(&qt_ports_top_view, &d.ui, &in, NULL, '\r'), 0);  /* Enter: help only */
    /* a bound key runs its handler: b without a selected IP says so */
    assert_int_equal(qt_view_key(&qt_ports_top_view, &d.ui, &in, NULL, 'b'), 1);
    assert_string_equal(d.flash, "select a remote IP first");
    assert_int_equal(d.flashes, 1);
    qt_ui_double_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_binding_has_help),
        cmocka_unit_test(dispatch_leaves_the_rest_to_the_shell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

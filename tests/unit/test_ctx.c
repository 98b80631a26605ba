/* Unit tests: context, --ports parsing, paths under --root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "diag/core/ctx.h"

static void ports_names_and_numbers(void **st)
{
    (void)st;
    qt_ctx c;
    char err[256];
    qt_ctx_defaults(&c);
    assert_int_equal(c.nservices, 3);
    assert_int_equal(c.services[0].port, 465);
    assert_int_equal(qt_ctx_parse_ports(&c, "submission,995,lab=24465,4000", err, sizeof err), 0);
    assert_int_equal(c.nservices, 4);
    assert_string_equal(c.services[0].name, "submission");
    assert_int_equal(c.services[0].port, 587);
    assert_string_equal(c.services[1].name, "pop3s");
    assert_string_equal(c.services[2].name, "lab");
    assert_int_equal(c.services[2].port, 24465);
    assert_string_equal(c.services[3].name, "port-4000");
    assert_int_equal(qt_ctx_service_index(&c, 24465), 2);
    assert_int_equal(qt_ctx_service_index(&c, 1), -1);
}

static void ports_rejects_garbage(void **st)
{
    (void)st;
    qt_ctx c;
    char err[256];
    qt_ctx_defaults(&c);
    assert_int_equal(qt_ctx_parse_ports(&c, "", err, sizeof err), -1);
    assert_int_equal(qt_ctx_parse_ports(&c, "nosuch", err, sizeof err), -1);
    assert_non_null(strstr(err, "nosuch"));
    assert_int_equal(qt_ctx_parse_ports(&c, "a=0", err, sizeof err), -1);
    assert_int_equal(qt_ctx_parse_ports(&c, "a=70000", err, sizeof err), -1);
    assert_int_equal(qt_ctx_parse_ports(&c, "465,465", err, sizeof err), -1);
    assert_int_equal(qt_ctx_parse_ports(&c, "x y=1", err, sizeof err), -1);
    assert_int_equal(qt_ctx_parse_ports(&c, "465,,993", err, sizeof err), -1);
    assert_int_equal(c.nservices, 3); /* unchanged on error */
}

static void paths_under_root(void **st)
{
    (void)st;
    qt_ctx c;
    char b[64];
    qt_ctx_defaults(&c);
    assert_string_equal(qt_ctx_path(&c, "/var/qmail/control/me", b, sizeof b), "/var/qmail/control/me");
    c.root = "/tmp/lab/root/";
    assert_string_equal(qt_ctx_path(&c, "/var/qmail/control/me", b, sizeof b), "/tmp/lab/root/var/qmail/control/me");
    assert_string_equal(qt_ctx_path(&c, "/tmp/lab/root/etc/x", b, sizeof b), "/tmp/lab/root/etc/x");
    assert_string_equal(qt_ctx_path(&c, "/tmp/lab/rootless", b, sizeof b), "/tmp/lab/root/tmp/lab/rootless");
    c.proc = "/fx/proc";
    assert_string_equal(qt_ctx_proc(&c, "12/stat", b, sizeof b), "/fx/proc/12/stat");
    assert_null(qt_ctx_path(&c, "/a/very/long/path/that/does/not/fit/in/the/buffer/at/all", b, 20));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ports_names_and_numbers),
        cmocka_unit_test(ports_rejects_garbage),
        cmocka_unit_test(paths_under_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

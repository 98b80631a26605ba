/* Unit tests: command-line parsing. Bad options give one line naming the
 * option and exit code 2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/options.h"

static int parse(const char *const *args, qt_options *o, char *err, size_t n)
{
    char *argv[32];
    int argc = 0;
    FILE *out = fopen("/dev/null", "w"), *ef = fmemopen(err, n, "w");
    int rc;
    for (; args[argc]; argc++)
        argv[argc] = (char *)args[argc];
    argv[argc] = NULL;
    memset(err, 0, n);
    rc = qt_options_parse(argc, argv, o, out, ef);
    fclose(out);
    fclose(ef);
    return rc;
}

static void defaults(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", NULL};
    unsetenv("NO_COLOR");
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_string_equal(o.ctx.root, "/");
    assert_string_equal(o.ctx.proc, "/proc");
    assert_int_equal(o.ctx.nservices, 3);
    assert_true(o.interval == 1);
    assert_int_equal(o.batch, 0);
    assert_int_equal(o.no_color, 0);
}

static void all_options(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", "--root", "/tmp/r", "--proc=/tmp/p", "--ports", "smtp,lab=24465",
                       "--interval", "0.5", "--limit", "100", "--dns-server", "127.0.0.1:24053",
                       "--public-ip", "127.0.0.1", "--read-only", "--no-color", "--ascii",
                       "--batch", "--count", "3", NULL};
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_string_equal(o.ctx.root, "/tmp/r");
    assert_string_equal(o.ctx.proc, "/tmp/p");
    assert_int_equal(o.ctx.nservices, 2);
    assert_int_equal(o.ctx.services[1].port, 24465);
    assert_true(o.interval == 0.5);
    assert_int_equal(o.ctx.limit, 100);
    assert_string_equal(o.ctx.dns_server, "127.0.0.1:24053");
    assert_int_equal(o.ctx.read_only, 1);
    assert_int_equal(o.no_color, 1);
    assert_int_equal(o.ascii, 1);
    assert_int_equal(o.batch, 1);
    assert_int_equal(o.count, 3);
}

static void no_color_env(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", NULL};
    setenv("NO_COLOR", "1", 1);
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_int_equal(o.no_color, 1);
    unsetenv("NO_COLOR");
}

static void bad_options_name_themselves(void **st)
{
    (void)st;
    static const struct { const char *args[4]; const char *want; } cases[] = {
        {{"qtriage", "--bogus", NULL}, "'--bogus'"},
        {{"qtriage", "--interval", "0", NULL}, "--interval '0'"},
        {{"qtriage", "--interval", "abc", NULL}, "--interval 'abc'"},
        {{"qtriage", "--ports", "nosuch", NULL}, "--ports 'nosuch'"},
        {{"qtriage", "--count", "0", NULL}, "--count '0'"},
        {{"qtriage", "--limit", "-5", NULL}, "--limit '-5'"},
        {{"qtriage", "--root", NULL}, "'--root' needs a value"},
        {{"qtriage", "stray", NULL}, "'stray'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qt_options o;
        char err[512];
        assert_int_equal(parse(cases[i].args, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: error '%s' does not contain '%s'", i, err, cases[i].want);
        assert_non_null(strchr(err, '\n'));
        assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
    }
}

static void help_and_version(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *h[] = {"qtriage", "--help", NULL};
    const char *v[] = {"qtriage", "--version", NULL};
    assert_int_equal(parse(h, &o, err, sizeof err), QT_OPT_EXIT_OK);
    assert_int_equal(parse(v, &o, err, sizeof err), QT_OPT_EXIT_OK);
}

/* A parse that stopped inside a cluster of short options ("-zc": -z is
 * unknown) must not leave getopt's place for the next parse: the next
 * command line used to start with the rest of the old cluster ("c", whose
 * value was then missing), or read freed memory when the old argv was gone
 * (fuzz_readers: heap-use-after-free in qt_threshold_parse). */
static void reparse_forgets_old_cluster(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", "-zc", NULL};
    const char *b[] = {"qtriage", "--once", NULL};
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    if (parse(b, &o, err, sizeof err) != QT_OPT_RUN)
        fail_msg("second parse refused: %s", err);
    assert_int_equal(o.batch, 1);
    assert_int_equal(o.ncrit, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(all_options),
        cmocka_unit_test(no_color_env),
        cmocka_unit_test(bad_options_name_themselves),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(reparse_forgets_old_cluster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

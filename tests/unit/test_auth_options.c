/* Unit tests: the --auth command-line options (src/options.c): values are
 * kept, --auth-* without --auth and bad --auth-timeout are usage errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/options.h"

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

static void auth_values(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", "--auth", "joe@example.com", "--auth-target", "127.0.0.1:2525", "--auth-mech",
                       "CRAM-MD5", "--auth-service", "smtps", "--auth-tls", "implicit", "--auth-program", "/bin/true",
                       "--auth-timeout", "2.5", "--vchkpw", "/var/vpopmail/bin/vchkpw", NULL};
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_string_equal(o.auth, "joe@example.com");
    assert_string_equal(o.auth_target, "127.0.0.1:2525");
    assert_string_equal(o.auth_mech, "CRAM-MD5");
    assert_string_equal(o.auth_service, "smtps");
    assert_string_equal(o.auth_tls, "implicit");
    assert_string_equal(o.auth_program, "/bin/true");
    assert_string_equal(o.vchkpw, "/var/vpopmail/bin/vchkpw");
    assert_true(o.auth_timeout > 2.4 && o.auth_timeout < 2.6);
}

static void auth_usage_errors(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", "--vchkpw", "/x", NULL};
    const char *b[] = {"qtriage", "--auth", "j@x", "--auth-timeout", "0", NULL};
    const char *c[] = {"qtriage", "--auth", "j@x", "--auth-timeout", "9x", NULL};
    const char *d[] = {"qtriage", "--auth", NULL};
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "need --auth"));
    assert_int_equal(parse(b, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "--auth-timeout"));
    assert_int_equal(parse(c, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_int_equal(parse(d, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "--auth"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth_values), cmocka_unit_test(auth_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
    const char *a[] = {"qtriage", "--root", "/tmp/r", "--proc=/tmp/p", "--qmail-dir", "/opt/qmail", "--ports", "smtp,lab=24465",
                       "--interval", "0.5", "--limit", "100", "--dns-server", "127.0.0.1:24053",
                       "--public-ip", "127.0.0.1", "--read-only", "--no-color", "--ascii",
                       "--batch", "--count", "3", NULL};
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_string_equal(o.ctx.root, "/tmp/r");
    assert_string_equal(o.ctx.proc, "/tmp/p");
    assert_string_equal(o.ctx.qmail_dir, "/opt/qmail");
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
        {{"qtriage", "--qmail-dir", "qmail", NULL}, "--qmail-dir: give an absolute path"},
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

/* issue 12: numbers are decimal only, --dns-server is an address with an
 * optional port in range, and nothing the user typed is echoed raw. */
static void numbers_are_decimal(void **st)
{
    (void)st;
    static const char *const opts[] = {"--interval", "--timeout", "--count", "--limit"};
    static const char *const bad_vals[] = {"0x10", "1e3", " 5", "5 ", "+5", "-5", "inf", "nan", "infinity",
                                           "5.", ".5", "1,5", "", "0x1p3", "١"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        for (size_t k = 0; k < sizeof bad_vals / sizeof bad_vals[0]; k++) {
            qt_options o;
            char err[512], want[64];
            const char *a[] = {"qtriage", opts[i], bad_vals[k], NULL};
            if (parse(a, &o, err, sizeof err) != QT_OPT_EXIT_USAGE)
                fail_msg("%s '%s' was accepted", opts[i], bad_vals[k]);
            snprintf(want, sizeof want, "qtriage: %s '", opts[i]);
            if (strncmp(err, want, strlen(want)) != 0)
                fail_msg("%s '%s': message '%s'", opts[i], bad_vals[k], err);
            assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1); /* one line */
        }
    {
        static const char *const auth_bad[] = {"0x10", "1e1", "+5", "inf", "nan", " 5"};
        for (size_t k = 0; k < sizeof auth_bad / sizeof auth_bad[0]; k++) {
            qt_options o;
            char err[512];
            const char *a[] = {"qtriage", "--auth", "a@b.c", "--auth-timeout", auth_bad[k], NULL};
            if (parse(a, &o, err, sizeof err) != QT_OPT_EXIT_USAGE || !strstr(err, "--auth-timeout '"))
                fail_msg("--auth-timeout '%s': %s", auth_bad[k], err);
        }
    }
    {
        qt_options o;
        char err[512];
        const char *a[] = {"qtriage", "--interval", "2.25", "--timeout", "86400", "--count", "007", NULL};
        assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
        assert_true(o.interval == 2.25);
        assert_true(o.timeout == 86400);
        assert_int_equal(o.count, 7);
    }
}

static void dns_server_forms(void **st)
{
    (void)st;
    static const char *const good[] = {"127.0.0.1", "127.0.0.1:53", "192.0.2.1:65535", "127.0.0.1:1",
                                       "[::1]:5353", "[2001:db8::1]:53", "[::1]", "::1", "2001:db8::53"};
    static const char *const bad_vals[] = {"999.1.1.1", "127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:", "127.0.0.1:0x35",
                                           "127.0.0.1:+53", "127.0.0.1: 53", "resolver.example", "resolver.example:53",
                                           "localhost", "[::1]:0", "[::1]:65536", "[::1]x", "[127.0.0.1]:53", "[::1",
                                           " 127.0.0.1", "1.2.3", "", "127.0.0.1:53:53", "::1:99999"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        qt_options o;
        char err[512];
        const char *a[] = {"qtriage", "--dns-server", good[i], NULL};
        if (parse(a, &o, err, sizeof err) != QT_OPT_RUN)
            fail_msg("--dns-server '%s' refused: %s", good[i], err);
        assert_string_equal(o.ctx.dns_server, good[i]);
    }
    for (size_t i = 0; i < sizeof bad_vals / sizeof bad_vals[0]; i++) {
        qt_options o;
        char err[512], want[128];
        const char *a[] = {"qtriage", "--dns-server", bad_vals[i], NULL};
        if (parse(a, &o, err, sizeof err) != QT_OPT_EXIT_USAGE)
            fail_msg("--dns-server '%s' was accepted", bad_vals[i]);
        snprintf(want, sizeof want, "qtriage: --dns-server '%s': want IPv4[:PORT] or [IPv6]:PORT", bad_vals[i]);
        if (strncmp(err, want, strlen(want)) != 0)
            fail_msg("message: %s", err);
    }
    {
        qt_options o;
        char err[512];
        const char *a[] = {"qtriage", "--public-ip", "203.0.113.999", NULL};
        assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
        assert_non_null(strstr(err, "public address"));
    }
}

static void prometheus_stdout(void **st)
{
    (void)st;
    qt_options o;
    char err[512];
    const char *ok[] = {"qtriage", "--prometheus", "-", NULL};
    const char *clash1[] = {"qtriage", "--prometheus", "-", "--json", NULL};
    const char *clash2[] = {"qtriage", "--prometheus", "-", "--report", "-", NULL};
    const char *fine[] = {"qtriage", "--prometheus", "-", "--report", "/tmp/x.md", NULL};
    assert_int_equal(parse(ok, &o, err, sizeof err), QT_OPT_RUN);
    assert_string_equal(o.prometheus, "-");
    assert_int_equal(parse(clash1, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "both write to standard output"));
    assert_int_equal(parse(clash2, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_int_equal(parse(fine, &o, err, sizeof err), QT_OPT_RUN);
}

/* what the user typed comes back escaped: a value, an unknown option, a stray argument */
static void echoed_values_escaped(void **st)
{
    (void)st;
    static const char *const args[][4] = {
        {"qtriage", "--interval", "\x1b]0;pwned\x07", NULL},
        {"qtriage", "--bogus-\x1b[2J", NULL, NULL},
        {"qtriage", "stray\x1b[31m", NULL, NULL},
        {"qtriage", "--dns-server", "\x1b[31m1.2.3.4", NULL},
    };
    for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
        qt_options o;
        char err[512];
        assert_int_equal(parse(args[i], &o, err, sizeof err), QT_OPT_EXIT_USAGE);
        if (strchr(err, '\x1b') || strchr(err, '\x07'))
            fail_msg("case %zu: raw control byte in '%s'", i, err);
        assert_non_null(strstr(err, "\\x1b"));
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

/* --classify-log takes the operands as its files ("-" too, after other
 * options), needs at least one, and goes with no other mode (issue 16). */
/* --log-window TIME[,SIZE] (issue 16): units, defaults, and what is refused */
static void log_window(void **st)
{
    (void)st;
    qt_options o;
    char err[512];
    static const char *const d[] = {"qtriage", NULL};
    static const char *const a[] = {"qtriage", "--log-window", "7d", NULL};
    static const char *const b[] = {"qtriage", "--log-window", "30m,1G", NULL};
    static const char *const c[] = {"qtriage", "--log-window", "90,512K", NULL};
    static const char *const bad[][4] = {{"qtriage", "--log-window", "0", NULL}, {"qtriage", "--log-window", "1w", NULL},
                                         {"qtriage", "--log-window", "1h,", NULL},
                                         {"qtriage", "--log-window", "400d", NULL},
                                         {"qtriage", "--log-window", "1h,65G", NULL}};
    assert_int_equal(parse(d, &o, err, sizeof err), QT_OPT_RUN);
    assert_true(o.ctx.log_window == 3600 && o.ctx.log_window_bytes == 64ull << 20);
    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_true(o.ctx.log_window == 7 * 86400 && o.ctx.log_window_bytes == 64ull << 20);
    assert_int_equal(parse(b, &o, err, sizeof err), QT_OPT_RUN);
    assert_true(o.ctx.log_window == 1800 && o.ctx.log_window_bytes == 1ull << 30);
    assert_int_equal(parse(c, &o, err, sizeof err), QT_OPT_RUN);
    assert_true(o.ctx.log_window == 90 && o.ctx.log_window_bytes == 512ull << 10);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i], &o, err, sizeof err), QT_OPT_EXIT_USAGE);
        assert_non_null(strstr(err, "--log-window"));
    }
}

static void classify_log_files(void **st)
{
    (void)st;
    qt_options o;
    char err[256];
    const char *a[] = {"qtriage", "--classify-log", "a.log", "-", "--root", "/tmp/r", "b.gz", NULL};
    const char *none[] = {"qtriage", "--classify-log", NULL};
    const char *mixed[] = {"qtriage", "--classify-log", "a.log", "--json", NULL};
    const char *stray[] = {"qtriage", "a.log", NULL};

    assert_int_equal(parse(a, &o, err, sizeof err), QT_OPT_RUN);
    assert_int_equal(o.classify_log, 1);
    assert_int_equal(o.nlog_files, 3);
    assert_string_equal(o.log_files[0], "a.log");
    assert_string_equal(o.log_files[1], "-");
    assert_string_equal(o.log_files[2], "b.gz");
    assert_string_equal(o.ctx.root, "/tmp/r");
    assert_int_equal(parse(none, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "--classify-log needs at least one FILE"));
    assert_int_equal(parse(mixed, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "--classify-log only classifies"));
    assert_int_equal(parse(stray, &o, err, sizeof err), QT_OPT_EXIT_USAGE);
    assert_non_null(strstr(err, "unexpected argument 'a.log'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(all_options),
        cmocka_unit_test(no_color_env),
        cmocka_unit_test(bad_options_name_themselves),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(numbers_are_decimal),
        cmocka_unit_test(dns_server_forms),
        cmocka_unit_test(prometheus_stdout),
        cmocka_unit_test(echoed_values_escaped),
        cmocka_unit_test(reparse_forgets_old_cluster),
        cmocka_unit_test(classify_log_files),
        cmocka_unit_test(log_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

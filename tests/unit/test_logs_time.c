/* Unit tests: the timestamps of mail log lines (diag/logs/logs_time.c).
 * TAI64N: docs/domain/supervision.md#multilog and https://cr.yp.to/libtai/tai64.html;
 * compared with the real tai64nlocal (daemontools) when it is installed,
 * in a UTC zone and in a leap-second ("right/") zone. RFC 3164 section
 * 4.1.2 (no year: inferred from a reference), RFC 5424 section 6.2.3 and
 * RFC 3339 section 5.6 (zones), splogger's "SECONDS.USEC" (notqmail
 * splogger.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag/logs/logs.h"

static void set_tz(const char *tz)
{
    setenv("TZ", tz, 1);
    tzset();
}

static void tai64n_label(void **st)
{
    (void)st;
    struct qt_log_time t;
    char out[40];

    set_tz("UTC");
    /* the example of docs/domain/supervision.md#multilog, checked there against tai64nlocal */
    assert_int_equal(qt_log_tai64n("@400000006b0ba44436401984 x", 27, &t), 25);
    assert_int_equal(t.kind, QT_STAMP_TAI64N);
    assert_int_equal(t.sec, 0x6b0ba444 - 10);
    assert_int_equal(t.nsec, 0x36401984);
    assert_string_equal(qt_log_time_format(&t, out, sizeof out), "2026-11-29 04:04:10.910170500");
    /* man tai64n: 4000000037c219bf2ef02e94 is 935467455.787492500 s after 1970 TAI */
    assert_int_equal(qt_log_tai64n("@4000000037c219bf2ef02e94", 25, &t), 25);
    assert_int_equal(0x37c219bf, 935467455);
    assert_int_equal(t.sec, 935467455 - 10);   /* label - 2^62 - 10 */
    assert_int_equal(t.nsec, 787492500);
    /* no leap-second table (as tai64nlocal): the label multilog wrote at
     * Unix 1483228800 reads back as 2017-01-01 00:00:00 UTC, not 27 s off */
    assert_int_equal(qt_log_tai64n("@400000005868468a00000000", 25, &t), 25);
    assert_string_equal(qt_log_time_format(&t, out, sizeof out), "2017-01-01 00:00:00.000000000");
    /* refused: short, not hex, nanoseconds >= 10^9, before 2^62 */
    assert_int_equal(qt_log_tai64n("@400000006b0ba4443640198", 24, &t), 0);
    assert_int_equal(t.kind, QT_STAMP_NONE);
    assert_int_equal(qt_log_tai64n("@400000006b0ba444364019zz", 25, &t), 0);
    assert_int_equal(qt_log_tai64n("@400000006b0ba444ffffffff", 25, &t), 0);
    assert_int_equal(qt_log_tai64n("@000000006b0ba44436401984", 25, &t), 0);
    assert_int_equal(qt_log_tai64n("400000006b0ba44436401984x", 25, &t), 0);
}

/* Run tai64nlocal on labels; compare with qt_log_time_format in the same zone. */
static void compare_with_tai64nlocal(const char *tz)
{
    static const char *const labels[] = {
        "@400000006b0ba44436401984",
        /* around the leap second at the end of 2016 (a 23:59:60 UTC second):
         * Unix 1483228799 (23:59:59), 1483228800 (2017-01-01 00:00:00) and the
         * next second at 999999999 ns, as multilog labels them (time + 10) */
        "@400000005868468900000000",
        "@400000005868468a00000000",
        "@400000005868468b3b9ac9ff",
        "@400000004a7a8e9c00000000",
    };
    char tmp[] = "/tmp/qt-tai64-XXXXXX", cmd[256], got[128];
    int fd = mkstemp(tmp);
    FILE *f;

    assert_true(fd >= 0);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        assert_true(write(fd, labels[i], 25) == 25);
        assert_true(write(fd, " x\n", 3) == 3);
    }
    close(fd);
    snprintf(cmd, sizeof cmd, "TZ=%s /usr/bin/tai64nlocal < %s", tz, tmp);
    f = popen(cmd, "r");
    assert_non_null(f);
    set_tz(tz);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        struct qt_log_time t;
        char mine[40];
        assert_non_null(fgets(got, sizeof got, f));
        assert_int_equal(qt_log_tai64n(labels[i], 25, &t), 25);
        qt_log_time_format(&t, mine, sizeof mine);
        strcat(mine, " x\n");
        assert_string_equal(mine, got);
    }
    pclose(f);
    unlink(tmp);
    set_tz("UTC");
}

static void same_as_tai64nlocal(void **st)
{
    (void)st;
    struct stat sb;

    if (stat("/usr/bin/tai64nlocal", &sb) != 0)
        skip();
    compare_with_tai64nlocal("UTC");
    compare_with_tai64nlocal("CET-1CEST,M3.5.0,M10.5.0/3");
    /* a zone that counts leap seconds: tai64nlocal's localtime() applies
     * them, and so does ours (docs/domain/supervision.md#multilog) */
    if (stat("/usr/share/zoneinfo/right/UTC", &sb) == 0)
        compare_with_tai64nlocal("right/UTC");
}

static void epoch_stamp(void **st)
{
    (void)st;
    struct qt_log_time t;

    assert_int_equal(qt_log_epoch("1795925050.910170 status: local", 31, &t), 17);
    assert_int_equal(t.kind, QT_STAMP_EPOCH);
    assert_int_equal(t.sec, 1795925050);
    assert_int_equal(t.nsec, 910170000);
    /* splogger's folded line: "+" after the stamp */
    assert_int_equal(qt_log_epoch("1795925050.5+more", 17, &t), 12);
    assert_int_equal(t.nsec, 500000000);
    assert_int_equal(qt_log_epoch("1795925050.123456789", 20, &t), 20);
    assert_int_equal(t.nsec, 123456789);
    /* not stamps */
    assert_int_equal(qt_log_epoch("1795925050 x", 12, &t), 0);
    assert_int_equal(qt_log_epoch("1795925050.", 11, &t), 0);
    assert_int_equal(qt_log_epoch("1795925050.1234567890", 21, &t), 0);
    assert_int_equal(qt_log_epoch("1795925050.12x", 14, &t), 0);
    assert_int_equal(qt_log_epoch("1234567890123.5 ", 16, &t), 0);
    assert_int_equal(qt_log_epoch(".5 ", 3, &t), 0);
}

static int64_t local(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
                    .tm_sec = s, .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

static void rfc3164_year(void **st)
{
    (void)st;
    struct qt_log_time t;

    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    /* same year */
    assert_int_equal(qt_log_rfc3164("Dec  7 09:41:15 mail x", 22, local(2026, 12, 7, 10, 0, 0), &t), 15);
    assert_int_equal(t.kind, QT_STAMP_RFC3164);
    assert_int_equal(t.sec, local(2026, 12, 7, 9, 41, 15));
    /* across New Year: read on Jan 1 2027, a Dec 31 line is from 2026 */
    assert_int_equal(qt_log_rfc3164("Dec 31 23:59:59", 15, local(2027, 1, 1, 0, 0, 30), &t), 15);
    assert_int_equal(t.sec, local(2026, 12, 31, 23, 59, 59));
    /* and a clock a little behind: a Jan 1 line read on Dec 31 is next year's */
    assert_int_equal(qt_log_rfc3164("Jan  1 00:00:01", 15, local(2026, 12, 31, 23, 59, 58), &t), 15);
    assert_int_equal(t.sec, local(2027, 1, 1, 0, 0, 1));
    /* a file last written in March: its "Nov" lines are from last year */
    assert_int_equal(qt_log_rfc3164("Nov 30 12:00:00", 15, local(2027, 3, 2, 8, 0, 0), &t), 15);
    assert_int_equal(t.sec, local(2026, 11, 30, 12, 0, 0));
    /* Feb 29 exists only in a leap year: 2028 */
    assert_int_equal(qt_log_rfc3164("Feb 29 12:00:00", 15, local(2028, 3, 1, 0, 0, 0), &t), 15);
    assert_int_equal(t.sec, local(2028, 2, 29, 12, 0, 0));
    /* zero-padded day; summer time (CEST) */
    assert_int_equal(qt_log_rfc3164("Jul 07 12:00:00", 15, local(2026, 7, 8, 0, 0, 0), &t), 15);
    assert_int_equal(t.sec, local(2026, 7, 7, 12, 0, 0));
    assert_int_equal(t.sec, 1783418400);   /* 10:00 UTC */
    /* refused */
    assert_int_equal(qt_log_rfc3164("Dex  7 09:41:15", 15, 0, &t), 0);
    assert_int_equal(qt_log_rfc3164("Dec 32 09:41:15", 15, 0, &t), 0);
    assert_int_equal(qt_log_rfc3164("Dec  7 24:41:15", 15, 0, &t), 0);
    assert_int_equal(qt_log_rfc3164("Dec  7 09:41", 12, 0, &t), 0);
    assert_int_equal(qt_log_rfc3164("Dec 7 09:41:15 ", 15, 0, &t), 0);
    set_tz("UTC");
}

static void iso8601_zones(void **st)
{
    (void)st;
    struct qt_log_time t;
    const char *s;

    set_tz("CET-1CEST,M3.5.0,M10.5.0/3");
    s = "2026-12-07T09:41:15.123456+01:00 mail";
    assert_int_equal(qt_log_iso8601(s, strlen(s), &t), 32);
    assert_int_equal(t.kind, QT_STAMP_ISO8601);
    assert_int_equal(t.sec, 1796632875 + 0);   /* 08:41:15 UTC */
    assert_int_equal(t.nsec, 123456000);
    s = "2026-12-07T08:41:15Z";
    assert_int_equal(qt_log_iso8601(s, strlen(s), &t), 20);
    assert_int_equal(t.sec, 1796632875);
    s = "2026-12-07T03:41:15-0500";
    assert_int_equal(qt_log_iso8601(s, strlen(s), &t), 24);
    assert_int_equal(t.sec, 1796632875);
    /* no zone: local time */
    s = "2026-12-07T09:41:15 x";
    assert_int_equal(qt_log_iso8601(s, strlen(s), &t), 19);
    assert_int_equal(t.sec, 1796632875);
    /* tai64nlocal's output: space-separated, nanoseconds, local */
    s = "2026-12-07 09:41:15.910170500 tcpserver: status: 1/40";
    assert_int_equal(qt_log_iso8601(s, strlen(s), &t), 29);
    assert_int_equal(t.kind, QT_STAMP_TAI64NLOCAL);
    assert_int_equal(t.sec, 1796632875);
    assert_int_equal(t.nsec, 910170500);
    /* RFC 5424 through qt_log_stamp: "<PRI>1 " skipped */
    s = "<22>1 2026-12-07T08:41:15.003Z mail vpopmail 1 - - x";
    assert_int_equal(qt_log_stamp(s, strlen(s), 0, &t), 30);
    assert_int_equal(t.kind, QT_STAMP_ISO8601);
    assert_int_equal(t.sec, 1796632875);
    assert_int_equal(t.nsec, 3000000);
    /* refused */
    assert_int_equal(qt_log_iso8601("2026-13-07T08:41:15Z", 20, &t), 0);
    assert_int_equal(qt_log_iso8601("2026-12-07X08:41:15Z", 20, &t), 0);
    assert_int_equal(qt_log_iso8601("2026-12-07T08:41:15+1", 21, &t), 0);
    assert_int_equal(qt_log_iso8601("2026-12-07T08:41:15+25:00", 25, &t), 0);
    assert_int_equal(qt_log_iso8601("2026-12-07T08:41", 16, &t), 0);
    set_tz("UTC");
}

static void any_stamp(void **st)
{
    (void)st;
    struct qt_log_time t;
    const char *s;

    set_tz("UTC");
    s = "@400000006b0ba44436401984 tcpserver: status: 1/40";
    assert_int_equal(qt_log_stamp(s, strlen(s), 0, &t), 25);
    assert_int_equal(t.kind, QT_STAMP_TAI64N);
    s = "<30>Dec  7 09:41:15 mail qmail: x";
    assert_int_equal(qt_log_stamp(s, strlen(s), 1796632875, &t), 19);
    assert_int_equal(t.kind, QT_STAMP_RFC3164);
    assert_int_equal(t.sec, 1796636475);
    s = "1795925050.910170 delivery 1: success: did_1+0+0/";
    assert_int_equal(qt_log_stamp(s, strlen(s), 0, &t), 17);
    assert_int_equal(t.kind, QT_STAMP_EPOCH);
    /* no stamp: the line's place in its file is its time */
    s = "status: local 0/10 remote 0/20";
    assert_int_equal(qt_log_stamp(s, strlen(s), 0, &t), 0);
    assert_int_equal(t.kind, QT_STAMP_NONE);
    char out[40];
    assert_string_equal(qt_log_time_format(&t, out, sizeof out), "-");
    assert_int_equal(qt_log_stamp("", 0, 0, &t), 0);
    assert_int_equal(qt_log_stamp("<", 1, 0, &t), 0);
    assert_int_equal(qt_log_stamp("<13", 3, 0, &t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tai64n_label),
        cmocka_unit_test(same_as_tai64nlocal),
        cmocka_unit_test(epoch_stamp),
        cmocka_unit_test(rfc3164_year),
        cmocka_unit_test(iso8601_zones),
        cmocka_unit_test(any_stamp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

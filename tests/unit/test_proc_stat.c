/* Unit tests: /proc/PID/stat parsing (qt_proc_parse_stat, diag/procs/procs.c)
 * on real lines, hostile comm fields, cut and malformed lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/procs/procs.h"
#include "diag/core/util.h"

/* Real lines read on Debian 12 (kernel 6.18) while a zombie maker (now lab/src/zombie-maker.c) staged a
 * zombie under a fake tcpserver, and kthreadd. */
static const char real_parent[] =
    "27197 (tcpserver) S 27195 27193 4431 0 -1 4194304 155 0 1 0 0 0 0 0 20 0 1 0 250447 2535424 369 "
    "18446744073709551615 94651007414272 94651007417241 140726265037152 0 0 0 0 4096 16386 1 0 0 17 1 0 0 0 0 0 "
    "94651007426000 94651007426800 94651449798656 140726265039219 140726265039255 140726265039255 140726265040873 0\n";
static const char real_zombie[] =
    "27198 (qmail-smtpd) Z 27197 27193 4431 0 -1 4227148 18 0 0 0 0 0 0 0 20 0 1 0 250448 0 0 18446744073709551615 "
    "0 0 0 0 0 0 0 4096 16386 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
static const char real_kthread[] =
    "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 19 0 0 18446744073709551615 0 0 0 0 0 0 0 "
    "2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

static int parse(const char *text, struct qt_proc *p, unsigned long long *ticks)
{
    memset(p, 0, sizeof *p);
    return qt_proc_parse_stat(text, strlen(text), p, ticks);
}

static void stat_real_lines(void **st)
{
    (void)st;
    struct qt_proc p;
    unsigned long long t = 0;

    assert_int_equal(parse(real_parent, &p, &t), 0);
    assert_int_equal(p.pid, 27197);
    assert_string_equal(p.comm, "tcpserver");
    assert_int_equal(p.state, 'S');
    assert_int_equal(p.ppid, 27195);
    assert_int_equal(p.pgid, 27193);
    assert_int_equal(p.sid, 4431);
    assert_int_equal(p.nlwp, 1);
    assert_true(t == 250447);
    assert_false(p.flags & QT_PF_KTHREAD);

    assert_int_equal(parse(real_zombie, &p, &t), 0);
    assert_int_equal(p.state, 'Z');
    assert_string_equal(p.comm, "qmail-smtpd");
    assert_true(t == 250448);
    assert_true(qt_proc_is_zombie(&p));

    assert_int_equal(parse(real_kthread, &p, &t), 0);
    assert_int_equal(p.ppid, 0);
    assert_int_equal(p.pgid, 0);
    assert_true(p.flags & QT_PF_KTHREAD);
    assert_true(t == 19);
}

/* Build a stat line for comm by substituting it into the real zombie line. */
static char *with_comm(const char *comm)
{
    const char *rest = strstr(real_zombie, ") Z ");
    return qt_asprintf("27198 (%s%s", comm, rest);
}

static void stat_hostile_comm(void **st)
{
    (void)st;
    static const char *names[] = {
        "a b",                /* space */
        "x)y (z",             /* parentheses inside */
        ")",                  /* just a close paren */
        "((",                 /* opening ones */
        "nl\nx",              /* newline */
        "x) Z 1 1 1 0 -1",    /* tries to fake the following fields */
        "",                   /* empty */
        "\xc3\xa9t\xe9\x7f",  /* high bytes and DEL */
        "123456789012345",    /* the kernel's 15-byte maximum */
    };
    for (size_t i = 0; i < QT_ARRAY_LEN(names); i++) {
        char *line = with_comm(names[i]);
        struct qt_proc p;
        unsigned long long t = 0;
        assert_int_equal(parse(line, &p, &t), 0);
        assert_string_equal(p.comm, names[i]);
        assert_int_equal(p.state, 'Z');
        assert_int_equal(p.ppid, 27197);
        assert_true(t == 250448);
        free(line);
    }
}

static void stat_long_comm_is_cut(void **st)
{
    (void)st;
    char name[200];
    memset(name, 'k', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char *line = with_comm(name);
    struct qt_proc p;
    assert_int_equal(parse(line, &p, NULL), 0);
    assert_int_equal(strlen(p.comm), sizeof p.comm - 1);
    free(line);
}

static void stat_truncated(void **st)
{
    (void)st;
    /* every prefix that ends before the separator after the start time is
     * malformed: "... 25044" must not pass for a start time of 25044 */
    const char *line = real_parent;
    const char *start = strstr(line, " 250447 ");
    size_t need = (size_t)(start - line) + 8; /* through the space after starttime */
    struct qt_proc p;
    unsigned long long t = 0;

    for (size_t n = 0; n < need; n++) {
        memset(&p, 0, sizeof p);
        assert_int_equal(qt_proc_parse_stat(line, n, &p, &t), -1);
    }
    memset(&p, 0, sizeof p);
    assert_int_equal(qt_proc_parse_stat(line, need, &p, &t), 0);
    assert_true(t == 250447);
}

static void stat_garbage(void **st)
{
    (void)st;
    static const char *bad[] = {
        "",
        "garbage",
        "12",
        "12 ",
        "12 (a",                                   /* no close paren */
        "12 x) S 1 1 1",                            /* no open paren */
        "0 (init) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",   /* pid 0 */
        "-5 (a) S 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",     /* negative pid */
        "12 (a) S -1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",    /* negative ppid */
        "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5 0 0",    /* negative start */
        "12 (a) S 99999999999 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0",  /* ppid overflows int */
        "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999999 0",  /* overflow */
        "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5x 0",      /* junk in a number */
        "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",           /* no start time */
        "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5",         /* start time cut short */
        "12 (a)  S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0",      /* double space: no state */
        "12 (a) \x01 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0",    /* control char as state */
        "99999999999 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0",  /* pid overflows int */
    };
    for (size_t i = 0; i < QT_ARRAY_LEN(bad); i++) {
        struct qt_proc p;
        if (parse(bad[i], &p, NULL) != -1)
            fail_msg("accepted bad stat line %zu: %s", i, bad[i]);
    }
    /* an embedded NUL inside the numbers is malformed too */
    {
        char buf[] = "12 (a) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0";
        struct qt_proc p;
        buf[10] = '\0';
        assert_int_equal(qt_proc_parse_stat(buf, sizeof buf - 1, &p, NULL), -1);
    }
    /* NUL bytes in the comm are kept visible as '?' */
    {
        char buf[] = "12 (a\0b) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0";
        struct qt_proc p;
        memset(&p, 0, sizeof p);
        assert_int_equal(qt_proc_parse_stat(buf, sizeof buf - 1, &p, NULL), 0);
        assert_string_equal(p.comm, "a?b");
    }
    assert_int_equal(qt_proc_parse_stat(NULL, 0, NULL, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stat_real_lines),
        cmocka_unit_test(stat_hostile_comm),
        cmocka_unit_test(stat_long_comm_is_cut),
        cmocka_unit_test(stat_truncated),
        cmocka_unit_test(stat_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

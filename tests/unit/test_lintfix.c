/* Unit tests: building corrected command lines (diag/lint/lint_fix.c): options
 * inside bundles, attached and separate arguments, inserted options, and the
 * '^' marks under what changed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag/parse/argv.h"
#include "diag/lint/lint.h"
#include "diag/lint/lint_int.h"

/* Apply ops to line (parsed as variant v); return the rendered result. */
static char *fix(const char *line, enum qt_variant v, const struct qt_ops *ops, char **marks, char **current_marks)
{
    char buf[1024], *w[64];
    int n = 0;
    qt_cmd c;
    struct qt_fixline f;
    qt_buf a = {0}, m = {0}, ca = {0}, cm = {0};

    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok(buf, " "); t && n < 64; t = strtok(NULL, " "))
        w[n++] = t;
    qt_cmd_parse(&c, n, w, NULL, v);
    assert_int_equal(c.status, QT_CMD_OK);
    qt_fixline_build(&c, ops, &f);
    qt_fixline_render(&f, &a, &m);
    qt_fixline_render_current(&c, &f, &ca, &cm);
    if (marks)
        *marks = qt_buf_steal(&m);
    if (current_marks)
        *current_marks = qt_buf_steal(&cm);
    qt_buf_free(&m);
    qt_buf_free(&cm);
    qt_buf_free(&ca);
    qt_fixline_free(&f);
    qt_cmd_free(&c);
    return qt_buf_steal(&a);
}

static void bundles(void **st)
{
    struct qt_ops ops = {0};
    char *s, *m, *cm;
    (void)st;
    qt_ops_add(&ops, QT_OP_REMOVE, 'R', NULL, 0, 0);
    s = fix("tcpserver -vRHl0 -c40 0 25 prog", QT_VAR_UCSPI_TCP, &ops, &m, &cm);
    assert_string_equal(s, "tcpserver -vHl0 -c40 0 25 prog");
    assert_string_equal(m, "          ^^^^^");
    assert_string_equal(cm, "          ^^^^^^");
    free(s), free(m), free(cm);

    ops.n = 0;   /* a letter with an attached argument inside a bundle */
    qt_ops_add(&ops, QT_OP_REMOVE, 'l', NULL, 0, 0);
    s = fix("tcpserver -vRHl0 0 25 prog", QT_VAR_UCSPI_TCP, &ops, NULL, NULL);
    assert_string_equal(s, "tcpserver -vRH 0 25 prog");
    free(s);

    ops.n = 0;   /* the only letter of a word: the word goes, with its separate argument */
    qt_ops_add(&ops, QT_OP_REMOVE, 't', NULL, 0, 0);
    s = fix("tcpserver -v -t 30 -R -t5 0 25 prog", QT_VAR_UCSPI_TCP, &ops, NULL, &cm);
    assert_string_equal(s, "tcpserver -v -R 0 25 prog");
    assert_string_equal(cm, "             ^^ ^^    ^^^");
    free(s), free(cm);

    ops.n = 0;   /* a bundle letter whose argument is the next word */
    qt_ops_add(&ops, QT_OP_REMOVE, 'c', NULL, 0, 0);
    s = fix("tcpserver -vc 40 0 25 prog", QT_VAR_UCSPI_TCP, &ops, NULL, NULL);
    assert_string_equal(s, "tcpserver -v 0 25 prog");
    free(s);
}

static void set_and_add(void **st)
{
    struct qt_ops ops = {0};
    char *s, *m;
    (void)st;
    qt_ops_add(&ops, QT_OP_SET, 'c', "100", 0, 0);
    s = fix("tcpserver -vc40 0 25 prog", QT_VAR_UCSPI_TCP, &ops, &m, NULL);
    assert_string_equal(s, "tcpserver -vc100 0 25 prog");
    assert_string_equal(m, "          ^^^^^^");
    free(s), free(m);
    s = fix("tcpserver -c 40 -v 0 25 prog", QT_VAR_UCSPI_TCP, &ops, NULL, NULL);
    assert_string_equal(s, "tcpserver -c 100 -v 0 25 prog");
    free(s);
    /* not there yet: inserted after the program name, several in order */
    qt_ops_add(&ops, QT_OP_ADD_FLAG, 'R', NULL, 0, 0);
    qt_ops_add(&ops, QT_OP_ADD_FLAG, 'H', NULL, 0, 0);
    s = fix("exec softlimit -m 100 tcpserver -v 0 25 prog", QT_VAR_UCSPI_TCP, &ops, &m, NULL);
    assert_string_equal(s, "exec softlimit -m 100 tcpserver -c 100 -R -H -v 0 25 prog");
    assert_string_equal(m, "                                ^^ ^^^ ^^ ^^");
    free(s), free(m);
}

static void program_and_ranges(void **st)
{
    struct qt_ops ops = {0};
    char *s;
    (void)st;
    qt_ops_add(&ops, QT_OP_PROG, 0, "sslserver", 0, 0);
    qt_ops_add(&ops, QT_OP_REMOVE_RANGE, 0, NULL, 6, 7);     /* "timeout 60" */
    s = fix("/usr/local/bin/tcpserver -s 0 465 prog x timeout 60 qmail-smtpd", QT_VAR_SSL_PATCH, &ops, NULL, NULL);
    assert_string_equal(s, "/usr/local/bin/sslserver -s 0 465 prog x qmail-smtpd");
    free(s);
    ops.n = 0;
    qt_ops_add(&ops, QT_OP_INSERT_AFTER, 0, "-K30000", 3, 0);   /* after the word s6-tlsd */
    s = fix("s6-tcpserverd -c 10 s6-tlsd -- prog", QT_VAR_S6_TCPSERVERD, &ops, NULL, NULL);
    assert_string_equal(s, "s6-tcpserverd -c 10 s6-tlsd -K30000 -- prog");
    free(s);
    /* words with spaces are shell-quoted in the rendering */
    ops.n = 0;
    qt_ops_add(&ops, QT_OP_SET, 'B', "220 hello", 0, 0);
    s = fix("tcpserver 0 25 prog", QT_VAR_UCSPI_TCP, &ops, NULL, NULL);
    assert_string_equal(s, "tcpserver -B '220 hello' 0 25 prog");
    free(s);
}

/* A run script may give 16,384 words (runscript.h): removing every -c of
 * such a line is one pass (it was a search and a shift per occurrence,
 * 80% of a sample), and the result is the same as for a short line. */
static void huge_line(void **st)
{
    enum { N = 15000 };
    char **w = calloc(2 * N + 8, sizeof *w);
    struct qt_ops ops = {0};
    struct qt_fixline f;
    qt_buf a = {0}, m = {0};
    qt_cmd c;
    int n = 0;
    clock_t t0;
    (void)st;

    assert_non_null(w);
    w[n++] = "tcpserver";
    for (int i = 0; i < N; i++) {
        w[n++] = i % 2 ? "-c5" : "-c";   /* attached, then separate with "5" */
        if (i % 2 == 0)
            w[n++] = "5";
    }
    w[n++] = "-v";
    w[n++] = "0";
    w[n++] = "25";
    w[n++] = "prog";
    qt_cmd_parse(&c, n, w, NULL, QT_VAR_UCSPI_TCP);
    assert_int_equal(c.status, QT_CMD_OK);
    assert_int_equal(c.nopts, N + 1);
    qt_ops_add(&ops, QT_OP_REMOVE, 'c', NULL, 0, 0);
    t0 = clock();
    qt_fixline_build(&c, &ops, &f);
    qt_fixline_render(&f, &a, &m);
    /* linear: a few ms; the quadratic version took about 100 ms here */
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.05);
    assert_string_equal(qt_buf_str(&a), "tcpserver -v 0 25 prog");
    assert_int_equal(f.n, 5);
    qt_buf_free(&a);
    qt_buf_free(&m);
    qt_fixline_free(&f);
    qt_cmd_free(&c);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bundles),
        cmocka_unit_test(set_and_add),
        cmocka_unit_test(program_and_ranges),
        cmocka_unit_test(huge_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

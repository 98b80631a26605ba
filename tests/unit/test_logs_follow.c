/* Unit tests: following a log file like tail -F (diag/logs/logs_follow.c),
 * on real files in a temporary --root: only new bytes each poll, a held
 * partial line, multilog's rotation (current renamed to @TAI64N.s, a new
 * current; multilog(8), docs/domain/supervision.md#multilog), logrotate's
 * copytruncate, a file that appears later, the byte budget, a FIFO refused.
 * Every line is counted exactly once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/ctx.h"
#include "diag/core/util.h"
#include "diag/logs/logs_follow.h"

struct got {
    qt_buf all;      /* every line handed back, each followed by '\n' */
    int lines, cut;
};

static void on_line(const char *line, size_t n, int cut, void *arg)
{
    struct got *g = arg;
    qt_buf_add(&g->all, line, n);
    qt_buf_putc(&g->all, '\n');
    g->lines++;
    g->cut += cut;
}

static char root[64];
static qt_ctx ctx;

static int setup(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-follow-XXXXXX");
    assert_non_null(mkdtemp(root));
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void append(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s%s", root, rel);
    FILE *f = fopen(p, "a");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static long poll_into(qt_log_follow *f, struct got *g)
{
    char why[256] = "";
    long r = qt_log_follow_poll(f, &ctx, 1 << 20, on_line, g, why, sizeof why);
    if (r < 0)
        fail_msg("poll: %s", why);
    return r;
}

static void new_bytes_and_partial_lines(void **st)
{
    (void)st;
    qt_log_follow *f = qt_malloc(sizeof *f);
    struct got g = {0};
    char why[256];

    append("/current", "old 1\nold 2\n");
    assert_int_equal(qt_log_follow_open(f, &ctx, "/current", 1, why, sizeof why), 0);
    assert_int_equal(poll_into(f, &g), 0);                 /* from the end: nothing old */
    append("/current", "new 1\nnew 2 is half");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "new 1\n");    /* the half line is held */
    assert_int_equal(poll_into(f, &g), 0);
    append("/current", " done\n");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "new 1\nnew 2 is half done\n");
    assert_int_equal(g.lines, 2);
    qt_log_follow_close(f);
    qt_buf_free(&g.all);
    free(f);
}

/* multilog: the writer renames current to @TAI64N.s after a last line, and
 * writes on in a new current; lines written to the old file before the
 * rename but after our last poll are still read, exactly once. */
static void multilog_rotation(void **st)
{
    (void)st;
    qt_log_follow *f = qt_malloc(sizeof *f);
    struct got g = {0};
    char why[256], a[256], b[256];

    append("/current", "a1\n");
    assert_int_equal(qt_log_follow_open(f, &ctx, "/current", 0, why, sizeof why), 0);
    poll_into(f, &g);
    append("/current", "a2\na3 unfinished");
    snprintf(a, sizeof a, "%s/current", root);
    snprintf(b, sizeof b, "%s/@400000006b0ba44436401984.s", root);
    assert_int_equal(rename(a, b), 0);
    append("/current", "b1\nb2\n");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "a1\na2\na3 unfinished\nb1\nb2\n");
    assert_int_equal(f->rotations, 1);
    append("/current", "b3\n");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "a1\na2\na3 unfinished\nb1\nb2\nb3\n");
    /* removed and recreated (logrotate's create) */
    assert_int_equal(unlink(a), 0);
    poll_into(f, &g);                                      /* gone: waited for */
    append("/current", "c1\n");
    poll_into(f, &g);
    assert_int_equal(g.lines, 7);
    assert_non_null(strstr(qt_buf_str(&g.all), "b3\nc1\n"));
    qt_log_follow_close(f);
    qt_buf_free(&g.all);
    free(f);
}

static void copytruncate(void **st)
{
    (void)st;
    qt_log_follow *f = qt_malloc(sizeof *f);
    struct got g = {0};
    char why[256], p[256];

    append("/maillog", "one\ntwo\n");
    assert_int_equal(qt_log_follow_open(f, &ctx, "/maillog", 0, why, sizeof why), 0);
    poll_into(f, &g);
    snprintf(p, sizeof p, "%s/maillog", root);
    assert_int_equal(truncate(p, 0), 0);
    append("/maillog", "3\n");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "one\ntwo\n3\n");
    assert_int_equal(f->truncations, 1);
    qt_log_follow_close(f);
    qt_buf_free(&g.all);
    free(f);
}

/* A file that does not exist yet is followed once it appears; a FIFO is
 * refused without blocking; the budget bounds one poll; a 100 KiB line
 * comes back cut, once, and the next line is whole. */
static void appears_budget_fifo_long(void **st)
{
    (void)st;
    qt_log_follow *f = qt_malloc(sizeof *f);
    struct got g = {0};
    char why[256] = "", p[256];
    char *big = qt_malloc(100 * 1024 + 2);

    assert_int_equal(qt_log_follow_open(f, &ctx, "/later", 1, why, sizeof why), 0);
    assert_int_equal(poll_into(f, &g), 0);
    append("/later", "x1\nx2\nx3\n");
    /* budget: 4 bytes a poll */
    assert_int_equal(qt_log_follow_poll(f, &ctx, 4, on_line, &g, why, sizeof why), 4);
    assert_string_equal(qt_buf_str(&g.all), "x1\n");
    poll_into(f, &g);
    assert_string_equal(qt_buf_str(&g.all), "x1\nx2\nx3\n");
    memset(big, 'A', 100 * 1024);
    big[100 * 1024] = '\n';
    big[100 * 1024 + 1] = '\0';
    append("/later", big);
    append("/later", "after\n");
    poll_into(f, &g);
    assert_int_equal(g.lines, 5);
    assert_int_equal(g.cut, 1);
    assert_non_null(strstr(qt_buf_str(&g.all), "\nafter\n"));
    qt_log_follow_close(f);

    snprintf(p, sizeof p, "%s/fifo", root);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(qt_log_follow_open(f, &ctx, "/fifo", 0, why, sizeof why), -1);
    assert_non_null(strstr(why, "FIFO"));
    /* a link out of the root names a path inside it, which does not exist */
    snprintf(p, sizeof p, "%s/out", root);
    assert_int_equal(symlink("/etc/passwd", p), 0);
    assert_int_equal(qt_log_follow_open(f, &ctx, "/out", 0, why, sizeof why), 0);
    assert_int_equal(f->fd, -1);
    qt_buf_free(&g.all);
    free(big);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(new_bytes_and_partial_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(multilog_rotation, setup, teardown),
        cmocka_unit_test_setup_teardown(copytruncate, setup, teardown),
        cmocka_unit_test_setup_teardown(appears_budget_fifo_long, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

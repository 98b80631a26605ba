/* Unit tests: qt_wrap_cmd (panes/wrap.h): commands break between words
 * outside quotes with a trailing " \", overlong words are split with a
 * mark, lines that fit are unchanged, and the wrapped command means the
 * same to sh as the original (checked by running both through sh -c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "panes/wrap.h"

static char *wrap(const char *s, int width)
{
    qt_buf b = {0};
    qt_wrap_cmd(s, width, &b);
    return qt_buf_steal(&b);
}

/* every line at most width columns */
static void assert_width(const char *s, int width)
{
    for (const char *p = s;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        assert_true(len <= (size_t)width);
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void short_lines_unchanged(void **st)
{
    (void)st;
    char *w = wrap("echo a\nls -l /service", 20);
    assert_string_equal(w, "echo a\nls -l /service");
    free(w);
    w = wrap("", 20);
    assert_string_equal(w, "");
    free(w);
}

static void breaks_between_words_with_backslash(void **st)
{
    (void)st;
    char *w = wrap("svc -t /service/smtps /service/submission /service/pop3", 24);
    assert_string_equal(w, "svc -t /service/smtps \\\n/service/submission \\\n/service/pop3");
    assert_width(w, 24);
    free(w);
}

static void never_breaks_inside_quotes(void **st)
{
    (void)st;
    /* the blanks inside '...' are not break points: the break is after echo */
    char *w = wrap("echo 'a b c d e f g h' x", 20);
    assert_string_equal(w, "echo \\\n'a b c d e f g h' x");
    free(w);
    w = wrap("printf \"%s %s %s\" one two", 22);
    assert_string_equal(w, "printf \"%s %s %s\" \\\none two");
    free(w);
}

static void long_word_split_with_mark(void **st)
{
    (void)st;
    /* outside quotes: a backslash-newline continuation */
    char *w = wrap("AGVtbwBzZWNyZXRwYXNzd29yZA==", 10);
    assert_string_equal(w, "AGVtbwBzZ\\\nWNyZXRwYX\\\nNzd29yZA==");
    assert_width(w, 10);
    free(w);
    /* inside single quotes a backslash is literal: close, continue, reopen */
    w = wrap("'AGVtbwBzZWNyZXRwYXNzd29yZA=='", 10);
    assert_string_equal(w, "'AGVtbwB'\\\n'zZWNyZX'\\\n'RwYXNzd'\\\n'29yZA=='");
    assert_width(w, 10);
    free(w);
}

static void comment_goes_on_as_comment(void **st)
{
    (void)st;
    char *w = wrap("kill -CHLD 42    # harmless nudge: a parent that only missed the signal", 40);
    assert_string_equal(w, "kill -CHLD 42    # harmless nudge: a\n# parent that only missed the signal");
    assert_width(w, 40);
    free(w);
}

static void no_dangling_escape(void **st)
{
    (void)st;
    /* a split right after a backslash would turn "\<mark>" into an escaped backslash */
    char *w = wrap("abcdefgh\\ ijklmnop", 10);
    assert_null(strstr(w, "\\\\\n"));
    assert_width(w, 10);
    free(w);
}

/* The wrapped command prints the same as the original under sh. */
static char *sh_out(const char *cmd)
{
    char path[] = "/tmp/qt-wrap-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    qt_buf b = {0};
    char line[256];
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs(cmd, f);
    fputc('\n', f);
    fclose(f);
    snprintf(line, sizeof line, "sh %s", path);
    f = popen(line, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        qt_buf_puts(&b, line);
    pclose(f);
    unlink(path);
    return qt_buf_steal(&b);
}

static void same_meaning_under_sh(void **st)
{
    (void)st;
    const char *cmds[] = {
        "printf '%s|' one two 'three four five' \"six  seven\" eight nine ten eleven",
        "echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        "printf '%s\\n' AGVtbwBzZWNyZXRwYXNzd29yZAGVtbwBzZWNyZXRwYXNzd29yZA== x",
        "printf '%s\\n' 'AGVtbwBzZWNyZXRwYXNzd29yZAGVtbwBzZWNyZXRwYXNzd29yZA==' \"dq dq dq dq dq dq dq\"",
        "echo one two three    # a comment; echo NOT-RUN; it goes on and on and on",
        "echo a\\\\b\\\\c\\\\d\\\\e\\\\f\\\\g\\\\h\\\\i\\\\j",
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        for (int width = 8; width <= 30; width++) {
            char *w = wrap(cmds[i], width);
            char *a = sh_out(cmds[i]), *b = sh_out(w);
            assert_width(w, width);
            assert_string_equal(a, b);
            free(a);
            free(b);
            free(w);
        }
}

/* Prose (the help screen) breaks at blanks, keeps the indent, adds no " \"
 * and loses no word. */
static void prose_wraps_without_marks(void **st)
{
    (void)st;
    const char *in = "   b          iptables lines to limit or block the selected IP (to copy; qtriage does not run them)";
    qt_buf b = {0};
    qt_wrap_text(in, 40, &b);
    assert_width(qt_buf_str(&b), 40);
    assert_null(strstr(qt_buf_str(&b), "\\"));
    assert_string_equal(qt_buf_str(&b), "   b          iptables lines to limit or\n"
                                        "   block the selected IP (to copy;\n"
                                        "   qtriage does not run them)");
    qt_buf_reset(&b);
    qt_wrap_text("abcdefghijklmnopqrstuvwxyz", 10, &b);
    assert_string_equal(qt_buf_str(&b), "abcdefghij\nklmnopqrst\nuvwxyz");
    qt_buf_reset(&b);
    qt_wrap_text("short\n\nlines stay", 40, &b);
    assert_string_equal(qt_buf_str(&b), "short\n\nlines stay");
    qt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_lines_unchanged),
        cmocka_unit_test(prose_wraps_without_marks),
        cmocka_unit_test(breaks_between_words_with_backslash),
        cmocka_unit_test(never_breaks_inside_quotes),
        cmocka_unit_test(long_word_split_with_mark),
        cmocka_unit_test(comment_goes_on_as_comment),
        cmocka_unit_test(no_dangling_escape),
        cmocka_unit_test(same_meaning_under_sh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

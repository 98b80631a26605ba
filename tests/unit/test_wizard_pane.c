/* Unit tests: the Auth pane's keys (panes/wizard.c) with the ui double
 * (tests/unit/ui_double.h): one cursor (the selected step is the one Enter
 * opens and r runs), A runs every remaining step, and the default target
 * comes from --ports. The steps run for real against a closed loopback port
 * and a root without vpopmail, so each ends at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/auth/auth_wizard.h"
#include "panes/panes.h"
#include "tests/unit/ui_double.h"
#include "tests/unit/view_fixture.h"

#include <openssl/evp.h>

static const qt_view *top(void) { return qt_pane_auth.top; }

/* A loopback port nothing listens on (bound, read, closed). */
static unsigned closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The verdict of step s (the last column of the list). */
static const char *verdict(const qt_ctx *c, const qt_snapshot *s, int step, char *out, size_t n)
{
    qt_table h, t;
    qt_vf_fill(top(), c, s, NULL, NULL, &h, &t);
    assert_true((size_t)step < t.nrows);
    snprintf(out, n, "%s", qt_vf_cell(&t, (size_t)step, t.ncols - 1));
    qt_table_free(&h);
    qt_table_free(&t);
    return out;
}

static int press(struct qt_ui_double *ui, const qt_ctx *c, const qt_snapshot *s, const char *row, int ch)
{
    struct qt_view_in in = {.ctx = c, .snap = s};
    qt_ui_double_clear(ui);
    return qt_view_key(top(), &ui->ui, &in, row, ch);
}

static void one_cursor_and_all(void **st)
{
    static const char *const replies[] = {"joe@example.com", "not-a-real-password", qt_ui_double_initial,
                                          qt_ui_double_initial, qt_ui_double_initial, "", NULL};
    struct qt_ui_double ui;
    qt_ctx c;
    qt_snapshot *s = qt_calloc(1, sizeof *s);
    qt_table h, t;
    char err[256], ports[64], v[32], want[64];
    unsigned port = closed_port();
    int has_a = 0;
    (void)st;

    qt_ctx_defaults(&c);
    c.root = "/nonexistent-qtriage-root";
    snprintf(ports, sizeof ports, "smtps=465,submission=%u", port);
    assert_int_equal(qt_ctx_parse_ports(&c, ports, err, sizeof err), 0);
    qt_ui_double_init(&ui);
    ui.prompt_replies = replies;

    /* a: the prompts; Enter on the target keeps the default from --ports */
    assert_int_equal(press(&ui, &c, s, NULL, 'a'), 1);
    if (ui.prompts != 6)
        fail_msg("%d prompts, last %s: %s", ui.prompts, ui.prompt_label, ui.flash);
    qt_vf_fill(top(), &c, s, NULL, NULL, &h, &t);
    snprintf(want, sizeof want, "127.0.0.1:%u", port);
    for (size_t r = 0; r < h.nrows; r++)
        if (strcmp(qt_vf_cell(&h, r, 0), "target") == 0)
            assert_non_null(strstr(qt_vf_cell(&h, r, 1), want));
    /* step 1 ran on start; no second "current step" marker column */
    assert_non_null(strstr(t.title, "next: step 2/"));
    assert_string_equal(t.cols[0].title, "#");
    qt_table_free(&h);
    qt_table_free(&t);
    assert_string_not_equal(verdict(&c, s, 0, v, sizeof v), "pending");
    assert_string_equal(verdict(&c, s, 1, v, sizeof v), "pending");

    /* Enter on the next pending step opens it (the shell drills): it does not run it */
    assert_int_equal(press(&ui, &c, s, "step.1", '\r'), 0);
    assert_string_equal(verdict(&c, s, 1, v, sizeof v), "pending");

    /* r runs the selected step: step 1 selected, step 1 runs again */
    assert_int_equal(press(&ui, &c, s, "step.0", 'r'), 1);
    assert_true(strncmp(ui.flash, "step 1 ", 7) == 0);
    assert_string_equal(verdict(&c, s, 1, v, sizeof v), "pending");

    /* A: every remaining step, in order, until none is pending */
    assert_int_equal(press(&ui, &c, s, "step.0", 'A'), 1);
    for (int i = 0; i < QT_WS_COUNT; i++) {
        verdict(&c, s, i, v, sizeof v);
        if (strcmp(v, "pending") == 0 || strcmp(v, "running") == 0)
            fail_msg("step %d is %s after A", i + 1, v);
    }
    assert_non_null(strstr(ui.flash, "all steps run"));
    qt_vf_fill(top(), &c, s, NULL, NULL, &h, &t);
    assert_non_null(strstr(t.title, "all "));
    qt_table_free(&h);
    qt_table_free(&t);
    /* A again: nothing left */
    assert_int_equal(press(&ui, &c, s, NULL, 'A'), 1);
    if (!strstr(ui.flash, "every step has run"))
        fail_msg("A again: %s", ui.flash);

    /* r on the selected step 3 runs step 3, not the last one run */
    assert_int_equal(press(&ui, &c, s, "step.2", 'r'), 1);
    assert_true(strncmp(ui.flash, "step 3 ", 7) == 0);

    /* the key table lists A with its help */
    for (const struct qt_view_key *k = top()->keys; k->label; k++)
        if (k->keys[0] == 'A' && k->help && strstr(k->help, "remaining"))
            has_a = 1;
    assert_true(has_a);

    /* y on the list: the AUTH PLAIN string (RFC 4616: base64 of
     * "\0user\0password"), handed to the shell as a secret (warning, no
     * file); y in a step's view: its fix, not a secret */
    {
        static const char raw[] = "\0joe@example.com\0not-a-real-password";
        unsigned char b64[128];
        char plain[160];
        EVP_EncodeBlock(b64, (const unsigned char *)raw, (int)sizeof raw - 1);
        snprintf(plain, sizeof plain, "AUTH PLAIN %s", b64);
        assert_int_equal(press(&ui, &c, s, "step.0", 'y'), 1);
        assert_int_equal(ui.copies, 1);
        assert_int_equal(ui.copy_secret, 1);
        assert_string_equal(ui.copied, plain);
        for (int i = 0, fixes = 0; i < QT_WS_COUNT; i++) {
            struct qt_view_in in = {.ctx = &c, .snap = s};
            const qt_view *d = qt_view_drill(top(), &in, "step.0");
            const char *fix0 = NULL;
            char key[16];
            snprintf(key, sizeof key, "step.%d", i);
            in.key = key;
            assert_non_null(d);
            qt_table_init(&h, "");
            qt_table_init(&t, "");
            qt_view_fill(d, &in, &h, &t);
            for (size_t r = 0; r < t.nrows; r++)
                if (strcmp(t.rows[r].id, "fix") == 0)
                    fix0 = qt_vf_cell(&t, r, 1);
            qt_ui_double_clear(&ui);
            assert_int_equal(qt_view_key(d, &ui.ui, &in, NULL, 'y'), 1);
            if (fix0) {
                assert_int_equal(ui.copies, 2 + fixes++);
                assert_int_equal(ui.copy_secret, 0);
                /* the row is the fix's first line, wrapped: its start */
                size_t l = strlen(fix0);
                if (l >= 2 && strcmp(fix0 + l - 2, " \\") == 0)
                    l -= 2;
                else if (l >= 1 && fix0[l - 1] == '\\')
                    l--;
                assert_true(strncmp(ui.copied, fix0, l) == 0);
            } else {
                assert_string_equal(ui.flash, "this step has no fix to copy");
            }
            qt_table_free(&h);
            qt_table_free(&t);
            if (i == QT_WS_COUNT - 1)
                assert_true(fixes > 0);
        }
    }

    /* q closes the wizard (password wiped) */
    assert_int_equal(press(&ui, &c, s, NULL, 'q'), 1);
    qt_ui_double_free(&ui);
    qt_snapshot_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_cursor_and_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

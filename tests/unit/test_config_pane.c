/* Unit tests: the Config pane (panes/config.c) on a snapshot of a fixture
 * tree built in a temporary --root: files with their findings, Enter shows
 * a file with the cited lines marked, a secret file is never shown, a
 * hostile byte is escaped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag/config/config.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "panes/panes.h"
#include "tests/unit/view_fixture.h"

static char root[256];

static void put(const char *rel, const char *text)
{
    char p[1024], cmd[1200];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
    assert_int_equal(system(cmd), 0);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void pane(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-config-pane-XXXXXX");
    assert_non_null(mkdtemp(root));
    put("var/qmail/control/me", "mail.example.com\n");
    put("var/qmail/control/rcpthosts", "mail.example.com\n");
    put("var/qmail/control/servercert.pem", "-----BEGIN PRIVATE KEY-----\nTOPSECRET\n");
    put("var/qmail/alias/.qmail-postmaster", "# who reads it\n&admin@example.org\n");
    put("var/qmail/alias/.qmail-root", "&postmaster\n");
    put("var/qmail/alias/.qmail-mailer-daemon", "&post\033[2Jmaster\n");

    qt_ctx c;
    qt_ctx_defaults(&c);
    c.root = root;
    qt_snapshot snap = {0};
    qt_config *cfg = qt_calloc(1, sizeof *cfg);
    qt_config_read(&c, cfg);
    snap.config = cfg;
    snap.src[QT_SRC_CONFIG].state = QT_SRC_OK;
    qt_config_check(&c, cfg, &snap, &snap.findings);

    const qt_view *top = qt_pane_config.top;
    struct qt_view_in in = {.ctx = &c, .snap = &snap};
    qt_table head, main;
    qt_vf_fill(top, &c, &snap, NULL, NULL, &head, &main);
    size_t r = qt_table_find(&main, "f:/var/qmail/alias/.qmail-postmaster");
    assert_true(r < main.nrows);
    assert_string_equal(qt_vf_cell(&main, r, 0), "WARN");          /* forward off-site keeps the sender */
    assert_string_equal(qt_vf_cell(&main, r, 1), "alias");
    r = qt_table_find(&main, "f:/var/qmail/control/servercert.pem");
    assert_true(r < main.nrows);
    assert_string_equal(qt_vf_cell(&main, r, 3), "secret");
    assert_true(qt_vf_has(&head, "/var/qmail"));
    qt_table_free(&head);
    qt_table_free(&main);

    /* Enter: the file, line 2 marked */
    const qt_view *fv = qt_view_drill(top, &in, "f:/var/qmail/alias/.qmail-postmaster");
    assert_non_null(fv);
    assert_string_equal(fv->name, "config.file");
    in.key = "f:/var/qmail/alias/.qmail-postmaster";
    qt_vf_fill(fv, &c, &snap, NULL, in.key, &head, &main);
    assert_int_equal(main.nrows, 2);
    assert_string_equal(qt_vf_cell(&main, 0, 1), "");
    assert_string_equal(qt_vf_cell(&main, 1, 1), ">");
    assert_string_equal(qt_vf_cell(&main, 1, 2), "&admin@example.org");
    assert_true(qt_vf_has(&head, "qmail-inject -f postmaster@mail.example.com -a admin@example.org"));
    qt_table_free(&head);
    qt_table_free(&main);

    /* a secret file: listed, never shown */
    in.key = "f:/var/qmail/control/servercert.pem";
    qt_vf_fill(fv, &c, &snap, NULL, in.key, &head, &main);
    assert_int_equal(main.nrows, 0);
    assert_non_null(strstr(main.note, "never shown"));
    assert_false(qt_vf_has(&main, "TOPSECRET"));
    qt_table_free(&head);
    qt_table_free(&main);

    /* hostile bytes are escaped on the way to the table */
    in.key = "f:/var/qmail/alias/.qmail-mailer-daemon";
    qt_vf_fill(fv, &c, &snap, NULL, in.key, &head, &main);
    assert_int_equal(main.nrows, 1);
    assert_null(strchr(qt_vf_cell(&main, 0, 2), '\033'));
    qt_table_free(&head);
    qt_table_free(&main);

    qt_findings_free(&snap.findings);
    qt_config_free(cfg);
    free(cfg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

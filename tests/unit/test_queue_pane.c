/* Unit tests: the Queue pane (panes/queue.c) on fixture queues
 * (tests/unit/queue_fixture.c) with the ui double: the summary with
 * qmail-qstat's counts, the senders/domains/ages table, Enter on a sender
 * lists its messages, Enter on a message shows envelope and headers
 * (escaped, never the body), STALE when the queue cannot be read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/queue/queue.h"
#include "panes/panes.h"
#include "tests/unit/queue_fixture.h"
#include "tests/unit/ui_double.h"
#include "tests/unit/view_fixture.h"

#define NOW 1800000000.0
static double fake_now(void) { return NOW; }

/* Is needle in a cell of t, or in its note? */
static int has_or_note(const qt_table *t, const char *needle)
{
    return qt_vf_has(t, needle) || (t->note && strstr(t->note, needle));
}

/* The row whose cell c is text, or -1. */
static long row_with(const qt_table *t, int c, const char *text)
{
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(qt_vf_cell(t, r, c), text) == 0)
            return (long)r;
    return -1;
}

static void views(void **st)
{
    (void)st;
    char root[] = "/tmp/qt-qpane-XXXXXX";
    const char *qdir;
    static const char *const rc[] = {"TRbob@example.net", "TLpost@local.example", NULL};
    qt_ctx c;
    qt_snapshot snap;
    qt_queue q;
    qt_queue_state *qs = NULL;
    qt_table head, main, h2, m2;
    const qt_view *mv;
    struct qt_ui_double ui;
    struct qt_view_in in;
    char err[256], *rowid;
    unsigned long hostile;
    long r;

    assert_non_null(mkdtemp(root));
    qdir = qf_make(root, 23);
    for (int i = 0; i < 5; i++)
        qf_add(qdir, 23, "flood@local.example", rc, NOW - 60, NULL);
    hostile = qf_add(qdir, 23, "evil\x1b[31m@x.example", rc, NOW - 90000,
                     "Subject: =?x?= \x1b]0;pwned\x07\nFrom: a@b\nReceived: from z\n\tby q\n\nBODYLINE\n");
    qf_add(qdir, 23, "", rc, NOW - 30, NULL);
    qf_add_todo(qdir, 23, "x@y", "z@w");
    qt_ctx_defaults(&c);
    c.root = root;
    c.now = fake_now;
    memset(&snap, 0, sizeof snap);
    assert_int_equal(qt_queue_scan(&c, &qs, 0, &q, err, sizeof err), 0);
    snap.queue = &q;
    snap.src[QT_SRC_QUEUE].state = QT_SRC_OK;

    qt_vf_fill(qt_pane_queue.top, &c, &snap, NULL, NULL, &head, &main);
    assert_true(has_or_note(&head, "8 messages in queue"));
    assert_true(has_or_note(&head, "1 messages in queue but not yet preprocessed"));
    assert_true(has_or_note(&head, "1 bounces <>"));
    assert_true((r = row_with(&main, 1, "flood@local.example")) >= 0);
    assert_string_equal(qt_vf_cell(&main, (size_t)r, 0), "sender");
    assert_string_equal(qt_vf_cell(&main, (size_t)r, 2), "5");
    assert_true(row_with(&main, 1, "<>") >= 0);
    assert_true(row_with(&main, 1, "example.net") >= 0);
    assert_true(row_with(&main, 1, "1 hour to 1 day") >= 0);
    /* the hostile sender is escaped in the cell */
    assert_true(row_with(&main, 1, "evil\\x1b[31m@x.example") >= 0);

    /* Enter on the flood sender: its five messages */
    rowid = qt_strdup(main.rows[row_with(&main, 1, "flood@local.example")].id);
    in = (struct qt_view_in){.ctx = &c, .snap = &snap, .key = NULL};
    assert_non_null(mv = qt_view_drill(qt_pane_queue.top, &in, rowid));
    qt_vf_fill(mv, &c, &snap, NULL, rowid, &h2, &m2);
    assert_int_equal(m2.nrows, 5);
    assert_true(strstr(m2.title, "from flood@local.example") != NULL);
    qt_table_free(&h2);
    qt_table_free(&m2);
    free(rowid);

    /* Enter on the hostile message: envelope and headers, escaped, no body */
    rowid = qt_strdup(main.rows[row_with(&main, 1, "evil\\x1b[31m@x.example")].id);
    qt_vf_fill(mv, &c, &snap, NULL, rowid, &h2, &m2);
    assert_int_equal(m2.nrows, 1);
    qt_ui_double_init(&ui);
    in = (struct qt_view_in){.ctx = &c, .snap = &snap, .key = rowid};
    assert_int_equal(qt_view_key(mv, &ui.ui, &in, m2.rows[0].id, '\r'), 1);
    assert_non_null(ui.text);
    {
        char want[64];
        snprintf(want, sizeof want, "message %lu", hostile);
        assert_non_null(strstr(ui.text, want));
    }
    assert_non_null(strstr(ui.text, "envelope sender: <evil\\x1b[31m@x.example>"));
    assert_non_null(strstr(ui.text, "Subject: =?x?= \\x1b]0;pwned\\x07"));
    assert_non_null(strstr(ui.text, "Received: from z by q"));
    assert_null(strchr(ui.text, '\x1b'));
    assert_null(strstr(ui.text, "BODYLINE"));
    free(ui.text);
    qt_table_free(&h2);
    qt_table_free(&m2);
    free(rowid);
    qt_table_free(&head);
    qt_table_free(&main);

    /* a failed collector: STALE with the reason, never zeros */
    snap.queue = NULL;
    snap.src[QT_SRC_QUEUE].state = QT_SRC_FAILED;
    snprintf(snap.src[QT_SRC_QUEUE].err, sizeof snap.src[QT_SRC_QUEUE].err,
             "cannot read the queue (/var/qmail/queue: Permission denied)");
    qt_vf_fill(qt_pane_queue.top, &c, &snap, NULL, NULL, &head, &main);
    assert_int_equal(main.nrows, 0);
    assert_non_null(strstr(main.note, "STALE"));
    assert_non_null(strstr(main.note, "cannot read the queue"));
    assert_int_equal(head.nrows, 0);
    qt_table_free(&head);
    qt_table_free(&main);

    qt_queue_free(&q);
    qt_queue_state_free(qs);
    qf_rmtree(root);
}

static int exists(const char *qdir, const char *d, unsigned long id, unsigned split)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s/%lu/%lu", qdir, d, id % split, id);
    return access(p, F_OK) == 0;
}

/* D: refused read-only, refused while qmail-send runs (under --proc), only
 * for a sender; removes every file of the sender's messages, and keeps a
 * message whose info names another sender by the time of the answer. */
static void remove_action(void **st)
{
    (void)st;
    char root[] = "/tmp/qt-qrm-XXXXXX", proc[600], path[700], err[256], *rowid;
    const char *qdir;
    static const char *const rc[] = {"TRbob@example.net", NULL};
    unsigned long flood[3], other;
    qt_ctx c;
    qt_snapshot snap;
    qt_queue q;
    qt_queue_state *qs = NULL;
    qt_table head, main;
    struct qt_ui_double ui;
    struct qt_view_in in;
    FILE *f;

    assert_non_null(mkdtemp(root));
    qdir = qf_make(root, 23);
    for (int i = 0; i < 3; i++)
        flood[i] = qf_add(qdir, 23, "flood@local.example", rc, NOW - 60, NULL);
    other = qf_add(qdir, 23, "ok@local.example", rc, NOW - 60, NULL);
    /* a private process table: pid 1 is init, no qmail-send */
    snprintf(proc, sizeof proc, "%s/proc", root);
    snprintf(path, sizeof path, "%s/1", proc);
    assert_int_equal(mkdir(proc, 0755), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/1/comm", proc);
    assert_non_null(f = fopen(path, "w"));
    fputs("init\n", f);
    fclose(f);
    qt_ctx_defaults(&c);
    c.root = root;
    c.proc = proc;
    c.now = fake_now;
    memset(&snap, 0, sizeof snap);
    assert_int_equal(qt_queue_scan(&c, &qs, 0, &q, err, sizeof err), 0);
    snap.queue = &q;
    snap.src[QT_SRC_QUEUE].state = QT_SRC_OK;
    qt_vf_fill(qt_pane_queue.top, &c, &snap, NULL, NULL, &head, &main);
    rowid = qt_strdup(main.rows[row_with(&main, 1, "flood@local.example")].id);
    in = (struct qt_view_in){.ctx = &c, .snap = &snap};
    qt_ui_double_init(&ui);

    ui.read_only = 1;
    assert_int_equal(qt_view_key(qt_pane_queue.top, &ui.ui, &in, rowid, 'D'), 1);
    assert_non_null(strstr(ui.flash, "read-only mode"));
    assert_int_equal(ui.confirms, 0);
    ui.read_only = 0;

    qt_ui_double_clear(&ui);
    assert_int_equal(qt_view_key(qt_pane_queue.top, &ui.ui, &in, main.rows[row_with(&main, 1, "example.net")].id,
                                 'D'), 1);
    assert_non_null(strstr(ui.flash, "select a sender"));

    snprintf(path, sizeof path, "%s/77", proc);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/77/comm", proc);
    assert_non_null(f = fopen(path, "w"));
    fputs("qmail-send\n", f);
    fclose(f);
    qt_ui_double_clear(&ui);
    assert_int_equal(qt_view_key(qt_pane_queue.top, &ui.ui, &in, rowid, 'D'), 1);
    assert_non_null(strstr(ui.flash, "qmail-send runs (pid 77)"));
    assert_int_equal(ui.confirms, 0);
    assert_int_equal(unlink(path), 0);

    /* asked, naming the count; one message changes sender before the answer */
    qt_ui_double_clear(&ui);
    ui.answer = QT_UID_HOLD;
    assert_int_equal(qt_view_key(qt_pane_queue.top, &ui.ui, &in, rowid, 'D'), 1);
    assert_non_null(strstr(ui.question, "Remove 3 messages of <flood@local.example>"));
    {
        char rel[64];
        snprintf(rel, sizeof rel, "info/%lu/%lu", flood[2] % 23, flood[2]);
        qf_write(qdir, rel, "Fnew@local.example", 19);
    }
    qt_ui_double_answer(&ui, 1);
    assert_non_null(strstr(ui.flash, "removed 2 messages of <flood@local.example>"));
    assert_non_null(strstr(ui.flash, "kept"));
    for (int i = 0; i < 2; i++) {
        assert_false(exists(qdir, "mess", flood[i], 23));
        assert_false(exists(qdir, "info", flood[i], 23));
        assert_false(exists(qdir, "remote", flood[i], 23));
    }
    assert_true(exists(qdir, "mess", flood[2], 23));
    assert_true(exists(qdir, "info", flood[2], 23));
    assert_true(exists(qdir, "mess", other, 23));
    assert_true(exists(qdir, "remote", other, 23));

    free(rowid);
    qt_table_free(&head);
    qt_table_free(&main);
    free(ui.text);
    qt_queue_free(&q);
    qt_queue_state_free(qs);
    qf_rmtree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(views),
        cmocka_unit_test(remove_action),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

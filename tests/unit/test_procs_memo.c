/* Unit tests: the lookups of a process table (diag/procs/procs_memo.c) --
 * qt_procs_find's pid hash, the children index shared per table and carried
 * between samples, and the program registry's per-name answers -- give what
 * the plain computations give, on tables where processes fork, exec, exit
 * and are re-parented between samples. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag/procs/procs.h"
#include "diag/procs/procs_int.h"
#include "diag/core/programs.h"
#include "diag/core/util.h"
#include "tests/unit/tree_fixture.h"

/* --- the plain computations the memo must agree with --- */

static const struct qt_proc *ref_find(const qt_procs *t, int pid)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].pid == pid)
            return &t->v[i];
    return NULL;
}

static void check_one(const qt_procs *t, const qt_procs_kids *k, int pid)
{
    size_t first = 0, n = qt_procs_kids_of(k, pid, &first), want = 0, last = 0;

    assert_ptr_equal(qt_procs_find(t, pid), ref_find(t, pid));
    /* the children in table (pid) order */
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].ppid == pid) {
            assert_true(want < n);
            assert_int_equal(k->by_ppid[first + want], i);
            assert_true(want == 0 || i > last);
            last = i;
            want++;
        }
    assert_int_equal(n, want);
}

/* Every lookup by pid and by ppid that can answer, and the ones next to
 * them that cannot (-1, 0, each pid and ppid plus and minus one). */
static void check_lookups(const qt_procs *t)
{
    qt_procs_kids k;

    qt_procs_kids_build(&k, t);
    check_one(t, &k, -1);
    check_one(t, &k, 0);
    for (size_t i = 0; i < t->n; i++)
        for (int d = -1; d <= 1; d++) {
            check_one(t, &k, t->v[i].pid + d);
            check_one(t, &k, t->v[i].ppid + d);
        }
    qt_procs_kids_free(&k);
}

static void fill(struct qt_proc *p, int pid, int ppid)
{
    memset(p, 0, sizeof *p);
    p->pid = pid;
    p->ppid = ppid;
    p->uid = (unsigned)-1;
    snprintf(p->comm, sizeof p->comm, "p%d", pid);
}

/* A table built by hand: small ones are searched, large ones hashed; a
 * table that grows (fork) or shrinks (exit) after a lookup is looked up in
 * its new state. */
static void hand_tables(void **st)
{
    (void)st;
    qt_procs t;
    size_t cap = 2000;

    memset(&t, 0, sizeof t);
    t.v = calloc(cap, sizeof *t.v);
    /* pids 1..3000 spread, ppids everywhere (even high bytes: radix passes) */
    for (int i = 0; i < 40; i++)
        fill(&t.v[t.n++], 1 + 7 * i, i ? 1 + 7 * (i / 3) : 0);
    assert_ptr_equal(qt_procs_find(&t, 8), &t.v[1]);
    assert_null(t.memo); /* small: binary search, nothing kept */
    check_lookups(&t);
    for (int i = 40; i < 1500; i++)
        fill(&t.v[t.n++], 1 + 7 * i, i % 5 == 0 ? 4000000 - i : 1 + 7 * (i / 9));
    check_lookups(&t);
    assert_non_null(t.memo);
    /* fork: a child appended in pid order */
    fill(&t.v[t.n++], 20000, 8);
    check_lookups(&t);
    /* exit: the last entry goes, and the table moves */
    t.n--;
    t.v = realloc(t.v, t.n * sizeof *t.v);
    check_lookups(&t);
    qt_procs_memo_free(&t);
    assert_null(t.memo);
    check_lookups(&t);
    qt_procs_free(&t);
}

static unsigned ref_roles(const char *name)
{
    size_t n;
    const struct qt_program *v = qt_programs(&n);
    unsigned r = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].prefix ? strncmp(name, v[i].name, strlen(v[i].name)) == 0 : strcmp(name, v[i].name) == 0)
            r |= v[i].roles;
    return r;
}

static const struct qt_program *ref_find_prog(const char *name)
{
    size_t n;
    const struct qt_program *v = qt_programs(&n), *best = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].prefix && strcmp(name, v[i].name) == 0)
            return &v[i];
        if (v[i].prefix && strncmp(name, v[i].name, strlen(v[i].name)) == 0 &&
            (!best || strlen(v[i].name) > strlen(best->name)))
            best = &v[i];
    }
    return best;
}

/* --- samples of a fixture tree --- */

static char root[64];
static qt_ctx ctx;

static void proc(int pid, const char *argv0, const char *comm, int ppid, unsigned long code)
{
    char rel[64];

    snprintf(rel, sizeof rel, "%d/stat", pid);
    qt_fx_put(root, rel, "%d (%s) S %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %d 1000 10 1000 %lu %lu 4096\n", pid, comm,
        ppid, pid, pid, pid, code, code + 100);
    snprintf(rel, sizeof rel, "%d/status", pid);
    qt_fx_put(root, rel, "Name:\t%s\nState:\tS\nPPid:\t%d\nUid:\t89\t89\t89\t89\n", comm, ppid);
    snprintf(rel, sizeof rel, "%d/cmdline", pid);
    qt_fx_put(root, rel, "%s%c-x%c", argv0, 0, 0);
}

static void gone(int pid)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/%d'", root, pid);
    assert_int_equal(system(cmd), 0);
}

static int setup_tree(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-procmemo-XXXXXX");
    assert_non_null(mkdtemp(root));
    qt_fx_put(root, "stat", "cpu 0 0 0 0\nbtime 1700000000\n");
    proc(1, "/sbin/init", "init", 0, 0x1000);
    proc(100, "/usr/bin/tcpserver", "tcpserver", 1, 0x2000);
    proc(101, "/usr/bin/tcpserver", "tcpserver", 1, 0x2000);
    for (int pid = 200; pid < 400; pid++)
        proc(pid, "/var/qmail/bin/qmail-smtpd", "qmail-smtpd", pid % 2 ? 100 : 101, 0x3000);
    qt_ctx_defaults(&ctx);
    ctx.proc = root;
    return 0;
}

static int teardown_tree(void **st)
{
    char cmd[128];
    (void)st;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* One sample as the collectors take it: read, look up, load everything
 * (the names), check, and the name of pid (if > 0) is want. */
static void sample(qt_procs_reader *r, qt_procs *t, int pid, const char *want)
{
    char err[256];
    assert_int_equal(qt_procs_reader_read(r, &ctx, t, err, sizeof err), 0);
    check_lookups(t);
    qt_procs_load_all(t);
    if (pid > 0) {
        assert_non_null(qt_procs_find(t, pid));
        assert_string_equal(qt_proc_name(qt_procs_find(t, pid)), want);
        assert_int_equal(qt_program_roles(qt_proc_name(qt_procs_find(t, pid))), ref_roles(want));
    }
    check_lookups(t); /* a second collector of the same sample */
}

/* The reader carries a table's children index to the next sample only when
 * no (pid, ppid) changed: fork, exit and re-parenting each end the carry,
 * also when the number of processes stays the same. */
static void carried_between_samples(void **st)
{
    (void)st;
    qt_procs_reader *r = qt_procs_reader_new();
    struct qt_kids_carry c = {0};
    qt_procs t, u;

    sample(r, &t, 250, "qmail-smtpd");
    qt_kids_carry_keep(&c, &t);
    assert_non_null(c.by_ppid);
    qt_procs_seal(&t);
    qt_procs_free(&t);

    /* nothing changed: the index is carried (and still right) */
    sample(r, &u, 250, "qmail-smtpd");
    assert_int_equal(qt_kids_carry_give(&c, &u), 1);
    check_lookups(&u);
    qt_procs_seal(&u);
    qt_procs_free(&u);

    /* one exits, one forks (same count), one is re-parented, one execs */
    gone(300);
    proc(500, "/usr/bin/tcpserver", "tcpserver", 101, 0x2000);
    proc(301, "/var/qmail/bin/qmail-smtpd", "qmail-smtpd", 1, 0x3000);
    proc(250, "/usr/local/bin/rblsmtpd", "rblsmtpd", 101, 0x4000);
    sample(r, &t, 250, "rblsmtpd");
    assert_int_equal(qt_kids_carry_give(&c, &t), 0);
    check_lookups(&t);
    qt_procs_seal(&t);
    qt_procs_free(&t);

    /* exec back to the first name, same pid: the new image is read */
    proc(250, "/var/qmail/bin/qmail-smtpd", "qmail-smtpd", 101, 0x5000);
    sample(r, &t, 250, "qmail-smtpd");
    qt_procs_seal(&t);
    qt_procs_free(&t);
    qt_kids_carry_free(&c);
    qt_procs_reader_free(r);
}

/* --- the program registry's kept answers --- */

/* Every registry name and variants of it, asked again and again in an
 * order that makes names share memo slots: the answers never change. */
static void registry_answers(void **st)
{
    (void)st;
    size_t n;
    const struct qt_program *v = qt_programs(&n);
    char names[400][80];
    size_t k = 0;
    char longname[200];

    for (size_t i = 0; i < n && k + 4 <= 400; i++) {
        snprintf(names[k++], sizeof names[0], "%s", v[i].name);
        snprintf(names[k++], sizeof names[0], "%s.real", v[i].name);
        snprintf(names[k++], sizeof names[0], "x%s", v[i].name);
        snprintf(names[k++], sizeof names[0], "%.3s", v[i].name);
    }
    for (int round = 0; round < 5; round++)
        for (size_t i = 0; i < k; i++) {
            const char *s = names[(i * 7 + (size_t)round) % k];
            assert_int_equal(qt_program_roles(s), ref_roles(s));
            assert_ptr_equal(qt_program_find(s), ref_find_prog(s));
            assert_int_equal(qt_program_is(s, QT_PROG_MAIL), (ref_roles(s) & QT_PROG_MAIL) != 0);
        }
    /* a name too long to keep, and the empty name */
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    memcpy(longname, "qmail-", 6);
    assert_int_equal(qt_program_roles(longname), ref_roles(longname));
    assert_int_equal(qt_program_roles(""), ref_roles(""));
    assert_ptr_equal(qt_program_find(""), ref_find_prog(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_tables),
        cmocka_unit_test_setup_teardown(carried_between_samples, setup_tree, teardown_tree),
        cmocka_unit_test(registry_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

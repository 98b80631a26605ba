/* Unit tests: the connection stage behind TLS front ends that start the
 * program before (fehcom sslserver 0.9x, UCSPI-TLS) or after (SuperScript
 * sslserver) the handshake, from what the connection did (tcp_info byte
 * counts, set here on the socket list as inet_diag would give them) and the
 * front end's binary (exe -> a stand-in carrying the real getopt string).
 * Fixture trees are built by hand (ports_fixture.h) after the process
 * shape of fehcom's src/sslserver.c: listener -> per-connection sslserver
 * copy (the TLS side) -> the program, both holding the TCP socket. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/ports/stage.h"
#include "diag/core/util.h"
#include "tests/unit/ports_fixture.h"

#define PORTS "feh=465,ss=466,fehs=467,fehn=468"
#define FEH_CMD(port) "/usr/bin/sslserver -vR -c 5 127.0.0.1 " port " /var/qmail/bin/qmail-smtpd"

static double now_v;
static double fake_now(void) { return now_v; }

struct bytes {
    unsigned inode;
    int has;
    unsigned long long in, acked;
};

struct run {
    struct fx fx;
    qt_ctx ctx;
    qt_stage_state *st;
    qt_procs procs;
    qt_socklist socks;
    struct qt_owner *own;
    struct qt_stage_stats stats;
};

static void exe(struct run *r, int pid, const char *bin)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%d/exe", r->fx.dir, pid);
    assert_int_equal(symlink(bin, p), 0);
}

/* A listener and its per-connection copies; ss = SuperScript binary. */
static void listener(struct run *r, int pid, const char *cmd, unsigned inode, const char *bin)
{
    unsigned l[1] = {inode};
    fx_proc(&r->fx, pid, 1, 'S', 100, cmd, l, 1);
    exe(r, pid, bin);
}

/* One connection: the sslserver copy (pid) and, when prog, the program
 * beneath it (pid + 1); prog_holds: the program holds the socket too. */
static void conn(struct run *r, int lpid, int pid, const char *cmd, unsigned port, unsigned rport, unsigned inode,
                 const char *bin, int prog, int prog_holds)
{
    unsigned c[1] = {inode};
    fx_proc(&r->fx, pid, lpid, 'S', 500, cmd, c, 1);
    exe(r, pid, bin);
    if (prog)
        fx_proc(&r->fx, pid + 1, pid, 'S', 501, "/var/qmail/bin/qmail-smtpd", c, prog_holds ? 1 : 0);
    fx_sock(&r->fx, "127.0.0.1", port, "198.51.100.7", rport, 1, 0, inode);
}

static void sample(struct run *r, const struct bytes *b, size_t nb)
{
    unsigned ports[QT_MAX_SERVICES];
    struct qt_sockfilter f = {.ports = ports, .nports = r->ctx.nservices, .states = QT_SOCK_STATES};
    char err[256], why[256];
    const char *backend;

    for (int i = 0; i < r->ctx.nservices; i++)
        ports[i] = r->ctx.services[i].port;
    qt_procs_free(&r->procs);
    qt_socklist_free(&r->socks);
    free(r->own);
    assert_int_equal(qt_procs_read(&r->ctx, &r->procs, err, sizeof err), 0);
    assert_int_equal(qt_sock_read(&r->ctx, &f, 1, &r->socks, &backend, why, sizeof why, err, sizeof err), 0);
    /* what inet_diag's tcp_info would add (the /proc reader has none) */
    for (size_t i = 0; i < nb; i++)
        for (size_t k = 0; k < r->socks.n; k++)
            if (r->socks.v[k].inode == b[i].inode && b[i].has) {
                r->socks.v[k].flags |= QT_SOCK_HAS_BYTES;
                r->socks.v[k].bytes_received = b[i].in;
                r->socks.v[k].bytes_acked = b[i].acked;
            }
    r->own = qt_calloc(r->socks.n + 1, sizeof *r->own);
    qt_stage_map(&r->st, &r->ctx, &r->procs, r->socks.v, r->socks.n, r->own, &r->stats);
}

static const struct qt_owner *by_inode(const struct run *r, unsigned inode)
{
    for (size_t k = 0; k < r->socks.n; k++)
        if (r->socks.v[k].inode == inode)
            return &r->own[k];
    fail_msg("no socket with inode %u", inode);
    return NULL;
}

static void expect(const struct qt_owner *o, unsigned stage, unsigned why)
{
    assert_string_equal(qt_stage_name(o->stage), qt_stage_name(stage));
    assert_string_equal(qt_stage_why_text(o->why), qt_stage_why_text(why));
}

/* In the mail program, whichever holder (the copy or the program) is the owner. */
static void expect_mail(const struct qt_owner *o, int prog)
{
    assert_string_equal(qt_stage_name(o->stage), qt_stage_name(QT_STAGE_MAIL));
    assert_int_equal(o->prog_pid, prog);
}

static int setup(void **state)
{
    struct run *r = qt_calloc(1, sizeof *r);
    char err[128];
    fx_init(&r->fx);
    qt_ctx_defaults(&r->ctx);
    assert_int_equal(qt_ctx_parse_ports(&r->ctx, PORTS, err, sizeof err), 0);
    r->ctx.proc = r->fx.dir;
    r->ctx.now = fake_now;
    now_v = FX_BTIME + 100;
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    struct run *r = *state;
    fx_rm(&r->fx);
    qt_stage_state_free(r->st);
    qt_procs_free(&r->procs);
    qt_socklist_free(&r->socks);
    free(r->own);
    free(r);
    return 0;
}

/* fehcom: 12 idle clients that never sent a byte are "TLS not started",
 * whichever holder is the owner; never "in mail program". */
static void fehcom_by_bytes(void **state)
{
    struct run *r = *state;
    struct bytes b[] = {
        {5001, 1, 0, 0},        /* silent: TLS not started */
        {5002, 1, 0, 0},        /* silent, only the sslserver copy holds it */
        {5003, 1, 100, 0},      /* partial ClientHello: no reply acknowledged */
        {5004, 1, 517, 2800},   /* ClientHello answered: cannot tell */
        {5005, 0, 0, 0},        /* no tcp_info (/proc reader) */
    };

    listener(r, 700, FEH_CMD("465"), 5000, FEH_BIN);
    fx_sock(&r->fx, "127.0.0.1", 465, "0.0.0.0", 0, 10, 0, 5000);
    conn(r, 700, 710, FEH_CMD("465"), 465, 40001, 5001, FEH_BIN, 1, 1);
    conn(r, 700, 720, FEH_CMD("465"), 465, 40002, 5002, FEH_BIN, 1, 0);
    conn(r, 700, 730, FEH_CMD("465"), 465, 40003, 5003, FEH_BIN, 1, 1);
    conn(r, 700, 740, FEH_CMD("465"), 465, 40004, 5004, FEH_BIN, 1, 1);
    conn(r, 700, 750, FEH_CMD("465"), 465, 40005, 5005, FEH_BIN, 1, 1);
    fx_flush(&r->fx);
    for (int round = 0; round < 2; round++) { /* the same in every sample */
        sample(r, b, QT_ARRAY_LEN(b));
        expect(by_inode(r, 5001), QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_BYTES);
        assert_int_equal(by_inode(r, 5001)->pid, 711);   /* the deepest holder: the program */
        expect(by_inode(r, 5002), QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_BYTES);
        assert_int_equal(by_inode(r, 5002)->pid, 720);   /* the TLS side: the same stage */
        expect(by_inode(r, 5003), QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_REPLY);
        expect(by_inode(r, 5004), QT_STAGE_UNKNOWN, QT_WHY_TLS_PROG_FIRST);
        assert_int_equal(by_inode(r, 5004)->prog_pid, 741);
        /* the deepest holder, whatever order the scan met them in */
        assert_int_equal(by_inode(r, 5003)->pid, 731);
        assert_int_equal(by_inode(r, 5004)->pid, 741);
        assert_int_equal(by_inode(r, 5005)->pid, 751);
        expect(by_inode(r, 5005), QT_STAGE_UNKNOWN, QT_WHY_TLS_NO_COUNTS);
    }
}

/* SuperScript completes the handshake first: a running program proves it;
 * fehcom -s waits for the SSL environment (same); fehcom -n is plaintext
 * first: a silent client is waiting at the banner, in the mail program. */
static void handshake_first_and_plain(void **state)
{
    struct run *r = *state;
    struct bytes b[] = {
        {6001, 1, 517, 2800}, {6002, 1, 0, 0}, {7001, 1, 517, 2800}, {8001, 1, 0, 30},
    };
    const char *ss = "/usr/bin/sslserver -vR -c 5 127.0.0.1 466 /var/qmail/bin/qmail-smtpd";
    const char *fs = "/usr/bin/sslserver -vRs -c 5 127.0.0.1 467 /var/qmail/bin/qmail-smtpd";
    const char *fn = "/usr/bin/sslserver -vR -n -c 5 127.0.0.1 468 /var/qmail/bin/qmail-smtpd";

    listener(r, 800, ss, 6000, FAKE_SSLSERVER);
    fx_sock(&r->fx, "127.0.0.1", 466, "0.0.0.0", 0, 10, 0, 6000);
    conn(r, 800, 810, ss, 466, 41001, 6001, FAKE_SSLSERVER, 1, 1);
    conn(r, 800, 820, ss, 466, 41002, 6002, FAKE_SSLSERVER, 0, 0);
    listener(r, 900, fs, 7000, FEH_BIN);
    fx_sock(&r->fx, "127.0.0.1", 467, "0.0.0.0", 0, 10, 0, 7000);
    conn(r, 900, 910, fs, 467, 42001, 7001, FEH_BIN, 1, 1);
    listener(r, 950, fn, 8000, FEH_BIN);
    fx_sock(&r->fx, "127.0.0.1", 468, "0.0.0.0", 0, 10, 0, 8000);
    conn(r, 950, 960, fn, 468, 43001, 8001, FEH_BIN, 1, 1);
    fx_flush(&r->fx);
    sample(r, b, QT_ARRAY_LEN(b));
    expect_mail(by_inode(r, 6001), 811);
    expect(by_inode(r, 6002), QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_BYTES);
    expect_mail(by_inode(r, 7001), 911);
    expect_mail(by_inode(r, 8001), 961);
}

/* The binary cannot be read: an sslserver's running program proves nothing. */
static void unknown_variant(void **state)
{
    struct run *r = *state;
    struct bytes b[] = {{5004, 1, 517, 2800}};

    listener(r, 700, FEH_CMD("465"), 5000, "/nonexistent/sslserver");
    fx_sock(&r->fx, "127.0.0.1", 465, "0.0.0.0", 0, 10, 0, 5000);
    conn(r, 700, 740, FEH_CMD("465"), 465, 40004, 5004, "/nonexistent/sslserver", 1, 1);
    fx_flush(&r->fx);
    sample(r, b, QT_ARRAY_LEN(b));
    expect(by_inode(r, 5004), QT_STAGE_UNKNOWN, QT_WHY_TLS_ORDER);
}

/* Real tcp_info from the kernel (tests/fixtures/ports/nl-v4.bin, recorded by
 * tests/tools/ports_record.c: 127.0.0.3 silent, 127.0.0.2 sent 5 bytes and
 * got 7 acknowledged) behind a hand-built fehcom tree holding those inodes. */
static void recorded_tcp_info(void **state)
{
    struct run *r = *state;
    static const unsigned want[] = {24601, 24602};
    struct qt_sockfilter f = {.ports = want, .nports = 2, .states = QT_SOCK_STATES};
    qt_socklist l = {0};
    char *buf = NULL;
    long len = qt_read_file(QT_SRCDIR "/tests/fixtures/ports/nl-v4.bin", 1 << 20, &buf);
    unsigned silent = 0, talked = 0, lst = 0;
    int kerr;
    char err[128];
    struct qt_owner *own;

    assert_true(len > 0);
    assert_int_equal(qt_sock_nl_parse(buf, (size_t)len, &f, &l, &kerr), 1);
    for (size_t k = 0; k < l.n; k++) {
        if (!(l.v[k].flags & QT_SOCK_HAS_BYTES) && l.v[k].state != QT_TCP_LISTEN)
            fail_msg("recorded connection without tcp_info");
        if (l.v[k].state == QT_TCP_LISTEN && l.v[k].lport == 24601)
            lst = l.v[k].inode;
        else if (l.v[k].state == QT_TCP_ESTABLISHED && l.v[k].raddr[3] == 3)
            silent = l.v[k].inode;
        else if (l.v[k].state == QT_TCP_ESTABLISHED && l.v[k].raddr[3] == 2)
            talked = l.v[k].inode;
    }
    assert_true(lst && silent && talked);
    listener(r, 700, FEH_CMD("24601"), lst, FEH_BIN);
    {
        unsigned c1[1] = {silent}, c2[1] = {talked};
        fx_proc(&r->fx, 710, 700, 'S', 500, FEH_CMD("24601"), c1, 1);
        exe(r, 710, FEH_BIN);
        fx_proc(&r->fx, 711, 710, 'S', 501, "/var/qmail/bin/qmail-smtpd", c1, 1);
        fx_proc(&r->fx, 720, 700, 'S', 500, FEH_CMD("24601"), c2, 1);
        exe(r, 720, FEH_BIN);
        fx_proc(&r->fx, 721, 720, 'S', 501, "/var/qmail/bin/qmail-smtpd", c2, 1);
    }
    fx_flush(&r->fx);
    assert_int_equal(qt_procs_read(&r->ctx, &r->procs, err, sizeof err), 0);
    own = qt_calloc(l.n, sizeof *own);
    qt_stage_map(&r->st, &r->ctx, &r->procs, l.v, l.n, own, &r->stats);
    for (size_t k = 0; k < l.n; k++) {
        if (l.v[k].inode == silent)
            expect(&own[k], QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_BYTES);
        if (l.v[k].inode == talked)
            expect(&own[k], QT_STAGE_UNKNOWN, QT_WHY_TLS_PROG_FIRST);
    }
    free(own);
    free(buf);
    qt_socklist_free(&l);
}

static struct qt_proc mk(char *line, char **argv)
{
    struct qt_proc p = {0};
    int n = 0;
    for (char *t = strtok(line, " "); t && n < 15; t = strtok(NULL, " "))
        argv[n++] = t;
    argv[n] = NULL;
    p.argc = n;
    p.argv = argv;
    return p;
}

static enum qt_tls_order order(enum qt_variant v, const char *cmd)
{
    char line[256], *argv[16];
    struct qt_proc p;
    snprintf(line, sizeof line, "%s", cmd);
    p = mk(line, argv);
    return qt_stage_tls_order_of(v, &p);
}

static void order_rules(void **state)
{
    (void)state;
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -vR 0 465 qmail-smtpd"), QT_TLS_PROGRAM_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -seV 0 465 qmail-smtpd"), QT_TLS_HANDSHAKE_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -sS 0 465 qmail-smtpd"), QT_TLS_PROGRAM_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -seVn 0 25 qmail-smtpd"), QT_TLS_PLAIN_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -n -N 0 465 qmail-smtpd"), QT_TLS_PROGRAM_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER_FEH, "sslserver -T 30 0 465 qmail-smtpd -s"), QT_TLS_PROGRAM_FIRST);
    assert_int_equal(order(QT_VAR_SSLSERVER, "sslserver -vR 0 465 qmail-smtpd"), QT_TLS_HANDSHAKE_FIRST);
    assert_int_equal(order(QT_VAR_UNKNOWN, "sslserver -vR 0 465 qmail-smtpd"), QT_TLS_ORDER_UNKNOWN);
    /* what a connection's row shows */
    assert_string_equal(qt_stage_label(QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_BYTES), "TLS not started");
    assert_string_equal(qt_stage_label(QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_REPLY), "handshake pending");
    assert_string_equal(qt_stage_label(QT_STAGE_UNKNOWN, QT_WHY_TLS_PROG_FIRST), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fehcom_by_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(handshake_first_and_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_variant, setup, teardown),
        cmocka_unit_test_setup_teardown(recorded_tcp_info, setup, teardown),
        cmocka_unit_test(order_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

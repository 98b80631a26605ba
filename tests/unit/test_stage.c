/* Unit tests: socket -> process mapping and connection stages on fixture
 * process trees (ports_fixture.h), incremental scanning, name rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/ports/stage.h"
#include "diag/ports/stage_int.h"
#include "diag/core/util.h"
#include "tests/unit/ports_fixture.h"

static double now_v;
static double fake_now(void) { return now_v; }

struct run {
    struct fx fx;
    qt_ctx ctx;
    qt_stage_state *st;
    qt_procs procs;
    qt_socklist socks;
    struct qt_owner *own;
    struct qt_stage_stats stats;
};

static void sample(struct run *r)
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
    assert_string_equal(backend, "proc");
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

static int setup(void **state)
{
    struct run *r = qt_calloc(1, sizeof *r);
    char err[128];
    fx_scenario(&r->fx);
    qt_ctx_defaults(&r->ctx);
    assert_int_equal(qt_ctx_parse_ports(&r->ctx, FX_PORTS, err, sizeof err), 0);
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

static void expect(const struct qt_owner *o, int pid, unsigned stage, unsigned why)
{
    assert_int_equal(o->pid, pid);
    assert_string_equal(qt_stage_name(o->stage), qt_stage_name(stage));
    assert_string_equal(qt_stage_why_text(o->why), qt_stage_why_text(why));
}

static void stages_of_the_scenario(void **state)
{
    struct run *r = *state;
    const struct qt_owner *o;

    sample(r);
    /* SSL-patched tcpserver on 465 */
    expect(by_inode(r, 1000), 200, QT_STAGE_NONE, QT_WHY_NONE);            /* the listener */
    o = by_inode(r, 1001);
    expect(o, 201, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);
    assert_true(o->start == FX_BTIME + 10);                                 /* age = the child's start */
    o = by_inode(r, 1002);
    expect(o, 202, QT_STAGE_MAIL, QT_WHY_MAIL_BENEATH);
    assert_int_equal(o->prog_pid, 203);
    expect(by_inode(r, 1003), 204, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);    /* a zombie mail program is no program */
    expect(by_inode(r, 1004), 206, QT_STAGE_MAIL, QT_WHY_MAIL_SELF);
    for (size_t k = 0; k < r->socks.n; k++)
        if (r->socks.v[k].rport == 40005) {
            expect(&r->own[k], 0, QT_STAGE_QUEUED, QT_WHY_NOT_ACCEPTED);
            assert_true(r->own[k].start == 0);
        }
    /* plain tcpserver + stunnel on 995 */
    expect(by_inode(r, 2001), 301, QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_PROG);
    expect(by_inode(r, 2002), 302, QT_STAGE_MAIL, QT_WHY_MAIL_BENEATH);
    expect(by_inode(r, 2003), 304, QT_STAGE_STARTING, QT_WHY_COPY_NO_EXEC);
    expect(by_inode(r, 2004), 0, QT_STAGE_UNKNOWN, QT_WHY_UNREADABLE);      /* said, not guessed */
    /* socat fork */
    expect(by_inode(r, 3001), 501, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);
    o = by_inode(r, 3002);
    expect(o, 502, QT_STAGE_PROGRAM, QT_WHY_PROG_BENEATH);
    assert_int_equal(o->prog_pid, 503);
    /* one process, many connections: no per-connection age */
    o = by_inode(r, 4001);
    expect(o, 600, QT_STAGE_PROGRAM, QT_WHY_SHARED);
    assert_true(o->start == 0);
    assert_int_equal(r->stats.unreadable, 1);
    assert_int_equal(r->stats.lost, 1);
    /* services with a TLS front end, whose dump must carry tcp_info: smtps
     * (tcpserver -s), pop3s (stunnel behind a plain tcpserver), lab (socat
     * OPENSSL-LISTEN); not imap (a plain server) */
    assert_int_equal(r->stats.tls_svcs, 0x7);
    assert_int_equal(r->stats.scanned, 21);   /* first sample: every process once */
    assert_int_equal(r->stats.rescanned, 0);
}

static void incremental(void **state)
{
    struct run *r = *state;
    static const unsigned c210[] = {1010}, c202[] = {1002};

    sample(r);
    /* steady state: nothing new, the lost socket does not trigger a hunt */
    sample(r);
    assert_int_equal(r->stats.scanned, 0);
    expect(by_inode(r, 1001), 201, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);
    expect(by_inode(r, 2004), 0, QT_STAGE_UNKNOWN, QT_WHY_UNREADABLE);

    /* a new connection: only the listener's new child is read */
    fx_proc(&r->fx, 210, 200, 'S', 9500, "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd", c210, 1);
    fx_sock(&r->fx, "127.0.0.1", 465, "198.51.100.10", 40010, 1, 0, 1010);
    fx_flush(&r->fx);
    sample(r);
    assert_int_equal(r->stats.scanned, 1);
    expect(by_inode(r, 1010), 210, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);

    /* a pid reused by a new process: read again */
    fx_gone(&r->fx, 202);
    fx_gone(&r->fx, 203);
    fx_proc(&r->fx, 202, 200, 'S', 9900, "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd", c202, 1);
    sample(r);
    assert_int_equal(r->stats.scanned, 1);
    assert_true(by_inode(r, 1002)->start == FX_BTIME + 99);
    expect(by_inode(r, 1002), 202, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);   /* 203 is no longer its child */

    /* the owner vanished but the socket is still listed: holders are re-read, then it is lost */
    fx_gone(&r->fx, 201);
    sample(r);
    assert_int_equal(r->stats.rescanned, 4);   /* the listeners 200, 300, 500 and the many-socket server 600 */
    expect(by_inode(r, 1001), 0, QT_STAGE_UNKNOWN, QT_WHY_UNREADABLE);
    sample(r);
    assert_int_equal(r->stats.scanned, 0);

    /* a minute later the lost sockets get one full retry */
    now_v += 61;
    sample(r);
    assert_int_equal(r->stats.full_rescan, 1);
    assert_int_equal(r->stats.scanned, 19);    /* 21 - 201 - 203 + 210 - the unreadable 400 */
}

/* Facts kept across samples (stage_facts.c): a steady sample computes
 * none and gives the same stages; an exec (new image) re-classifies that
 * process alone; a child that dies re-classifies its parent alone. */
static void facts_kept_until_a_change(void **state)
{
    struct run *r = *state;
    static const unsigned c304[] = {2003};

    sample(r);
    assert_true(r->stats.facts > 0);
    sample(r);
    assert_int_equal(r->stats.facts, 0);
    expect(by_inode(r, 2003), 304, QT_STAGE_STARTING, QT_WHY_COPY_NO_EXEC);
    expect(by_inode(r, 2002), 302, QT_STAGE_MAIL, QT_WHY_MAIL_BENEATH);
    expect(by_inode(r, 1001), 201, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);

    /* the forked copy 304 execs the mail program: same pid and start, new image */
    fx_gone(&r->fx, 304);
    fx_proc(&r->fx, 304, 300, 'S', 9000, "/var/qmail/bin/qmail-popup mail.example.com /bin/checkpassword", c304, 1);
    fx_image(&r->fx, 304, 0x5a5a000);
    sample(r);
    assert_int_equal(r->stats.facts, 1);
    expect(by_inode(r, 2003), 304, QT_STAGE_MAIL, QT_WHY_MAIL_SELF);
    expect(by_inode(r, 2002), 302, QT_STAGE_MAIL, QT_WHY_MAIL_BENEATH);   /* kept */

    /* the POP3 session beneath stunnel 302 ends: 302 is a TLS front end with nothing beneath */
    fx_gone(&r->fx, 303);
    sample(r);
    assert_int_equal(r->stats.facts, 1);
    expect(by_inode(r, 2002), 302, QT_STAGE_HANDSHAKE, QT_WHY_TLS_NO_PROG);
    expect(by_inode(r, 2003), 304, QT_STAGE_MAIL, QT_WHY_MAIL_SELF);      /* kept */
    sample(r);
    assert_int_equal(r->stats.facts, 0);
}

/* One sample mapped twice on the same tables: by the run's state, which may
 * reuse its last mapping (stage_reuse.c), and by *full, which never does.
 * Every owner and the stats the pane shows must agree. Returns whether the
 * run's state reused. */
static int against_full(struct run *r, qt_stage_state **full)
{
    struct qt_owner *own = qt_calloc(r->socks.n + 1, sizeof *own);
    struct qt_stage_stats st;

    qt_stage_map(full, &r->ctx, &r->procs, r->socks.v, r->socks.n, own, &st);
    (*full)->no_reuse = 1;
    assert_int_equal(st.reused, 0);
    for (size_t k = 0; k < r->socks.n; k++) {
        assert_int_equal(r->own[k].pid, own[k].pid);
        assert_int_equal(r->own[k].stage, own[k].stage);
        assert_int_equal(r->own[k].why, own[k].why);
        assert_true(r->own[k].start == own[k].start);
        assert_int_equal(r->own[k].prog_pid, own[k].prog_pid);
    }
    assert_int_equal(r->stats.unreadable, st.unreadable);
    assert_int_equal(r->stats.lost, st.lost);
    assert_int_equal(r->stats.tls_svcs, st.tls_svcs);
    free(own);
    return (int)r->stats.reused;
}

/* A steady sample takes the last mapping as it is while nothing near the
 * watched sockets changed (stage_reuse.c): not after the first samples
 * (they read fd lists), not when an owner execs, a process appears beneath
 * an owner, a process on an owner's way up to its listener execs, or a
 * connection comes; yes when a process far from them comes and goes, and
 * again once a full sample read nothing. Each sample equals a full mapping. */
static void reused_only_while_nothing_changed(void **state)
{
    struct run *r = *state;
    qt_stage_state *full = NULL;
    static const unsigned c211[] = {1011}, c304[] = {2003}, c611[] = {4005};
    static const int expect_reused[] = {0, 0, 1, 1, /* cron comes */ 1, /* and goes */ 1,
                                        /* owner 304 execs */ 0, 0, 1, /* a program beneath owner 201 */ 0, 0, 1,
                                        /* 502, on owner 503's way up, execs */ 0, 0, 1,
                                        /* a new connection */ 0, 0, 1,
                                        /* 610, on owner 611's way up and under no listener, execs */ 0, 0, 1,
                                        /* 400, far away, whose fds were unreadable, exits */ 1};
    enum { N = sizeof expect_reused / sizeof expect_reused[0] };
    int got[N];

    fx_fd(&r->fx, 600, 9, 2004);   /* every socket has an owner: a fixed point is reachable */
    fx_fd(&r->fx, 503, 0, 3002);   /* the program beneath socat 502 holds its connection: the owner */
    /* a daemon's connection under a supervisor, no listener above: only the
     * way-up mark (PF_UPPATH) tells that a change of 610 concerns it */
    fx_proc(&r->fx, 610, 1, 'S', 610, "runsv imapd", NULL, 0);
    fx_proc(&r->fx, 611, 610, 'S', 611, "/usr/sbin/imapd2", c611, 1);
    fx_sock(&r->fx, "127.0.0.1", 143, "127.0.0.5", 43005, 1, 0, 4005);
    fx_flush(&r->fx);
    for (int i = 0; i < N; i++) {
        if (i == 4)
            fx_proc(&r->fx, 700, 1, 'S', 7000, "/usr/sbin/cron -f", NULL, 0);
        if (i == 5)
            fx_gone(&r->fx, 700);
        if (i == 6) {              /* the forked copy 304 execs the mail program */
            fx_gone(&r->fx, 304);
            fx_proc(&r->fx, 304, 300, 'S', 9000, "/var/qmail/bin/qmail-popup mail.example.com /bin/checkpassword", c304, 1);
            fx_image(&r->fx, 304, 0x5a5a000);
        }
        if (i == 9)
            fx_proc(&r->fx, 212, 201, 'S', 9500, "/var/qmail/bin/qmail-smtpd", NULL, 0);
        if (i == 12)
            fx_image(&r->fx, 502, 0x7b7b000);
        if (i == 15) {
            fx_proc(&r->fx, 211, 200, 'S', 9600, "/usr/bin/tcpserver -s -n cert.pem -v -R -c 4 -u 89 0 465 /var/qmail/bin/qmail-smtpd", c211, 1);
            fx_sock(&r->fx, "127.0.0.1", 465, "198.51.100.11", 40011, 1, 0, 1011);
            fx_flush(&r->fx);
        }
        if (i == 18) {             /* the supervisor execs a TLS front end: 611 is behind one now */
            fx_gone(&r->fx, 610);
            fx_proc(&r->fx, 610, 1, 'S', 610, "stunnel4 /etc/stunnel/imaps.conf", NULL, 0);
            fx_image(&r->fx, 610, 0x6c6c000);
        }
        if (i == 21)
            fx_gone(&r->fx, 400);
        sample(r);
        got[i] = against_full(r, &full);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(got[i], expect_reused[i]);
    assert_int_equal(r->stats.lost, 0);
    expect(by_inode(r, 2003), 304, QT_STAGE_MAIL, QT_WHY_MAIL_SELF);
    expect(by_inode(r, 1001), 201, QT_STAGE_MAIL, QT_WHY_MAIL_BENEATH);
    assert_int_equal(by_inode(r, 3002)->pid, 503);
    expect(by_inode(r, 1011), 211, QT_STAGE_HANDSHAKE, QT_WHY_TLS_COPY);
    assert_int_equal(r->stats.unreadable, 0);
    qt_stage_state_free(full);
}

/* First sample: a listener's children hold their connection on fd 0 and
 * 1, as tcpserver leaves it (ucspi-tcp tcpserver.c): two links each, not
 * their whole fd lists; a child holding a second watched connection on fd
 * 5 is still found in the same sample (its list is read because a socket
 * stayed unmapped), and a child with its socket elsewhere is read whole. */
static void children_read_at_fd_0_and_1(void **state)
{
    struct run *r = *state;
    static const unsigned l700[] = {9000}, c703[] = {9004};
    char err[128];

    fx_rm(&r->fx);
    fx_init(&r->fx);
    assert_int_equal(qt_ctx_parse_ports(&r->ctx, "quick=2525", err, sizeof err), 0);
    r->ctx.proc = r->fx.dir;
    fx_proc(&r->fx, 1, 0, 'S', 1, "/sbin/init", NULL, 0);
    fx_proc(&r->fx, 700, 1, 'S', 100, "/usr/bin/tcpserver -v -c 10 0 2525 /usr/local/bin/idle", l700, 1);
    for (int pid = 701; pid <= 702; pid++) {
        fx_proc(&r->fx, pid, 700, 'S', 200, "/usr/local/bin/idle", NULL, 0);
        fx_fd(&r->fx, pid, 0, 9000 + (unsigned)pid - 700);
        fx_fd(&r->fx, pid, 1, 9000 + (unsigned)pid - 700);
    }
    fx_proc(&r->fx, 703, 700, 'S', 200, "/usr/local/bin/idle", c703, 1);   /* fd 3 only: read whole */
    fx_sock(&r->fx, "0.0.0.0", 2525, "0.0.0.0", 0, 10, 0, 9000);
    fx_sock(&r->fx, "127.0.0.1", 2525, "127.0.0.5", 50001, 1, 0, 9001);
    fx_sock(&r->fx, "127.0.0.1", 2525, "127.0.0.5", 50002, 1, 0, 9002);
    fx_sock(&r->fx, "127.0.0.1", 2525, "127.0.0.5", 50004, 1, 0, 9004);
    fx_flush(&r->fx);

    /* no second socket anywhere: 701 and 702 are never read whole */
    sample(r);
    expect(by_inode(r, 9001), 701, QT_STAGE_PROGRAM, QT_WHY_PROG_SELF);
    expect(by_inode(r, 9002), 702, QT_STAGE_PROGRAM, QT_WHY_PROG_SELF);
    expect(by_inode(r, 9004), 703, QT_STAGE_PROGRAM, QT_WHY_PROG_SELF);
    assert_int_equal(r->stats.partly, 2);
    /* the listener, then its children before anything else: 703 whole (its
     * socket is not at fd 0/1); init is not read, nothing is left unmapped */
    assert_int_equal(r->stats.scanned, 2);
    assert_int_equal(r->stats.lost, 0);

    /* from scratch, 702 holds a second connection (9003) on fd 5 */
    qt_stage_state_free(r->st);
    r->st = NULL;
    fx_fd(&r->fx, 702, 5, 9003);
    fx_sock(&r->fx, "127.0.0.1", 2525, "127.0.0.5", 50003, 1, 0, 9003);
    fx_flush(&r->fx);
    sample(r);
    expect(by_inode(r, 9001), 701, QT_STAGE_PROGRAM, QT_WHY_PROG_SELF);
    assert_int_equal(by_inode(r, 9002)->pid, 702);
    assert_int_equal(by_inode(r, 9003)->pid, 702);   /* found in the same, first sample */
    assert_int_equal(r->stats.lost, 0);
    assert_int_equal(r->stats.partly, 2);
    assert_int_equal(r->stats.full_rescan, 0);
}

static void no_process_table(void **state)
{
    struct run *r = *state;
    sample(r);
    qt_stage_map(&r->st, &r->ctx, NULL, r->socks.v, r->socks.n, r->own, &r->stats);
    expect(by_inode(r, 1001), 201, QT_STAGE_UNKNOWN, QT_WHY_NO_PROCS);
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

static int tls(const char *cmd)
{
    char line[256], *argv[16];
    struct qt_proc p;
    snprintf(line, sizeof line, "%s", cmd);
    p = mk(line, argv);
    return qt_stage_is_tls(&p);
}

static void name_rules(void **state)
{
    (void)state;
    assert_true(tls("/usr/bin/tcpserver -s -n cert.pem 0 465 qmail-smtpd"));
    assert_true(tls("tcpserver -vRs -c40 0 465 qmail-smtpd"));
    assert_true(tls("tcpserver -c 40 -s 0 465 x"));
    assert_false(tls("tcpserver -sS 0 465 x"));             /* a later -S wins */
    assert_false(tls("tcpserver -v -l s 0 465 x"));         /* "s" is -l's argument */
    assert_false(tls("tcpserver -ls 0 465 x"));             /* attached argument */
    assert_false(tls("tcpserver 0 465 qmail-smtpd -s"));    /* after host: the program's */
    assert_true(tls("sslserver -e -T 26 0 465 qmail-smtpd"));
    assert_true(tls("/usr/bin/stunnel4 /etc/stunnel/x.conf"));
    assert_true(tls("socat ssl-l:465,fork EXEC:x"));
    assert_true(tls("socat OPENSSL-LISTEN:465,fork EXEC:x"));
    assert_false(tls("socat TCP-LISTEN:25,fork EXEC:x"));
    assert_false(tls("qmail-smtpd"));
    assert_true(qt_stage_is_mail_name("qmail-smtpd"));
    assert_true(qt_stage_is_mail_name("qmail-smtpd-tls"));
    assert_true(qt_stage_is_mail_name("rblsmtpd"));
    assert_true(qt_stage_is_mail_name("spamdyke"));
    assert_false(qt_stage_is_mail_name("cat"));
    assert_false(qt_stage_is_mail_name("tcpserver"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stages_of_the_scenario, setup, teardown),
        cmocka_unit_test_setup_teardown(incremental, setup, teardown),
        cmocka_unit_test_setup_teardown(facts_kept_until_a_change, setup, teardown),
        cmocka_unit_test_setup_teardown(children_read_at_fd_0_and_1, setup, teardown),
        cmocka_unit_test_setup_teardown(reused_only_while_nothing_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(no_process_table, setup, teardown),
        cmocka_unit_test(name_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

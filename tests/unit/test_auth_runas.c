/* Unit tests: the uid:gid the wizard runs vchkpw with (diag/auth/auth_runas.c):
 * a front end's -u/-g, a service without them (root, as tcpserver runs its
 * program), the vpopmail fallback for a port no service uses, and neither;
 * front ends another user controls are not a source. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_runas.h"
#include "diag/servers/servers.h"
#include "diag/core/snapshot.h"
#include "diag/core/trust.h"
#include "diag/procs/procs.h"

static void server(struct qt_server *s, qt_cmd *c, const char *name, unsigned port, char **argv, int argc)
{
    memset(s, 0, sizeof *s);
    qt_cmd_parse(c, argc, argv, NULL, QT_VAR_UNKNOWN);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->port = port;
    s->cmd = c;
    s->has_script_cmd = 1;    /* a stopped service, its run script root's */
}

static void runas(void **st)
{
    (void)st;
    char *smtpd[] = {"tcpserver", "-c", "5", "-u", "89", "-g", "90", "0", "587", "qmail-smtpd",
                     "/home/vpopmail/bin/vchkpw", "/bin/true", NULL};
    char *pop[] = {"tcpserver", "0", "110", "qmail-popup", "mail.example.test", "/home/vpopmail/bin/vchkpw",
                   "qmail-pop3d", "Maildir", NULL};
    struct qt_server v[2];
    qt_cmd c[2];
    qt_servers ss = {.v = v, .n = 2};
    qt_snapshot snap;
    qt_ctx ctx;
    struct qt_wiz_runas r[8];
    unsigned u = 1, g = 1;
    char why[256];
    int n;

    memset(&snap, 0, sizeof snap);
    memset(&ctx, 0, sizeof ctx);
    snap.servers = &ss;
    server(&v[0], &c[0], "submission", 587, smtpd, 12);
    server(&v[1], &c[1], "pop3", 110, pop, 8);
    n = qt_wiz_runas_collect(&ctx, &snap, QT_TRUST_NO_UID, r, 8);
    assert_int_equal(n, 2);

    assert_int_equal(qt_wiz_runas_pick(r, n, 4242, 4343, 587, &u, &g, why, sizeof why), 0);
    assert_int_equal(u, 89);
    assert_int_equal(g, 90);
    assert_non_null(strstr(why, "tcpserver -u -g on port 587 (service submission)"));

    assert_int_equal(qt_wiz_runas_pick(r, n, 4242, 4343, 110, &u, &g, why, sizeof why), 0);
    assert_int_equal(u, 0);
    assert_int_equal(g, 0);
    assert_non_null(strstr(why, "without -u/-g on port 110"));

    assert_int_equal(qt_wiz_runas_pick(r, n, 4242, 4343, 2626, &u, &g, why, sizeof why), 0);
    assert_int_equal(u, 4242);
    assert_int_equal(g, 4343);
    assert_non_null(strstr(why, "vpopmail"));

    assert_int_equal(qt_wiz_runas_pick(r, n, QT_TRUST_NO_UID, 0, 2626, &u, &g, why, sizeof why), -1);
    assert_non_null(strstr(why, "no service found on port 2626 and no vpopmail user"));

    assert_int_equal(qt_wiz_runas_collect(&ctx, NULL, QT_TRUST_NO_UID, r, 8), 0);
    qt_cmd_free(&c[0]);
    qt_cmd_free(&c[1]);
}

/* A user's own tcpserver (running as that user) or a run script the user
 * owns must not choose the uid vchkpw runs as with the admin's password:
 * that user could read it out of the process. */
static void untrusted_front_ends(void **st)
{
    (void)st;
    char *fake[] = {"tcpserver", "-u", "1000", "-g", "1000", "0", "587", "qmail-smtpd", "/home/vpopmail/bin/vchkpw",
                    "/bin/true", NULL};
    char *own[] = {"tcpserver", "0", "2525", "qmail-smtpd", "/home/vpopmail/bin/vchkpw", "/bin/true", NULL};
    struct qt_server v[3];
    qt_cmd c[3];
    qt_servers ss = {.v = v, .n = 3};
    qt_snapshot snap;
    qt_ctx ctx;
    struct qt_wiz_runas r[8];
    unsigned u = 1, g = 1;
    char why[256];

    memset(&snap, 0, sizeof snap);
    memset(&ctx, 0, sizeof ctx);
    snap.servers = &ss;
    server(&v[0], &c[0], "fake", 587, fake, 10);
    v[0].rs.owner = 1000;                     /* down, run script owned by uid 1000 */
    server(&v[1], &c[1], "running-as-user", 2525, own, 6);
    v[1].pid = 4711;                          /* running as uid 1000: runs qmail-smtpd as 1000 */
    v[1].uid = 1000;
    server(&v[2], &c[2], "vpopmail-owned", 2626, own, 6);
    v[2].pid = 4712;
    v[2].uid = 89;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 1);
    assert_int_equal(r[0].port, 2626);
    assert_int_equal(r[0].uid, 89);
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, QT_TRUST_NO_UID, r, 8), 0);
    /* so port 587 falls back to the vpopmail user, not uid 1000 */
    assert_int_equal(qt_wiz_runas_pick(r, 0, 89, 89, 587, &u, &g, why, sizeof why), 0);
    assert_int_equal(u, 89);
    for (int i = 0; i < 3; i++)
        qt_cmd_free(&c[i]);
}

/* The LWQ setup: root's supervise runs a root-owned run script with
 * tcpserver -u qmaild, so the listener itself runs as qmaild: root chose
 * that uid (issue 15). Not when the supervisor, the script's owner or the
 * -u differ, or the script was edited since. */
static void root_chose_listener_uid(void **st)
{
    (void)st;
    char *lwq[] = {"tcpserver", "-u", "1001", "-g", "1002", "0", "2525", "qmail-smtpd", "/home/vpopmail/bin/vchkpw",
                   "/bin/true", NULL};
    struct qt_proc procs[2];
    qt_procs pt = {.v = procs, .n = 2};
    struct qt_server v[1];
    qt_servers ss = {.v = v, .n = 1};
    qt_snapshot snap;
    qt_ctx ctx;
    struct qt_wiz_runas r[8];

    memset(&snap, 0, sizeof snap);
    memset(&ctx, 0, sizeof ctx);
    memset(procs, 0, sizeof procs);
    procs[0].pid = 100;                       /* supervise, root */
    procs[0].uid = 0;
    procs[1].pid = 200;                       /* a supervise run by uid 1000 */
    procs[1].uid = 1000;
    snap.servers = &ss;
    snap.procs = &pt;
    server(&v[0], &v[0].script, "qmail-submission", 2525, lwq, 10);
    v[0].pid = 4711;
    v[0].uid = 1001;
    v[0].supervisor_pid = 100;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 1);
    assert_int_equal(r[0].uid, 1001);
    assert_int_equal(r[0].gid, 1002);
    v[0].supervisor_pid = 200;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 0);
    v[0].supervisor_pid = 0;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 0);
    v[0].supervisor_pid = 100;
    v[0].rs.owner = 1000;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 0);
    v[0].rs.owner = 0;
    v[0].differs = 1;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 0);
    v[0].differs = 0;
    v[0].uid = 1000;                          /* not the -u of the script */
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, 89, r, 8), 0);
    qt_cmd_free(&v[0].script);
}

/* What the program behind each front end gets: tcpserver always sets
 * TCPLOCALPORT, sslserver only with -e (sslserver.c flagtcpenv); which
 * ports do TLS on connect (any front end, whoever runs it). */
static void env_and_tls(void **st)
{
    (void)st;
    char *feh[] = {"sslserver", "-sV", "-E", "127.0.0.1", "26465", "qmail-smtpd", "/bin/true", NULL};
    char *feh_e[] = {"sslserver", "-sV", "-e", "127.0.0.1", "26466", "qmail-smtpd", "/bin/true", NULL};
    char *tcp[] = {"tcpserver", "0", "26025", "qmail-smtpd", "/bin/true", NULL};
    struct qt_server v[4];
    qt_cmd c[3];
    qt_servers ss = {.v = v, .n = 4};
    qt_snapshot snap;
    qt_ctx ctx;
    struct qt_wiz_runas r[8];
    struct qt_wiz_tlsport t[8];

    memset(&snap, 0, sizeof snap);
    memset(&ctx, 0, sizeof ctx);
    snap.servers = &ss;
    server(&v[0], &c[0], "smtps", 26465, feh, 7);
    qt_cmd_free(&c[0]);
    qt_cmd_parse(&c[0], 7, feh, NULL, QT_VAR_SSLSERVER_FEH);
    v[0].variant = QT_VAR_SSLSERVER_FEH;
    v[0].tls = 1;
    server(&v[1], &c[1], "smtps-e", 26466, feh_e, 7);
    qt_cmd_free(&c[1]);
    qt_cmd_parse(&c[1], 7, feh_e, NULL, QT_VAR_SSLSERVER_FEH);
    v[1].variant = QT_VAR_SSLSERVER_FEH;
    v[1].tls = 1;
    server(&v[2], &c[2], "submission", 26025, tcp, 5);
    v[2].variant = QT_VAR_UCSPI_TCP;
    memset(&v[3], 0, sizeof v[3]);             /* socat OPENSSL-LISTEN held by a user: no runas, still TLS */
    snprintf(v[3].name, sizeof v[3].name, "socat:24465");
    snprintf(v[3].other, sizeof v[3].other, "socat");
    v[3].port = 24465;
    v[3].tls = 1;
    assert_int_equal(qt_wiz_runas_collect(&ctx, &snap, QT_TRUST_NO_UID, r, 8), 3);
    assert_int_equal(r[0].localport_env, -1);
    assert_int_equal(r[0].tls, 1);
    assert_string_equal(r[0].name, "smtps");
    assert_int_equal(r[1].localport_env, 1);
    assert_int_equal(r[2].localport_env, 1);
    assert_int_equal(qt_wiz_tls_ports(&snap, t, 8), 3);
    assert_int_equal(t[0].port, 26465);
    assert_int_equal(t[2].port, 24465);
    assert_string_equal(t[2].front, "socat");
    for (int i = 0; i < 3; i++)
        qt_cmd_free(&c[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(runas), cmocka_unit_test(untrusted_front_ends),
                                       cmocka_unit_test(root_chose_listener_uid),
                                       cmocka_unit_test(env_and_tls)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

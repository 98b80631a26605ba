/* Unit tests: what the real stack showed the wizard got wrong (issue 15):
 * an unknown domain is not an unknown user (vadddomain, not vadduser or
 * vpasswd); TCPLOCALPORT and so vchkpw's syslog tag come from the service's
 * real port and front end (vchkpw-26025; vchkpw-0 behind sslserver without
 * -e); a port the Servers pane or --ports knows as TLS-on-connect is spoken
 * to with TLS first and the swaks command says --tlsc; with --root the
 * commands shown name the system's paths. */
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

#include "diag/auth/auth_wizard.h"
#include "tree_fixture.h"

static char root[128];
static qt_ctx ctx;

/* A vpopmail host under root: domain example.com with user joe; vuserinfo
 * answers like vpopmail's (vuserinfo.c: "no such user" for an unknown user
 * and an unknown domain alike). */
static int setup(void **st)
{
    (void)st;
    qt_fx_tree(root, sizeof root, "wizstack", &ctx, 0);
    qt_fx_sh("mkdir -p %s/var/qmail/users %s/home/vpopmail/bin %s/home/vpopmail/domains/example.com/joe", root, root, root);
    qt_fx_sh("printf '+example.com-:example.com:89:89:/home/vpopmail/domains/example.com:-::\\n.\\n' > %s/var/qmail/users/assign",
       root);
    qt_fx_sh("printf '#!/bin/sh\\ncase \"$1\" in joe@example.com) echo \"name:   joe\"; echo \"dir:    /x\";; "
       "*) echo \"no such user $1\";; esac\\n' > %s/home/vpopmail/bin/vuserinfo && chmod 0755 %s/home/vpopmail/bin/vuserinfo",
       root, root);
    qt_fx_sh("printf '#!/bin/sh\\nexit 3\\n' > %s/home/vpopmail/bin/vchkpw && chmod 0755 %s/home/vpopmail/bin/vchkpw", root, root);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    qt_fx_tree_remove(root);
    return 0;
}

static qt_wizard *make_in(struct qt_wiz_inputs *in)
{
    char err[256];
    qt_wizard *w = qt_wizard_new(&ctx);
    in->timeout = 5;
    if (qt_wizard_set_inputs(w, in, err, sizeof err) != 0)
        fail_msg("set_inputs: %s", err);
    return w;
}

static void defaults(struct qt_wiz_inputs *in, const char *account)
{
    qt_wizard_defaults(&ctx, NULL, in);
    snprintf(in->account, sizeof in->account, "%s", account);
    snprintf(in->vchkpw, sizeof in->vchkpw, "%s/home/vpopmail/bin/vchkpw", root);
}

static void account(qt_wizard *w)
{
    qt_job *j = qt_wizard_start(w, QT_WS_ACCOUNT);
    if (j) {
        assert_int_equal(qt_job_run(j, 2.0), 0);
        j->ops->free(j);
    }
}

static void unknown_domain_is_not_unknown_user(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    qt_wizard *w;

    defaults(&in, "joe@nosuch.test");
    w = make_in(&in);
    account(w);
    assert_int_equal(w->res[QT_WS_ACCOUNT].verdict, QT_V_FAIL);
    if (!strstr(w->res[QT_WS_ACCOUNT].result, "no such domain: nosuch.test"))
        fail_msg("account: %s\n%s", w->res[QT_WS_ACCOUNT].result, w->res[QT_WS_ACCOUNT].detail);
    assert_non_null(strstr(w->res[QT_WS_ACCOUNT].fix, "vadddomain nosuch.test"));
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_REJECTED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "unknown-domain");
    assert_non_null(strstr(w->res[QT_WS_DIAG].fix, "vadddomain nosuch.test"));
    assert_null(strstr(w->res[QT_WS_DIAG].fix, "vpasswd"));
    qt_wizard_free(w);

    /* a known domain without the user: unknown user, as before */
    defaults(&in, "ann@example.com");
    w = make_in(&in);
    account(w);
    assert_int_equal(w->domain_missing, 0);
    assert_non_null(strstr(w->res[QT_WS_ACCOUNT].result, "no such user: ann@example.com"));
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_REJECTED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "unknown-user");
    qt_wizard_free(w);

    /* nothing vpopmail keeps domains in is readable: no claim about the domain */
    qt_fx_sh("mv %s/var/qmail/users/assign %s/assign.off && mv %s/home/vpopmail/domains %s/domains.off", root, root, root,
       root);
    defaults(&in, "joe@nosuch.test");
    w = make_in(&in);
    account(w);
    assert_int_equal(w->domain_missing, 0);
    qt_wizard_free(w);
    qt_fx_sh("mv %s/assign.off %s/var/qmail/users/assign && mv %s/domains.off %s/home/vpopmail/domains", root, root, root,
       root);

    /* the qmail prefix is ctx's: users/assign under another prefix */
    qt_fx_sh("mkdir -p %s/opt/qm/users && mv %s/var/qmail/users/assign %s/opt/qm/users/assign && mv %s/home/vpopmail/domains "
       "%s/domains.off", root, root, root, root, root);
    snprintf(ctx.qmail_prefix, sizeof ctx.qmail_prefix, "/opt/qm");
    defaults(&in, "joe@nosuch.test");
    w = make_in(&in);
    account(w);
    assert_int_equal(w->domain_missing, 1);
    qt_wizard_free(w);
    snprintf(ctx.qmail_prefix, sizeof ctx.qmail_prefix, "/var/qmail");
    qt_fx_sh("mv %s/opt/qm/users/assign %s/var/qmail/users/assign && mv %s/domains.off %s/home/vpopmail/domains", root, root,
       root, root);
}

static void tcplocalport_as_the_service_sets_it(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    qt_wizard *w;
    char err[128], tag[48];
    qt_ctx saved = ctx;

    /* --ports submission=26025: the service listens there, tcpserver sets TCPLOCALPORT */
    assert_int_equal(qt_ctx_parse_ports(&ctx, "submission=26025,smtps=26465", err, sizeof err), 0);
    defaults(&in, "joe@example.com");
    qt_wizard_target_from_ports(&ctx, &in);
    in.nrunas = 2;
    in.runas[0] = (struct qt_wiz_runas){.port = 26025, .localport_env = 1};
    in.runas[1] = (struct qt_wiz_runas){.port = 26465, .localport_env = -1, .tls = 1};
    snprintf(in.runas[1].front, sizeof in.runas[1].front, "sslserver");
    w = make_in(&in);
    assert_int_equal(w->port, 26025);
    /* what the wizard's own vchkpw run logs (127.0.0.1, its program) is what the service logs */
    assert_string_equal(w->in.program, "/bin/true");
    qt_vchkpw_log_name(w->port, w->in.remote_ip, w->in.program, tag, sizeof tag);
    assert_string_equal(tag, "vchkpw-26025");
    assert_non_null(strstr(w->port_why, "--ports submission=26025"));
    qt_wizard_free(w);

    /* smtps behind sslserver without -e: no TCPLOCALPORT, vchkpw-0 */
    snprintf(in.service, sizeof in.service, "smtps");
    w = make_in(&in);
    assert_int_equal(w->port, 0);
    qt_vchkpw_log_name(w->port, w->in.remote_ip, w->in.program, tag, sizeof tag);
    assert_string_equal(tag, "vchkpw-0");
    assert_non_null(strstr(w->port_why, "sslserver on port 26465 runs without -e"));
    qt_wizard_free(w);

    /* a port number is taken as given */
    snprintf(in.service, sizeof in.service, "587");
    w = make_in(&in);
    assert_int_equal(w->port, 587);
    qt_wizard_free(w);
    ctx = saved;
}

static void implicit_tls_from_servers_and_ports(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    qt_wizard *w;
    qt_ctx saved = ctx;
    char err[128];

    /* the Servers pane saw a TLS-on-connect front end on 24465 */
    defaults(&in, "joe@example.com");
    snprintf(in.target, sizeof in.target, "127.0.0.1:24465");
    in.ntlsports = 1;
    in.tlsports[0] = (struct qt_wiz_tlsport){.port = 24465};
    snprintf(in.tlsports[0].front, sizeof in.tlsports[0].front, "socat");
    w = make_in(&in);
    assert_int_equal(w->tls, QT_TLS_IMPLICIT);
    assert_non_null(strstr(w->tls_why, "socat on port 24465 does TLS on connect"));
    assert_null(qt_wizard_start(w, QT_WS_SMTP));          /* no password: only the command */
    assert_non_null(strstr(w->res[QT_WS_SMTP].command, ":24465 --tlsc --auth"));
    qt_wizard_free(w);

    /* --ports names it smtps */
    in.ntlsports = 0;
    assert_int_equal(qt_ctx_parse_ports(&ctx, "smtps=24465", err, sizeof err), 0);
    w = make_in(&in);
    assert_int_equal(w->tls, QT_TLS_IMPLICIT);
    qt_wizard_free(w);
    ctx = saved;

    /* nothing says so: STARTTLS when offered (auto) */
    w = make_in(&in);
    assert_int_equal(w->tls, QT_TLS_AUTO);
    /* after a session that saw no STARTTLS the command has no --tls, and the client is not told STARTTLS */
    w->smtp.ran = 1;
    w->smtp.outcome = QT_SMTP_AUTH_OK;
    w->smtp.have_ehlo1 = 1;
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_ACCEPTED;
    qt_wizard_diagnose(w);
    assert_non_null(strstr(w->res[QT_WS_DIAG].fix, "this server offers no STARTTLS"));
    qt_wizard_free(w);
}

static void root_prefix_not_in_commands(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    qt_wizard *w;
    char prefixed[200];

    defaults(&in, "joe@example.com");
    w = make_in(&in);
    account(w);
    assert_null(qt_wizard_start(w, QT_WS_VCHKPW));   /* no password: only the command */
    snprintf(prefixed, sizeof prefixed, "%s/home", root);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].command, " /home/vpopmail/bin/vchkpw "));
    assert_null(strstr(w->res[QT_WS_VCHKPW].command, prefixed));
    assert_non_null(strstr(w->res[QT_WS_ACCOUNT].command, "/home/vpopmail/bin/vuserinfo"));
    assert_null(strstr(w->res[QT_WS_ACCOUNT].command, prefixed));
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_ACCEPTED;
    w->smtp.ran = 1;
    w->smtp.outcome = QT_SMTP_AUTH_FAILED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "smtpd-checkpassword");
    assert_non_null(strstr(w->res[QT_WS_DIAG].fix, "qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true"));
    qt_wizard_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_domain_is_not_unknown_user),
        cmocka_unit_test(tcplocalport_as_the_service_sets_it),
        cmocka_unit_test(implicit_tls_from_servers_and_ports),
        cmocka_unit_test(root_prefix_not_in_commands),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

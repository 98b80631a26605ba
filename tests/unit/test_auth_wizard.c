/* Unit tests: the wizard engine without a terminal or network: inputs,
 * steps that finish at once, a step job run and one aborted, the diagnosis
 * for every named cause, the FCrDNS judgement and the DNS server syntax. */
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

static qt_ctx ctx;

static qt_wizard *make(const char *account, const char *vchkpw)
{
    struct qt_wiz_inputs in;
    char err[256];
    qt_wizard *w = qt_wizard_new(&ctx);
    qt_wizard_defaults(&ctx, NULL, &in);
    snprintf(in.account, sizeof in.account, "%s", account);
    snprintf(in.vchkpw, sizeof in.vchkpw, "%s", vchkpw);
    in.timeout = 5;
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    return w;
}

static void inputs(void **st)
{
    (void)st;
    struct qt_wiz_inputs in;
    char err[256];
    qt_wizard *w = qt_wizard_new(&ctx);

    qt_wizard_defaults(&ctx, NULL, &in);
    assert_string_equal(in.target, "127.0.0.1:587");
    assert_string_equal(in.service, "submission");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);   /* no account */
    assert_non_null(strstr(err, "account"));
    snprintf(in.account, sizeof in.account, "joe@example.com");
    snprintf(in.service, sizeof in.service, "gopher");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);
    assert_non_null(strstr(err, "service"));
    snprintf(in.service, sizeof in.service, "smtps");
    snprintf(in.mech, sizeof in.mech, "NTLM");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);
    snprintf(in.mech, sizeof in.mech, "login");
    snprintf(in.target, sizeof in.target, "mail.example.com:465");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);
    assert_non_null(strstr(err, "target"));
    snprintf(in.target, sizeof in.target, "127.0.0.1:465");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    assert_int_equal(w->tls, QT_TLS_IMPLICIT);   /* auto on 465 */
    assert_int_equal(w->port, 465);
    assert_int_equal(w->mech, QT_MECH_LOGIN);
    assert_string_equal(w->user, "joe");
    assert_string_equal(w->domain, "example.com");
    snprintf(in.public_ip, sizeof in.public_ip, "not-an-ip");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);
    assert_non_null(strstr(err, "public address"));
    snprintf(in.public_ip, sizeof in.public_ip, "2001:db8::25");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    snprintf(in.account, sizeof in.account, "joe smith");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), -1);
    qt_wizard_free(w);
}

static void immediate_steps(void **st)
{
    (void)st;
    qt_wizard *w = make("tim@example.com", "/nonexistent/bin/vchkpw");
    char *s;

    /* no password: the password steps say so */
    assert_null(qt_wizard_start(w, QT_WS_STRINGS));
    assert_int_equal(w->res[QT_WS_STRINGS].verdict, QT_V_SKIPPED);
    assert_int_equal(qt_wizard_set_password(w, "tanstaaftanstaaf", 16), 0);
    assert_null(qt_wizard_start(w, QT_WS_STRINGS));
    assert_int_equal(w->res[QT_WS_STRINGS].verdict, QT_V_OK);
    assert_null(strstr(w->res[QT_WS_STRINGS].detail, "tanstaaf"));
    s = qt_wizard_auth_strings(w, 0);
    assert_non_null(strstr(s, "AUTH PLAIN ********"));
    assert_null(strstr(s, "dGFuc3RhYWZ0YW5zdGFhZg=="));
    free(s);
    s = qt_wizard_auth_strings(w, 1);
    /* base64("\0tim@example.com\0tanstaaftanstaaf") and base64(password) */
    assert_non_null(strstr(s, "AHRpbUBleGFtcGxlLmNvbQB0YW5zdGFhZnRhbnN0YWFm"));
    assert_non_null(strstr(s, "dGFuc3RhYWZ0YW5zdGFhZg=="));
    qt_secret_wipe(s, strlen(s));
    free(s);
    /* vchkpw missing: FAIL at once, no job */
    assert_null(qt_wizard_start(w, QT_WS_VCHKPW));
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_FAIL);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].command, "'<password>'"));
    /* no DNS server: nothing looked up */
    assert_null(qt_wizard_start(w, QT_WS_DNS));
    assert_true(w->res[QT_WS_DNS].verdict == QT_V_SKIPPED || w->res[QT_WS_DNS].verdict == QT_V_FAIL);
    /* a non-ASCII password warns about encodings */
    assert_int_equal(qt_wizard_set_password(w, "p\xc3\xa4ss", 5), 0);
    assert_null(qt_wizard_start(w, QT_WS_STRINGS));
    assert_int_equal(w->res[QT_WS_STRINGS].verdict, QT_V_WARN);
    qt_wizard_free(w);
}

/* A fake vchkpw: a shell script in a temp dir. */
static char *script(const char *body)
{
    char dir[] = "/tmp/qt-wiz-XXXXXX";
    char *path;
    FILE *f;
    assert_non_null(mkdtemp(dir));
    path = qt_asprintf("%s/vchkpw", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(path, 0755);
    return path;
}

static void unscript(char *path)
{
    char *cmd = qt_asprintf("rm -rf \"$(dirname '%s')\"", path);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(path);
}

static void job_steps(void **st)
{
    (void)st;
    char *v = script("cat <&3 >/dev/null; exit 3");
    qt_wizard *w = make("tim@example.com", v);
    qt_job *j;

    assert_int_equal(qt_wizard_set_password(w, "tanstaaftanstaaf", 16), 0);
    j = qt_wizard_start(w, QT_WS_VCHKPW);
    assert_non_null(j);
    assert_int_equal(w->running, QT_WS_VCHKPW);
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_RUNNING);
    assert_null(qt_wizard_start(w, QT_WS_SMTP));  /* one step at a time */
    assert_int_equal(qt_job_run(j, 2.0), 0);
    j->ops->free(j);
    assert_int_equal(w->running, -1);
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_FAIL);
    assert_int_equal(w->vck.kind, QT_VCK_REJECTED);
    assert_null(qt_wizard_start(w, QT_WS_DIAG));
    assert_string_equal(w->cause, "bad-password");
    qt_wizard_free(w);
    unscript(v);

    /* abort: the job is cancelled, the child killed, the step says so */
    v = script("sleep 30");
    w = make("tim@example.com", v);
    assert_int_equal(qt_wizard_set_password(w, "x", 1), 0);
    j = qt_wizard_start(w, QT_WS_VCHKPW);
    assert_non_null(j);
    j->ops->cancel(j);
    j->ops->free(j);
    assert_int_equal(w->running, -1);
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_SKIPPED);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].result, "aborted"));
    qt_wizard_free(w);
    unscript(v);
}

struct dcase {
    const char *account;
    int acct;                     /* -1, 0, 1 */
    int vck;                      /* -1 = not run, else enum qt_vchkpw_kind */
    int smtp;                     /* -1 = not run, else enum qt_smtp_outcome */
    unsigned wanted;
    const char *cause;
    enum qt_verdict v;
};

static void diagnosis(void **st)
{
    (void)st;
    static const struct dcase cases[] = {
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_AUTH_OK, 0, "client-password", QT_V_OK},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_AUTH_FAILED, 0, "smtpd-checkpassword", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_REJECTED, QT_SMTP_AUTH_FAILED, 0, "bad-password", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_REJECTED, QT_SMTP_TIMEOUT, 0, "bad-password", QT_V_FAIL},
        {"joe@example.com", 0, QT_VCK_REJECTED, QT_SMTP_AUTH_FAILED, 0, "unknown-user", QT_V_FAIL},
        {"joe", -1, QT_VCK_REJECTED, QT_SMTP_AUTH_FAILED, 0, "no-domain", QT_V_FAIL},
        {"joe", -1, -1, QT_SMTP_AUTH_FAILED, 0, "no-domain", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_BACKEND, QT_SMTP_AUTH_FAILED, 0, "backend-down", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_DENIED, QT_SMTP_AUTH_FAILED, 0, "service-closed", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_MECH_MISMATCH, QT_MECH_CRAM_MD5, "mech-mismatch-cram",
         QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_MECH_MISMATCH, QT_MECH_PLAIN, "mech-mismatch-plain",
         QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_TLS_FAILED, 0, "tls-failed", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_NO_STARTTLS, 0, "tls-failed", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_NO_AUTH, 0, "no-auth", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_TIMEOUT, 0, "smtp-broken", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_PROTOCOL, 0, "smtp-broken", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, QT_SMTP_AUTH_TEMPFAIL, 0, "checkpassword-crash", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_REJECTED, QT_SMTP_AUTH_OK, 0, "vchkpw-differs", QT_V_WARN},
        {"joe@example.com", 1, QT_VCK_NOT_RUN, -1, 0, "vchkpw-broken", QT_V_FAIL},
        {"joe@example.com", 1, QT_VCK_ACCEPTED, -1, 0, "vchkpw-ok", QT_V_OK},
        {"joe@example.com", -1, -1, QT_SMTP_AUTH_FAILED, 0, "auth-failed", QT_V_FAIL},
        {"joe@example.com", -1, -1, -1, 0, "incomplete", QT_V_SKIPPED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct dcase *c = &cases[i];
        qt_wizard *w = make(c->account, "/v");
        w->acct_state = c->acct;
        if (c->vck >= 0) {
            w->vck_ran = 1;
            w->vck.kind = (enum qt_vchkpw_kind)c->vck;
        }
        if (c->smtp >= 0) {
            w->smtp.ran = 1;
            w->smtp.outcome = (enum qt_smtp_outcome)c->smtp;
            w->smtp.mech_wanted = c->wanted;
            w->smtp.last_code = c->smtp == QT_SMTP_AUTH_FAILED ? 535 : 0;
        }
        qt_wizard_diagnose(w);
        if (strcmp(w->cause, c->cause) != 0 || w->res[QT_WS_DIAG].verdict != c->v)
            fail_msg("case %zu: want %s/%s, got %s/%s", i, c->cause, qt_verdict_name(c->v), w->cause,
                     qt_verdict_name(w->res[QT_WS_DIAG].verdict));
        assert_non_null(w->res[QT_WS_DIAG].result);
        qt_wizard_free(w);
    }
}

static void related_finding_cited(void **st)
{
    (void)st;
    qt_findings fs = {0};
    qt_wizard *w = make("joe@example.com", "/v");
    qt_findings_add(&fs, QT_SEV_CRIT, "servers", "servers.checkpassword-args:smtp",
                    "qmail-smtpd has no checkpassword arguments");
    qt_findings_add(&fs, QT_SEV_WARN, "ports", "ports.x", "unrelated");
    qt_wizard_set_related(w, &fs);
    assert_non_null(strstr(w->related, "no checkpassword arguments"));
    assert_null(strstr(w->related, "unrelated"));
    w->vck_ran = 1;
    w->vck.kind = QT_VCK_ACCEPTED;
    w->smtp.ran = 1;
    w->smtp.outcome = QT_SMTP_AUTH_FAILED;
    qt_wizard_diagnose(w);
    assert_string_equal(w->cause, "smtpd-checkpassword");
    assert_non_null(strstr(w->res[QT_WS_DIAG].explain, "Servers pane: [CRIT]"));
    qt_findings_free(&fs);
    qt_wizard_free(w);
}

static void facts(struct qt_dns_facts *f, const char *helo, const char *ip)
{
    memset(f, 0, sizeof *f);
    snprintf(f->helo, sizeof f->helo, "%s", helo);
    snprintf(f->ip, sizeof f->ip, "%s", ip);
    f->helo_a.st = f->helo_aaaa.st = QT_DNS_NXDOMAIN;
    f->ptr_st = QT_DNS_NXDOMAIN;
}

static void addr(struct qt_dns_addrs *a, const char *ip)
{
    a->st = QT_DNS_OK;
    snprintf(a->addr[a->n++], sizeof a->addr[0], "%s", ip);
}

static void ptr(struct qt_dns_facts *f, const char *name)
{
    f->ptr_st = QT_DNS_OK;
    snprintf(f->ptr[f->nptr++], sizeof f->ptr[0], "%s", name);
}

static void fcrdns(void **st)
{
    (void)st;
    struct qt_dns_facts f;
    struct qt_fcrdns_verdict v;

    facts(&f, "mail.example.com", "192.0.2.10");
    addr(&f.helo_a, "192.0.2.10");
    ptr(&f, "mail.example.com.");
    addr(&f.ptr_a[0], "192.0.2.10");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_PASS);
    assert_true(v.helo_is_ptr && v.helo_has_ip);

    facts(&f, "MAIL.example.com", "2001:db8::1");   /* IPv6, case and zero compression */
    ptr(&f, "mail.example.com");
    addr(&f.ptr_aaaa[0], "2001:db8:0::1");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_PASS);
    assert_true(v.helo_is_ptr);

    facts(&f, "mail.example.com", "192.0.2.15");
    ptr(&f, "other.example.com");
    addr(&f.ptr_a[0], "192.0.2.15");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_PASS);
    assert_false(v.helo_is_ptr);

    facts(&f, "ptronly.example.com", "192.0.2.11");
    ptr(&f, "ptronly.example.com");
    f.ptr_a[0].st = QT_DNS_NXDOMAIN;
    f.ptr_aaaa[0].st = QT_DNS_NXDOMAIN;
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_PTR_ONLY);

    facts(&f, "aonly.example.com", "192.0.2.12");
    addr(&f.helo_a, "192.0.2.12");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_A_ONLY);

    facts(&f, "mis.example.com", "192.0.2.13");
    ptr(&f, "mis.example.com");
    addr(&f.ptr_a[0], "192.0.2.99");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_MISMATCH);
    assert_non_null(strstr(v.summary, "192.0.2.99"));

    facts(&f, "nx.example.com", "192.0.2.14");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_NXDOMAIN);

    facts(&f, "elsewhere.example.com", "192.0.2.16");
    addr(&f.helo_a, "198.51.100.1");
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_NO_PTR);

    facts(&f, "mail.example.com", "192.0.2.10");
    f.ptr_st = QT_DNS_TIMEOUT;
    f.helo_a.st = QT_DNS_TIMEOUT;
    qt_fcrdns_judge(&f, &v);
    assert_int_equal(v.kind, QT_FCRDNS_DNS_DOWN);
}

static void dns_server_syntax(void **st)
{
    (void)st;
    char csv[80], err[160];
    assert_int_equal(qt_dns_server_csv("127.0.0.1:5353", csv, sizeof csv, err, sizeof err), 0);
    assert_string_equal(csv, "127.0.0.1:5353");
    assert_int_equal(qt_dns_server_csv("127.0.0.1", csv, sizeof csv, err, sizeof err), 0);
    assert_string_equal(csv, "127.0.0.1:53");
    assert_int_equal(qt_dns_server_csv("[::1]:5353", csv, sizeof csv, err, sizeof err), 0);
    assert_string_equal(csv, "[::1]:5353");
    assert_int_equal(qt_dns_server_csv("0:0::1", csv, sizeof csv, err, sizeof err), 0);
    assert_string_equal(csv, "[::1]:53");
    assert_int_equal(qt_dns_server_csv("ns.example.com", csv, sizeof csv, err, sizeof err), -1);
    assert_int_equal(qt_dns_server_csv("127.0.0.1:0", csv, sizeof csv, err, sizeof err), -1);
    assert_int_equal(qt_dns_server_csv("", csv, sizeof csv, err, sizeof err), -1);
    assert_int_equal(qt_dns_server_csv(NULL, csv, sizeof csv, err, sizeof err), -1);
    /* a job is never created for a bad server: nothing is sent */
    assert_null(qt_dns_job_new("resolver", "mail.example.com", "192.0.2.1", 1, err, sizeof err));
}

/* Issue 12: a detected vchkpw in a directory another user owns is refused
 * (not run, the reason in the step); the same path named by the admin
 * runs; --read-only refuses vchkpw; vchkpw runs with the service's ids. */
static void run_vchkpw(qt_wizard *w)
{
    qt_job *j;
    assert_int_equal(qt_wizard_set_password(w, "tanstaaftanstaaf", 16), 0);
    j = qt_wizard_start(w, QT_WS_VCHKPW);
    if (j) {
        assert_int_equal(qt_job_run(j, 2.0), 0);
        j->ops->free(j);
    }
}

static void trust_and_ids(void **st)
{
    (void)st;
    char *v, *d, *marker, *cmd;
    qt_wizard *w;
    struct qt_wiz_inputs in;
    char err[256];

    if (geteuid() != 0)
        skip();
    /* a script run through its descriptor sees $0 = /dev/fd/N: the marker path is spelled out */
    marker = qt_asprintf("/tmp/qt-wiz-ran-%d", (int)getpid());
    unlink(marker);
    cmd = qt_asprintf("touch %s; cat <&3 >/dev/null; id -u; id -g; exit 3", marker);
    v = script(cmd);
    free(cmd);
    d = qt_asprintf("%s", v);
    *strrchr(d, '/') = '\0';
    assert_int_equal(chmod(d, 0755), 0);
    assert_int_equal(chown(d, 65534, 65534), 0);   /* the directory belongs to nobody */

    w = make("tim@example.com", v);                 /* detected (the defaults' origin) */
    run_vchkpw(w);
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_FAIL);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].result, "refused to run"));
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].result, "is owned by uid 65534"));
    assert_int_equal(access(marker, F_OK), -1);
    qt_wizard_free(w);

    /* named by the admin, with the service's ids */
    w = qt_wizard_new(&ctx);
    qt_wizard_defaults(&ctx, NULL, &in);
    snprintf(in.account, sizeof in.account, "tim@example.com");
    snprintf(in.vchkpw, sizeof in.vchkpw, "%s", v);
    in.vchkpw_origin = QT_ORIGIN_EXPLICIT;
    in.nrunas = 1;
    in.runas[0] = (struct qt_wiz_runas){.port = 587, .uid = 4242, .gid = 4343};
    snprintf(in.runas[0].source, sizeof in.runas[0].source, "tcpserver -u -g on port 587");
    assert_int_equal(qt_wizard_set_inputs(w, &in, err, sizeof err), 0);
    assert_int_equal(chown(d, 0, 0), 0);
    run_vchkpw(w);
    if (w->vck.code != 3)
        fail_msg("result %s\ndetail %s", w->res[QT_WS_VCHKPW].result, w->res[QT_WS_VCHKPW].detail);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].result, "(as uid 4242 gid 4343)"));
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].detail, "stdout:\n  4242\n  4343"));
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].command, "setpriv --reuid=4242 --regid=4343"));
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].explain, "tcpserver -u -g on port 587"));
    assert_int_equal(access(marker, F_OK), 0);
    qt_wizard_free(w);

    /* --read-only: not run at all */
    unlink(marker);
    ctx.read_only = 1;
    w = make("tim@example.com", v);
    run_vchkpw(w);
    ctx.read_only = 0;
    assert_int_equal(w->res[QT_WS_VCHKPW].verdict, QT_V_SKIPPED);
    assert_non_null(strstr(w->res[QT_WS_VCHKPW].result, "--read-only"));
    assert_int_equal(access(marker, F_OK), -1);
    qt_wizard_free(w);

    unlink(marker);
    free(marker);
    free(d);
    unscript(v);
}

/* The console wizard's default target follows --ports: a submission entry
 * first, then smtps; without either the defaults' 127.0.0.1:587 stays. */
static void default_target(void **st)
{
    qt_ctx c = ctx;
    struct qt_wiz_inputs in;
    char err[256];
    (void)st;

    assert_int_equal(qt_ctx_parse_ports(&c, "smtps=24465,submission=10587,imaps=993", err, sizeof err), 0);
    qt_wizard_defaults(&c, NULL, &in);
    qt_wizard_target_from_ports(&c, &in);
    assert_string_equal(in.target, "127.0.0.1:10587");
    assert_string_equal(in.service, "submission");
    assert_int_equal(qt_ctx_parse_ports(&c, "imaps=993,smtps=24465", err, sizeof err), 0);
    qt_wizard_defaults(&c, NULL, &in);
    qt_wizard_target_from_ports(&c, &in);
    assert_string_equal(in.target, "127.0.0.1:24465");
    assert_string_equal(in.service, "smtps");
    assert_int_equal(qt_ctx_parse_ports(&c, "imaps=993", err, sizeof err), 0);
    qt_wizard_defaults(&c, NULL, &in);
    qt_wizard_target_from_ports(&c, &in);
    assert_string_equal(in.target, "127.0.0.1:587");
    assert_string_equal(in.service, "submission");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inputs), cmocka_unit_test(default_target), cmocka_unit_test(immediate_steps), cmocka_unit_test(job_steps),
        cmocka_unit_test(diagnosis), cmocka_unit_test(related_finding_cited), cmocka_unit_test(fcrdns),
        cmocka_unit_test(dns_server_syntax), cmocka_unit_test(trust_and_ids),
    };
    qt_ctx_defaults(&ctx);
    ctx.root = "/nonexistent-qtriage-root";
    return cmocka_run_group_tests(tests, NULL, NULL);
}

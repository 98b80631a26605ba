/* Unit tests: the certificate a TLS front end really serves vs control/me
 * and helohost (issue 17): where each front end takes its certificate file
 * (sslserver's CERTFILE, the SSL patch's -n, stunnel's cert =;
 * docs/domain/ucspi.md), the config check on certificates generated here
 * with openssl req, and the probe's live certificate joining the same
 * finding (diag/probe/probe_check.c). */
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

#include "diag/core/finding.h"
#include "diag/auth/auth_dns.h"
#include "diag/config/config.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/probe/probe_run.h"
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"

static char root[256];

static void put(const char *rel, const char *text)
{
    char cmd[1200], p[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s/%s')\"", root, rel);
    assert_int_equal(system(cmd), 0);
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A self-signed certificate and its key in rel, naming san (a SAN list). */
static void cert(const char *rel, const char *cn, const char *san)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "mkdir -p \"$(dirname '%s/%s')\" && cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout k.pem "
             "-out c.pem -days 30 -subj '/CN=%s' -addext 'subjectAltName=%s' >/dev/null 2>&1 && cat c.pem k.pem > '%s' "
             "&& rm -f c.pem k.pem",
             root, rel, root, cn, san, rel);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **st)
{
    (void)st;
    snprintf(root, sizeof root, "/tmp/qt-served-XXXXXX");
    assert_non_null(mkdtemp(root));
    put("var/qmail/control/me", "mail.example.com\n");
    put("var/qmail/control/rcpthosts", "mail.example.com\n");
    put("var/qmail/alias/.qmail-postmaster", "&admin@example.com\n");
    put("var/qmail/alias/.qmail-mailer-daemon", "&postmaster\n");
    put("var/qmail/alias/.qmail-root", "&postmaster\n");
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static qt_ctx ctx_of(void)
{
    qt_ctx c;
    qt_ctx_defaults(&c);
    c.root = root;
    return c;
}

/* The front end of a pasted command line, with its certificate file. */
static void front_end(qt_servers *s, enum qt_variant v, const char *const *argv)
{
    qt_ctx c = ctx_of();
    int argc = 0;
    while (argv[argc])
        argc++;
    assert_int_equal(qt_servers_explain(&c, argc, (char *const *)argv, v, s), 0);
    s->v[0].pid = 0;
    qt_servers_certfile(&c, &s->v[0]);
}

static void certfile_sources(void **st)
{
    (void)st;
    qt_servers s;
    static const char *const ssl[] = {"env", "CERTFILE=/etc/ssl/mail.pem", "sslserver", "-T", "30", "0", "465",
                                      "/var/qmail/bin/qmail-smtpd", NULL};
    front_end(&s, QT_VAR_SSLSERVER, ssl);
    assert_string_equal(s.v[0].certfile, "/etc/ssl/mail.pem");
    assert_string_equal(s.v[0].cert_from, "CERTFILE");
    qt_servers_free(&s);

    static const char *const patch[] = {"tcpserver", "-s", "-n", "/var/qmail/control/smtps.pem", "0", "465",
                                        "/var/qmail/bin/qmail-smtpd", NULL};
    front_end(&s, QT_VAR_SSL_PATCH, patch);
    assert_string_equal(s.v[0].certfile, "/var/qmail/control/smtps.pem");
    assert_string_equal(s.v[0].cert_from, "-n");
    qt_servers_free(&s);

    /* without -s the SSL patch speaks no TLS: no certificate */
    static const char *const plain[] = {"tcpserver", "-n", "/x.pem", "0", "25", "/var/qmail/bin/qmail-smtpd", NULL};
    front_end(&s, QT_VAR_SSL_PATCH, plain);
    assert_string_equal(s.v[0].certfile, "");
    qt_servers_free(&s);

    put("etc/stunnel/smtps.conf", "; comment\nforeground = yes\n[smtps]\n  cert = /etc/ssl/stunnel.pem \n"
                                  "exec = /var/qmail/bin/qmail-smtpd\n");
    static const char *const stun[] = {"tcpserver", "0", "465", "/usr/bin/stunnel4", "/etc/stunnel/smtps.conf", NULL};
    front_end(&s, QT_VAR_UNKNOWN, stun);
    assert_string_equal(s.v[0].certfile, "/etc/ssl/stunnel.pem");
    assert_string_equal(s.v[0].cert_from, "stunnel cert =");
    qt_servers_free(&s);
}

static void audit(qt_snapshot *snap, qt_config *cfg, qt_servers *s)
{
    qt_ctx c = ctx_of();
    memset(snap, 0, sizeof *snap);
    memset(cfg, 0, sizeof *cfg);
    qt_config_read(&c, cfg);
    qt_config_read_served(&c, cfg, s);
    snap->config = cfg;
    snap->servers = s;
    qt_config_check(&c, cfg, snap, &snap->findings);
}

static void served_vs_me(void **st)
{
    (void)st;
    qt_servers s;
    qt_snapshot snap;
    qt_config cfg;
    const qt_finding *f;
    static const char *const ssl[] = {"env", "CERTFILE=/etc/ssl/mail.pem", "sslserver", "0", "465",
                                      "/var/qmail/bin/qmail-smtpd", NULL};
    front_end(&s, QT_VAR_SSLSERVER, ssl);
    snprintf(s.v[0].name, sizeof s.v[0].name, "qmail-smtpsd");

    cert("etc/ssl/mail.pem", "other.example.org", "DNS:other.example.org");
    audit(&snap, &cfg, &s);
    assert_int_equal(cfg.nserved, 1);
    assert_null(qt_config_find(&cfg, QT_CFG_CONTROL, "servercert.pem")->text);
    f = qt_findings_find(&snap.findings, "config.served-cert-name:qmail-smtpsd");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->subject, "/etc/ssl/mail.pem");
    assert_non_null(strstr(f->evidence, "qmail-smtpsd (port 465) serves /etc/ssl/mail.pem (CERTFILE)"));
    assert_non_null(strstr(f->evidence, "certificate names: other.example.org"));
    assert_non_null(strstr(f->evidence, "control/me: mail.example.com (NOT named)"));
    for (size_t i = 0; i < snap.findings.n; i++)   /* no byte of the key */
        assert_null(strstr(snap.findings.v[i].evidence, "PRIVATE KEY"));

    /* the probe's live certificate joins the same finding */
    struct qt_probe_svc ps = {0};
    struct qt_probe_set set = {&ps, 1};
    snprintf(ps.service, sizeof ps.service, "smtps");
    snprintf(ps.server, sizeof ps.server, "qmail-smtpsd");
    snprintf(ps.t.host, sizeof ps.t.host, "127.0.0.1");
    snprintf(ps.t.verify_name, sizeof ps.t.verify_name, "mail.example.com");
    ps.port = 465;
    ps.probe = 1;
    ps.done = QT_PS_HANDSHAKE;
    ps.hs.status = QT_PR_OK;
    ps.hs.has_cert = 1;
    ps.hs.days_left = 29;
    ps.hs.name_match = 0;
    snprintf(ps.hs.subject, sizeof ps.hs.subject, "CN=other.example.org");
    snprintf(ps.hs.san, sizeof ps.hs.san, "DNS:other.example.org");
    qt_probe_report(&set, &snap);
    f = qt_findings_find(&snap.findings, "config.served-cert-name:qmail-smtpsd");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "probe: the handshake on 127.0.0.1:465 served subject CN=other.example.org"));
    assert_non_null(strstr(f->evidence, "probe: control/me mail.example.com NOT named by the certificate served"));
    assert_null(qt_findings_find(&snap.findings, "probe.cert-name:smtps"));   /* one finding, not two */
    qt_findings_free(&snap.findings);
    qt_metrics_free(&snap.metrics);   /* the probe's cert_days and tls_handshake_ms */
    qt_config_free(&cfg);

    /* the right certificate: a wildcard for one label names me */
    cert("etc/ssl/mail.pem", "example.com", "DNS:*.example.com,DNS:example.com");
    audit(&snap, &cfg, &s);
    assert_string_equal(cfg.served[0].names, "*.example.com example.com");
    assert_null(qt_findings_find(&snap.findings, "config.served-cert-name:qmail-smtpsd"));
    qt_findings_free(&snap.findings);
    qt_config_free(&cfg);

    /* me named, helohost not: INFO */
    put("var/qmail/control/helohost", "out.example.net\n");
    audit(&snap, &cfg, &s);
    f = qt_findings_find(&snap.findings, "config.served-cert-name:qmail-smtpsd");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_non_null(strstr(f->evidence, "helohost: out.example.net (control/helohost, NOT named)"));
    qt_findings_free(&snap.findings);
    qt_config_free(&cfg);
    char p[600];
    snprintf(p, sizeof p, "%s/var/qmail/control/helohost", root);
    unlink(p);

    /* a file not under --root (another tree keeps it): no finding */
    snprintf(p, sizeof p, "%s/etc/ssl/mail.pem", root);
    unlink(p);
    audit(&snap, &cfg, &s);
    assert_string_equal(cfg.served[0].error, "cannot be read under the root");
    assert_null(qt_findings_find(&snap.findings, "config.served-cert-name:qmail-smtpsd"));
    /* the collector reads again when a front end serves another file */
    assert_int_equal(qt_config_served_same(&cfg, &s), 1);
    snprintf(s.v[0].certfile, sizeof s.v[0].certfile, "/etc/ssl/new.pem");
    assert_int_equal(qt_config_served_same(&cfg, &s), 0);
    qt_findings_free(&snap.findings);
    qt_config_free(&cfg);
    qt_servers_free(&s);
}

/* The wizard's lookup facts: helohost's A, the public IP's PTR and the A of
 * that name (diag/auth/auth_dns.h), judged by the wizard's qt_fcrdns_judge. */
static void facts_of(struct qt_dns_facts *f, const char *helo, const char *helo_ip, const char *ptr,
                     const char *ptr_ip)
{
    memset(f, 0, sizeof *f);
    snprintf(f->server, sizeof f->server, "127.0.0.1:5353");
    snprintf(f->helo, sizeof f->helo, "%s", helo);
    snprintf(f->ip, sizeof f->ip, "203.0.113.5");
    f->helo_a.st = QT_DNS_OK;
    f->helo_a.n = 1;
    snprintf(f->helo_a.addr[0], sizeof f->helo_a.addr[0], "%s", helo_ip);
    f->helo_aaaa.st = QT_DNS_NODATA;
    f->ptr_st = QT_DNS_OK;
    f->nptr = 1;
    snprintf(f->ptr[0], sizeof f->ptr[0], "%s", ptr);
    f->ptr_a[0].st = QT_DNS_OK;
    f->ptr_a[0].n = 1;
    snprintf(f->ptr_a[0].addr[0], sizeof f->ptr_a[0].addr[0], "%s", ptr_ip);
    f->ptr_aaaa[0].st = QT_DNS_NODATA;
}

static void ptr_vs_helohost(void **st)
{
    (void)st;
    qt_ctx c = ctx_of();
    qt_config cfg = {0};
    qt_findings fs = {0};
    struct qt_dns_facts f;
    const qt_finding *x;
    qt_config_read(&c, &cfg);
    /* the PTR names another host: a finding of its own */
    facts_of(&f, "mail.example.com", "203.0.113.5", "host-5.isp.example", "203.0.113.5");
    qt_config_dns_facts(&cfg, &f, &fs);
    x = qt_findings_find(&fs, "config.ptr-name");
    assert_non_null(x);
    assert_int_equal(x->sev, QT_SEV_WARN);
    assert_non_null(strstr(x->evidence, "dns (127.0.0.1:5353): PTR of 203.0.113.5: FCrDNS"));
    assert_non_null(strstr(x->fix, "echo host-5.isp.example > /var/qmail/control/helohost"));
    qt_findings_free(&fs);
    /* PTR = helohost, and it resolves back: nothing to say */
    facts_of(&f, "mail.example.com", "203.0.113.5", "mail.example.com", "203.0.113.5");
    qt_config_dns_facts(&cfg, &f, &fs);
    assert_int_equal(fs.n, 0);
    qt_findings_free(&fs);
    /* a name finding exists (helohost differs from me): the PTR joins it */
    qt_finding *hd = qt_findings_add(&fs, QT_SEV_WARN, "config", "config.helohost-differs", "helohost differs from me");
    qt_finding_evidence(hd, "line 1: out.example.net");
    facts_of(&f, "mail.example.com", "203.0.113.5", "host-5.isp.example", "203.0.113.5");
    qt_config_dns_facts(&cfg, &f, &fs);
    assert_null(qt_findings_find(&fs, "config.ptr-name"));
    x = qt_findings_find(&fs, "config.helohost-differs");
    assert_non_null(strstr(x->evidence, "dns (127.0.0.1:5353): PTR of 203.0.113.5"));
    qt_findings_free(&fs);
    qt_config_free(&cfg);
}

/* The console's schedule (qt_config_dns_next/_join): a lookup at
 * start, none while one is out or before QT_CONFIG_DNS_EVERY, one at once
 * when the helohost changes; a cancelled lookup keeps nothing, and the kept
 * facts join a sample only while they are about the helohost in use. The
 * server is a loopback port: the jobs are cancelled, never waited for. */
static void ptr_schedule(void **st)
{
    (void)st;
    qt_ctx c = ctx_of();
    qt_config cfg = {0};
    struct qt_config_dns_sched s = {0};
    qt_snapshot snap = {0};
    char p[300];
    qt_job *j;

    qt_config_read(&c, &cfg);
    assert_null(qt_config_dns_next(&s, &c, &cfg, 0));   /* no --dns-server/--public-ip: no lookup */
    c.dns_server = "127.0.0.1:9";
    c.public_ip = "203.0.113.5";
    j = qt_config_dns_next(&s, &c, &cfg, 100);
    assert_non_null(j);
    assert_string_equal(s.helo, "mail.example.com");
    assert_null(qt_config_dns_next(&s, &c, &cfg, 100 + 2 * QT_CONFIG_DNS_EVERY));   /* one at a time */
    j->ops->cancel(j);
    j->ops->free(j);
    assert_null(s.facts);                                 /* cancelled: nothing kept */
    assert_null(qt_config_dns_next(&s, &c, &cfg, 101));   /* not due yet */
    j = qt_config_dns_next(&s, &c, &cfg, 100 + QT_CONFIG_DNS_EVERY);
    assert_non_null(j);                                   /* due again after 10 minutes */
    j->ops->cancel(j);
    j->ops->free(j);

    /* nothing joins before a lookup finished: no "pending" finding */
    snap.config = &cfg;
    qt_config_dns_join(&s, &snap);
    assert_int_equal(snap.findings.n, 0);
    /* a finished lookup about the helohost in use joins as in --once */
    s.facts = qt_calloc(1, sizeof *s.facts);
    facts_of(s.facts, "mail.example.com", "203.0.113.5", "host-5.isp.example", "203.0.113.5");
    qt_config_dns_join(&s, &snap);
    assert_non_null(qt_findings_find(&snap.findings, "config.ptr-name"));
    qt_findings_free(&snap.findings);

    /* the helohost changes (r re-reads it): a new lookup at once, and the
     * old facts, about another name, join nothing meanwhile */
    put("var/qmail/control/helohost", "out.example.net\n");
    qt_config_free(&cfg);
    memset(&cfg, 0, sizeof cfg);
    qt_config_read(&c, &cfg);
    qt_config_dns_join(&s, &snap);
    assert_int_equal(snap.findings.n, 0);
    j = qt_config_dns_next(&s, &c, &cfg, 101 + QT_CONFIG_DNS_EVERY);
    assert_non_null(j);
    assert_string_equal(s.helo, "out.example.net");
    j->ops->cancel(j);
    j->ops->free(j);
    assert_string_equal(s.facts->helo, "mail.example.com");   /* cancelled: the last result stays */
    /* a lookup that runs to its end (nothing answers on port 9: at most its
     * 5 s deadline) replaces it */
    j = qt_config_dns_next(&s, &c, &cfg, 101 + 2 * QT_CONFIG_DNS_EVERY);
    assert_non_null(j);
    assert_int_equal(qt_job_run(j, 1.0), 0);
    j->ops->free(j);
    assert_string_equal(s.facts->helo, "out.example.net");
    assert_int_not_equal(s.facts->ptr_st, QT_DNS_PENDING);
    assert_int_equal(s.running, 0);

    snprintf(p, sizeof p, "%s/var/qmail/control/helohost", root);
    unlink(p);
    qt_config_dns_sched_free(&s);
    qt_findings_free(&snap.findings);
    qt_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(certfile_sources),
        cmocka_unit_test(served_vs_me),
        cmocka_unit_test(ptr_vs_helohost),
        cmocka_unit_test(ptr_schedule),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

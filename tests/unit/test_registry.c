/* Unit tests: the two registries. The collector registry (diag/collectors.c)
 * is the only source of the collectors' names and order; the program registry
 * (diag/core/programs.h) keeps every name that any collector's own list had,
 * with the role it had there (the old lists are copied below, verbatim, so
 * dropping a name or a role fails here), and its facts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "diag/core/programs.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/parse/argv.h"
#include "diag/parse/variants.h"
#include "diag/ports/stage.h"
#include "diag/procs/procs.h"
#include "diag/zombies/zombies.h"

/* --- collectors --- */

static void test_collectors_indexed_by_id(void **st)
{
    (void)st;
    assert_int_equal(qt_ncollectors, QT_SRC_COUNT);
    for (size_t i = 0; i < qt_ncollectors; i++) {
        assert_non_null(qt_collectors[i]);
        assert_int_equal(qt_collectors[i]->id, (int)i);
        assert_non_null(qt_collectors[i]->collect);
        assert_string_equal(qt_src_name((enum qt_src_id)i), qt_collectors[i]->name);
    }
}

/* The JSON report's "collectors" names and order (docs/report.schema.json,
 * --load of older reports): a rename or reorder must fail here. */
static void test_collector_names_stable(void **st)
{
    static const char *const want[] = {"procs", "sockets", "servers", "zombies", "queue", "config", "logs", "kernel", "firewall"};
    (void)st;
    assert_int_equal(QT_ARRAY_LEN(want), QT_SRC_COUNT);
    /* report/report_doc.c's qt_report_src_name()/_parse() are these two
     * (tests/unit/test_report.c checks them through the JSON) */
    for (int i = 0; i < QT_SRC_COUNT; i++) {
        assert_string_equal(qt_src_name((enum qt_src_id)i), want[i]);
        assert_int_equal(qt_src_parse(want[i]), i);
    }
    assert_string_equal(qt_src_name(QT_SRC_COUNT), "?");
    assert_string_equal(qt_src_name((enum qt_src_id)-1), "?");
    assert_int_equal(qt_src_parse("unknown"), -1);
    assert_int_equal(qt_src_parse("?"), -1);
    assert_int_equal(qt_src_parse("newer-collector"), -1);   /* a newer report's collector: --load skips it */
    assert_int_equal(qt_src_parse("PROCS"), -1);
    assert_int_equal(qt_src_parse(""), -1);
}

/* --- programs: lookup --- */

static void test_program_lookup(void **st)
{
    const struct qt_program *p;
    (void)st;
    assert_null(qt_program_find(NULL));
    assert_null(qt_program_find(""));
    assert_null(qt_program_find("nosuchprogram"));
    assert_null(qt_program_find("tcp"));          /* exact names are not prefixes */
    assert_null(qt_program_find("tcpserverX"));
    assert_null(qt_program_find("Supervise"));
    assert_int_equal(qt_program_roles(NULL), 0);
    assert_int_equal(qt_program_roles("bash"), 0);

    p = qt_program_find("tcpserver");
    assert_non_null(p);
    assert_string_equal(p->name, "tcpserver");
    assert_true(p->roles & QT_PROG_UCSPI);
    /* the longest prefix entry wins; roles are the union of every match */
    p = qt_program_find("qmail-smtpd.real");
    assert_non_null(p);
    assert_string_equal(p->name, "qmail-smtpd");
    assert_int_equal(qt_program_roles("qmail-smtpd.real"), QT_PROG_MAIL | QT_PROG_MAIL_CHAIN);
    p = qt_program_find("qmail-send");
    assert_non_null(p);
    assert_string_equal(p->name, "qmail-");
    assert_int_equal(qt_program_roles("qmail-send"), QT_PROG_MAIL_CHAIN);
    p = qt_program_find("stunnel4");
    assert_non_null(p);
    assert_string_equal(p->name, "stunnel");
    assert_true(qt_program_is("stunnel4", QT_PROG_TLS));
    assert_false(qt_program_is("stunnel4", QT_PROG_MAIL));
}

static void test_program_table_sane(void **st)
{
    size_t n;
    const struct qt_program *t = qt_programs(&n);
    (void)st;
    assert_true(n > 40);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(t[i].name);
        assert_true(t[i].name[0]);
        assert_true(t[i].roles != 0);
        assert_non_null(t[i].source);
        for (size_t j = i + 1; j < n; j++)
            assert_false(strcmp(t[i].name, t[j].name) == 0 && t[i].prefix == t[j].prefix);
        /* every front end says where its limit is, or that it is unknown */
        if (t[i].roles & (QT_PROG_UCSPI | QT_PROG_FRONTEND | QT_PROG_PROXY))
            assert_non_null(t[i].limit);
        /* a wrapper alias names a wrapper */
        if (t[i].same_as)
            assert_true(qt_program_is(t[i].same_as, QT_PROG_WRAPPER));
    }
}

/* --- programs: every name of the old lists, with its old role --- */

static const char *const old_supervisors[] = {"supervise", "runsv", "s6-supervise"};   /* zombies.c, servers.c */
static const char *const old_zombies_ucspi[] = {"tcpserver", "tcpserver-ssl", "sslserver"};
static const char *const old_zombies_mail[] = {
    "tcpserver", "tcpserver-ssl", "sslserver", "recordio", "fixcrio", "rblsmtpd", "spamdyke",
    "vchkpw", "vdelivermail", "simscan", "jgreylist", "qmail-smtpd", "qmail-send", "qmail-anything",
};
static const char *const old_stage_mail[] = {
    "qmail-smtpd", "qmail-popup", "qmail-pop3d", "qmail-qmtpd", "qmail-qmqpd", "imapd", "pop3d",
    "imapd-ssl", "pop3d-ssl", "rblsmtpd", "spamdyke", "vchkpw", "qmail-smtpd.real", "qmail-smtpd-tls",
};
static const char *const old_stage_tls[] = {
    "stunnel", "stunnel3", "stunnel4", "sslserver", "sslhandle", "s6-tlsd", "s6-tlsd-io", "s6-tlsserver",
    "couriertls", "sslio",
};
static const char *const old_stage_servers[] = {"tcpserver", "socat", "couriertcpd", "s6-tcpserver", "tcpsvd"};
static const char *const old_variant_names[] = {
    "tcpserver", "sslserver", "s6-tcpserver", "s6-tcpserver4", "s6-tcpserver6", "s6-tcpserverd",
    "s6-tcpserver4d", "s6-tcpserver6d", "s6-tlsserver",
};
static const char *const old_servers_stunnel[] = {"stunnel", "stunnel4", "stunnel-smtps"};  /* strncmp 7 */

#define EACH(list, body) for (size_t i_ = 0; i_ < QT_ARRAY_LEN(list); i_++) { const char *n = list[i_]; body; }

static void test_old_lists_kept(void **st)
{
    (void)st;
    EACH(old_supervisors, assert_true(qt_program_is(n, QT_PROG_SUPERVISOR)));
    EACH(old_zombies_ucspi, assert_true(qt_program_is(n, QT_PROG_UCSPI)));
    EACH(old_zombies_mail, assert_true(qt_zprog_is_mail(n)));
    EACH(old_stage_mail, assert_true(qt_stage_is_mail_name(n)));
    EACH(old_stage_tls, assert_true(qt_program_is(n, QT_PROG_TLS)));
    EACH(old_stage_servers, assert_true(qt_program_is(n, QT_PROG_LISTENER)));
    EACH(old_servers_stunnel, assert_true(qt_program_is(n, QT_PROG_TLS_RELAY)));
    EACH(old_variant_names, {
        enum qt_variant v[4];
        assert_true(qt_program_is(n, QT_PROG_FRONTEND));
        assert_true(qt_variant_candidates(n, v, 4) > 0);
    });
}

/* The differences between the old lists that were kept on purpose
 * (programs.c says why). */
static void test_kept_differences(void **st)
{
    static const char *const not_ucspi[] = {"s6-tcpserver", "s6-tcpserverd", "tcpsvd", "couriertcpd", "socat", "stunnel"};
    static const char *const not_stage_mail[] = {"tcpserver", "sslserver", "recordio", "fixcrio", "simscan",
                                                 "vdelivermail", "jgreylist", "qmail-send", "supervise"};
    static const char *const not_zombies_mail[] = {"imapd", "pop3d", "imapd-ssl", "pop3d-ssl", "supervise", "stunnel"};
    static const char *const not_tls[] = {"tcpserver", "tcpserver-ssl", "socat", "s6-tcpserver", "haproxy", "nginx",
                                          "sslh", "xinetd"};
    (void)st;
    EACH(not_ucspi, assert_false(qt_program_is(n, QT_PROG_UCSPI)));
    EACH(not_stage_mail, assert_false(qt_stage_is_mail_name(n)));
    EACH(not_zombies_mail, assert_false(qt_zprog_is_mail(n)));
    EACH(not_tls, assert_false(qt_program_is(n, QT_PROG_TLS)));
    assert_false(qt_program_is("sslserver", QT_PROG_TLS_RELAY));
    assert_false(qt_program_is("s6-tlsd", QT_PROG_TLS_RELAY));
    assert_false(qt_program_is("stunnel", QT_PROG_FRONTEND));
    assert_false(qt_program_is("supervise", QT_PROG_LISTENER | QT_PROG_TLS | QT_PROG_MAIL | QT_PROG_MAIL_CHAIN));
    /* every FRONTEND entry has an option table, and nothing else has one */
    {
        size_t n;
        const struct qt_program *t = qt_programs(&n);
        for (size_t i = 0; i < n; i++) {
            enum qt_variant v[4];
            int has = !t[i].prefix && qt_variant_candidates(t[i].name, v, 4) > 0;
            int front = (t[i].roles & QT_PROG_FRONTEND) != 0;
            /* tcpserver-ssl: a local rename, guessed by name in variants.c */
            if (strcmp(t[i].name, "tcpserver-ssl") != 0)
                assert_int_equal(has, front);
        }
        for (int k = 1; k < QT_VAR_COUNT; k++)
            assert_true(qt_program_is(qt_variant_get((enum qt_variant)k)->program, QT_PROG_FRONTEND));
    }
}

/* stage's TLS test reads argv for socat and tcpserver, the registry for the rest */
static void test_stage_tls(void **st)
{
    char *a_socat[] = {"socat", "OPENSSL-LISTEN:465,fork", "EXEC:qmail-smtpd", NULL};
    char *a_socat_plain[] = {"socat", "TCP-LISTEN:25,fork", "EXEC:qmail-smtpd", NULL};
    char *a_tcps[] = {"/usr/bin/tcpserver", "-s", "-c", "40", "0", "465", "qmail-smtpd", NULL};
    char *a_tcp[] = {"tcpserver", "-c", "40", "0", "25", "qmail-smtpd", NULL};
    char *a_stunnel[] = {"stunnel-smtps", "/etc/stunnel/smtps.conf", NULL};
    char *a_haproxy[] = {"haproxy", "-f", "/etc/haproxy/haproxy.cfg", NULL};
    struct qt_proc p = {0};
    (void)st;
#define SET(a) (p.argv = (a), p.argc = (int)(sizeof(a) / sizeof(a)[0]) - 1, snprintf(p.comm, sizeof p.comm, "%s", (a)[0]))
    SET(a_socat);
    assert_true(qt_stage_is_tls(&p));
    SET(a_socat_plain);
    assert_false(qt_stage_is_tls(&p));
    SET(a_tcps);
    assert_true(qt_stage_is_tls(&p));
    SET(a_tcp);
    assert_false(qt_stage_is_tls(&p));
    SET(a_stunnel);
    assert_true(qt_stage_is_tls(&p));   /* a stunnel by any stunnel* name (was: exact names only) */
    SET(a_haproxy);
    assert_false(qt_stage_is_tls(&p));  /* a proxy: no collector models it yet */
#undef SET
}

/* every wrapper name diag/parse/argv.c peeled, with the kind it had */
static void test_wrappers(void **st)
{
    static const struct { const char *n, *kind; } old[] = {
        {"exec", "exec"}, {"env", "env"}, {"softlimit", "softlimit"}, {"s6-softlimit", "softlimit"},
        {"envuidgid", "envuidgid"}, {"s6-envuidgid", "envuidgid"}, {"setuidgid", "setuidgid"},
        {"s6-setuidgid", "setuidgid"}, {"envdir", "envdir"}, {"s6-envdir", "envdir"}, {"argv0", "argv0"},
        {"nice", "nice"}, {"fghack", "fghack"}, {"pgrphack", "pgrphack"}, {"chpst", "chpst"},
        {"setlock", "setlock"},
    };
    (void)st;
    for (size_t i = 0; i < QT_ARRAY_LEN(old); i++) {
        const struct qt_program *p = qt_program_find(old[i].n);
        int found = 0;
        assert_non_null(p);
        assert_true(p->roles & QT_PROG_WRAPPER);
        assert_string_equal(p->same_as ? p->same_as : p->name, old[i].kind);
        /* argv.c turns it into the kind of that name (tests/unit/test_argv.c parses them) */
        for (int k = 0; k <= QT_WRAP_SETLOCK; k++)
            found += strcmp(qt_wrap_name((enum qt_wrap_kind)k), old[i].kind) == 0;
        assert_int_equal(found, 1);
    }
    assert_false(qt_program_is("tcpserver", QT_PROG_WRAPPER));
    assert_false(qt_program_is("timeout", QT_PROG_WRAPPER));
}

/* the facts the issue asks for, as documented (docs/domain/ucspi.md, man pages) */
static void test_program_facts(void **st)
{
    (void)st;
    assert_non_null(strstr(qt_program_find("tcpserver")->limit, "-c"));
    assert_non_null(strstr(qt_program_find("sslserver")->limit, "-c"));
    assert_non_null(strstr(qt_program_find("sslserver")->handshake, "-T"));
    assert_non_null(strstr(qt_program_find("tcpserver-ssl")->handshake, "nothing"));
    assert_non_null(strstr(qt_program_find("s6-tlsserver")->handshake, "-K"));
    assert_non_null(strstr(qt_program_find("s6-tlsd")->handshake, "-K"));
    assert_non_null(strstr(qt_program_find("stunnel4")->handshake, "TIMEOUTbusy"));
    assert_non_null(strstr(qt_program_find("socat")->limit, "max-children"));
    assert_non_null(strstr(qt_program_find("socat")->handshake, "nothing"));
    assert_non_null(strstr(qt_program_find("haproxy")->limit, "maxconn"));
    assert_non_null(strstr(qt_program_find("nginx")->limit, "worker_connections"));
    assert_non_null(strstr(qt_program_find("xinetd")->limit, "instances"));
    assert_string_equal(qt_program_find("sslh")->limit, "unknown");
    assert_string_equal(qt_program_find("sslh")->handshake, "unknown");
    assert_null(qt_program_find("s6-tcpserver")->handshake);   /* no TLS */
    assert_null(qt_program_find("supervise")->limit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collectors_indexed_by_id),
        cmocka_unit_test(test_collector_names_stable),
        cmocka_unit_test(test_program_lookup),
        cmocka_unit_test(test_program_table_sane),
        cmocka_unit_test(test_old_lists_kept),
        cmocka_unit_test(test_kept_differences),
        cmocka_unit_test(test_stage_tls),
        cmocka_unit_test(test_wrappers),
        cmocka_unit_test(test_program_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests (issue 18, firewall): the parsers on listings recorded in a
 * private network namespace (tests/fixtures/firewall/record.sh), the
 * coverage check per port and family, and the suggested lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/core/finding.h"
#include "diag/firewall/firewall.h"
#include "diag/core/util.h"

#define DATA QT_SRCDIR "/tests/fixtures/firewall/"

static char *slurp(const char *name, long *n)
{
    char *text = NULL;
    *n = qt_read_file(name, 1 << 20, &text);
    assert_true(*n > 0);
    return text;
}

static void load_nft(qt_firewall *fw, const char *name)
{
    char err[200] = "";
    long n;
    char *t = slurp(name, &n);
    assert_int_equal(qt_fw_parse_nft(fw, t, (size_t)n, err, sizeof err), 0);
    fw->nft_read = 1;
    free(t);
}

static void load_save(qt_firewall *fw, const char *name, unsigned fam)
{
    long n;
    char *t = slurp(name, &n);
    assert_true(qt_fw_parse_save(fw, t, (size_t)n, fam, fam == QT_FW_V6 ? "ip6tables-legacy" : "iptables-legacy") > 0);
    fw->legacy_in_use[fam == QT_FW_V6] = fw->legacy_read[fam == QT_FW_V6] = 1;
    free(t);
}

static void svc(qt_firewall *fw, const char *name, unsigned port, unsigned fam)
{
    struct qt_fw_service *s = &fw->svc[fw->nsvc++];
    memset(s, 0, sizeof *s);
    s->name = name;
    s->port = port;
    s->fam = fam;
    s->fe_limit = -1;
}

static const struct qt_fw_rule *rule_with(const qt_firewall *fw, const char *text)
{
    for (size_t i = 0; i < fw->nrules; i++)
        if (strstr(fw->rules[i].text, text))
            return &fw->rules[i];
    return NULL;
}

/* nftables of its own: the per-IP ct count set covers 25/465/587 for IPv4
 * only; the total ct count behind `tcp dport 993 jump mail` is not per IP;
 * the mail chain's 995 rule meets no port (the jump carries only 993); the
 * output chain is not the input path; the ip6 saddr meter is a rate. */
static void nft_mixed(void **st)
{
    qt_firewall fw = {0};
    qt_findings out = {0};
    const struct qt_fw_rule *r;
    const qt_finding *f;
    (void)st;

    load_nft(&fw, DATA "nft-mixed.json");
    assert_int_equal(qt_fw_pick_tool(&fw), QT_FW_TOOL_NFT);
    assert_int_equal(fw.nft_tables, 1);
    assert_non_null(r = rule_with(&fw, "ip saddr ct count over 8 (per IP)"));
    assert_true(r->input && r->blocks && r->per_ip == 1);
    assert_int_equal(r->fam, QT_FW_V4);
    assert_int_equal(r->count, 8);
    assert_true(qt_fw_rule_has_port(r, 465) && qt_fw_rule_has_port(r, 587) && !qt_fw_rule_has_port(r, 993));
    assert_non_null(r = rule_with(&fw, "ct count over 20 (total, not per IP)"));
    assert_true(r->input && r->per_ip == 0 && qt_fw_rule_has_port(r, 993) && !qt_fw_rule_has_port(r, 995));
    assert_non_null(r = rule_with(&fw, "limit rate 5/second"));
    assert_false(r->input);
    assert_false(qt_fw_rule_has_port(r, 995));
    assert_non_null(r = rule_with(&fw, "ct count over 3"));
    assert_false(r->input);   /* hook output */
    assert_non_null(r = rule_with(&fw, "ip6 saddr limit rate over 10/minute (per IP)"));
    assert_true(r->input && r->blocks && r->kind == QT_FW_RATE && r->fam == QT_FW_V6);
    assert_true(qt_fw_rule_has_port(r, 110) && qt_fw_rule_has_port(r, 143) && !qt_fw_rule_has_port(r, 144));

    svc(&fw, "smtp", 25, QT_FW_V4);
    svc(&fw, "smtps", 465, QT_FW_V4 | QT_FW_V6);
    svc(&fw, "imaps", 993, QT_FW_V4);
    svc(&fw, "pop3", 110, QT_FW_V6);
    svc(&fw, "local", 995, 0);   /* loopback only: not checked */
    qt_fw_analyse(&fw, &out);
    assert_int_equal(out.n, 4);
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtp"));
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->title, "per-IP connection limit for port 25 (IPv4)");
    assert_non_null(strstr(f->evidence, "inet filter input (handle 6): tcp dport {25,465,587}, ip saddr ct count over 8"));
    assert_string_equal(f->fix, "");
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtps"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->title, "per-IP connection limit for port 465 covers IPv4 only: none for IPv6");
    assert_non_null(strstr(f->fix, "nft add set inet qtriage qt465v6 '{ type ipv6_addr; flags dynamic; }'\n"
                                    "nft add rule inet qtriage input tcp dport 465 ct state new add @qt465v6 "
                                    "'{ ip6 saddr ct count over 8 }' reject with tcp reset"));
    assert_null(strstr(f->fix, "qt465v4"));
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:imaps"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->title, "no per-IP connection limit for port 993 (IPv4)");
    assert_non_null(strstr(f->evidence, "ct count over 20 (total, not per IP), drop: one total for all clients, not per IP"));
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:pop3"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_non_null(strstr(f->evidence, "a rate of new connections per IP, not how many one IP holds"));
    assert_null(qt_findings_find(&out, "firewall.per-ip:local"));
    qt_findings_free(&out);
    qt_fw_free(&fw);
}

/* iptables-nft: connlimit is an xt match nft names without its parameters
 * (taken as per-IP, said so); the suggested lines are iptables ones */
static void nft_iptables(void **st)
{
    qt_firewall fw = {0};
    qt_findings out = {0};
    const qt_finding *f;
    (void)st;

    load_nft(&fw, DATA "nft-iptables.json");
    assert_int_equal(fw.nft_ipt_tables, fw.nft_tables);
    assert_int_equal(qt_fw_pick_tool(&fw), QT_FW_TOOL_IPTABLES);
    assert_non_null(strstr(fw.xt_names, "connlimit"));
    assert_non_null(strstr(fw.xt_names, "hashlimit"));
    assert_non_null(strstr(fw.xt_names, "multiport"));
    svc(&fw, "smtps", 465, QT_FW_V4 | QT_FW_V6);
    svc(&fw, "imaps", 993, QT_FW_V6);
    svc(&fw, "smtp", 25, QT_FW_V4);
    fw.svc[0].peak = 7;
    qt_fw_analyse(&fw, &out);
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtps"));
    assert_int_equal(f->sev, QT_SEV_WARN);
    assert_string_equal(f->title, "per-IP connection limit for port 465 covers IPv4 only: none for IPv6");
    assert_non_null(strstr(f->evidence, "xt connlimit (its parameters are not in nft's output)"));
    assert_non_null(strstr(f->evidence, "shows only by name (xt): "));
    /* limit = max(8, 2 x 7) */
    assert_string_equal(f->fix, "# every client: at most 14 connections on port 465 (smtps)\n"
                                "ip6tables -I INPUT -p tcp --syn --dport 465 -m connlimit --connlimit-above 14 "
                                "--connlimit-mask 128 -j REJECT --reject-with tcp-reset");
    /* multiport is xt: the 993 rule's ports are unknown, and a limit rate ACCEPT is no limit */
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:imaps"));
    assert_string_equal(f->title, "no per-IP connection limit for port 993 (IPv6)");
    /* xt hashlimit on 25 is a rate, not a connection count */
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtp"));
    assert_string_equal(f->title, "no per-IP connection limit for port 25 (IPv4)");
    assert_non_null(strstr(f->evidence, "xt hashlimit (its parameters are not in nft's output)"));
    qt_findings_free(&out);
    qt_fw_free(&fw);
}

/* legacy iptables-save: INPUT, a user chain reached through multiport
 * 25,587, connlimit masks, OUTPUT ignored; IPv6 from ip6tables-legacy-save */
static void legacy_save(void **st)
{
    qt_firewall fw = {0};
    qt_findings out = {0};
    const struct qt_fw_rule *r;
    const qt_finding *f;
    (void)st;

    load_save(&fw, DATA "legacy-v4.save", QT_FW_V4);
    load_save(&fw, DATA "legacy-v6.save", QT_FW_V6);
    assert_int_equal(qt_fw_pick_tool(&fw), QT_FW_TOOL_IPTABLES);
    assert_non_null(r = rule_with(&fw, "iptables -A INPUT -p tcp -m tcp --dport 465"));
    assert_true(r->input && r->blocks && r->per_ip == 1 && r->count == 8 && r->mask == 32);
    assert_non_null(r = rule_with(&fw, "iptables -A MAIL"));
    assert_true(r->input && r->kind == QT_FW_HASHLIMIT && r->per_ip == 1);
    assert_true(qt_fw_rule_has_port(r, 25) && qt_fw_rule_has_port(r, 587) && !qt_fw_rule_has_port(r, 465));
    assert_non_null(r = rule_with(&fw, "iptables -A OUTPUT"));
    assert_false(r->input);
    assert_non_null(r = rule_with(&fw, "ip6tables -A INPUT -p tcp -m tcp --dport 25"));
    assert_true(r->input && r->fam == QT_FW_V6 && r->mask == 64);

    svc(&fw, "smtps", 465, QT_FW_V4);
    svc(&fw, "smtp", 25, QT_FW_V4 | QT_FW_V6);
    svc(&fw, "imaps", 993, QT_FW_V4 | QT_FW_V6);
    qt_fw_analyse(&fw, &out);
    assert_int_equal(qt_findings_find(&out, "firewall.per-ip:smtps")->sev, QT_SEV_INFO);
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtp"));
    assert_string_equal(f->title, "per-IP connection limit for port 25 covers IPv6 only: none for IPv4");
    assert_non_null(strstr(f->fix, "iptables -I INPUT -p tcp --syn --dport 25 -m connlimit --connlimit-above 8 --connlimit-mask 32"));
    assert_null(strstr(f->fix, "ip6tables"));
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:imaps"));
    assert_string_equal(f->title, "no per-IP connection limit for port 993 (IPv4 and IPv6)");
    assert_non_null(strstr(f->evidence, "iptables -A OUTPUT -p tcp -m tcp --sport 993"));
    assert_non_null(strstr(f->evidence, "not on the input path"));
    qt_findings_free(&out);
    qt_fw_free(&fw);
}

/* the front end's own per-IP limit counts; an unread firewall is unknown, not a WARN */
static void front_end_and_unread(void **st)
{
    qt_firewall fw = {0};
    qt_findings out = {0};
    const qt_finding *f;
    (void)st;

    snprintf(fw.nft_why, sizeof fw.nft_why, "nftables not read: built without libnftables");
    fw.legacy_in_use[0] = 1;
    snprintf(fw.legacy_why[0], sizeof fw.legacy_why[0], "legacy iptables tables in use, not read: not root");
    svc(&fw, "smtp", 25, QT_FW_V4);
    svc(&fw, "qmt", 2525, QT_FW_V4);
    fw.svc[1].fe_limit = 5;
    fw.svc[1].fe_source = "MAXCONNIP in the rules cdb (default rule)";
    qt_fw_analyse(&fw, &out);
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:smtp"));
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->title, "per-IP limits for port 25 not known: the firewall could not be read (IPv4)");
    assert_non_null(strstr(f->evidence, "built without libnftables"));
    assert_non_null(strstr(f->evidence, "not read: not root"));
    assert_non_null(f = qt_findings_find(&out, "firewall.per-ip:qmt"));
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_string_equal(f->title, "per-IP limit for port 2525: the front end's own (5 connections)");
    assert_non_null(strstr(f->evidence, "MAXCONNIP"));
    qt_findings_free(&out);
}

static void broken_input(void **st)
{
    qt_firewall fw = {0};
    char err[200] = "";
    (void)st;
    assert_int_equal(qt_fw_parse_nft(&fw, "{\"nftables\": [", 14, err, sizeof err), -1);
    assert_non_null(strstr(err, "nft JSON not readable"));
    assert_int_equal(qt_fw_parse_nft(&fw, "{}", 2, err, sizeof err), -1);
    /* odd rules are skipped, nothing crashes */
    assert_int_equal(qt_fw_parse_nft(&fw, "{\"nftables\":[{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"c\","
                                          "\"expr\":[{\"ct count\":{\"val\":\"x\",\"inv\":true}},{\"drop\":null},"
                                          "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"tcp\","
                                          "\"field\":\"dport\"}},\"right\":{\"set\":[\"@x\",1,{\"range\":[1]}]}}}]}}]}",
                                     strlen("{\"nftables\":[{\"rule\":{\"family\":\"inet\",\"table\":\"t\",\"chain\":\"c\","
                                            "\"expr\":[{\"ct count\":{\"val\":\"x\",\"inv\":true}},{\"drop\":null},"
                                            "{\"match\":{\"op\":\"==\",\"left\":{\"payload\":{\"protocol\":\"tcp\","
                                            "\"field\":\"dport\"}},\"right\":{\"set\":[\"@x\",1,{\"range\":[1]}]}}}]}}]}"),
                                     err, sizeof err), 0);
    assert_int_equal(fw.nrules, 1);
    assert_true(fw.rules[0].ports_unknown);
    {
        const char *bad = "-A\n-A INPUT -m connlimit --connlimit-above\n*filter\n-A INPUT -p tcp --dport 99999:x -j\n";
        assert_int_equal(qt_fw_parse_save(&fw, bad, strlen(bad), QT_FW_V4, "t"), 2);
    }
    qt_fw_free(&fw);
}

/* the one writer: nft and iptables words, block lines for one IP */
static void lines(void **st)
{
    qt_buf b = {0};
    (void)st;
    assert_int_equal(qt_fw_limit_for(0), 8);
    assert_int_equal(qt_fw_limit_for(4), 8);
    assert_int_equal(qt_fw_limit_for(5), 10);
    qt_fw_lines_limit(QT_FW_TOOL_NFT, QT_FW_V4 | QT_FW_V6, 993, "imaps", 8, 1, &b);
    assert_non_null(strstr(qt_buf_str(&b), "nft add table inet qtriage\n"));
    assert_non_null(strstr(qt_buf_str(&b), "add @qt993v4 '{ ip saddr ct count over 8 }' reject with tcp reset\n"));
    assert_non_null(strstr(qt_buf_str(&b), "add @qt993v6 '{ ip6 saddr ct count over 8 }' reject with tcp reset\n"));
    assert_non_null(strstr(qt_buf_str(&b), "meter qt993r6 '{ ip6 saddr limit rate over 5/minute burst 5 packets }' drop\n"));
    assert_null(strstr(qt_buf_str(&b), "iptables"));
    qt_buf_reset(&b);
    qt_fw_lines_block(QT_FW_TOOL_NFT, AF_INET6, "2001:db8::7", 993, &b);
    assert_non_null(strstr(qt_buf_str(&b), "nft add rule inet qtriage input ip6 saddr 2001:db8::7 tcp dport 993 drop\n"));
    assert_non_null(strstr(qt_buf_str(&b), "ss -K dst [2001:db8::7] sport = :993\n"));
    qt_buf_reset(&b);
    qt_fw_lines_block(QT_FW_TOOL_IPTABLES, AF_INET, "198.51.100.7", 465, &b);
    assert_non_null(strstr(qt_buf_str(&b), "iptables -I INPUT -s 198.51.100.7 -p tcp --dport 465 -j DROP\n"));
    qt_buf_free(&b);
}

/* the Ports b dialog's lines: a port limited already gets the rule named,
 * not a second limit; the block lines stay */
static void lines_port_covered(void **st)
{
    qt_firewall fw = {0};
    qt_buf b = {0};
    (void)st;
    load_save(&fw, DATA "legacy-v4.save", QT_FW_V4);
    qt_fw_pick_tool(&fw);
    qt_fw_lines_port(&fw, AF_INET, "198.51.100.7", 465, "smtps", &b);
    assert_non_null(strstr(qt_buf_str(&b), "# every client is limited on port 465 already: iptables -A INPUT -p tcp -m tcp --dport 465"));
    assert_null(strstr(qt_buf_str(&b), "--connlimit-above 8 --connlimit-mask 32 -j REJECT --reject-with tcp-reset\niptables -I"));
    assert_null(strstr(qt_buf_str(&b), "iptables -I INPUT -p tcp --syn"));
    assert_non_null(strstr(qt_buf_str(&b), "iptables -I INPUT -s 198.51.100.7 -p tcp --dport 465 -j DROP\n"));
    qt_buf_reset(&b);
    /* 993 is limited only in OUTPUT: the limit lines are written */
    qt_fw_lines_port(&fw, AF_INET, NULL, 993, "imaps", &b);
    assert_non_null(strstr(qt_buf_str(&b), "iptables -I INPUT -p tcp --syn --dport 993 -m connlimit --connlimit-above 8"));
    qt_buf_free(&b);
    qt_fw_free(&fw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nft_mixed),
        cmocka_unit_test(nft_iptables),
        cmocka_unit_test(legacy_save),
        cmocka_unit_test(front_end_and_unread),
        cmocka_unit_test(broken_input),
        cmocka_unit_test(lines),
        cmocka_unit_test(lines_port_covered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

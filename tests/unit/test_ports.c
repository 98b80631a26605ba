/* Unit tests: the Ports model (per service, per IP, queued per listener)
 * and its checks, on hand-built socket lists with known stages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/core/finding.h"
#include "diag/ports/ports.h"
#include "diag/firewall/firewall.h"
#include "diag/core/util.h"

#define NOW 1700001000.0

static unsigned ports[] = {465, 993};
static const struct qt_sockfilter filt = {.ports = ports, .nports = 2, .states = QT_SOCK_STATES};

struct build {
    qt_ctx ctx;
    qt_snapshot snap;
    qt_sockets *m;
    size_t cap;
};

static void addr(const char *ip, uint8_t *out)
{
    memset(out, 0, 16);
    assert_int_equal(inet_pton(strchr(ip, ':') ? AF_INET6 : AF_INET, ip, out), 1);
}

/* One socket with its owner. */
static void add(struct build *b, unsigned lport, const char *lip, const char *rip, unsigned rport, unsigned state,
                unsigned rq, unsigned wq, unsigned inode, unsigned stage, double age, int pid)
{
    uint8_t la[16], ra[16];
    qt_sockets *m = b->m;
    size_t before = m->socks.n;
    addr(lip, la);
    addr(rip, ra);
    assert_int_equal(qt_socklist_add(&m->socks, &filt, strchr(lip, ':') ? AF_INET6 : AF_INET, state, la, lport, ra,
                                     rport, rq, wq, inode, 0), 1);
    qt_grow(&m->own, &b->cap, m->socks.n, sizeof *m->own);
    m->own[before] = (struct qt_owner){.pid = pid, .stage = (uint8_t)stage, .start = age >= 0 ? NOW - age : 0};
}

static void init(struct build *b, unsigned limit)
{
    char err[128];
    memset(b, 0, sizeof *b);
    qt_ctx_defaults(&b->ctx);
    assert_int_equal(qt_ctx_parse_ports(&b->ctx, "smtps=465,imaps=993", err, sizeof err), 0);
    b->ctx.limit = limit;
    b->m = qt_calloc(1, sizeof *b->m);
    b->m->backend = "netlink";
    b->m->now = NOW;
    b->snap.sockets = b->m;
    b->snap.src[QT_SRC_SOCKETS].state = QT_SRC_OK;
}

static void done(struct build *b)
{
    qt_ports_free(b->m);
    qt_findings_free(&b->snap.findings);
    qt_metrics_free(&b->snap.metrics);
}

/* An incident: one address holds most of smtps, in stuck handshakes. */
static void incident(struct build *b)
{
    char ip[32];
    init(b, 12);
    add(b, 465, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 3, 20, 100, QT_STAGE_NONE, -1, 50);
    add(b, 465, "::", "::", 0, QT_TCP_LISTEN, 0, 20, 101, QT_STAGE_NONE, -1, 50);
    for (int i = 0; i < 10; i++)
        add(b, 465, "127.0.0.1", "198.51.100.7", 40000 + (unsigned)i, QT_TCP_ESTABLISHED, 0, 0, 200 + (unsigned)i,
            QT_STAGE_HANDSHAKE, 100 + i, 1000 + i);
    add(b, 465, "127.0.0.1", "203.0.113.1", 41000, QT_TCP_ESTABLISHED, 0, 0, 300, QT_STAGE_MAIL, 5, 2000);
    add(b, 465, "::ffff:127.0.0.1", "::ffff:203.0.113.1", 41001, QT_TCP_CLOSE_WAIT, 0, 0, 301, QT_STAGE_MAIL, 20, 2001);
    /* three waiting: two v4 on the v4 wildcard, one v4-mapped */
    add(b, 465, "127.0.0.1", "198.51.100.7", 40100, QT_TCP_ESTABLISHED, 0, 0, 0, QT_STAGE_QUEUED, -1, 0);
    add(b, 465, "127.0.0.1", "198.51.100.8", 40101, QT_TCP_ESTABLISHED, 0, 0, 0, QT_STAGE_QUEUED, -1, 0);
    add(b, 465, "::ffff:127.0.0.1", "::ffff:198.51.100.9", 40102, QT_TCP_ESTABLISHED, 0, 0, 0, QT_STAGE_QUEUED, -1, 0);
    add(b, 465, "127.0.0.1", "198.51.100.7", 40200, QT_TCP_SYN_RECV, 0, 0, 0, QT_STAGE_NONE, -1, 0);
    /* imaps: only a v6 listener, a v4 client waiting on it (dual stack) */
    add(b, 993, "::", "::", 0, QT_TCP_LISTEN, 1, 5, 400, QT_STAGE_NONE, -1, 60);
    add(b, 993, "::ffff:127.0.0.1", "::ffff:198.51.100.7", 42000, QT_TCP_ESTABLISHED, 0, 0, 0, QT_STAGE_QUEUED, -1, 0);
    qt_ports_build(b->m, &b->ctx);
    qt_ip_str(&b->m->ips[0], ip, sizeof ip);
    assert_string_equal(ip, "198.51.100.7");
}

static void model_counts(void **st)
{
    (void)st;
    struct build b;
    const struct qt_svc_stats *v;
    const struct qt_ip *ip;

    incident(&b);
    v = &b.m->svc[0];
    assert_int_equal(v->established, 14);      /* 10 + 1 + 3 waiting */
    assert_int_equal(v->close_wait, 1);
    assert_int_equal(v->syn_recv, 1);
    assert_int_equal(v->accepted, 12);         /* with an inode: what -c counts */
    assert_int_equal(v->queued, 3);
    assert_int_equal(v->accept_queue, 3);
    assert_int_equal(v->backlog, 40);
    assert_int_equal(v->listeners, 2);
    assert_int_equal(v->listener_pid, 50);
    assert_int_equal(v->stage[QT_STAGE_HANDSHAKE], 10);
    assert_int_equal(v->stage[QT_STAGE_MAIL], 2);
    assert_int_equal(v->stalled, 10);
    assert_int_equal(v->hs_old, 10);
    assert_true(v->hs_oldest == NOW - 109);
    /* queued connections counted per listener: both v4 ones and the v4-mapped one on the v4 wildcard */
    assert_int_equal(b.m->nlisteners, 3);
    assert_int_equal(b.m->listeners[0].queued, 3);
    assert_int_equal(b.m->listeners[1].queued, 0);
    /* a v4-mapped client with only a dual-stack listener waits on [::] */
    assert_int_equal(b.m->listeners[2].queued, 1);
    assert_int_equal(b.m->svc[1].queued, 1);
    /* per IP: the mapped client counts as its IPv4 address, once */
    ip = qt_ports_find_ip(b.m, "203.0.113.1");
    assert_non_null(ip);
    assert_int_equal(ip->total, 2);
    assert_null(qt_ports_find_ip(b.m, "::ffff:203.0.113.1"));
    ip = qt_ports_find_ip(b.m, "198.51.100.7");
    assert_int_equal(ip->total, 12);           /* 10 + 1 queued on smtps + 1 queued on imaps; SYN-RECV not counted */
    assert_int_equal(ip->count[0], 11);
    assert_int_equal(ip->count[1], 1);
    assert_int_equal(ip->stalled, 10);
    assert_true(ip->oldest == NOW - 109);
    assert_true(qt_ports_age(b.m, 2) == 100);
    assert_true(qt_ports_age(b.m, 0) == -1);
    done(&b);
}

static void checks_fire(void **st)
{
    (void)st;
    struct build b;
    const qt_finding *f;

    incident(&b);
    qt_ports_analyse(&b.ctx, &b.snap, NULL, &b.snap.findings);
    f = qt_findings_find(&b.snap.findings, "ports.limit:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);
    assert_non_null(strstr(f->evidence, "12 accepted connections of a limit of 12 (--limit)"));
    assert_non_null(strstr(f->evidence, "10 handshake pending"));
    /* docs/incidents.md: the incident's evidence, in numbers */
    assert_string_equal(f->inc_kind, "saturation");
    assert_string_equal(f->inc_service, "smtps");
    assert_string_equal(f->inc_impact, "smtps 465: 12 of 12 slots taken; 3 waiting to be accepted");
    f = qt_findings_find(&b.snap.findings, "ports.accept-queue:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);       /* docs/severity.md: anything queued */
    assert_non_null(strstr(f->evidence, "0.0.0.0:465: 3 waiting (Recv-Q) of a backlog of 20; listener pid 50"));
    assert_string_equal(f->inc_kind, "saturation");
    assert_string_equal(f->inc_impact, "smtps 465: 3 clients waiting to be accepted, no banner; 12 of 12 slots taken");
    f = qt_findings_find(&b.snap.findings, "ports.handshake:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);       /* 10 stalled >= 25% of the limit 12 */
    assert_non_null(strstr(f->evidence, "they hold 83% of the limit of 12 (CRIT from 25%)"));
    assert_non_null(strstr(f->evidence, "10 connections in handshake pending for more than 30 s; oldest 1m49s"));
    assert_non_null(strstr(f->evidence, "198.51.100.7 port 40009: pid 1009"));
    assert_non_null(strstr(f->fix, "kill 1009 1008 1007"));
    assert_string_equal(f->inc_kind, "tls-stall");
    assert_string_equal(f->inc_impact, "smtps 465: 10 of 12 slots held by connections that never finished TLS; "
                                       "oldest 1m49s; 10 from 198.51.100.7");
    f = qt_findings_find(&b.snap.findings, "ports.ip-share:smtps:198.51.100.7");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_CRIT);      /* 11 >= 25% of the limit 12 */
    assert_non_null(strstr(f->evidence, "198.51.100.7 holds 11 of 15 connections"));
    assert_string_equal(f->inc_kind, "ip-hog");
    assert_string_equal(f->inc_impact, "smtps 465: 198.51.100.7 holds 11 of 15 connections, 92% of the limit of 12");
    assert_non_null(strstr(f->fix, "iptables -I INPUT -s 198.51.100.7 -p tcp --dport 465 -j DROP"));
    assert_non_null(strstr(f->fix, "--dport 465 -m connlimit --connlimit-above 8 --connlimit-mask 32"));
    assert_non_null(strstr(f->fix, "ss -K dst 198.51.100.7 sport = :465"));
    assert_null(qt_findings_find(&b.snap.findings, "ports.ok:smtps"));
    /* imaps: one waiting, nothing else wrong */
    assert_non_null(qt_findings_find(&b.snap.findings, "ports.accept-queue:imaps"));
    done(&b);
}

static void healthy_and_missing(void **st)
{
    (void)st;
    struct build b;
    const qt_finding *f;
    const qt_metric *x;

    init(&b, 0);
    add(&b, 465, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 0, 20, 100, QT_STAGE_NONE, -1, 50);
    add(&b, 465, "127.0.0.1", "203.0.113.1", 41000, QT_TCP_ESTABLISHED, 0, 0, 300, QT_STAGE_MAIL, 5, 2000);
    add(&b, 465, "127.0.0.1", "203.0.113.2", 41001, QT_TCP_ESTABLISHED, 0, 0, 301, QT_STAGE_HANDSHAKE, 10, 2001);
    qt_ports_build(b.m, &b.ctx);
    qt_ports_analyse(&b.ctx, &b.snap, NULL, &b.snap.findings);
    f = qt_findings_find(&b.snap.findings, "ports.ok:smtps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_OK);
    assert_non_null(strstr(f->evidence, "2 accepted (no -c limit known), 0 waiting, 1 stalled"));
    assert_null(qt_findings_find(&b.snap.findings, "ports.handshake:smtps"));   /* 10 s is not stuck yet */
    f = qt_findings_find(&b.snap.findings, "ports.no-listener:imaps");
    assert_non_null(f);
    assert_int_equal(f->sev, QT_SEV_INFO);
    assert_int_equal(b.snap.findings.n, 2);
    for (size_t i = 0; i < b.snap.findings.n; i++)   /* nothing user-visible: no incident evidence */
        assert_string_equal(b.snap.findings.v[i].inc_kind, "");
    qt_collector_sockets.measure(&b.ctx, &b.snap, &b.snap.metrics);
    x = qt_metrics_find(&b.snap.metrics, "established", "smtps");
    assert_non_null(x);
    assert_true(x->value == 2 && x->max == -1);
    x = qt_metrics_find(&b.snap.metrics, "stalled", "smtps");
    assert_true(x->value == 1);
    x = qt_metrics_find(&b.snap.metrics, "accept_queue", "smtps");
    assert_true(x->value == 0 && x->max == 20);
    assert_null(qt_metrics_find(&b.snap.metrics, "limit", "smtps"));
    done(&b);
}

/* Not root: the owners of other users' sockets cannot be read. Every
 * number that needs them is unknown with the reason, never 0 (issue 12,
 * item 6; docs/monitoring.md "Unknown, never zero"). */
static void unknown_owners(void **st)
{
    (void)st;
    struct build b;
    const struct qt_svc_stats *v;
    const struct qt_ip *ip;
    const qt_finding *f;
    const qt_metric *x;
    char txt[160];

    init(&b, 0);
    b.m->euid = 1000;
    b.m->stage.unreadable = 40;
    add(&b, 465, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 2, 20, 100, QT_STAGE_NONE, -1, 0);   /* holder hidden */
    for (int i = 0; i < 3; i++) {
        add(&b, 465, "127.0.0.1", "198.51.100.7", 40000 + (unsigned)i, QT_TCP_ESTABLISHED, 0, 0, 200 + (unsigned)i,
            QT_STAGE_UNKNOWN, -1, 0);
        b.m->own[b.m->socks.n - 1].why = QT_WHY_UNREADABLE;
    }
    /* our own process: visible, in a handshake */
    add(&b, 465, "127.0.0.1", "203.0.113.2", 41001, QT_TCP_ESTABLISHED, 0, 0, 301, QT_STAGE_HANDSHAKE, 10, 2001);
    /* imaps: everything visible, nothing stalled: a plain 0 */
    add(&b, 993, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 0, 20, 400, QT_STAGE_NONE, -1, 60);
    add(&b, 993, "127.0.0.1", "203.0.113.3", 42000, QT_TCP_ESTABLISHED, 0, 0, 401, QT_STAGE_MAIL, 5, 61);
    qt_ports_build(b.m, &b.ctx);

    v = &b.m->svc[0];
    assert_int_equal(v->stalled, 1);
    assert_int_equal(v->stalled_unknown, 3);
    assert_int_equal(v->listener_hidden, 1);
    assert_int_equal(b.m->svc[1].stalled_unknown, 0);
    ip = qt_ports_find_ip(b.m, "198.51.100.7");
    assert_int_equal(ip->stalled, 0);
    assert_int_equal(ip->stalled_unknown, 3);
    qt_ports_count_str(ip->stalled, ip->stalled_unknown, txt, sizeof txt);
    assert_string_equal(txt, "?");
    qt_ports_count_str(v->stalled, v->stalled_unknown, txt, sizeof txt);
    assert_string_equal(txt, ">=1");
    qt_ports_count_str(0, 0, txt, sizeof txt);
    assert_string_equal(txt, "0");
    qt_ports_hidden_why(b.m, 0, txt, sizeof txt);
    assert_string_equal(txt, "socket owners not readable: not root (uid 1000)");
    qt_ports_hidden_why(b.m, 1, txt, sizeof txt);
    assert_string_equal(txt, "");

    qt_ports_analyse(&b.ctx, &b.snap, NULL, &b.snap.findings);
    f = qt_findings_find(&b.snap.findings, "ports.accept-queue:smtps");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "0.0.0.0:465: 2 waiting (Recv-Q) of a backlog of 20; listener pid unknown (not root)"));
    assert_null(strstr(f->evidence, "pid 0"));
    f = qt_findings_find(&b.snap.findings, "ports.unknown:smtps");
    assert_non_null(f);
    assert_non_null(strstr(f->evidence, "stalled: unknown, between 1 and 4 (socket owners not readable: not root (uid 1000))"));
    assert_non_null(strstr(f->evidence, "not evaluated for these 3 connections: stuck TLS handshakes"));
    assert_non_null(strstr(f->fix, "run qtriage as root"));
    f = qt_findings_find(&b.snap.findings, "ports.ok:imaps");
    assert_non_null(strstr(f->evidence, "0 waiting, 0 stalled"));

    qt_collector_sockets.measure(&b.ctx, &b.snap, &b.snap.metrics);
    x = qt_metrics_find(&b.snap.metrics, "stalled", "smtps");
    assert_non_null(x);
    assert_true(isnan(x->value));                 /* not 0, not 1 */
    assert_string_equal(x->unknown, "socket owners not readable: not root (uid 1000)");
    assert_true(x->lo == 1 && x->hi == 4);
    x = qt_metrics_find(&b.snap.metrics, "stalled", "imaps");
    assert_true(x->value == 0 && x->unknown[0] == '\0');
    x = qt_metrics_find(&b.snap.metrics, "established", "smtps");
    assert_true(x->value == 4 && x->unknown[0] == '\0');   /* the kernel's counts stay known */
    done(&b);
}

/* Root: an owner that exited during the sample is a race of one sample,
 * listed but not counted as hidden; a shared TLS process hides stages. */
static void root_races_and_shared_tls(void **st)
{
    (void)st;
    struct build b;
    char txt[160];

    init(&b, 0);
    add(&b, 465, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 0, 20, 100, QT_STAGE_NONE, -1, 50);
    add(&b, 465, "127.0.0.1", "198.51.100.7", 40000, QT_TCP_ESTABLISHED, 0, 0, 200, QT_STAGE_UNKNOWN, -1, 0);
    b.m->own[b.m->socks.n - 1].why = QT_WHY_VANISHED;
    add(&b, 465, "127.0.0.1", "198.51.100.7", 40001, QT_TCP_ESTABLISHED, 0, 0, 201, QT_STAGE_UNKNOWN, -1, 0);
    b.m->own[b.m->socks.n - 1].why = QT_WHY_NOT_FOUND;
    add(&b, 993, "0.0.0.0", "0.0.0.0", 0, QT_TCP_LISTEN, 0, 20, 400, QT_STAGE_NONE, -1, 60);
    add(&b, 993, "127.0.0.1", "203.0.113.3", 42000, QT_TCP_ESTABLISHED, 0, 0, 401, QT_STAGE_UNKNOWN, -1, 60);
    b.m->own[b.m->socks.n - 1].why = QT_WHY_TLS_SHARED;
    qt_ports_build(b.m, &b.ctx);
    assert_int_equal(b.m->svc[0].stalled_unknown, 0);
    assert_int_equal(b.m->svc[1].stalled_unknown, 1);
    qt_ports_hidden_why(b.m, 1, txt, sizeof txt);
    assert_string_equal(txt, "one TLS process serves many connections (stage of each not visible)");
    /* the top holder of accepted connections on a port, from the socket list alone */
    assert_int_equal(qt_ports_top_accepted(b.m, 465, txt, sizeof txt), 2);
    assert_string_equal(txt, "198.51.100.7");
    assert_int_equal(qt_ports_top_accepted(b.m, 25, txt, sizeof txt), 0);
    assert_string_equal(txt, "");
    /* the same not-found owner is hidden when not root (hidepid looks like this) */
    b.m->euid = 1000;
    assert_true(qt_ports_stage_hidden(b.m, 2));
    assert_false(qt_ports_stage_hidden(b.m, 1));
    done(&b);
}

static void limit_lookup_and_failures(void **st)
{
    (void)st;
    struct build b;
    const char *src = "x";
    qt_findings fs = {0};

    init(&b, 0);
    assert_int_equal(qt_ports_limit(&b.ctx, &b.snap, 465, &src), -1);
    assert_null(src);
    b.ctx.limit = 40;
    assert_int_equal(qt_ports_limit(&b.ctx, &b.snap, 465, &src), 40);
    assert_string_equal(src, "--limit");
    done(&b);
    /* a failed collector: one finding that says why */
    memset(&b.snap, 0, sizeof b.snap);
    b.snap.src[QT_SRC_SOCKETS].state = QT_SRC_FAILED;
    snprintf(b.snap.src[QT_SRC_SOCKETS].err, sizeof b.snap.src[0].err, "cannot read /x/net/tcp: No such file");
    qt_ports_analyse(&b.ctx, &b.snap, NULL, &fs);
    assert_int_equal(fs.n, 1);
    assert_string_equal(fs.v[0].id, "ports.collector");
    assert_non_null(strstr(fs.v[0].evidence, "/x/net/tcp"));
    qt_findings_free(&fs);
}

/* the Ports lines come from diag/firewall (the one writer): iptables words
 * without a firewall model, nft words and the service's limit with one */
static void firewall_lines(void **st)
{
    (void)st;
    qt_buf b = {0};
    qt_firewall fw = {.tool = QT_FW_TOOL_NFT, .nsvc = 1};
    fw.svc[0].port = 993;
    fw.svc[0].peak = 6;
    qt_fw_lines_port(&fw, AF_INET, "198.51.100.7", 993, "imaps", &b);
    assert_non_null(strstr(qt_buf_str(&b), "# every client: at most 12 connections and 5 new ones a minute on port 993 (imaps)\n"));
    assert_non_null(strstr(qt_buf_str(&b), "add @qt993v4 '{ ip saddr ct count over 12 }' reject with tcp reset\n"));
    assert_non_null(strstr(qt_buf_str(&b), "nft add rule inet qtriage input ip saddr 198.51.100.7 tcp dport 993 drop\n"));
    assert_null(strstr(qt_buf_str(&b), "iptables"));
    assert_null(strstr(qt_buf_str(&b), "ip6 saddr"));
    qt_buf_reset(&b);
    qt_fw_lines_port(NULL, AF_INET6, "2001:db8::7", 993, "imaps", &b);
    assert_non_null(strstr(qt_buf_str(&b), "ip6tables -I INPUT -p tcp --syn --dport 993 -m connlimit --connlimit-above 8 --connlimit-mask 128"));
    assert_non_null(strstr(qt_buf_str(&b), "--hashlimit-name qt993 --hashlimit-mode srcip --hashlimit-above 5/minute"));
    assert_non_null(strstr(qt_buf_str(&b), "ip6tables -I INPUT -s 2001:db8::7 -p tcp --dport 993 -j DROP"));
    assert_non_null(strstr(qt_buf_str(&b), "ss -K dst [2001:db8::7] sport = :993"));
    assert_null(strstr(qt_buf_str(&b), " iptables"));
    qt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(model_counts),
        cmocka_unit_test(checks_fire),
        cmocka_unit_test(healthy_and_missing),
        cmocka_unit_test(limit_lookup_and_failures),
        cmocka_unit_test(unknown_owners),
        cmocka_unit_test(root_races_and_shared_tls),
        cmocka_unit_test(firewall_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the sockets collector asks the kernel for tcp_info (the byte
 * counters) only when something uses it (docs/performance-ports.md, issue
 * 19): an output that shows bytes (ctx.want_bytes), a watched service with
 * a TLS front end (the stage rule "TLS front end, 0 bytes received"), or
 * before that is known. The request is built and its idiag_ext inspected;
 * then the collector runs live on a loopback listener of this process. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include "diag/ports/ports.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

/* idiag_ext of the dump request the collector would send */
static unsigned request_ext(int want_bytes, int known, unsigned tls_svcs)
{
    unsigned ports[1] = {465};
    struct qt_sockfilter f = {.ports = ports, .nports = 1, .states = QT_SOCK_STATES};
    char buf[1024];
    const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
    const struct inet_diag_req_v2 *r;

    assert_true(qt_sock_nl_request(AF_INET, &f, qt_ports_want_info(want_bytes, known, tls_svcs), 1, buf,
                                   sizeof buf) > 0);
    r = NLMSG_DATA(h);
    return r->idiag_ext;
}

static void request_asks_only_when_used(void **st)
{
    const unsigned info = 1u << (INET_DIAG_INFO - 1);
    (void)st;
    /* a monitoring loop on plain ports, once the services are known: no tcp_info (as `ss -tn`) */
    assert_int_equal(request_ext(0, 1, 0), 0);
    /* an output that shows bytes */
    assert_int_equal(request_ext(1, 1, 0), info);
    /* a TLS front end on service 3: its stage rule reads the counters */
    assert_int_equal(request_ext(0, 1, 1u << 3), info);
    /* nothing known yet (first sample, or no process table): ask */
    assert_int_equal(request_ext(0, 0, 0), info);
    assert_int_equal(request_ext(1, 0, 1), info);
}

static int sock_diag_available(void)
{
    int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

struct live {
    qt_ctx ctx;
    void *pstate, *sstate;
};

/* One sample of the procs and sockets collectors; returns the model (the
 * caller frees it with free_model) and the accepted socket's index in *k. */
static qt_snapshot sample(struct live *lv, unsigned port, size_t *k)
{
    qt_snapshot snap;
    char err[256];
    memset(&snap, 0, sizeof snap);
    assert_int_equal(qt_collector_procs.collect(&lv->ctx, &lv->pstate, &snap, err, sizeof err), 0);
    if (qt_collector_sockets.collect(&lv->ctx, &lv->sstate, &snap, err, sizeof err) != 0)
        fail_msg("sockets: %s", err);
    qt_collector_procs.seal(&snap);
    assert_string_equal(snap.sockets->backend, "netlink");
    *k = (size_t)-1;
    for (size_t i = 0; i < snap.sockets->socks.n; i++)
        if (snap.sockets->socks.v[i].lport == port && snap.sockets->socks.v[i].state == QT_TCP_ESTABLISHED &&
            snap.sockets->socks.v[i].inode)
            *k = i;
    assert_true(*k != (size_t)-1);
    return snap;
}

static void drop(qt_snapshot *snap)
{
    qt_collector_sockets.free_model(snap);
    qt_collector_procs.free_model(snap);
}

/* A plain listener of this process holds one accepted connection whose
 * client sent 5 bytes: the first sample asks for tcp_info (TLS or not is not
 * known yet), later ones of a monitoring loop do not (no byte counts, never
 * a 0), and as soon as an output wants bytes they are back (5 received). */
static void live_collector(void **st)
{
    struct live lv = {0};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int l, c, s;
    unsigned port;
    size_t k;
    qt_snapshot snap;
    char err[128];

    (void)st;
    if (!sock_diag_available()) {
        skip(); /* no sock_diag: the /proc reader has no byte counts at all */
        return;
    }
    l = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, 4), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
    port = ntohs(a.sin_port);
    c = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
    s = accept(l, NULL, NULL);
    assert_true(s >= 0);
    assert_int_equal(write(c, "hello", 5), 5);
    {
        char in[8];
        assert_int_equal(read(s, in, sizeof in), 5);
    }
    qt_ctx_defaults(&lv.ctx);
    {
        char ports[32];
        snprintf(ports, sizeof ports, "plain=%u", port);
        assert_int_equal(qt_ctx_parse_ports(&lv.ctx, ports, err, sizeof err), 0);
    }
    lv.ctx.want_bytes = 0;   /* as --batch and --check */

    snap = sample(&lv, port, &k);
    assert_int_equal(snap.sockets->tcp_info, 1);
    assert_true(snap.sockets->socks.v[k].flags & QT_SOCK_HAS_BYTES);
    assert_int_equal(snap.sockets->stage.tls_svcs, 0);
    drop(&snap);

    snap = sample(&lv, port, &k);
    assert_int_equal(snap.sockets->tcp_info, 0);
    assert_false(snap.sockets->socks.v[k].flags & QT_SOCK_HAS_BYTES);
    assert_int_equal(snap.sockets->ips[0].with_bytes, 0);   /* shown "-", not 0 */
    drop(&snap);

    lv.ctx.want_bytes = 1;   /* the console's Ports views, reports */
    snap = sample(&lv, port, &k);
    assert_int_equal(snap.sockets->tcp_info, 1);
    assert_true(snap.sockets->socks.v[k].flags & QT_SOCK_HAS_BYTES);
    assert_int_equal(snap.sockets->socks.v[k].bytes_received, 5);
    drop(&snap);

    qt_collector_sockets.free_state(lv.sstate);
    qt_collector_procs.free_state(lv.pstate);
    close(s);
    close(c);
    close(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_asks_only_when_used),
        cmocka_unit_test(live_collector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

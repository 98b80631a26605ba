/* Unit tests: socket readers (netlink messages recorded from a real dump,
 * /proc/net/tcp{,6} fixtures with broken lines) and the kernel filter,
 * live on loopback. Fixtures: tests/fixtures/ports/README.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diag/ports/sockets.h"
#include "diag/core/util.h"

#define FX QT_SRCDIR "/tests/fixtures/ports/"

static const unsigned ports[] = {24601, 24602};
static const struct qt_sockfilter filt = {.ports = ports, .nports = 2, .states = QT_SOCK_STATES};

static char *slurp(const char *path, long *len)
{
    char *t = NULL;
    *len = qt_read_file(path, 1 << 20, &t);
    assert_true(*len >= 0);
    return t;
}

static const struct qt_sock *find(const qt_socklist *l, const char *rip, unsigned lport, unsigned state)
{
    for (size_t i = 0; i < l->n; i++) {
        char a[64];
        qt_addr_str(l->v[i].family, l->v[i].raddr, a, sizeof a);
        if (l->v[i].lport == lport && l->v[i].state == state && strcmp(a, rip) == 0)
            return &l->v[i];
    }
    return NULL;
}

/* What ports_record staged, as every reader must see it. */
static void check_v4_staging(const qt_socklist *l, int netlink)
{
    const struct qt_sock *s;

    s = find(l, "0.0.0.0", 24601, QT_TCP_LISTEN);
    assert_non_null(s);
    assert_int_equal(s->rqueue, 1);              /* one client waiting to be accepted */
    assert_int_equal(s->wqueue, netlink ? 7 : 0); /* backlog: netlink only */
    assert_int_equal(s->svc, 0);
    s = find(l, "127.0.0.2", 24601, QT_TCP_ESTABLISHED);
    assert_non_null(s);
    assert_int_not_equal(s->inode, 0);
    if (netlink) {
        assert_true(s->flags & QT_SOCK_HAS_BYTES);
        assert_int_equal(s->bytes_received, 5);
        assert_int_equal(s->bytes_acked, 7);
    }
    s = find(l, "127.0.0.3", 24601, QT_TCP_ESTABLISHED);
    assert_non_null(s);
    if (netlink)
        assert_int_equal(s->bytes_received, 0);
    s = find(l, "127.0.0.4", 24601, QT_TCP_ESTABLISHED);
    assert_non_null(s);
    assert_int_equal(s->inode, 0);               /* not accepted */
    s = find(l, "127.0.0.6", 24601, QT_TCP_CLOSE_WAIT);
    assert_non_null(s);
    assert_int_not_equal(s->inode, 0);
}

static void check_v6_staging(const qt_socklist *l, int netlink)
{
    const struct qt_sock *s = find(l, "::", 24602, QT_TCP_LISTEN);
    assert_non_null(s);
    assert_int_equal(s->family, AF_INET6);
    assert_int_equal(s->wqueue, netlink ? 5 : 0);
    assert_int_equal(s->svc, 1);
    s = find(l, "127.0.0.5", 24602, QT_TCP_ESTABLISHED);  /* v4-mapped, counted as v4 */
    assert_non_null(s);
    assert_int_equal(s->family, AF_INET);
    assert_true(s->flags & QT_SOCK_V4MAPPED);
    {
        char la[64];
        qt_addr_str(s->family, s->laddr, la, sizeof la);
        assert_string_equal(la, "127.0.0.1");
    }
    s = find(l, "::1", 24602, QT_TCP_ESTABLISHED);
    assert_non_null(s);
    assert_int_equal(s->family, AF_INET6);
}

static void netlink_recorded(void **st)
{
    (void)st;
    qt_socklist l = {0};
    long len;
    int kerr;
    char *b = slurp(FX "nl-v4.bin", &len);

    assert_int_equal(qt_sock_nl_parse(b, (size_t)len, &filt, &l, &kerr), 1);
    assert_int_equal(l.n, 5);
    assert_int_equal(l.bad, 0);
    check_v4_staging(&l, 1);
    free(b);
    b = slurp(FX "nl-v6.bin", &len);
    assert_int_equal(qt_sock_nl_parse(b, (size_t)len, &filt, &l, &kerr), 1);
    assert_int_equal(l.n, 8);
    check_v6_staging(&l, 1);
    free(b);
    qt_socklist_free(&l);
}

/* Every prefix of a recorded dump parses without reading past its end
 * (ASan build) and never claims to be complete. */
static void netlink_truncated(void **st)
{
    (void)st;
    long len;
    int kerr;
    char *b = slurp(FX "nl-v4.bin", &len);

    for (long cut = 0; cut < len; cut++) {
        qt_socklist l = {0};
        char *c = qt_malloc((size_t)cut + 1);
        memcpy(c, b, (size_t)cut);
        assert_int_not_equal(qt_sock_nl_parse(c, (size_t)cut, &filt, &l, &kerr), 1);
        assert_true(l.n <= 5);
        free(c);
        qt_socklist_free(&l);
    }
    free(b);
}

static void netlink_error_and_filter(void **st)
{
    (void)st;
    struct {
        struct nlmsghdr h;
        struct nlmsgerr e;
    } m = {.h = {.nlmsg_len = sizeof m, .nlmsg_type = NLMSG_ERROR}, .e = {.error = -EINVAL}};
    qt_socklist l = {0};
    int kerr;
    long len;
    char *b;
    unsigned one[] = {24602};
    struct qt_sockfilter f1 = {.ports = one, .nports = 1, .states = QT_TCPF(QT_TCP_LISTEN)};

    assert_int_equal(qt_sock_nl_parse(&m, sizeof m, &filt, &l, &kerr), -1);
    assert_int_equal(kerr, EINVAL);
    /* the parser filters again: a kernel that ignored the bytecode is harmless */
    b = slurp(FX "nl-v6.bin", &len);
    assert_int_equal(qt_sock_nl_parse(b, (size_t)len, &f1, &l, &kerr), 1);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].svc, 0);
    free(b);
    qt_socklist_free(&l);
}

static void proc_fixture(void **st)
{
    (void)st;
    qt_socklist l = {0};
    long len;
    char *b = slurp(FX "proc-net-tcp", &len);

    assert_int_equal(qt_sock_proc_parse(b, (size_t)len, AF_INET, &filt, &l), 5);
    assert_int_equal(l.bad, 0);
    check_v4_staging(&l, 0);
    free(b);
    b = slurp(FX "proc-net-tcp6", &len);
    assert_int_equal(qt_sock_proc_parse(b, (size_t)len, AF_INET6, &filt, &l), 3);
    check_v6_staging(&l, 0);
    free(b);
    qt_socklist_free(&l);
}

static void proc_broken_lines(void **st)
{
    (void)st;
    qt_socklist l = {0};
    long len;
    char *b = slurp(FX "proc-net-tcp-bad", &len);

    assert_int_equal(qt_sock_proc_parse(b, (size_t)len, AF_INET, &filt, &l), 5);
    assert_int_equal(l.bad, 7);
    check_v4_staging(&l, 0);
    free(b);
    qt_socklist_free(&l);
}

/* The streaming reader (64 KiB buffer) on a fixture tree, and a missing tcp6. */
static void proc_reader_files(void **st)
{
    (void)st;
    char dir[] = "/tmp/qt-sockproc-XXXXXX", cmd[512], err[256];
    qt_ctx c;
    qt_socklist l = {0};

    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "mkdir -p %s/net && cp %s %s/net/tcp", dir, FX "proc-net-tcp-bad", dir);
    assert_int_equal(system(cmd), 0);
    /* many copies of the body, so lines straddle the read buffer */
    {
        long blen;
        char *body = slurp(FX "proc-net-tcp", &blen), path[300];
        size_t skip = strcspn(body, "\n") + 1, rest = (size_t)blen - skip;
        FILE *f;
        snprintf(path, sizeof path, "%s/net/tcp", dir);
        assert_non_null(f = fopen(path, "a"));
        for (int i = 0; i < 600; i++)
            assert_int_equal(fwrite(body + skip, 1, rest, f), rest);
        fclose(f);
        free(body);
    }
    qt_ctx_defaults(&c);
    c.proc = dir;
    assert_int_equal(qt_sock_read_proc(&c, &filt, &l, err, sizeof err), 0);
    assert_int_equal(l.n, 5 + 600 * 5);
    assert_int_equal(l.bad, 7);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    qt_socklist_free(&l);
    c.proc = "/nonexistent-proc";
    assert_int_equal(qt_sock_read_proc(&c, &filt, &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-proc/net/tcp"));
}

static void bytecode_layout(void **st)
{
    (void)st;
    struct inet_diag_bc_op bc[64];
    unsigned p3[] = {465, 993, 995};
    int n = qt_sock_bytecode(p3, 3, bc, sizeof bc);

    assert_int_equal(n, (3 * 4 + 2) * 4);
    assert_int_equal(bc[0].code, INET_DIAG_BC_S_GE);
    assert_int_equal(bc[1].no, 465);
    assert_int_equal(bc[2].code, INET_DIAG_BC_S_LE);
    assert_int_equal(bc[4].code, INET_DIAG_BC_JMP);
    assert_int_equal(16 + bc[4].no, n);             /* match: jump to the end = accept */
    assert_int_equal(bc[0].no, 20);                 /* mismatch: next block */
    assert_int_equal(bc[12].no, n - 48 + 4);        /* last block mismatch: end + 4 = reject */
    assert_int_equal(qt_sock_bytecode(p3, 0, bc, sizeof bc), -1);
    assert_int_equal(qt_sock_bytecode(p3, 3, bc, 8), -1);
}

/* --- live: the kernel accepts the filter and applies it --- */

static int listen_on(int family, int *port)
{
    struct sockaddr_storage ss = {0};
    socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    int s = socket(family, SOCK_STREAM, 0);
    ss.ss_family = (sa_family_t)family;
    if (family == AF_INET)
        ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else
        ((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
    assert_int_equal(bind(s, (struct sockaddr *)&ss, sl), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&ss, &sl), 0);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return s;
}

static int connect_to(int family, int port)
{
    struct sockaddr_storage ss = {0};
    socklen_t sl = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    int s = socket(family, SOCK_STREAM, 0);
    ss.ss_family = (sa_family_t)family;
    if (family == AF_INET) {
        ((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
    } else {
        ((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
    }
    assert_int_equal(connect(s, (struct sockaddr *)&ss, sl), 0);
    return s;
}

static int count_local(const qt_socklist *l, int family, const char *ip)
{
    int n = 0;
    for (size_t i = 0; i < l->n; i++) {
        char a[64];
        qt_addr_str(l->v[i].family, l->v[i].laddr, a, sizeof a);
        n += l->v[i].family == family && strcmp(a, ip) == 0;
    }
    return n;
}

static void live_filter(void **st)
{
    (void)st;
    int pa, pb, pc, pd;
    int la = listen_on(AF_INET, &pa), lb = listen_on(AF_INET, &pb), lc = listen_on(AF_INET, &pc);
    int ld = listen_on(AF_INET6, &pd);
    int ca = connect_to(AF_INET, pa), cc = connect_to(AF_INET, pc), cd = connect_to(AF_INET6, pd);
    int aa = accept(la, NULL, NULL);
    unsigned want[] = {(unsigned)pa, (unsigned)pd, (unsigned)pb};
    struct qt_sockfilter f = {.ports = want, .nports = 3, .states = QT_SOCK_STATES};
    qt_socklist l = {0};
    char err[256];
    int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_SOCK_DIAG);

    if (fd < 0) {
        skip(); /* no sock_diag here: the /proc reader is used, tested above */
        return;
    }
    close(fd);
    assert_int_equal(qt_sock_nl_dump(AF_INET, &f, 1, &l, NULL, NULL, err, sizeof err), 0);
    /* pa: LISTEN + accepted; pb: LISTEN; pc not asked for (its queued client is not ours).
     * Only sockets on 127.0.0.1 are ours: on a busy machine an outgoing connection
     * from another address may have one of these (ephemeral) ports as its source. */
    for (size_t i = 0; i < l.n; i++)
        assert_true(l.v[i].lport == pa || l.v[i].lport == pb);
    assert_int_equal(count_local(&l, AF_INET, "127.0.0.1"), 3);
    assert_int_equal(qt_sock_nl_dump(AF_INET6, &f, 1, &l, NULL, NULL, err, sizeof err), 0);
    /* pd: LISTEN + one queued (not accepted: inode 0) */
    assert_int_equal(count_local(&l, AF_INET6, "::1"), 2);
    {
        int queued = 0;
        for (size_t i = 0; i < l.n; i++)
            if (l.v[i].family == AF_INET6 && l.v[i].lport == pd && l.v[i].state == QT_TCP_ESTABLISHED)
                queued += l.v[i].inode == 0;
        assert_int_equal(queued, 1);
    }
    qt_socklist_free(&l);
    close(aa); close(ca); close(cc); close(cd); close(la); close(lb); close(lc); close(ld);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(netlink_recorded),
        cmocka_unit_test(netlink_truncated),
        cmocka_unit_test(netlink_error_and_filter),
        cmocka_unit_test(proc_fixture),
        cmocka_unit_test(proc_broken_lines),
        cmocka_unit_test(proc_reader_files),
        cmocka_unit_test(bytecode_layout),
        cmocka_unit_test(live_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

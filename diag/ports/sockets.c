/* sockets.c - socket list helpers and the NETLINK_SOCK_DIAG reader. See sockets.h. */
#include "diag/ports/sockets.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

const char *qt_tcp_state_name(unsigned state)
{
    static const char *const names[] = {
        "?", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
        "CLOSED", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "SYN-RECV",
    };
    return state < QT_ARRAY_LEN(names) ? names[state] : "?";
}

int qt_sockfilter_match(const struct qt_sockfilter *f, unsigned lport, unsigned state)
{
    if (state >= 32 || !(f->states & QT_TCPF(state)))
        return -1;
    for (int i = 0; i < f->nports; i++)
        if (f->ports[i] == lport)
            return i;
    return -1;
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int qt_socklist_add(qt_socklist *l, const struct qt_sockfilter *f, int family, unsigned state,
                    const uint8_t *laddr, unsigned lport, const uint8_t *raddr, unsigned rport,
                    uint32_t rqueue, uint32_t wqueue, uint32_t inode, uint32_t uid)
{
    struct qt_sock *s;
    int svc = qt_sockfilter_match(f, lport, state);

    if (svc < 0 || (family != AF_INET && family != AF_INET6))
        return 0;
    qt_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
    s = &l->v[l->n++];
    memset(s, 0, sizeof *s);
    s->family = (uint8_t)family;
    s->state = (uint8_t)(state == QT_TCP_NEW_SYN_RECV ? QT_TCP_SYN_RECV : state);
    s->svc = (int8_t)svc;
    s->lport = (uint16_t)lport;
    s->rport = (uint16_t)rport;
    s->rqueue = rqueue;
    s->wqueue = wqueue;
    s->inode = inode;
    s->uid = uid;
    if (family == AF_INET) {
        memcpy(s->laddr, laddr, 4);
        memcpy(s->raddr, raddr, 4);
    } else if (memcmp(raddr, v4mapped_prefix, 12) == 0 && memcmp(laddr, v4mapped_prefix, 12) == 0) {
        /* a v4 client of a dual-stack listener: count it as the v4 address */
        s->family = AF_INET;
        s->flags |= QT_SOCK_V4MAPPED;
        memcpy(s->laddr, laddr + 12, 4);
        memcpy(s->raddr, raddr + 12, 4);
    } else {
        memcpy(s->laddr, laddr, 16);
        memcpy(s->raddr, raddr, 16);
    }
    return 1;
}

void qt_socklist_free(qt_socklist *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

void qt_addr_str(int family, const uint8_t *addr, char *out, size_t n)
{
    if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, out, (socklen_t)n))
        snprintf(out, n, "?");
}

/* --- bytecode --- */

/* One block per port, laid out so the kernel's audit (which walks the "yes"
 * chain and wants every "no" target on it) accepts it:
 *   S_GE p  yes->next op, no->next block      (+ data op holding p)
 *   S_LE p  yes->next op, no->next block      (+ data op)
 *   JMP     no->end (accept)                   (left out in the last block,
 *                                               which falls through to end)
 * In the last block "next block" is end+4, which the kernel reads as reject. */
int qt_sock_bytecode(const unsigned *ports, int nports, void *out, size_t cap)
{
    const int op = (int)sizeof(struct inet_diag_bc_op);
    int total, off = 0;
    struct inet_diag_bc_op *v = out;

    if (nports <= 0 || nports > QT_MAX_SERVICES)
        return -1;
    total = nports * 4 * op + (nports - 1) * op;
    if ((size_t)total > cap)
        return -1;
    for (int i = 0; i < nports; i++) {
        int last = i == nports - 1;
        int next = last ? total + op : off + 5 * op;   /* offset of the next block, or reject */
        unsigned short p = (unsigned short)ports[i];

        v[off / op] = (struct inet_diag_bc_op){INET_DIAG_BC_S_GE, (unsigned char)(2 * op), (unsigned short)(next - off)};
        v[off / op + 1] = (struct inet_diag_bc_op){0, 0, p};
        v[off / op + 2] = (struct inet_diag_bc_op){INET_DIAG_BC_S_LE, (unsigned char)(2 * op),
                                                   (unsigned short)(next - (off + 2 * op))};
        v[off / op + 3] = (struct inet_diag_bc_op){0, 0, p};
        if (!last)
            v[off / op + 4] = (struct inet_diag_bc_op){INET_DIAG_BC_JMP, (unsigned char)op,
                                                       (unsigned short)(total - (off + 4 * op))};
        off += last ? 4 * op : 5 * op;
    }
    return total;
}

int qt_sock_nl_request(int family, const struct qt_sockfilter *f, int want_info, uint32_t seq,
                       void *buf, size_t cap)
{
    struct nlmsghdr *nlh = buf;
    struct inet_diag_req_v2 *r;
    struct nlattr *bca;
    size_t hdr = NLMSG_LENGTH(sizeof *r);
    int bcl;

    if (cap < NLMSG_ALIGN(hdr) + NLA_HDRLEN)
        return -1;
    memset(buf, 0, NLMSG_ALIGN(hdr) + NLA_HDRLEN);
    bca = (struct nlattr *)((char *)buf + NLMSG_ALIGN(hdr));
    bcl = qt_sock_bytecode(f->ports, f->nports, (char *)bca + NLA_HDRLEN, cap - NLMSG_ALIGN(hdr) - NLA_HDRLEN);
    if (bcl < 0)
        return -1;
    bca->nla_type = INET_DIAG_REQ_BYTECODE;
    bca->nla_len = (unsigned short)(NLA_HDRLEN + bcl);
    nlh->nlmsg_len = (uint32_t)(NLMSG_ALIGN(hdr) + NLA_ALIGN(bca->nla_len));
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    nlh->nlmsg_seq = seq;
    r = NLMSG_DATA(nlh);
    r->sdiag_family = (uint8_t)family;
    r->sdiag_protocol = IPPROTO_TCP;
    r->idiag_states = f->states;
    if (want_info)
        r->idiag_ext = 1u << (INET_DIAG_INFO - 1);
    return (int)nlh->nlmsg_len;
}

/* --- parsing --- */

static void parse_diag_msg(const struct nlmsghdr *h, const struct qt_sockfilter *f, qt_socklist *out)
{
    const struct inet_diag_msg *m = NLMSG_DATA(h);
    size_t len = h->nlmsg_len, off;
    uint8_t la[16] = {0}, ra[16] = {0};
    size_t before = out->n;

    if (len < NLMSG_LENGTH(sizeof *m)) {
        out->bad++;
        return;
    }
    memcpy(la, m->id.idiag_src, 16);
    memcpy(ra, m->id.idiag_dst, 16);
    if (!qt_socklist_add(out, f, m->idiag_family, m->idiag_state, la, ntohs(m->id.idiag_sport), ra,
                         ntohs(m->id.idiag_dport), m->idiag_rqueue, m->idiag_wqueue, m->idiag_inode,
                         m->idiag_uid))
        return;
    out->v[out->n - 1].timer = m->idiag_timer <= 4 ? m->idiag_timer : 0;
    /* attributes: only tcp_info is used, and only the fields this kernel filled */
    for (off = NLMSG_ALIGN(NLMSG_LENGTH(sizeof *m)); off + NLA_HDRLEN <= len;) {
        const struct nlattr *a = (const struct nlattr *)((const char *)h + off);
        size_t al = a->nla_len;
        if (al < NLA_HDRLEN || off + al > len) {
            out->bad++;
            break;
        }
        if (a->nla_type == INET_DIAG_INFO && out->n > before) {
            const char *p = (const char *)a + NLA_HDRLEN;
            size_t pl = al - NLA_HDRLEN;
            struct qt_sock *s = &out->v[out->n - 1];
            if (pl >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(uint64_t)) {
                memcpy(&s->bytes_acked, p + offsetof(struct tcp_info, tcpi_bytes_acked), 8);
                memcpy(&s->bytes_received, p + offsetof(struct tcp_info, tcpi_bytes_received), 8);
                s->flags |= QT_SOCK_HAS_BYTES;
            }
        }
        off += NLA_ALIGN(al);
    }
}

int qt_sock_nl_parse(const void *buf, size_t len, const struct qt_sockfilter *f, qt_socklist *out, int *kerr)
{
    size_t off = 0;

    *kerr = 0;
    while (off + sizeof(struct nlmsghdr) <= len) {
        const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)buf + off);
        size_t ml = h->nlmsg_len;

        if (ml < sizeof *h || ml > len - off) {
            *kerr = EBADMSG;
            return -1;
        }
        if (h->nlmsg_type == NLMSG_DONE)
            return 1;
        if (h->nlmsg_type == NLMSG_ERROR) {
            const struct nlmsgerr *e = NLMSG_DATA(h);
            if (ml < NLMSG_LENGTH(sizeof *e)) {
                *kerr = EBADMSG;
                return -1;
            }
            if (e->error == 0) { /* an ACK */
                off += NLMSG_ALIGN(ml);
                continue;
            }
            *kerr = e->error < 0 && e->error > -4096 ? -e->error : EPROTO;
            return -1;
        }
        if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
            parse_diag_msg(h, f, out);
        off += NLMSG_ALIGN(ml);
    }
    if (off < len) /* a trailing fragment shorter than a header */
        out->bad++;
    return 0;
}

/* --- the dump --- */

int qt_sock_nl_dump(int family, const struct qt_sockfilter *f, int want_info, qt_socklist *out,
                    qt_sock_tap tap, void *tap_arg, char *err, size_t errlen)
{
    static uint32_t seq;
    const size_t bufsz = 64 * 1024;  /* the kernel fills at most ~32 KiB per dump skb */
    char req[1024];
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct timeval tv = {.tv_sec = 5};
    int fd, len, done = 0, rc = -1, kerr = 0;
    char *buf;

    if (f->nports == 0)
        return 0;
    len = qt_sock_nl_request(family, f, want_info, ++seq, req, sizeof req);
    if (len < 0) {
        snprintf(err, errlen, "netlink: cannot build the request");
        return -1;
    }
    fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) {
        snprintf(err, errlen, "netlink sock_diag unavailable: %s", strerror(errno));
        return -1;
    }
    /* the kernel answers at once; the timeout only guards against a broken one */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sendto(fd, req, (size_t)len, 0, (struct sockaddr *)&kernel, sizeof kernel) != len) {
        snprintf(err, errlen, "netlink sock_diag request failed: %s", strerror(errno));
        close(fd);
        return -1;
    }
    buf = qt_malloc(bufsz);
    while (!done) {
        ssize_t n = recv(fd, buf, bufsz, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            kerr = errno;
            snprintf(err, errlen, "netlink sock_diag dump failed: %s", strerror(errno));
            goto out;
        }
        if (n == 0) {
            kerr = EPROTO;
            snprintf(err, errlen, "netlink sock_diag dump ended early");
            goto out;
        }
        if (tap)
            tap(buf, (size_t)n, tap_arg);
        switch (qt_sock_nl_parse(buf, (size_t)n, f, out, &kerr)) {
        case 1: done = 1; break;
        case 0: break;
        default:
            snprintf(err, errlen, "netlink sock_diag (%s): %s", family == AF_INET6 ? "IPv6" : "IPv4",
                     strerror(kerr));
            goto out;
        }
    }
    rc = 0;
out:
    free(buf);
    close(fd);
    errno = kerr;
    return rc;
}

/* --- choosing the source --- */

/* Which families need the full (connection) dump: those with a listener of
 * a watched port, and both for a service that has no listener at all. The
 * kernel walks its whole connection hash for each full dump, even when
 * nothing matches, while a LISTEN-only dump walks just the listeners. */
static void families_needed(const qt_socklist *l, size_t from, const struct qt_sockfilter *f, int *need4, int *need6)
{
    *need4 = *need6 = 0;
    for (int i = 0; i < f->nports; i++) {
        int h4 = 0, h6 = 0;
        for (size_t k = from; k < l->n; k++)
            if (l->v[k].svc == i && l->v[k].state == QT_TCP_LISTEN) {
                h4 |= l->v[k].family == AF_INET;
                h6 |= l->v[k].family == AF_INET6;
            }
        if (!h4 && !h6)
            h4 = h6 = 1;
        *need4 |= h4;
        *need6 |= h6;
    }
}

static int nl_read(const struct qt_sockfilter *f, int want_info, qt_socklist *out, char *why, size_t whylen)
{
    struct qt_sockfilter fl = *f, fe = *f;
    char e[256] = "";
    size_t n0 = out->n;
    int need4, need6;

    fl.states = f->states & QT_TCPF(QT_TCP_LISTEN);
    fe.states = f->states & ~QT_TCPF(QT_TCP_LISTEN);
    if (fl.states) {
        if (qt_sock_nl_dump(AF_INET, &fl, 0, out, NULL, NULL, e, sizeof e) != 0)
            goto fail;
        /* a kernel without IPv6 answers the v6 dump with an error: v4 alone is complete then */
        if (qt_sock_nl_dump(AF_INET6, &fl, 0, out, NULL, NULL, e, sizeof e) != 0 && errno != EAFNOSUPPORT &&
            errno != ENOENT)
            goto fail;
    }
    families_needed(out, n0, f, &need4, &need6);
    if (!fe.states)
        return 0;
    if (need4 && qt_sock_nl_dump(AF_INET, &fe, want_info, out, NULL, NULL, e, sizeof e) != 0)
        goto fail;
    if (need6 && qt_sock_nl_dump(AF_INET6, &fe, want_info, out, NULL, NULL, e, sizeof e) != 0 &&
        errno != EAFNOSUPPORT && errno != ENOENT)
        goto fail;
    return 0;
fail:
    snprintf(why, whylen, "%s", e);
    out->n = n0;
    return -1;
}

int qt_sock_read(const qt_ctx *ctx, const struct qt_sockfilter *f, int want_info, qt_socklist *out,
                 const char **backend, char *why, size_t whylen, char *err, size_t errlen)
{
    why[0] = '\0';
    if (!ctx->proc || strcmp(ctx->proc, "/proc") == 0) {
        if (nl_read(f, want_info, out, why, whylen) == 0) {
            *backend = "netlink";
            return 0;
        }
    }
    *backend = "proc";
    return qt_sock_read_proc(ctx, f, out, err, errlen);
}

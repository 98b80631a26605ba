/* sockets.h - TCP sockets of the watched local ports, straight from the
 * kernel: NETLINK_SOCK_DIAG / inet_diag (one dump per address family, the
 * state and local-port filter run in the kernel as inet_diag bytecode), or
 * <proc>/net/tcp and tcp6 when netlink is unavailable or ctx->proc is a
 * fixture tree (sockets_proc.c).
 *
 * Both readers produce the same list. Addresses are normalised: an IPv6
 * socket whose peer is an IPv4-mapped address (::ffff:a.b.c.d, a v4 client
 * of a dual-stack listener) is stored as AF_INET with both addresses
 * unmapped, so a client counts as its IPv4 address however the server
 * listens.
 *
 * Memory: a qt_socklist owns its array. Nothing here allocates per socket.
 */
#ifndef QT_SOCKETS_H
#define QT_SOCKETS_H

#include <stddef.h>
#include <stdint.h>

#include "diag/core/ctx.h"

/* Kernel TCP states (include/net/tcp_states.h), as inet_diag and /proc report them. */
enum {
    QT_TCP_ESTABLISHED = 1, QT_TCP_SYN_SENT, QT_TCP_SYN_RECV, QT_TCP_FIN_WAIT1,
    QT_TCP_FIN_WAIT2, QT_TCP_TIME_WAIT, QT_TCP_CLOSE, QT_TCP_CLOSE_WAIT,
    QT_TCP_LAST_ACK, QT_TCP_LISTEN, QT_TCP_CLOSING, QT_TCP_NEW_SYN_RECV,
};
#define QT_TCPF(s) (1u << (s))
/* What the ports collector asks for: LISTEN (accept queue), ESTABLISHED,
 * SYN-RECV (half-open; the kernel's NEW_SYN_RECV request sockets report as
 * SYN-RECV) and CLOSE-WAIT (peer gone, server still holds the socket). */
#define QT_SOCK_STATES (QT_TCPF(QT_TCP_LISTEN) | QT_TCPF(QT_TCP_ESTABLISHED) | \
                        QT_TCPF(QT_TCP_SYN_RECV) | QT_TCPF(QT_TCP_NEW_SYN_RECV) | \
                        QT_TCPF(QT_TCP_CLOSE_WAIT))

/* "ESTAB", "SYN-RECV", ... as ss(8) names them; "?" for unknown values. */
const char *qt_tcp_state_name(unsigned state);

#define QT_SOCK_HAS_BYTES 1u   /* bytes_received / bytes_acked came from tcp_info */
#define QT_SOCK_V4MAPPED  2u   /* an IPv6 socket with a v4-mapped peer, stored as AF_INET */

/* The timer pending on a socket, as inet_diag's idiag_timer and the "tr"
 * column of /proc/net/tcp report it (net/ipv4/inet_diag.c
 * inet_sk_diag_fill, net/ipv4/tcp_ipv4.c get_tcp4_sock): a retransmit
 * timer wins over keepalive, so a keepalive socket with unacknowledged data
 * shows RETRANS for a moment; one with no SO_KEEPALIVE never shows
 * KEEPALIVE (`ss -o`: timer:(keepalive,...)). */
enum {
    QT_SOCK_TIMER_NONE = 0, QT_SOCK_TIMER_RETRANS = 1, QT_SOCK_TIMER_KEEPALIVE = 2,
    QT_SOCK_TIMER_TIMEWAIT = 3, QT_SOCK_TIMER_PROBE0 = 4,
};

struct qt_sock {
    uint8_t family;       /* AF_INET or AF_INET6, after unmapping (see above) */
    uint8_t state;        /* QT_TCP_*; NEW_SYN_RECV is stored as SYN_RECV */
    int8_t svc;           /* index into ctx->services */
    uint8_t flags;        /* QT_SOCK_* */
    uint8_t timer;        /* QT_SOCK_TIMER_*: the timer the kernel runs on it now */
    uint16_t lport, rport;        /* host order */
    uint8_t laddr[16], raddr[16]; /* network order; IPv4 uses the first 4 bytes */
    uint32_t rqueue;      /* LISTEN: connections waiting in the accept queue; else unread bytes */
    uint32_t wqueue;      /* LISTEN: backlog (netlink only; 0 from /proc); else unsent bytes */
    uint32_t inode;       /* socket inode; 0 = no socket file (not accepted yet, or orphaned) */
    uint32_t uid;
    uint64_t bytes_received;  /* tcp_info, when QT_SOCK_HAS_BYTES */
    uint64_t bytes_acked;     /* bytes we sent that the peer acknowledged */
};

typedef struct qt_socklist {
    struct qt_sock *v;
    size_t n, cap;
    unsigned long bad;     /* lines or messages skipped as malformed/truncated */
} qt_socklist;

/* Which sockets to keep: local ports (host order, matched to ctx service
 * indexes by position) and a mask of QT_TCPF() states. */
struct qt_sockfilter {
    const unsigned *ports;
    int nports;            /* at most QT_MAX_SERVICES */
    unsigned states;
};

/* Index in f->ports of a socket with this local port and state, or -1. */
int qt_sockfilter_match(const struct qt_sockfilter *f, unsigned lport, unsigned state);

/* Store one socket (addresses as the kernel gave them: 4 or 16 bytes) after
 * filtering and unmapping. Returns 1 if kept, 0 if filtered out. */
int qt_socklist_add(qt_socklist *l, const struct qt_sockfilter *f, int family, unsigned state,
                    const uint8_t *laddr, unsigned lport, const uint8_t *raddr, unsigned rport,
                    uint32_t rqueue, uint32_t wqueue, uint32_t inode, uint32_t uid);
void qt_socklist_free(qt_socklist *l);

/* Format an address of family (AF_INET/AF_INET6) as text into out (>= 46 bytes). */
void qt_addr_str(int family, const uint8_t *addr, char *out, size_t n);

/* --- netlink (sockets.c) --- */

/* inet_diag bytecode accepting exactly the given local ports (an OR of
 * "sport >= p && sport <= p" blocks, the comparisons every kernel since
 * 2.6 knows). Writes at most cap bytes; returns the length, or -1 if it
 * does not fit or nports is 0 or more than QT_MAX_SERVICES. */
int qt_sock_bytecode(const unsigned *ports, int nports, void *out, size_t cap);

/* The whole dump request (nlmsghdr + inet_diag_req_v2 + bytecode) for one
 * family; want_info asks for tcp_info (byte counters). Returns its length or -1. */
int qt_sock_nl_request(int family, const struct qt_sockfilter *f, int want_info, uint32_t seq,
                       void *buf, size_t cap);

/* Parse a buffer of netlink messages (what one recv() returned, or a
 * recorded fixture: several recv() buffers concatenated) into out.
 * Returns 1 when NLMSG_DONE was seen, 0 when more is to come, -1 on an
 * NLMSG_ERROR from the kernel (*kerr = its positive errno) or a header that
 * runs past the buffer (*kerr = EBADMSG). Malformed socket messages are
 * skipped and counted in out->bad. */
int qt_sock_nl_parse(const void *buf, size_t len, const struct qt_sockfilter *f, qt_socklist *out,
                     int *kerr);

/* Observe every raw recv() buffer of a dump (for recording fixtures). */
typedef void (*qt_sock_tap)(const void *buf, size_t len, void *arg);

/* Dump one family through NETLINK_SOCK_DIAG into out. Returns 0, or -1 with
 * a reason (netlink unavailable, kernel error). tap may be NULL. */
int qt_sock_nl_dump(int family, const struct qt_sockfilter *f, int want_info, qt_socklist *out,
                    qt_sock_tap tap, void *tap_arg, char *err, size_t errlen);

/* --- /proc/net/tcp{,6} (sockets_proc.c) --- */

/* Parse the text of /proc/net/tcp (family AF_INET) or tcp6 (AF_INET6).
 * The header line, malformed and truncated lines are skipped; the latter
 * two are counted in out->bad. Addresses are read in host byte order, as
 * the kernel printed them. Returns the number of sockets kept. */
size_t qt_sock_proc_parse(const char *text, size_t len, int family, const struct qt_sockfilter *f,
                          qt_socklist *out);
/* Read <ctx->proc>/net/tcp and tcp6 (a missing tcp6 means no IPv6: not an
 * error). Returns 0, or -1 with a reason if net/tcp cannot be read. */
int qt_sock_read_proc(const qt_ctx *ctx, const struct qt_sockfilter *f, qt_socklist *out,
                      char *err, size_t errlen);

/* --- choosing the source --- */

/* Netlink when ctx->proc is the live /proc, else (or when netlink fails)
 * the /proc reader. Netlink reads the listeners of both families first
 * (cheap: the kernel walks only its listening hash), then dumps the
 * connections of the families that have a listener of a watched port
 * (both for a service with no listener): each connection dump walks the
 * kernel's whole connection table, matching or not. A connection left
 * over from a listener of the other family that no longer exists is
 * therefore not seen. *backend gets "netlink" or "proc"; when netlink failed
 * and /proc was used, why gets the netlink error (else ""). Returns 0, or
 * -1 with a reason when no source worked. */
int qt_sock_read(const qt_ctx *ctx, const struct qt_sockfilter *f, int want_info, qt_socklist *out,
                 const char **backend, char *why, size_t whylen, char *err, size_t errlen);

#endif

/* selfconn.h - qtriage's own connections to the services it watches (issue
 * 16): the probes' (diag/probe) and the auth wizard's SMTP sessions
 * (diag/auth) note each socket right after connect(), so the analyses do
 * not count them as clients: tcpserver logs the client's address and port
 * ("ok PID LHOST:LIP:LPORT RHOST:RIP:RINFO:RPORT", docs/domain/ucspi.md
 * #log-lines), which is our socket's local address, and the Ports model sees
 * the same pair as the remote end of the server's socket.
 *
 * Process-wide, bounded: the last QT_SELFCONN_MAX connections, each ours
 * from 5 s before it was noted (clock steps, a log stamped before our
 * sample) to QT_SELFCONN_SECS after (the longest probe runs minutes; an
 * ephemeral port is not reused that soon). Not thread-safe: the console
 * runs jobs in one thread.
 */
#ifndef QT_SELFCONN_H
#define QT_SELFCONN_H

#include <stdint.h>

#define QT_SELFCONN_MAX 64
#define QT_SELFCONN_SECS 3600

/* Note connected (or connecting: the local port is bound by connect())
 * socket fd at time now (Unix seconds). Does nothing for a socket whose
 * local address cannot be read. An IPv4-mapped IPv6 local address is kept
 * as IPv4 (as the Ports model and the log classifier write it). */
void qt_selfconn_note(int fd, double now);
/* 1 when ip (text, "127.0.0.1", "::1") and port were one of our noted
 * connections' local ends at time when. */
int qt_selfconn_match(const char *ip, unsigned port, double when);
/* The same for an address as bytes (family AF_INET: 4 bytes, AF_INET6: 16). */
int qt_selfconn_match_addr(int family, const uint8_t *addr, unsigned port, double when);
/* 1 when ip was the local address of one of our connections at time when
 * (any port): vchkpw logs the client's address without its port. */
int qt_selfconn_ip(const char *ip, double when);
/* Forget every noted connection (tests). */
void qt_selfconn_reset(void);

#endif

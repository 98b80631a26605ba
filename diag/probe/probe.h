/* probe.h - measuring what a local mail listener really does on the wire
 * (issue 18): the TLS handshake probe and the idle-drop probe, each a
 * qt_job (diag/core/job.h) that never blocks and always ends by its own
 * deadline.
 *
 *  - handshake probe: connect, speak STARTTLS first when the service needs
 *    it (SMTP EHLO/STARTTLS, POP3 STLS, IMAP STARTTLS: RFC 3207, RFC 2595),
 *    run the TLS handshake (OpenSSL) and record time, protocol, cipher and
 *    the server certificate. With legacy=1 it offers only TLS 1.0/1.1
 *    (OpenSSL 3 refuses them below @SECLEVEL=0) to learn whether the server
 *    still accepts them.
 *  - idle-drop probe: connect, send nothing (or a partial ClientHello, a
 *    slow-handshake client), and measure when the server closes the
 *    connection; still open at the bound is a result too.
 *
 * Targets are addresses of this host only: qt_probe_target_set() refuses
 * anything else. Certificates and banners are hostile text: the strings
 * below are raw and bounded; they reach the screen only through the
 * finding setters (which escape).
 */
#ifndef QT_PROBE_H
#define QT_PROBE_H

#include <stddef.h>
#include <sys/socket.h>

#include "diag/core/job.h"

enum qt_probe_kind {
    QT_PROBE_HANDSHAKE = 0,
    QT_PROBE_LEGACY,        /* handshake offering only TLS 1.0 and 1.1 */
    QT_PROBE_IDLE,          /* connect, send nothing */
    QT_PROBE_PARTIAL,       /* connect, send a partial ClientHello, then nothing */
};

/* How TLS starts on the service. */
enum qt_probe_starttls {
    QT_STLS_IMPLICIT = 0,   /* TLS from the first byte (465, 993, 995) */
    QT_STLS_SMTP,           /* EHLO, STARTTLS (RFC 3207): 25, 587 */
    QT_STLS_POP3,           /* STLS (RFC 2595): 110 */
    QT_STLS_IMAP,           /* STARTTLS (RFC 2595): 143 */
};

enum qt_probe_status {
    QT_PR_RUNNING = 0,
    QT_PR_OK,               /* handshake done; idle: the server closed the connection */
    QT_PR_OPEN,             /* idle: still open at the bound */
    QT_PR_NO_TLS,           /* the service speaks no TLS (plain text, or no STARTTLS offered) */
    QT_PR_REFUSED,          /* legacy: the server refused TLS 1.0/1.1 (good) */
    QT_PR_FAILED,           /* handshake or dialogue failed; why says how */
    QT_PR_TIMEOUT,          /* no answer by the deadline */
    QT_PR_CONNECT,          /* no TCP connection */
};
const char *qt_probe_status_name(enum qt_probe_status s);

struct qt_probe_target {
    char service[32];
    char host[64];          /* numeric address, for messages */
    unsigned port;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    enum qt_probe_starttls starttls;
    char verify_name[128];  /* name the certificate should carry (control/me), "" = none */
};

/* Fill t for host:port. host is a numeric IPv4/IPv6 address, "localhost",
 * or a wildcard ("", "0", "0.0.0.0", "::": probed on loopback). Refuses
 * (-1, why) any address that is not this host's: 127.0.0.0/8, ::1, or an
 * address of a local interface (getifaddrs). Names are never resolved. */
int qt_probe_target_set(struct qt_probe_target *t, const char *service, const char *host, unsigned port,
                        char *why, size_t n);
/* 1 when addr is loopback or an address of a local interface. */
int qt_probe_addr_local(const struct sockaddr *addr);

struct qt_probe_result {
    enum qt_probe_kind kind;
    enum qt_probe_status status;
    double took;            /* handshake: seconds of the TLS handshake alone; idle: seconds until closed (or the bound) */
    double total;           /* seconds from connect() to the end */
    char why[256];          /* one line: what happened ("" when OK) */
    /* handshake */
    char version[32];       /* "TLSv1.3" */
    char cipher[64];
    int has_cert;
    char subject[256], issuer[256];
    char san[256];          /* "DNS:mail.example.com, IP:127.0.0.1" (truncated) */
    char not_after[64];     /* "2027-01-31 12:00:00 UTC" */
    long days_left;         /* whole days; negative when expired */
    int name_match;         /* 1 the certificate names verify_name, 0 not, -1 not checked */
    int self_signed;
    /* idle */
    size_t bytes_in;        /* bytes the server sent while we were silent */
    double bound;
};

/* New probe jobs; timeout bounds the whole handshake probe (connect,
 * STARTTLS dialogue, handshake), bound the idle probes' wait. Never NULL;
 * a failure to start shows in the result. The process must ignore SIGPIPE
 * (set to SIG_IGN here when at its default, as the auth wizard does). */
qt_job *qt_probe_tls_new(const struct qt_probe_target *t, int legacy, double timeout);
qt_job *qt_probe_idle_new(const struct qt_probe_target *t, int partial, double bound);
/* The job's result (valid until the job is freed). */
const struct qt_probe_result *qt_probe_job_result(qt_job *j);
/* The job's target. */
const struct qt_probe_target *qt_probe_job_target(qt_job *j);

#endif

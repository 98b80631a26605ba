/* auth_smtpio.c - the SMTP session as a job: socket, non-blocking connect,
 * OpenSSL, deadlines. The protocol itself is in auth_smtp.c. */
#include "diag/auth/auth_smtp.h"
#include "diag/core/selfconn.h"
#include "diag/core/util.h"
#include "diag/core/x509text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum jstate { J_CONNECT, J_HANDSHAKE, J_SESSION, J_DONE };

struct smtp_job {
    qt_job base;
    qt_smtp s;
    struct qt_smtp_target t;
    char verify_name[128];
    double timeout;
    double start, phase_deadline, cap, took, done_at;
    int fd;
    enum jstate st;
    SSL_CTX *ctx;
    SSL *ssl;
    short ssl_events;      /* what the last SSL call waits for */
};

int qt_smtp_parse_target(const char *s, unsigned default_port, struct qt_smtp_target *t, char *err, size_t n)
{
    char host[64];
    const char *port_s = NULL;
    unsigned long port = default_port;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&t->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&t->addr;

    memset(t, 0, sizeof *t);
    if (!s || !*s) {
        snprintf(err, n, "no target given");
        return -1;
    }
    if (*s == '[') {
        const char *e = strchr(s, ']');
        if (!e || (size_t)(e - s - 1) >= sizeof host) {
            snprintf(err, n, "bad target \"%.80s\": want [IPv6]:PORT", s);
            return -1;
        }
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = '\0';
        if (e[1] == ':')
            port_s = e + 2;
        else if (e[1]) {
            snprintf(err, n, "bad target \"%.80s\": want [IPv6]:PORT", s);
            return -1;
        }
    } else {
        const char *c = strchr(s, ':');
        size_t hl;
        if (c && strchr(c + 1, ':'))
            c = NULL; /* a bare IPv6 address */
        hl = c ? (size_t)(c - s) : strlen(s);
        if (hl >= sizeof host) {
            snprintf(err, n, "target host too long");
            return -1;
        }
        memcpy(host, s, hl);
        host[hl] = '\0';
        if (c)
            port_s = c + 1;
    }
    if (port_s && (qt_parse_ulong(port_s, &port) != 0 || port == 0 || port > 65535)) {
        snprintf(err, n, "bad port \"%.20s\" in target", port_s);
        return -1;
    }
    if (strcasecmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        t->addrlen = sizeof *v4;
        t->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        t->addrlen = sizeof *v6;
        t->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        snprintf(err, n, "target \"%.60s\" is not an IP address (qtriage does not resolve names here: "
                 "that would block or use the system resolver)", host);
        return -1;
    }
    snprintf(t->host, sizeof t->host, "%s", host);
    t->port = (unsigned)port;
    return 0;
}

static void close_all(struct smtp_job *j)
{
    if (j->ssl) {
        (void)SSL_shutdown(j->ssl); /* one close_notify, never waits */
        SSL_free(j->ssl);
        j->ssl = NULL;
    }
    if (j->ctx) {
        SSL_CTX_free(j->ctx);
        j->ctx = NULL;
    }
    if (j->fd >= 0) {
        close(j->fd);
        j->fd = -1;
    }
    ERR_clear_error();
    if (j->st != J_DONE) {
        j->done_at = qt_now_mono();
        j->took = j->done_at - j->start;
    }
    j->st = J_DONE;
}

static void cert_info(struct smtp_job *j)
{
    struct qt_tls_info *ti = &j->s.tls;
    X509 *c = SSL_get1_peer_certificate(j->ssl);
    const ASN1_TIME *na;
    struct tm tm;
    int days = 0, secs = 0;

    ti->done = 1;
    snprintf(ti->version, sizeof ti->version, "%s", SSL_get_version(j->ssl));
    snprintf(ti->cipher, sizeof ti->cipher, "%s", SSL_get_cipher_name(j->ssl));
    ti->verify = SSL_get_verify_result(j->ssl);
    snprintf(ti->verify_str, sizeof ti->verify_str, "%s",
             ti->verify == X509_V_OK ? "ok" : X509_verify_cert_error_string(ti->verify));
    ti->name_match = -1;
    if (!c) {
        snprintf(ti->subject, sizeof ti->subject, "(no certificate)");
        return;
    }
    qt_x509_name_text(X509_get_subject_name(c), ti->subject, sizeof ti->subject);
    qt_x509_name_text(X509_get_issuer_name(c), ti->issuer, sizeof ti->issuer);
    na = X509_get0_notAfter(c);
    if (na && ASN1_TIME_to_tm(na, &tm) == 1) {
        strftime(ti->not_after, sizeof ti->not_after, "%Y-%m-%d %H:%M:%S UTC", &tm);
        if (ASN1_TIME_diff(&days, &secs, NULL, na) == 1)
            ti->days_left = days;
    }
    ti->self_signed = X509_check_issued(c, c) == X509_V_OK;
    if (j->verify_name[0]) {
        snprintf(ti->checked_name, sizeof ti->checked_name, "%s", j->verify_name);
        if (strchr(j->verify_name, ':') || inet_addr(j->verify_name) != INADDR_NONE)
            ti->name_match = X509_check_ip_asc(c, j->verify_name, 0) == 1;
        else
            ti->name_match = X509_check_host(c, j->verify_name, 0, 0, NULL) == 1;
    }
    X509_free(c);
    qt_smtp_note(&j->s, "TLS %s %s; certificate subject: %s; issuer: %s; expires %s (%ld days); verification: %s",
                 ti->version, ti->cipher, ti->subject, ti->issuer, ti->not_after, ti->days_left, ti->verify_str);
}

static void ssl_why(struct smtp_job *j, int r, int err, char *why, size_t n)
{
    unsigned long e = ERR_peek_error();
    if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && !e && (r == 0 || errno == 0)))
        snprintf(why, n, "the server closed the connection during the TLS handshake");
    else if (err == SSL_ERROR_SYSCALL && !e)
        snprintf(why, n, "TLS handshake: %s", strerror(errno));
    else if (e) {
        char buf[200];
        ERR_error_string_n(e, buf, sizeof buf);
        snprintf(why, n, "TLS handshake failed: %s", buf);
    } else
        snprintf(why, n, "TLS handshake failed (SSL error %d)", err);
    (void)j;
}

static void set_deadline(struct smtp_job *j, double now)
{
    double t = j->s.phase == QT_PH_QUIT && j->timeout > 5 ? 5 : j->timeout;
    j->phase_deadline = now + t;
}

static void start_handshake(struct smtp_job *j, double now);

static void handshake(struct smtp_job *j, double now)
{
    int r, err;
    char why[256];
    int implicit = j->s.phase == QT_PH_CONNECT;

    ERR_clear_error();
    errno = 0;
    r = SSL_connect(j->ssl);
    if (r == 1) {
        cert_info(j);
        qt_smtp_tls_result(&j->s, 1, NULL);
        if (implicit)
            qt_smtp_start(&j->s);
        j->st = J_SESSION;
        j->ssl_events = POLLIN;
        set_deadline(j, now);
        return;
    }
    err = SSL_get_error(j->ssl, r);
    if (err == SSL_ERROR_WANT_READ) {
        j->ssl_events = POLLIN;
        return;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        j->ssl_events = POLLOUT;
        return;
    }
    ssl_why(j, r, err, why, sizeof why);
    qt_smtp_tls_result(&j->s, 0, why);
    close_all(j);
}

static void start_handshake(struct smtp_job *j, double now)
{
    int is_ip = strchr(j->verify_name, ':') || inet_addr(j->verify_name) != INADDR_NONE;

    j->ctx = SSL_CTX_new(TLS_client_method());
    if (j->ctx) {
        SSL_CTX_set_verify(j->ctx, SSL_VERIFY_NONE, NULL); /* verified and reported, not required */
        (void)SSL_CTX_set_default_verify_paths(j->ctx);
        SSL_CTX_set_mode(j->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        j->ssl = SSL_new(j->ctx);
    }
    if (!j->ssl || SSL_set_fd(j->ssl, j->fd) != 1) {
        qt_smtp_tls_result(&j->s, 0, "cannot set up OpenSSL");
        close_all(j);
        return;
    }
    if (j->verify_name[0] && !is_ip) {
        SSL_set_tlsext_host_name(j->ssl, j->verify_name);
        SSL_set1_host(j->ssl, j->verify_name);
    } else if (j->verify_name[0]) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(j->ssl), j->verify_name);
    }
    SSL_set_connect_state(j->ssl);
    j->st = J_HANDSHAKE;
    set_deadline(j, now);
    handshake(j, now);
}

/* Write what the engine queued. Returns -1 if the connection broke. */
static int flush(struct smtp_job *j, double now)
{
    int wrote = 0;
    while (j->s.out_off < j->s.out.len) {
        const char *p = j->s.out.s + j->s.out_off;
        size_t left = j->s.out.len - j->s.out_off;
        if (j->ssl) {
            int r;
            ERR_clear_error();
            r = SSL_write(j->ssl, p, (int)left);
            if (r > 0) {
                qt_smtp_sent(&j->s, (size_t)r);
                wrote = 1;
                continue;
            }
            switch (SSL_get_error(j->ssl, r)) {
            case SSL_ERROR_WANT_WRITE: j->ssl_events = POLLOUT; return 0;
            case SSL_ERROR_WANT_READ: j->ssl_events = POLLIN; return 0;
            default:
                qt_smtp_fail(&j->s, QT_SMTP_CLOSED, "the connection broke while sending (TLS)");
                return -1;
            }
        } else {
            ssize_t r = send(j->fd, p, left, MSG_NOSIGNAL);
            if (r > 0) {
                qt_smtp_sent(&j->s, (size_t)r);
                wrote = 1;
                continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
            {
                char why[160];
                snprintf(why, sizeof why, "the connection broke while sending: %s", strerror(errno));
                qt_smtp_fail(&j->s, QT_SMTP_CLOSED, why);
            }
            return -1;
        }
    }
    if (wrote)
        set_deadline(j, now);
    j->ssl_events = POLLIN;
    return 0;
}

/* Read everything available and feed the engine. */
static void drain(struct smtp_job *j)
{
    char buf[4096];
    for (int rounds = 0; rounds < 64 && !j->s.done && !j->s.want_tls; rounds++) {
        if (j->ssl) {
            int r;
            ERR_clear_error();
            errno = 0;
            r = SSL_read(j->ssl, buf, sizeof buf);
            if (r > 0) {
                qt_smtp_input(&j->s, buf, (size_t)r);
                continue;
            }
            switch (SSL_get_error(j->ssl, r)) {
            case SSL_ERROR_WANT_READ: j->ssl_events = POLLIN; return;
            case SSL_ERROR_WANT_WRITE: j->ssl_events = POLLOUT; return;
            case SSL_ERROR_ZERO_RETURN: qt_smtp_eof(&j->s); return;
            default:
                if (!ERR_peek_error() && (r == 0 || errno == 0 || errno == ECONNRESET))
                    qt_smtp_eof(&j->s);
                else
                    qt_smtp_fail(&j->s, QT_SMTP_CLOSED, "TLS read error: the connection broke");
                return;
            }
        } else {
            ssize_t r = read(j->fd, buf, sizeof buf);
            if (r > 0) {
                qt_smtp_input(&j->s, buf, (size_t)r);
                continue;
            }
            if (r == 0) {
                qt_smtp_eof(&j->s);
                return;
            }
            if (errno == EAGAIN || errno == EINTR)
                return;
            if (errno == ECONNRESET) {
                qt_smtp_eof(&j->s);
                return;
            }
            {
                char why[160];
                snprintf(why, sizeof why, "read error: %s", strerror(errno));
                qt_smtp_fail(&j->s, QT_SMTP_CLOSED, why);
            }
            return;
        }
    }
}

static int j_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct smtp_job *j = (struct smtp_job *)job;
    if (j->st == J_DONE || max < 1 || j->fd < 0)
        return 0;
    pfd[0].fd = j->fd;
    if (j->st == J_CONNECT)
        pfd[0].events = POLLOUT;
    else if (j->ssl)
        pfd[0].events = j->ssl_events | (j->s.out_off < j->s.out.len ? POLLOUT : 0);
    else
        pfd[0].events = POLLIN | (j->s.out_off < j->s.out.len ? POLLOUT : 0);
    return 1;
}

static double j_deadline(qt_job *job)
{
    struct smtp_job *j = (struct smtp_job *)job;
    if (j->st == J_DONE)
        return j->done_at; /* already over: step at once */
    return j->phase_deadline < j->cap ? j->phase_deadline : j->cap;
}

static int j_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct smtp_job *j = (struct smtp_job *)job;
    short rev = n > 0 ? pfd[0].revents : 0;

    if (j->st == J_DONE)
        return 1;
    if (!rev && now >= j_deadline(job)) {
        if (j->st == J_CONNECT) {
            char why[160];
            snprintf(why, sizeof why, "no TCP connection to %s:%u within %.0f s", j->t.host, j->t.port, j->timeout);
            qt_smtp_timeout(&j->s);
            snprintf(j->s.why, sizeof j->s.why, "%s", why);
        } else if (j->st == J_HANDSHAKE) {
            char why[160];
            snprintf(why, sizeof why, "no TLS handshake within %.0f s (the server stalls)", j->timeout);
            qt_smtp_tls_result(&j->s, 0, why);
        } else {
            qt_smtp_timeout(&j->s);
        }
        close_all(j);
        return 1;
    }
    if (j->st == J_CONNECT) {
        int e = 0;
        socklen_t el = sizeof e;
        if (!rev)
            return 0;
        if (getsockopt(j->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
            e = errno;
        if (e) {
            char why[200];
            snprintf(why, sizeof why, "cannot connect to %s:%u: %s", j->t.host, j->t.port, strerror(e));
            qt_smtp_fail(&j->s, QT_SMTP_CONNECT_FAILED, why);
            close_all(j);
            return 1;
        }
        qt_smtp_note(&j->s, "connected to %s:%u in %.0f ms", j->t.host, j->t.port, (now - j->start) * 1000);
        if (j->s.tls_mode == QT_TLS_IMPLICIT) {
            start_handshake(j, now);
            return j->st == J_DONE;
        }
        qt_smtp_start(&j->s);
        j->st = J_SESSION;
        set_deadline(j, now);
        return 0;
    }
    if (j->st == J_HANDSHAKE) {
        if (!rev)
            return 0;
        handshake(j, now);
        if (j->st == J_SESSION && flush(j, now) < 0) {
            close_all(j);
            return 1;
        }
        if (j->st == J_SESSION) {
            drain(j); /* TLS may already hold the banner (implicit TLS) */
            if (!j->s.done && flush(j, now) < 0) {
                close_all(j);
                return 1;
            }
        }
        if (j->s.done)
            close_all(j);
        return j->st == J_DONE;
    }
    /* session */
    if (rev & (POLLIN | POLLHUP | POLLERR | POLLOUT)) {
        if (j->s.out_off < j->s.out.len && flush(j, now) < 0) {
            close_all(j);
            return 1;
        }
        if (rev & (POLLIN | POLLHUP | POLLERR) || j->ssl)
            drain(j);
        if (j->s.want_tls && !j->s.done) {
            start_handshake(j, now);
            return j->st == J_DONE;
        }
        if (!j->s.done && flush(j, now) < 0) {
            close_all(j);
            return 1;
        }
    }
    if (j->s.done) {
        close_all(j);
        return 1;
    }
    return 0;
}

static void j_cancel(qt_job *job)
{
    struct smtp_job *j = (struct smtp_job *)job;
    if (j->st != J_DONE) {
        qt_smtp_fail(&j->s, QT_SMTP_CLOSED, "aborted by the user");
        close_all(j);
    }
}

static void j_free(qt_job *job)
{
    struct smtp_job *j = (struct smtp_job *)job;
    close_all(j);
    qt_smtp_free(&j->s);
    free(j);
}

static const struct qt_job_ops smtp_ops = {
    .pollfds = j_pollfds, .deadline = j_deadline, .step = j_step, .cancel = j_cancel, .free = j_free,
};

qt_job *qt_smtp_job_new(const struct qt_smtp_cfg *cfg, const struct qt_smtp_target *t, const char *verify_name,
                        double timeout)
{
    struct smtp_job *j = qt_calloc(1, sizeof *j);
    struct sigaction sa;
    double now = qt_now_mono();

    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    j->base.ops = &smtp_ops;
    qt_smtp_init(&j->s, cfg);
    j->t = *t;
    snprintf(j->verify_name, sizeof j->verify_name, "%s", verify_name && *verify_name ? verify_name : t->host);
    j->timeout = timeout > 0 ? timeout : 20;
    j->start = now;
    j->cap = now + 6 * j->timeout;
    j->phase_deadline = now + j->timeout;
    j->st = J_CONNECT;
    j->ssl_events = POLLIN;
    j->fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (j->fd < 0) {
        char why[160];
        snprintf(why, sizeof why, "socket: %s", strerror(errno));
        qt_smtp_fail(&j->s, QT_SMTP_CONNECT_FAILED, why);
        close_all(j);
        return &j->base;
    }
    qt_smtp_note(&j->s, "connecting to %s:%u (%s)", t->host, t->port,
                 cfg->tls == QT_TLS_IMPLICIT ? "implicit TLS" : cfg->tls == QT_TLS_NONE ? "no TLS" : "STARTTLS");
    if (connect(j->fd, (const struct sockaddr *)&t->addr, t->addrlen) != 0 && errno != EINPROGRESS) {
        char why[200];
        snprintf(why, sizeof why, "cannot connect to %s:%u: %s", t->host, t->port, strerror(errno));
        qt_smtp_fail(&j->s, QT_SMTP_CONNECT_FAILED, why);
        close_all(j);
    } else {
        qt_selfconn_note(j->fd, qt_now_wall());   /* the wizard is no client: diag/core/selfconn.h */
    }
    return &j->base;
}

qt_smtp *qt_smtp_job_session(qt_job *job) { return &((struct smtp_job *)job)->s; }
double qt_smtp_job_took(qt_job *job) { return ((struct smtp_job *)job)->took; }

/* probe_job.c - the probe jobs (probe.h): non-blocking connect, the
 * STARTTLS dialogue, the OpenSSL handshake, and the idle wait, driven by
 * fd readiness like every qt_job (diag/core/job.h). */
#include "diag/probe/probe_int.h"
#include "diag/core/selfconn.h"
#include "diag/core/util.h"

#include <errno.h>
#include <openssl/err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum pstate { P_CONNECT, P_GREET, P_EHLO, P_STLS, P_HANDSHAKE, P_IDLE, P_DONE };

struct probe_job {
    qt_job base;
    struct qt_probe_target t;
    struct qt_probe_result r;
    enum pstate st;
    int fd;
    double start, connected, hs_start, deadline, done_at;
    SSL_CTX *ctx;
    SSL *ssl;
    short events;
    char line[1024];        /* STARTTLS dialogue: the line being read */
    size_t linelen;
    int stls_offered;
    const char *out;        /* bytes to send (static), NULL */
    size_t outlen;
};

static void finish(struct probe_job *j, enum qt_probe_status s, double now, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void finish(struct probe_job *j, enum qt_probe_status s, double now, const char *fmt, ...)
{
    if (j->st == P_DONE)
        return;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(j->r.why, sizeof j->r.why, fmt, ap);
        va_end(ap);
    }
    j->r.status = s;
    j->r.total = now - j->start;
    if (j->ssl) {
        SSL_free(j->ssl); /* no close_notify: the probe only measures */
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
    j->done_at = now;
    j->st = P_DONE;
}

/* A partial TLS 1.2-style ClientHello (RFC 8446 section 4.1.2 framing): the
 * record header announces 512 bytes, only the first few follow. A server
 * with a handshake deadline drops it; one without waits forever. */
static const char partial_hello[] = "\x16\x03\x01\x02\x00" "\x01\x00\x01\xfc" "\x03\x03" "qtriage-probe";

static void start_tls(struct probe_job *j, double now)
{
    int legacy = j->r.kind == QT_PROBE_LEGACY;

    j->ctx = SSL_CTX_new(TLS_client_method());
    if (j->ctx) {
        SSL_CTX_set_verify(j->ctx, SSL_VERIFY_NONE, NULL); /* reported, not required */
        if (legacy) {
            /* OpenSSL 3 only offers TLS 1.0/1.1 at security level 0 (SSL_CTX_set_security_level(3)) */
            SSL_CTX_set_security_level(j->ctx, 0);
            (void)SSL_CTX_set_cipher_list(j->ctx, "DEFAULT:@SECLEVEL=0");
            SSL_CTX_set_min_proto_version(j->ctx, TLS1_VERSION);
            SSL_CTX_set_max_proto_version(j->ctx, TLS1_1_VERSION);
        }
        j->ssl = SSL_new(j->ctx);
    }
    if (!j->ssl || SSL_set_fd(j->ssl, j->fd) != 1) {
        finish(j, QT_PR_FAILED, now, "cannot set up OpenSSL");
        return;
    }
    if (j->t.verify_name[0] && !strchr(j->t.verify_name, ':'))
        SSL_set_tlsext_host_name(j->ssl, j->t.verify_name);
    SSL_set_connect_state(j->ssl);
    j->hs_start = now;
    j->st = P_HANDSHAKE;
}

/* The handshake failed: plain text from the server means no TLS at all. */
static void tls_failed(struct probe_job *j, int r, int err, double now)
{
    unsigned long e = ERR_peek_error();
    int reason = e ? ERR_GET_REASON(e) : 0;
    char buf[200];

    if (j->r.kind == QT_PROBE_LEGACY && e) {
        ERR_error_string_n(e, buf, sizeof buf);
        finish(j, QT_PR_REFUSED, now, "TLS 1.0/1.1 refused: %s", buf);
    } else if (j->t.starttls == QT_STLS_IMPLICIT &&
               (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
                reason == SSL_R_HTTP_REQUEST)) {
        ERR_error_string_n(e, buf, sizeof buf);
        finish(j, QT_PR_NO_TLS, now, "the server answered in plain text, not TLS (%s)", buf);
    } else if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && !e && (r == 0 || errno == 0))) {
        finish(j, j->r.kind == QT_PROBE_LEGACY ? QT_PR_REFUSED : QT_PR_FAILED, now,
               "the server closed the connection during the TLS handshake");
    } else if (err == SSL_ERROR_SYSCALL && !e) {
        finish(j, QT_PR_FAILED, now, "TLS handshake: %s", strerror(errno));
    } else {
        if (e)
            ERR_error_string_n(e, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "SSL error %d", err);
        finish(j, QT_PR_FAILED, now, "TLS handshake failed: %s", buf);
    }
}

static void handshake(struct probe_job *j, double now)
{
    int r, err;

    ERR_clear_error();
    errno = 0;
    r = SSL_connect(j->ssl);
    if (r == 1) {
        j->r.took = now - j->hs_start;
        qt_probe_cert_info(j->ssl, j->t.verify_name, &j->r);
        finish(j, QT_PR_OK, now, NULL);
        return;
    }
    err = SSL_get_error(j->ssl, r);
    if (err == SSL_ERROR_WANT_READ)
        j->events = POLLIN;
    else if (err == SSL_ERROR_WANT_WRITE)
        j->events = POLLOUT;
    else
        tls_failed(j, r, err, now);
}

/* One complete line of the STARTTLS dialogue; sets what to send next. */
static void dialogue_line(struct probe_job *j, const char *l, double now)
{
    size_t n = strlen(l);
    int final = n >= 4 && l[3] == ' ';       /* SMTP: "250 " ends a reply, "250-" continues */

    switch (j->t.starttls) {
    case QT_STLS_SMTP:
        if (n < 3 || (n > 3 && l[3] != ' ' && l[3] != '-')) {
            finish(j, QT_PR_FAILED, now, "not an SMTP reply: \"%.60s\"", l);
            return;
        }
        if (j->st == P_EHLO && n > 4 && !strncasecmp(l + 4, "STARTTLS", 8))
            j->stls_offered = 1;
        if (!final && n != 3)
            return;
        if (j->st == P_GREET) {
            if (l[0] != '2') {
                finish(j, QT_PR_FAILED, now, "greeting refused: \"%.80s\"", l);
                return;
            }
            j->out = "EHLO qtriage.probe\r\n";
            j->st = P_EHLO;
        } else if (j->st == P_EHLO) {
            if (l[0] != '2' || !j->stls_offered) {
                finish(j, QT_PR_NO_TLS, now, l[0] != '2' ? "EHLO refused: \"%.80s\"" : "no STARTTLS offered in the EHLO reply%.0s", l);
                return;
            }
            j->out = "STARTTLS\r\n";
            j->st = P_STLS;
        } else if (l[0] == '2') {
            start_tls(j, now);
        } else {
            finish(j, QT_PR_NO_TLS, now, "STARTTLS refused: \"%.80s\"", l);
        }
        break;
    case QT_STLS_POP3:
        if (j->st == P_GREET) {
            if (strncmp(l, "+OK", 3)) {
                finish(j, QT_PR_FAILED, now, "greeting refused: \"%.80s\"", l);
                return;
            }
            j->out = "STLS\r\n";
            j->st = P_STLS;
        } else if (!strncmp(l, "+OK", 3)) {
            start_tls(j, now);
        } else {
            finish(j, QT_PR_NO_TLS, now, "STLS refused: \"%.80s\"", l);
        }
        break;
    case QT_STLS_IMAP:
        if (j->st == P_GREET) {
            if (strncasecmp(l, "* OK", 4)) {
                finish(j, QT_PR_FAILED, now, "greeting refused: \"%.80s\"", l);
                return;
            }
            j->out = "q1 STARTTLS\r\n";
            j->st = P_STLS;
        } else if (!strncasecmp(l, "q1 OK", 5)) {
            start_tls(j, now);
        } else if (!strncasecmp(l, "q1 ", 3)) {
            finish(j, QT_PR_NO_TLS, now, "STARTTLS refused: \"%.80s\"", l);
        }
        break;
    default:
        break;
    }
    if (j->out)
        j->outlen = strlen(j->out);
}

/* Read what the server sent during the dialogue, line by line. */
static void dialogue_read(struct probe_job *j, double now)
{
    char buf[512];
    ssize_t r = read(j->fd, buf, sizeof buf);

    if (r == 0 || (r < 0 && errno == ECONNRESET)) {
        finish(j, QT_PR_FAILED, now, "the server closed the connection before TLS started");
        return;
    }
    if (r < 0) {
        if (errno != EAGAIN && errno != EINTR)
            finish(j, QT_PR_FAILED, now, "read: %s", strerror(errno));
        return;
    }
    for (ssize_t i = 0; i < r && j->st != P_DONE && j->st != P_HANDSHAKE; i++) {
        if (buf[i] == '\n') {
            if (j->linelen && j->line[j->linelen - 1] == '\r')
                j->linelen--;
            j->line[j->linelen] = '\0';
            j->linelen = 0;
            dialogue_line(j, j->line, now);
        } else if (j->linelen + 1 < sizeof j->line) {
            j->line[j->linelen++] = buf[i];
        }
    }
}

static void send_out(struct probe_job *j, double now)
{
    ssize_t r = send(j->fd, j->out, j->outlen, MSG_NOSIGNAL);
    if (r < 0) {
        if (errno != EAGAIN && errno != EINTR)
            finish(j, j->st == P_IDLE ? QT_PR_OK : QT_PR_FAILED, now, "send: %s", strerror(errno));
        return;
    }
    j->out += r;
    j->outlen -= (size_t)r;
    if (!j->outlen)
        j->out = NULL;
}

/* Idle: the server's bytes are read and counted; EOF or a reset is the drop. */
static void idle_read(struct probe_job *j, double now)
{
    char buf[512];
    for (int i = 0; i < 16; i++) {
        ssize_t r = read(j->fd, buf, sizeof buf);
        if (r > 0) {
            j->r.bytes_in += (size_t)r;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        j->r.took = now - j->connected;
        finish(j, QT_PR_OK, now, r < 0 ? "reset by the server (%s)" : NULL, strerror(errno));
        return;
    }
}

static void connected(struct probe_job *j, double now)
{
    j->connected = now;
    if (j->r.kind == QT_PROBE_IDLE || j->r.kind == QT_PROBE_PARTIAL) {
        j->st = P_IDLE;
        j->deadline = now + j->r.bound;
        if (j->r.kind == QT_PROBE_PARTIAL) {
            j->out = partial_hello;
            j->outlen = sizeof partial_hello - 1;
        }
    } else if (j->t.starttls == QT_STLS_IMPLICIT) {
        start_tls(j, now);
        if (j->st == P_HANDSHAKE)
            handshake(j, now);
    } else {
        j->st = P_GREET;
    }
}

static int j_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct probe_job *j = (struct probe_job *)job;
    if (j->st == P_DONE || max < 1 || j->fd < 0)
        return 0;
    pfd[0].fd = j->fd;
    pfd[0].revents = 0;
    if (j->st == P_CONNECT)
        pfd[0].events = POLLOUT;
    else if (j->st == P_HANDSHAKE)
        pfd[0].events = j->events;
    else
        pfd[0].events = POLLIN | (j->out ? POLLOUT : 0);
    return 1;
}

static double j_deadline(qt_job *job)
{
    struct probe_job *j = (struct probe_job *)job;
    return j->st == P_DONE ? j->done_at : j->deadline;
}

static int j_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct probe_job *j = (struct probe_job *)job;
    short rev = n > 0 ? pfd[0].revents : 0;

    if (j->st == P_DONE)
        return 1;
    if (!rev) {
        if (now < j->deadline)
            return 0;
        if (j->st == P_IDLE) {
            j->r.took = now - j->connected;
            finish(j, QT_PR_OPEN, now, "still open after %.0f s", j->r.bound);
        } else if (j->st == P_CONNECT) {
            finish(j, QT_PR_CONNECT, now, "no TCP connection to %s:%u within %.1f s", j->t.host, j->t.port, now - j->start);
        } else {
            finish(j, QT_PR_TIMEOUT, now, "no answer within %.1f s (%s)", now - j->start,
                   j->st == P_HANDSHAKE ? "the TLS handshake stalls" : "the STARTTLS dialogue stalls");
        }
        return 1;
    }
    if (j->st == P_CONNECT) {
        int e = 0;
        socklen_t el = sizeof e;
        if (getsockopt(j->fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0)
            e = errno;
        if (e)
            finish(j, QT_PR_CONNECT, now, "cannot connect to %s:%u: %s", j->t.host, j->t.port, strerror(e));
        else
            connected(j, now);
    } else if (j->st == P_HANDSHAKE) {
        handshake(j, now);
    } else {
        if ((rev & POLLOUT) && j->out)
            send_out(j, now);
        if (j->st == P_IDLE && (rev & (POLLIN | POLLHUP | POLLERR)))
            idle_read(j, now);
        else if (j->st != P_DONE && (rev & (POLLIN | POLLHUP | POLLERR))) {
            dialogue_read(j, now);
            if (j->st == P_HANDSHAKE)
                handshake(j, now);
        }
    }
    return j->st == P_DONE;
}

static void j_cancel(qt_job *job)
{
    struct probe_job *j = (struct probe_job *)job;
    finish(j, QT_PR_FAILED, qt_now_mono(), "cancelled");
}

static void j_free(qt_job *job)
{
    j_cancel(job);
    free(job);
}

static const struct qt_job_ops probe_ops = {
    .pollfds = j_pollfds, .deadline = j_deadline, .step = j_step, .cancel = j_cancel, .free = j_free,
};

static qt_job *probe_new(const struct qt_probe_target *t, enum qt_probe_kind kind, double limit)
{
    struct probe_job *j = qt_calloc(1, sizeof *j);
    struct sigaction sa;
    double now = qt_now_mono();

    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    j->base.ops = &probe_ops;
    j->t = *t;
    j->r.kind = kind;
    j->r.name_match = -1;
    j->start = now;
    /* the idle probe's bound starts once connected; connecting gets 5 s of its own */
    j->r.bound = limit;
    j->deadline = now + (kind == QT_PROBE_IDLE || kind == QT_PROBE_PARTIAL ? 5 : limit);
    j->events = POLLIN;
    j->fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (j->fd < 0) {
        finish(j, QT_PR_CONNECT, now, "socket: %s", strerror(errno));
        return &j->base;
    }
    if (connect(j->fd, (const struct sockaddr *)&t->addr, t->addrlen) != 0 && errno != EINPROGRESS)
        finish(j, QT_PR_CONNECT, now, "cannot connect to %s:%u: %s", t->host, t->port, strerror(errno));
    else
        qt_selfconn_note(j->fd, qt_now_wall());   /* not a client: diag/core/selfconn.h */
    return &j->base;
}

qt_job *qt_probe_tls_new(const struct qt_probe_target *t, int legacy, double timeout)
{
    return probe_new(t, legacy ? QT_PROBE_LEGACY : QT_PROBE_HANDSHAKE, timeout > 0 ? timeout : 5);
}

qt_job *qt_probe_idle_new(const struct qt_probe_target *t, int partial, double bound)
{
    return probe_new(t, partial ? QT_PROBE_PARTIAL : QT_PROBE_IDLE, bound > 0 ? bound : 60);
}

const struct qt_probe_result *qt_probe_job_result(qt_job *job) { return &((struct probe_job *)job)->r; }
const struct qt_probe_target *qt_probe_job_target(qt_job *job) { return &((struct probe_job *)job)->t; }

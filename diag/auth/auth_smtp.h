/* auth_smtp.h - an SMTP AUTH client for the wizard: banner, EHLO,
 * STARTTLS, EHLO again, AUTH PLAIN / LOGIN / CRAM-MD5, QUIT.
 *
 * Two layers:
 *  - qt_smtp, the protocol engine. Pure: it is fed the server's bytes
 *    (already decrypted) and events (TLS done, EOF, timeout), and queues
 *    the commands to send in out. Unit tests drive it with recorded replies,
 *    no network.
 *  - the job (qt_smtp_job_new), which owns the socket, non-blocking connect,
 *    OpenSSL, and deadlines, and runs the engine inside the event loop.
 *
 * Secrets: the password is read from cfg->pass (not copied). Commands that
 * carry it are built in out, written, then wiped; the transcript shows them
 * as "<redacted ...>". Every server reply is first redacted (auth_redact.h:
 * a hostile server may echo what it got), then goes into the transcript raw (bounded);
 * it is escaped when shown (tables escape every cell). A line that is not
 * SMTP is redacted before the reader quotes it, and every note and the
 * verdict (why) are redacted again as they are written.
 */
#ifndef QT_AUTH_SMTP_H
#define QT_AUTH_SMTP_H

#include <stddef.h>
#include <sys/socket.h>

#include "diag/auth/auth_reply.h"
#include "diag/core/secret.h"
#include "diag/core/job.h"
#include "diag/core/util.h"

enum qt_tls_mode {
    QT_TLS_AUTO = 0,    /* STARTTLS when offered; implicit TLS on port 465 (resolved by the caller) */
    QT_TLS_STARTTLS,    /* STARTTLS required */
    QT_TLS_IMPLICIT,    /* TLS from the first byte (smtps, 465) */
    QT_TLS_NONE,        /* never TLS (the password then crosses the network readable) */
};
const char *qt_tls_mode_name(enum qt_tls_mode m);
int qt_tls_mode_parse(const char *s);   /* -1 if unknown */

enum qt_smtp_phase {
    QT_PH_CONNECT, QT_PH_BANNER, QT_PH_EHLO, QT_PH_STARTTLS, QT_PH_TLS, QT_PH_EHLO2,
    QT_PH_AUTH, QT_PH_QUIT, QT_PH_DONE,
};
const char *qt_smtp_phase_name(enum qt_smtp_phase p);

enum qt_smtp_outcome {
    QT_SMTP_RUNNING = 0,
    QT_SMTP_AUTH_OK,          /* 235 */
    QT_SMTP_AUTH_FAILED,      /* 535 (or 534/554) after the credentials */
    QT_SMTP_AUTH_TEMPFAIL,    /* 4xx after AUTH (qmail-smtpd: 454 child crashed) */
    QT_SMTP_AUTH_REFUSED,     /* 5xx other than 535 to AUTH: 504, 538, 503, 501 */
    QT_SMTP_MECH_MISMATCH,    /* the chosen mechanism is not offered */
    QT_SMTP_NO_AUTH,          /* no AUTH in EHLO */
    QT_SMTP_NO_STARTTLS,      /* TLS wanted, STARTTLS not offered */
    QT_SMTP_STARTTLS_REFUSED, /* non-220 reply to STARTTLS */
    QT_SMTP_TLS_FAILED,       /* handshake failed or the server closed during it */
    QT_SMTP_CLEARTEXT,        /* not sending the password unencrypted to a remote host */
    QT_SMTP_CONNECT_FAILED,
    QT_SMTP_BANNER_REJECTED,  /* greeting was not 220 */
    QT_SMTP_EHLO_FAILED,
    QT_SMTP_TIMEOUT,          /* no (complete) answer in time; see phase */
    QT_SMTP_CLOSED,           /* the server closed the connection; see phase */
    QT_SMTP_PROTOCOL,         /* the server sent something that is not SMTP */
};
const char *qt_smtp_outcome_name(enum qt_smtp_outcome o);

/* What swaks would call it: "ok" (exit 0), "auth" (28), "tls" (29) or
 * "other" (any other failure: connect, banner, EHLO, ...). */
const char *qt_smtp_class(enum qt_smtp_outcome o, enum qt_smtp_phase phase);

struct qt_smtp_cfg {
    const char *user;           /* login name as typed (copied) */
    const qt_secret *pass;      /* not owned; must outlive the session */
    unsigned mech;              /* QT_MECH_PLAIN/LOGIN/CRAM_MD5, or 0 = best offered */
    enum qt_tls_mode tls;       /* AUTO must have been resolved for port 465 by the caller */
    const char *helo;           /* name sent with EHLO */
    int cleartext_ok;           /* AUTH without TLS allowed (loopback target or tls NONE) */
};

struct qt_tls_info {
    int done;                   /* handshake completed */
    char version[32];           /* "TLSv1.3" */
    char cipher[64];
    char subject[256];          /* one-line DN, "CN = mail.example.com" */
    char issuer[256];
    char not_after[64];         /* "2027-01-31 12:00:00 UTC" */
    long days_left;             /* negative when expired */
    long verify;                /* X509_V_OK (0) or the error */
    char verify_str[160];       /* "ok" or OpenSSL's text */
    char checked_name[128];     /* name or IP the certificate was checked against */
    int name_match;             /* 1 the certificate names checked_name, 0 it does not, -1 not checked */
    int self_signed;
};

typedef struct qt_smtp {
    /* configuration */
    char user[257];
    const qt_secret *pass;
    unsigned mech_wanted;
    enum qt_tls_mode tls_mode;
    char helo[128];
    int cleartext_ok;

    /* state */
    enum qt_smtp_phase phase;
    enum qt_smtp_outcome outcome;
    enum qt_smtp_phase fail_phase;   /* where the outcome was decided */
    qt_reply_reader rd;
    int tls_active;
    int want_tls;                    /* job: start the TLS handshake now */
    int quit_sent;
    int done;                        /* job: close the connection */
    unsigned mech_used;
    int auth_step;                   /* replies seen since AUTH was sent */
    int creds_sent;

    /* evidence */
    int have_ehlo1, have_ehlo2;
    qt_ehlo ehlo1;                   /* before STARTTLS (or the only one) */
    qt_ehlo ehlo2;                   /* after STARTTLS */
    struct qt_tls_info tls;
    int last_code;
    char last_text[256];             /* first line of the decisive reply */
    char why[256];                   /* one line: what happened */

    qt_buf out;                      /* bytes to send (may hold secrets: wiped when sent) */
    size_t out_off;
    qt_buf transcript;               /* "S: ..." / "C: ..." / "-- ..." lines, redacted */
    qt_secret *cram;                 /* the CRAM-MD5 response sent, to redact an echo of it; NULL */
    size_t echoed;                   /* secret forms the server sent back (replaced on arrival) */
} qt_smtp;

/* s stays where it is until qt_smtp_free: its reader points back at it. */
void qt_smtp_init(qt_smtp *s, const struct qt_smtp_cfg *cfg);
/* The transport is up (TCP, or TCP+TLS for implicit TLS): expect the banner. */
void qt_smtp_start(qt_smtp *s);
/* Bytes from the server. */
void qt_smtp_input(qt_smtp *s, const char *data, size_t n);
/* The TLS handshake requested by want_tls finished (ok=1) or failed (why). */
void qt_smtp_tls_result(qt_smtp *s, int ok, const char *why);
void qt_smtp_eof(qt_smtp *s);
void qt_smtp_timeout(qt_smtp *s);
/* Transport failure (connect refused, write error, ...). */
void qt_smtp_fail(qt_smtp *s, enum qt_smtp_outcome o, const char *why);
/* Mark n bytes of out as sent; once all are sent the buffer is wiped. */
void qt_smtp_sent(qt_smtp *s, size_t n);
/* Add a "-- note" line to the transcript. */
void qt_smtp_note(qt_smtp *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_smtp_free(qt_smtp *s);

/* --- the job --- */

struct qt_smtp_target {
    char host[64];              /* numeric address as typed, without brackets */
    unsigned port;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int loopback;
};
/* Parse "IP", "IP:PORT", "[IPv6]:PORT" or "localhost[:PORT]". Names other
 * than localhost are refused: resolving them would block or use the
 * system resolver. 0, or -1 with a message in err. */
int qt_smtp_parse_target(const char *s, unsigned default_port, struct qt_smtp_target *t, char *err, size_t n);

/* A job that runs one session against t. The process must ignore SIGPIPE
 * (OpenSSL writes with write()): the TUI and --auth do; if SIGPIPE is at its
 * default the constructor sets it to SIG_IGN. verify_name: the name the
 * certificate should carry (control/me, or NULL to check the target IP).
 * timeout: seconds allowed for connect, for each reply, and for the TLS
 * handshake; the whole session is capped at 6 x timeout. */
qt_job *qt_smtp_job_new(const struct qt_smtp_cfg *cfg, const struct qt_smtp_target *t, const char *verify_name,
                        double timeout);
/* The session the job ran (valid until the job is freed). */
qt_smtp *qt_smtp_job_session(qt_job *j);
/* Seconds the session took. */
double qt_smtp_job_took(qt_job *j);

#endif

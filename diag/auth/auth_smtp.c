/* auth_smtp.c - the SMTP AUTH protocol engine (no I/O); see auth_smtp.h */
#include "diag/auth/auth_smtp.h"
#include "diag/auth/auth_b64.h"
#include "diag/auth/auth_redact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SHOW_MAX 240   /* transcript: longest piece of a server line kept */

static const char *const tls_names[] = {"auto", "starttls", "implicit", "none"};

const char *qt_tls_mode_name(enum qt_tls_mode m)
{
    return (unsigned)m < QT_ARRAY_LEN(tls_names) ? tls_names[m] : "?";
}

int qt_tls_mode_parse(const char *s)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(tls_names); i++)
        if (strcasecmp(s, tls_names[i]) == 0)
            return (int)i;
    if (strcasecmp(s, "smtps") == 0 || strcasecmp(s, "ssl") == 0)
        return QT_TLS_IMPLICIT;
    return -1;
}

const char *qt_smtp_phase_name(enum qt_smtp_phase p)
{
    static const char *const n[] = {"connect", "banner", "EHLO", "STARTTLS", "TLS handshake", "EHLO after TLS",
                                    "AUTH", "QUIT", "done"};
    return (unsigned)p < QT_ARRAY_LEN(n) ? n[p] : "?";
}

const char *qt_smtp_outcome_name(enum qt_smtp_outcome o)
{
    static const char *const n[] = {
        "running", "auth-ok", "auth-failed", "auth-tempfail", "auth-refused", "mech-mismatch", "no-auth",
        "no-starttls", "starttls-refused", "tls-failed", "cleartext-refused", "connect-failed",
        "banner-rejected", "ehlo-failed", "timeout", "closed", "protocol-error",
    };
    return (unsigned)o < QT_ARRAY_LEN(n) ? n[o] : "?";
}

const char *qt_smtp_class(enum qt_smtp_outcome o, enum qt_smtp_phase phase)
{
    switch (o) {
    case QT_SMTP_AUTH_OK:
        return "ok";
    case QT_SMTP_AUTH_FAILED:
    case QT_SMTP_AUTH_TEMPFAIL:
    case QT_SMTP_AUTH_REFUSED:
    case QT_SMTP_MECH_MISMATCH:
    case QT_SMTP_NO_AUTH:
        return "auth";
    case QT_SMTP_NO_STARTTLS:
    case QT_SMTP_STARTTLS_REFUSED:
    case QT_SMTP_TLS_FAILED:
        return "tls";
    case QT_SMTP_TIMEOUT:
    case QT_SMTP_CLOSED:
    case QT_SMTP_PROTOCOL:
        /* a failure inside a transaction belongs to it, as swaks counts it */
        if (phase == QT_PH_STARTTLS || phase == QT_PH_TLS)
            return "tls";
        if (phase == QT_PH_AUTH)
            return "auth";
        return "other";
    case QT_SMTP_RUNNING:
        return "none";
    default:
        return "other";
    }
}

/* Every form of the credentials in t[0..n) replaced by its marker (auth_redact.h);
 * caller frees. Counts what it replaced in s->echoed. */
static char *redact(qt_smtp *s, const char *t, size_t n)
{
    size_t hits = 0;
    char *clean = qt_auth_redact(s->user, s->pass, s->cram ? qt_secret_str(s->cram) : NULL, t, n, &hits);
    s->echoed += hits;
    return clean;
}

static char *redact_hook(void *ctx, const char *t, size_t n)
{
    return redact(ctx, t, n);
}

/* Notes and the verdict (why) carry text from the server too: a refused
 * line quoted by the reader, a TLS error, a certificate's names. They go
 * through the same redaction as replies (docs/security.md, the wizard). */
void qt_smtp_note(qt_smtp *s, const char *fmt, ...)
{
    va_list ap;
    qt_buf b = {0};
    char *clean;

    va_start(ap, fmt);
    qt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    clean = redact(s, qt_buf_str(&b), b.len);
    if (b.s)
        qt_secret_wipe(b.s, b.cap);
    qt_buf_free(&b);
    qt_buf_printf(&s->transcript, "-- %s\n", clean);
    free(clean);
}

void qt_smtp_init(qt_smtp *s, const struct qt_smtp_cfg *cfg)
{
    memset(s, 0, sizeof *s);
    snprintf(s->user, sizeof s->user, "%s", cfg->user ? cfg->user : "");
    s->pass = cfg->pass;
    s->mech_wanted = cfg->mech;
    s->tls_mode = cfg->tls;
    snprintf(s->helo, sizeof s->helo, "%s", cfg->helo && *cfg->helo ? cfg->helo : "qtriage.invalid");
    s->cleartext_ok = cfg->cleartext_ok;
    s->phase = QT_PH_CONNECT;
    s->tls.verify = -1;
    qt_reply_reader_init(&s->rd);
    s->rd.redact = redact_hook;
    s->rd.redact_ctx = s;
}

void qt_smtp_free(qt_smtp *s)
{
    if (s->out.s)
        qt_secret_wipe(s->out.s, s->out.cap);
    qt_buf_free(&s->out);
    qt_buf_free(&s->transcript);
    qt_reply_reader_free(&s->rd);
    qt_secret_free(s->cram);
    s->cram = NULL;
}

/* Queue a command. shown: what the transcript says instead (NULL = the
 * command itself). */
static void send_cmd(qt_smtp *s, const char *cmd, const char *shown)
{
    qt_buf_puts(&s->out, cmd);
    qt_buf_puts(&s->out, "\r\n");
    qt_buf_printf(&s->transcript, "C: %s\n", shown ? shown : cmd);
}

void qt_smtp_sent(qt_smtp *s, size_t n)
{
    s->out_off += n;
    if (s->out_off >= s->out.len) {
        qt_secret_wipe(s->out.s, s->out.cap);
        qt_buf_reset(&s->out);
        s->out_off = 0;
    }
}

static void finish(qt_smtp *s, enum qt_smtp_outcome o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void finish(qt_smtp *s, enum qt_smtp_outcome o, const char *fmt, ...)
{
    va_list ap;
    if (s->outcome == QT_SMTP_RUNNING) {
        s->outcome = o;
        s->fail_phase = s->phase;
        char raw[sizeof s->why], *clean;
        va_start(ap, fmt);
        vsnprintf(raw, sizeof raw, fmt, ap);
        va_end(ap);
        clean = redact(s, raw, strlen(raw));
        qt_secret_wipe(raw, sizeof raw);
        snprintf(s->why, sizeof s->why, "%s", clean);
        free(clean);
    }
}

/* Decided: say goodbye politely and wait for 221 or the close. */
static void quit(qt_smtp *s)
{
    if (!s->quit_sent) {
        send_cmd(s, "QUIT", NULL);
        s->quit_sent = 1;
    }
    s->phase = QT_PH_QUIT;
}

/* Stop at once: the connection is not usable any more. */
static void stop(qt_smtp *s)
{
    s->phase = QT_PH_DONE;
    s->done = 1;
    s->want_tls = 0;
}

static void log_reply(qt_smtp *s, const qt_reply *rep)
{
    const char *t = qt_buf_str(&rep->text);
    int i = 0;
    for (const char *p = t;; i++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int last = i == rep->nlines - 1;
        qt_buf_printf(&s->transcript, "S: %d%c", rep->code, last ? ' ' : '-');
        qt_buf_add(&s->transcript, p, len > SHOW_MAX ? SHOW_MAX : len);
        if (len > SHOW_MAX)
            qt_buf_printf(&s->transcript, " ... (%zu more bytes)", len - SHOW_MAX);
        qt_buf_putc(&s->transcript, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void remember(qt_smtp *s, const qt_reply *rep)
{
    s->last_code = rep->code;
    qt_reply_first_line(rep, s->last_text, sizeof s->last_text);
}

/* Choose and start the AUTH exchange from the EHLO reply now in force. */
static void start_auth(qt_smtp *s)
{
    const qt_ehlo *e = s->tls_active ? &s->ehlo2 : &s->ehlo1;
    char offered[64];
    unsigned m = 0;

    qt_mechs_str(e->mechs, offered, sizeof offered);
    if (!e->auth || !e->mechs) {
        finish(s, QT_SMTP_NO_AUTH, "the server offers no AUTH%s", s->tls_active ? " even after STARTTLS" : "");
        quit(s);
        return;
    }
    if (s->mech_wanted) {
        if (!(e->mechs & s->mech_wanted)) {
            finish(s, QT_SMTP_MECH_MISMATCH, "%s was chosen but the server offers %s",
                   qt_mech_name(s->mech_wanted), e->mech_list[0] ? e->mech_list : offered);
            quit(s);
            return;
        }
        m = s->mech_wanted;
    } else if (e->mechs & QT_MECH_PLAIN) {
        m = QT_MECH_PLAIN;
    } else if (e->mechs & QT_MECH_LOGIN) {
        m = QT_MECH_LOGIN;
    } else if (e->mechs & QT_MECH_CRAM_MD5) {
        m = QT_MECH_CRAM_MD5;
    } else {
        finish(s, QT_SMTP_MECH_MISMATCH, "the server offers only mechanisms qtriage does not speak: %s",
               e->mech_list);
        quit(s);
        return;
    }
    if (!s->tls_active && !s->cleartext_ok) {
        finish(s, QT_SMTP_CLEARTEXT, "not sending the password unencrypted to a remote host "
               "(no TLS; use --auth-tls none to force)");
        quit(s);
        return;
    }
    s->mech_used = m;
    s->phase = QT_PH_AUTH;
    s->auth_step = 0;
    if (m == QT_MECH_PLAIN) {
        char b64[2 * (QT_SECRET_MAX + 300)];
        char cmd[sizeof b64 + 16];
        if (qt_auth_plain(s->user, qt_secret_str(s->pass), qt_secret_len(s->pass), b64, sizeof b64) < 0) {
            finish(s, QT_SMTP_AUTH_REFUSED, "user name or password too long to encode");
            quit(s);
            return;
        }
        snprintf(cmd, sizeof cmd, "AUTH PLAIN %s", b64);
        send_cmd(s, cmd, "AUTH PLAIN <redacted: base64 of \\0user\\0password>");
        s->creds_sent = 1;
        qt_secret_wipe(b64, sizeof b64);
        qt_secret_wipe(cmd, sizeof cmd);
    } else if (m == QT_MECH_LOGIN) {
        send_cmd(s, "AUTH LOGIN", NULL);
    } else {
        send_cmd(s, "AUTH CRAM-MD5", NULL);
    }
}

/* A 334 challenge during AUTH: answer it for the mechanism in use. */
static void auth_continue(qt_smtp *s, const qt_reply *rep)
{
    char b64[2 * (QT_SECRET_MAX + 300)];
    char chal[512];
    long r = -1;

    qt_reply_first_line(rep, chal, sizeof chal);
    s->auth_step++;
    if (s->mech_used == QT_MECH_LOGIN && s->auth_step == 1) {
        r = qt_b64_encode(s->user, strlen(s->user), b64, sizeof b64);
        if (r >= 0) {
            char *shown = qt_asprintf("%s   (base64 of the user name \"%s\")", b64, s->user);
            send_cmd(s, b64, shown);
            free(shown);
        }
    } else if (s->mech_used == QT_MECH_LOGIN && s->auth_step == 2) {
        r = qt_b64_encode(qt_secret_str(s->pass), qt_secret_len(s->pass), b64, sizeof b64);
        if (r >= 0)
            send_cmd(s, b64, "<redacted: base64 of the password>");
        s->creds_sent = 1;
    } else if (s->mech_used == QT_MECH_CRAM_MD5 && s->auth_step == 1) {
        r = qt_auth_cram_md5(s->user, qt_secret_str(s->pass), qt_secret_len(s->pass), chal, b64, sizeof b64);
        if (r < 0) {
            send_cmd(s, "*", NULL);
            finish(s, QT_SMTP_PROTOCOL, "the CRAM-MD5 challenge is not valid base64");
            s->auth_step = 99;
            return;
        }
        send_cmd(s, b64, "<redacted: base64 of \"user HMAC-MD5(password, challenge)\">");
        s->creds_sent = 1;
        qt_secret_free(s->cram);   /* an echo of it is redacted too */
        s->cram = qt_secret_new(b64, (size_t)r);
    } else {
        /* more challenges than the mechanism has: cancel (RFC 4954 "*") */
        send_cmd(s, "*", NULL);
        finish(s, QT_SMTP_PROTOCOL, "the server sent more AUTH challenges than %s has",
               qt_mech_name(s->mech_used));
        qt_secret_wipe(b64, sizeof b64);
        return;
    }
    qt_secret_wipe(b64, sizeof b64);
    if (r < 0) {
        send_cmd(s, "*", NULL);
        finish(s, QT_SMTP_AUTH_REFUSED, "could not encode the AUTH response");
    }
}

static void auth_reply(qt_smtp *s, const qt_reply *rep)
{
    int c = rep->code;

    if (c == 334 && s->outcome == QT_SMTP_RUNNING && s->auth_step < 3) {
        auth_continue(s, rep);
        return;
    }
    remember(s, rep);
    if (s->outcome != QT_SMTP_RUNNING) {
        /* the reply to our "*" cancel */
        quit(s);
        return;
    }
    if (c == 235)
        finish(s, QT_SMTP_AUTH_OK, "%d: the server accepted the credentials (AUTH %s)", c,
               qt_mech_name(s->mech_used));
    else if (c == 334)
        finish(s, QT_SMTP_PROTOCOL, "the server keeps sending AUTH challenges");
    else if (c >= 400 && c < 500)
        finish(s, QT_SMTP_AUTH_TEMPFAIL, "%d: temporary failure during AUTH (qmail-smtpd: the checkpassword "
               "program crashed or could not start)", c);
    else if (c == 535 || c == 534 || c == 554 || (s->creds_sent && c != 504 && c != 538 && c != 503 && c != 501))
        finish(s, QT_SMTP_AUTH_FAILED, "%d: the server rejected the credentials (AUTH %s)", c,
               qt_mech_name(s->mech_used));
    else if (c >= 500)
        finish(s, QT_SMTP_AUTH_REFUSED, "%d: the server refused AUTH %s before checking the password", c,
               qt_mech_name(s->mech_used));
    else
        finish(s, QT_SMTP_PROTOCOL, "%d: unexpected reply to AUTH", c);
    quit(s);
}

static void after_ehlo(qt_smtp *s)
{
    const qt_ehlo *e = s->tls_active ? &s->ehlo2 : &s->ehlo1;

    if (!s->tls_active && (s->tls_mode == QT_TLS_AUTO || s->tls_mode == QT_TLS_STARTTLS)) {
        if (e->starttls) {
            send_cmd(s, "STARTTLS", NULL);
            s->phase = QT_PH_STARTTLS;
            return;
        }
        if (s->tls_mode == QT_TLS_STARTTLS || !s->cleartext_ok) {
            finish(s, QT_SMTP_NO_STARTTLS, "the server does not offer STARTTLS");
            quit(s);
            return;
        }
        qt_smtp_note(s, "no STARTTLS offered: continuing without TLS (loopback target)");
    }
    start_auth(s);
}

static void handle_reply(qt_smtp *s, const qt_reply *rep)
{
    int c = rep->code;

    log_reply(s, rep);
    switch (s->phase) {
    case QT_PH_BANNER:
        remember(s, rep);
        if (c != 220) {
            finish(s, QT_SMTP_BANNER_REJECTED, "%d: the server greets with a refusal instead of 220", c);
            quit(s);
            return;
        }
        {
            char cmd[160];
            snprintf(cmd, sizeof cmd, "EHLO %s", s->helo);
            send_cmd(s, cmd, NULL);
        }
        s->phase = QT_PH_EHLO;
        return;
    case QT_PH_EHLO:
    case QT_PH_EHLO2:
        remember(s, rep);
        if (c != 250) {
            finish(s, QT_SMTP_EHLO_FAILED, "%d: EHLO refused%s", c, s->tls_active ? " after STARTTLS" : "");
            quit(s);
            return;
        }
        if (s->tls_active) {
            qt_ehlo_parse(rep, &s->ehlo2);
            s->have_ehlo2 = 1;
        } else {
            qt_ehlo_parse(rep, &s->ehlo1);
            s->have_ehlo1 = 1;
        }
        after_ehlo(s);
        return;
    case QT_PH_STARTTLS:
        remember(s, rep);
        if (c != 220) {
            finish(s, QT_SMTP_STARTTLS_REFUSED, "%d: STARTTLS refused", c);
            quit(s);
            return;
        }
        s->phase = QT_PH_TLS;
        s->want_tls = 1;
        return;
    case QT_PH_AUTH:
        auth_reply(s, rep);
        return;
    case QT_PH_QUIT:
        if (c == 221 || s->quit_sent)
            stop(s);
        return;
    case QT_PH_TLS:
        /* bytes after "220 ready for tls" would be read as if encrypted: STARTTLS injection */
        finish(s, QT_SMTP_PROTOCOL, "the server sent a reply while the TLS handshake should start");
        stop(s);
        return;
    case QT_PH_CONNECT:
    case QT_PH_DONE:
    default:
        return;
    }
}

void qt_smtp_start(qt_smtp *s)
{
    s->phase = QT_PH_BANNER;
}

/* The one place server text enters the model: every later copy (transcript,
 * last_text, why, the EHLO facts) is made from the redacted reply. */
static void redact_reply(qt_smtp *s, qt_reply *rep)
{
    size_t hits = 0;
    char *clean = qt_auth_redact(s->user, s->pass, s->cram ? qt_secret_str(s->cram) : NULL, qt_buf_str(&rep->text),
                                 rep->text.len, &hits);
    if (hits) {
        qt_secret_wipe(rep->text.s, rep->text.cap);
        qt_buf_reset(&rep->text);
        qt_buf_puts(&rep->text, clean);
        s->echoed += hits;
        qt_smtp_note(s, "the server's reply repeats the credentials sent to it: replaced by markers");
    }
    free(clean);
}

void qt_smtp_input(qt_smtp *s, const char *data, size_t n)
{
    while (n && !s->done) {
        qt_reply rep = {0};
        size_t used = 0, echoed = s->echoed;
        int st;

        if (s->phase == QT_PH_TLS || s->phase == QT_PH_CONNECT) {
            finish(s, QT_SMTP_PROTOCOL, s->phase == QT_PH_TLS
                   ? "the server sent plaintext after \"220\" to STARTTLS (response injection)"
                   : "data before the connection was up");
            stop(s);
            return;
        }
        st = qt_reply_feed(&s->rd, data, n, &used, &rep);
        data += used;
        n -= used;
        if (st == QT_REPLY_BAD) {
            if (s->echoed > echoed)
                qt_smtp_note(s, "the server's line repeats the credentials sent to it: replaced by markers");
            qt_smtp_note(s, "unusable reply: %s", s->rd.err);
            if (s->phase == QT_PH_QUIT) {
                stop(s);
                return;
            }
            finish(s, QT_SMTP_PROTOCOL, "%s (during %s)", s->rd.err, qt_smtp_phase_name(s->phase));
            stop(s);
            return;
        }
        if (st == QT_REPLY_DONE) {
            redact_reply(s, &rep);
            handle_reply(s, &rep);
            qt_reply_free(&rep);
        }
    }
}

void qt_smtp_tls_result(qt_smtp *s, int ok, const char *why)
{
    s->want_tls = 0;
    if (!ok) {
        s->phase = QT_PH_TLS;
        finish(s, QT_SMTP_TLS_FAILED, "%s", why && *why ? why : "TLS handshake failed");
        qt_smtp_note(s, "TLS handshake failed: %s", why && *why ? why : "?");
        stop(s);
        return;
    }
    s->tls_active = 1;
    if (s->phase == QT_PH_CONNECT) {
        /* implicit TLS: the banner comes next, encrypted */
        return;
    }
    {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "EHLO %s", s->helo);
        send_cmd(s, cmd, NULL);
    }
    s->phase = QT_PH_EHLO2;
}

void qt_smtp_eof(qt_smtp *s)
{
    if (s->phase == QT_PH_QUIT || s->phase == QT_PH_DONE) {
        stop(s);
        return;
    }
    qt_smtp_note(s, "the server closed the connection");
    if (s->phase == QT_PH_TLS)
        finish(s, QT_SMTP_TLS_FAILED, "the server closed the connection during the TLS handshake");
    else
        finish(s, QT_SMTP_CLOSED, "the server closed the connection during %s", qt_smtp_phase_name(s->phase));
    stop(s);
}

void qt_smtp_timeout(qt_smtp *s)
{
    if (s->phase == QT_PH_QUIT || s->phase == QT_PH_DONE) {
        stop(s);
        return;
    }
    qt_smtp_note(s, "no answer in time during %s", qt_smtp_phase_name(s->phase));
    finish(s, QT_SMTP_TIMEOUT, "no answer in time during %s", qt_smtp_phase_name(s->phase));
    stop(s);
}

void qt_smtp_fail(qt_smtp *s, enum qt_smtp_outcome o, const char *why)
{
    qt_smtp_note(s, "%s", why);
    if (s->phase == QT_PH_QUIT) {
        stop(s);
        return;
    }
    finish(s, o, "%s", why);
    stop(s);
}

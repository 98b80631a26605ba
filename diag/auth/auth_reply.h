/* auth_reply.h - reading SMTP replies from an untrusted server, and the
 * EHLO keywords that matter for AUTH.
 *
 * The reader takes bytes as they arrive (any split) and yields complete
 * replies (RFC 5321 4.2: "250-first", "250 last"). It refuses what a
 * hostile or broken server may send, with a one-line reason, instead of
 * buffering without bound or waiting forever on a line that never ends:
 * lines over QT_REPLY_MAXLINE bytes, codes that are not three digits 2xx-5xx,
 * a separator other than ' ' or '-', control bytes (NUL, ESC, ...), a
 * multi-line reply whose lines disagree on the code, too many lines.
 * Bare LF line ends are accepted (many servers and test tools send them).
 */
#ifndef QT_AUTH_REPLY_H
#define QT_AUTH_REPLY_H

#include <stddef.h>

#include "diag/core/util.h"

#define QT_REPLY_MAXLINE 1000   /* RFC 5321 4.5.3.1.5 says 512 for replies; be lenient */
#define QT_REPLY_MAXLINES 100

typedef struct qt_reply {
    int code;           /* 220, 250, ...; 0 while incomplete */
    int nlines;
    qt_buf text;        /* the text of every line (after "NNN-"/"NNN "), joined with '\n' */
} qt_reply;

enum qt_reply_state { QT_REPLY_MORE = 0, QT_REPLY_DONE = 1, QT_REPLY_BAD = -1 };

typedef struct qt_reply_reader {
    char line[QT_REPLY_MAXLINE + 2];
    size_t len;
    qt_reply cur;
    char err[160];      /* why the last feed returned QT_REPLY_BAD */
    size_t total;       /* bytes consumed in all */
    /* Optional (NULL = quote as received): err quotes the start of a line
     * that is not SMTP, and a hostile server may put the credentials it
     * got there. redact returns a malloc'd, NUL-terminated copy of
     * s[0..n) with every secret replaced; the quote is cut from that copy,
     * so an echo that straddles the cut goes as a whole. */
    char *(*redact)(void *ctx, const char *s, size_t n);
    void *redact_ctx;
} qt_reply_reader;

/* Zeroes r (no redact hook: set one after init). */
void qt_reply_reader_init(qt_reply_reader *r);
/* Consume bytes from data until one reply is complete. *used tells how many
 * bytes were taken (the rest belongs to the next reply: call again).
 * QT_REPLY_DONE: *out receives the reply (caller frees with qt_reply_free).
 * QT_REPLY_MORE: all n bytes were taken, the reply is not complete yet.
 * QT_REPLY_BAD:  the input is not SMTP; r->err says why; stop reading. */
int qt_reply_feed(qt_reply_reader *r, const char *data, size_t n, size_t *used, qt_reply *out);
void qt_reply_reader_free(qt_reply_reader *r);
void qt_reply_free(qt_reply *rep);
/* First line of the reply's text (up to the first '\n'), into out. */
void qt_reply_first_line(const qt_reply *rep, char *out, size_t n);

/* What an EHLO reply offers. */
enum {
    QT_MECH_PLAIN = 1u << 0,
    QT_MECH_LOGIN = 1u << 1,
    QT_MECH_CRAM_MD5 = 1u << 2,
    QT_MECH_OTHER = 1u << 3,   /* something else (DIGEST-MD5, XOAUTH2, ...) */
};

typedef struct qt_ehlo {
    int starttls;          /* STARTTLS advertised */
    int auth;              /* an AUTH (or old-style AUTH=) line was present */
    unsigned mechs;        /* QT_MECH_* */
    char mech_list[256];   /* mechanisms as the server named them, space-separated */
    char greeting[128];    /* first line: the server's name and greeting */
    int pipelining, eightbit, smtputf8;
    unsigned long size;    /* SIZE value, 0 if none */
} qt_ehlo;

/* Parse a 250 EHLO reply. Never fails; unknown keywords are ignored. */
void qt_ehlo_parse(const qt_reply *rep, qt_ehlo *e);
/* "PLAIN LOGIN" etc. for a mechanism set (known ones only), "none" if empty. */
void qt_mechs_str(unsigned mechs, char *out, size_t n);
/* Parse a mechanism name (case-insensitive): QT_MECH_* or 0. */
unsigned qt_mech_parse(const char *name);
const char *qt_mech_name(unsigned mech);

#endif

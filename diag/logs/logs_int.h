/* logs_int.h - shared inside diag/logs/ only: the per-source context and
 * the small byte helpers the line parsers use. */
#ifndef QT_LOGS_INT_H
#define QT_LOGS_INT_H

#include "diag/logs/logs.h"

#include <stddef.h>
#include <string.h>

/* Direct-mapped tables: a new id overwrites its slot, so memory is fixed
 * whatever the log holds (docs/security.md#budgets-counts-and-bytes-time-only-as-a-backstop). */
#define QT_LOG_MSG_SLOTS 4096   /* message ids (inodes) -> sender kind */
#define QT_LOG_DEL_SLOTS 256    /* delivery ids (qmail-send slots) -> recipient */
#define QT_LOG_RCPT_MAX 128
#define QT_LOG_RIO_SLOTS 16     /* recordio pids inside an AUTH exchange */

enum { QT_SENDER_NORMAL = 1, QT_SENDER_NULL, QT_SENDER_DOUBLE };  /* <x>, <>, <#@[]> */

struct qt_log_ctx {
    int64_t ref;
    struct { unsigned long id; unsigned char kind; } msgs[QT_LOG_MSG_SLOTS];
    struct { unsigned long id; int used; size_t len; char rcpt[QT_LOG_RCPT_MAX]; } dels[QT_LOG_DEL_SLOTS];
    struct { long pid; int state; } rio[QT_LOG_RIO_SLOTS];
    unsigned rio_next;
};

/* A view of bytes: the parsers walk these, never NUL-terminated strings. */
typedef struct { const char *p; size_t n; } qt_span;

/* s starts with lit (k bytes): skip it, 1; else 0. Inline: with a literal
 * the compiler turns the compare into a few loads (it runs ~10 times a line). */
static inline int qt_span_eat_n(qt_span *s, const char *lit, size_t k)
{
    if (s->n < k || memcmp(s->p, lit, k) != 0)
        return 0;
    s->p += k;
    s->n -= k;
    return 1;
}
/* the same for a string literal (its length known at compile time) */
#define qt_span_eat(s, lit) qt_span_eat_n((s), (lit), sizeof(lit) - 1)
int qt_span_ulong(qt_span *s, unsigned long *v);         /* 1-19 digits: skip them, 1; else 0 */
qt_span qt_span_word(qt_span *s);                        /* up to the next space (skipped) */
/* lit occurs in s, ASCII case ignored, a ' ' in lit matching ' ' or '_'
 * (qmail-send's logsafe writes spaces as '_'). */
int qt_span_has(qt_span s, const char *lit);
/* Set r->ip from s when it is an IPv4 or IPv6 address (an IPv4-mapped one
 * is written as IPv4). 1 if set, 0 (r->ip unchanged) otherwise. */
int qt_log_set_ip(qt_log_rec *r, const char *p, size_t n);
void qt_log_set_user(qt_log_rec *r, const char *p, size_t n);

/* qmail-send's lines (logs_qmail.c) and recordio's (secrets only). */
void qt_log_qmail_send(qt_log_ctx *c, qt_span m, int sendish, qt_log_rec *r);
void qt_log_recordio(qt_log_ctx *c, const char *line, qt_span m, qt_log_rec *r);

#endif

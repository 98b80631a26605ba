/* logs_qmail.c - qmail-send's log lines (docs/domain/qmail.md#qmail-send-log,
 * #qmail-remote, #bounces; qmail-log(5)) and recordio's AUTH secrets
 * (ucspi-tcp recordio.c: "PID < " what the client sent, "PID > " what the
 * server answered, "+" at the end of a line cut at 256 bytes). */
#include "diag/logs/logs_int.h"

#include <string.h>

static void remember_sender(qt_log_ctx *c, unsigned long id, int kind)
{
    size_t i = id % QT_LOG_MSG_SLOTS;
    c->msgs[i].id = id;
    c->msgs[i].kind = (unsigned char)kind;
}

static int sender_of(const qt_log_ctx *c, unsigned long id)
{
    size_t i = id % QT_LOG_MSG_SLOTS;
    return c->msgs[i].kind && c->msgs[i].id == id ? c->msgs[i].kind : 0;
}

static void remember_rcpt(qt_log_ctx *c, unsigned long d, qt_span a)
{
    size_t i = d % QT_LOG_DEL_SLOTS;
    size_t n = a.n < QT_LOG_RCPT_MAX ? a.n : QT_LOG_RCPT_MAX;
    c->dels[i].id = d;
    c->dels[i].used = 1;
    c->dels[i].len = n;
    memcpy(c->dels[i].rcpt, a.p, n);
}

static void recall_rcpt(const qt_log_ctx *c, unsigned long d, qt_log_rec *r)
{
    size_t i = d % QT_LOG_DEL_SLOTS;
    if (c->dels[i].used && c->dels[i].id == d)
        qt_log_set_user(r, c->dels[i].rcpt, c->dels[i].len);
}

/* The remote IP qmail-remote names at the start of its report:
 * "Connected_to_IP_but...", "IP_accepted_message.", "IP_does_not_like...",
 * "Giving_up_on_IP./" (docs/domain/qmail.md#qmail-remote). */
static void report_ip(qt_span t, qt_log_rec *r)
{
    size_t e = 0;

    if (!qt_span_eat(&t, "Connected_to_"))
        qt_span_eat(&t, "Giving_up_on_");
    while (e < t.n && t.p[e] != '_' && t.p[e] != '/')
        e++;
    if (e && t.p[e - 1] == '.')   /* "Giving_up_on_IP./" */
        e--;
    qt_log_set_ip(r, t.p, e);
}

/* Each occurrence of lit (k bytes) in t, in turn: *at is where to look
 * from and is left just after the match. */
static const char *next(qt_span t, const char **at, const char *lit, size_t k)
{
    const char *end = t.p + t.n, *hit;

    if (*at >= end)
        return NULL;
    hit = memmem(*at, (size_t)(end - *at), lit, k);
    *at = hit ? hit + k : end;
    return hit;
}

static int at_is(qt_span t, const char *p, const char *lit, size_t k)
{
    return p >= t.p && (size_t)(t.p + t.n - p) >= k && memcmp(p, lit, k) == 0;
}
#define AT_IS(t, p, lit) at_is((t), (p), (lit), sizeof(lit) - 1)

/* '_' as logsafe writes a space (qmail-send.c), or the space itself */
static int sp(char c)
{
    return c == '_' || c == ' ';
}

/* The "(#D.D.D)" codes of the report (RFC 3463 enhanced status in qmail's
 * texts), in one pass: 1 a host not found, 2 no such mailbox, 0 neither. */
static int report_code(qt_span t)
{
    const char *at = t.p, *h;
    int found = 0;

    while ((h = next(t, &at, "(#", 2)) != NULL) {
        if (at_is(t, h + 2, "4.1.2)", 6) || at_is(t, h + 2, "5.1.2)", 6) || at_is(t, h + 2, "5.4.4)", 6))
            return 1;
        if (at_is(t, h + 2, "5.1.1)", 6))
            found = 2;
    }
    return found;
}

/* The most specific category of a failure or deferral report. One memmem
 * per word, then the exact texts around it: this runs on every failed or
 * deferred delivery (docs/domain/qmail.md#qmail-remote). */
static enum qt_log_cat report_cat(qt_span t, enum qt_log_cat plain)
{
    qt_span s = t;
    const char *at, *h;

    /* "Connected_to_IP_but_my_name_was_rejected." / "..._but_connection_died." */
    if (qt_span_eat(&s, "Connected_to_") || qt_span_eat(&s, "Connected to ")) {
        while (s.n && !sp(s.p[0]))
            s.p++, s.n--;
        if (s.n > 5 && memcmp(s.p + 1, "but", 3) == 0 && sp(s.p[4])) {
            if (qt_span_has((qt_span){s.p + 5, s.n - 5 < 20 ? s.n - 5 : 20}, "my name was rejected"))
                return QT_LOG_HELO_REJECTED;
            if (qt_span_has((qt_span){s.p + 5, s.n - 5 < 15 ? s.n - 5 : 15}, "connection died"))
                return QT_LOG_CONNECTION_DIED;
        }
    }
    int code = report_code(t);
    if (code == 1)
        return QT_LOG_DOMAIN_NOT_FOUND;
    for (at = t.p; (h = next(t, &at, "omain", 5)) != NULL;)
        if (h > t.p && (h[-1] == 'd' || h[-1] == 'D') &&
            qt_span_has((qt_span){h + 5, (size_t)(t.p + t.n - h - 5) < 10 ? (size_t)(t.p + t.n - h - 5) : 10},
                        " not found"))
            return QT_LOG_DOMAIN_NOT_FOUND;
    /* qmail-local/vdelivermail's text, the older wording without the code,
     * and a remote server's enhanced status 5.1.1 (RFC 3463: bad mailbox) */
    if (code == 2)
        return QT_LOG_NO_MAILBOX;
    for (at = t.p; (h = next(t, &at, "mailbox", 7)) != NULL;)
        if (h >= t.p + 3 && (AT_IS(t, h - 3, "no_") || AT_IS(t, h - 3, "no ")) &&
            qt_span_has((qt_span){h + 7, (size_t)(t.p + t.n - h - 7) < 21 ? (size_t)(t.p + t.n - h - 7) : 21},
                        " here by that name"))
            return QT_LOG_NO_MAILBOX;
    for (at = t.p; (h = next(t, &at, "5.1.1", 5)) != NULL;)
        if (h > t.p && sp(h[-1]) && h + 5 < t.p + t.n && sp(h[5]))
            return QT_LOG_NO_MAILBOX;
    return plain;
}

static void delivery(qt_log_ctx *c, qt_span s, unsigned long d, qt_log_rec *r)
{
    r->delivery = d;
    r->has_delivery = 1;
    recall_rcpt(c, d, r);
    if (qt_span_eat(&s, "success: ")) {
        r->cat = QT_LOG_DELIVERY_SUCCESS;
        report_ip(s, r);
    } else if (qt_span_eat(&s, "failure: ")) {
        r->cat = report_cat(s, QT_LOG_DELIVERY_FAILURE);
        report_ip(s, r);
    } else if (qt_span_eat(&s, "deferral: ")) {
        r->cat = report_cat(s, QT_LOG_DELIVERY_DEFERRAL);
        report_ip(s, r);
    } else if (qt_span_eat(&s, "report mangled, will defer")) {
        r->cat = QT_LOG_DELIVERY_DEFERRAL;
    }
}

static void info_msg(qt_log_ctx *c, qt_span s, unsigned long id, qt_log_rec *r)
{
    const char *from, *end;
    unsigned long bytes;
    int kind;

    /* ": bytes N from <SENDER> qp ..." (qmail-send.c, the info line) */
    if (!qt_span_eat(&s, ": bytes ") || !qt_span_ulong(&s, &bytes) || !qt_span_eat(&s, " from <"))
        return;
    from = s.p;
    end = memchr(from, '>', s.n - (size_t)(from - s.p));
    if (!end)
        return;
    qt_log_set_user(r, from, (size_t)(end - from));
    kind = end == from ? QT_SENDER_NULL
         : (end - from == 4 && memcmp(from, "#@[]", 4) == 0) ? QT_SENDER_DOUBLE : QT_SENDER_NORMAL;
    remember_sender(c, id, kind);
    if (kind == QT_SENDER_DOUBLE)
        r->cat = QT_LOG_DOUBLE_BOUNCE;   /* qmail-send's double bounce (addresses(5)) */
}

void qt_log_qmail_send(qt_log_ctx *c, qt_span m, int sendish, qt_log_rec *r)
{
    qt_span s = m;
    unsigned long a, b;

    if (!sendish || !m.n)
        return;
    /* the first byte tells which line it can be (qmail-log(5)) */
    if (!strchr("sdineabtw", m.p[0]))
        return;
    if (qt_span_eat(&s, "status: ")) {
        if (qt_span_eat(&s, "exiting")) {
            r->cat = QT_LOG_SEND_STATUS;
        } else if (qt_span_eat(&s, "local ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, "/") &&
                   qt_span_ulong(&s, &b)) {
            unsigned long ra, rb;
            r->cat = QT_LOG_SEND_STATUS;
            r->busy = (unsigned)a, r->limit = (unsigned)b;
            if (qt_span_eat(&s, " remote ") && qt_span_ulong(&s, &ra) && qt_span_eat(&s, "/") &&
                qt_span_ulong(&s, &rb))
                r->rbusy = (unsigned)ra, r->rlimit = (unsigned)rb;
        }
        return;
    }
    if (qt_span_eat(&s, "delivery ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, ": ")) {
        delivery(c, s, a, r);
        return;
    }
    s = m;
    if (qt_span_eat(&s, "starting delivery ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, ": msg ") &&
        qt_span_ulong(&s, &b) && qt_span_eat(&s, " to ")) {
        r->delivery = a, r->has_delivery = 1;
        r->msg = b, r->has_msg = 1;
        if (qt_span_eat(&s, "local ") || qt_span_eat(&s, "remote ")) {
            qt_log_set_user(r, s.p, s.n);
            remember_rcpt(c, a, s);
        }
        return;
    }
    s = m;
    if ((qt_span_eat(&s, "info msg ") || qt_span_eat(&s, "new msg ") || qt_span_eat(&s, "end msg ")) &&
        qt_span_ulong(&s, &a)) {
        r->msg = a, r->has_msg = 1;
        if (m.p[0] == 'i')
            info_msg(c, s, a, r);
        return;
    }
    s = m;
    if (qt_span_eat(&s, "bounce msg ") && qt_span_ulong(&s, &a)) {
        /* the bounce of a message whose own sender was <> goes to
         * doublebounceto: a double bounce (qmail-send.c injectbounce) */
        r->msg = a, r->has_msg = 1;
        r->cat = sender_of(c, a) == QT_SENDER_NULL ? QT_LOG_DOUBLE_BOUNCE : QT_LOG_BOUNCE;
        return;
    }
    s = m;
    if (qt_span_eat(&s, "triple bounce: discarding ")) {
        r->cat = QT_LOG_TRIPLE_BOUNCE;
        if (qt_span_eat(&s, "bounce/") && qt_span_ulong(&s, &a))
            r->msg = a, r->has_msg = 1;
        return;
    }
    s = m;
    if (qt_span_eat(&s, "alert: ") || qt_span_eat(&s, "warning: "))
        r->cat = QT_LOG_SEND_ALERT;
}

/* ---- recordio ---- */

enum { RIO_ANSWER = 1, RIO_MORE };   /* the next client line is a secret / continues one */

static int *rio_state(qt_log_ctx *c, long pid, int create)
{
    for (size_t i = 0; i < QT_LOG_RIO_SLOTS; i++)
        if (c->rio[i].state && c->rio[i].pid == pid)
            return &c->rio[i].state;
    if (!create)
        return NULL;
    size_t i = c->rio_next++ % QT_LOG_RIO_SLOTS;
    c->rio[i].pid = pid;
    return &c->rio[i].state;
}

void qt_log_recordio(qt_log_ctx *c, const char *line, qt_span m, qt_log_rec *r)
{
    unsigned long pid;
    qt_span s = m;
    int client, *st;

    if (!qt_span_ulong(&s, &pid) || !(qt_span_eat(&s, " < ") || qt_span_eat(&s, " > ")))
        return;
    client = s.p[-2] == '<';
    st = rio_state(c, (long)pid, 0);
    if (!client) {
        /* a 334 challenge: the answer is a secret, except the one to
         * "Username:" (AUTH LOGIN, base64 "VXNlcm5hbWU6") */
        if (qt_span_eat(&s, "334 ") || qt_span_eat(&s, "334-")) {
            st = rio_state(c, (long)pid, 1);
            *st = s.n >= 12 && memcmp(s.p, "VXNlcm5hbWU6", 12) == 0 ? 0 : RIO_ANSWER;
        } else if (st) {
            *st = 0;
        }
        return;
    }
    int more = s.n && s.p[s.n - 1] == '+';
    if (st && *st) {
        r->secret_off = (size_t)(s.p - line);
        r->secret_len = s.n - (more ? 1 : 0);
        *st = more ? RIO_MORE : 0;
        return;
    }
    qt_span a = s;
    if (qt_span_eat(&a, "AUTH PLAIN ") || qt_span_eat(&a, "auth plain ") || qt_span_eat(&a, "AUTH plain ") ||
        qt_span_eat(&a, "auth PLAIN ")) {
        while (a.n && (a.p[a.n - 1] == ' ' || a.p[a.n - 1] == '+'))
            a.n--;
        if (a.n) {
            r->secret_off = (size_t)(a.p - line);
            r->secret_len = a.n;
            if (more)
                *rio_state(c, (long)pid, 1) = RIO_MORE;
        }
    }
}

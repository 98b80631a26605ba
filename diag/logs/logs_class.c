/* logs_class.c - one category per mail log line (contract in logs.h): the
 * line's frame (stamp, syslog host and tag), vchkpw and tcpserver lines;
 * qmail-send's are in logs_qmail.c. */
#include "diag/logs/logs_int.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static const char *const cat_names[QT_LOG_NCATS] = {
    [QT_LOG_OTHER] = "other",
    [QT_LOG_AUTH_FAIL] = "auth_fail",
    [QT_LOG_AUTH_OK] = "auth_ok",
    [QT_LOG_TCPSERVER_CONN] = "tcpserver_conn",
    [QT_LOG_TCPSERVER_DENY] = "tcpserver_deny",
    [QT_LOG_TCPSERVER_STATUS] = "tcpserver_status",
    [QT_LOG_TCPSERVER_END] = "tcpserver_end",
    [QT_LOG_SEND_STATUS] = "send_status",
    [QT_LOG_DELIVERY_SUCCESS] = "delivery_success",
    [QT_LOG_DELIVERY_DEFERRAL] = "delivery_deferral",
    [QT_LOG_DELIVERY_FAILURE] = "delivery_failure",
    [QT_LOG_NO_MAILBOX] = "no_mailbox",
    [QT_LOG_DOMAIN_NOT_FOUND] = "domain_not_found",
    [QT_LOG_HELO_REJECTED] = "helo_rejected",
    [QT_LOG_CONNECTION_DIED] = "connection_died",
    [QT_LOG_BOUNCE] = "bounce",
    [QT_LOG_DOUBLE_BOUNCE] = "double_bounce",
    [QT_LOG_TRIPLE_BOUNCE] = "triple_bounce",
    [QT_LOG_SEND_ALERT] = "send_alert",
};

const char *qt_log_cat_name(enum qt_log_cat c)
{
    return (unsigned)c < QT_LOG_NCATS ? cat_names[c] : "other";
}

qt_log_ctx *qt_log_ctx_new(int64_t ref)
{
    qt_log_ctx *c = qt_calloc(1, sizeof *c);
    c->ref = ref;
    return c;
}

void qt_log_ctx_free(qt_log_ctx *c)
{
    free(c);
}

void qt_log_ctx_set_ref(qt_log_ctx *c, int64_t ref)
{
    c->ref = ref;
}

/* ---- span helpers (logs_int.h) ---- */

int qt_span_ulong(qt_span *s, unsigned long *v)
{
    size_t i = 0;
    unsigned long x = 0;

    while (i < s->n && i < 19 && s->p[i] >= '0' && s->p[i] <= '9')
        x = x * 10 + (unsigned long)(s->p[i] - '0'), i++;
    if (i == 0 || (i < s->n && s->p[i] >= '0' && s->p[i] <= '9'))
        return 0;
    *v = x;
    s->p += i;
    s->n -= i;
    return 1;
}

qt_span qt_span_word(qt_span *s)
{
    qt_span w = {s->p, 0};
    while (w.n < s->n && s->p[w.n] != ' ')
        w.n++;
    s->p += w.n;
    s->n -= w.n;
    if (s->n) {
        s->p++;
        s->n--;
    }
    return w;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int qt_span_has(qt_span s, const char *lit)
{
    size_t k = strlen(lit);

    for (size_t i = 0; k && i + k <= s.n; i++) {
        size_t j = 0;
        for (; j < k; j++) {
            char a = lower(s.p[i + j]), b = lit[j];
            if (!(a == b || (b == ' ' && a == '_')))
                break;
        }
        if (j == k)
            return 1;
    }
    return 0;
}

int qt_log_set_ip(qt_log_rec *r, const char *p, size_t n)
{
    char tmp[64];
    unsigned char b[16];

    /* inet_pton stops at a NUL: "1.2.3.4\0junk" is not an address */
    if (n == 0 || n >= sizeof tmp || memchr(p, '\0', n))
        return 0;
    memcpy(tmp, p, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, b) == 1) {
        /* glibc's inet_pton takes only the dotted quad without leading
         * zeros: the text is already canonical (and inet_ntop's sprintf
         * would be a tenth of the work at millions of lines) */
        memcpy(r->ip, tmp, n + 1);
        return 1;
    }
    if (inet_pton(AF_INET6, tmp, b) != 1)
        return 0;
    if (memcmp(b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
        inet_ntop(AF_INET, b + 12, r->ip, sizeof r->ip);
    else
        inet_ntop(AF_INET6, b, r->ip, sizeof r->ip);
    return 1;
}

void qt_log_set_user(qt_log_rec *r, const char *p, size_t n)
{
    if (n >= sizeof r->user)
        n = sizeof r->user - 1;
    memcpy(r->user, p, n);
    r->user[n] = '\0';
    r->user_len = n;
}

/* ---- vchkpw (docs/domain/vpopmail.md#log-lines) ---- */

static int tag_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '/';
}


/* "NAME@DOMAIN:IP" or "NAME:IP": the IP is the suffix after the leftmost ':'
 * that leaves an address (or nothing: TCPREMOTEIP unset); a hostile name may
 * hold ':' itself, an address never holds '@'. */
static void vchkpw_who(qt_span s, qt_log_rec *r)
{
    while (s.n && s.p[s.n - 1] == ' ')
        s.n--;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] != ':')
            continue;
        if (i + 1 == s.n || qt_log_set_ip(r, s.p + i + 1, s.n - i - 1)) {
            qt_log_set_user(r, s.p, i);
            return;
        }
    }
    qt_log_set_user(r, s.p, s.n);
}

static const char *const vchkpw_fail[] = {
    "password fail ", "vpopmail user not found ", "smtp access denied ", "pop access denied ",
    "imap access denied ", "webmail access denied ", "user has no password ", "null user name given ",
    "null password given ", "invalid user/domain characters ", "system password fail ",
    "system user not found ",
};

/* m is "vchkpw-SERVICE: TEXT" */
static void vchkpw_line(const char *line, qt_span m, qt_log_rec *r)
{
    size_t k = 0;

    qt_span_eat(&m, "vchkpw-");
    /* a service name or a port number (docs/domain/vpopmail.md#service-name) */
    while (k < m.n && k < sizeof r->service - 1 && tag_char(m.p[k]))
        k++;
    if (k == 0 || k == m.n || m.p[k] != ':')
        return;
    memcpy(r->service, m.p, k);
    r->service[k] = '\0';
    m.p += k + 1, m.n -= k + 1;
    qt_span_eat(&m, " ");
    /* logging=p|v: "password fail (pass: 'TRIED') user@dom:ip"; the last "') "
     * ends it (vchkpw rejects a name with a quote before it checks a password) */
    if (qt_span_eat(&m, "password fail (pass: '")) {
        size_t end = (size_t)-1;
        for (size_t i = 0; i + 3 <= m.n; i++)
            if (memcmp(m.p + i, "') ", 3) == 0)
                end = i;
        r->cat = QT_LOG_AUTH_FAIL;
        r->secret_off = (size_t)(m.p - line) - 1;   /* from the opening quote */
        if (end == (size_t)-1) {
            r->secret_len = 1 + m.n;                 /* cut line: all of the rest */
            return;
        }
        r->secret_len = 1 + end + 1;                 /* 'TRIED' */
        vchkpw_who((qt_span){m.p + end + 3, m.n - end - 3}, r);
        return;
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(vchkpw_fail); i++)
        if (qt_span_eat_n(&m, vchkpw_fail[i], strlen(vchkpw_fail[i]))) {
            r->cat = QT_LOG_AUTH_FAIL;
            vchkpw_who(m, r);
            return;
        }
    if (qt_span_eat(&m, "setuid ") || qt_span_eat(&m, "chdir failed ")) {
        /* "... errno N user@dom:ip": the login failed on our side */
        size_t sp = m.n;
        while (sp && m.p[sp - 1] != ' ')
            sp--;
        r->cat = QT_LOG_AUTH_FAIL;
        vchkpw_who((qt_span){m.p + sp, m.n - sp}, r);
        return;
    }
    if (m.n && m.p[0] == '(') {
        size_t e = 1;
        while (e < m.n && e < sizeof r->mech && m.p[e] != ')')
            e++;
        if (e < m.n && m.p[e] == ')') {
            qt_span rest = {m.p + e + 1, m.n - e - 1};
            if (qt_span_eat(&rest, " login success ")) {
                memcpy(r->mech, m.p + 1, e - 1);
                r->mech[e - 1] = '\0';
                r->cat = QT_LOG_AUTH_OK;
                vchkpw_who(rest, r);
            }
        }
    }
}

/* ---- tcpserver / sslserver -v (docs/domain/ucspi.md#log-lines) ---- */

/* "remotehost:remoteip:remoteinfo:remoteport": the host has no ':', the
 * port is after the last one; the IP is the longest address before it
 * (ucspi-tcp6 writes IPv6 with its colons, and remoteinfo is the peer's
 * ident answer). */
static void ucspi_remote(qt_span w, qt_log_rec *r)
{
    size_t a = 0, end = w.n;

    while (a < w.n && w.p[a] != ':')
        a++;
    while (end > a && w.p[end - 1] != ':')
        end--;
    if (a >= w.n || end <= a + 1)
        return;
    if (end < w.n) {
        qt_span port = {w.p + end, w.n - end};
        unsigned long v;
        if (qt_span_ulong(&port, &v) && !port.n && v <= 65535)
            r->remote_port = (unsigned)v;
    }
    for (size_t e = end - 1; e > a + 1; e--)
        if ((e == end - 1 || w.p[e] == ':') && qt_log_set_ip(r, w.p + a + 1, e - a - 1))
            return;
}

static void ucspi_line(qt_span m, qt_log_rec *r)
{
    unsigned long a, b;
    qt_span s = m;

    if (qt_span_eat(&s, "status: ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, "/") && qt_span_ulong(&s, &b)) {
        r->cat = QT_LOG_TCPSERVER_STATUS;
        r->busy = (unsigned)a, r->limit = (unsigned)b;
        return;
    }
    s = m;
    if (qt_span_eat(&s, "pid ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, " from ")) {
        r->cat = QT_LOG_TCPSERVER_CONN;
        r->pid = (long)a;
        qt_log_set_ip(r, s.p, s.n);
        return;
    }
    s = m;
    if ((qt_span_eat(&s, "ok ") || qt_span_eat(&s, "deny ")) && qt_span_ulong(&s, &a) && qt_span_eat(&s, " ")) {
        qt_span local = qt_span_word(&s), remote = qt_span_word(&s);
        size_t c = local.n;
        r->cat = m.p[0] == 'o' ? QT_LOG_TCPSERVER_CONN : QT_LOG_TCPSERVER_DENY;
        r->pid = (long)a;
        while (c && local.p[c - 1] != ':')
            c--;
        qt_span port = {local.p + c, local.n - c};
        if (c && qt_span_ulong(&port, &b) && !port.n && b <= 65535)
            r->local_port = (unsigned)b;
        ucspi_remote(remote, r);
        return;
    }
    s = m;
    if (qt_span_eat(&s, "end ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, " status ")) {
        r->cat = QT_LOG_TCPSERVER_END;
        r->pid = (long)a;
        if (qt_span_ulong(&s, &b)) {
            /* the raw wait() status (stock tcpserver.c): exit code << 8, or the signal */
            if ((b & 0x7f) == 0)
                r->exit_code = (int)((b >> 8) & 0xff);
            else
                r->term_signal = (int)(b & 0x7f);
        } else if (qt_span_eat(&s, "exit ") && qt_span_ulong(&s, &b)) {
            r->exit_code = (int)(b & 0xff);   /* fehcom's later sslserver */
        } else if (qt_span_eat(&s, "signal ") && qt_span_ulong(&s, &b)) {
            r->term_signal = (int)(b & 0x7f);
        }
        return;
    }
    s = m;
    if (qt_span_eat(&s, "ssl ") && qt_span_ulong(&s, &a) && qt_span_eat(&s, " accept")) {
        r->cat = QT_LOG_TCPSERVER_CONN;   /* sslserver -v: the handshake of child a worked */
        r->pid = (long)a;
    }
}

/* ---- the frame: stamp, syslog host and tag ---- */

/* "TAG[PID]: " or, when bare_ok, "TAG: " at the start of *m: skip it and
 * return the tag (n 0: none, *m unchanged). */
static qt_span eat_tag(qt_span *m, int bare_ok)
{
    size_t i = 0;
    qt_span tag = {m->p, 0};

    while (i < m->n && i < 64 && tag_char(m->p[i]))
        i++;
    if (i == 0 || i >= m->n)
        return (qt_span){m->p, 0};
    tag.n = i;
    if (m->p[i] == '[') {
        size_t j = i + 1;
        while (j < m->n && m->p[j] >= '0' && m->p[j] <= '9')
            j++;
        if (j == i + 1 || j >= m->n || m->p[j] != ']')
            return (qt_span){m->p, 0};
        i = j + 1;
    } else if (!bare_ok) {
        return (qt_span){m->p, 0};
    }
    if (i + 1 >= m->n || m->p[i] != ':' || m->p[i + 1] != ' ')
        return (qt_span){m->p, 0};
    m->p += i + 2;
    m->n -= i + 2;
    return tag;
}

static int span_is(qt_span s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static int span_starts(qt_span s, const char *lit)
{
    size_t k = strlen(lit);
    return s.n >= k && memcmp(s.p, lit, k) == 0;
}

/* The syslog tag of a tcpserver line: "smtpd" (splogger smtpd), or
 * "tcpserver[PID]" when tcpserver's own name is the tag (the PID is what
 * tells two listeners apart); the tag span is followed by "[PID]: " or ": ". */
static void ucspi_tag(qt_span tag, const char *end, qt_log_rec *r)
{
    size_t n = tag.n;
    if (span_is(tag, "tcpserver") || span_is(tag, "sslserver")) {
        /* "[digits]" after it (an RFC 5424 APP-NAME may end the line) */
        if (tag.p + n < end && tag.p[n] == '[') {
            size_t k = n + 1;
            while (tag.p + k < end && tag.p[k] >= '0' && tag.p[k] <= '9')
                k++;
            if (tag.p + k < end && tag.p[k] == ']')
                n = k + 1;
        }
    }
    if (n >= sizeof r->tag)
        n = sizeof r->tag - 1;
    memcpy(r->tag, tag.p, n);
    r->tag[n] = '\0';
}

/* "<PRI>1 " (RFC 5424 section 6.2) */
static int is_rfc5424(const char *s, size_t n)
{
    size_t i = 1;

    if (n < 4 || s[0] != '<')
        return 0;
    while (i < n && i < 5 && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 1 && i + 2 < n && s[i] == '>' && s[i + 1] == '1' && s[i + 2] == ' ';
}

void qt_log_classify(qt_log_ctx *c, const char *line, size_t n, qt_log_rec *r)
{
    qt_span m, tag = {line, 0};
    size_t k;
    int rfc5424 = is_rfc5424(line, n), syslog_form, splogger = 0;
    struct qt_log_time inner;

    /* field by field: clearing the whole record (user's 256 bytes) cost
     * more than classifying a line */
    r->cat = QT_LOG_OTHER;
    r->ip[0] = r->user[0] = r->service[0] = r->mech[0] = '\0';
    r->user_len = 0;
    r->msg = r->delivery = 0;
    r->has_msg = r->has_delivery = 0;
    r->pid = -1;
    r->tag[0] = '\0';
    r->local_port = r->remote_port = 0;
    r->exit_code = -1;
    r->term_signal = 0;
    r->busy = r->limit = r->rbusy = r->rlimit = 0;
    r->secret_off = r->secret_len = 0;
    if (n && line[n - 1] == '\r')
        n--;
    k = qt_log_stamp(line, n, c->ref, &r->time);
    m = (qt_span){line + k, n - k};
    /* RFC 3164 and rsyslog's ISO 8601 file format: HOSTNAME TAG[PID]: MSG */
    syslog_form = r->time.kind == QT_STAMP_RFC3164 || r->time.kind == QT_STAMP_ISO8601;
    if (k)
        qt_span_eat(&m, " ");
    if (rfc5424 && !k) {
        /* no time: "<PRI>1 - HOSTNAME ..." (the NILVALUE) */
        const char *sp = memchr(line, ' ', n);
        m = (qt_span){sp + 1, n - (size_t)(sp + 1 - line)};
        qt_span_word(&m);
    }
    if (rfc5424) {
        /* HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG (RFC 5424 section 6) */
        qt_span_word(&m);
        tag = qt_span_word(&m);
        qt_span_word(&m);
        qt_span_word(&m);
        if (qt_span_eat(&m, "-")) {
            qt_span_eat(&m, " ");
        } else if (m.n && m.p[0] == '[') {
            const char *e = memmem(m.p, m.n, "] ", 2);
            size_t skip = e ? (size_t)(e - m.p) + 2 : m.n;
            m.p += skip, m.n -= skip;
        }
        qt_span_eat(&m, "\xef\xbb\xbf");   /* the BOM of an UTF-8 MSG */
    } else if (syslog_form) {
        qt_span_word(&m);                  /* HOSTNAME */
        tag = eat_tag(&m, 1);
    } else {
        /* socklog's "mail.notice: " before a syslog message in a multilog file */
        qt_span f = m;
        qt_span w = eat_tag(&f, 1);
        if (w.n && f.p != m.p && memchr(w.p, '.', w.n) && !memchr(w.p, '/', w.n) && !span_starts(w, "vchkpw-")) {
            /* what a program handed syslog(3): "Mmm dd hh:mm:ss TAG[PID]: MSG" */
            struct qt_log_time st;
            size_t sk;
            m = f;
            if ((sk = qt_log_rfc3164(m.p, m.n, c->ref, &st)) != 0 && sk < m.n && m.p[sk] == ' ')
                m.p += sk + 1, m.n -= sk + 1;
            tag = eat_tag(&m, 1);
        } else if (w.n && f.p != m.p && w.p + w.n < m.p + m.n && m.p[w.n] == '[') {
            m = f;   /* "TAG[PID]: " */
            tag = w;
        }
    }
    /* splogger's "SECONDS.USEC " inside the message (any program piped to
     * it: qmail-send, or tcpserver as "splogger smtpd") wins over syslog's
     * stamp: it has the year (notqmail splogger.c) */
    if (m.n && m.p[0] >= '0' && m.p[0] <= '9' && (k = qt_log_epoch(m.p, m.n, &inner)) != 0) {
        r->time = inner;
        m.p += k, m.n -= k;
        if (!qt_span_eat(&m, " "))
            qt_span_eat(&m, "+");
        splogger = 1;
    }
    if (span_starts(m, "vchkpw-")) {
        vchkpw_line(line, m, r);
        return;
    }
    if (qt_span_eat(&m, "tcpserver: ") || qt_span_eat(&m, "sslserver: ") ||
        span_is(tag, "tcpserver") || span_is(tag, "sslserver")) {
        ucspi_line(m, r);
        if (tag.n && r->cat != QT_LOG_OTHER)
            ucspi_tag(tag, line + n, r);
        return;
    }
    if (!splogger && m.n && m.p[0] >= '0' && m.p[0] <= '9') {
        qt_log_recordio(c, line, m, r);
        if (r->secret_len || r->cat != QT_LOG_OTHER)
            return;
    }
    qt_log_qmail_send(c, m, splogger || tag.n == 0 || span_starts(tag, "qmail") || span_starts(tag, "splogger"), r);
}

void qt_log_redact(const char *line, size_t n, const qt_log_rec *r, qt_buf *out)
{
    if (!r->secret_len || r->secret_off >= n) {
        qt_buf_add(out, line, n);
        return;
    }
    size_t end = r->secret_off + r->secret_len <= n ? r->secret_off + r->secret_len : n;
    qt_buf_add(out, line, r->secret_off);
    qt_buf_puts(out, "<redacted>");
    qt_buf_add(out, line + end, n - end);
}

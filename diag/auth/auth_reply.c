/* auth_reply.c - see auth_reply.h */
#include "diag/auth/auth_reply.h"
#include "diag/core/secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void qt_reply_reader_init(qt_reply_reader *r)
{
    memset(r, 0, sizeof *r);
}

void qt_reply_free(qt_reply *rep)
{
    qt_buf_free(&rep->text);
    memset(rep, 0, sizeof *rep);
}

void qt_reply_reader_free(qt_reply_reader *r)
{
    qt_reply_free(&r->cur);
    qt_secret_wipe(r->line, sizeof r->line);   /* a refused line may hold an echo of the credentials */
    r->len = 0;
}

static int bad(qt_reply_reader *r, const char *fmt, const char *arg)
{
    snprintf(r->err, sizeof r->err, fmt, arg);
    return QT_REPLY_BAD;
}

/* The start of a refused line, as err may quote it: redacted first (the
 * whole line, before the cut), then escaped. */
static void quote(const qt_reply_reader *r, const char *s, size_t n, char *out, size_t outn)
{
    char *clean = r->redact ? r->redact(r->redact_ctx, s, n) : NULL;
    const char *t = clean ? clean : s;
    size_t len = clean ? strlen(clean) : n;
    char *safe = qt_safe_strdup(t, len < 20 ? len : 20);

    snprintf(out, outn, "%s", safe);
    free(safe);
    free(clean);
}

/* Check one complete line (without its line end). Returns DONE when it was
 * the last line of a reply, MORE for a continuation, BAD otherwise. */
static int take_line(qt_reply_reader *r, const char *s, size_t n)
{
    char shown[48];
    int code;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            snprintf(shown, sizeof shown, "0x%02x at byte %zu", c, i + 1);
            return bad(r, "binary data in a reply line (control byte %s)", shown);
        }
    }
    if (n < 3 || s[0] < '2' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9') {
        quote(r, s, n, shown, sizeof shown);
        return bad(r, "reply does not start with a code 200-599: \"%s\"", shown);
    }
    if (n > 3 && s[3] != ' ' && s[3] != '-') {
        quote(r, s, n, shown, sizeof shown);
        return bad(r, "bad separator after the reply code: \"%s\"", shown);
    }
    code = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (r->cur.nlines && code != r->cur.code) {
        snprintf(shown, sizeof shown, "%d then %d", r->cur.code, code);
        return bad(r, "multi-line reply changes its code (%s)", shown);
    }
    if (r->cur.nlines >= QT_REPLY_MAXLINES) {
        snprintf(shown, sizeof shown, "%d", QT_REPLY_MAXLINES);
        return bad(r, "reply has more than %s lines", shown);
    }
    if (r->cur.nlines)
        qt_buf_putc(&r->cur.text, '\n');
    qt_buf_add(&r->cur.text, n > 4 ? s + 4 : "", n > 4 ? n - 4 : 0);
    r->cur.code = code;
    r->cur.nlines++;
    return (n > 3 && s[3] == '-') ? QT_REPLY_MORE : QT_REPLY_DONE;
}

int qt_reply_feed(qt_reply_reader *r, const char *data, size_t n, size_t *used, qt_reply *out)
{
    size_t i = 0;

    for (; i < n; i++) {
        char c = data[i];
        if (c == '\n') {
            size_t len = r->len;
            int st;
            if (len && r->line[len - 1] == '\r')
                len--;
            st = len > QT_REPLY_MAXLINE ? QT_REPLY_BAD : take_line(r, r->line, len);
            if (len > QT_REPLY_MAXLINE)
                snprintf(r->err, sizeof r->err, "reply line longer than %d bytes (RFC 5321 allows 512)",
                         QT_REPLY_MAXLINE);
            r->len = 0;
            if (st == QT_REPLY_BAD) {
                *used = i + 1;
                r->total += i + 1;
                return st;
            }
            if (st == QT_REPLY_DONE) {
                *used = i + 1;
                r->total += i + 1;
                *out = r->cur;
                memset(&r->cur, 0, sizeof r->cur);
                return QT_REPLY_DONE;
            }
            continue;
        }
        if (r->len >= QT_REPLY_MAXLINE + 1) {
            /* the line is already over the limit and has not ended */
            *used = i;
            r->total += i;
            snprintf(r->err, sizeof r->err, "reply line longer than %d bytes (RFC 5321 allows 512)",
                     QT_REPLY_MAXLINE);
            return QT_REPLY_BAD;
        }
        r->line[r->len++] = c;
    }
    *used = n;
    r->total += n;
    return QT_REPLY_MORE;
}

void qt_reply_first_line(const qt_reply *rep, char *out, size_t n)
{
    const char *t = qt_buf_str(&rep->text);
    const char *nl = strchr(t, '\n');
    size_t len = nl ? (size_t)(nl - t) : strlen(t);
    if (!n)
        return;
    if (len >= n)
        len = n - 1;
    memcpy(out, t, len);
    out[len] = '\0';
}

static const struct { unsigned bit; const char *name; } mech_names[] = {
    {QT_MECH_PLAIN, "PLAIN"},
    {QT_MECH_LOGIN, "LOGIN"},
    {QT_MECH_CRAM_MD5, "CRAM-MD5"},
};

unsigned qt_mech_parse(const char *name)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(mech_names); i++)
        if (strcasecmp(name, mech_names[i].name) == 0)
            return mech_names[i].bit;
    return 0;
}

const char *qt_mech_name(unsigned mech)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(mech_names); i++)
        if (mech == mech_names[i].bit)
            return mech_names[i].name;
    return "?";
}

void qt_mechs_str(unsigned mechs, char *out, size_t n)
{
    size_t k = 0;
    if (!n)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < QT_ARRAY_LEN(mech_names); i++)
        if (mechs & mech_names[i].bit) {
            int w = snprintf(out + k, n - k, "%s%s", k ? " " : "", mech_names[i].name);
            if (w < 0 || (size_t)w >= n - k)
                break;
            k += (size_t)w;
        }
    if (!k)
        snprintf(out, n, "none");
}

/* Add the space/tab separated mechanisms in s[0..len) to e. */
static void add_mechs(qt_ehlo *e, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char word[64];
        size_t j = i, wl;
        unsigned bit;
        while (j < len && s[j] != ' ' && s[j] != '\t')
            j++;
        wl = j - i;
        if (wl && wl < sizeof word) {
            memcpy(word, s + i, wl);
            word[wl] = '\0';
            bit = qt_mech_parse(word);
            /* keep the server's own list for display, known names once */
            if (!bit || !(e->mechs & bit)) {
                size_t k = strlen(e->mech_list);
                if (k + wl + 2 < sizeof e->mech_list)
                    snprintf(e->mech_list + k, sizeof e->mech_list - k, "%s%s", k ? " " : "", word);
            }
            e->mechs |= bit ? bit : QT_MECH_OTHER;
        }
        i = j + 1;
    }
}

void qt_ehlo_parse(const qt_reply *rep, qt_ehlo *e)
{
    const char *t = qt_buf_str(&rep->text);
    int first = 1;

    memset(e, 0, sizeof *e);
    for (const char *p = t;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (first) {
            size_t g = len < sizeof e->greeting - 1 ? len : sizeof e->greeting - 1;
            memcpy(e->greeting, p, g);
            e->greeting[g] = '\0';
            first = 0;
        } else if (len >= 4 && strncasecmp(p, "AUTH", 4) == 0 && (len == 4 || p[4] == ' ' || p[4] == '=')) {
            /* "AUTH PLAIN LOGIN" (RFC 4954) or "AUTH=LOGIN PLAIN" (old clients' form) */
            e->auth = 1;
            add_mechs(e, p + 5 > p + len ? p + len : p + 5, len > 5 ? len - 5 : 0);
        } else if (len == 8 && strncasecmp(p, "STARTTLS", 8) == 0) {
            e->starttls = 1;
        } else if (len >= 8 && strncasecmp(p, "STARTTLS", 8) == 0 && (p[8] == ' ' || p[8] == '\t')) {
            e->starttls = 1;
        } else if (len == 10 && strncasecmp(p, "PIPELINING", 10) == 0) {
            e->pipelining = 1;
        } else if (len == 8 && strncasecmp(p, "8BITMIME", 8) == 0) {
            e->eightbit = 1;
        } else if (len == 8 && strncasecmp(p, "SMTPUTF8", 8) == 0) {
            e->smtputf8 = 1;
        } else if (len > 5 && strncasecmp(p, "SIZE ", 5) == 0) {
            char num[24];
            size_t nl2 = len - 5 < sizeof num - 1 ? len - 5 : sizeof num - 1;
            unsigned long v;
            memcpy(num, p + 5, nl2);
            num[nl2] = '\0';
            if (qt_parse_ulong(num, &v) == 0)
                e->size = v;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

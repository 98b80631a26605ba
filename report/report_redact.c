/* report_redact.c - the report's last line of defence against secrets.
 *
 * Panes must never put a password or an AUTH string in a table or a finding
 * (HACKING.md). Should one slip through (a process command line such as
 * `swaks --auth-password X`, a transcript line "AUTH PLAIN dXNlcg..."), every
 * string of a report is passed through here before it is written. */
#include "report/report.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MASK "[REDACTED]"

static const char *const mechs[] = {"PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2",
                                    "OAUTHBEARER", "SCRAM-SHA-1", "SCRAM-SHA-256", "NTLM", "GSSAPI"};
static const char *const keys[] = {"password", "passwd", "pass", "pwd", "secret", "token"};
static const char *const flags[] = {"--password", "--auth-password", "--pass", "--passwd", "-ap"};

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

static size_t word_len(const char *p)
{
    size_t n = 0;
    while (p[n] && !is_space(p[n]))
        n++;
    return n;
}

/* Length of a value at p: a quoted string with its quotes, or up to space
 * (also stopping at a quote, ',' or ';', which end key=value lists). */
static size_t value_len(const char *p)
{
    size_t n = 0;
    if (*p == '\'' || *p == '"') {
        const char *e = strchr(p + 1, *p);
        return e ? (size_t)(e - p) + 1 : strlen(p);
    }
    while (p[n] && !is_space(p[n]) && p[n] != '"' && p[n] != '\'' && p[n] != ',' && p[n] != ';' &&
           p[n] != '&')
        n++;
    return n;
}

static int is_mech(const char *p, size_t n)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(mechs); i++)
        if (strlen(mechs[i]) == n && strncasecmp(p, mechs[i], n) == 0)
            return 1;
    return 0;
}

/* "AUTH <MECH> <token>" or "AUTHENTICATE <MECH> <token>" at s+i (a word
 * start): offset and length of the token to hide, or 0. */
static size_t auth_token(const char *s, size_t i, size_t *tok)
{
    const char *p = s + i;
    size_t w = word_len(p), m;

    if (!((w == 4 && strncasecmp(p, "AUTH", 4) == 0) || (w == 12 && strncasecmp(p, "AUTHENTICATE", 12) == 0)))
        return 0;
    p += w;
    while (*p == ' ' || *p == '\t')
        p++;
    m = word_len(p);
    if (!is_mech(p, m))
        return 0;
    p += m;
    while (*p == ' ' || *p == '\t')
        p++;
    m = word_len(p);
    /* an EHLO line lists mechanisms; "=" is an empty initial response */
    if (m == 0 || is_mech(p, m) || (m == 1 && *p == '='))
        return 0;
    *tok = (size_t)(p - s);
    return m;
}

/* key=value / key:value where key ends with one of keys[] (any prefix:
 * auth_password=, DBPASS=), also JSON/YAML style "password": "x". Returns
 * the value length and its offset in *val. */
static size_t key_value(const char *s, size_t i, size_t *val)
{
    for (size_t k = 0; k < QT_ARRAY_LEN(keys); k++) {
        size_t kl = strlen(keys[k]), n;
        const char *p = s + i, *q;
        int quoted = 0;
        if (strncasecmp(p, keys[k], kl) != 0)
            continue;
        q = p + kl;
        if (*q == '"' || *q == '\'') {
            quoted = 1;
            q++;
        }
        if (*q != '=' && *q != ':')
            continue;
        /* "pass://" is a scheme, "user:pass@" is a URL (handled elsewhere) */
        if (q[1] == '/')
            continue;
        q++;
        if (quoted)
            while (*q == ' ' || *q == '\t')
                q++;
        n = value_len(q);
        if (n == 0 || (n == 2 && (*q == '"' || *q == '\'')))
            continue;
        *val = (size_t)(q - s);
        return n;
    }
    return 0;
}

/* "--password X" at a word start: the next word. */
static size_t flag_value(const char *s, size_t i, size_t *val)
{
    const char *p = s + i;
    size_t w = word_len(p);
    for (size_t f = 0; f < QT_ARRAY_LEN(flags); f++) {
        if (strlen(flags[f]) != w || strncmp(p, flags[f], w) != 0)
            continue;
        p += w;
        while (*p == ' ' || *p == '\t')
            p++;
        w = word_len(p);
        if (!w)
            return 0;
        *val = (size_t)(p - s);
        return w;
    }
    return 0;
}

/* "scheme://user:pw@host": the pw. i points at "://". */
static size_t url_password(const char *s, size_t i, size_t *val)
{
    const char *u = s + i + 3, *colon = NULL;
    for (const char *p = u; *p && !is_space(*p) && *p != '/'; p++) {
        if (*p == ':' && !colon)
            colon = p;
        if (*p == '@') {
            if (!colon || p == colon + 1)
                return 0;
            *val = (size_t)(colon + 1 - s);
            return (size_t)(p - colon - 1);
        }
    }
    return 0;
}

/* One pass over s; *n gets the replacements made. */
static char *redact_pass(const char *s, size_t *count)
{
    qt_buf b = {0};
    size_t n = 0, i = 0, len = strlen(s);

    while (i < len) {
        size_t off = 0, l = 0;
        int word_start = i == 0 || is_space(s[i - 1]) || s[i - 1] == '"' || s[i - 1] == '\'';

        if (word_start && (l = auth_token(s, i, &off)) == 0)
            l = flag_value(s, i, &off);
        if (!l)
            l = key_value(s, i, &off);
        if (!l && strncmp(s + i, "://", 3) == 0)
            l = url_password(s, i, &off);
        if (l) {
            /* a value already masked is kept whole, so redacting twice
             * changes nothing (reports of reports stay the same) */
            int masked = l >= sizeof MASK - 1 && strncmp(s + off, MASK, sizeof MASK - 1) == 0;
            qt_buf_add(&b, s + i, off - i);
            if (masked) {
                qt_buf_add(&b, s + off, l);
            } else {
                qt_buf_puts(&b, MASK);
                n++;
            }
            i = off + l;
            continue;
        }
        qt_buf_putc(&b, s[i]);
        i++;
    }
    *count = n;
    return qt_buf_steal(&b);
}

char *qt_report_redact(const char *s, size_t *count)
{
    size_t total = 0, n;
    char *cur;

    if (count)
        *count = 0;
    if (!s)
        return NULL;
    /* until nothing changes: masking one value can make its surroundings
     * match another rule ("x://a b=':y'c@h" -> a URL password appears) */
    cur = redact_pass(s, &n);
    for (int pass = 0; n && pass < 8; pass++) {
        char *next;
        total += n;
        next = redact_pass(cur, &n);
        free(cur);
        cur = next;
    }
    if (count)
        *count = total;
    return cur;
}

/* auth_redact.c - see auth_redact.h */
#include "diag/auth/auth_redact.h"
#include "diag/auth/auth_b64.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

#define FORM_MIN 6      /* shortest form searched */
#define PART_RAW 8      /* shortest piece of the raw password replaced */
#define PART_ENC 12     /* shortest piece of an encoding replaced */

struct form {
    const char *s;
    size_t len, part;
    size_t reach;       /* a piece must end at or after this offset: the PLAIN string's user part is no secret */
    const char *marker;
};

/* Longest l such that text[0..l) occurs in f and reaches into its secret part. */
static size_t longest_at(const struct form *f, const char *t, size_t n)
{
    size_t best = 0;
    for (size_t j = 0; j < f->len; j++) {
        size_t k = 0;
        if (f->s[j] != t[0])
            continue;
        while (j + k < f->len && k < n && f->s[j + k] == t[k])
            k++;
        if (k > best && j + k >= f->reach)
            best = k;
        if (best == n || best == f->len)
            break;
    }
    return best;
}

static void hex(const char *in, size_t n, char *out, const char *digits)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[(unsigned char)in[i] >> 4];
        out[2 * i + 1] = digits[(unsigned char)in[i] & 15];
    }
    out[2 * n] = '\0';
}

static void add(struct form *v, int *k, const char *s, size_t len, size_t part, const char *marker)
{
    if (len < FORM_MIN)
        return;
    v[*k] = (struct form){s, len, len < part ? len : part, 0, marker};
    (*k)++;
}

char *qt_auth_redact(const char *user, const qt_secret *pass, const char *extra, const char *text, size_t n,
                     size_t *hits)
{
    /* one mapping for all derived forms: wiped below */
    static const size_t cap = 4 * QT_SECRET_MAX + 2 * (QT_SECRET_MAX + 300) + 64;
    char *mem, *plain, *b64, *hl, *hu;
    const char *pw = qt_secret_str(pass);
    size_t pl = qt_secret_len(pass), count = 0;
    struct form f[6];
    int nf = 0;
    long r;
    qt_buf out = {0};

    if (hits)
        *hits = 0;
    if (!pl && !(extra && *extra))
        return qt_strndup(text, n);
    mem = qt_calloc(1, cap * 2);
    plain = mem;                                   /* 2 * (QT_SECRET_MAX + 300) */
    b64 = plain + 2 * (QT_SECRET_MAX + 300) + 16;  /* 2 * QT_SECRET_MAX */
    hl = b64 + 2 * QT_SECRET_MAX + 16;             /* 2 * QT_SECRET_MAX + 1 */
    hu = hl + 2 * QT_SECRET_MAX + 16;
    if (pl) {
        r = qt_auth_plain(user ? user : "", pw, pl, plain, 2 * (QT_SECRET_MAX + 300));
        if (r > 0) {
            /* base64 groups of 3 bytes: the password starts in group (ulen + 2) / 3;
             * a piece counts once it covers 4 characters of it */
            size_t from = (strlen(user ? user : "") + 2) / 3 * 4 + 4;
            add(f, &nf, plain, (size_t)r, PART_ENC, "<AUTH PLAIN string>");
            if (nf)
                f[nf - 1].reach = from < (size_t)r ? from : (size_t)r;
        }
        r = qt_b64_encode(pw, pl, b64, 2 * QT_SECRET_MAX + 8);
        if (r > 0)
            add(f, &nf, b64, (size_t)r, PART_ENC, "<password (base64)>");
        hex(pw, pl, hl, "0123456789abcdef");
        hex(pw, pl, hu, "0123456789ABCDEF");
        add(f, &nf, hl, 2 * pl, PART_ENC, "<password (hex)>");
        add(f, &nf, hu, 2 * pl, PART_ENC, "<password (hex)>");
        if (pl >= 4)   /* a short raw password is redacted in full even below FORM_MIN */
            f[nf++] = (struct form){pw, pl, pl < PART_RAW ? pl : PART_RAW, 0, "<password>"};
    }
    if (extra && *extra)
        add(f, &nf, extra, strlen(extra), PART_ENC, "<CRAM-MD5 response>");

    for (size_t i = 0; i < n;) {
        size_t best = 0;
        int whole = 0;   /* the best match is a complete form: its marker names it exactly */
        const char *marker = NULL;
        for (int k = 0; k < nf; k++) {
            size_t l = longest_at(&f[k], text + i, n - i);
            if (l >= f[k].part && (l > best || (l == best && !whole && l == f[k].len))) {
                best = l;
                whole = l == f[k].len;
                marker = f[k].marker;
            }
        }
        if (best) {
            qt_buf_puts(&out, marker);
            count++;
            i += best;
        } else {
            qt_buf_add(&out, text + i, 1);
            i++;
        }
    }
    qt_secret_wipe(mem, cap * 2);
    free(mem);
    if (hits)
        *hits = count;
    if (!out.s)
        qt_buf_add(&out, "", 0);
    return qt_buf_steal(&out);
}

/* report_table.c - table copies and cuts, UTF-8 checks, the string map. */
#include "report/report_int.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

void qt_rtable_copy(qt_table *dst, const qt_table *src)
{
    *dst = *src;
    dst->rows = NULL;
    dst->nrows = dst->cap = 0;
    dst->note = qt_strdup(src->note);
    if (src->nrows) {
        dst->rows = qt_calloc(src->nrows, sizeof *dst->rows);
        dst->cap = src->nrows;
    }
    for (size_t r = 0; r < src->nrows; r++) {
        const struct qt_row *s = &src->rows[r];
        struct qt_row *d = &dst->rows[r];
        d->id = qt_strdup(s->id);
        d->role = s->role;
        d->cells = qt_calloc((size_t)(src->ncols ? src->ncols : 1), sizeof *d->cells);
        for (int c = 0; c < src->ncols; c++) {
            d->cells[c] = s->cells[c];
            d->cells[c].text = qt_strdup(s->cells[c].text);
        }
    }
    dst->nrows = src->nrows;
}

void qt_rtable_cut(qt_table *t, size_t n)
{
    for (size_t r = n; r < t->nrows; r++) {
        for (int c = 0; c < t->ncols; c++)
            free(t->rows[r].cells[c].text);
        free(t->rows[r].cells);
        free(t->rows[r].id);
    }
    if (n < t->nrows)
        t->nrows = n;
}

struct qt_row *qt_rtable_row_raw(qt_table *t, const char *id)
{
    struct qt_row *r;
    qt_grow(&t->rows, &t->cap, t->nrows + 1, sizeof *t->rows);
    r = &t->rows[t->nrows++];
    r->id = qt_strdup(id);
    r->cells = qt_calloc((size_t)(t->ncols ? t->ncols : 1), sizeof *r->cells);
    r->role = QT_ROLE_NORMAL;
    return r;
}

int qt_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        size_t need;
        unsigned cp;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (len - i <= need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Value of the escape "\xNN" at p, or -1 when p is not one. */
static int esc_byte(const char *p)
{
    static const char hex[] = "0123456789abcdef";
    const char *h, *l;
    if (p[0] != '\\' || p[1] != 'x' || !p[2] || !p[3] || !(h = strchr(hex, p[2])) || !(l = strchr(hex, p[3])))
        return -1;
    return (int)(h - hex) * 16 + (int)(l - hex);
}

int qt_rtext_clamp(char **s, size_t max)
{
    static const char tail[] = "...[cut]";
    size_t len = *s ? strlen(*s) : 0, keep, i = 0, tok;

    if (len <= max || max < sizeof tail)
        return 0;
    keep = max - (sizeof tail - 1);
    /* cut at a token boundary: never inside a \xNN or \\ escape of the
     * display-safe text, nor inside a UTF-8 sequence */
    for (;;) {
        unsigned char c = (unsigned char)(*s)[i];
        int e = esc_byte(*s + i);
        if (e >= 0xc0) {
            /* an escaped UTF-8 lead byte: keep its escaped continuation
             * bytes with it, so a cut never splits an escaped character */
            tok = 4;
            while (tok < 16 && (e = esc_byte(*s + i + tok)) >= 0x80 && e < 0xc0)
                tok += 4;
        } else if (c == '\\')
            tok = (*s)[i + 1] == 'x' ? 4 : 2;
        else if (c >= 0xf0)
            tok = 4;
        else if (c >= 0xe0)
            tok = 3;
        else if (c >= 0xc0)
            tok = 2;
        else
            tok = 1;
        if (i + tok > keep)
            break;
        i += tok;
    }
    memcpy(*s + i, tail, sizeof tail);
    return 1;
}

/* --- map: open addressing, FNV-1a --- */

static size_t hash(const void *key, size_t klen)
{
    return (size_t)qt_fnv1a(QT_FNV1A_INIT, key, klen);
}

static struct qt_rmap_ent *slot(const qt_rmap *m, const void *key, size_t klen)
{
    size_t i = hash(key, klen) & (m->cap - 1);
    for (;;) {
        struct qt_rmap_ent *e = &m->v[i];
        if (!e->key || (e->klen == klen && memcmp(e->key, key, klen) == 0))
            return e;
        i = (i + 1) & (m->cap - 1);
    }
}

void *qt_rmap_get(const qt_rmap *m, const void *key, size_t klen)
{
    struct qt_rmap_ent *e;
    if (!m->cap)
        return NULL;
    e = slot(m, key, klen);
    return e->key ? e->val : NULL;
}

void *qt_rmap_put(qt_rmap *m, const void *key, size_t klen, void *val)
{
    struct qt_rmap_ent *e;
    void *old;

    if ((m->n + 1) * 2 > m->cap) {
        qt_rmap bigger = {.cap = m->cap ? m->cap * 2 : 64};
        bigger.v = qt_calloc(bigger.cap, sizeof *bigger.v);
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].key)
                *slot(&bigger, m->v[i].key, m->v[i].klen) = m->v[i];
        bigger.n = m->n;
        free(m->v);
        *m = bigger;
    }
    e = slot(m, key, klen);
    if (e->key) {
        old = e->val;
        e->val = val;
        return old;
    }
    e->key = qt_malloc(klen ? klen : 1);
    memcpy(e->key, key, klen);
    e->klen = klen;
    e->val = val;
    m->n++;
    return NULL;
}

void qt_rmap_free(qt_rmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].key);
    free(m->v);
    memset(m, 0, sizeof *m);
}

void qt_rmap_viewkey(qt_buf *b, const char *view, const char *key)
{
    qt_buf_reset(b);
    qt_buf_add(b, view, strlen(view) + 1);
    if (key) {
        qt_buf_putc(b, 'k');
        qt_buf_puts(b, key);
    } else {
        qt_buf_putc(b, '-');
    }
}

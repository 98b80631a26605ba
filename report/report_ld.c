/* report_ld.c - see report_ld.h */
#include "report/report_ld.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void qt_ld_fail(struct qt_ld *l, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    if (l->failed)
        return;
    l->failed = 1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (l->path.len)
        snprintf(l->err, l->errlen, "%s: %s", qt_buf_str(&l->path), msg);
    else
        snprintf(l->err, l->errlen, "%s", msg);
}

/* path segments: push returns the mark to pop back to */
size_t qt_ld_push(struct qt_ld *l, const char *name)
{
    size_t mark = l->path.len;
    qt_buf_printf(&l->path, "%s%s", l->path.len ? "." : "", name);
    return mark;
}

size_t qt_ld_push_idx(struct qt_ld *l, size_t i)
{
    size_t mark = l->path.len;
    qt_buf_printf(&l->path, "[%zu]", i);
    return mark;
}

void qt_ld_pop(struct qt_ld *l, size_t mark)
{
    l->path.len = mark;
    if (l->path.s)
        l->path.s[mark] = '\0';
}

/* --- typed members --- */


const char *qt_ld_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

/* Member key of o, checked to be of type t (JSON_REAL means any number).
 * NULL when absent (an error unless OPT) or null (an error unless NUL_OK). */
json_t *qt_ld_get(struct qt_ld *l, const json_t *o, const char *key, json_type t, int flags)
{
    json_t *j = json_object_get(o, key);
    size_t m;
    int ok;

    if (l->failed)
        return NULL;
    if (!j) {
        if (!(flags & OPT)) {
            m = qt_ld_push(l, key);
            qt_ld_fail(l, "missing");
            qt_ld_pop(l, m);
        }
        return NULL;
    }
    if (json_is_null(j)) {
        if (!(flags & NUL_OK)) {
            m = qt_ld_push(l, key);
            qt_ld_fail(l, "must not be null");
            qt_ld_pop(l, m);
        }
        return NULL;
    }
    ok = t == JSON_REAL ? json_is_number(j) : t == JSON_TRUE ? json_is_boolean(j) : json_typeof(j) == t;
    if (!ok) {
        static const char *const want[] = {"an object", "an array", "a string", "an integer", "a number",
                                           "a boolean", "a boolean", "null"};
        m = qt_ld_push(l, key);
        qt_ld_fail(l, "is %s, want %s", qt_ld_type_name(j), want[t]);
        qt_ld_pop(l, m);
        return NULL;
    }
    return j;
}

long long qt_ld_get_int(struct qt_ld *l, const json_t *o, const char *key, long long lo, long long hi, long long dflt,
                         int flags)
{
    json_t *j = qt_ld_get(l, o, key, JSON_INTEGER, flags);
    long long v;
    if (!j)
        return dflt;
    v = json_integer_value(j);
    if (v < lo || v > hi) {
        size_t m = qt_ld_push(l, key);
        qt_ld_fail(l, "%lld is out of range (%lld..%lld)", v, lo, hi);
        qt_ld_pop(l, m);
        return dflt;
    }
    return v;
}

double qt_ld_get_num(struct qt_ld *l, const json_t *o, const char *key, double lo, double hi, double dflt, int flags)
{
    json_t *j = qt_ld_get(l, o, key, JSON_REAL, flags);
    double v;
    if (!j)
        return dflt;
    v = json_number_value(j);
    if (!(v >= lo && v <= hi)) {
        size_t m = qt_ld_push(l, key);
        qt_ld_fail(l, "%g is out of range (%g..%g)", v, lo, hi);
        qt_ld_pop(l, m);
        return dflt;
    }
    return v;
}

int qt_ld_get_bool(struct qt_ld *l, const json_t *o, const char *key, int flags)
{
    json_t *j = qt_ld_get(l, o, key, JSON_TRUE, flags);
    return j ? json_is_true(j) : 0;
}


/* A display string: at most max bytes, no control byte (but '\n' with
 * TXT_MULTI), non-ASCII escaped as \xNN like live text (qt_buf_put_safe).
 * The escaped copy is at most max bytes too: each escape is 4 bytes for 1, so
 * a text within the raw limit can outgrow the char[max + 1] its caller copies
 * it into; it is cut on an escape boundary and ends in "...[cut]". Returns a
 * malloc'd copy; NULL when absent/null (allowed by flags) or on error. */
char *qt_ld_get_text(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    json_t *j = qt_ld_get(l, o, key, JSON_STRING, flags);
    const char *s;
    size_t len, m;
    qt_buf b = {0};
    char *out;

    if (!j)
        return NULL;
    s = json_string_value(j);
    len = json_string_length(j);
    m = qt_ld_push(l, key);
    if (len > max) {
        qt_ld_fail(l, "string of %zu bytes is longer than %zu", len, max);
        qt_ld_pop(l, m);
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(c == '\n' && (flags & TXT_MULTI))) || c == 0x7f) {
            qt_ld_fail(l, "control character 0x%02x at byte %zu (corrupt or hostile report)", c, i);
            qt_buf_free(&b);
            qt_ld_pop(l, m);
            return NULL;
        }
        if (c >= 0x80)
            qt_buf_put_safe(&b, (const char *)&s[i], 1);
        else
            qt_buf_putc(&b, (char)c);
    }
    out = qt_buf_steal(&b);
    qt_rtext_clamp(&out, max);
    if (strlen(out) > max) { /* max too small for the "...[cut]" mark */
        qt_ld_fail(l, "longer than %zu bytes once escaped", max);
        free(out);
        out = NULL;
    }
    qt_ld_pop(l, m);
    return out;
}

/* A name (views, metrics, services, collectors): display text, 1..max bytes. */
char *qt_ld_get_name(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    char *s = qt_ld_get_text(l, o, key, max, flags);
    if (s && !*s) {
        size_t m = qt_ld_push(l, key);
        qt_ld_fail(l, "empty name");
        qt_ld_pop(l, m);
        free(s);
        return NULL;
    }
    return s;
}

/* An opaque key: "<name>" (any UTF-8 without NUL) or "<name>_hex". *present
 * says whether it was given non-null. */
char *qt_ld_get_key(struct qt_ld *l, const json_t *o, const char *name, int *present)
{
    char hname[32];
    json_t *t = json_object_get(o, name), *h;
    size_t m;

    snprintf(hname, sizeof hname, "%s_hex", name);
    h = json_object_get(o, hname);
    *present = 0;
    if (t && h) {
        qt_ld_fail(l, "both %s and %s given", name, hname);
        return NULL;
    }
    if (h) {
        const char *s;
        size_t len;
        char *out;
        if (!(h = qt_ld_get(l, o, hname, JSON_STRING, 0)))
            return NULL;
        s = json_string_value(h);
        len = json_string_length(h);
        m = qt_ld_push(l, hname);
        if (len % 2 || len > 2 * QT_REPORT_MAX_TEXT) {
            qt_ld_fail(l, "bad hex length %zu", len);
            qt_ld_pop(l, m);
            return NULL;
        }
        out = qt_malloc(len / 2 + 1);
        for (size_t i = 0; i < len / 2; i++) {
            int v = 0;
            for (int k = 0; k < 2; k++) {
                char c = s[2 * i + (size_t)k];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                if (d < 0) {
                    qt_ld_fail(l, "not lower-case hex");
                    free(out);
                    qt_ld_pop(l, m);
                    return NULL;
                }
                v = v * 16 + d;
            }
            if (v == 0) {
                qt_ld_fail(l, "NUL byte in key");
                free(out);
                qt_ld_pop(l, m);
                return NULL;
            }
            out[i] = (char)v;
        }
        out[len / 2] = '\0';
        qt_ld_pop(l, m);
        *present = 1;
        return out;
    }
    if (!t || json_is_null(t))
        return NULL;
    if (!(t = qt_ld_get(l, o, name, JSON_STRING, 0)))
        return NULL;
    if (json_string_length(t) > QT_REPORT_MAX_TEXT) {
        m = qt_ld_push(l, name);
        qt_ld_fail(l, "longer than %d bytes", QT_REPORT_MAX_TEXT);
        qt_ld_pop(l, m);
        return NULL;
    }
    *present = 1;
    return qt_strdup(json_string_value(t)); /* jansson refuses NUL unless asked */
}

int qt_ld_get_role(struct qt_ld *l, const json_t *o, const char *key, int flags)
{
    json_t *j = qt_ld_get(l, o, key, JSON_STRING, flags);
    int r;
    if (!j)
        return QT_ROLE_NORMAL;
    r = qt_report_role_parse(json_string_value(j));
    if (r < 0) {
        size_t m = qt_ld_push(l, key);
        qt_ld_fail(l, "unknown role");
        qt_ld_pop(l, m);
        return QT_ROLE_NORMAL;
    }
    return r;
}

/* Array member with at most max elements; NULL (and maybe an error) else. */
json_t *qt_ld_get_array(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags)
{
    json_t *a = qt_ld_get(l, o, key, JSON_ARRAY, flags);
    if (a && json_array_size(a) > max) {
        size_t m = qt_ld_push(l, key);
        qt_ld_fail(l, "%zu elements, at most %zu allowed", json_array_size(a), max);
        qt_ld_pop(l, m);
        return NULL;
    }
    return a;
}

/* Element i of a must be an object. */
json_t *qt_ld_elem_obj(struct qt_ld *l, const json_t *a, size_t i)
{
    json_t *e = json_array_get(a, i);
    if (!json_is_object(e)) {
        size_t m = qt_ld_push_idx(l, i);
        qt_ld_fail(l, "is %s, want an object", qt_ld_type_name(e));
        qt_ld_pop(l, m);
        return NULL;
    }
    return e;
}


/* finding.c - see finding.h */
#include "diag/core/finding.h"
#include "diag/core/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const sev_names[] = {"OK", "INFO", "WARN", "CRIT"};

const char *qt_sev_name(enum qt_sev s)
{
    return (unsigned)s < QT_ARRAY_LEN(sev_names) ? sev_names[s] : "?";
}

int qt_sev_parse(const char *s)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(sev_names); i++)
        if (strcasecmp(s, sev_names[i]) == 0)
            return (int)i;
    return -1;
}

static char *safe(const char *s)
{
    return qt_safe_strdup(s, strlen(s));
}

qt_finding *qt_findings_add(qt_findings *fs, enum qt_sev sev, const char *source,
                            const char *id, const char *title)
{
    qt_finding *f;

    qt_grow(&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
    f = &fs->v[fs->n++];
    f->sev = sev;
    f->source = safe(source);
    f->id = safe(id);
    f->title = safe(title);
    f->subject = qt_strdup("");
    f->evidence = qt_strdup("");
    f->explain = qt_strdup("");
    f->fix = qt_strdup("");
    f->inc_kind = qt_strdup("");
    f->inc_service = qt_strdup("");
    f->inc_impact = qt_strdup("");
    f->unwatched = 0;
    return f;
}

/* Append a formatted line, made safe, to *field (lines joined by '\n'). */
static void add_line(char **field, const char *fmt, va_list ap)
{
    char *line = qt_vasprintf(fmt, ap);
    qt_buf b = {0};

    qt_buf_puts(&b, *field);
    if (b.len)
        qt_buf_putc(&b, '\n');
    /* keep the newlines a caller wrote on purpose, escape everything else */
    for (char *p = line, *nl; ; p = nl + 1) {
        nl = strchr(p, '\n');
        qt_buf_put_safe(&b, p, nl ? (size_t)(nl - p) : strlen(p));
        if (!nl)
            break;
        qt_buf_putc(&b, '\n');
    }
    free(line);
    free(*field);
    *field = qt_buf_steal(&b);
}

void qt_finding_subject(qt_finding *f, const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = qt_vasprintf(fmt, ap);
    va_end(ap);
    free(f->subject);
    f->subject = safe(s);
    free(s);
}

void qt_finding_incident(qt_finding *f, const char *kind, const char *service,
                         const char *impact_fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, impact_fmt);
    s = qt_vasprintf(impact_fmt, ap);
    va_end(ap);
    free(f->inc_kind);
    free(f->inc_service);
    free(f->inc_impact);
    f->inc_kind = safe(kind);
    f->inc_service = safe(service);
    f->inc_impact = safe(s);
    free(s);
}

#define LINE_SETTER(name, field)                      \
    void name(qt_finding *f, const char *fmt, ...)    \
    {                                                 \
        va_list ap;                                   \
        va_start(ap, fmt);                            \
        add_line(&f->field, fmt, ap);                 \
        va_end(ap);                                   \
    }
LINE_SETTER(qt_finding_evidence, evidence)
LINE_SETTER(qt_finding_explain, explain)
LINE_SETTER(qt_finding_fix, fix)

void qt_finding_fix_lines(qt_finding *f, const char *text, int skip_comments)
{
    for (const char *line = text, *nl; line && *line; line = nl + 1) {
        nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        if (!(skip_comments && line[0] == '#'))
            qt_finding_fix(f, "%.*s", len, line);
        if (!nl)
            break;
    }
}

static int cmp(const void *a, const void *b)
{
    const qt_finding *x = a, *y = b;
    int c;
    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    if ((c = strcmp(x->source, y->source)))
        return c;
    return strcmp(x->id, y->id);
}

void qt_findings_sort(qt_findings *fs)
{
    if (fs->n > 1)
        qsort(fs->v, fs->n, sizeof *fs->v, cmp);
}

enum qt_sev qt_findings_worst(const qt_findings *fs)
{
    enum qt_sev w = QT_SEV_OK;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].sev > w)
            w = fs->v[i].sev;
    return w;
}

size_t qt_findings_count(const qt_findings *fs, enum qt_sev s)
{
    size_t c = 0;
    for (size_t i = 0; i < fs->n; i++)
        c += fs->v[i].sev == s;
    return c;
}

const qt_finding *qt_findings_find(const qt_findings *fs, const char *id)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].id, id) == 0)
            return &fs->v[i];
    return NULL;
}

void qt_findings_move(qt_findings *dst, qt_findings *src)
{
    qt_grow(&dst->v, &dst->cap, dst->n + src->n, sizeof *dst->v);
    if (src->n)
        memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
    dst->n += src->n;
    free(src->v);
    memset(src, 0, sizeof *src);
}

void qt_findings_free(qt_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        qt_finding *f = &fs->v[i];
        free(f->source);
        free(f->id);
        free(f->subject);
        free(f->title);
        free(f->evidence);
        free(f->explain);
        free(f->fix);
        free(f->inc_kind);
        free(f->inc_service);
        free(f->inc_impact);
    }
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

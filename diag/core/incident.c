/* incident.c - see incident.h */
#include "diag/core/incident.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

/* The user-visible effect, most visible first (docs/incidents.md): a
 * service that is down refuses everybody; at its limit it queues or refuses
 * new clients; stalled handshakes are why it fills; one client holding many
 * slots is one cause of that; a missing deadline is what lets it happen. */
static const char *const conn_kinds[] = {"service-down", "saturation", "tls-stall", "ip-hog", "no-deadline"};

int qt_incident_kind_rank(const char *kind)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(conn_kinds); i++)
        if (strcmp(kind, conn_kinds[i]) == 0)
            return (int)i;
    return (int)QT_ARRAY_LEN(conn_kinds);
}

int qt_incident_kind_is_conn(const char *kind)
{
    return qt_incident_kind_rank(kind) < (int)QT_ARRAY_LEN(conn_kinds);
}

qt_incident *qt_incidents_add(qt_incidents *is, const char *id, const char *kind, const char *service,
                              enum qt_sev sev, double since, const char *impact, const char *fix,
                              const char *evidence)
{
    qt_incident *inc;

    qt_grow(&is->v, &is->cap, is->n + 1, sizeof *is->v);
    inc = &is->v[is->n++];
    memset(inc, 0, sizeof *inc);
    inc->id = qt_strdup(id);
    inc->kind = qt_strdup(kind);
    inc->service = qt_strdup(service);
    inc->sev = sev;
    inc->since = since;
    inc->impact = qt_strdup(impact);
    inc->fix = qt_strdup(fix);
    inc->evidence = qt_strdup(evidence);
    return inc;
}

void qt_incident_add_finding(qt_incident *inc, const char *finding_id)
{
    inc->finding_ids = qt_realloc(inc->finding_ids, (inc->nids + 1) * sizeof *inc->finding_ids);
    inc->finding_ids[inc->nids++] = qt_strdup(finding_id);
}

const char *qt_incident_impact_short(const qt_incident *inc)
{
    size_t n = strlen(inc->service);
    if (n && strncmp(inc->impact, inc->service, n) == 0) {
        if (inc->impact[n] == ' ')
            return inc->impact + n + 1;
        if (inc->impact[n] == ':' && inc->impact[n + 1] == ' ')   /* "tcpserver:25: ..." */
            return inc->impact + n + 2;
    }
    return inc->impact;
}

long qt_incidents_find(const qt_incidents *is, const char *id)
{
    for (size_t i = 0; is && i < is->n; i++)
        if (strcmp(is->v[i].id, id) == 0)
            return (long)i;
    return -1;
}

static int cmp(const void *a, const void *b)
{
    const qt_incident *x = a, *y = b;
    int rx = qt_incident_kind_rank(x->kind), ry = qt_incident_kind_rank(y->kind);
    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    if (rx != ry)
        return rx < ry ? -1 : 1;
    return strcmp(x->id, y->id);
}

void qt_incidents_sort(qt_incidents *is)
{
    if (is->n > 1)
        qsort(is->v, is->n, sizeof *is->v, cmp);
}

/* The group's id: one per service for the connection kinds, else per kind. */
static char *group_id(const qt_finding *f)
{
    if (qt_incident_kind_is_conn(f->inc_kind))
        return qt_asprintf("svc:%s", f->inc_service);
    return qt_asprintf("%s:%s", f->inc_kind, f->inc_service);
}

/* 1 when finding a decides over b: higher precedence, then worse, then
 * earlier (fs is sorted, so the order is stable). */
static int decides(const qt_finding *a, const qt_finding *b)
{
    int ra = qt_incident_kind_rank(a->inc_kind), rb = qt_incident_kind_rank(b->inc_kind);
    if (ra != rb)
        return ra < rb;
    return a->sev > b->sev;
}

/* The first line of fix that is a command (not a "# ..." comment); the
 * first line when all are comments; "" when there is none. */
static char *first_fix(const char *fix)
{
    const char *first = NULL;
    for (const char *p = fix; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *q = p;
        while (q < p + len && (*q == ' ' || *q == '\t'))
            q++;
        if (q < p + len && *q != '#')
            return qt_strndup(p, len);
        if (!first && len)
            first = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    if (!first)
        return qt_strdup("");
    return qt_strndup(first, strcspn(first, "\n"));
}

struct group {
    char *id;
    size_t *idx;   /* finding indexes, deciding one first */
    size_t n;
};

static void fill(qt_incidents *out, const qt_findings *fs, const struct group *g, double now,
                 const qt_incidents *prev)
{
    const qt_finding *d = &fs->v[g->idx[0]];
    enum qt_sev worst = d->sev;
    long p = qt_incidents_find(prev, g->id);
    qt_buf ev = {0};
    char *fix = first_fix(d->fix);
    qt_incident *inc;

    for (size_t k = 0; k < g->n; k++) {
        const qt_finding *f = &fs->v[g->idx[k]];
        if (f->sev > worst)
            worst = f->sev;
        qt_buf_printf(&ev, "%s%s %s: %s", k ? "\n" : "", qt_sev_name(f->sev), f->inc_kind, f->inc_impact);
    }
    inc = qt_incidents_add(out, g->id, d->inc_kind, d->inc_service, worst, p >= 0 ? prev->v[p].since : now,
                           d->inc_impact, fix, qt_buf_str(&ev));
    for (size_t k = 0; k < g->n; k++)
        qt_incident_add_finding(inc, fs->v[g->idx[k]].id);
    qt_buf_free(&ev);
    free(fix);
}

void qt_incidents_build(const qt_findings *fs, double now, const qt_incidents *prev, qt_incidents *out)
{
    struct group *gs = NULL;
    size_t ng = 0, capg = 0;

    qt_incidents_free(out);
    for (size_t i = 0; i < fs->n; i++) {
        const qt_finding *f = &fs->v[i];
        char *id;
        size_t g;
        if (!f->inc_kind || !*f->inc_kind)
            continue;
        id = group_id(f);
        for (g = 0; g < ng && strcmp(gs[g].id, id); g++)
            ;
        if (g == ng) {
            qt_grow(&gs, &capg, ng + 1, sizeof *gs);
            memset(&gs[ng++], 0, sizeof *gs);
            gs[g].id = id;
        } else {
            free(id);
        }
        gs[g].idx = qt_realloc(gs[g].idx, (gs[g].n + 1) * sizeof *gs[g].idx);
        gs[g].idx[gs[g].n++] = i;
    }
    for (size_t g = 0; g < ng; g++) {
        /* the deciding finding first, the others in findings order */
        size_t d = 0, keep;
        for (size_t k = 1; k < gs[g].n; k++)
            if (decides(&fs->v[gs[g].idx[k]], &fs->v[gs[g].idx[d]]))
                d = k;
        keep = gs[g].idx[d];
        memmove(gs[g].idx + 1, gs[g].idx, d * sizeof *gs[g].idx);
        gs[g].idx[0] = keep;
        fill(out, fs, &gs[g], now, prev);
        free(gs[g].id);
        free(gs[g].idx);
    }
    free(gs);
    qt_incidents_sort(out);
}

void qt_incidents_copy(qt_incidents *dst, const qt_incidents *src)
{
    qt_incidents_free(dst);
    for (size_t i = 0; src && i < src->n; i++) {
        const qt_incident *s = &src->v[i];
        qt_incident *d = qt_incidents_add(dst, s->id, s->kind, s->service, s->sev, s->since, s->impact, s->fix,
                                          s->evidence);
        for (size_t k = 0; k < s->nids; k++)
            qt_incident_add_finding(d, s->finding_ids[k]);
    }
}

void qt_incidents_free(qt_incidents *is)
{
    for (size_t i = 0; i < is->n; i++) {
        qt_incident *inc = &is->v[i];
        free(inc->id);
        free(inc->kind);
        free(inc->service);
        free(inc->impact);
        free(inc->fix);
        free(inc->evidence);
        for (size_t k = 0; k < inc->nids; k++)
            free(inc->finding_ids[k]);
        free(inc->finding_ids);
    }
    free(is->v);
    memset(is, 0, sizeof *is);
}

/* monitor_prom.c - `qtriage --prometheus FILE`: the Prometheus text
 * exposition format (version 0.0.4) for node_exporter's textfile collector.
 *
 * Every snapshot metric becomes a gauge qtriage_<name> with labels service
 * and port when it is per service; qtriage adds its own families:
 * qtriage_findings{severity}, qtriage_collector_up{collector},
 * qtriage_sample_timestamp_seconds, qtriage_sample_duration_seconds and
 * qtriage_build_info{version}. No sample timestamps (the textfile collector
 * rejects them); each family's HELP, TYPE and samples are contiguous; a
 * (name, labels) pair appears once. A value qtriage could not see (a
 * metric with an `unknown` reason) has no sample at all, so an alert on it
 * sees absent data rather than a 0 (docs/monitoring.md); a family whose
 * every sample is unknown is left out whole. */
#include "report/monitor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_name(qt_buf *b, const char *name)
{
    qt_buf_puts(b, "qtriage_");
    for (const char *p = name; *p; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        qt_buf_putc(b, ok ? c : '_');
    }
}

/* HELP text escapes \ and newline; label values also escape ". */
static void put_escaped(qt_buf *b, const char *s, int label)
{
    for (; *s; s++) {
        if (*s == '\\')
            qt_buf_puts(b, "\\\\");
        else if (*s == '\n')
            qt_buf_puts(b, "\\n");
        else if (label && *s == '"')
            qt_buf_puts(b, "\\\"");
        else
            qt_buf_putc(b, *s);
    }
}

static void put_value(qt_buf *b, double v)
{
    if (isnan(v))
        qt_buf_puts(b, "NaN");
    else if (isinf(v))
        qt_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        qt_buf_printf(b, "%.0f", v);
    else
        qt_buf_printf(b, "%.17g", v);
}

static void family(qt_buf *b, const char *name, const char *help)
{
    qt_buf_puts(b, "# HELP ");
    put_name(b, name);
    qt_buf_putc(b, ' ');
    put_escaped(b, help, 0);
    qt_buf_puts(b, "\n# TYPE ");
    put_name(b, name);
    qt_buf_puts(b, " gauge\n");
}

static const char *const own[] = {"findings", "collector_up", "sample_timestamp_seconds",
                                  "sample_duration_seconds", "build_info"};

static int is_own(const char *name)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(own); i++)
        if (strcmp(own[i], name) == 0)
            return 1;
    return 0;
}

/* Same family name once sanitised ("a-b" and "a_b" collide). */
static int same_family(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        int okx = (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9') || x == '_';
        int oky = (y >= 'a' && y <= 'z') || (y >= 'A' && y <= 'Z') || (y >= '0' && y <= '9') || y == '_';
        if ((okx ? x : '_') != (oky ? y : '_'))
            return 0;
    }
    return *a == *b;
}

static int unknown(const qt_metric *x)
{
    return x->unknown[0] != '\0';
}

/* Some metric of x's family from index i on has a known value. */
static int family_known(const qt_metrics *m, size_t i)
{
    for (size_t j = i; j < m->n; j++)
        if (same_family(m->v[j].name, m->v[i].name) && !unknown(&m->v[j]))
            return 1;
    return 0;
}

void qt_prom_render(const qt_snapshot *snap, qt_buf *out)
{
    const qt_metrics *m = &snap->metrics;
    char *done = qt_calloc(m->n ? m->n : 1, 1);
    static const enum qt_sev sevs[] = {QT_SEV_CRIT, QT_SEV_WARN, QT_SEV_INFO, QT_SEV_OK};
    static const char *const sevl[] = {"crit", "warn", "info", "ok"};

    for (size_t i = 0; i < m->n; i++) {
        const qt_metric *x = &m->v[i];
        if (done[i] || is_own(x->name) || !x->name[0] || !family_known(m, i))
            continue;
        family(out, x->name, x->help && *x->help ? x->help : x->name);
        /* every metric of this family, each label set once */
        for (size_t j = i; j < m->n; j++) {
            const qt_metric *y = &m->v[j];
            int dup = 0;
            if (done[j] || !same_family(y->name, x->name))
                continue;
            done[j] = 1;
            if (unknown(y))
                continue;
            for (size_t k = i; k < j && !dup; k++)
                dup = same_family(m->v[k].name, x->name) && strcmp(m->v[k].service, y->service) == 0 &&
                      m->v[k].port == y->port;
            if (dup)
                continue;
            put_name(out, y->name);
            if (y->service[0]) {
                qt_buf_puts(out, "{service=\"");
                put_escaped(out, y->service, 1);
                qt_buf_printf(out, "\",port=\"%u\"}", y->port);
            }
            qt_buf_putc(out, ' ');
            put_value(out, y->value);
            qt_buf_putc(out, '\n');
        }
    }
    free(done);

    family(out, "findings", "Findings of the last sample by severity.");
    for (size_t i = 0; i < QT_ARRAY_LEN(sevs); i++)
        qt_buf_printf(out, "qtriage_findings{severity=\"%s\"} %zu\n", sevl[i],
                      qt_findings_count(&snap->findings, sevs[i]));
    family(out, "collector_up", "1 if the collector succeeded in the last sample, 0 if it failed (STALE).");
    for (size_t i = 0; i < qt_ncollectors; i++) {
        const qt_collector *c = qt_collectors[i];
        qt_buf_puts(out, "qtriage_collector_up{collector=\"");
        put_escaped(out, c->name, 1);
        qt_buf_printf(out, "\"} %d\n", snap->src[c->id].state == QT_SRC_OK);
    }
    family(out, "sample_timestamp_seconds", "Unix time the sample was taken.");
    qt_buf_printf(out, "qtriage_sample_timestamp_seconds %.3f\n", snap->wall);
    family(out, "sample_duration_seconds", "Seconds the sample took.");
    qt_buf_printf(out, "qtriage_sample_duration_seconds %.6f\n", snap->took);
    family(out, "build_info", "qtriage version that wrote these metrics.");
    qt_buf_printf(out, "qtriage_build_info{version=\"%s\"} 1\n", QT_VERSION);
}

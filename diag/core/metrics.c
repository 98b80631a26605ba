/* metrics.c - see metrics.h */
#include "diag/core/metrics.h"
#include "diag/core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qt_metrics_add(qt_metrics *m, const char *name, const char *service, unsigned port,
                    double value, double max, const char *help)
{
    qt_metric *x;
    qt_grow(&m->v, &m->cap, m->n + 1, sizeof *m->v);
    x = &m->v[m->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->name, sizeof x->name, "%s", name);
    snprintf(x->service, sizeof x->service, "%s", service ? service : "");
    x->port = port;
    x->value = value;
    x->max = max;
    x->help = help ? help : "";
    x->lo = x->hi = NAN;
}

void qt_metrics_add_unknown(qt_metrics *m, const char *name, const char *service, unsigned port, double lo,
                            double hi, double max, const char *help, const char *why)
{
    qt_metric *x;
    qt_metrics_add(m, name, service, port, NAN, max, help);
    x = &m->v[m->n - 1];
    snprintf(x->unknown, sizeof x->unknown, "%s", why && *why ? why : "not visible");
    x->lo = lo;
    x->hi = hi;
}

const qt_metric *qt_metrics_find(const qt_metrics *m, const char *name, const char *service)
{
    if (!service)
        service = "";
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].name, name) == 0 && strcmp(m->v[i].service, service) == 0)
            return &m->v[i];
    return NULL;
}

void qt_metric_key(const qt_metric *x, char *out, size_t n)
{
    if (x->service[0])
        snprintf(out, n, "%s.%s", x->name, x->service);
    else
        snprintf(out, n, "%s", x->name);
}

void qt_metrics_key_at(const qt_metrics *m, size_t i, char *out, size_t n)
{
    char other[96];
    unsigned k = 1;
    qt_metric_key(&m->v[i], out, n);
    for (size_t j = 0; j < i; j++) {
        qt_metric_key(&m->v[j], other, sizeof other);
        k += strcmp(other, out) == 0;
    }
    if (k > 1) {
        size_t l = strlen(out);
        char suffix[12];
        int sl = snprintf(suffix, sizeof suffix, "#%u", k);
        if (l + (size_t)sl >= n)
            l = n > (size_t)sl ? n - 1 - (size_t)sl : 0;
        snprintf(out + l, n - l, "%s", suffix);
    }
}

void qt_metrics_free(qt_metrics *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

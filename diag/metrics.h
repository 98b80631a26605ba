/* metrics.h - the numbers a sample measured, for sparklines, Nagios
 * perfdata and Prometheus: one list, filled by each collector's measure step.
 *
 * A metric is a name ("established"), an optional service label with its
 * port, and a value. Names are lower_snake_case; the monitor adds the
 * qtriage_ prefix. The list owns nothing but its array.
 */
#ifndef QT_METRICS_H
#define QT_METRICS_H

#include <stddef.h>

typedef struct qt_metric {
    char name[48];        /* "established", "zombies", "accept_queue" */
    char service[32];     /* "" when not per service */
    unsigned port;        /* 0 when not per service */
    double value;
    double max;           /* upper bound if known (a -c limit), else -1 */
    const char *help;     /* static one-line description (Prometheus HELP) */
} qt_metric;

typedef struct qt_metrics {
    qt_metric *v;
    size_t n, cap;
} qt_metrics;

/* Add a metric; help must be a static string. service may be NULL. */
void qt_metrics_add(qt_metrics *m, const char *name, const char *service, unsigned port,
                    double value, double max, const char *help);
/* The metric with this name and service ("" or NULL = none), or NULL. */
const qt_metric *qt_metrics_find(const qt_metrics *m, const char *name, const char *service);
/* History key: "name" or "name.service". */
void qt_metric_key(const qt_metric *x, char *out, size_t n);
void qt_metrics_free(qt_metrics *m);

#endif

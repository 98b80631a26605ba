/* metrics.h - the numbers a sample measured, for sparklines, Nagios
 * perfdata and Prometheus: one list, filled by each collector's measure step.
 *
 * A metric is a name ("established"), an optional service label with its
 * port, and a value. Names are lower_snake_case; the monitor adds the
 * qtriage_ prefix. The list owns nothing but its array.
 *
 * Unknown, never zero (docs/monitoring.md): a value qtriage cannot see is
 * NAN with the reason in `unknown`, never a 0 that looks like a count;
 * perfdata writes U, Prometheus leaves the sample out, the JSON report
 * writes null and the reason. When the truth is known to lie between two
 * bounds (a count of which some part is hidden), lo..hi hold them, so a
 * --check threshold that every value in between passes (or fails) still
 * decides; otherwise the check is UNKNOWN.
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
    char unknown[160];    /* why value is NAN; "" when the value is known */
    double lo, hi;        /* bounds of an unknown value; NAN when none */
} qt_metric;

typedef struct qt_metrics {
    qt_metric *v;
    size_t n, cap;
} qt_metrics;

/* Add a metric; help must be a static string. service may be NULL. */
void qt_metrics_add(qt_metrics *m, const char *name, const char *service, unsigned port,
                    double value, double max, const char *help);
/* Add a metric whose value is not known: value NAN, why (not NULL, not
 * "") says why, lo..hi are bounds of the truth (NAN when unknown). */
void qt_metrics_add_unknown(qt_metrics *m, const char *name, const char *service, unsigned port, double lo,
                            double hi, double max, const char *help, const char *why);
/* The metric with this name and service ("" or NULL = none), or NULL. */
const qt_metric *qt_metrics_find(const qt_metrics *m, const char *name, const char *service);
/* History key: "name" or "name.service". */
void qt_metric_key(const qt_metric *x, char *out, size_t n);
/* The key of metric i, unique in m: qt_metric_key(), with "#2", "#3"...
 * when earlier metrics have the same key (two services of one name): the
 * label in perfdata, history and the JSON report. i < m->n. */
void qt_metrics_key_at(const qt_metrics *m, size_t i, char *out, size_t n);
void qt_metrics_free(qt_metrics *m);

#endif

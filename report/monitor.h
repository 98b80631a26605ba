/* monitor.h - headless modes for monitoring engines: a Nagios/Icinga plugin
 * (--check) and a Prometheus textfile (--prometheus). Both read only the
 * snapshot's metrics, findings and collector states, so every collector
 * that measures something shows up here without changes.
 */
#ifndef QT_MONITOR_H
#define QT_MONITOR_H

#include <stddef.h>

#include "diag/core/snapshot.h"
#include "diag/core/util.h"

/* Plugin states, as exit codes (monitoring-plugins guidelines). */
enum qt_nagios { QT_NAGIOS_OK = 0, QT_NAGIOS_WARNING = 1, QT_NAGIOS_CRITICAL = 2, QT_NAGIOS_UNKNOWN = 3 };
const char *qt_nagios_name(enum qt_nagios s);   /* "OK", "WARNING", ... */

/* A threshold range in the guidelines' format: "10" (alert outside 0..10),
 * "10:" (below 10), "~:10" (above 10), "10:20", "@10:20" (alert inside).
 * Numbers are plain decimals ([-]digits[.digits]). */
struct qt_range {
    double lo, hi;           /* -inf / +inf when open */
    int inside;              /* '@': alert when lo <= x <= hi */
    char text[48];           /* as given, for the perfdata warn/crit field */
};
/* Parse s into r. 0, or -1 with a message in err. */
int qt_range_parse(const char *s, struct qt_range *r, char *err, size_t errlen);
/* 1 when x raises an alert for r. */
int qt_range_alert(const struct qt_range *r, double x);

/* --warn KEY=RANGE / --crit KEY=RANGE: KEY is a perfdata label (a metric
 * key such as "established.smtps", or one of qtriage's own: "findings.crit",
 * "findings.warn", "findings.info", "collectors_failed", "sample_seconds").
 * The findings.* counts, like the state, leave out findings marked
 * unwatched (a front end on a port not in --ports, qt_finding.unwatched). */
struct qt_threshold {
    char key[96];
    struct qt_range range;
};
int qt_threshold_parse(const char *arg, struct qt_threshold *t, char *err, size_t errlen);

/* One perfdata item / gauge. */
struct qt_perf {
    char label[96];
    double value;
    const char *uom;         /* "", "s", "B", "%" */
    double min, max;         /* NAN when unknown */
    const char *unknown;     /* value is NAN: why (the snapshot's metric owns it); NULL when known */
    double lo, hi;           /* bounds of an unknown value, NAN when none */
};

/* The perfdata items of a snapshot: every metric (label = qt_metrics_key_at(),
 * "#2" on a second equal label)
 * then qtriage's own. Caller frees *out. */
size_t qt_perf_collect(const qt_snapshot *snap, struct qt_perf **out);

struct qt_check_opts {
    const struct qt_threshold *warn, *crit;
    size_t nwarn, ncrit;
};

/* Evaluate a snapshot: the status line with perfdata (one line, '\n'
 * ended) into out, and the state. Worst of: findings not marked unwatched
 * (CRIT -> CRITICAL, WARN -> WARNING), thresholds, and failed collectors (UNKNOWN), ranked
 * OK < WARNING < UNKNOWN < CRITICAL (a known critical problem outranks a
 * blind spot); a threshold on a label that the sample lacks makes the
 * whole check UNKNOWN with that one reason (a misconfigured check, even
 * over a CRIT; an ordinary UNKNOWN when a collector failed, and a known 0
 * for "zombies.PROGRAM" while the zombie total was measured), and one on
 * an unknown value is UNKNOWN (perfdata U) unless the value's bounds
 * lie wholly inside or wholly outside the alert range; the status names
 * the reason. */
enum qt_nagios qt_check_eval(const qt_snapshot *snap, const struct qt_check_opts *o, qt_buf *out);

/* Arm a watchdog: after seconds, write msg to fd and _exit(code) from the
 * signal handler (async-signal-safe). seconds <= 0 disarms. */
void qt_watchdog(double seconds, int fd, const char *msg, int code);

/* The Prometheus text exposition of a snapshot (for node_exporter's textfile
 * collector: no timestamps, HELP and TYPE per family, families contiguous). */
void qt_prom_render(const qt_snapshot *snap, qt_buf *out);

#endif

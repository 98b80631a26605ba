/* finding.h - the one model every check reports through.
 *
 * A finding is what a check concluded: a severity, a short title, the
 * evidence it saw (numbers, log lines, pids), why it matters, and a concrete
 * fix (commands or config lines, one per line). Panes show findings, the
 * report exports them, the monitoring modes count them: a check written once
 * shows up everywhere.
 *
 * Memory: a qt_findings list owns its findings and every string in them.
 * All strings are NUL-terminated and already made safe for display
 * (non-printable bytes escaped) by the setters.
 */
#ifndef QT_FINDING_H
#define QT_FINDING_H

#include <stddef.h>

enum qt_sev {
    QT_SEV_OK = 0,   /* checked and fine: shown so the admin knows it was checked */
    QT_SEV_INFO,     /* worth knowing, no action needed */
    QT_SEV_WARN,     /* will hurt soon or hurts a little */
    QT_SEV_CRIT,     /* hurting users now */
};

/* "OK", "INFO", "WARN", "CRIT" */
const char *qt_sev_name(enum qt_sev s);
/* Parse the names above (case-insensitive); -1 if unknown. */
int qt_sev_parse(const char *s);

typedef struct qt_finding {
    enum qt_sev sev;
    char *source;    /* the check that made it: "ports", "servers", "zombies", ... */
    char *id;        /* stable across samples: "ports.ip-share:smtps:198.51.100.7" */
    char *subject;   /* what it is about: a service name, a pid, an IP; may be "" */
    char *title;     /* one line, no trailing period */
    char *evidence;  /* lines of what was seen; may be "" */
    char *explain;   /* why it matters, plain words; may be "" */
    char *fix;       /* what to do: one command or config line per line; may be "" */
    /* Incident evidence (diag/core/incident.h groups findings into incidents):
     * all three "" unless qt_finding_incident() marked the finding. */
    char *inc_kind;    /* "tls-stall", "saturation", "ip-hog", "no-deadline", "zombies",
                        * "service-down", "auth-failures", "bounces", "delivery-errors", ... */
    char *inc_service; /* the service it hurts ("smtps"), or a host-wide group ("host") */
    char *inc_impact;  /* one line in numbers: "34 of 100 slots held by ... ; oldest 3 min" */
    /* 1: about a front end whose port is not watched (--ports); --check
     * leaves it out of its state and findings.* counts (docs/monitoring.md).
     * 0 for everything else (watched services, host-wide problems). */
    int unwatched;
} qt_finding;

typedef struct qt_findings {
    qt_finding *v;
    size_t n, cap;
} qt_findings;

/* Append a finding; returns it for the setters below. The pointer stays valid
 * until the next add or sort. source/id/title are copied. */
qt_finding *qt_findings_add(qt_findings *fs, enum qt_sev sev, const char *source,
                            const char *id, const char *title);
void qt_finding_subject(qt_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append one line to evidence / explain / fix (a newline is inserted between lines). */
void qt_finding_evidence(qt_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_finding_explain(qt_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_finding_fix(qt_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One fix line per line of text (the firewall line writer's output);
 * skip_comments: leave out lines that start with '#'. */
void qt_finding_fix_lines(qt_finding *f, const char *text, int skip_comments);

/* Mark f as evidence of an incident of kind KIND on SERVICE, with a one-line
 * impact in numbers (printf format). Analysers call it on findings of
 * severity WARN or CRIT that describe a user-visible problem; inventory
 * findings are never marked. kind/service are copied; a second call replaces. */
void qt_finding_incident(qt_finding *f, const char *kind, const char *service,
                         const char *impact_fmt, ...) __attribute__((format(printf, 4, 5)));

/* Worst first; ties by source, then id (stable output for reports and tests). */
void qt_findings_sort(qt_findings *fs);
/* Worst severity present, QT_SEV_OK when empty. */
enum qt_sev qt_findings_worst(const qt_findings *fs);
/* Number of findings of severity s. */
size_t qt_findings_count(const qt_findings *fs, enum qt_sev s);
/* The first finding whose id is id, or NULL. */
const qt_finding *qt_findings_find(const qt_findings *fs, const char *id);
/* Move every finding of src to the end of dst (src is left empty). */
void qt_findings_move(qt_findings *dst, qt_findings *src);
void qt_findings_free(qt_findings *fs);

#endif

/* incident.h - incidents: the findings behind one user-visible problem,
 * grouped (docs/incidents.md).
 *
 * Analysers mark a finding with qt_finding_incident() (finding.h): a kind,
 * the service it hurts and an impact line in numbers. qt_incidents_build()
 * groups the marked findings of one sample:
 * - the connection kinds (service-down, saturation, tls-stall, ip-hog,
 *   no-deadline) of one service are ONE incident, id "svc:SERVICE": a stall,
 *   a missing deadline and a client holding many slots on smtps are one
 *   problem with three pieces of evidence;
 * - any other kind is one incident per kind and service, id "KIND:SERVICE"
 *   ("zombies:tcpserver": the zombies analyser names the parent program).
 * The incident's kind is the user-visible effect: the kind of its highest
 * precedence finding (qt_incident_kind_rank: service-down > saturation >
 * tls-stall > ip-hog > no-deadline > every other kind). That finding decides
 * the impact and the first fix; the severity is the worst of all its
 * findings. The id does not change when the kind does.
 *
 * Pure: findings in, incidents out; first-seen comes from the previous
 * sample's incidents (the sampler keeps them, snapshot.h).
 *
 * Memory: a qt_incidents list owns its incidents and every string in them.
 * Strings come from findings, already escaped by the finding setters.
 */
#ifndef QT_INCIDENT_H
#define QT_INCIDENT_H

#include <stddef.h>

#include "diag/core/finding.h"

typedef struct qt_incident {
    char *id;          /* stable across samples and kind changes: "svc:smtps", "zombies:tcpserver" */
    char *kind;        /* the deciding finding's inc_kind */
    char *service;     /* the findings' inc_service */
    enum qt_sev sev;   /* worst of its findings */
    double since;      /* wall time (epoch s) the incident was first seen */
    char *impact;      /* the deciding finding's impact line */
    char *fix;         /* the deciding finding's first fix command ("" when it has none) */
    char *evidence;    /* one line per finding, deciding one first: "SEV KIND: impact" */
    char **finding_ids;/* ids of its findings, deciding one first */
    size_t nids;
} qt_incident;

typedef struct qt_incidents {
    qt_incident *v;
    size_t n, cap;
} qt_incidents;

/* Precedence of a kind: lower decides (0 = service-down); any kind this
 * list does not name ranks after the five connection kinds. */
int qt_incident_kind_rank(const char *kind);
/* 1 when kind is a connection kind (grouped per service as "svc:SERVICE"). */
int qt_incident_kind_is_conn(const char *kind);

/* inc's impact without its leading "SERVICE " or "SERVICE: " (the impact names the service
 * so that it stands alone; a line that shows the service in its own column
 * drops it). Points into inc->impact. */
const char *qt_incident_impact_short(const qt_incident *inc);

/* Group the marked findings of fs (unmarked ones are ignored) into out
 * (emptied first). now is the sample's wall time; prev (may be NULL) is the
 * previous sample's list: an incident with an id prev has keeps prev's
 * since. Order: worst first, then kind precedence, then id. */
void qt_incidents_build(const qt_findings *fs, double now, const qt_incidents *prev, qt_incidents *out);

/* Append an incident with copies of the given strings (the loader of saved
 * reports and tests use it); returns it for adding finding ids. */
qt_incident *qt_incidents_add(qt_incidents *is, const char *id, const char *kind, const char *service,
                              enum qt_sev sev, double since, const char *impact, const char *fix,
                              const char *evidence);
void qt_incident_add_finding(qt_incident *inc, const char *finding_id);
/* Sort as qt_incidents_build does. */
void qt_incidents_sort(qt_incidents *is);
/* Deep copy of src into dst (dst emptied first). */
void qt_incidents_copy(qt_incidents *dst, const qt_incidents *src);
/* Index of the incident with that id, or -1. */
long qt_incidents_find(const qt_incidents *is, const char *id);
void qt_incidents_free(qt_incidents *is);

#endif

/* config_incident.c - configuration findings that explain something the
 * logs show now become incident evidence (docs/incidents.md): a bounce
 * setting behind the triple bounces qmail-send logs (`bounce-config`), a
 * forward that keeps the sender behind the SPF refusals of its remote
 * domain (`spf-forward`). Without log evidence the finding stays a plain
 * finding. The logs model (snap->logs, diag/logmon/logmon.h) is read only:
 * every collector has collected before any analyses (diag/core/sample.c). */
#include "diag/config/config_int.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The logs model of snap when it read anything, else NULL. */
static const qt_logmon *logs_of(const qt_snapshot *snap)
{
    return snap && snap->logs && snap->logs->nsrc ? snap->logs : NULL;
}

static const struct qt_logmon_ent *domain_ent(const qt_logmon *m, const char *domain)
{
    for (size_t i = 0; i < m->domains.n; i++)
        if (strcasecmp(m->domains.v[i].key, domain) == 0)
            return &m->domains.v[i];
    return NULL;
}

/* 1 when the n bytes at s say SPF (any case): the receiver's reply. */
static int says_spf(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++)
        if (strncasecmp(s + i, "spf", 3) == 0)
            return 1;
    return 0;
}

/* The domain of a log line's envelope address ("" none). */
static const char *line_domain(const struct qt_logmon_line *l)
{
    const char *at = strrchr(l->user, '@');
    return at ? at + 1 : "";
}

/* The newest failure or deferral line to domain whose reply says SPF. */
static const struct qt_logmon_line *spf_line(const qt_logmon *m, const char *domain)
{
    static const enum qt_log_cat cats[] = {QT_LOG_DELIVERY_FAILURE, QT_LOG_DELIVERY_DEFERRAL};
    const struct qt_logmon_line *best = NULL;
    for (size_t k = 0; k < QT_ARRAY_LEN(cats); k++)
        for (size_t i = 0; i < QT_LOGMON_RECENT; i++) {
            const struct qt_logmon_line *l = qt_logmon_recent(m, cats[k], i);
            if (!l)
                break;
            if (strcasecmp(line_domain(l), domain) == 0 && says_spf(l->text, l->len) && (!best || l->sec > best->sec))
                best = l;
        }
    return best;
}

void qt_config_spf_logs(qt_finding *f, const qt_snapshot *snap, const char *const *domains, size_t n,
                        const char *file)
{
    const qt_logmon *m = logs_of(snap);
    int marked = 0;
    if (!m)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct qt_logmon_ent *e = domain_ent(m, domains[i]);
        if (!e || e->fail + e->ok == 0)
            continue;
        const struct qt_logmon_line *l = spf_line(m, domains[i]);
        int spf = l || says_spf(e->reason, strlen(e->reason));
        qt_finding_evidence(f, "logs: mail to %s: %lu failed, %lu deferred; %s", e->key, e->fail, e->ok,
                            spf ? "the receiver's reply names SPF" : "no reply read names SPF");
        if (l)
            qt_finding_evidence(f, "logs: %.*s", (int)(l->len - l->body), l->text + l->body);
        if (spf && !marked) {
            /* one incident per remote domain: every forward there is its evidence */
            qt_finding_incident(f, "spf-forward", e->key,
                                "%s: %lu mails failed and %lu deferred, the reply names SPF; %s forwards there "
                                "keeping the original sender",
                                e->key, e->fail, e->ok, file);
            marked = 1;
        }
    }
}

static qt_finding *by_id(qt_findings *out, size_t first, const char *id)
{
    for (size_t i = first; i < out->n; i++)
        if (strcmp(out->v[i].id, id) == 0)
            return &out->v[i];
    return NULL;
}

/* The finding whose setting sends double bounces where they are lost:
 * doublebounceto's own findings, else the missing alias of the local part
 * they go to (doublebounceto@doublebouncehost, qmail-send(8)). */
static qt_finding *bounce_cause(const qt_config *cfg, qt_findings *out, size_t first, const char **why)
{
    static const char *const ids[] = {"config.doublebounceto-empty", "config.doublebounceto-address",
                                      "config.doublebounceto-remote"};
    for (size_t i = 0; i < QT_ARRAY_LEN(ids); i++) {
        qt_finding *f = by_id(out, first, ids[i]);
        if (f) {
            *why = i == 0 ? "control/doublebounceto is empty" : i == 1 ? "control/doublebounceto holds a whole address"
                                                                       : "doublebouncehost is not delivered here";
            return f;
        }
    }
    char *to = qt_cfg_value(cfg, "doublebounceto", NULL);
    char *host = qt_cfg_value(cfg, "doublebouncehost", NULL);
    qt_finding *f = NULL;
    if (*to && !strchr(to, '@') && qt_cfg_is_local(cfg, host)) {
        char id[300];
        snprintf(id, sizeof id, "config.alias-missing:.qmail-%s", to);
        f = by_id(out, first, id);
        /* INFO: ~alias/.qmail-default takes it, not lost */
        if (f && f->sev < QT_SEV_WARN)
            f = NULL;
        *why = "the alias they go to is missing";
    }
    free(to);
    free(host);
    return f;
}

void qt_config_mark_bounces(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out, size_t first)
{
    const qt_logmon *m = logs_of(snap);
    const char *why = "";
    if (!m)
        return;
    unsigned long triple = m->count[QT_LOG_TRIPLE_BOUNCE];
    qt_finding *f = bounce_cause(cfg, out, first, &why);
    if (!f || !triple)
        return;
    char *to = qt_cfg_value(cfg, "doublebounceto", NULL);
    char *host = qt_cfg_value(cfg, "doublebouncehost", NULL);
    qt_finding_evidence(f, "logs: %lu triple bounce%s (\"triple bounce: discarding\"), %lu double bounce%s", triple,
                        triple == 1 ? "" : "s", m->double_bounce_msgs, m->double_bounce_msgs == 1 ? "" : "s");
    const struct qt_logmon_line *l = qt_logmon_recent(m, QT_LOG_TRIPLE_BOUNCE, 0);
    if (l)
        qt_finding_evidence(f, "logs: %.*s", (int)(l->len - l->body), l->text + l->body);
    qt_finding_incident(f, "bounce-config", "host", "%lu double bounces discarded (triple bounce): %s (they go to %s@%s)",
                        triple, why, to, host);
    free(to);
    free(host);
}

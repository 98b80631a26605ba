/* queue_logs.c - the queue joined with the logs model (snap->logs).
 * The AUTH user behind the top sender: its logins (vchkpw "login success"
 * lines, the model's auth event ring) and from how many addresses.
 * One remote domain deferring everything: the queue's
 * recipient domains joined with the logs model's per-domain deferrals
 * (diag/logmon/logmon.h: domains.ok = qmail-send "deferral:" lines,
 * .succ = "success:" lines since the entry was made, .reason = the last
 * reply as qmail-send logged it, spaces written as '_' (qmail-log(5))).
 * A domain the queue holds mail for, deferred every time in the window and
 * never delivered, is blocked; the reply text says whether by a blocklist.
 * Severity lines: queue.h, docs/severity.md ("Queue"). */
#include "diag/queue/queue_int.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logmon/logmon.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLY_SHOWN 200     /* bytes of the reply text shown */
#define URL_MAX 160         /* bytes of a lookup address taken from the reply */

/* Case-insensitive search in the first n bytes of s. */
static const char *find_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (strncasecmp(s + i, w, wl) == 0)
            return s + i;
    return NULL;
}

/* 1 when the reply reads like a blocklist refusal: the list's name or word,
 * or the "policy" status codes RFC 3463 gives to "delivery not authorized"
 * (x.7.1), or a 554 greeting ("no SMTP service here", RFC 5321 3.1). */
int qt_queue_reply_listed(const char *r)
{
    static const char *const words[] = {"block", "blacklist", "spamhaus", "rbl", "spamcop", "barracuda",
                                        "sorbs", "listed", "reputation", "5.7.1", "4.7.1", "said:_554",
                                        "said: 554"};
    size_t n = strlen(r);
    for (size_t i = 0; i < QT_ARRAY_LEN(words); i++)
        if (find_word(r, n, words[i]))
            return 1;
    return 0;
}

/* 1 when p (at a '/') is where qmail-send wrote a newline rather than a
 * path's slash: the next line is qmail-remote's own ("Giving up on ...",
 * "Remote host said: ", capitalised: qmail-remote.c) or a reply line
 * continued ("451-..." or "451 ...", RFC 5321 4.2.1). */
static int line_break(const char *p)
{
    if (isupper((unsigned char)p[1]))
        return 1;
    return isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
           (p[4] == '-' || p[4] == '_' || p[4] == ' ');
}

/* The first http(s) address in the reply (a list's lookup page), into out;
 * "" when none. qmail-send writes spaces as '_' and newlines as '/', so the
 * address ends at '_', a space, a quote/bracket or a line break. */
static void reply_url(const char *r, char *out, size_t n)
{
    const char *p = find_word(r, strlen(r), "http://");
    const char *q = find_word(r, strlen(r), "https://");
    size_t l = 0;

    if (!p || (q && q < p))
        p = q;
    *out = 0;
    if (!p)
        return;
    while (p[l] && !strchr("_ \t\"'<>()[]", p[l]) && !(p[l] == '/' && l > 8 && line_break(p + l)) &&
           l + 1 < n && l < URL_MAX)
        l++;
    while (l && strchr(".,;:/", p[l - 1]))
        l--;
    memcpy(out, p, l);
    out[l] = 0;
}

/* The logs' entry for domain d, or NULL. Domains compare without case (RFC 5321 2.4). */
static const struct qt_logmon_ent *logs_domain(const struct qt_logmon *m, const char *d)
{
    for (size_t i = 0; i < m->domains.n; i++)
        if (strcasecmp(m->domains.v[i].key, d) == 0)
            return &m->domains.v[i];
    return NULL;
}

static void one_domain(const qt_queue *q, const struct qt_qcount *c, const struct qt_logmon_ent *e,
                       qt_findings *out)
{
    int listed = qt_queue_reply_listed(e->reason);
    enum qt_sev sev = c->msgs >= QT_QSEV_DEFER_CRIT ? QT_SEV_CRIT : QT_SEV_WARN;
    char url[URL_MAX + 1], *title, *id;
    qt_finding *f;

    title = qt_asprintf("%zu messages queued to %s: every delivery to it deferred%s", c->msgs, c->key,
                        listed ? " (probably blocklisted)" : "");
    id = qt_asprintf("queue.deferring:%s", c->key);
    f = qt_findings_add(out, sev, "queue", id, title);
    free(title);
    free(id);
    qt_finding_subject(f, "%s", c->key);
    qt_finding_evidence(f, "%zu messages (%zu recipients) in the queue for %s", c->msgs, c->rcpts, c->key);
    qt_finding_evidence(f, "the logs in the window: %lu deferrals, %lu failures, 0 deliveries since the first of "
                           "them (from %s)", e->ok, e->fail, *e->service ? e->service : "qmail-send");
    qt_finding_evidence(f, "last reply: %.*s%s", REPLY_SHOWN, *e->reason ? e->reason : "(none logged)",
                        strlen(e->reason) > REPLY_SHOWN ? "..." : "");
    if (listed)
        qt_finding_explain(f, "The reply names a blocklist or a policy refusal (x.7.1): the server's IP is probably "
                              "listed, so %s refuses every message from it, whoever sends it. A flood from a "
                              "compromised account or backscatter is the usual way onto a list.", c->key);
    else
        qt_finding_explain(f, "%s takes none of the mail: the reply says why (a host that does not answer, a "
                              "refusal, a full disk on its side).", c->key);
    qt_finding_explain(f, "qmail-send keeps retrying each message until queuelifetime (%.0f s) and then bounces "
                          "it to its sender.", q->lifetime);
    reply_url(e->reason, url, sizeof url);
    if (listed && *url)
        qt_finding_fix(f, "# look the server's IP up on the list's page the reply names: %s", url);
    else if (listed)
        qt_finding_fix(f, "# look the server's IP up on the lookup page of the list the reply names, and ask "
                          "for delisting once the cause (a flood, backscatter) is gone");
    qt_finding_fix(f, "# do not force retries (no qmail-tcpok, no ALRM in a loop): a retry storm keeps the IP "
                      "listed; the queue retries on its own until queuelifetime");
    qt_finding_fix(f, "svc -a /service/qmail-send    # once %s accepts mail again: deliver the deferred "
                      "messages now (qmail-send(8): ALRM)", c->key);
    qt_finding_incident(f, "delivery-errors", c->key, "%zu messages queued to %s; %lu deferrals, 0 deliveries%s",
                        c->msgs, c->key, e->ok, listed ? " (probably blocklisted)" : "");
}

void qt_queue_deferring(const qt_queue *q, const struct qt_logmon *logs, qt_findings *out)
{
    if (!logs)
        return;     /* no logs model (failed, or --load of a report without it): nothing to join */
    for (size_t i = 0; i < q->ndomains; i++) {
        const struct qt_qcount *c = &q->domains[i];
        const struct qt_logmon_ent *e;
        if (c->msgs < QT_QSEV_DEFER_MSGS || !*c->key)
            continue;
        e = logs_domain(logs, c->key);
        if (e && e->ok >= QT_QSEV_DEFER_COUNT && e->succ == 0)
            one_domain(q, c, e, out);
    }
}

size_t qt_queue_auth_ips(const struct qt_logmon *logs, const char *user, char ips[][46], size_t max,
                         unsigned long *logins)
{
    size_t n = 0;

    *logins = 0;
    if (!logs || !user || !*user)
        return 0;
    for (size_t i = 0; i < logs->nev; i++) {
        const struct qt_logmon_ev *e = &logs->ev[i];
        size_t k;
        if (!e->ok || strcasecmp(e->user, user) != 0)
            continue;
        (*logins)++;
        for (k = 0; k < n && strcmp(ips[k], e->ip) != 0; k++)
            ;
        if (k == n && n < max)
            snprintf(ips[n++], sizeof ips[0], "%s", *e->ip ? e->ip : "-");
    }
    return n;
}

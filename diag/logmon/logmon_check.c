/* logmon_check.c - the logs analyser: auth failures, delivery errors and
 * bounces as findings (the lines and numbers: docs/severity.md "Mail logs").
 * Pure: snap->logs in, findings out. */
#include "diag/logmon/logmon.h"
#include "diag/core/severity.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/ports/ports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const SRC = "logs";

/* A group of window events sharing one key (a user, an IP or a service). */
struct grp {
    const char *key;
    unsigned long fail, ok;
    size_t users, ips;       /* distinct users / IPs among the failures */
    int64_t first, last;
    const char *service;
};

static int by_user(const void *a, const void *b)
{
    const struct qt_logmon_ev *x = *(const struct qt_logmon_ev *const *)a, *y = *(const struct qt_logmon_ev *const *)b;
    int c = strcmp(x->user, y->user);
    return c ? c : strcmp(x->ip, y->ip);
}

static int by_ip(const void *a, const void *b)
{
    const struct qt_logmon_ev *x = *(const struct qt_logmon_ev *const *)a, *y = *(const struct qt_logmon_ev *const *)b;
    int c = strcmp(x->ip, y->ip);
    return c ? c : strcmp(x->user, y->user);
}

static int by_service(const void *a, const void *b)
{
    const struct qt_logmon_ev *x = *(const struct qt_logmon_ev *const *)a, *y = *(const struct qt_logmon_ev *const *)b;
    int c = strcmp(x->service, y->service);
    if (c)
        return c;
    c = strcmp(x->user, y->user);
    return c ? c : strcmp(x->ip, y->ip);
}

enum keyf { K_USER, K_IP, K_SERVICE };

static const char *key_of(const struct qt_logmon_ev *e, enum keyf k)
{
    return k == K_USER ? e->user : k == K_IP ? e->ip : e->service;
}

/* Walk v (sorted for k) group by group, calling fn on each. */
static void groups(const struct qt_logmon_ev **v, size_t n, enum keyf k,
                   void (*fn)(const struct grp *, void *), void *arg)
{
    for (size_t i = 0; i < n;) {
        struct grp g = {key_of(v[i], k), 0, 0, 0, 0, v[i]->t, v[i]->t, v[i]->service};
        const char *pu = NULL, *pi = NULL;
        size_t j = i;
        for (; j < n && !strcmp(key_of(v[j], k), g.key); j++) {
            const struct qt_logmon_ev *e = v[j];
            e->ok ? g.ok++ : g.fail++;
            if (e->t < g.first)
                g.first = e->t;
            if (e->t > g.last)
                g.last = e->t;
            if (e->ok)
                continue;
            /* distinct counts: users are sorted inside an IP or service group,
             * IPs inside a user group; the other one is counted up to 3 */
            if (!pu || strcmp(pu, e->user))
                g.users += k != K_USER, pu = e->user;
            if (!pi || strcmp(pi, e->ip))
                g.ips += k != K_IP, pi = e->ip;
        }
        if (k == K_USER)
            g.users = 1;
        if (k == K_IP)
            g.ips = 1;
        fn(&g, arg);
        i = j;
    }
}

struct actx {
    const qt_ctx *ctx;
    const qt_snapshot *snap;
    const qt_logmon *m;
    qt_findings *out;
    const struct qt_logmon_ev **v;
    size_t n;
};

static void when(int64_t t, char *out, size_t n)
{
    struct qt_log_time lt = {QT_STAMP_EPOCH, t, 0};
    char b[40];
    qt_log_time_format(&lt, b, sizeof b);
    snprintf(out, n, "%.19s", b);
}

/* Up to 3 redacted lines of category cat naming key (as user or IP). */
static void samples(qt_finding *f, const qt_logmon *m, enum qt_log_cat cat, const char *user, const char *ip)
{
    size_t shown = 0;
    for (size_t i = 0; shown < 3; i++) {
        const struct qt_logmon_line *l = qt_logmon_recent(m, cat, i);
        if (!l)
            break;
        if ((user && strcmp(l->user, user)) || (ip && strcmp(l->ip, ip)))
            continue;
        qt_finding_evidence(f, "  %s: %.*s", m->src[l->src].name, (int)l->len, l->text);
        shown++;
    }
}

static const char *svc_name(const char *s)
{
    return !*s || !strcmp(s, "-") || !strcmp(s, "0") ? "host" : s;
}

static void span(qt_finding *f, const struct grp *g)
{
    char a[24], b[24];
    when(g->first, a, sizeof a);
    when(g->last, b, sizeof b);
    qt_finding_evidence(f, "first %s, last %s (window %d min)", a, b, QT_SEV_LOG_AUTH_WINDOW / 60);
}

static void on_user(const struct grp *g, void *arg)
{
    struct actx *a = arg;
    char id[160];
    qt_finding *f;

    if (g->ok || g->fail < QT_SEV_LOG_USER_FAILS || g->ips > QT_SEV_LOG_USER_MAX_IPS || !*g->key)
        return;
    snprintf(id, sizeof id, "logs.auth-user:%s", g->key);
    f = qt_findings_add(a->out, QT_SEV_WARN, SRC, id, "A user keeps failing to log in");
    qt_finding_subject(f, "%s", g->key);
    qt_finding_evidence(f, "%lu failed logins for %s from %zu address%s, no success (service %s)", g->fail, g->key,
                        g->ips, g->ips == 1 ? "" : "es", svc_name(g->service));
    span(f, g);
    samples(f, a->m, QT_LOG_AUTH_FAIL, g->key, NULL);
    qt_finding_explain(f, "Many failures from one or two addresses and never a success: usually a phone or mail "
                          "client with an old saved password, retrying every few minutes.");
    qt_finding_fix(f, "ask the owner of %s to update the password saved in their mail client", g->key);
    qt_finding_incident(f, "auth-failures", svc_name(g->service), "%lu failed logins for one user in %d min",
                        g->fail, QT_SEV_LOG_AUTH_WINDOW / 60);
}

static void on_ip(const struct grp *g, void *arg)
{
    struct actx *a = arg;
    char id[160];
    qt_finding *f;
    int crit = g->ok > 0;
    unsigned conns = 0;
    int hog;

    if (g->users < QT_SEV_LOG_SPRAY_USERS || !*g->key)
        return;
    hog = a->snap->sockets ? qt_ports_ip_hog_svc(a->snap->sockets, g->key, &conns) : -1;
    if (hog >= a->ctx->nservices)
        hog = -1;
    snprintf(id, sizeof id, "logs.auth-spray:%s", g->key);
    f = qt_findings_add(a->out, crit ? QT_SEV_CRIT : QT_SEV_WARN, SRC, id,
                        crit ? "An address guessing passwords also logged in" : "An address is guessing passwords");
    qt_finding_subject(f, "%s", g->key);
    qt_finding_evidence(f, "%s failed %lu logins for %zu users, succeeded %lu times (service %s)", g->key, g->fail,
                        g->users, g->ok, svc_name(g->service));
    span(f, g);
    samples(f, a->m, QT_LOG_AUTH_FAIL, NULL, g->key);
    if (crit)
        samples(f, a->m, QT_LOG_AUTH_OK, NULL, g->key);
    qt_finding_explain(f, "One address trying many accounts is password spraying.%s",
                       crit ? " It also logged in: one account's password was guessed, and it may be sending spam "
                              "now."
                            : "");
    qt_finding_fix(f, "block it in the tcprules file of the service: %s:deny (then tcprules the .cdb)", g->key);
    if (crit)
        qt_finding_fix(f, "change the password of the account that logged in from %s", g->key);
    if (hog >= 0) {
        /* docs/incidents.md "One client, two findings": an address that holds
         * many connections and guesses passwords is one problem, the
         * service's (the ports.ip-share finding's incident) */
        const struct qt_service *sv = &a->ctx->services[hog];
        qt_finding_evidence(f, "it holds %u connections of %s (%u) now: the Ports pane's per-IP table", conns,
                            sv->name, sv->port);
        qt_finding_incident(f, "ip-hog", sv->name, "%s %u: %s holds %u connections and failed %lu logins for %zu "
                            "users%s", sv->name, sv->port, g->key, conns, g->fail, g->users,
                            crit ? ", and a login succeeded" : "");
        return;
    }
    qt_finding_incident(f, "auth-failures", svc_name(g->service), "%lu failed logins for %zu users from %s%s", g->fail,
                        g->users, g->key, crit ? ", and a login succeeded" : "");
}

static void on_service(const struct grp *g, void *arg)
{
    struct actx *a = arg;
    char id[160];
    qt_finding *f;

    if (g->ok || g->fail < QT_SEV_LOG_BROKEN_ATTEMPTS || g->users < QT_SEV_LOG_BROKEN_USERS ||
        g->ips < QT_SEV_LOG_BROKEN_IPS)
        return;
    snprintf(id, sizeof id, "logs.auth-broken:%s", g->key);
    f = qt_findings_add(a->out, QT_SEV_CRIT, SRC, id, "Every login to a service fails");
    qt_finding_subject(f, "%s", svc_name(g->key));
    qt_finding_evidence(f, "%lu failed logins, %zu users, %zu addresses, no success (vchkpw service %s)", g->fail,
                        g->users, g->ips, g->key);
    span(f, g);
    qt_finding_explain(f, "Different users from different places all fail and nobody gets in: the setup is "
                          "broken (vchkpw, its permissions, the password backend), not the users' passwords.");
    qt_finding_fix(f, "run the authentication wizard (the Auth pane, or qtriage --auth USER@DOMAIN) with an "
                      "account you know works");
    qt_finding_incident(f, "auth-failures", svc_name(g->key), "%lu of %lu logins failed (%zu users)", g->fail,
                        g->fail, g->users);
}

static void auth(const qt_ctx *ctx, const qt_snapshot *snap, const qt_logmon *m, qt_findings *out)
{
    const struct qt_logmon_ev **v = qt_calloc(m->nev + 1, sizeof *v);
    struct actx a = {ctx, snap, m, out, v, 0};
    int64_t from = (int64_t)m->now - QT_SEV_LOG_AUTH_WINDOW;

    for (size_t i = 0; i < m->nev; i++)
        if (m->ev[i].t >= from)
            v[a.n++] = &m->ev[i];
    qsort(v, a.n, sizeof *v, by_user);
    groups(v, a.n, K_USER, on_user, &a);
    qsort(v, a.n, sizeof *v, by_ip);
    groups(v, a.n, K_IP, on_ip, &a);
    qsort(v, a.n, sizeof *v, by_service);
    groups(v, a.n, K_SERVICE, on_service, &a);
    free(v);
}

/* One finding per category worth one, counted over the lines read. */
struct catf {
    enum qt_log_cat cat;
    enum qt_sev sev;
    const char *id, *title, *kind, *explain, *fix;
};

static const struct catf catfs[] = {
    {QT_LOG_SEND_ALERT, QT_SEV_CRIT, "logs.send_alert", "qmail-send logged alerts", "delivery-errors",
     "qmail-send writes 'alert:' when it cannot go on (cannot read the queue, out of memory, "
     "cannot start a delivery): mail is not moving.",
     "read the alert lines below; ls -l /var/qmail/queue; svstat /service/qmail-send"},
    {QT_LOG_TRIPLE_BOUNCE, QT_SEV_WARN, "logs.triple_bounces", "Double bounces were discarded (triple bounces)",
     "bounces",
     "A double bounce that could not be delivered is thrown away: mail about lost mail is lost too, "
     "usually because control/doublebounceto names an address that cannot take it.",
     "cat /var/qmail/control/doublebounceto; make it a local mailbox that exists"},
    {QT_LOG_DOUBLE_BOUNCE, QT_SEV_WARN, "logs.double_bounces", "Bounces could not be delivered (double bounces)",
     "bounces",
     "A bounce to a sender that does not take mail goes to the postmaster (control/doublebounceto); "
     "sent to a remote address it leaves as MAIL FROM:<#@[]>, which many servers refuse.",
     "cat /var/qmail/control/doublebounceto; check the aliases (/var/qmail/alias/.qmail-postmaster)"},
    {QT_LOG_NO_MAILBOX, QT_SEV_WARN, "logs.no_mailbox", "Mail to mailboxes that do not exist", "delivery-errors",
     "Each one bounces to its sender; many from one sender is a dictionary attack.",
     "grep -c 'no mailbox' in the log; check the vpopmail users and aliases of the domain"},
    {QT_LOG_HELO_REJECTED, QT_SEV_WARN, "logs.helo_rejected", "Remote servers reject our HELO name",
     "delivery-errors",
     "qmail-remote says HELO with control/helohost (or me); servers that check it against the "
     "reverse DNS of our address refuse the mail, which stays deferred.",
     "cat /var/qmail/control/helohost; compare with the PTR of the public IP (the helohost/rDNS check)"},
    {QT_LOG_DOMAIN_NOT_FOUND, QT_SEV_WARN, "logs.domain_not_found", "Deliveries to domains that are not found",
     "delivery-errors",
     "qmail-remote could not find a mail host for the recipient's domain (or a remote server could "
     "not find the sender's): a typo, a dead domain or a DNS problem on this host.",
     "check the domains in the lines below with dig MX DOMAIN"},
    {QT_LOG_CONNECTION_DIED, QT_SEV_INFO, "logs.connection_died", "Connections to remote servers died",
     "", "qmail-remote's connection was cut mid-session; qmail-send retries later.", ""},
    {QT_LOG_DELIVERY_FAILURE, QT_SEV_INFO, "logs.delivery_failures", "Deliveries failed", "",
     "Permanent failures: the sender gets a bounce.", ""},
    {QT_LOG_DELIVERY_DEFERRAL, QT_SEV_INFO, "logs.deferrals", "Deliveries were deferred", "",
     "Temporary failures: qmail-send retries until queuelifetime.", ""},
    {QT_LOG_BOUNCE, QT_SEV_INFO, "logs.bounces", "Bounces were sent", "", "Mail that could not be delivered "
     "went back to its sender.", ""},
};

static void categories(const qt_logmon *m, qt_findings *out)
{
    for (size_t i = 0; i < QT_ARRAY_LEN(catfs); i++) {
        const struct catf *c = &catfs[i];
        unsigned long n = m->count[c->cat];
        qt_finding *f;
        if (!n)
            continue;
        f = qt_findings_add(out, c->sev, SRC, c->id, c->title);
        qt_finding_subject(f, "%s", qt_log_cat_name(c->cat));
        qt_finding_evidence(f, "%lu %s line%s in the logs read (%.1f a minute in the last sample)", n,
                            qt_log_cat_name(c->cat), n == 1 ? "" : "s", m->rate[c->cat]);
        if (c->cat == QT_LOG_DOUBLE_BOUNCE && m->double_bounce_msgs) {
            n = m->double_bounce_msgs;
            qt_finding_evidence(f, "%lu double bounce%s (messages from <#@[]>)", n, n == 1 ? "" : "s");
        }
        samples(f, m, c->cat, NULL, NULL);
        qt_finding_explain(f, "%s", c->explain);
        if (*c->fix)
            qt_finding_fix(f, "%s", c->fix);
        if (*c->kind && c->sev >= QT_SEV_WARN)
            qt_finding_incident(f, c->kind, "host", "%lu %s", n,
                                c->cat == QT_LOG_DOUBLE_BOUNCE ? "double bounces" : qt_log_cat_name(c->cat));
    }
}

static void domains(const qt_logmon *m, qt_findings *out)
{
    const struct qt_logmon_tab *t = &m->domains;
    qt_finding *f;
    size_t shown = 0;

    if (!t->n)
        return;
    f = qt_findings_add(out, QT_SEV_INFO, SRC, "logs.domains", "Delivery errors by remote domain");
    for (size_t i = 0; i < t->n && shown < 8; i++, shown++)
        qt_finding_evidence(f, "%s: %lu failed, %lu deferred; last: %s", t->v[i].key, t->v[i].fail, t->v[i].ok,
                            *t->v[i].reason ? t->v[i].reason : "-");
    if (t->evicted)
        qt_finding_evidence(f, "others: %lu failed, %lu deferred", t->others.fail, t->others.ok);
}

static void senders(const qt_logmon *m, qt_findings *out)
{
    for (size_t i = 0; i < m->senders.n; i++) {
        const struct qt_logmon_ent *e = &m->senders.v[i];
        char id[160];
        qt_finding *f;
        if (e->other < QT_SEV_LOG_NO_MAILBOX)
            continue;
        snprintf(id, sizeof id, "logs.dictionary:%s", e->key);
        f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "One sender writes to many mailboxes that do not exist");
        qt_finding_subject(f, "%s", e->key);
        qt_finding_evidence(f, "%lu no_mailbox failures for mail from <%s>", e->other, e->key);
        qt_finding_explain(f, "A dictionary attack: guessed addresses, each one a bounce to a forged sender.");
        qt_finding_fix(f, "find the client that sends it in the smtpd log and deny it in the tcprules file");
        qt_finding_incident(f, "delivery-errors", "host", "%lu mails to missing mailboxes from one sender",
                            e->other);
    }
}

/* The Ports analysis' "one client holds many connections" findings (it
 * runs before this one) get the client's failed logins as evidence. */
static void hog_logins(const qt_logmon *m, qt_findings *out)
{
    static const char pre[] = "ports.ip-share:";
    int64_t from = (int64_t)m->now - QT_SEV_LOG_AUTH_WINDOW;

    for (size_t i = 0; i < out->n; i++) {
        const char *ip = !strncmp(out->v[i].id, pre, sizeof pre - 1) ? strchr(out->v[i].id + sizeof pre - 1, ':') : NULL;
        size_t users = 0;
        unsigned long n = ip ? qt_logmon_ip_auth_fails(m, ip + 1, from, &users) : 0;
        if (n)
            qt_finding_evidence(&out->v[i], "it failed %lu logins (%zu user%s) in the last %d min (the mail logs)", n,
                                users, users == 1 ? "" : "s", QT_SEV_LOG_AUTH_WINDOW / 60);
    }
}

void qt_logmon_analyse(const qt_ctx *ctx, const qt_snapshot *snap, const qt_history *hist, qt_findings *out)
{
    const qt_logmon *m = snap->logs;

    (void)hist;
    if (!m)
        return;
    for (size_t i = 0; i < m->nsrc; i++) {
        char id[160];
        qt_finding *f;
        if (!*m->src[i].err)
            continue;
        snprintf(id, sizeof id, "logs.unreadable:%s", m->src[i].name);
        f = qt_findings_add(out, QT_SEV_INFO, SRC, id, "A mail log cannot be read");
        qt_finding_subject(f, "%s", m->src[i].name);
        qt_finding_evidence(f, "%s", m->src[i].err);
        qt_finding_evidence(f, "found: %s", m->src[i].why);
        qt_finding_explain(f, "qtriage says nothing about what this log holds.");
    }
    auth(ctx, snap, m, out);
    hog_logins(m, out);
    categories(m, out);
    domains(m, out);
    senders(m, out);
    qt_logmon_tcp_analyse(ctx, snap, out);
}

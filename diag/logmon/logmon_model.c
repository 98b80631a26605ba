/* logmon_model.c - the logs model: one classified line counted into bounded
 * tables and rings (contract in logmon.h). No I/O. */
#include "diag/logmon/logmon.h"
#include "diag/core/selfconn.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_SLOTS 1024   /* message senders and delivery -> message, per source */

/* What earlier lines of a source said that the classifier does not keep:
 * the envelope sender of each message ("info msg M: ... from <S>") and the
 * message of each delivery ("starting delivery D: msg M"), so a no_mailbox
 * failure is counted for its sender (a dictionary attack comes from one).
 * Direct-mapped: an old entry is overwritten by a newer one. */
struct qt_logmon_srcctx {
    qt_log_ctx *lc;
    unsigned long msg[MAP_SLOTS];
    char sender[MAP_SLOTS][QT_LOGMON_KEY];
    unsigned long dlv[MAP_SLOTS], dlv_msg[MAP_SLOTS];
    unsigned char dlv_set[MAP_SLOTS], msg_set[MAP_SLOTS];
    long own_pid[16];        /* tcpserver children serving one of our own connections (selfconn.h) */
    size_t own_next;
};

qt_logmon_srcctx *qt_logmon_srcctx_new(int64_t ref)
{
    qt_logmon_srcctx *c = qt_calloc(1, sizeof *c);
    c->lc = qt_log_ctx_new(ref);
    return c;
}

void qt_logmon_srcctx_free(qt_logmon_srcctx *c)
{
    if (!c)
        return;
    qt_log_ctx_free(c->lc);
    free(c);
}

void qt_logmon_init(qt_logmon *m, double now, int64_t window)
{
    memset(m, 0, sizeof *m);
    m->now = m->started = now;
    m->window = window;
    snprintf(m->ips.others.key, sizeof m->ips.others.key, "others");
    snprintf(m->users.others.key, sizeof m->users.others.key, "others");
    snprintf(m->domains.others.key, sizeof m->domains.others.key, "others");
    snprintf(m->senders.others.key, sizeof m->senders.others.key, "others");
    snprintf(m->auth_svc_others.name, sizeof m->auth_svc_others.name, "others");
}

static void cpy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

static void ent_add(struct qt_logmon_ent *e, unsigned long fail, unsigned long ok, unsigned long other, int64_t when)
{
    e->fail += fail, e->ok += ok, e->other += other;
    if (!e->first || when < e->first)
        e->first = when;
    if (when > e->last)
        e->last = when;
}

void qt_logmon_tab_add(struct qt_logmon_tab *t, const char *key, size_t klen, unsigned long fail,
                       unsigned long ok, unsigned long other, int64_t when, const char *service,
                       const char *reason, size_t rlen)
{
    char k[QT_LOGMON_KEY];
    struct qt_logmon_ent *e = NULL;

    cpy(k, sizeof k, key, klen);
    for (size_t i = 0; i < t->n && !e; i++)
        if (!strcmp(t->v[i].key, k))
            e = &t->v[i];
    if (!e && t->n < QT_LOGMON_TOP)
        e = &t->v[t->n++];
    else if (!e) {
        /* full: the entry with the fewest events makes room (its counts stay
         * in "others"), so a new attacker is seen whatever came before */
        size_t lo = 0;
        for (size_t i = 1; i < t->n; i++)
            if (t->v[i].fail + t->v[i].ok + t->v[i].other < t->v[lo].fail + t->v[lo].ok + t->v[lo].other)
                lo = i;
        e = &t->v[lo];
        ent_add(&t->others, e->fail, e->ok, e->other, e->first);
        ent_add(&t->others, 0, 0, 0, e->last);
        t->evicted++;
    }
    if (strcmp(e->key, k)) {
        memset(e, 0, sizeof *e);
        memcpy(e->key, k, sizeof k);
    }
    ent_add(e, fail, ok, other, when);
    if (service && *service)
        snprintf(e->service, sizeof e->service, "%s", service);
    if (reason && rlen)
        cpy(e->reason, sizeof e->reason, reason, rlen);
}

const struct qt_logmon_line *qt_logmon_recent(const qt_logmon *m, enum qt_log_cat cat, size_t i)
{
    if ((unsigned)cat >= QT_LOG_NCATS || i >= m->nrecent[cat])
        return NULL;
    return &m->recent[cat][(m->recent_head[cat] + QT_LOGMON_RECENT - 1 - i) % QT_LOGMON_RECENT];
}

static void keep_line(qt_logmon *m, int src, const qt_log_rec *r, int64_t t, const char *line, size_t n)
{
    struct qt_logmon_line *l = &m->recent[r->cat][m->recent_head[r->cat]];
    qt_buf red = {0};

    m->recent_head[r->cat] = (m->recent_head[r->cat] + 1) % QT_LOGMON_RECENT;
    if (m->nrecent[r->cat] < QT_LOGMON_RECENT)
        m->nrecent[r->cat]++;
    memset(l, 0, sizeof *l);
    l->sec = t;
    l->stamped = r->time.kind != QT_STAMP_NONE;
    l->nsec = l->stamped ? r->time.nsec : 0;
    l->cat = r->cat;
    l->src = src;
    snprintf(l->ip, sizeof l->ip, "%s", r->ip);
    cpy(l->user, sizeof l->user, r->user, r->user_len);
    qt_log_redact(line, n > 4 * QT_LOGMON_TEXT ? 4 * QT_LOGMON_TEXT : n, r, &red);
    l->len = red.len < sizeof l->text - 1 ? red.len : sizeof l->text - 1;
    memcpy(l->text, qt_buf_str(&red), l->len);
    if (l->stamped) {
        struct qt_log_time lt;
        size_t k = qt_log_stamp(l->text, l->len, t, &lt);
        while (k < l->len && l->text[k] == ' ')
            k++;
        l->body = k;
    }
    qt_buf_free(&red);
}

/* The domain of an address ("user@example.com" -> "example.com"); the
 * address itself when it has no '@'; "-" when empty. */
static const char *domain_of(const qt_log_rec *r, size_t *len)
{
    const char *at = memchr(r->user, '@', r->user_len);
    if (!r->user_len) {
        *len = 1;
        return "-";
    }
    if (!at) {
        *len = r->user_len;
        return r->user;
    }
    *len = r->user_len - (size_t)(at + 1 - r->user);
    return at + 1;
}

/* qmail-send's reason: the text after "deferral:" / "failure:" */
static const char *reason_of(const char *line, size_t n, size_t *rlen)
{
    static const char *const words[] = {"deferral: ", "failure: "};
    for (size_t i = 0; i < QT_ARRAY_LEN(words); i++) {
        const char *p = memmem(line, n, words[i], strlen(words[i]));
        if (p) {
            p += strlen(words[i]);
            *rlen = n - (size_t)(p - line);
            return p;
        }
    }
    *rlen = 0;
    return NULL;
}

static void remember(qt_logmon_srcctx *c, const qt_log_rec *r, const char *line, size_t n)
{
    if (r->has_delivery && r->has_msg) {
        size_t i = r->delivery % MAP_SLOTS;
        c->dlv[i] = r->delivery, c->dlv_msg[i] = r->msg, c->dlv_set[i] = 1;
    } else if (r->has_msg && !r->has_delivery && memmem(line, n, "info msg ", 9)) {
        size_t i = r->msg % MAP_SLOTS;
        c->msg[i] = r->msg, c->msg_set[i] = 1;
        cpy(c->sender[i], sizeof c->sender[i], r->user, r->user_len);
    }
}

/* The envelope sender of delivery r's message, or NULL. */
static const char *sender_of(const qt_logmon_srcctx *c, const qt_log_rec *r)
{
    size_t i, j;
    if (!r->has_delivery)
        return NULL;
    i = r->delivery % MAP_SLOTS;
    if (!c->dlv_set[i] || c->dlv[i] != r->delivery)
        return NULL;
    j = c->dlv_msg[i] % MAP_SLOTS;
    return c->msg_set[j] && c->msg[j] == c->dlv_msg[i] ? c->sender[j] : NULL;
}

static void count_service(qt_logmon *m, const char *service, int ok)
{
    struct qt_logmon_svc *v = NULL;
    const char *name = *service ? service : "-";

    for (size_t i = 0; i < m->nauth_svc && !v; i++)
        if (!strcmp(m->auth_svc[i].name, name))
            v = &m->auth_svc[i];
    if (!v && m->nauth_svc < QT_LOGMON_SERVICES) {
        v = &m->auth_svc[m->nauth_svc++];
        snprintf(v->name, sizeof v->name, "%s", name);
    }
    if (!v)
        v = &m->auth_svc_others;
    v->fail += !ok;
    v->ok += !!ok;
}

static void count_auth(qt_logmon *m, const qt_log_rec *r, int64_t t, int ok)
{
    struct qt_logmon_ev *e = &m->ev[m->ev_head];
    const char *ip = *r->ip ? r->ip : "-";

    count_service(m, r->service, ok);
    qt_logmon_tab_add(&m->users, r->user, r->user_len, !ok, ok, 0, t, r->service, NULL, 0);
    qt_logmon_tab_add(&m->ips, ip, strlen(ip), !ok, ok, 0, t, r->service, NULL, 0);
    m->ev_head = (m->ev_head + 1) % QT_LOGMON_EVENTS;
    if (m->nev < QT_LOGMON_EVENTS)
        m->nev++;
    memset(e, 0, sizeof *e);
    e->t = t;
    e->ok = ok;
    snprintf(e->service, sizeof e->service, "%s", *r->service ? r->service : "-");
    snprintf(e->ip, sizeof e->ip, "%s", r->ip);
    cpy(e->user, sizeof e->user, r->user, r->user_len);
}

/* A success to a domain that already has an error entry: "every delivery
 * deferred, 0 successes" (the queue's deferring-domain finding) needs it. */
static void count_success(struct qt_logmon_tab *t, const char *d, size_t dl, int64_t when)
{
    char k[QT_LOGMON_KEY];
    cpy(k, sizeof k, d, dl);
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i].key, k)) {
            t->v[i].succ++;
            if (when > t->v[i].succ_last)
                t->v[i].succ_last = when;
            return;
        }
}

/* A tcpserver line about one of qtriage's own connections (a probe's, the
 * wizard's: diag/core/selfconn.h): its ok/deny line names our socket's
 * address and port; its end line, the child's pid noted then. */
static int own_conn(qt_logmon_srcctx *c, const qt_log_rec *r, int64_t t)
{
    if ((r->cat == QT_LOG_TCPSERVER_CONN || r->cat == QT_LOG_TCPSERVER_DENY) && r->remote_port &&
        qt_selfconn_match(r->ip, r->remote_port, (double)t)) {
        c->own_pid[c->own_next] = r->pid;
        c->own_next = (c->own_next + 1) % QT_ARRAY_LEN(c->own_pid);
        return 1;
    }
    if (r->cat == QT_LOG_TCPSERVER_END && r->pid > 0)
        for (size_t i = 0; i < QT_ARRAY_LEN(c->own_pid); i++)
            if (c->own_pid[i] == r->pid) {
                c->own_pid[i] = 0;
                return 1;
            }
    return 0;
}

void qt_logmon_ingest(qt_logmon *m, qt_logmon_srcctx *c, int src, const char *line, size_t n, int old)
{
    qt_log_rec r;
    int64_t t;
    size_t dl, rl;
    const char *d, *why;
    int deferred;

    qt_log_classify(c->lc, line, n, &r);
    remember(c, &r, line, n);
    t = r.time.kind != QT_STAMP_NONE ? r.time.sec : (int64_t)m->now;
    if (old && r.time.kind != QT_STAMP_NONE && t < (int64_t)m->now - m->window) {
        /* a listener at its limit since before the window logs nothing
         * until a child ends: its state comes from older lines */
        if (r.cat >= QT_LOG_TCPSERVER_CONN && r.cat <= QT_LOG_TCPSERVER_END)
            qt_logmon_tcp_ingest(m, src, &r, t, 0);
        m->old_lines++;
        return;
    }
    if ((r.cat == QT_LOG_AUTH_FAIL || r.cat == QT_LOG_AUTH_OK) && r.user_len < QT_LOGMON_KEY) {
        char u[QT_LOGMON_KEY];
        cpy(u, sizeof u, r.user, r.user_len);
        if (qt_logmon_is_own(u, r.ip, (double)t)) {
            m->own_logins++;
            return;
        }
    }
    m->count[r.cat]++;
    qt_logmon_spark_add(m, r.cat, t);
    /* every deferral, whatever its more specific category (helo_rejected,
     * connection_died, ... are deferrals too when qmail-send says so) */
    if (r.has_delivery && memmem(line, n, ": deferral: ", 12))
        m->src[src].deferrals++;
    if (r.cat == QT_LOG_DOUBLE_BOUNCE && memmem(line, n, "info msg ", 9))
        m->double_bounce_msgs++;
    keep_line(m, src, &r, t, line, n);
    if (own_conn(c, &r, t)) {
        m->own_conns++;   /* a line, not a client: left out of every table */
        return;
    }
    switch (r.cat) {
    case QT_LOG_AUTH_FAIL:
    case QT_LOG_AUTH_OK:
        count_auth(m, &r, t, r.cat == QT_LOG_AUTH_OK);
        break;
    case QT_LOG_TCPSERVER_STATUS:
    case QT_LOG_TCPSERVER_END:
        qt_logmon_tcp_ingest(m, src, &r, t, 1);
        break;
    case QT_LOG_TCPSERVER_CONN:
    case QT_LOG_TCPSERVER_DENY:
        qt_logmon_tcp_ingest(m, src, &r, t, 1);
        /* one per connection: its "ok" or "deny" line (with the local
         * port), not the "pid N from IP" line before it */
        if (*r.ip && r.local_port)
            qt_logmon_tab_add(&m->ips, r.ip, strlen(r.ip), 0, 0, 1, t, m->src[src].name, NULL, 0);
        break;
    case QT_LOG_NO_MAILBOX: {
        const char *s = sender_of(c, &r);
        if (s)
            qt_logmon_tab_add(&m->senders, *s ? s : "<>", *s ? strlen(s) : 2, 0, 0, 1, t, m->src[src].name,
                              NULL, 0);
    }
        __attribute__((fallthrough));   /* a failure to that domain too */
    case QT_LOG_DELIVERY_FAILURE:
    case QT_LOG_DELIVERY_DEFERRAL:
    case QT_LOG_DOMAIN_NOT_FOUND:
    case QT_LOG_HELO_REJECTED:
    case QT_LOG_CONNECTION_DIED:
        d = domain_of(&r, &dl);
        why = reason_of(line, n, &rl);
        deferred = memmem(line, n, ": deferral: ", 12) != NULL;
        qt_logmon_tab_add(&m->domains, d, dl, !deferred, deferred, r.cat == QT_LOG_NO_MAILBOX, t, m->src[src].name,
                          why, rl);
        break;
    case QT_LOG_DELIVERY_SUCCESS:
        d = domain_of(&r, &dl);
        count_success(&m->domains, d, dl, t);
        break;
    default:
        break;
    }
}

/* ---- qtriage's own logins ---- */

static struct {
    char user[QT_LOGMON_KEY];
    double when;
} own[16];
static size_t own_next;

void qt_logmon_own_login(const char *user, double when)
{
    snprintf(own[own_next].user, sizeof own[own_next].user, "%s", user ? user : "");
    own[own_next].when = when;
    own_next = (own_next + 1) % QT_ARRAY_LEN(own);
}

static int loopback(const char *ip)
{
    return !*ip || !strncmp(ip, "127.", 4) || !strcmp(ip, "::1");
}

int qt_logmon_is_own(const char *user, const char *ip, double when)
{
    /* the wizard's SMTP session may reach a public address: its socket's
     * local address is then the one vchkpw logs */
    if (!loopback(ip ? ip : "") && !qt_selfconn_ip(ip, when))
        return 0;
    for (size_t i = 0; i < QT_ARRAY_LEN(own); i++)
        if (own[i].user[0] && !strcmp(own[i].user, user) && when >= own[i].when - 5 &&
            when <= own[i].when + QT_LOGMON_OWN_SECS)
            return 1;
    return 0;
}

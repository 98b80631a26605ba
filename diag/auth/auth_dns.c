/* auth_dns.c - see auth_dns.h */
#include "diag/auth/auth_dns.h"
#include "diag/core/ares_poll.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_A_ 1
#define T_PTR_ 12
#define T_AAAA_ 28
#define C_IN_ 1

enum qkind { Q_HELO_A, Q_HELO_AAAA, Q_PTR, Q_NAME_A, Q_NAME_AAAA };

struct qslot {
    struct dns_job *job;
    enum qkind kind;
    int idx;
    int pending;
};

struct dns_job {
    qt_job base;
    ares_channel ch;
    int ch_ok;
    struct qt_dns_facts f;
    struct qslot slots[3 + 2 * QT_DNS_MAXNAMES];
    int npending;
    int phase2;
    double start, deadline;
    int finished;
};

const char *qt_dns_status_name(enum qt_dns_status s)
{
    static const char *const n[] = {"pending", "ok", "NXDOMAIN", "no data", "timeout", "server unreachable",
                                    "SERVFAIL", "REFUSED", "error", "skipped"};
    return (unsigned)s < QT_ARRAY_LEN(n) ? n[s] : "?";
}

const char *qt_fcrdns_name(enum qt_fcrdns k)
{
    static const char *const n[] = {"pass", "ptr-only", "a-only", "mismatch", "nxdomain", "no-ptr", "dns-down"};
    return (unsigned)k < QT_ARRAY_LEN(n) ? n[k] : "?";
}

static enum qt_dns_status map_status(int st)
{
    switch (st) {
    case ARES_SUCCESS: return QT_DNS_OK;
    case ARES_ENODATA: return QT_DNS_NODATA;
    case ARES_ENOTFOUND: return QT_DNS_NXDOMAIN;
    case ARES_ETIMEOUT: case ARES_ECANCELLED: case ARES_EDESTRUCTION: return QT_DNS_TIMEOUT;
    case ARES_ECONNREFUSED: return QT_DNS_UNREACHABLE;
    case ARES_ESERVFAIL: return QT_DNS_SERVFAIL;
    case ARES_EREFUSED: return QT_DNS_REFUSED;
    default: return QT_DNS_ERROR;
    }
}

int qt_dns_server_csv(const char *server, char *csv, size_t n, char *err, size_t errlen)
{
    char host[64];
    unsigned long port = 53;
    const char *ps = NULL;
    unsigned char buf[16];

    if (!server || !*server) {
        snprintf(err, errlen, "no DNS server configured");
        return -1;
    }
    if (*server == '[') {
        const char *e = strchr(server, ']');
        if (!e || (size_t)(e - server - 1) >= sizeof host || (e[1] && e[1] != ':')) {
            snprintf(err, errlen, "bad DNS server \"%.60s\": want [IPv6]:PORT", server);
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", (int)(e - server - 1), server + 1);
        if (e[1] == ':')
            ps = e + 2;
    } else {
        const char *c = strrchr(server, ':');
        if (c && strchr(server, ':') != c)
            c = NULL; /* bare IPv6 */
        if (c && (size_t)(c - server) >= sizeof host) {
            snprintf(err, errlen, "bad DNS server");
            return -1;
        }
        snprintf(host, sizeof host, "%.*s", c ? (int)(c - server) : (int)strlen(server), server);
        if (c)
            ps = c + 1;
    }
    if (ps && (qt_parse_ulong(ps, &port) != 0 || port == 0 || port > 65535)) {
        snprintf(err, errlen, "bad port in DNS server \"%.60s\"", server);
        return -1;
    }
    /* canonical text (inet_ntop), so it compares equal to what c-ares reports back */
    if (inet_pton(AF_INET, host, buf) == 1 && inet_ntop(AF_INET, buf, host, sizeof host))
        snprintf(csv, n, "%s:%lu", host, port);
    else if (inet_pton(AF_INET6, host, buf) == 1 && inet_ntop(AF_INET6, buf, host, sizeof host))
        snprintf(csv, n, "[%s]:%lu", host, port);
    else {
        snprintf(err, errlen, "DNS server \"%.60s\" is not an IP address", host);
        return -1;
    }
    return 0;
}

static void add_addr(struct qt_dns_addrs *a, int family, const void *bin)
{
    char s[46];
    if (a->n >= QT_DNS_MAXADDR || !inet_ntop(family, bin, s, sizeof s))
        return;
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->addr[i], s) == 0)
            return;
    snprintf(a->addr[a->n++], sizeof a->addr[0], "%s", s);
}

static void add_ptr(struct qt_dns_facts *f, const char *name)
{
    size_t l = strlen(name);
    if (!l || f->nptr >= QT_DNS_MAXNAMES)
        return;
    while (l && name[l - 1] == '.')
        l--;
    for (int i = 0; i < f->nptr; i++)
        if (strlen(f->ptr[i]) == l && strncasecmp(f->ptr[i], name, l) == 0)
            return;
    snprintf(f->ptr[f->nptr++], sizeof f->ptr[0], "%.*s", (int)l, name);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct qslot *q = arg;
    struct dns_job *j = q->job;
    struct qt_dns_addrs *a = NULL;
    enum qt_dns_status st = map_status(status);
    (void)timeouts;

    if (!q->pending)
        return;
    q->pending = 0;
    j->npending--;
    switch (q->kind) {
    case Q_HELO_A: a = &j->f.helo_a; break;
    case Q_HELO_AAAA: a = &j->f.helo_aaaa; break;
    case Q_NAME_A: a = &j->f.ptr_a[q->idx]; break;
    case Q_NAME_AAAA: a = &j->f.ptr_aaaa[q->idx]; break;
    case Q_PTR: break;
    }
    if (q->kind == Q_PTR) {
        struct hostent *h = NULL;
        unsigned char bin[16];
        int fam = strchr(j->f.ip, ':') ? AF_INET6 : AF_INET;
        j->f.ptr_st = st;
        if (st == QT_DNS_OK && inet_pton(fam, j->f.ip, bin) == 1 &&
            ares_parse_ptr_reply(abuf, alen, bin, fam == AF_INET ? 4 : 16, fam, &h) == ARES_SUCCESS && h) {
            if (h->h_name)
                add_ptr(&j->f, h->h_name);
            for (char **al = h->h_aliases; al && *al; al++)
                add_ptr(&j->f, *al);
            ares_free_hostent(h);
        }
        if (st == QT_DNS_OK && !j->f.nptr)
            j->f.ptr_st = QT_DNS_NODATA;
        return;
    }
    a->st = st;
    if (st != QT_DNS_OK)
        return;
    if (q->kind == Q_HELO_A || q->kind == Q_NAME_A) {
        struct ares_addrttl t[QT_DNS_MAXADDR];
        int nt = QT_DNS_MAXADDR;
        if (ares_parse_a_reply(abuf, alen, NULL, t, &nt) == ARES_SUCCESS)
            for (int i = 0; i < nt; i++)
                add_addr(a, AF_INET, &t[i].ipaddr);
    } else {
        struct ares_addr6ttl t[QT_DNS_MAXADDR];
        int nt = QT_DNS_MAXADDR;
        if (ares_parse_aaaa_reply(abuf, alen, NULL, t, &nt) == ARES_SUCCESS)
            for (int i = 0; i < nt; i++)
                add_addr(a, AF_INET6, &t[i].ip6addr);
    }
    if (!a->n)
        a->st = QT_DNS_NODATA;
}

static void ask(struct dns_job *j, int slot, enum qkind kind, int idx, const char *name, int type)
{
    struct qslot *q = &j->slots[slot];
    q->job = j;
    q->kind = kind;
    q->idx = idx;
    q->pending = 1;
    j->npending++;
    ares_query(j->ch, name, C_IN_, type, on_answer, q); /* may answer at once (callback) */
}

static void reverse_name(const char *ip, char *out, size_t n)
{
    unsigned char b[16];
    out[0] = '\0';
    if (inet_pton(AF_INET, ip, b) == 1) {
        snprintf(out, n, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
    } else if (inet_pton(AF_INET6, ip, b) == 1) {
        static const char hx[] = "0123456789abcdef";
        size_t k = 0;
        for (int i = 15; i >= 0 && k + 4 < n; i--) {
            out[k++] = hx[b[i] & 15];
            out[k++] = '.';
            out[k++] = hx[b[i] >> 4];
            out[k++] = '.';
        }
        out[k] = '\0';
        snprintf(out + k, n - k, "ip6.arpa");
    }
}

static void start_phase2(struct dns_job *j)
{
    j->phase2 = 1;
    for (int i = 0; i < j->f.nptr; i++) {
        ask(j, 3 + 2 * i, Q_NAME_A, i, j->f.ptr[i], T_A_);
        ask(j, 4 + 2 * i, Q_NAME_AAAA, i, j->f.ptr[i], T_AAAA_);
    }
}

static int d_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct dns_job *j = (struct dns_job *)job;
    if (j->finished || !j->ch_ok)
        return 0;
    return qt_ares_pollfds(j->ch, pfd, max);
}

static double d_deadline(qt_job *job)
{
    struct dns_job *j = (struct dns_job *)job;
    struct timeval tv, *tp;
    double now = qt_now_mono(), t;
    if (j->finished || !j->ch_ok || j->npending == 0)
        return j->start;   /* done (or phase 2 to start): step at once */
    tp = ares_timeout(j->ch, NULL, &tv);
    if (!tp)
        return j->deadline;
    t = now + (double)tp->tv_sec + (double)tp->tv_usec / 1e6;
    return t < j->deadline ? t : j->deadline;
}

static void finish(struct dns_job *j)
{
    if (j->finished)
        return;
    if (j->ch_ok) {
        ares_cancel(j->ch); /* pending callbacks run with ARES_ECANCELLED: marked timeout */
        ares_destroy(j->ch);
        j->ch_ok = 0;
    }
    j->f.took = qt_now_mono() - j->start;
    j->finished = 1;
}

static int d_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct dns_job *j = (struct dns_job *)job;

    if (j->finished || !j->ch_ok)
        return 1;
    qt_ares_process(j->ch, pfd, n);
    if (j->npending == 0 && !j->phase2 && j->f.ptr_st == QT_DNS_OK && j->f.nptr) {
        start_phase2(j);
        if (j->npending)
            return 0;
    }
    if (j->npending == 0 || now >= j->deadline) {
        finish(j);
        return 1;
    }
    return 0;
}

static void d_cancel(qt_job *job)
{
    finish((struct dns_job *)job);
}

static void d_free(qt_job *job)
{
    finish((struct dns_job *)job);
    free(job);
}

static const struct qt_job_ops dns_ops = {
    .pollfds = d_pollfds, .deadline = d_deadline, .step = d_step, .cancel = d_cancel, .free = d_free,
};

/* Exactly one server, the one we configured? */
static int servers_ok(ares_channel ch, const char *csv)
{
    struct ares_addr_port_node *list = NULL;
    char want_host[80], got[80];
    int ok = 0;

    if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS)
        return 0;
    if (list && !list->next) {
        char a[46] = "";
        inet_ntop(list->family, &list->addr, a, sizeof a);
        if (list->family == AF_INET6)
            snprintf(got, sizeof got, "[%s]:%d", a, list->udp_port ? list->udp_port : 53);
        else
            snprintf(got, sizeof got, "%s:%d", a, list->udp_port ? list->udp_port : 53);
        snprintf(want_host, sizeof want_host, "%s", csv);
        ok = strcmp(got, want_host) == 0;
    }
    ares_free_data(list);
    return ok;
}

qt_job *qt_dns_job_new(const char *server, const char *helo, const char *ip, double timeout, char *err,
                       size_t errlen)
{
    struct dns_job *j;
    struct ares_options opt;
    struct in_addr v4;
    char csv[80], host[80], rev[80];
    int mask;
    static int lib_ready;

    if (qt_dns_server_csv(server, csv, sizeof csv, err, errlen) != 0)
        return NULL;
    if (!lib_ready) {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
            snprintf(err, errlen, "c-ares library init failed");
            return NULL;
        }
        lib_ready = 1;
    }
    j = qt_calloc(1, sizeof *j);
    j->base.ops = &dns_ops;
    j->start = qt_now_mono();
    j->deadline = j->start + (timeout > 0 ? timeout : 5);
    snprintf(j->f.server, sizeof j->f.server, "%s", csv);
    snprintf(j->f.helo, sizeof j->f.helo, "%s", helo ? helo : "");
    snprintf(j->f.ip, sizeof j->f.ip, "%s", ip ? ip : "");

    memset(&opt, 0, sizeof opt);
    mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_FLAGS |
           ARES_OPT_SERVERS;
    opt.timeout = 1000;
    opt.tries = 2;
    opt.ndomains = 0;               /* no search list */
    opt.lookups = (char *)"b";      /* DNS only, never /etc/hosts */
    opt.flags = ARES_FLAG_NOSEARCH;
    /* the servers list comes from us, never from /etc/resolv.conf */
    snprintf(host, sizeof host, "%s", csv);
    if (strchr(host, ':') && host[0] != '[')
        *strrchr(host, ':') = '\0';
    if (inet_pton(AF_INET, host, &v4) == 1) {
        opt.servers = &v4;
        opt.nservers = 1;
    } else {
        opt.servers = NULL;
        opt.nservers = 0;
    }
    if (ares_init_options(&j->ch, &opt, mask) != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: cannot create a channel");
        free(j);
        return NULL;
    }
    if (ares_set_servers_ports_csv(j->ch, csv) != ARES_SUCCESS || !servers_ok(j->ch, csv)) {
        snprintf(err, errlen, "c-ares would not use exactly the server %s: no lookup done", csv);
        ares_destroy(j->ch);
        free(j);
        return NULL;
    }
    j->ch_ok = 1;
    j->f.helo_a.st = j->f.helo_aaaa.st = QT_DNS_SKIPPED;
    j->f.ptr_st = QT_DNS_SKIPPED;
    if (j->f.helo[0]) {
        j->f.helo_a.st = j->f.helo_aaaa.st = QT_DNS_PENDING;
        ask(j, 0, Q_HELO_A, 0, j->f.helo, T_A_);
        ask(j, 1, Q_HELO_AAAA, 0, j->f.helo, T_AAAA_);
    }
    reverse_name(j->f.ip, rev, sizeof rev);
    if (rev[0]) {
        j->f.ptr_st = QT_DNS_PENDING;
        ask(j, 2, Q_PTR, 0, rev, T_PTR_);
    }
    return &j->base;
}

const struct qt_dns_facts *qt_dns_job_facts(qt_job *job)
{
    return &((struct dns_job *)job)->f;
}

static int same_ip(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    if (inet_pton(AF_INET, a, x) == 1)
        return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
    if (inet_pton(AF_INET6, a, x) == 1)
        return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
    return 0;
}

static int has_ip(const struct qt_dns_addrs *a, const char *ip)
{
    for (int i = 0; i < a->n; i++)
        if (same_ip(a->addr[i], ip))
            return 1;
    return 0;
}

static int same_name(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] == '.')
        la--;
    while (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && la && strncasecmp(a, b, la) == 0;
}

static int down(enum qt_dns_status s)
{
    return s == QT_DNS_TIMEOUT || s == QT_DNS_UNREACHABLE || s == QT_DNS_PENDING;
}

void qt_fcrdns_judge(const struct qt_dns_facts *f, struct qt_fcrdns_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->helo_has_ip = has_ip(&f->helo_a, f->ip) || has_ip(&f->helo_aaaa, f->ip);
    for (int i = 0; i < f->nptr; i++) {
        if (same_name(f->ptr[i], f->helo))
            v->helo_is_ptr = 1;
        if (!v->confirmed[0] && (has_ip(&f->ptr_a[i], f->ip) || has_ip(&f->ptr_aaaa[i], f->ip)))
            snprintf(v->confirmed, sizeof v->confirmed, "%s", f->ptr[i]);
    }
    if (v->confirmed[0]) {
        v->kind = QT_FCRDNS_PASS;
        snprintf(v->summary, sizeof v->summary, "%s -> %s -> %s: forward-confirmed", f->ip, v->confirmed, f->ip);
        return;
    }
    if (f->ptr_st == QT_DNS_OK && f->nptr) {
        int missing = 1, slow = 0;
        for (int i = 0; i < f->nptr; i++) {
            if (f->ptr_a[i].n || f->ptr_aaaa[i].n)
                missing = 0;
            if (down(f->ptr_a[i].st) || down(f->ptr_aaaa[i].st))
                slow = 1;
        }
        if (missing && slow) {
            v->kind = QT_FCRDNS_DNS_DOWN;
            snprintf(v->summary, sizeof v->summary, "PTR %s found, but its address lookup got no answer", f->ptr[0]);
        } else if (missing) {
            v->kind = QT_FCRDNS_PTR_ONLY;
            snprintf(v->summary, sizeof v->summary, "PTR of %s is %s, which has no A/AAAA record", f->ip, f->ptr[0]);
        } else {
            const char *other = f->ptr_a[0].n ? f->ptr_a[0].addr[0] : f->ptr_aaaa[0].n ? f->ptr_aaaa[0].addr[0] : "?";
            v->kind = QT_FCRDNS_MISMATCH;
            snprintf(v->summary, sizeof v->summary, "PTR of %s is %s, but %s resolves to %s", f->ip, f->ptr[0],
                     f->ptr[0], other);
        }
        return;
    }
    if (down(f->ptr_st)) {
        v->kind = QT_FCRDNS_DNS_DOWN;
        snprintf(v->summary, sizeof v->summary, "the DNS server %s did not answer (%s)", f->server,
                 qt_dns_status_name(f->ptr_st));
        return;
    }
    if (v->helo_has_ip) {
        v->kind = QT_FCRDNS_A_ONLY;
        snprintf(v->summary, sizeof v->summary, "%s resolves to %s, but %s has no PTR (%s)", f->helo, f->ip, f->ip,
                 qt_dns_status_name(f->ptr_st));
    } else if (f->helo_a.st == QT_DNS_NXDOMAIN || !f->helo[0]) {
        v->kind = QT_FCRDNS_NXDOMAIN;
        snprintf(v->summary, sizeof v->summary, "%s has no PTR and %s does not exist", f->ip,
                 f->helo[0] ? f->helo : "(no helohost)");
    } else {
        v->kind = QT_FCRDNS_NO_PTR;
        snprintf(v->summary, sizeof v->summary, "%s has no PTR (%s); %s resolves to %s", f->ip,
                 qt_dns_status_name(f->ptr_st), f->helo, f->helo_a.n ? f->helo_a.addr[0] : "nothing");
    }
}

char *qt_dns_commands(const char *server, const char *helo, const char *ip)
{
    qt_buf b = {0};
    char csv[80], err[120], at[100];
    if (qt_dns_server_csv(server, csv, sizeof csv, err, sizeof err) == 0) {
        char h[64];
        const char *port = strrchr(csv, ':');
        snprintf(h, sizeof h, "%.*s", (int)(port - csv), csv);
        if (h[0] == '[') {
            memmove(h, h + 1, strlen(h));
            h[strlen(h) - 1] = '\0';
        }
        snprintf(at, sizeof at, " @%s -p %s", h, port + 1);
    } else {
        at[0] = '\0';
    }
    if (helo && *helo)
        qt_buf_printf(&b, "dig +short A %s%s; dig +short AAAA %s%s", helo, at, helo, at);
    if (ip && *ip)
        qt_buf_printf(&b, "%sdig +short -x %s%s", b.len ? "; " : "", ip, at);
    if (b.len)
        qt_buf_printf(&b, "; dig +short A <each PTR name>%s", at);
    return qt_buf_steal(&b);
}

/* monitor_check.c - `qtriage --check`: a Nagios/Icinga plugin following the
 * monitoring-plugins development guidelines
 * (https://www.monitoring-plugins.org/doc/guidelines.html): exit 0/1/2/3,
 * ONE line "QTRIAGE STATE - text | perfdata", perfdata items
 * 'label'=value[UOM];[warn];[crit];[min];[max] with ranges in the
 * guidelines' format, never longer than --timeout. */
#include "report/monitor.h"
#include "report/report.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

const char *qt_nagios_name(enum qt_nagios s)
{
    static const char *const n[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return (unsigned)s < 4 ? n[s] : "UNKNOWN";
}

/* --- ranges --- */

/* A plain decimal: -?digits[.digits] or -?.digits (no exponent, inf or hex,
 * which the guidelines' [-0-9.] does not allow). */
static int parse_decimal(const char *s, size_t n, double *out)
{
    char buf[40];
    size_t i = 0, digits = 0;
    if (n == 0 || n >= sizeof buf)
        return -1;
    if (s[i] == '-')
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (i != n || digits == 0)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

int qt_range_parse(const char *s, struct qt_range *r, char *err, size_t errlen)
{
    const char *p = s, *colon;
    memset(r, 0, sizeof *r);
    if (!s || !*s || strlen(s) >= sizeof r->text) {
        snprintf(err, errlen, "empty or too long range");
        return -1;
    }
    snprintf(r->text, sizeof r->text, "%s", s);
    if (*p == '@') {
        r->inside = 1;
        p++;
    }
    colon = strchr(p, ':');
    if (!colon) {
        r->lo = 0;
        if (parse_decimal(p, strlen(p), &r->hi) != 0)
            goto bad;
    } else {
        if (colon == p + 1 && *p == '~')
            r->lo = -INFINITY;
        else if (colon == p)
            r->lo = 0;
        else if (parse_decimal(p, (size_t)(colon - p), &r->lo) != 0)
            goto bad;
        if (!colon[1])
            r->hi = INFINITY;
        else if (parse_decimal(colon + 1, strlen(colon + 1), &r->hi) != 0)
            goto bad;
    }
    if (isinf(r->lo) && isinf(r->hi)) {
        snprintf(err, errlen, "range '%s' never alerts", s);
        return -1;
    }
    if (r->lo > r->hi) {
        snprintf(err, errlen, "range '%s': start is greater than end", s);
        return -1;
    }
    return 0;
bad:
    snprintf(err, errlen, "bad range '%s' (want N, N:, ~:N, N:M or @N:M with plain decimal numbers)", s);
    return -1;
}

int qt_range_alert(const struct qt_range *r, double x)
{
    int in = x >= r->lo && x <= r->hi;
    if (isnan(x))
        return 0;
    return r->inside ? in : !in;
}

/* An unknown value known to lie in lo..hi: 1 when every value there
 * alerts, 0 when none does, -1 when it depends on the unknown part. */
static int range_alert_bounds(const struct qt_range *r, double lo, double hi)
{
    int all_in, none_in;
    if (isnan(lo) || isnan(hi))
        return -1;
    all_in = lo >= r->lo && hi <= r->hi;
    none_in = hi < r->lo || lo > r->hi;
    if (all_in)
        return r->inside ? 1 : 0;
    if (none_in)
        return r->inside ? 0 : 1;
    return -1;
}

int qt_threshold_parse(const char *arg, struct qt_threshold *t, char *err, size_t errlen)
{
    const char *eq = strrchr(arg, '=');
    size_t kl;
    memset(t, 0, sizeof *t);
    if (!eq || eq == arg) {
        snprintf(err, errlen, "want KEY=RANGE, e.g. established.smtps=80");
        return -1;
    }
    kl = (size_t)(eq - arg);
    if (kl >= sizeof t->key) {
        snprintf(err, errlen, "key too long");
        return -1;
    }
    for (size_t i = 0; i < kl; i++) {
        char c = arg[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-' || c == '#' || c == ':')) { /* "#2": a second equal label; "tcpserver:587": a server */
            snprintf(err, errlen, "bad character in key '%.*s'", (int)kl, arg);
            return -1;
        }
    }
    memcpy(t->key, arg, kl);
    t->key[kl] = '\0';
    return qt_range_parse(eq + 1, &t->range, err, errlen);
}

/* --- perfdata --- */

static const char *uom_for(const char *name)
{
    size_t n = strlen(name);
#define SUFFIX(s) (n >= sizeof(s) - 1 && strcmp(name + n - (sizeof(s) - 1), s) == 0)
    if (SUFFIX("_seconds"))
        return "s";
    if (SUFFIX("_bytes"))
        return "B";
    if (SUFFIX("_percent"))
        return "%";
#undef SUFFIX
    return "";
}

/* Findings of severity s that --check covers: the watched services and
 * host-wide problems, not front ends on ports nobody watches
 * (qt_finding.unwatched; docs/monitoring.md). */
static size_t count_checked(const qt_findings *fs, enum qt_sev s)
{
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->v[i].sev == s && !fs->v[i].unwatched;
    return n;
}

size_t qt_perf_collect(const qt_snapshot *snap, struct qt_perf **out)
{
    size_t n = 0, failed = 0;
    struct qt_perf *v = qt_calloc(snap->metrics.n + 8, sizeof *v);
    static const enum qt_sev sevs[] = {QT_SEV_CRIT, QT_SEV_WARN, QT_SEV_INFO};
    static const char *const sevlabel[] = {"findings.crit", "findings.warn", "findings.info"};

    for (size_t i = 0; i < snap->metrics.n; i++) {
        const qt_metric *m = &snap->metrics.v[i];
        struct qt_perf *p = &v[n++];
        qt_metrics_key_at(&snap->metrics, i, p->label, sizeof p->label);
        p->value = m->value;
        p->uom = uom_for(m->name);
        p->unknown = isnan(m->value) ? (m->unknown[0] ? m->unknown : "value not known") : NULL;
        p->lo = m->lo;
        p->hi = m->hi;
        p->min = m->value >= 0 || m->lo >= 0 ? 0 : NAN; /* counts, sizes, durations */
        p->max = m->max >= 0 ? m->max : NAN;
        if (!strcmp(p->uom, "%"))
            p->max = 100;
    }
    for (size_t i = 0; i < QT_ARRAY_LEN(sevs); i++) {
        struct qt_perf *p = &v[n++];
        p->lo = p->hi = NAN;
        snprintf(p->label, sizeof p->label, "%s", sevlabel[i]);
        p->value = (double)count_checked(&snap->findings, sevs[i]);
        p->uom = "";
        p->min = 0;
        p->max = NAN;
    }
    for (int i = 0; i < QT_SRC_COUNT; i++)
        failed += snap->src[i].state == QT_SRC_FAILED;
    for (size_t i = n; i < n + 2; i++)
        v[i].lo = v[i].hi = NAN;
    snprintf(v[n].label, sizeof v[n].label, "collectors_failed");
    v[n].value = (double)failed;
    v[n].uom = "";
    v[n].min = 0;
    v[n++].max = NAN;
    snprintf(v[n].label, sizeof v[n].label, "sample_seconds");
    v[n].value = snap->took;
    v[n].uom = "s";
    v[n].min = 0;
    v[n++].max = NAN;
    *out = v;
    return n;
}

/* The guidelines' number format: [-0-9.], no exponent; "" for NAN. */
static void put_num(qt_buf *b, double x)
{
    char s[64];
    if (isnan(x) || isinf(x))
        return;
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(s, sizeof s, "%.0f", x);
    } else {
        size_t l;
        snprintf(s, sizeof s, "%.6f", x);
        l = strlen(s);
        while (l > 1 && s[l - 1] == '0')
            s[--l] = '\0';
        if (s[l - 1] == '.')
            s[--l] = '\0';
    }
    qt_buf_puts(b, strcmp(s, "-0") == 0 ? "0" : s);
}

static const struct qt_threshold *find_thr(const struct qt_threshold *v, size_t n, const char *key)
{
    const struct qt_threshold *hit = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            hit = &v[i]; /* the last one given wins, as with any option */
    return hit;
}

static void put_perf(qt_buf *b, const struct qt_perf *p, const struct qt_check_opts *o)
{
    const struct qt_threshold *w = find_thr(o->warn, o->nwarn, p->label);
    const struct qt_threshold *c = find_thr(o->crit, o->ncrit, p->label);
    size_t start = b->len, keep;

    qt_buf_putc(b, '\'');
    for (const char *s = p->label; *s; s++)
        qt_buf_putc(b, (*s == '\'' || *s == '=' || (unsigned char)*s < 0x20) ? '_' : *s);
    qt_buf_puts(b, "'=");
    if (isnan(p->value))
        qt_buf_putc(b, 'U');
    else
        put_num(b, p->value);
    qt_buf_puts(b, p->uom);
    qt_buf_putc(b, ';');
    if (w)
        qt_buf_puts(b, w->range.text);
    qt_buf_putc(b, ';');
    if (c)
        qt_buf_puts(b, c->range.text);
    qt_buf_putc(b, ';');
    put_num(b, p->min);
    qt_buf_putc(b, ';');
    put_num(b, p->max);
    /* trailing unfilled semicolons may be dropped (guidelines) */
    keep = b->len;
    while (keep > start && b->s[keep - 1] == ';')
        keep--;
    b->len = keep;
    b->s[keep] = '\0';
}

/* --- status --- */

struct problem {
    enum qt_nagios state;
    int fatal;               /* a usage error: UNKNOWN whatever else is found */
    char *text;
};

static int rank(enum qt_nagios s)
{
    switch (s) {
    case QT_NAGIOS_CRITICAL: return 3;
    case QT_NAGIOS_UNKNOWN: return 2;
    case QT_NAGIOS_WARNING: return 1;
    default: return 0;
    }
}

static int prank(const struct problem *p)
{
    return p->fatal ? 4 : rank(p->state);
}

static int cmp_problem(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    return prank(y) - prank(x);
}

static void add_problem(struct problem **v, size_t *n, size_t *cap, enum qt_nagios st, char *text)
{
    qt_grow(v, cap, *n + 1, sizeof **v);
    (*v)[*n].state = st;
    (*v)[*n].fatal = 0;
    (*v)[(*n)++].text = text;
}

/* Status text must not contain '|' (it starts the perfdata) nor newlines. */
static void put_text(qt_buf *b, const char *s, size_t max)
{
    size_t n = 0;
    for (; *s && n < max; s++, n++) {
        unsigned char c = (unsigned char)*s;
        qt_buf_putc(b, c == '|' ? '/' : (c < 0x20 || c == 0x7f) ? ' ' : (char)c);
    }
    if (*s)
        qt_buf_puts(b, "...");
}

/* A threshold on a value qtriage could not see (unknown, never zero;
 * docs/monitoring.md): it decides only when every value between the
 * bounds gives the same verdict, else it is UNKNOWN with the reason. crit
 * is the crit threshold of the same key when t is a warn one. */
static void threshold_unknown(const struct qt_perf *p, const struct qt_threshold *t, const struct qt_threshold *crit,
                              int pass, struct problem **pv, size_t *np, size_t *cap)
{
    int a = range_alert_bounds(&t->range, p->lo, p->hi);
    int above = t->range.inside || p->lo > t->range.hi;
    qt_buf b = {0};

    if (crit && range_alert_bounds(&crit->range, p->lo, p->hi) != 0)
        return; /* the crit threshold already reported it (alert or unknown) */
    if (a == 0)
        return;
    if (a < 0) {
        if (!isnan(p->lo)) {
            qt_buf_puts(&b, " (");
            put_num(&b, p->lo);
            qt_buf_puts(&b, "..");
            put_num(&b, p->hi);
            qt_buf_putc(&b, ')');
        }
        add_problem(pv, np, cap, QT_NAGIOS_UNKNOWN,
                    qt_asprintf("%s unknown%s (%s %s): %s", t->key, qt_buf_str(&b), pass ? "warn" : "crit",
                                t->range.text, p->unknown));
    } else {
        put_num(&b, above ? p->lo : p->hi);
        add_problem(pv, np, cap, pass ? QT_NAGIOS_WARNING : QT_NAGIOS_CRITICAL,
                    qt_asprintf("%s%s%s%s (%s %s; %s)", t->key, above ? ">=" : "<=", qt_buf_str(&b), p->uom,
                                pass ? "warn" : "crit", t->range.text, p->unknown));
    }
    qt_buf_free(&b);
}

/* A per-parent zombies label ("zombies.tcpserver") is in the sample only
 * while that parent has zombies: when the zombies total was measured, its
 * absence is a known 0, not a missing metric. */
static int sparse_zero(const struct qt_perf *perf, size_t nperf, const char *key, struct qt_perf *zero)
{
    static const char prefix[] = "zombies.";
    if (strncmp(key, prefix, sizeof prefix - 1) != 0 || !key[sizeof prefix - 1])
        return 0;
    for (size_t k = 0; k < nperf; k++)
        if (strcmp(perf[k].label, "zombies") == 0 && !perf[k].unknown) {
            memset(zero, 0, sizeof *zero);
            snprintf(zero->label, sizeof zero->label, "%s", key);
            zero->uom = "";
            zero->min = 0;
            zero->max = zero->lo = zero->hi = NAN;
            return 1;
        }
    return 0;
}

/* A threshold key that names no perfdata label. With every collector
 * working the key cannot match anything (a typo such as "-w nosuch=1"):
 * the plugin is misconfigured, UNKNOWN whatever the findings say, so a
 * broken check is never mistaken for the server's state. With a failed
 * collector its metric may just be missing: an ordinary UNKNOWN. */
static void missing_key(struct problem **pv, size_t *np, size_t *cap, const char *key, int failed)
{
    if (failed) {
        add_problem(pv, np, cap, QT_NAGIOS_UNKNOWN, qt_asprintf("no metric '%s' in this sample", key));
        return;
    }
    add_problem(pv, np, cap, QT_NAGIOS_UNKNOWN,
                qt_asprintf("unknown threshold key '%s': no metric '%s' in this sample "
                            "(qtriage --check lists the labels)", key, key));
    (*pv)[*np - 1].fatal = 1;
}

enum qt_nagios qt_check_eval(const qt_snapshot *snap, const struct qt_check_opts *o, qt_buf *out)
{
    struct qt_perf *perf;
    size_t nperf = qt_perf_collect(snap, &perf), np = 0, cap = 0, ninfo;
    struct problem *pv = NULL;
    enum qt_nagios state = QT_NAGIOS_OK;
    char num[64];
    struct qt_perf zero;
    int failed = 0;

    for (int i = 0; i < QT_SRC_COUNT; i++)
        if (snap->src[i].state == QT_SRC_FAILED) {
            failed++;
            add_problem(&pv, &np, &cap, QT_NAGIOS_UNKNOWN,
                        qt_asprintf("%s collector failed: %s", qt_report_src_name(i), snap->src[i].err));
        }
    for (int pass = 0; pass < 2; pass++) {
        const struct qt_threshold *tv = pass ? o->warn : o->crit;
        size_t tn = pass ? o->nwarn : o->ncrit;
        for (size_t t = 0; t < tn; t++) {
            const struct qt_perf *p = NULL;
            if (find_thr(tv, tn, tv[t].key) != &tv[t])
                continue; /* overridden by a later one */
            for (size_t k = 0; k < nperf; k++)
                if (strcmp(perf[k].label, tv[t].key) == 0)
                    p = &perf[k];
            if (!p && sparse_zero(perf, nperf, tv[t].key, &zero))
                p = &zero;
            if (!p) {
                if (pass == 0 || !find_thr(o->crit, o->ncrit, tv[t].key))
                    missing_key(&pv, &np, &cap, tv[t].key, failed);
                continue;
            }
            if (p->unknown) {
                threshold_unknown(p, &tv[t], pass ? find_thr(o->crit, o->ncrit, tv[t].key) : NULL, pass, &pv, &np,
                                  &cap);
                continue;
            }
            if (!qt_range_alert(&tv[t].range, p->value))
                continue;
            /* a key already critical is not also listed as a warning */
            if (pass == 1) {
                const struct qt_threshold *c = find_thr(o->crit, o->ncrit, tv[t].key);
                if (c && qt_range_alert(&c->range, p->value))
                    continue;
            }
            {
                qt_buf b = {0};
                put_num(&b, p->value);
                snprintf(num, sizeof num, "=%s", qt_buf_str(&b));
                qt_buf_free(&b);
            }
            add_problem(&pv, &np, &cap, pass ? QT_NAGIOS_WARNING : QT_NAGIOS_CRITICAL,
                        qt_asprintf("%s%s%s (%s %s)", tv[t].key, num, p->uom, pass ? "warn" : "crit",
                                    tv[t].range.text));
        }
    }
    for (size_t i = 0; i < snap->findings.n; i++) {
        const qt_finding *f = &snap->findings.v[i];
        if (f->sev < QT_SEV_WARN || f->unwatched)
            continue;
        add_problem(&pv, &np, &cap, f->sev == QT_SEV_CRIT ? QT_NAGIOS_CRITICAL : QT_NAGIOS_WARNING,
                    *f->subject ? qt_asprintf("%s [%s]", f->title, f->subject) : qt_strdup(f->title));
    }
    /* stable: within a state, the order above (collectors, thresholds, findings worst first) */
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && cmp_problem(&pv[j - 1], &pv[j]) > 0; j--) {
            struct problem t = pv[j];
            pv[j] = pv[j - 1];
            pv[j - 1] = t;
        }
    for (size_t i = 0; i < np; i++)
        if (rank(pv[i].state) > rank(state))
            state = pv[i].state;
    if (np && pv[0].fatal) {
        /* a threshold that checks nothing: the check is misconfigured; say only that */
        state = QT_NAGIOS_UNKNOWN;
        while (np && !pv[np - 1].fatal)
            free(pv[--np].text);
    }

    qt_buf_printf(out, "QTRIAGE %s - ", qt_nagios_name(state));
    ninfo = count_checked(&snap->findings, QT_SEV_INFO);
    if (np == 0) {
        qt_buf_puts(out, "no problems found");
        if (ninfo)
            qt_buf_printf(out, " (%zu info finding%s)", ninfo, ninfo == 1 ? "" : "s");
    } else {
        size_t shown = np < 3 ? np : 3, len0 = out->len;
        for (size_t i = 0; i < shown; i++) {
            if (i)
                qt_buf_puts(out, "; ");
            if (out->len - len0 > 300) {
                shown = i;
                break;
            }
            qt_buf_printf(out, "%s: ", pv[i].state == QT_NAGIOS_CRITICAL ? "CRIT"
                                       : pv[i].state == QT_NAGIOS_WARNING ? "WARN" : "UNKNOWN");
            put_text(out, pv[i].text, 160);
        }
        if (np > shown)
            qt_buf_printf(out, " (+%zu more)", np - shown);
    }
    qt_buf_puts(out, " |");
    for (size_t i = 0; i < nperf; i++) {
        qt_buf_putc(out, ' ');
        put_perf(out, &perf[i], o);
    }
    qt_buf_putc(out, '\n');
    for (size_t i = 0; i < np; i++)
        free(pv[i].text);
    free(pv);
    free(perf);
    return state;
}

/* --- watchdog --- */

static char wd_msg[256];
static size_t wd_len;
static int wd_fd, wd_code;

static void on_alarm(int sig)
{
    ssize_t r;
    (void)sig;
    r = write(wd_fd, wd_msg, wd_len);
    (void)r;
    _exit(wd_code);
}

void qt_watchdog(double seconds, int fd, const char *msg, int code)
{
    struct itimerval it = {{0, 0}, {0, 0}};
    struct sigaction sa;

    if (seconds > 0) {
        snprintf(wd_msg, sizeof wd_msg, "%s", msg);
        wd_len = strlen(wd_msg);
        wd_fd = fd;
        wd_code = code;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: blocking calls return */
        it.it_value.tv_sec = (time_t)seconds;
        it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
        if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
            it.it_value.tv_usec = 1;
    }
    setitimer(ITIMER_REAL, &it, NULL);
}

/* logmon_tcp_check.c - tcpserver's own lines as findings: a listener that
 * sat at its -c limit (a saturation incident, the same one the Ports and
 * Servers analyses raise for that service) and children that ended
 * abnormally. Lines and numbers: docs/severity.md "Mail logs". Pure. */
#include "diag/logmon/logmon.h"
#include "diag/core/severity.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <string.h>   /* sigabbrev_np (glibc 2.32) */

static const char *const SRC = "logs";

struct who {
    const char *svc;         /* the incident's SERVICE */
    char where[96];          /* "smtp 25", "qmail-smtpd port 25", "maillog/smtpd" */
    const struct qt_server *sv;
};

/* The watched service's name when the listener's port is one (as the
 * lint does: docs/incidents.md, one incident per service), else the
 * listener's own name. The port is the one of its ok/deny lines, else the
 * one of the service whose log directory it is. */
static void who_of(const qt_ctx *ctx, const qt_snapshot *snap, const qt_logmon *m, const struct qt_logmon_tcp *t,
                   struct who *w)
{
    unsigned port = t->port;
    int i;

    w->sv = NULL;
    if (snap->servers && !strcmp(t->key, m->src[t->src].name))
        w->sv = qt_servers_find(snap->servers, t->key);
    if (!port && w->sv)
        port = w->sv->port;
    i = port ? qt_ctx_service_index(ctx, port) : -1;
    w->svc = i >= 0 ? ctx->services[i].name : w->sv ? w->sv->name : t->key;
    if (i >= 0)
        snprintf(w->where, sizeof w->where, "%s %u", w->svc, port);
    else if (port && !strchr(w->svc, ':'))
        snprintf(w->where, sizeof w->where, "%s port %u", w->svc, port);
    else
        snprintf(w->where, sizeof w->where, "%s", w->svc);
}

static void clock_of(int64_t t, char *out, size_t n)
{
    struct qt_log_time lt = {QT_STAMP_EPOCH, t, 0};
    char b[40];
    qt_log_time_format(&lt, b, sizeof b);
    snprintf(out, n, "%.19s", b);
}

static void denies(qt_finding *f, const struct qt_logmon_tcp *t)
{
    qt_buf b = {0};
    for (size_t i = 0; i < t->ndeny && i < 4; i++)
        qt_buf_printf(&b, "%s%s (%lu)", i ? ", " : "", t->deny[i].ip, t->deny[i].n);
    if (b.len)
        qt_finding_evidence(f, "denied by the rules: %s%s", qt_buf_str(&b), t->ndeny > 4 ? ", ..." : "");
    qt_buf_free(&b);
}

static void at_limit(const qt_ctx *ctx, const qt_snapshot *snap, const qt_logmon *m, const struct qt_logmon_tcp *t,
                     qt_findings *out)
{
    int64_t now = (int64_t)m->now, from = now - QT_SEV_LOG_TCP_WINDOW;
    double full;
    int still;
    char id[160], dur[24], since[24], ago[24], peak[24];
    size_t starts = qt_logmon_tcp_starts_since(t, from);
    struct who w;
    qt_finding *f;

    who_of(ctx, snap, m, t, &w);
    /* a listener the servers model sees down is not at its limit now: its
     * log simply ended (tcpserver logs nothing when it is stopped) */
    if (w.sv && w.sv->pid <= 0 && t->last_status)
        now = t->last_status > from ? t->last_status : from;
    full = qt_logmon_tcp_full_secs(t, from, now);
    still = t->full_since != 0 && now == (int64_t)m->now;
    if (full < QT_SEV_LOG_TCP_FULL)
        return;
    qt_fmt_age(full, dur, sizeof dur);
    snprintf(id, sizeof id, "logs.tcp-limit:%s", t->key);
    f = qt_findings_add(out, still ? QT_SEV_CRIT : QT_SEV_WARN, SRC, id,
                        still ? "A service is at its connection limit (its log)"
                              : "A service sat at its connection limit (its log)");
    qt_finding_subject(f, "%s", t->key);
    qt_finding_incident(f, "saturation", w.svc, "%s: at its limit of %u for %s of the last %d min (tcpserver log)%s",
                        w.where, t->limit, dur, QT_SEV_LOG_TCP_WINDOW / 60, still ? ", still at it" : "");
    qt_finding_evidence(f, "%s of the last %d min at the limit (status: N/%u with N = %u), from %s's status lines",
                        dur, QT_SEV_LOG_TCP_WINDOW / 60, t->limit, t->limit, m->src[t->src].name);
    if (still) {
        clock_of(t->full_since, since, sizeof since);
        qt_fmt_age((double)(now - t->full_since), ago, sizeof ago);
        qt_finding_evidence(f, "still at it: status: %u/%u since %s (%s ago); tcpserver accepts nobody until a "
                               "child ends", t->busy, t->limit, since, ago);
    }
    clock_of(t->peak_at, peak, sizeof peak);
    if (t->peak)
        qt_finding_evidence(f, "peak %u/%u at %s", t->peak, t->limit, peak);
    if (starts)
        qt_finding_evidence(f, "tcpserver started %zu time%s in the window (status: 0/%u after no end line)", starts,
                            starts == 1 ? "" : "s", t->limit);
    denies(f, t);
    qt_finding_explain(f, "tcpserver -c %u runs at most %u children; while all are taken it accepts nobody, so new "
                          "clients wait in the kernel's backlog and time out (docs/domain/ucspi.md#log-lines).",
                       t->limit, t->limit);
    qt_finding_evidence(f, "log: %s", m->src[t->src].path);
    /* short: the incident's fix is its deciding finding's first command */
    if (w.sv && *w.sv->svcdir)
        qt_finding_fix(f, "svstat %s", w.sv->svcdir);
    qt_finding_fix(f, "# who holds the slots: the Ports pane's per-IP table; raise -c in the run script only if "
                      "the load is real");
}

static void bad_ends(const qt_ctx *ctx, const qt_snapshot *snap, const qt_logmon *m, const struct qt_logmon_tcp *t,
                     qt_findings *out)
{
    int64_t from = (int64_t)m->now - QT_SEV_LOG_TCP_WINDOW;
    size_t n = qt_logmon_tcp_bad_since(t, from);
    struct { int code, sig; size_t n; int64_t last; long pid; } kinds[8];
    size_t nk = 0;
    char id[160];
    struct who w;
    qt_finding *f;

    if (n < QT_SEV_LOG_TCP_BAD_ENDS)
        return;
    who_of(ctx, snap, m, t, &w);
    for (size_t i = 0; i < t->nbad; i++) {
        const struct qt_logmon_tcp_end *e = &t->bad[i];
        size_t k = 0;
        if (e->t < from)
            continue;
        while (k < nk && !(kinds[k].code == e->exit_code && kinds[k].sig == e->term_signal))
            k++;
        if (k == nk) {
            if (nk == QT_ARRAY_LEN(kinds))
                continue;
            kinds[nk++] = (typeof(kinds[0])){e->exit_code, e->term_signal, 0, 0, 0};
        }
        kinds[k].n++;
        if (e->t >= kinds[k].last)
            kinds[k].last = e->t, kinds[k].pid = e->pid;
    }
    snprintf(id, sizeof id, "logs.tcp-ends:%s", t->key);
    f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "Children of a service end abnormally");
    qt_finding_subject(f, "%s", t->key);
    qt_finding_evidence(f, "%zu of %s's children ended by a signal or with exit 111 in the last %d min", n, w.where,
                        QT_SEV_LOG_TCP_WINDOW / 60);
    for (size_t k = 0; k < nk; k++) {
        char last[24];
        clock_of(kinds[k].last, last, sizeof last);
        if (kinds[k].sig)
            qt_finding_evidence(f, "%zu killed by signal %d (SIG%s): %s; last pid %ld at %s", kinds[k].n,
                                kinds[k].sig, sigabbrev_np(kinds[k].sig) ? sigabbrev_np(kinds[k].sig) : "?", qt_logmon_tcp_end_meaning(-1, kinds[k].sig), kinds[k].pid,
                                last);
        else
            qt_finding_evidence(f, "%zu exit %d: %s; last pid %ld at %s", kinds[k].n, kinds[k].code,
                                qt_logmon_tcp_end_meaning(kinds[k].code, 0), kinds[k].pid, last);
    }
    qt_finding_explain(f, "tcpserver logs each child's wait status (end PID status W: W/256 is the exit code, the "
                          "low 7 bits a signal). A signal means the mail program was killed or crashed mid-session: "
                          "its client saw the connection drop.");
    qt_finding_fix(f, "grep -E 'end [0-9]+ status' %s | tail", m->src[t->src].path);
}

void qt_logmon_tcp_analyse(const qt_ctx *ctx, const qt_snapshot *snap, qt_findings *out)
{
    const qt_logmon *m = snap->logs;
    for (size_t i = 0; m && i < m->ntcp; i++) {
        at_limit(ctx, snap, m, &m->tcp[i], out);
        bad_ends(ctx, snap, m, &m->tcp[i], out);
    }
}

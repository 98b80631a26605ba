/* logmon_tcp.c - tcpserver's lines counted per listener: concurrency,
 * denies, abnormal ends, starts (contract in logmon_tcp.h). No I/O. */
#include "diag/logmon/logmon.h"
#include "diag/core/util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

int qt_logmon_tcp_end_bad(int exit_code, int term_signal)
{
    return term_signal > 0 || exit_code == 111;
}

const char *qt_logmon_tcp_end_meaning(int exit_code, int term_signal)
{
    switch (term_signal) {
    case 0:
        break;
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
        return "a crash: a bug in the program (or a patch), or a memory limit (softlimit -m/-d) it did not "
               "handle";
    case SIGABRT:
        return "abort(): a failed assertion or memory corruption the C library caught";
    case SIGKILL:
        return "killed outright: the kernel's OOM killer, a CPU limit's hard end (softlimit -t), or kill -9";
    case SIGXCPU:
        return "its CPU time limit ran out (softlimit -t)";
    case SIGXFSZ:
        return "its file size limit was hit (softlimit -f)";
    case SIGTERM:
        return "terminated by someone's kill (supervise signals tcpserver, not its children)";
    case SIGALRM:
        return "an alarm the program set ran out with no handler (a timeout)";
    case SIGPIPE:
        return "it wrote to a client that had gone (no SIGPIPE handler)";
    default:
        return "ended by a signal (signal(7))";
    }
    if (exit_code == 111)
        return "exit 111, a temporary failure: tcpserver could not run the program, an SSL handshake failed "
               "(sslserver, the SSL-patched tcpserver), or the program hit a temporary problem";
    return exit_code == 100 ? "exit 100: the rules denied it" : "an ordinary exit";
}

static struct qt_logmon_tcp *find(qt_logmon *m, int src, const char *tag)
{
    char key[64];
    struct qt_logmon_tcp *t;

    if (*tag)
        snprintf(key, sizeof key, "%.31s/%.31s", m->src[src].name, tag);
    else
        snprintf(key, sizeof key, "%s", m->src[src].name);
    for (size_t i = 0; i < m->ntcp; i++)
        if (m->tcp[i].src == src && !strcmp(m->tcp[i].key, key))
            return &m->tcp[i];
    if (m->ntcp >= QT_LOGMON_TCP) {
        m->tcp_dropped++;
        return NULL;
    }
    t = &m->tcp[m->ntcp++];
    memset(t, 0, sizeof *t);
    memcpy(t->key, key, sizeof key);
    t->src = src;
    return t;
}

static void close_full(struct qt_logmon_tcp *t, int64_t when)
{
    if (!t->full_since)
        return;
    t->full[t->full_head].from = t->full_since;
    t->full[t->full_head].to = when;
    t->full_head = (t->full_head + 1) % QT_LOGMON_TCP_SPANS;
    if (t->nfull < QT_LOGMON_TCP_SPANS)
        t->nfull++;
    t->full_since = 0;
}

static void on_status(struct qt_logmon_tcp *t, const qt_log_rec *r, int64_t when, int counted)
{
    /* a start: "status: 0/M" that follows no end line (and is not the
     * second half of a fork failure, N+1 then N) */
    int start = r->busy == 0 && !t->after_end && !(t->last_status && t->busy == 1 && t->prev_busy == 0);

    if (start) {
        /* the old tcpserver was last seen alive at its last line; how long
         * it stayed at its limit after that is unknown (it may have been
         * down for hours before this start), so that is all we count */
        close_full(t, t->last_line ? t->last_line : when);
        if (counted) {
            t->starts++;
            t->start_at[t->start_head] = when;
            t->start_head = (t->start_head + 1) % QT_LOGMON_TCP_STARTS;
            if (t->nstart < QT_LOGMON_TCP_STARTS)
                t->nstart++;
        }
    }
    t->prev_busy = t->busy;
    t->busy = r->busy, t->limit = r->limit;
    t->last_status = when;
    if (r->limit && r->busy >= r->limit) {
        if (!t->full_since)
            t->full_since = when;
    } else {
        close_full(t, when);
    }
    if (counted && r->busy > t->peak) {
        t->peak = r->busy;
        t->peak_at = when;
    }
}

static void on_deny(struct qt_logmon_tcp *t, const qt_log_rec *r, int64_t when)
{
    size_t lo = 0;
    t->denies++;
    if (!*r->ip)
        return;
    for (size_t i = 0; i < t->ndeny; i++)
        if (!strcmp(t->deny[i].ip, r->ip)) {
            t->deny[i].n++;
            t->deny[i].last = when;
            return;
        }
    if (t->ndeny < QT_LOGMON_TCP_DENY) {
        lo = t->ndeny++;
    } else {
        /* full: the least denied makes room (its count goes to the others) */
        for (size_t i = 1; i < t->ndeny; i++)
            if (t->deny[i].n < t->deny[lo].n)
                lo = i;
        t->deny_others += t->deny[lo].n;
    }
    snprintf(t->deny[lo].ip, sizeof t->deny[lo].ip, "%s", r->ip);
    t->deny[lo].n = 1;
    t->deny[lo].last = when;
}

static void on_end(struct qt_logmon_tcp *t, const qt_log_rec *r, int64_t when)
{
    struct qt_logmon_tcp_end *e;
    t->ends++;
    if (!qt_logmon_tcp_end_bad(r->exit_code, r->term_signal))
        return;
    t->abnormal++;
    e = &t->bad[t->bad_head];
    t->bad_head = (t->bad_head + 1) % QT_LOGMON_TCP_ENDS;
    if (t->nbad < QT_LOGMON_TCP_ENDS)
        t->nbad++;
    e->t = when;
    e->pid = r->pid;
    e->exit_code = r->term_signal ? -1 : r->exit_code;
    e->term_signal = r->term_signal;
}

void qt_logmon_tcp_ingest(qt_logmon *m, int src, const qt_log_rec *r, int64_t when, int counted)
{
    struct qt_logmon_tcp *t;

    if (src < 0 || (size_t)src >= QT_LOGMON_SOURCES || !(t = find(m, src, r->tag)))
        return;
    if (r->local_port)
        t->port = r->local_port;
    if (r->cat == QT_LOG_TCPSERVER_STATUS) {
        on_status(t, r, when, counted);
    } else if (counted) {
        if (r->cat == QT_LOG_TCPSERVER_DENY)
            on_deny(t, r, when);
        else if (r->cat == QT_LOG_TCPSERVER_END)
            on_end(t, r, when);
        else if (r->cat == QT_LOG_TCPSERVER_CONN && r->local_port)
            t->conns++;   /* the "ok" line, one per connection */
    }
    t->after_end = r->cat == QT_LOG_TCPSERVER_END;
    if (when > t->last_line)
        t->last_line = when;
}

double qt_logmon_tcp_full_secs(const struct qt_logmon_tcp *t, int64_t from, int64_t to)
{
    double s = 0;
    for (size_t i = 0; i < t->nfull; i++) {
        int64_t a = t->full[i].from > from ? t->full[i].from : from;
        int64_t b = t->full[i].to < to ? t->full[i].to : to;
        if (b > a)
            s += (double)(b - a);
    }
    if (t->full_since) {
        int64_t a = t->full_since > from ? t->full_since : from;
        if (to > a)
            s += (double)(to - a);
    }
    return s;
}

size_t qt_logmon_tcp_bad_since(const struct qt_logmon_tcp *t, int64_t from)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nbad; i++)
        n += t->bad[i].t >= from;
    return n;
}

size_t qt_logmon_tcp_starts_since(const struct qt_logmon_tcp *t, int64_t from)
{
    size_t n = 0;
    for (size_t i = 0; i < t->nstart; i++)
        n += t->start_at[i] >= from;
    return n;
}

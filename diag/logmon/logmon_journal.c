/* logmon_journal.c - the systemd journal as a mail log source (contract in
 * logmon_journal.h). */
#include "diag/logmon/logmon_journal.h"
#include "diag/core/util.h"
#include "diag/logs/logs_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef QT_HAVE_SD_JOURNAL
#include <systemd/sd-journal.h>
#endif

static size_t put(char *out, size_t cap, size_t at, const char *s, size_t n)
{
    for (size_t i = 0; i < n && at + 1 < cap; i++)
        out[at++] = s[i] == '\n' || s[i] == '\0' ? ' ' : s[i];
    return at;
}

size_t qt_logmon_journal_line(char *out, size_t cap, uint64_t usec, const char *host, size_t hl, const char *ident,
                              size_t il, const char *pid, size_t pl, const char *msg, size_t ml)
{
    time_t sec = (time_t)(usec / 1000000);
    struct tm tm;
    char stamp[96];
    size_t at = 0;

    if (!cap)
        return 0;
    gmtime_r(&sec, &tm);
    snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%06u+00:00 ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(usec % 1000000));
    at = put(out, cap, at, stamp, strlen(stamp));
    at = host && hl ? put(out, cap, at, host, hl) : put(out, cap, at, "-", 1);
    at = put(out, cap, at, " ", 1);
    if (ident && il) {
        at = put(out, cap, at, ident, il);
        if (pid && pl) {
            at = put(out, cap, at, "[", 1);
            at = put(out, cap, at, pid, pl);
            at = put(out, cap, at, "]", 1);
        }
        at = put(out, cap, at, ": ", 2);
    }
    if (msg)
        at = put(out, cap, at, msg, ml);
    out[at] = 0;
    return at;
}

#ifdef QT_HAVE_SD_JOURNAL

static const char *const idents[] = {"vpopmail", "vchkpw", "qmail", "qmail-send", "qmail-smtpd",
                                     "qmail-pop3d", "splogger", "tcpserver", "sslserver"};

struct qt_logmon_journal {
    sd_journal *j;
    int pending;              /* the entry j is on has not been read yet */
    char line[QT_LOG_LINE_MAX];
};

int qt_logmon_journal_built(void)
{
    return 1;
}

/* FIELD=value -> value (its length in *vl), or NULL when the entry has no such field. */
static const char *field(sd_journal *j, const char *name, size_t *vl)
{
    const void *d;
    size_t l, k = strlen(name);

    if (sd_journal_get_data(j, name, &d, &l) < 0 || l <= k || ((const char *)d)[k] != '=') {
        *vl = 0;
        return NULL;
    }
    *vl = l - k - 1;
    return (const char *)d + k + 1;
}

static int add_filter(sd_journal *j)
{
    char m[64];
    int r = sd_journal_add_match(j, "SYSLOG_FACILITY=2", 0);

    if (r >= 0)
        r = sd_journal_add_disjunction(j);
    for (size_t i = 0; r >= 0 && i < QT_ARRAY_LEN(idents); i++) {
        snprintf(m, sizeof m, "SYSLOG_IDENTIFIER=%s", idents[i]);
        r = sd_journal_add_match(j, m, 0);
    }
    return r;
}

qt_logmon_journal *qt_logmon_journal_open(const qt_ctx *ctx, char *where, size_t wn, char *why, size_t n)
{
    sd_journal *j = NULL;
    uint64_t usage = 0;
    int r, rooted = ctx->root && *ctx->root && strcmp(ctx->root, "/");
    qt_logmon_journal *jr;

    if (rooted) {
        /* the tree's own journal, never the host's (sd_journal_open(3): SD_JOURNAL_OS_ROOT) */
        r = sd_journal_open_directory(&j, ctx->root, SD_JOURNAL_OS_ROOT);
        snprintf(where, wn, "%.300s/var/log/journal and %.300s/run/log/journal", ctx->root, ctx->root);
    } else {
        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        snprintf(where, wn, "the system journal (/var/log/journal, /run/log/journal)");
    }
    if (r < 0) {
        snprintf(why, n, "sd_journal_open: %s", strerror(-r));
        return NULL;
    }
    if (sd_journal_get_usage(j, &usage) < 0 || usage == 0) {
        snprintf(why, n, "no journal files");
        sd_journal_close(j);
        return NULL;
    }
    sd_journal_set_data_threshold(j, QT_LOG_LINE_MAX);
    if ((r = add_filter(j)) < 0) {
        snprintf(why, n, "sd_journal_add_match: %s", strerror(-r));
        sd_journal_close(j);
        return NULL;
    }
    /* the inotify descriptor, so files journald starts later (rotation)
     * are seen by sd_journal_process; never waited on */
    (void)sd_journal_get_fd(j);
    jr = qt_calloc(1, sizeof *jr);
    jr->j = j;
    return jr;
}

size_t qt_logmon_journal_newest(qt_logmon_journal *jr, char (*msg)[200], size_t cap)
{
    size_t k = 0;

    if (sd_journal_seek_tail(jr->j) < 0)
        return 0;
    while (k < cap && sd_journal_previous(jr->j) > 0) {
        size_t ml;
        const char *m = field(jr->j, "MESSAGE", &ml);
        if (!m || !ml)
            continue;
        put(msg[k], sizeof msg[k], 0, m, ml < sizeof msg[k] - 1 ? ml : sizeof msg[k] - 1);
        msg[k][ml < sizeof msg[k] - 1 ? ml : sizeof msg[k] - 1] = 0;
        k++;
    }
    return k;
}

/* The entry j is on, as a line, to fn. */
static void emit(qt_logmon_journal *jr, qt_log_line_fn fn, void *arg)
{
    uint64_t usec = 0;
    size_t hl, il, pl, ml, len;
    const char *h = field(jr->j, "_HOSTNAME", &hl);
    const char *id = field(jr->j, "SYSLOG_IDENTIFIER", &il);
    const char *pid = field(jr->j, "SYSLOG_PID", &pl);
    const char *m = field(jr->j, "MESSAGE", &ml);

    if (!pid)
        pid = field(jr->j, "_PID", &pl);
    if (sd_journal_get_realtime_usec(jr->j, &usec) < 0)
        usec = 0;
    len = qt_logmon_journal_line(jr->line, sizeof jr->line, usec, h, hl, id, il, pid, pl, m, ml);
    fn(jr->line, len, 0, arg);
}

long qt_logmon_journal_start(qt_logmon_journal *jr, double now, int64_t window, unsigned long long budget,
                             qt_log_line_fn fn, void *arg, char *why, size_t n)
{
    uint64_t cutoff = now > (double)window ? (uint64_t)((now - (double)window) * 1e6) : 0, usec;
    unsigned long long bytes = 0;
    long back = 0, read = 0;
    int r;

    /* back from the tail to the oldest entry inside the window and the
     * budget (a large journal starts as fast as a small one) ... */
    if ((r = sd_journal_seek_tail(jr->j)) < 0) {
        snprintf(why, n, "sd_journal_seek_tail: %s", strerror(-r));
        return -1;
    }
    while ((r = sd_journal_previous(jr->j)) > 0) {
        size_t ml;
        if (sd_journal_get_realtime_usec(jr->j, &usec) >= 0 && usec < cutoff)
            break;
        (void)field(jr->j, "MESSAGE", &ml);
        if (bytes + ml + 1 > budget)
            break;
        bytes += ml + 1;
        back++;
    }
    if (r < 0) {
        snprintf(why, n, "sd_journal_previous: %s", strerror(-r));
        return -1;
    }
    /* ... then forward: r == 0 left j on the oldest entry (to be read), a
     * break on the entry before it */
    if (!back)
        return jr->pending = 0, 0;
    if (r == 0)
        jr->pending = 1;
    while (read < back) {
        if (jr->pending)
            jr->pending = 0;
        else if (sd_journal_next(jr->j) <= 0)
            break;
        emit(jr, fn, arg);
        read++;
    }
    return read;
}

long qt_logmon_journal_poll(qt_logmon_journal *jr, size_t max, qt_log_line_fn fn, void *arg, char *why, size_t n)
{
    long got = 0;
    int r;

    /* files rotated or added since: sd-journal keeps its place across them */
    (void)sd_journal_process(jr->j);
    while ((size_t)got < max) {
        if (jr->pending)
            jr->pending = 0;
        else if ((r = sd_journal_next(jr->j)) <= 0) {
            if (r < 0) {
                snprintf(why, n, "sd_journal_next: %s", strerror(-r));
                return -1;
            }
            break;
        }
        emit(jr, fn, arg);
        got++;
    }
    return got;
}

void qt_logmon_journal_close(qt_logmon_journal *jr)
{
    if (!jr)
        return;
    sd_journal_close(jr->j);
    free(jr);
}

#else /* built without libsystemd: the /var/log files only */

int qt_logmon_journal_built(void)
{
    return 0;
}

qt_logmon_journal *qt_logmon_journal_open(const qt_ctx *ctx, char *where, size_t wn, char *why, size_t n)
{
    (void)ctx;
    snprintf(where, wn, "-");
    snprintf(why, n, "qtriage was built without libsystemd: the /var/log files only");
    return NULL;
}

size_t qt_logmon_journal_newest(qt_logmon_journal *jr, char (*msg)[200], size_t cap)
{
    (void)jr, (void)msg, (void)cap;
    return 0;
}

long qt_logmon_journal_start(qt_logmon_journal *jr, double now, int64_t window, unsigned long long budget,
                             qt_log_line_fn fn, void *arg, char *why, size_t n)
{
    (void)jr, (void)now, (void)window, (void)budget, (void)fn, (void)arg, (void)why, (void)n;
    return 0;
}

long qt_logmon_journal_poll(qt_logmon_journal *jr, size_t max, qt_log_line_fn fn, void *arg, char *why, size_t n)
{
    (void)jr, (void)max, (void)fn, (void)arg, (void)why, (void)n;
    return 0;
}

void qt_logmon_journal_close(qt_logmon_journal *jr)
{
    (void)jr;
}

#endif

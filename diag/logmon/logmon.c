/* logmon.c - the logs collector: finds the sources, reads each back over
 * the window at start, then follows it (contract in logmon.h). */
#include "diag/logmon/logmon.h"
#include "diag/logmon/logmon_journal.h"
#include "diag/core/snapshot.h"
#include "diag/core/util.h"
#include "diag/logs/logs_find.h"
#include "diag/logs/logs_follow.h"
#include "diag/logs/logs_read.h"
#include "diag/servers/servers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct follower {
    qt_log_follow f;
    qt_logmon_srcctx *c;
    qt_logmon_journal *jr;   /* the journal source: read through sd-journal, not f */
    int idle;                /* nothing to read (the journal not counted or not there) */
};

struct state {
    qt_logmon m;
    struct follower *fol[QT_LOGMON_SOURCES];
    unsigned long prev[QT_LOG_NCATS];
    double prev_now;
    int started;
    uint64_t disc_sig;       /* what the last discovery looked at (rediscover_due) */
    double disc_at;          /* when it ran */
};

struct feed {
    qt_logmon *m;
    qt_logmon_srcctx *c;
    int src, old;
};

static void on_line(const char *line, size_t n, int cut, void *arg)
{
    struct feed *fd = arg;
    (void)cut;   /* a cut line is classified on its first QT_LOG_LINE_MAX bytes */
    fd->m->src[fd->src].lines++;
    fd->m->src[fd->src].bytes += n + 1;
    qt_logmon_ingest(fd->m, fd->c, fd->src, line, n, fd->old);
}

/* Read one rotated file (plain or .gz) from byte `from` (plain files only). */
static void read_back_file(const qt_ctx *ctx, struct feed *fd, const struct qt_log_file *lf, off_t from)
{
    char why[300];
    const char *line;
    size_t n;
    int cut, r;
    int fdesc = qt_ctx_open(ctx, lf->path, 0, NULL, why, sizeof why);
    qt_log_reader *rd;

    if (fdesc < 0) {
        snprintf(fd->m->src[fd->src].err, sizeof fd->m->src[fd->src].err, "%.200s: %.190s", lf->path,
                 *why ? why : strerror(errno));
        return;
    }
    if (from > 0 && lseek(fdesc, from, SEEK_SET) < 0)
        from = 0;
    rd = qt_log_reader_new(fdesc);
    if (!rd)
        return;
    fd->m->src[fd->src].files_back++;
    /* started mid-file: the first line is a piece, left out */
    if (from > 0 && qt_log_reader_next(rd, &line, &n, &cut, why, sizeof why) <= 0) {
        qt_log_reader_free(rd);
        return;
    }
    while ((r = qt_log_reader_next(rd, &line, &n, &cut, why, sizeof why)) == 1)
        on_line(line, n, cut, fd);
    if (r < 0)
        snprintf(fd->m->src[fd->src].err, sizeof fd->m->src[fd->src].err, "%.390s", why);
    qt_log_reader_free(rd);
}

/* Start one source: read back the newest files within the window (seconds
 * and bytes), oldest of them first (the classifier reads in file order),
 * then follow the file being written. */
static void start_source(const qt_ctx *ctx, struct state *st, const struct qt_log_source *s, int idx)
{
    struct qt_logmon_src *ms = &st->m.src[idx];
    struct follower *fo = qt_calloc(1, sizeof *fo);
    struct feed fd = {&st->m, NULL, idx, 1};
    unsigned long long budget = ctx->log_window_bytes ? ctx->log_window_bytes : 64ull << 20;
    double cutoff = st->m.now - (double)st->m.window;
    unsigned long long allow[QT_LOGSRC_MAX_FILES] = {0};
    size_t first = s->nfiles, cur = s->nfiles;
    char why[300] = "";

    snprintf(ms->name, sizeof ms->name, "%s", s->name);
    snprintf(ms->kind, sizeof ms->kind, "%s", s->kind == QT_LOGSRC_MULTILOG ? "multilog" : "syslog");
    snprintf(ms->why, sizeof ms->why, "%.299s", s->why);
    if (s->kind == QT_LOGSRC_MULTILOG)
        snprintf(ms->path, sizeof ms->path, "%s/current", s->dir);
    else
        snprintf(ms->path, sizeof ms->path, "%s/%s", s->dir, s->name);
    for (size_t i = 0; i < s->nfiles; i++)
        if (!s->files[i].rotated && !strcmp(s->files[i].path, ms->path))
            cur = i;
    /* newest first: the file being written, then rotations back in time */
    for (size_t k = s->nfiles; k-- > 0 && budget;) {
        const struct qt_log_file *lf = &s->files[k];
        unsigned long long sz = lf->size > 0 ? (unsigned long long)lf->size : 0;
        if (k != cur && (double)lf->mtime < cutoff)
            break;
        if (lf->gz && k != cur && sz > budget)
            break;   /* a .gz cannot be started in its middle */
        allow[k] = sz < budget ? sz : budget;
        budget -= allow[k];
        first = k;
    }
    fo->c = qt_logmon_srcctx_new((int64_t)st->m.now);
    fd.c = fo->c;
    for (size_t k = first; k < s->nfiles; k++)
        if (k != cur)
            read_back_file(ctx, &fd, &s->files[k], s->files[k].gz ? 0 : s->files[k].size - (off_t)allow[k]);
    if (qt_log_follow_open(&fo->f, ctx, ms->path, 0, why, sizeof why) < 0) {
        snprintf(ms->err, sizeof ms->err, "%.390s", why);
    } else if (cur < s->nfiles && fo->f.fd >= 0) {
        off_t from = s->files[cur].size - (off_t)allow[cur];
        if (from > 0) {
            fo->f.off = from;
            fo->f.skipping = 1;   /* the piece of a line before it */
        }
        ms->files_back++;
        if (qt_log_follow_poll(&fo->f, ctx, allow[cur] + (1u << 20), on_line, &fd, why, sizeof why) < 0)
            snprintf(ms->err, sizeof ms->err, "%.390s", why);
    }
    st->fol[idx] = fo;
}

/* The path a source's follower reads (start_source sets ms->path the same way). */
static void source_path(const struct qt_log_source *s, char *out, size_t n)
{
    if (s->kind == QT_LOGSRC_MULTILOG)
        snprintf(out, n, "%s/current", s->dir);
    else
        snprintf(out, n, "%s/%s", s->dir, s->name);
}

/* The loggers the servers model read from each log/run: the front ends',
 * then the other mail services' (qmail-send...), plus a guess for
 * qmail-send's when no qmail-send service was found. */
static size_t loggers(const qt_snapshot *snap, struct qt_log_svc *svcs, size_t cap)
{
    size_t n = 0;
    int send_found = 0;

    if (snap->servers) {
        for (size_t i = 0; i < snap->servers->n && n < cap; i++) {
            const struct qt_server *s = &snap->servers->v[i];
            if (!*s->logdir)
                continue;
            svcs[n].name = s->name;
            svcs[n].logrun = s->svcdir;
            svcs[n].logdir = s->logdir;
            n++;
        }
        for (int i = 0; i < snap->servers->nloggers; i++) {
            const struct qt_mail_logger *lg = &snap->servers->loggers[i];
            send_found |= lg->is_send;
            if (!*lg->logdir || n >= cap)
                continue;
            svcs[n].name = lg->name;
            svcs[n].logrun = lg->logrun;
            svcs[n].logdir = lg->logdir;
            n++;
        }
    }
    /* no qmail-send service found (supervised elsewhere, or none under
     * --root): its log is looked for where Life with qmail's
     * qmail-send/log/run puts it (multilog t /var/log/qmail), unless a
     * listed service already writes there (docs/domain/supervision.md#multilog) */
    for (size_t i = 0; i < n; i++)
        send_found |= !strcmp(svcs[i].logdir, "/var/log/qmail") || !strcmp(svcs[i].logdir, "/var/log/qmail/");
    if (!send_found && n < cap) {
        svcs[n].name = "qmail-send";
        svcs[n].logrun = "the usual qmail-send log directory (Life with qmail: multilog t /var/log/qmail)";
        svcs[n].logdir = "/var/log/qmail";
        n++;
    }
    return n;
}

/* Find the sources; start the ones not followed yet (read back over the
 * window, then followed), keep the known ones where their followers are,
 * and mark gone the ones no longer found (their followers stay: a file
 * that comes back is read from its first byte, logs_follow.h). */
static void discover(const qt_ctx *ctx, struct state *st, const qt_snapshot *snap)
{
    struct qt_log_svc svcs[64];
    size_t n = loggers(snap, svcs, QT_ARRAY_LEN(svcs));
    struct qt_log_sources found = {0};
    int seen[QT_LOGMON_SOURCES] = {0};

    st->m.notes[0] = 0;
    qt_log_sources_find(ctx, svcs, n, &found);
    for (size_t i = 0; i < found.n; i++) {
        size_t len = strlen(st->m.notes), k;
        char path[800];
        source_path(&found.v[i], path, sizeof path);
        for (k = 0; k < st->m.nsrc && strcmp(st->m.src[k].path, path); k++)
            ;
        if (found.v[i].notes.len)
            snprintf(st->m.notes + len, sizeof st->m.notes - len, "%s\n", qt_buf_str(&found.v[i].notes));
        if (k < st->m.nsrc) {
            seen[k] = 1;
            st->m.src[k].gone = 0;
            snprintf(st->m.src[k].why, sizeof st->m.src[k].why, "%.299s", found.v[i].why);
            continue;
        }
        if (st->m.nsrc >= QT_LOGMON_SOURCES) {
            len = strlen(st->m.notes);
            snprintf(st->m.notes + len, sizeof st->m.notes - len, "not followed (over %d sources): %s\n",
                     QT_LOGMON_SOURCES, found.v[i].name);
            continue;
        }
        seen[st->m.nsrc] = 1;
        st->m.src[st->m.nsrc].found = st->m.now;
        start_source(ctx, st, &found.v[i], (int)st->m.nsrc++);
    }
    for (size_t k = 0; k < st->m.nsrc; k++)
        if (strcmp(st->m.src[k].kind, "journal"))
            st->m.src[k].gone = !seen[k];
    qt_log_sources_free(&found);
}

/* What discovery depends on: the loggers from each log/run (a service added
 * under svscan, a run script edited) and the mtime of /var/log (a syslog
 * file created, rsyslog's new maillog). FNV-1a. */
static uint64_t discovery_sig(const qt_ctx *ctx, const qt_snapshot *snap)
{
    struct qt_log_svc svcs[64];
    size_t n = loggers(snap, svcs, QT_ARRAY_LEN(svcs));
    uint64_t h = QT_FNV1A_INIT;
    struct stat sb;

    for (size_t i = 0; i < n; i++) /* with the NUL: "a" "bc" is not "ab" "c" */
        h = qt_fnv1a(h, svcs[i].logdir, strlen(svcs[i].logdir) + 1);
    if (qt_ctx_stat(ctx, "/var/log", &sb) == 0)
        h = qt_fnv1a(h, &sb.st_mtim, sizeof sb.st_mtim);
    return h;
}

/* Discovery again when what it looked at changed, and every
 * QT_LOGMON_REDISCOVER seconds whatever (a log directory created under a
 * service's own tree changes no mtime looked at here). Not when the servers
 * model is missing this sample: its services would look gone. */
static int rediscover_due(const qt_ctx *ctx, struct state *st, const qt_snapshot *snap, double now)
{
    uint64_t sig;

    if (!snap->servers)
        return 0;
    sig = discovery_sig(ctx, snap);
    if (sig == st->disc_sig && now - st->disc_at < QT_LOGMON_REDISCOVER && now >= st->disc_at)
        return 0;
    st->disc_sig = sig;
    st->disc_at = now;
    return 1;
}

/* Does the tail of a syslog file hold one of the journal's newest mail
 * messages? Then rsyslog forwards the journal into it (rsyslog's imjournal
 * or journald's ForwardToSyslog, journald.conf(5)). */
static int file_has(const qt_ctx *ctx, const char *path, char (*msg)[200], size_t nmsg)
{
    char why[200], *buf = qt_malloc(256 * 1024);
    struct stat sb;
    int fd = qt_ctx_open(ctx, path, 0, &sb, why, sizeof why), hit = 0;
    ssize_t got = 0;

    if (fd >= 0) {
        off_t from = sb.st_size > 256 * 1024 ? sb.st_size - 256 * 1024 : 0;
        got = pread(fd, buf, 256 * 1024, from);
        close(fd);
    }
    for (size_t i = 0; got > 0 && i < nmsg && !hit; i++)
        hit = strlen(msg[i]) >= 12 && memmem(buf, (size_t)got, msg[i], strlen(msg[i])) != NULL;
    free(buf);
    return hit;
}

/* The journal as one more source (first sample only: sd-journal follows
 * journald's new files itself). When a syslog file already carries the
 * journal's mail lines the file is read and the journal is not counted,
 * so no line counts twice: the files reach further back (rotations, .gz). */
static void journal_source(const qt_ctx *ctx, struct state *st)
{
    struct qt_logmon_src *ms;
    struct follower *fo;
    struct feed fd = {&st->m, NULL, 0, 1};
    char where[700] = "", why[300] = "", msg[QT_LOGMON_JOURNAL_MATCH][200];
    unsigned long long budget = ctx->log_window_bytes ? ctx->log_window_bytes : 64ull << 20;
    size_t nmsg;

    if (st->m.nsrc >= QT_LOGMON_SOURCES)
        return;
    fd.src = (int)st->m.nsrc;
    ms = &st->m.src[st->m.nsrc];
    fo = st->fol[st->m.nsrc++] = qt_calloc(1, sizeof *fo);
    fo->f.fd = -1;
    fo->idle = 1;
    snprintf(ms->name, sizeof ms->name, "journal");
    snprintf(ms->kind, sizeof ms->kind, "journal");
    ms->found = st->m.now;
    fo->jr = qt_logmon_journal_open(ctx, where, sizeof where, why, sizeof why);
    snprintf(ms->path, sizeof ms->path, "%.700s", where);
    if (!fo->jr) {
        /* built without libsystemd, or no journal here: said, not an error */
        snprintf(ms->why, sizeof ms->why, "not read: %.280s", why);
        return;
    }
    nmsg = qt_logmon_journal_newest(fo->jr, msg, QT_LOGMON_JOURNAL_MATCH);
    for (size_t i = 0; i + 1 < st->m.nsrc; i++)
        if (!strcmp(st->m.src[i].kind, "syslog") && file_has(ctx, st->m.src[i].path, msg, nmsg)) {
            snprintf(ms->why, sizeof ms->why,
                     "not counted: %.150s carries the same lines (rsyslog forwards the journal); "
                     "the file is read, its rotations reach further back",
                     st->m.src[i].path);
            qt_logmon_journal_close(fo->jr);
            fo->jr = NULL;
            return;
        }
    snprintf(ms->why, sizeof ms->why, "sd-journal, " QT_LOGMON_JOURNAL_FILTER);
    fo->idle = 0;
    fo->c = fd.c = qt_logmon_srcctx_new((int64_t)st->m.now);
    if (qt_logmon_journal_start(fo->jr, st->m.now, st->m.window, budget, on_line, &fd, why, sizeof why) < 0)
        snprintf(ms->err, sizeof ms->err, "%.390s", why);
    ms->files_back = 1;
}

/* New lines of source i since the last sample. */
static void poll_source(const qt_ctx *ctx, struct state *st, size_t i)
{
    struct follower *fo = st->fol[i];
    struct feed fd = {&st->m, fo->c, (int)i, 0};
    char why[300] = "";
    long r;

    if (fo->idle)
        return;
    r = fo->jr ? qt_logmon_journal_poll(fo->jr, QT_LOGMON_JOURNAL_POLL, on_line, &fd, why, sizeof why)
               : qt_log_follow_poll(&fo->f, ctx, QT_LOGMON_POLL_BYTES, on_line, &fd, why, sizeof why);
    if (r < 0)
        snprintf(st->m.src[i].err, sizeof st->m.src[i].err, "%.390s", why);
    else if (r > 0)
        st->m.src[i].err[0] = 0;
}

static int collect(const qt_ctx *ctx, void **state, qt_snapshot *snap, char *err, size_t errlen)
{
    struct state *st = *state;
    double now = snap->wall;

    (void)err, (void)errlen;
    if (!st) {
        st = *state = qt_calloc(1, sizeof *st);
        qt_logmon_init(&st->m, now, (int64_t)(ctx->log_window > 0 ? ctx->log_window : 3600));
        st->disc_sig = discovery_sig(ctx, snap);
        st->disc_at = now;
        discover(ctx, st, snap);
        journal_source(ctx, st);
        st->prev_now = now;
        st->started = 1;
    } else {
        st->m.now = now;
        if (rediscover_due(ctx, st, snap, now)) {
            /* a new source's read-back is no rate: its lines leave prev too */
            unsigned long before[QT_LOG_NCATS];
            memcpy(before, st->m.count, sizeof before);
            discover(ctx, st, snap);
            for (int c = 0; c < QT_LOG_NCATS; c++)
                st->prev[c] += st->m.count[c] - before[c];
        }
        for (size_t i = 0; i < st->m.nsrc; i++)
            poll_source(ctx, st, i);
        for (int c = 0; c < QT_LOG_NCATS; c++)
            st->m.rate[c] = now > st->prev_now ? (double)(st->m.count[c] - st->prev[c]) * 60.0 / (now - st->prev_now) : 0;
        st->prev_now = now;
    }
    memcpy(st->prev, st->m.count, sizeof st->prev);
    snap->logs = qt_malloc(sizeof *snap->logs);
    memcpy(snap->logs, &st->m, sizeof st->m);
    return 0;
}

static const char *const cat_help = "mail log lines of this category since qtriage started (issue 16)";

static void measure(const qt_ctx *ctx, const qt_snapshot *snap, qt_metrics *out)
{
    const qt_logmon *m = snap->logs;

    (void)ctx;
    if (!m)
        return;
    for (int c = 0; c < QT_LOG_NCATS; c++)
        qt_metrics_add(out, "log_lines", qt_log_cat_name((enum qt_log_cat)c), 0, (double)m->count[c], -1, cat_help);
    /* auth failures per vchkpw service, every one counted since start */
    for (size_t k = 0; k <= m->nauth_svc; k++) {
        const struct qt_logmon_svc *v = k < m->nauth_svc ? &m->auth_svc[k] : &m->auth_svc_others;
        if (k == m->nauth_svc && !v->fail && !v->ok)
            break;
        qt_metrics_add(out, "auth_failures", v->name, 0, (double)v->fail, -1,
                       "failed logins in the mail logs per service (vchkpw's) since qtriage started, window included");
    }
    qt_metrics_add(out, "bounces", NULL, 0, (double)m->count[QT_LOG_BOUNCE], -1,
                   "bounces qmail-send sent (bounce msg lines) in the mail logs");
    qt_metrics_add(out, "double_bounces", NULL, 0, (double)m->double_bounce_msgs, -1,
                   "double bounces (messages from <#@[]>) in the mail logs");
    qt_metrics_add(out, "triple_bounces", NULL, 0, (double)m->count[QT_LOG_TRIPLE_BOUNCE], -1,
                   "double bounces discarded (triple bounce lines) in the mail logs");
    for (size_t i = 0; i < m->nsrc; i++)
        if (m->src[i].deferrals || !strcmp(m->src[i].name, "qmail-send"))
            qt_metrics_add(out, "deferrals", m->src[i].name, 0, (double)m->src[i].deferrals, -1,
                           "delivery deferrals in the mail logs, per log source (qmail-send's service)");
}

static void free_model(qt_snapshot *snap)
{
    free(snap->logs);
    snap->logs = NULL;
}

static void free_state(void *p)
{
    struct state *st = p;
    if (!st)
        return;
    for (size_t i = 0; i < QT_LOGMON_SOURCES; i++)
        if (st->fol[i]) {
            qt_log_follow_close(&st->fol[i]->f);
            qt_logmon_journal_close(st->fol[i]->jr);
            qt_logmon_srcctx_free(st->fol[i]->c);
            free(st->fol[i]);
        }
    free(st);
}

const qt_collector qt_collector_logs = {
    .id = QT_SRC_LOGS,
    .name = "logs",
    .collect = collect,
    .measure = measure,
    .analyse = qt_logmon_analyse,
    .free_model = free_model,
    .free_state = free_state,
};

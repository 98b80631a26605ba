/* probe_run.c - planning the probes from the servers model, one service's
 * probes as one sequential job, and a poll loop for the batch modes. */
#include "diag/probe/probe_run.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How TLS starts on a port (issue 18): the front end's own TLS, the
 * implicit-TLS ports (RFC 8314), or the STARTTLS ports (RFC 3207, RFC 2595). */
static int tls_start(const struct qt_server *sv, enum qt_probe_starttls *st)
{
    switch (sv->port) {
    case 465: case 993: case 995: *st = QT_STLS_IMPLICIT; return 1;
    case 25: case 587: *st = sv->tls ? QT_STLS_IMPLICIT : QT_STLS_SMTP; return 1;
    case 110: *st = sv->tls ? QT_STLS_IMPLICIT : QT_STLS_POP3; return 1;
    case 143: *st = sv->tls ? QT_STLS_IMPLICIT : QT_STLS_IMAP; return 1;
    default: *st = QT_STLS_IMPLICIT; return sv->tls;
    }
}

static void read_me(const qt_ctx *ctx, char *out, size_t n)
{
    char *buf = NULL;
    long len = qt_ctx_read(ctx, "/var/qmail/control/me", 256, &buf, NULL);
    size_t i = 0;

    out[0] = '\0';
    if (len > 0) {
        while (i + 1 < n && i < (size_t)len && isgraph((unsigned char)buf[i]))
            i++;
        memcpy(out, buf, i);
        out[i] = '\0';
    }
    free(buf);
}

static void plan_one(const qt_ctx *ctx, const struct qt_server *sv, const char *me, struct qt_probe_svc *s)
{
    int idx = qt_ctx_service_index(ctx, sv->port);
    enum qt_probe_starttls st;
    char why[200];

    memset(s, 0, sizeof *s);
    snprintf(s->service, sizeof s->service, "%s", ctx->services[idx].name);
    snprintf(s->server, sizeof s->server, "%s", sv->name);
    snprintf(s->hs_detail, sizeof s->hs_detail, "%s", sv->hs_detail);
    s->port = sv->port;
    s->limit = sv->limit;
    s->children = sv->children;
    s->handshake = sv->handshake;
    s->no_deadline = sv->tls && sv->hs_source == QT_HS_NONE;
    s->tls_expected = tls_start(sv, &st);
    if (!s->tls_expected) {
        snprintf(s->skip, sizeof s->skip, "a plain port: no TLS to probe");
        return;
    }
    if (qt_probe_target_set(&s->t, s->service, sv->host, sv->port, why, sizeof why) != 0) {
        snprintf(s->skip, sizeof s->skip, "%s", why);
        return;
    }
    s->t.starttls = st;
    snprintf(s->t.verify_name, sizeof s->t.verify_name, "%s", me);
    if (sv->limit > 0 && (double)sv->children >= QT_PROBE_SATURATION * (double)sv->limit) {
        snprintf(s->skip, sizeof s->skip, "at %d of %ld connections (%.0f%% of -c, the probe limit is %.0f%%): "
                 "a probe would take a real user's slot", sv->children, sv->limit,
                 100.0 * sv->children / (double)sv->limit, 100 * QT_PROBE_SATURATION);
        return;
    }
    s->probe = 1;
}

size_t qt_probe_plan(const qt_ctx *ctx, const qt_snapshot *snap, struct qt_probe_set *out)
{
    const qt_servers *m = snap ? snap->servers : NULL;
    char me[128];

    out->v = NULL;
    out->n = 0;
    if (!m || !m->n)
        return 0;
    read_me(ctx, me, sizeof me);
    out->v = qt_calloc(m->n, sizeof *out->v);
    for (size_t i = 0; i < m->n; i++) {
        const struct qt_server *sv = &m->v[i];
        int dup = 0;
        if (!sv->pid || !sv->port || qt_ctx_service_index(ctx, sv->port) < 0)
            continue;
        for (size_t k = 0; k < out->n; k++)
            dup |= out->v[k].port == sv->port;
        if (!dup)
            plan_one(ctx, sv, me, &out->v[out->n++]);
    }
    return out->n;
}

void qt_probe_set_free(struct qt_probe_set *ps)
{
    free(ps->v);
    ps->v = NULL;
    ps->n = 0;
}

/* --- one service's steps as one job --- */

struct svc_job {
    qt_job base;
    struct qt_probe_svc *s;
    unsigned todo;
    double hs_timeout, idle_bound;
    qt_job *cur;
    unsigned cur_step;
    double done_at;
};

static int next_step(struct svc_job *j)
{
    static const unsigned order[] = {QT_PS_HANDSHAKE, QT_PS_LEGACY, QT_PS_IDLE, QT_PS_PARTIAL};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        unsigned st = order[i];
        if (!(j->todo & st))
            continue;
        j->todo &= ~st;
        /* no legacy round when the service speaks no TLS at all */
        if (st == QT_PS_LEGACY && (j->s->done & QT_PS_HANDSHAKE) && j->s->hs.status != QT_PR_OK)
            continue;
        j->cur_step = st;
        if (st == QT_PS_HANDSHAKE || st == QT_PS_LEGACY)
            j->cur = qt_probe_tls_new(&j->s->t, st == QT_PS_LEGACY, j->hs_timeout);
        else
            j->cur = qt_probe_idle_new(&j->s->t, st == QT_PS_PARTIAL, j->idle_bound);
        return 1;
    }
    j->done_at = qt_now_mono();
    return 0;
}

static void keep_result(struct svc_job *j)
{
    const struct qt_probe_result *r = qt_probe_job_result(j->cur);
    struct qt_probe_result *dst = j->cur_step == QT_PS_HANDSHAKE ? &j->s->hs : j->cur_step == QT_PS_LEGACY ? &j->s->legacy
                                  : j->cur_step == QT_PS_IDLE ? &j->s->idle : &j->s->partial;
    *dst = *r;
    j->s->done |= j->cur_step;
    j->s->at = qt_now_mono();
    j->cur->ops->free(j->cur);
    j->cur = NULL;
}

static int s_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct svc_job *j = (struct svc_job *)job;
    return j->cur ? j->cur->ops->pollfds(j->cur, pfd, max) : 0;
}

static double s_deadline(qt_job *job)
{
    struct svc_job *j = (struct svc_job *)job;
    return j->cur ? j->cur->ops->deadline(j->cur) : j->done_at;
}

static int s_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct svc_job *j = (struct svc_job *)job;
    (void)now;
    while (j->cur && j->cur->ops->step(j->cur, pfd, n, qt_now_mono())) {
        keep_result(j);
        if (!next_step(j))
            return 1;
        n = 0; /* the new probe's fds were never polled */
    }
    return j->cur == NULL;
}

static void s_cancel(qt_job *job)
{
    struct svc_job *j = (struct svc_job *)job;
    if (j->cur) {
        j->cur->ops->cancel(j->cur);
        j->cur->ops->free(j->cur);
        j->cur = NULL;
    }
    j->todo = 0;
    j->done_at = qt_now_mono();
}

static void s_free(qt_job *job)
{
    s_cancel(job);
    free(job);
}

static const struct qt_job_ops svc_ops = {
    .pollfds = s_pollfds, .deadline = s_deadline, .step = s_step, .cancel = s_cancel, .free = s_free,
};

qt_job *qt_probe_svc_job_new(struct qt_probe_svc *s, unsigned steps, double hs_timeout, double idle_bound)
{
    struct svc_job *j = qt_calloc(1, sizeof *j);
    j->base.ops = &svc_ops;
    j->s = s;
    j->todo = steps;
    j->hs_timeout = hs_timeout;
    j->idle_bound = idle_bound;
    (void)next_step(j);
    return &j->base;
}

int qt_probe_run(struct qt_probe_set *ps, unsigned steps, double hs_timeout, double idle_bound)
{
    qt_job **jobs = qt_calloc(ps->n ? ps->n : 1, sizeof *jobs);
    struct pollfd pfd[64];
    int owner[64], rc = 0;
    size_t live = 0;

    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].probe) {
            jobs[i] = qt_probe_svc_job_new(&ps->v[i], steps, hs_timeout, idle_bound);
            live++;
        }
    while (live) {
        int nfds = 0, ms;
        double now = qt_now_mono(), until = now + 3600;
        for (size_t i = 0; i < ps->n; i++) {
            if (!jobs[i])
                continue;
            int k = jobs[i]->ops->pollfds(jobs[i], pfd + nfds, (int)(sizeof pfd / sizeof pfd[0]) - nfds);
            for (int x = 0; x < k; x++)
                owner[nfds + x] = (int)i;
            nfds += k;
            if (jobs[i]->ops->deadline(jobs[i]) < until)
                until = jobs[i]->ops->deadline(jobs[i]);
        }
        ms = until <= now ? 0 : (int)ceil((until - now) * 1000);
        if (poll(pfd, (nfds_t)nfds, ms) < 0)
            continue;
        now = qt_now_mono();
        for (size_t i = 0; i < ps->n; i++) {
            int first = -1, cnt = 0, ready = 0;
            if (!jobs[i])
                continue;
            for (int x = 0; x < nfds; x++)
                if (owner[x] == (int)i) {
                    if (first < 0)
                        first = x;
                    cnt++;
                    ready |= pfd[x].revents != 0;
                }
            if (!ready && now < jobs[i]->ops->deadline(jobs[i]))
                continue;
            if (jobs[i]->ops->step(jobs[i], first < 0 ? pfd : pfd + first, ready ? cnt : 0, now)) {
                jobs[i]->ops->free(jobs[i]);
                jobs[i] = NULL;
                live--;
            } else if (!ready && now > jobs[i]->ops->deadline(jobs[i]) + 5) {
                jobs[i]->ops->cancel(jobs[i]); /* overstayed its own deadline: a bug */
                jobs[i]->ops->free(jobs[i]);
                jobs[i] = NULL;
                live--;
                rc = -1;
            }
        }
    }
    free(jobs);
    return rc;
}

void qt_probe_batch(const qt_ctx *ctx, qt_snapshot *snap, double budget)
{
    struct qt_probe_set ps;
    unsigned steps = QT_PS_HANDSHAKE | QT_PS_LEGACY;
    double hs = budget / 2 < QT_PROBE_HS_TIMEOUT ? budget / 2 : QT_PROBE_HS_TIMEOUT;

    /* a --proc tree other than the live one is a recording: its listeners are not here to probe */
    if (ctx->no_probe || hs < 0.2 || !ctx->proc || strcmp(ctx->proc, "/proc") != 0)
        return;
    qt_probe_plan(ctx, snap, &ps);
    if (ctx->probe_idle > 0)
        steps |= QT_PS_IDLE | QT_PS_PARTIAL;
    (void)qt_probe_run(&ps, steps, hs, ctx->probe_idle);
    qt_probe_report(&ps, snap);
    qt_probe_set_free(&ps);
}

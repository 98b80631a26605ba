/* config_dns.c - with --dns-server and --public-ip, the public IP's PTR
 * against helohost (forward-confirmed reverse DNS), by the auth wizard's
 * own lookup job and verdict (diag/auth/auth_dns.h: c-ares asking only
 * --dns-server). The answer joins the name findings the audit already has
 * (helohost vs me, the served certificate) as evidence; a PTR that does
 * not confirm helohost is a finding of its own only when no such finding
 * exists: one finding, several pieces of evidence. */
#include "diag/config/config_int.h"
#include "diag/auth/auth_dns.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "config"
#define DNS_TIMEOUT 5.0

/* The audit's findings about this host's names (config_check.c,
 * config_served.c). */
static int is_name_finding(const qt_finding *f)
{
    return strcmp(f->id, "config.helohost-differs") == 0 || strncmp(f->id, "config.served-cert-name:", 24) == 0 ||
           strcmp(f->id, "config.cert-name") == 0;
}

void qt_config_dns_facts(const qt_config *cfg, const struct qt_dns_facts *facts, qt_findings *out)
{
    struct qt_fcrdns_verdict v;
    char *helo = qt_cfg_value(cfg, "helohost", NULL);
    int joined = 0, ok;

    qt_fcrdns_judge(facts, &v);
    ok = v.kind == QT_FCRDNS_PASS && v.helo_is_ptr;
    for (size_t i = 0; i < out->n; i++) {
        qt_finding *f = &out->v[i];
        if (!is_name_finding(f))
            continue;
        qt_finding_evidence(f, "dns (%s): PTR of %s: FCrDNS %s; %s", facts->server, facts->ip, qt_fcrdns_name(v.kind),
                            v.summary);
        joined = 1;
    }
    if (!ok && !joined && v.kind != QT_FCRDNS_DNS_DOWN) {
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.ptr-name",
                                        "The public IP's reverse DNS does not confirm helohost");
        qt_finding_subject(f, "%s/control/helohost", cfg->prefix);
        qt_finding_evidence(f, "helohost: %s", helo);
        qt_finding_evidence(f, "dns (%s): PTR of %s: FCrDNS %s; %s", facts->server, facts->ip, qt_fcrdns_name(v.kind),
                            v.summary);
        qt_finding_explain(f, "receivers check that the sending IP's PTR name resolves back to the IP and compare it "
                              "with the HELO name; otherwise they reject or junk the mail, and qmail-remote reports "
                              "\"Connected to X but my name was rejected\"");
        if (v.kind == QT_FCRDNS_PASS)
            qt_finding_fix(f, "echo %s > %s/control/helohost", v.confirmed, cfg->prefix);
        else
            qt_finding_fix(f, "ask whoever owns %s (hosting provider, ISP) to set its PTR to %s, and make %s's A "
                              "record point to %s",
                           facts->ip, helo, helo, facts->ip);
    }
    free(helo);
}

qt_job *qt_config_dns_job(const qt_ctx *ctx, const qt_config *cfg, double timeout)
{
    char err[160];
    if (!cfg || !cfg->installed || !ctx->dns_server || !*ctx->dns_server || !ctx->public_ip || !*ctx->public_ip)
        return NULL;
    char *helo = qt_cfg_value(cfg, "helohost", NULL);
    qt_job *j = qt_dns_job_new(ctx->dns_server, helo, ctx->public_ip,
                               timeout > 0 && timeout < DNS_TIMEOUT ? timeout : DNS_TIMEOUT, err, sizeof err);
    free(helo);
    return j;
}

void qt_config_dns_batch(const qt_ctx *ctx, qt_snapshot *snap, double budget)
{
    qt_job *j = qt_config_dns_job(ctx, snap->config, budget);
    if (!j)
        return;
    if (qt_job_run(j, 1.0) == 0)
        qt_config_dns_facts(snap->config, qt_dns_job_facts(j), &snap->findings);
    j->ops->free(j);
    qt_findings_sort(&snap->findings);
}

/* --- the console's schedule --- */

/* 1 when the helohost cfg applies now is the one the lookup asked about. */
static int same_helo(const qt_config *cfg, const char *asked)
{
    char *helo = qt_cfg_value(cfg, "helohost", NULL);
    int same = strcmp(helo, asked) == 0;
    free(helo);
    return same;
}

/* The console's job: the lookup job, wrapped so that only a lookup that
 * ran to its end (step() returned 1) leaves its facts in the schedule; a
 * cancelled one (the console quitting, no free job slot) keeps the last
 * result, since the lookup job marks cancelled queries as timed out. */
struct sched_job {
    qt_job base;
    qt_job *dns;
    struct qt_config_dns_sched *s;
};

static int sj_pollfds(qt_job *job, struct pollfd *pfd, int max)
{
    struct sched_job *w = (struct sched_job *)job;
    return w->dns->ops->pollfds(w->dns, pfd, max);
}

static double sj_deadline(qt_job *job)
{
    struct sched_job *w = (struct sched_job *)job;
    return w->dns->ops->deadline(w->dns);
}

static int sj_step(qt_job *job, const struct pollfd *pfd, int n, double now)
{
    struct sched_job *w = (struct sched_job *)job;
    if (!w->dns->ops->step(w->dns, pfd, n, now))
        return 0;
    if (!w->s->facts)
        w->s->facts = qt_calloc(1, sizeof *w->s->facts);
    *w->s->facts = *qt_dns_job_facts(w->dns);
    w->s->running = 0;
    return 1;
}

static void sj_cancel(qt_job *job)
{
    struct sched_job *w = (struct sched_job *)job;
    w->dns->ops->cancel(w->dns);
    w->s->running = 0;
}

static void sj_free(qt_job *job)
{
    struct sched_job *w = (struct sched_job *)job;
    w->dns->ops->free(w->dns);
    w->s->running = 0;
    free(w);
}

static const struct qt_job_ops sched_ops = {
    .pollfds = sj_pollfds, .deadline = sj_deadline, .step = sj_step, .cancel = sj_cancel, .free = sj_free,
};

qt_job *qt_config_dns_next(struct qt_config_dns_sched *s, const qt_ctx *ctx, const qt_config *cfg, double now)
{
    qt_job *dns;
    if (s->running || !cfg || !cfg->installed)
        return NULL;
    /* a changed helohost (r, or a file's new mtime) is asked about at once */
    if (now < s->next && same_helo(cfg, s->helo))
        return NULL;
    if (!(dns = qt_config_dns_job(ctx, cfg, DNS_TIMEOUT)))
        return NULL;
    char *helo = qt_cfg_value(cfg, "helohost", NULL);
    snprintf(s->helo, sizeof s->helo, "%s", helo);
    free(helo);
    s->running = 1;
    s->next = now + QT_CONFIG_DNS_EVERY;
    struct sched_job *w = qt_calloc(1, sizeof *w);
    *w = (struct sched_job){.base = {.ops = &sched_ops}, .dns = dns, .s = s};
    return &w->base;
}

void qt_config_dns_join(const struct qt_config_dns_sched *s, qt_snapshot *snap)
{
    const qt_config *cfg = snap->config;
    /* never evidence about a helohost that is no longer the one in use */
    if (!s->facts || !cfg || !cfg->installed || !same_helo(cfg, s->facts->helo))
        return;
    qt_config_dns_facts(cfg, s->facts, &snap->findings);
    qt_findings_sort(&snap->findings);
}

void qt_config_dns_sched_free(struct qt_config_dns_sched *s)
{
    free(s->facts);
    memset(s, 0, sizeof *s);
}

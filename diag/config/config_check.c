/* config_check.c - checks of control files, aliases, relaying and stale
 * compiled files (config.h). Facts: docs/domain/qmail.md; the programs'
 * reading of each file: notqmail control.c, qmail-send.c, rcpthosts.c. */
#include "diag/config/config_int.h"
#include "diag/core/util.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "config"

static const struct qt_cfg_file *ctl(const qt_config *cfg, const char *name)
{
    const struct qt_cfg_file *f = qt_config_find(cfg, QT_CFG_CONTROL, name);
    return f && f->present == 1 ? f : NULL;
}

char *qt_cfg_value(const qt_config *cfg, const char *name, const char **src)
{
    const struct qt_cfg_file *f = ctl(cfg, name);
    const struct qt_control_def *d = qt_control_def(name);
    if (f && f->text) {
        if (src)
            *src = "file";
        return qt_control_line(f->text, f->len);
    }
    const struct qt_cfg_file *me = ctl(cfg, "me");
    if (d && d->flagme && me && me->text) {
        if (src)
            *src = "me";
        return qt_control_line(me->text, me->len);
    }
    if (src)
        *src = d && d->def ? "default" : "none";
    return qt_strdup(d && d->def ? d->def : "");
}

static int list_has(const qt_config *cfg, const char *name, const char *domain, int vdoms)
{
    const struct qt_cfg_file *f = ctl(cfg, name);
    if (!f || !f->text)
        return 0;
    char **v;
    size_t n = qt_control_list(f->text, f->len, &v, NULL);
    int hit = 0;
    size_t dl = strlen(domain);
    for (size_t i = 0; i < n && !hit; i++) {
        const char *e = v[i];
        size_t el = strlen(e);
        if (vdoms) {  /* "domain:prepend", ".suffix:prepend" (qmail-send.c rewrite) */
            const char *c = strchr(e, ':');
            el = c ? (size_t)(c - e) : el;
        }
        if (el == dl && strncasecmp(e, domain, dl) == 0)
            hit = 1;
        else if (el > 0 && e[0] == '.' && dl > el && strncasecmp(domain + dl - el, e, el) == 0)
            hit = 1;
    }
    qt_control_list_free(v, NULL, n);
    return hit;
}

int qt_cfg_is_local(const qt_config *cfg, const char *domain)
{
    if (ctl(cfg, "locals") ? list_has(cfg, "locals", domain, 0) : 0)
        return 1;
    if (!ctl(cfg, "locals")) {  /* control_readfile(locals, flagme=1): me */
        char *me = qt_cfg_value(cfg, "me", NULL);
        int hit = strcasecmp(me, domain) == 0;
        free(me);
        if (hit)
            return 1;
    }
    return list_has(cfg, "virtualdomains", domain, 1);
}

void qt_cfg_bin(const qt_config *cfg, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/bin/%s", cfg->prefix, name);
}

/* --- control/me, helohost --- */

static void check_me(const qt_config *cfg, qt_findings *out)
{
    const struct qt_cfg_file *me = qt_config_find(cfg, QT_CFG_CONTROL, "me");
    if (!me)
        return;
    if (me->present != 1) {
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.me-missing", "control/me is missing");
        qt_finding_subject(f, "%s", me->path);
        qt_finding_evidence(f, "%s: %s", me->path, me->present ? me->why : "no such file");
        qt_finding_explain(f, "qmail-send then uses the literal names \"bouncehost\", \"doublebouncehost\" and "
                              "\"envnoathost\", which is probably not what you want (qmail-send(8)); qmail-remote "
                              "refuses to run without helohost or me (qmail-control(5))");
        qt_finding_fix(f, "echo mail.example.com > %s   # this host's fully qualified name", me->path);
        return;
    }
    char *m = qt_control_line(me->text, me->len);
    const char *hsrc;
    char *h = qt_cfg_value(cfg, "helohost", &hsrc);
    const struct qt_cfg_file *hf = qt_config_find(cfg, QT_CFG_CONTROL, "helohost");
    if (strcmp(hsrc, "file") == 0 && strcasecmp(m, h) != 0) {
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.helohost-differs",
                                        "helohost differs from me");
        qt_finding_subject(f, "%s", hf ? hf->path : "helohost");
        qt_finding_evidence(f, "line 1: %s", h);
        qt_finding_evidence(f, "control/me: %s", m);
        qt_finding_explain(f, "qmail-remote greets other servers with HELO %s while the SMTP banner, the bounces "
                              "(bouncehost) and usually the certificate say %s; receivers that check HELO against "
                              "the PTR of the public IP reject or score one of the two",
                           h, m);
        qt_finding_fix(f, "make them one name, the PTR of the public IP: echo %s > %s", m, hf ? hf->path : "helohost");
        qt_finding_fix(f, "or delete %s (qmail-remote then uses me)", hf ? hf->path : "helohost");
    }
    free(m);
    free(h);
}

/* --- bounces (qmail-send.c getcontrols and injectbounce) --- */

static void check_bounces(const qt_config *cfg, qt_findings *out)
{
    const struct qt_cfg_file *dbt = qt_config_find(cfg, QT_CFG_CONTROL, "doublebounceto");
    const char *ssrc, *hsrc;
    char *to = qt_cfg_value(cfg, "doublebounceto", &ssrc);
    char *host = qt_cfg_value(cfg, "doublebouncehost", &hsrc);
    const char *path = dbt ? dbt->path : "control/doublebounceto";
    qt_finding *f;
    if (strcmp(ssrc, "file") == 0 && to[0] == 0) {
        f = qt_findings_add(out, QT_SEV_INFO, SRC, "config.doublebounceto-empty",
                            "Double bounces are discarded (doublebounceto is empty)");
        qt_finding_subject(f, "%s", path);
        qt_finding_evidence(f, "line 1: (empty)");
        qt_finding_evidence(f, "double bounces go to @%s", host);
        qt_finding_explain(f, "qmail-send sends a double bounce to doublebounceto@doublebouncehost; with an empty "
                              "first line that is @%s, which cannot be delivered, so qmail-send logs \"triple "
                              "bounce: discarding\" for each: often deliberate (no postmaster mailbox filling with "
                              "spam backscatter)",
                           host);
        qt_finding_fix(f, "nothing, if deliberate; to read them: echo postmaster > %s", path);
    } else if (strchr(to, '@')) {
        f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.doublebounceto-address",
                            "doublebounceto holds a whole address: double bounces are lost");
        qt_finding_subject(f, "%s", path);
        qt_finding_evidence(f, "line 1: %s", to);
        qt_finding_evidence(f, "double bounces go to %s@%s", to, host);
        qt_finding_explain(f, "qmail-send always appends @doublebouncehost to doublebounceto (qmail-send(8)) and takes "
                              "the part after the LAST @ as the domain, so the double bounce goes to the local part "
                              "\"%s\" at %s: %s",
                           to, host,
                           qt_cfg_is_local(cfg, host) ? "no such mailbox, so it bounces and qmail-send logs "
                                                        "\"triple bounce: discarding\""
                                                      : "a remote server gets a strange address with MAIL FROM:<#@[]>");
        const char *at = strrchr(to, '@');
        qt_finding_fix(f, "echo %.*s > %s", (int)(at - to), to, path);
        if (!qt_cfg_is_local(cfg, at + 1))
            qt_finding_fix(f, "echo %s > %s/control/doublebouncehost   # only if they must leave this server "
                              "(sent with MAIL FROM:<#@[]>, which many servers reject)",
                           at + 1, cfg->prefix);
    } else if (!qt_cfg_is_local(cfg, host)) {
        f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.doublebounceto-remote",
                            "Double bounces leave this server");
        qt_finding_subject(f, "%s", path);
        qt_finding_evidence(f, "double bounces go to %s@%s (doublebouncehost from %s)", to, host, hsrc);
        qt_finding_explain(f, "%s is not in locals nor virtualdomains: qmail-remote sends each double bounce there "
                              "with MAIL FROM:<#@[]>, which many servers reject; when that fails qmail-send logs "
                              "\"triple bounce: discarding\"",
                           host);
        char *me = qt_cfg_value(cfg, "me", NULL);
        qt_finding_fix(f, "echo %s > %s/control/doublebouncehost   # a name in control/locals", me, cfg->prefix);
        free(me);
    }
    char *from = qt_cfg_value(cfg, "bouncefrom", NULL);
    if (strchr(from, '@') || strchr(from, ' ')) {
        const struct qt_cfg_file *bf = qt_config_find(cfg, QT_CFG_CONTROL, "bouncefrom");
        f = qt_findings_add(out, QT_SEV_WARN, SRC, "config.bouncefrom-odd", "bouncefrom is not a bare user name");
        qt_finding_subject(f, "%s", bf ? bf->path : "bouncefrom");
        qt_finding_evidence(f, "line 1: %s", from);
        qt_finding_explain(f, "bounces say From: bouncefrom@bouncehost (qmail-send(8)): a value with @ or a space "
                              "makes a broken From: header");
        qt_finding_fix(f, "echo MAILER-DAEMON > %s", bf ? bf->path : "control/bouncefrom");
    }
    free(from);
    free(to);
    free(host);
}

/* --- ~alias (INSTALL.alias) --- */

static void check_aliases(const qt_config *cfg, qt_findings *out)
{
    static const char *const std[] = {".qmail-postmaster", ".qmail-mailer-daemon", ".qmail-root"};
    const struct qt_cfg_file *def = qt_config_find(cfg, QT_CFG_ALIAS, ".qmail-default");
    int has_def = def && def->present == 1;
    char *me = qt_cfg_value(cfg, "me", NULL);
    for (size_t i = 0; i < sizeof std / sizeof std[0]; i++) {
        const struct qt_cfg_file *a = qt_config_find(cfg, QT_CFG_ALIAS, std[i]);
        if (!a || a->present == 1)
            continue;
        const char *who = std[i] + 7;
        char id[96];
        snprintf(id, sizeof id, "config.alias-missing:%s", std[i]);
        char title[96];
        if (has_def)
            snprintf(title, sizeof title, "No %s alias (~alias/.qmail-default takes its mail)", who);
        else
            snprintf(title, sizeof title, "No %s alias", who);
        qt_finding *f = qt_findings_add(out, has_def ? QT_SEV_INFO : QT_SEV_WARN, SRC, id, title);
        qt_finding_subject(f, "%s", a->path);
        qt_finding_evidence(f, "%s: %s", a->path, a->present ? a->why : "no such file");
        qt_finding_explain(f, "mail to %s@ any local domain is delivered by the alias user (INSTALL.alias); "
                              "without the file it bounces, and bounces and double bounces addressed to it "
                              "(doublebounceto defaults to postmaster) end as \"triple bounce: discarding\"",
                           who);
        if (i == 0)
            qt_finding_fix(f, "echo '&admin@%s' > %s   # a mailbox somebody reads", me, a->path);
        else
            qt_finding_fix(f, "echo '&postmaster@%s' > %s", me, a->path);
        qt_finding_fix(f, "chmod 644 %s", a->path);
    }
    free(me);
}

/* --- relaying (rcpthosts.c, tcprules(1)) --- */

/* The running front end whose program chain holds qmail-smtpd, or NULL. */
static const struct qt_server *smtpd_running(const qt_snapshot *snap)
{
    for (size_t i = 0; snap && snap->servers && i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        /* a front end of another tree (its supervise outside --root) does not read these files */
        if (sv->pid <= 0 || sv->outside_root || !sv->cmd || !sv->cmd->argv || sv->cmd->prog < 0)
            continue;
        for (char **a = sv->cmd->argv + sv->cmd->prog; *a; a++) {
            const char *b = strrchr(*a, '/');
            if (strcmp(b ? b + 1 : *a, "qmail-smtpd") == 0)
                return sv;
        }
    }
    return NULL;
}

static void relay_incident(qt_finding *f, const qt_snapshot *snap, const char *what)
{
    const struct qt_server *sv = smtpd_running(snap);
    if (sv)
        qt_finding_incident(f, "open-relay", "host", "%s: %s (pid %d, port %u) accepts it now", what, sv->name,
                            sv->pid, sv->port);
}

static void check_relay(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    const struct qt_cfg_file *r = qt_config_find(cfg, QT_CFG_CONTROL, "rcpthosts");
    if (!r)
        return;
    qt_finding *f;
    if (r->present == 0) {
        const struct qt_server *sv = smtpd_running(snap);
        f = qt_findings_add(out, sv ? QT_SEV_CRIT : QT_SEV_WARN, SRC, "config.rcpthosts-missing",
                            sv ? "Open relay: control/rcpthosts is missing"
                               : "control/rcpthosts is missing: an open relay once qmail-smtpd runs");
        qt_finding_subject(f, "%s", r->path);
        qt_finding_evidence(f, "%s: no such file", r->path);
        if (sv)
            qt_finding_evidence(f, "qmail-smtpd runs under %s (pid %d, port %u)", sv->name, sv->pid, sv->port);
        else
            qt_finding_evidence(f, "no running qmail-smtpd seen in this sample");
        qt_finding_explain(f, "without rcpthosts qmail-smtpd accepts mail for every recipient from anybody "
                              "(rcpthosts.c: a missing file allows all; qmail-smtpd(8)): spammers relay through it "
                              "and the IP lands on blocklists");
        qt_finding_fix(f, "cat %s/control/locals > %s   # plus every virtual domain", cfg->prefix, r->path);
        relay_incident(f, snap, "every recipient is accepted");
        return;
    }
    if (r->present != 1 || !r->text)
        return;
    char **v;
    size_t n = qt_control_list(r->text, r->len, &v, NULL);
    const struct qt_cfg_file *mrh = ctl(cfg, "morercpthosts");
    if (n == 0 && !cfg->mrh_cdb_mtime) {
        f = qt_findings_add(out, QT_SEV_CRIT, SRC, "config.rcpthosts-empty",
                            "control/rcpthosts is empty: all incoming mail is refused");
        qt_finding_subject(f, "%s", r->path);
        qt_finding_evidence(f, "%s: no domain line (%zu bytes)", r->path, r->len);
        qt_finding_explain(f, "qmail-smtpd accepts only recipients whose domain is listed (rcpthosts.c); with none "
                              "it answers 553 \"sorry, that domain isn't in my list of allowed rcpthosts\" to every "
                              "sender without RELAYCLIENT");
        qt_finding_fix(f, "cat %s/control/locals > %s   # plus every virtual domain", cfg->prefix, r->path);
    }
    /* accepted but delivered nowhere: qmail-send would send it out again */
    for (size_t i = 0; i < n; i++) {
        if (v[i][0] == '.' || qt_cfg_is_local(cfg, v[i]))
            continue;
        char id[300];
        snprintf(id, sizeof id, "config.rcpthosts-not-local:%s", v[i]);
        f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "A domain is accepted but not delivered here");
        qt_finding_subject(f, "%s", r->path);
        qt_finding_evidence(f, "rcpthosts: %s", v[i]);
        qt_finding_evidence(f, "not in control/locals, not in control/virtualdomains");
        qt_finding_explain(f, "qmail-smtpd accepts mail for %s, but qmail-send delivers only locals and "
                              "virtualdomains here: the rest goes out by qmail-remote to the domain's MX; when "
                              "that MX is this host it bounces (#5.4.6)",
                           v[i]);
        qt_finding_fix(f, "echo %s >> %s/control/locals   # or a virtualdomains line; then kill -HUP qmail-send",
                       v[i], cfg->prefix);
        qt_finding_fix(f, "or remove it from %s if this host is only a backup MX for it", r->path);
    }
    (void)mrh;
    qt_control_list_free(v, NULL, n);
    /* delivered here but refused at SMTP (rcpthosts.c: exact or ".suffix") */
    if (cfg->mrh_cdb_mtime > 0)
        return;  /* morercpthosts.cdb may list it: not read here */
    static const char *const lists[] = {"locals", "virtualdomains"};
    for (size_t k = 0; k < 2; k++) {
        const struct qt_cfg_file *lf = ctl(cfg, lists[k]);
        if (!lf || !lf->text)
            continue;
        char **d;
        size_t nd = qt_control_list(lf->text, lf->len, &d, NULL);
        for (size_t i = 0; i < nd; i++) {
            char *c = k ? strchr(d[i], ':') : NULL;
            if (c)
                *c = 0;
            if (!d[i][0] || d[i][0] == '.' || strchr(d[i], '@') || strcmp(d[i], "localhost") == 0 ||
                (d[i][0] >= '0' && d[i][0] <= '9') || d[i][0] == '[' || list_has(cfg, "rcpthosts", d[i], 0))
                continue;
            char id[300];
            snprintf(id, sizeof id, "config.not-in-rcpthosts:%s", d[i]);
            f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "A domain delivered here is refused at SMTP");
            qt_finding_subject(f, "%s", r->path);
            qt_finding_evidence(f, "%s: %s", lists[k], d[i]);
            qt_finding_evidence(f, "not in control/rcpthosts, no morercpthosts.cdb");
            qt_finding_explain(f, "qmail-send delivers %s here, but qmail-smtpd answers 553 \"sorry, that domain "
                                  "isn't in my list of allowed rcpthosts\" to senders outside (rcpthosts.c)",
                               d[i]);
            qt_finding_fix(f, "echo %s >> %s", d[i], r->path);
        }
        qt_control_list_free(d, NULL, nd);
    }
}

/* 1 when the n bytes at s hold word. */
static int holds(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (memcmp(s + i, word, w) == 0)
            return 1;
    return 0;
}

/* tcprules(1): "address:instructions"; an empty address matches every
 * client, so ":allow,RELAYCLIENT=\"\"" lets the whole Internet relay. */
static void check_rules(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    for (size_t i = 0; i < cfg->n; i++) {
        const struct qt_cfg_file *r = &cfg->files[i];
        if (r->kind != QT_CFG_RULES || !r->text)
            continue;
        int no = 0;
        for (const char *s = r->text; *s;) {
            const char *nl = strchr(s, '\n');
            size_t l = nl ? (size_t)(nl - s) : strlen(s);
            no++;
            if (l > 1 && s[0] == ':' && holds(s, l, "RELAYCLIENT") && !holds(s, l, ":deny")) {
                char id[600];
                snprintf(id, sizeof id, "config.rules-relay-all:%s", r->path);
                qt_finding *f = qt_findings_add(out, QT_SEV_CRIT, SRC, id,
                                                "Open relay: the catch-all tcprules line sets RELAYCLIENT");
                qt_finding_subject(f, "%s", r->path);
                qt_finding_evidence(f, "line %d: %.*s", no, (int)(l > 300 ? 300 : l), s);
                qt_finding_explain(f, "a rule with an empty address matches every client (tcprules(1)); with "
                                      "RELAYCLIENT set qmail-smtpd accepts any recipient from anybody (qmail-smtpd(8))");
                qt_finding_fix(f, "127.:allow,RELAYCLIENT=\"\"   # only the hosts that may relay");
                qt_finding_fix(f, ":allow   # everybody else, no RELAYCLIENT");
                qt_finding_fix(f, "tcprules %s.cdb %s.tmp < %s", r->path, r->path, r->path);
                relay_incident(f, snap, "every client may relay");
                break;
            }
            s += l + (nl ? 1 : 0);
        }
    }
}

/* --- control files qmail reads as numbers (control_readint) --- */

static void check_ints(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    size_t nd;
    const struct qt_control_def *d = qt_control_defs(&nd);
    for (size_t i = 0; i < nd; i++) {
        const struct qt_cfg_file *c = ctl(cfg, d[i].name);
        unsigned long u;
        if (d[i].type != QT_CTL_INT || !c || !c->text || qt_control_int(c->text, c->len, &u))
            continue;
        char id[96], *l = qt_control_line(c->text, c->len);
        snprintf(id, sizeof id, "config.not-a-number:%s", d[i].name);
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "A number control file does not start with a digit");
        qt_finding_subject(f, "%s", c->path);
        qt_finding_evidence(f, "line 1: %s", l);
        qt_finding_explain(f, "%s reads it with control_readint, which silently keeps its default (%s) when the "
                              "first line does not start with a digit (control.c)",
                           d[i].reader, d[i].def ? d[i].def : "none");
        qt_finding_fix(f, "echo N > %s   # digits only", c->path);
        free(l);
    }
    /* concurrencyincoming is what the LWQ run script hands tcpserver -c */
    const struct qt_cfg_file *ci = ctl(cfg, "concurrencyincoming");
    unsigned long want;
    if (!ci || !ci->text || !qt_control_int(ci->text, ci->len, &want) || !snap || !snap->servers)
        return;
    for (size_t i = 0; i < snap->servers->n; i++) {
        const struct qt_server *sv = &snap->servers->v[i];
        /* the smtp service: port 25, or a run script that reads the file (LWQ's MAXSMTPD=`cat ...`) */
        int reads = sv->run_text && strstr(sv->run_text, "control/concurrencyincoming");
        if (sv->pid <= 0 || sv->outside_root || (sv->port != 25 && !reads) || sv->limit < 0 ||
            (unsigned long)sv->limit == want)
            continue;
        char id[128];
        snprintf(id, sizeof id, "config.concurrency-differs:%s", sv->name);
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, id,
                                        "concurrencyincoming differs from the running tcpserver -c");
        qt_finding_subject(f, "%s", ci->path);
        qt_finding_evidence(f, "line 1: %lu", want);
        qt_finding_evidence(f, "%s (pid %d) runs with -c %ld (%s)", sv->name, sv->pid, sv->limit, sv->limit_source);
        qt_finding_explain(f, "the file was changed after the service started, or the run script does not read it: "
                              "the running limit is what counts");
        qt_finding_fix(f, "svc -t %s   # restart it to apply the file", sv->svcdir[0] ? sv->svcdir : sv->name);
    }
}

/* --- stale compiled files and a qmail-send that needs a HUP --- */

static void stale(qt_findings *out, const char *id, const char *path, double src_m, double cdb_m, const char *cdb,
                  const char *cmd)
{
    if (src_m <= 0 || (cdb_m > 0 && cdb_m >= src_m))
        return;
    qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "A compiled file is missing or older than its source");
    qt_finding_subject(f, "%s", path);
    char a[32];
    qt_fmt_age(src_m - cdb_m, a, sizeof a);
    if (cdb_m > 0)
        qt_finding_evidence(f, "%s is newer than %s by %s", path, cdb, a);
    else
        qt_finding_evidence(f, "%s has no %s", path, cdb);
    qt_finding_explain(f, "qmail reads only the compiled file: the edits are not in effect");
    qt_finding_fix(f, "%s", cmd);
}

static double send_started(const qt_snapshot *snap, int *pid)
{
    for (size_t i = 0; snap && snap->procs && i < snap->procs->n; i++)
        if (strcmp(qt_proc_name(&snap->procs->v[i]), "qmail-send") == 0) {
            *pid = snap->procs->v[i].pid;
            return snap->procs->v[i].start;
        }
    return 0;
}

static void check_stale(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    char cmd[600];
    const struct qt_cfg_file *a = qt_config_find(cfg, QT_CFG_ASSIGN, "assign");
    if (a && a->present == 1) {
        snprintf(cmd, sizeof cmd, "%s/bin/qmail-newu", cfg->prefix);
        stale(out, "config.stale:users/cdb", a->path, a->mtime, cfg->assign_cdb_mtime, "users/cdb", cmd);
    }
    const struct qt_cfg_file *m = ctl(cfg, "morercpthosts");
    if (m) {
        snprintf(cmd, sizeof cmd, "%s/bin/qmail-newmrh", cfg->prefix);
        stale(out, "config.stale:morercpthosts.cdb", m->path, m->mtime, cfg->mrh_cdb_mtime, "morercpthosts.cdb", cmd);
    }
    int pid = 0;
    double started = send_started(snap, &pid);
    if (started <= 0)
        return;
    static const char *const hup[] = {"locals", "virtualdomains"};
    for (size_t i = 0; i < 2; i++) {
        const struct qt_cfg_file *c = ctl(cfg, hup[i]);
        if (!c || c->mtime <= started)
            continue;
        char id[64];
        snprintf(id, sizeof id, "config.needs-hup:%s", hup[i]);
        qt_finding *f = qt_findings_add(out, QT_SEV_WARN, SRC, id, "qmail-send has not re-read a changed control file");
        qt_finding_subject(f, "%s", c->path);
        char ag[32];
        qt_fmt_age(c->mtime - started, ag, sizeof ag);
        qt_finding_evidence(f, "%s changed %s after qmail-send (pid %d) started", c->path, ag, pid);
        qt_finding_explain(f, "qmail-send reads locals and virtualdomains at start and on SIGHUP only (qmail-send(8))");
        qt_finding_fix(f, "kill -HUP %d", pid);
    }
}

void qt_config_check(const qt_ctx *ctx, const qt_config *cfg, const qt_snapshot *snap, qt_findings *out)
{
    if (!cfg || !cfg->installed)
        return;
    size_t first = out->n;
    check_me(cfg, out);
    check_bounces(cfg, out);
    check_aliases(cfg, out);
    check_relay(cfg, snap, out);
    check_rules(cfg, snap, out);
    check_ints(cfg, snap, out);
    check_stale(cfg, snap, out);
    qt_config_check_dotqmail(ctx, cfg, snap, out);
    qt_config_check_cert(ctx, cfg, out);
    qt_config_check_served(ctx, cfg, out);
    qt_config_check_patches(ctx, cfg, out);
    qt_config_mark_bounces(cfg, snap, out, first);
}

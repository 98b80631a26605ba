/* config_served.c - the certificate each TLS front end really serves
 * (sslserver's CERTFILE, stunnel's cert =, the SSL patch's -n: the servers
 * model's certfile, diag/servers/servers_cert.c) against control/me and
 * helohost. The name clients connect by is the MX, which is me on a
 * qmail host (the banner and bouncehost say it); helohost is what
 * qmail-remote says to other servers, checked by receivers against the
 * public IP's PTR. A file that cannot be read under --root gives no
 * finding (a lab or another tree may keep it elsewhere); servercert.pem
 * itself is config_cert.c's. The probe (diag/probe/probe_check.c) adds the
 * live handshake's certificate to the same finding. */
#include "diag/config/config_int.h"
#include "diag/core/util.h"
#include "diag/servers/servers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "config"

/* The TLS front ends with a certificate file, running or supervised. */
static int serves(const struct qt_server *sv)
{
    return sv->tls && sv->certfile[0] && !sv->outside_root;
}

void qt_config_read_served(const qt_ctx *ctx, qt_config *cfg, const qt_servers *servers)
{
    cfg->nserved = 0;
    for (size_t i = 0; servers && i < servers->n && cfg->nserved < QT_CONFIG_SERVED; i++) {
        const struct qt_server *sv = &servers->v[i];
        if (!serves(sv))
            continue;
        struct qt_cfg_served *s = &cfg->served[cfg->nserved++];
        struct qt_cfg_pem p;
        memset(s, 0, sizeof *s);
        snprintf(s->server, sizeof s->server, "%s", sv->name);
        s->port = sv->port;
        snprintf(s->path, sizeof s->path, "%s", sv->certfile);
        snprintf(s->from, sizeof s->from, "%s", sv->cert_from);
        qt_config_pem_read(ctx, s->path, &p);
        s->not_after = p.not_after;
        snprintf(s->names, sizeof s->names, "%s", p.names);
        snprintf(s->error, sizeof s->error, "%s", p.error);
    }
}

int qt_config_served_same(const qt_config *cfg, const qt_servers *servers)
{
    size_t k = 0;
    for (size_t i = 0; servers && i < servers->n; i++) {
        const struct qt_server *sv = &servers->v[i];
        if (!serves(sv))
            continue;
        if (k >= QT_CONFIG_SERVED)
            return 1;
        if (k >= cfg->nserved || strcmp(cfg->served[k].server, sv->name) != 0 ||
            strcmp(cfg->served[k].path, sv->certfile) != 0 || cfg->served[k].port != sv->port)
            return 0;
        k++;
    }
    return k == cfg->nserved;
}

static void check_one(const qt_config *cfg, const struct qt_cfg_served *s, const char *me, const char *helo,
                      const char *helo_src, qt_findings *out)
{
    int me_ok = !me[0] || qt_config_names_match(s->names, me);
    int helo_ok = !helo[0] || qt_config_names_match(s->names, helo);
    if (me_ok && helo_ok)
        return;
    char id[160];
    snprintf(id, sizeof id, "config.served-cert-name:%s", s->server);
    qt_finding *f = qt_findings_add(out, me_ok ? QT_SEV_INFO : QT_SEV_WARN, SRC, id,
                                    me_ok ? "The served certificate does not name helohost"
                                          : "The certificate a front end serves does not name control/me");
    qt_finding_subject(f, "%s", s->path);
    qt_finding_evidence(f, "%s (port %u) serves %s (%s)", s->server, s->port, s->path, s->from);
    qt_finding_evidence(f, "certificate names: %s", s->names);
    qt_finding_evidence(f, "control/me: %s (%s)", me, me_ok ? "named" : "NOT named");
    qt_finding_evidence(f, "helohost: %s (%s, %s)", helo, helo_src, helo_ok ? "named" : "NOT named");
    if (!me_ok) {
        qt_finding_explain(f, "clients connect by the MX name, which is control/me on a qmail host (the banner and "
                              "bounces say it): hostname verification fails for them, and senders that require "
                              "TLS (MTA-STS, DANE) defer their mail");
        qt_finding_fix(f, "get a certificate for %s and point %s at it, or set control/me to the name it holds "
                          "(%s/control/me)",
                       me, s->from, cfg->prefix);
    } else {
        qt_finding_explain(f, "qmail-remote says HELO %s, a name the certificate of this host does not hold: "
                              "receivers that compare HELO, PTR and certificate score it",
                           helo);
        qt_finding_fix(f, "make helohost the certificate's name and the PTR of the public IP (%s/control/helohost)",
                       cfg->prefix);
    }
}

void qt_config_check_served(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out)
{
    (void)ctx;
    const struct qt_cfg_file *sc = qt_config_find(cfg, QT_CFG_CONTROL, "servercert.pem");
    const char *src;
    char *me = qt_cfg_value(cfg, "me", NULL);
    char *helo = qt_cfg_value(cfg, "helohost", &src);
    for (size_t i = 0; i < cfg->nserved; i++) {
        const struct qt_cfg_served *s = &cfg->served[i];
        if (s->error[0] || !s->names[0] || (sc && strcmp(sc->path, s->path) == 0))
            continue;
        check_one(cfg, s, me, helo, strcmp(src, "file") == 0 ? "control/helohost" : "from control/me", out);
    }
    free(me);
    free(helo);
}

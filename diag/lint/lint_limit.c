/* lint_limit.c - the capacity checks of the servers lint: the -c limit
 * (zero, full, reached in the history, the default) and one client IP's
 * share of it. The lint's shared helpers are in lint_int.h (lint.c). */
#include "diag/lint/lint_int.h"
#include "diag/ports/ports.h"
#include "diag/firewall/firewall.h"
#include "diag/core/severity.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <string.h>

static double hist_peak(const struct lctx *l, int *samples)
{
    char key[160];
    const qt_series *s;
    double v[QT_HIST_LEN], peak = -1;
    size_t n;

    *samples = 0;
    if (!l->hist)
        return -1;
    snprintf(key, sizeof key, "server_children.%.31s", l->sv->name); /* metric service names hold 31 bytes */
    if (!(s = qt_history_get(l->hist, key)))
        return -1;
    n = qt_series_values(s, v, QT_HIST_LEN);
    for (size_t i = 0; i < n; i++)
        if (v[i] > peak)
            peak = v[i];
    *samples = (int)n;
    return peak;
}

void qt_lint_check_limit(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    const qt_cmd *c = sv->cmd;
    qt_finding *f;
    int samples;
    double peak;

    if (!c || !qt_variant_get(sv->variant)->default_limit)
        return;
    peak = hist_peak(l, &samples);
    if (sv->limit == 0) {
        f = qt_lint_add(l, QT_SEV_CRIT, "limit-zero", "-c 0: the front end never accepts a connection");
        qt_lint_ev_cmdline(l, f);
        if (f)
            qt_finding_explain(f, "tcpserver waits while children >= limit; with 0 it waits forever. An empty `cat control/concurrencyincoming` in the run script gives exactly this.");
    }
    if (sv->pid && sv->limit > 0 && sv->children >= sv->limit) {
        f = qt_lint_add(l, QT_SEV_CRIT, "limit-full", "all %ld connection slots are taken: new clients wait in the listen queue", sv->limit);
        qt_lint_ev_cmdline(l, f);
        if (f) {
            qt_finding_evidence(f, "%d live children (%d zombies), %d running the program", sv->children, sv->zombies, sv->progs_running);
            qt_finding_explain(f, "tcpserver counts its direct children only; it accepts again when one exits.%s",
                               sv->progs_running < sv->children ? " Children without a running program are stuck before it (TLS handshake, ident, DNS)." : "");
        }
    } else if (sv->limit > 0 && peak >= (double)sv->limit && samples > 1) {
        f = qt_lint_add(l, QT_SEV_WARN, "limit-reached", "the -c limit %ld was reached in the last %d samples (peak %.0f)", sv->limit, samples, peak);
        qt_lint_ev_cmdline(l, f);
    }
    if (!strcmp(sv->limit_source, "default")) {
        struct qt_ops ops = {0};
        char v[32];
        long want = sv->limit;
        if (peak > 0 && peak * 2 > want)
            want = ((long)(peak * 2) + 9) / 10 * 10;
        snprintf(v, sizeof v, "%ld", want);
        f = qt_lint_add(l, QT_SEV_INFO, "limit-default", "no -c: the default limit of %ld connections applies", sv->limit);
        qt_lint_ev_cmdline(l, f);
        if (f)
            qt_finding_explain(f, "Without -c, %s serves at most %ld clients at once. Say it explicitly so the limit is visible and sized for the peak%s.",
                               c->server_name, sv->limit, peak >= 0 ? "" : " (no history yet)");
        qt_ops_add(&ops, QT_OP_SET, 'c', v, 0, 0);
        qt_lint_add_fix(l, f, &ops);
    }
}

/* A per-IP limit in the firewall, in the words of the tool in use, at the
 * limit the firewall check suggests (diag/firewall: the one writer of
 * firewall lines, docs/firewall.md). */
static void fw_fix(const struct lctx *l, qt_finding *f, unsigned port)
{
    const qt_firewall *fw = l->snap ? l->snap->firewall : NULL;
    unsigned peak = 0;
    qt_buf b = {0};

    for (int i = 0; fw && i < fw->nsvc; i++)
        if (fw->svc[i].port == port)
            peak = fw->svc[i].peak;
    qt_fw_lines_limit(qt_fw_tool_of(fw), QT_FW_V4 | QT_FW_V6, port, l->sv->name, qt_fw_limit_for(peak), 0, &b);
    qt_finding_fix_lines(f, b.s, 1);
    qt_buf_free(&b);
}

void qt_lint_check_one_ip(struct lctx *l)
{
    const struct qt_server *sv = l->sv;
    qt_finding *f;
    int top = sv->nips ? sv->ips[0].n : 0, from_kernel = 0;
    char kip[64];
    const char *topip = sv->nips ? sv->ips[0].ip : "";
    const qt_firewall *fw = l->snap ? l->snap->firewall : NULL;
    const struct qt_fw_rule *fwr = sv->port ? qt_fw_port_limit(fw, sv->port, qt_fw_port_fam(fw, sv->port)) : NULL;

    if (!sv->cmd || sv->limit <= 0)
        return;
    /* children whose environment is not readable (not root) would count as
     * no IP at all: take the count from the kernel's socket list instead
     * (unknown, never zero; docs/monitoring.md) */
    if (sv->pid && sv->ips_known < sv->children && sv->port && l->snap && l->snap->sockets) {
        int k = (int)qt_ports_top_accepted(l->snap->sockets, sv->port, kip, sizeof kip);
        if (k > top) {
            top = k;
            topip = kip;
            from_kernel = 1;
        }
    }
    if (top > 0 && qt_sev_ip_crit((unsigned)top, sv->limit)) {   /* docs/severity.md */
        f = qt_lint_add(l, QT_SEV_CRIT, "one-ip", "%s holds %d of the %ld slots", topip, top, sv->limit);
    } else if (top > QT_PORTS_IP_MIN) {
        f = qt_lint_add(l, QT_SEV_WARN, "one-ip", "%s holds %d of the %ld slots", topip, top, sv->limit);
    } else if (sv->iplimit >= 0 && sv->iplimit * 2 >= sv->limit && sv->limit > 1) {
        f = qt_lint_add(l, QT_SEV_WARN, "one-ip", "one client IP may take %ld of the %ld slots", sv->iplimit, sv->limit);
    } else if (sv->iplimit < 0 && sv->maxconnip_bin == 1 && sv->maxconnip.rules) {
        /* QMailToaster: MAXCONNIP in some rules only (lint_iplimit.c says which) */
        f = qt_lint_add(l, QT_SEV_INFO, "one-ip", "per-IP limit (MAXCONNIP) only for the clients of %u rule%s: "
                        "the others can take all %ld slots", sv->maxconnip.rules, sv->maxconnip.rules == 1 ? "" : "s",
                        sv->limit);
    } else if (sv->iplimit < 0 && fwr) {
        return;   /* the firewall limits each client (its finding names the rule) */
    } else if (sv->iplimit < 0) {
        f = qt_lint_add(l, QT_SEV_INFO, "one-ip",
                "no per-IP limit: one client IP can take all %ld slots", sv->limit);
    } else {
        return;
    }
    qt_lint_ev_cmdline(l, f);
    if (!f || qt_lint_rules_iplimit(sv, f))
        return;
    for (int i = 0; i < sv->nips && i < 5; i++)
        qt_finding_evidence(f, "%s: %d connection%s", sv->ips[i].ip, sv->ips[i].n, sv->ips[i].n == 1 ? "" : "s");
    if (from_kernel)
        qt_finding_evidence(f, "%s: %d accepted connections on port %u (kernel socket list)", topip, top, sv->port);
    if (sv->pid)
        qt_finding_evidence(f, "%d of %d children have a readable remote IP%s", sv->ips_known, sv->children,
                            from_kernel ? "; the count above is from the kernel's socket list" : "");
    qt_finding_explain(f, "%s limits only the total (-c %ld). A single scanner or slowloris client can fill it and lock everyone else out.",
                       qt_variant_get(l->sv->variant)->label, sv->limit);
    if (sv->port && fwr)
        qt_finding_evidence(f, "the firewall limits each client IP on port %u: %s", sv->port, fwr->text);
    else if (sv->port)
        fw_fix(l, f, sv->port);
}

/* fw_check.c - does a per-IP connection limit cover each watched port, for
 * IPv4 and IPv6 (docs/firewall.md "Coverage")? A rule covers a port when it
 * is on the input path (the input hook or a chain jumped to from it), its
 * port match (its own and the jump's) contains the port or it has none, it
 * counts connections per source address (connlimit, ct count in a set or
 * meter keyed by saddr; an iptables-nft xt connlimit whose parameters nft
 * does not show is taken as one), and its verdict drops or rejects. Rate
 * limits and totals are named in the evidence, never counted as per-IP
 * connection limits: they do not bound what one client holds. */
#include "diag/firewall/fw_int.h"
#include "diag/core/severity.h"

#include <stdio.h>
#include <string.h>

static int covers(const struct qt_fw_rule *r, unsigned port, unsigned fam)
{
    return r->input && r->blocks && r->per_ip != 0 && (r->fam & fam) &&
           (r->kind == QT_FW_CONNLIMIT || r->kind == QT_FW_CT_COUNT || r->kind == QT_FW_XT) &&
           qt_fw_rule_has_port(r, port);
}

/* the families whose rules qtriage could read */
static unsigned judged(const qt_firewall *fw)
{
    unsigned fam = 0;
    for (int v6 = 0; v6 < 2; v6++)
        if ((fw->nft_read || fw->legacy_read[v6]) && (!fw->legacy_in_use[v6] || fw->legacy_read[v6]))
            fam |= v6 ? QT_FW_V6 : QT_FW_V4;
    return fam;
}

static const char *fam_str(unsigned fam)
{
    return fam == (QT_FW_V4 | QT_FW_V6) ? "IPv4 and IPv6" : fam == QT_FW_V6 ? "IPv6" : fam == QT_FW_V4 ? "IPv4" : "none";
}

static void what_was_read(const qt_firewall *fw, qt_finding *f)
{
    if (fw->nft_read)
        qt_finding_evidence(f, "nftables: %u table%s (%u made by iptables-nft), %u rule%s", fw->nft_tables,
                            fw->nft_tables == 1 ? "" : "s", fw->nft_ipt_tables, fw->total, fw->total == 1 ? "" : "s");
    else
        qt_finding_evidence(f, "%s", fw->nft_why);
    if (fw->xt_names[0])
        qt_finding_evidence(f, "iptables-nft matches nft shows only by name (xt): %s", fw->xt_names);
    for (int v6 = 0; v6 < 2; v6++) {
        if (!fw->legacy_in_use[v6])
            qt_finding_evidence(f, "legacy %s: no tables loaded", v6 ? "ip6tables" : "iptables");
        else if (fw->legacy_read[v6])
            qt_finding_evidence(f, "legacy %s: read with %s-legacy-save%s%s", v6 ? "ip6tables" : "iptables",
                                v6 ? "ip6tables" : "iptables", fw->legacy_why[v6][0] ? "; " : "", fw->legacy_why[v6]);
        else
            qt_finding_evidence(f, "%s", fw->legacy_why[v6]);
    }
}

/* rules on the port that are limits but not per-IP connection limits */
static void other_limits(const qt_firewall *fw, const struct qt_fw_service *s, qt_finding *f)
{
    for (size_t i = 0; i < fw->nrules; i++) {
        const struct qt_fw_rule *r = &fw->rules[i];
        const char *why;
        if (covers(r, s->port, QT_FW_V4 | QT_FW_V6) || !qt_fw_rule_has_port(r, s->port))
            continue;
        if (!r->input)
            why = "not on the input path (output/forward, or a chain input does not reach)";
        else if (r->kind == QT_FW_RATE || r->kind == QT_FW_HASHLIMIT)
            why = r->per_ip ? "a rate of new connections per IP, not how many one IP holds"
                            : "a rate for all clients together, not per IP";
        else if (!r->per_ip)
            why = "one total for all clients, not per IP";
        else
            why = "its verdict neither drops nor rejects";
        qt_finding_evidence(f, "%s: %s", r->text, why);
    }
}

static void one_service(const qt_firewall *fw, const struct qt_fw_service *s, qt_findings *out)
{
    unsigned have = 0, can = judged(fw), missing;
    char id[96], title[200];
    qt_finding *f;

    snprintf(id, sizeof id, "firewall.per-ip:%s", s->name);
    if (s->fe_limit >= 0) {
        snprintf(title, sizeof title, "per-IP limit for port %u: the front end's own (%ld connections)", s->port, s->fe_limit);
        f = qt_findings_add(out, QT_SEV_INFO, "firewall", id, title);
        qt_finding_subject(f, "%s", s->name);
        qt_finding_evidence(f, "%s", s->fe_source ? s->fe_source : "the front end's per-IP limit");
        return;
    }
    for (size_t i = 0; i < fw->nrules; i++)
        for (unsigned fam = QT_FW_V4; fam <= QT_FW_V6; fam <<= 1)
            if ((s->fam & fam) && covers(&fw->rules[i], s->port, fam))
                have |= fam;
    missing = s->fam & ~have & can;
    if (!missing && (have & s->fam) == s->fam) {
        snprintf(title, sizeof title, "per-IP connection limit for port %u (%s)", s->port, fam_str(s->fam));
        f = qt_findings_add(out, QT_SEV_INFO, "firewall", id, title);
    } else if (!missing) {
        snprintf(title, sizeof title, "per-IP limits for port %u not known: the firewall could not be read (%s)", s->port,
                               fam_str(s->fam & ~have));
        f = qt_findings_add(out, QT_SEV_INFO, "firewall", id, title);
    } else if (missing == (s->fam & can) && !have) {
        snprintf(title, sizeof title, "no per-IP connection limit for port %u (%s)", s->port, fam_str(missing));
        f = qt_findings_add(out, QT_SEV_WARN, "firewall", id, title);
    } else {
        snprintf(title, sizeof title, "per-IP connection limit for port %u covers %s only: none for %s", s->port,
                               fam_str(have), fam_str(missing));
        f = qt_findings_add(out, QT_SEV_WARN, "firewall", id, title);
    }
    qt_finding_subject(f, "%s", s->name);
    for (size_t i = 0; i < fw->nrules; i++)
        if (covers(&fw->rules[i], s->port, s->fam))
            qt_finding_evidence(f, "%s (%s)", fw->rules[i].text, fw->rules[i].origin);
    other_limits(fw, s, f);
    what_was_read(fw, f);
    if (!missing)
        return;
    qt_finding_explain(f, "The front end limits only the total (-c): one client IP can hold every slot. A per-IP limit in the "
                          "firewall refuses its connections over the limit and leaves the others' slots free. The limit "
                          "below is %u: twice the largest per-IP count seen from a client past the TLS handshake (%u), "
                          "at least %d (docs/firewall.md).",
                       qt_fw_limit_for(s->peak), s->peak, QT_FW_MIN_LIMIT);
    {
        qt_buf b = {0};
        qt_fw_lines_limit(fw->tool, missing, s->port, s->name, qt_fw_limit_for(s->peak), 0, &b);
        qt_finding_fix_lines(f, b.s, 0);
        qt_buf_free(&b);
    }
}

const struct qt_fw_rule *qt_fw_port_limit(const qt_firewall *fw, unsigned port, unsigned fam)
{
    const struct qt_fw_rule *first = NULL;
    for (unsigned one = QT_FW_V4; fw && one <= QT_FW_V6; one <<= 1) {
        const struct qt_fw_rule *hit = NULL;
        if (!(fam & one))
            continue;
        for (size_t i = 0; i < fw->nrules && !hit; i++)
            if (covers(&fw->rules[i], port, one))
                hit = &fw->rules[i];
        if (!hit)
            return NULL;
        if (!first)
            first = hit;
    }
    return first;
}

unsigned qt_fw_port_fam(const qt_firewall *fw, unsigned port)
{
    for (int i = 0; fw && i < fw->nsvc; i++)
        if (fw->svc[i].port == port && fw->svc[i].fam)
            return fw->svc[i].fam;
    return QT_FW_V4 | QT_FW_V6;
}

void qt_fw_analyse(const qt_firewall *fw, qt_findings *out)
{
    for (int i = 0; i < fw->nsvc; i++)
        if (fw->svc[i].fam && fw->svc[i].port)
            one_service(fw, &fw->svc[i], out);
}

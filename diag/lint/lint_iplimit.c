/* lint_iplimit.c - the per-IP limit of QMailToaster's tcpserver, read from
 * MAXCONNIP in the rules cdb (diag/servers/servers_rules.c), for the lint's
 * one-IP check. */
#include "diag/lint/lint_int.h"
#include "diag/servers/servers.h"

#include <string.h>

/* QMailToaster's tcpserver: the per-IP limit is MAXCONNIP in the rules
 * cdb (servers_rules.c), enforced by tcpserver itself: say so, and the fix
 * is in the rules, not iptables. See lint_int.h. */
int qt_lint_rules_iplimit(const struct qt_server *sv, qt_finding *f)
{
    const struct qt_rulesvar *v = &sv->maxconnip;
    size_t rl = strlen(sv->rules);
    int tl = (int)(rl > 4 && strcmp(sv->rules + rl - 4, ".cdb") == 0 ? rl - 4 : rl); /* the text tcprules reads */

    if (sv->maxconnip_bin != 1 || !v->rules)
        return 0;
    for (int i = 0; i < sv->nips && i < 5; i++)
        qt_finding_evidence(f, "%s: %d connection%s", sv->ips[i].ip, sv->ips[i].n, sv->ips[i].n == 1 ? "" : "s");
    if (sv->iplimit_source)
        qt_finding_evidence(f, "per-IP limit %ld: MAXCONNIP=\"%ld\" in the default rule of %s (tcpserver logs "
                               "\"deny ... MAXCONNIP:%ld\")", sv->iplimit, v->dflt, sv->rules, v->dflt);
    else
        qt_finding_evidence(f, "MAXCONNIP is set in %u rule%s of %s (%ld..%ld), not in the default rule: other "
                               "clients have no per-IP limit", v->rules, v->rules == 1 ? "" : "s", sv->rules, v->min, v->max);
    qt_finding_evidence(f, "the tcpserver binary knows MAXCONNIP (QMailToaster's limits patch)");
    qt_finding_explain(f, "This tcpserver enforces MAXCONNIP from the rules cdb itself: no firewall rule is needed.");
    qt_finding_fix(f, "# set MAXCONNIP in the default rule of %.*s, e.g. :allow,MAXCONNIP=\"3\", then compile it:", tl,
                   sv->rules);
    qt_finding_fix(f, "tcprules %s %s.tmp < %.*s", sv->rules, sv->rules, tl, sv->rules);
    return 1;
}

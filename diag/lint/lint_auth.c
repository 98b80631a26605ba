/* lint_auth.c - the service's checkpassword program cannot read vpopmail's
 * passwords (issue 15, fix 3): the fact is servers_vpop.c's. */
#include "diag/lint/lint_int.h"
#include "diag/core/util.h"

#include <stdio.h>
#include <string.h>

void qt_lint_check_auth(const struct qt_server *sv, qt_findings *out)
{
    char id[200], vchkpw[600] = "~vpopmail/bin/vchkpw", *d;
    enum qt_sev sev = sv->pid > 0 ? QT_SEV_CRIT : QT_SEV_WARN;
    qt_finding *f;

    if (!out || !sv->auth_denied)
        return;
    /* docs/severity.md: no supervisor would start it, so nobody is hurt by it */
    if (qt_server_inventory(sv))
        sev = QT_SEV_INFO;
    snprintf(id, sizeof id, "servers.vpasswd-unreadable:%s", sv->name);
    f = qt_findings_add(out, sev, "servers", id, "vchkpw cannot read vpopmail's passwords as this service's uid: every AUTH fails");
    qt_finding_subject(f, "%s", sv->name);
    qt_finding_evidence(f, "the front end runs the program as uid %u gid %u (%s)", sv->auth_uid, sv->auth_gid, sv->auth_ids);
    qt_finding_evidence(f, "%s", sv->auth_why);
    qt_finding_evidence(f, "checked: %s", sv->auth_path);
    qt_finding_explain(f, "vchkpw runs with the ids the front end gives qmail-smtpd (tcpserver -u/-g switch before running it). "
                          "vpopmail keeps ~vpopmail/domains mode 0700 owned by vpopmail, so vchkpw cannot open the domain's "
                          "vpasswd.cdb, logs \"vpopmail user not found\" for every login and qmail-smtpd answers 535 as for a "
                          "wrong password (docs/domain/vpopmail.md).");
    if ((d = strstr(sv->auth_path, "/domains/")))
        snprintf(vchkpw, sizeof vchkpw, "%.*s/bin/vchkpw", (int)(d - sv->auth_path), sv->auth_path);
    qt_finding_fix(f, "run the AUTH service as vpopmail: tcpserver -u $(id -u vpopmail) -g $(id -g vpopmail) ...   # not -u qmaild");
    qt_finding_fix(f, "or remove -u/-g (tcpserver then runs qmail-smtpd as root, which vchkpw needs for POP/IMAP anyway)");
    qt_finding_fix(f, "or let vchkpw switch itself: chown vpopmail:vchkpw %s && chmod 4711 %s", vchkpw, vchkpw);
}

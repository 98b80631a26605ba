"""The truth of the `real` scenario (the real notqmail, vpopmail and ucspi
servers, lab/lib/realstack.sh): what runs, as which uid, and the findings
qtriage is expected to report. Imported by truth.py; schema in lab/README.md
("The real stack")."""
import json
import os

# what each real service is, beyond lab/plan/services.tsv
VARIANTS = {
    "sslserver-fehcom": "fehcom ucspi-ssl 0.95b sslserver (UCSPI-TLS: execs the program before the TLS handshake)",
    "sslserver-superscript": "SuperScript ucspi-ssl 0.70 sslserver (handshake first, then exec)",
    "tcpserver": "ucspi-tcp 0.88 tcpserver (Debian)",
    "tcpserver-qmt": "QMailToaster tcpserver (ucspi-tcp 0.88 + limits patch: MAXCONNIP from the rules cdb)",
    "tcpserver-ucspi-tcp6": "fehcom ucspi-tcp6 0.99a tcpserver",
}
RUN_AS = {"real-submission": "qmaild", "real-pop3": "root", "real-pop3s": "root"}
SERVICE_DIRS = {
    "real-smtp": "qmail-smtpd", "real-submission": "qmail-submission",
    "real-smtps-fehcom": "smtps-fehcom", "real-smtps-superscript": "smtps-superscript",
    "real-smtps-noeof": "smtps-noeof", "real-pop3": "qmail-pop3d", "real-pop3s": "qmail-pop3sd",
    "real-qmt": "smtp-qmt", "real-tcp6": "smtp-tcp6",
}


def real_truth(up, services, state_dir):
    """(block, findings) for the real scenario; block["up"] False and no
    findings while it does not run."""
    try:
        with open(os.path.join(state_dir, "real.json")) as f:
            st = json.load(f)
    except (OSError, ValueError):
        st = {}
    block = {"up": bool(up and st)}
    block.update(st)
    findings = []
    if not block["up"]:
        return block, findings
    svc_dir = st["service_dir"]
    domain_cdb = os.path.join(st["vpopmail_dir"], "domains", st["domain"], "vpasswd.cdb")
    block["domain_cdb"] = domain_cdb
    for s in services:
        if s["scenario"] != "real":
            continue
        name = s["name"]
        s["variant"] = VARIANTS[s["server"]]
        s["run_as"] = RUN_AS.get(name, "vpopmail")
        s["supervised_by"] = "supervise " + SERVICE_DIRS[name]
        s["run_script"] = os.path.join(svc_dir, SERVICE_DIRS[name], "run")
        s["log"] = os.path.join(st["run_dir"], "log", SERVICE_DIRS[name].replace("qmail-", ""),
                                "current")
        s["tcp_env"] = name != "real-smtps-superscript"   # sslserver without -e
        s["vchkpw_tag"] = "vchkpw-%d" % s["port"] if s["tcp_env"] else "vchkpw-0"
        if s["mail_program"] == "qmail-smtpd":
            # AUTH with the right password: 235 unless vchkpw runs as a uid
            # that cannot read the domain's vpasswd.cdb
            s["auth_good_password"] = "535 (vchkpw: vpopmail user not found)" \
                if s["run_as"] == "qmaild" else "235"
        if s["server"] == "tcpserver-qmt":
            s["per_ip_limit"] = st["maxconnip"]
            s["per_ip_limit_source"] = "MAXCONNIP in the rules cdb (-x)"
        if s["server"].startswith("sslserver"):
            findings.append({"id": "tls.handshake_deadline", "severity": "info", "service": name,
                             "port": s["port"], "deadline_s": s["handshake_deadline_s"],
                             "evidence": "sslserver's default handshake deadline (no -T)"})
    findings.append({"id": "auth.uid_cannot_read_domain", "severity": "high",
                     "service": "real-submission", "run_as": "qmaild", "file": domain_cdb,
                     "evidence": "tcpserver -u qmaild: vchkpw cannot read vpopmail's domains; "
                                 "every AUTH fails as 'user not found'",
                     # what qtriage shows: the Servers finding (CRIT while it runs), and
                     # the auth wizard's diagnosis names it
                     "qtriage_id": "servers.vpasswd-unreadable:" + SERVICE_DIRS["real-submission"],
                     "wizard_cause": "vpasswd-unreadable",
                     "vchkpw_tag": "vchkpw-%d" % _port(services, "real-submission")})
    findings.append({"id": "conn.per_ip_limit", "severity": "info", "service": "real-qmt",
                     "limit": st["maxconnip"], "source": "MAXCONNIP",
                     "qtriage_shows": "no 'no per-IP limit' finding and no iptables fix: "
                                      "tcpserver enforces MAXCONNIP itself"})
    # fehcom 0.95b without the EOF fix (tests/lab/test-real.sh makes one child
    # spin): a -c slot held by a child with no TCP connection
    findings.append({"id": "slots.noconn", "severity": "medium", "service": "real-smtps-noeof",
                     "qtriage_id": "ports.noconn:real-smtps-noeof",   # the --ports name
                     "ports_acc": "0+N/5 (N children with no connection, -c 5)"})
    # the wizard on fehcom's smtps port (TLS on connect, not 465): implicit
    # TLS, no 15 s wait for a plain banner
    findings.append({"id": "wizard.implicit_tls", "severity": "info", "service": "real-smtps-fehcom",
                     "tls": "implicit", "banner_wait_s": 0,
                     "helo_control_me": st.get("hostname", "")})
    return block, findings


def _port(services, name):
    return [s["port"] for s in services if s["name"] == name][0]

#!/usr/bin/python3
"""Generate the healthy scenario's fixture tree: a correctly configured
qmail + vpopmail server (lab/README.md, "healthy").

    fixture_healthy.py --root DIR --build BUILD_LAB_DIR --base PORT_BASE
                       --smtp PORT:LIMIT --smtps PORT:LIMIT:DEADLINE --tls-pem FILE

(ports, -c limits and the stunnel TIMEOUTbusy come from lab/plan/services.tsv)

Nothing in it is a planted problem: helohost = me, double bounces stay
local, every alias exists, no forward, tcprules files compiled with
tcprules, run scripts under root/service with multilog log services, the
smtps front end has a handshake deadline (stunnel TIMEOUTbusy in inetd mode
under tcpserver, docs/domain/ucspi.md). The tree is separate from the other
scenarios' root, so qtriage --root on it sees only this server.
"""
import argparse
import os

from fixture import w, tcprules
import qmailcdb

ME = "mail.lab.test"
DOMAIN = "example.test"
# user, password (fixture credentials, listed in the truth)
USERS = [("postmaster", "Postm4ster!"), ("alice", "Secret1!")]


def control(root, smtp_limit):
    ctl = os.path.join(root, "var/qmail/control")
    files = {"me": ME, "helohost": ME, "doublebounceto": "postmaster",
             "timeoutsmtpd": "1200", "concurrencyincoming": str(smtp_limit),
             "rcpthosts": ME + "\n" + DOMAIN, "locals": ME, "defaultdelivery": "./Maildir/",
             "virtualdomains": "%s:%s" % (DOMAIN, DOMAIN)}
    for name, text in files.items():
        w(os.path.join(ctl, name), text + "\n")
    alias = os.path.join(root, "var/qmail/alias")
    for a in ("postmaster", "root", "mailer-daemon"):
        w(os.path.join(alias, ".qmail-" + a), "&postmaster@%s\n" % DOMAIN)
    assign = "+%s-:%s:89:89:/home/vpopmail/domains/%s:-::\n.\n" % (DOMAIN, DOMAIN, DOMAIN)
    w(os.path.join(root, "var/qmail/users/assign"), assign)
    qmailcdb.newu(assign, os.path.join(root, "var/qmail/users/cdb"))   # as qmail-newu does after an edit
    return files


def vpopmail(root, build, base):
    vp = os.path.join(root, "home/vpopmail")
    dom = os.path.join(vp, "domains", DOMAIN)
    w(os.path.join(dom, ".qmail-default"), "| /home/vpopmail/bin/vdelivermail '' delete\n")   # no backscatter to forged senders
    for user, _ in USERS:
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(dom, user, "Maildir", sub), exist_ok=True)
    passwd = os.path.join(vp, "etc/lab-vpasswd")
    w(passwd, "".join("%s@%s:%s:\n" % (u, DOMAIN, p) for u, p in USERS))
    mlog = os.path.join(root, "var/log/maillog")
    if not os.path.exists(mlog):
        w(mlog, "")
    os.chmod(mlog, 0o666)  # vchkpw runs as nobody under tcpserver -u 65534
    for prog in ("vchkpw", "vuserinfo"):
        w(os.path.join(vp, "bin", prog), """#!/bin/sh
# qtriage lab (healthy): vpopmail %s stand-in with this tree's settings
QT_LAB_VPASSWD=%s
QT_LAB_VCHKPW_LOG=%s
QT_LAB_VPOPMAIL_HOME=%s
QT_LAB_PORT_BASE=%d
export QT_LAB_VPASSWD QT_LAB_VCHKPW_LOG QT_LAB_VPOPMAIL_HOME QT_LAB_PORT_BASE
exec %s "$@"
""" % (prog, passwd, mlog, vp, base, os.path.join(build, prog)), 0o755)
    link = os.path.join(root, "var/qmail/bin/qmail-smtpd")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.path.join(build, "qmail-smtpd"), link)
    return passwd


def service(root, name, run, logdir):
    """root/service/NAME with run and log/run (multilog t), as svscan wants it."""
    d = os.path.join(root, "service", name)
    os.makedirs(os.path.join(root, logdir), exist_ok=True)
    os.chmod(os.path.join(root, logdir), 0o755)
    w(os.path.join(d, "run"), run, 0o755)
    w(os.path.join(d, "log/run"), "#!/bin/sh\nexec /usr/bin/multilog t %s\n" % os.path.join(root, logdir), 0o755)
    return os.path.join(d, "run")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--build", required=True, help="the build's lab/ directory")
    ap.add_argument("--base", type=int, required=True)
    ap.add_argument("--smtp", required=True, help="PORT:LIMIT")
    ap.add_argument("--smtps", required=True, help="PORT:LIMIT:DEADLINE")
    ap.add_argument("--tls-pem", required=True)
    a = ap.parse_args()
    root = a.root
    os.makedirs(root, exist_ok=True)
    os.chmod(root, 0o755)
    smtp_port, smtp_limit = (int(x) for x in a.smtp.split(":"))
    smtps_port, smtps_limit, smtps_deadline = (int(x) for x in a.smtps.split(":"))
    control(root, smtp_limit)
    vpopmail(root, a.build, a.base)
    smtpd = os.path.join(root, "var/qmail/bin/qmail-smtpd")
    vchkpw = os.path.join(root, "home/vpopmail/bin/vchkpw")
    # tcprules: the relay client is allowed, everyone else too (no RELAYCLIENT)
    for rules in ("tcp.smtp", "tcp.smtps"):
        p = os.path.join(root, "etc", rules)
        w(p, '127.0.0.1:allow,RELAYCLIENT=""\n:allow\n')
        tcprules(p, p + ".cdb")
    service(root, "qmail-smtpd", """#!/bin/sh
# qtriage lab (healthy): qmail-smtpd behind tcpserver with rules and a -c
# limit from control/concurrencyincoming (LWQ style; the lab runs as nobody)
MAXSMTPD=`cat {root}/var/qmail/control/concurrencyincoming`
QT_SMTPD_TIMEOUT=`cat {root}/var/qmail/control/timeoutsmtpd`
QT_SMTPD_HOSTNAME=`head -1 {root}/var/qmail/control/me`
export QT_SMTPD_TIMEOUT QT_SMTPD_HOSTNAME
exec /usr/bin/softlimit -m 64000000 \\
    /usr/bin/tcpserver -v -R -H -l0 -x {root}/etc/tcp.smtp.cdb -c "$MAXSMTPD" \\
        -u 65534 -g 65534 127.0.0.1 {port} \\
        {smtpd} {vchkpw} /bin/true 2>&1
""".format(root=root, port=smtp_port, smtpd=smtpd, vchkpw=vchkpw), "var/log/qmail/smtpd")
    conf = os.path.join(root, "etc/stunnel/smtps.conf")
    # only global options: stunnel runs in inetd mode on tcpserver's socket
    w(conf, """; qtriage lab (healthy): stunnel in inetd mode under tcpserver
foreground = yes
cert = {pem}
TIMEOUTbusy = {deadline}
exec = {smtpd}
execArgs = qmail-smtpd {vchkpw} /bin/true
""".format(pem=a.tls_pem, deadline=smtps_deadline, smtpd=smtpd, vchkpw=vchkpw))
    service(root, "qmail-smtpsd", """#!/bin/sh
# qtriage lab (healthy): implicit TLS on tcpserver + stunnel4 (TIMEOUTbusy
# bounds the handshake), rules and a -c limit
QT_SMTPD_HOSTNAME=`head -1 {root}/var/qmail/control/me`
export QT_SMTPD_HOSTNAME
exec /usr/bin/softlimit -m 64000000 \\
    /usr/bin/tcpserver -v -R -H -l0 -x {root}/etc/tcp.smtps.cdb -c {limit} \\
        -u 65534 -g 65534 127.0.0.1 {port} \\
        /usr/bin/stunnel4 {conf} 2>&1
""".format(root=root, port=smtps_port, limit=smtps_limit, conf=conf), "var/log/qmail/smtpsd")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Generate the lab's fixture qmail/vpopmail tree (the `root` scenario).

    fixture.py --root DIR --build BUILD_LAB_DIR --base PORT_BASE --truth FILE

Writes a production-shaped tree under DIR (see lab/README.md, "root") and the
truth about what was planted into FILE (JSON): control-file problems, aliases,
forwards, static run scripts, and exact counts of every kind of log line.
Every log line follows the formats of docs/domain/ (qmail.md: qmail-send and
qmail-remote; ucspi.md: tcpserver; supervision.md: multilog TAI64N; vpopmail.md: vchkpw).
Existing log files are never overwritten: the live services append to them.
"""
import argparse
import json
import os
import random
import socket
import subprocess
import time

ME = "mail.lab.test"
HELOHOST = "smtp.lab.test"          # deliberately != me
DOMAIN = "example.test"
DOUBLEBOUNCETO = "postmaster@remote.example"   # remote: double bounces go out as <#@[]>
TIMEOUTSMTPD = 1200
RCPTHOSTS = ["lab.test", DOMAIN]

# user, password, flags, .qmail lines (None = no .qmail file), forward class
USERS = [
    ("postmaster", "Postm4ster!", "", None, None),
    ("alice", "Secret1!", "", None, None),
    ("bob", "bobpw", "nosmtp", None, None),
    ("carol", "carolpw", "", ["&carol.home@remote.example"], "breaks_spf"),
    ("dave", "davepw", "", ["|forward dave@remote.example"], "breaks_spf"),
    ("erin", "erinpw", "",
     ["|qmail-inject -f erin@example.test -a erin@remote.example"], "rewrites_sender"),
    ("frank", "fr%nk:pw", "",
     ["./Maildir/", "&frank@remote.example"], "breaks_spf"),
    ("grace", "", "", None, None),          # no password -> vchkpw exit 15
    ("henry", "henrypw", "nopop,noimap", None, None),
]


def w(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def tai64n(t):
    """multilog's TAI64N label for unix time t (docs/domain/supervision.md#multilog)."""
    sec = int(t)
    nano = int((t - sec) * 1e9)
    return "@%016x%08x" % ((1 << 62) + sec + 10, nano)


def syslog_stamp(t):
    lt = time.localtime(t)
    return time.strftime("%b ", lt) + ("%2d" % lt.tm_mday) + time.strftime(" %H:%M:%S", lt)


def logsafe(text):
    """qmail-send's logsafe(): newline -> '/', <33, >126 and '%' -> '_'."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("/")
        elif ord(ch) < 33 or ord(ch) > 126 or ch == "%":
            out.append("_")
        else:
            out.append(ch)
    return "".join(out)


class SendLog:
    """Builds a qmail-send log with TAI64N stamps and counts what it wrote."""

    def __init__(self, t0):
        self.t = t0
        self.lines = []
        self.inode = 1310700
        self.delivery = 0
        self.qp = 4100
        self.counts = {
            "messages": 0, "bounces": 0, "double_bounces": 0, "triple_bounces": 0,
            "delivery_success": 0, "delivery_failure": 0, "delivery_deferral": 0,
            "failure_no_mailbox": 0, "deferral_name_rejected": 0,
            "deferral_sender_domain_not_found": 0, "deferral_connection_died": 0,
            "failure_spf_after_forward": 0, "failure_no_host": 0,
            "failure_double_bounce_rejected": 0,
        }
        self.no_mailbox_by_sender = {}

    def log(self, text, dt=0.3):
        self.t += dt + random.random() * 0.2
        self.lines.append("%s %s" % (tai64n(self.t), text))

    def new_msg(self, sender, size=None):
        self.inode += random.randint(1, 40)
        self.qp += random.randint(1, 9)
        inode = self.inode
        self.log("new msg %d" % inode, dt=5)
        self.log("info msg %d: bytes %d from <%s> qp %d uid %d"
                 % (inode, size or random.randint(900, 9000), sender, self.qp,
                    89 if sender in ("", "#@[]") else 1004))
        self.counts["messages"] += 1
        if sender == "":
            self.counts["bounces"] += 1
        if sender == "#@[]":
            self.counts["double_bounces"] += 1
        return inode

    def deliver(self, inode, where, rcpt, result, text):
        self.delivery += 1
        d = self.delivery
        self.log("starting delivery %d: msg %d to %s %s" % (d, inode, where, rcpt))
        if where == "local":
            self.log("status: local 1/10 remote 0/20", dt=0.01)
        else:
            self.log("status: local 0/10 remote 1/20", dt=0.01)
        self.log("delivery %d: %s: %s" % (d, result, logsafe(text)))
        self.log("status: local 0/10 remote 0/20", dt=0.01)
        self.counts["delivery_" + result] += 1

    def bounce(self, inode):
        self.qp += 1
        self.log("bounce msg %d qp %d" % (inode, self.qp))
        return self.qp

    def end(self, inode):
        self.log("end msg %d" % inode)


def build_send_log(t0):
    s = SendLog(t0)
    s.log("status: local 0/10 remote 0/20", dt=0)
    # 1. ordinary local deliveries
    for rcpt in ("alice", "bob", "postmaster", "alice"):
        m = s.new_msg("news@remote.example")
        s.deliver(m, "local", "%s-%s@%s" % (DOMAIN, rcpt, DOMAIN), "success", "did 1+0+0\n")
        s.end(m)
    # 2. forwards that keep the original envelope sender and fail SPF at the
    #    receiver (incident 5), bounced to the original sender
    for user in ("carol", "dave"):
        m = s.new_msg("boss@partner.example")
        s.deliver(m, "local", "%s-%s@%s" % (DOMAIN, user, DOMAIN), "success",
                  "did 0+1+0\nqp %d\n" % (s.qp + 1))
        s.end(m)
        f = s.new_msg("boss@partner.example")
        s.deliver(f, "remote", "%s@remote.example" % (user if user != "carol" else "carol.home"),
                  "failure",
                  "Connected to 192.0.2.25 but sender was rejected.\n"
                  "Remote host said: 550 5.7.23 SPF validation failed for boss@partner.example\n")
        s.counts["failure_spf_after_forward"] += 1
        b = s.bounce(f)
        s.end(f)
        bm = s.new_msg("")
        s.deliver(bm, "remote", "boss@partner.example", "success",
                  "198.51.100.10 accepted message.\nRemote host said: 250 2.0.0 Ok: queued as 4Xz\n")
        s.end(bm)
        del b
    # 3. erin's forward rewrites the envelope sender: delivered fine
    m = s.new_msg("boss@partner.example")
    s.deliver(m, "local", "%s-erin@%s" % (DOMAIN, DOMAIN), "success", "did 0+0+1\n")
    s.end(m)
    f = s.new_msg("erin@example.test")
    s.deliver(f, "remote", "erin@remote.example", "success",
              "192.0.2.25 accepted message.\nRemote host said: 250 2.0.0 Ok: queued as 9Qa\n")
    s.end(f)
    # 4. a dictionary attack: many unknown recipients from one sender
    for i in range(7):
        sender = "info@spam-source.example"
        m = s.new_msg(sender)
        s.deliver(m, "local", "%s-user%d@%s" % (DOMAIN, 100 + i, DOMAIN), "failure",
                  "Sorry, no mailbox here by that name. (#5.1.1)\n")
        s.counts["failure_no_mailbox"] += 1
        s.no_mailbox_by_sender[sender] = s.no_mailbox_by_sender.get(sender, 0) + 1
        s.bounce(m)
        s.end(m)
        bm = s.new_msg("")
        s.deliver(bm, "remote", sender, "success",
                  "203.0.113.80 accepted message.\nRemote host said: 250 ok\n")
        s.end(bm)
    # 5. HELO name rejected (helohost != PTR of the public IP)
    m = s.new_msg("alice@example.test")
    for _ in range(3):
        s.deliver(m, "remote", "friend@strict.example", "deferral",
                  "Connected to 198.51.100.7 but my name was rejected.\n"
                  "Remote host said: 550 5.7.1 HELO smtp.lab.test does not match 127.0.0.1 rDNS mail.lab.test\n")
        s.counts["deferral_name_rejected"] += 1
    # 6. connection died
    m2 = s.new_msg("alice@example.test")
    for _ in range(2):
        s.deliver(m2, "remote", "someone@flaky.example", "deferral",
                  "Connected to 192.0.2.30 but connection died. (#4.4.2)\n")
        s.counts["deferral_connection_died"] += 1
    s.deliver(m2, "remote", "someone@flaky.example", "success",
              "192.0.2.30 accepted message.\nRemote host said: 250 ok\n")
    s.end(m2)
    # 7. sender domain not found (a Postfix reply inside qmail-remote's text)
    m3 = s.new_msg("dave@example.test")
    for _ in range(2):
        s.deliver(m3, "remote", "ops@postfix-site.example", "deferral",
                  "Connected to 203.0.113.5 but sender was rejected.\n"
                  "Remote host said: 450 4.1.8 <dave@example.test>: Sender address rejected: Domain not found\n")
        s.counts["deferral_sender_domain_not_found"] += 1
    # 8. double and triple bounces: spam to an unknown user from a forged
    #    sender -> bounce fails -> double bounce to the remote doublebounceto
    #    (envelope <#@[]>) is rejected -> triple bounce: discarding
    for n in range(2):
        m = s.new_msg("winner%d@forged.example" % n)
        s.deliver(m, "local", "%s-nosuch%d@%s" % (DOMAIN, n, DOMAIN), "failure",
                  "Sorry, no mailbox here by that name. (#5.1.1)\n")
        s.counts["failure_no_mailbox"] += 1
        s.no_mailbox_by_sender["winner%d@forged.example" % n] = 1
        s.bounce(m)
        s.end(m)
        b = s.new_msg("")
        s.deliver(b, "remote", "winner%d@forged.example" % n, "failure",
                  "Sorry, I couldn't find any host named forged.example. (#5.1.2)\n")
        s.counts["failure_no_host"] += 1
        s.bounce(b)
        s.end(b)
        db = s.new_msg("#@[]")
        s.deliver(db, "remote", DOUBLEBOUNCETO, "failure",
                  "Connected to 192.0.2.25 but sender was rejected.\n"
                  "Remote host said: 553 5.1.8 <#@[]>: Sender address rejected: Domain not found\n")
        s.counts["failure_double_bounce_rejected"] += 1
        s.log("triple bounce: discarding bounce/%d" % db)
        s.counts["triple_bounces"] += 1
        s.end(db)
    return s


def build_smtpd_log(t0):
    """A rotated multilog file of a tcpserver -v smtp service (docs/domain/ucspi.md#log-lines)."""
    lines, counts = [], {"connections": 0, "deny": 0, "by_ip": {}, "end_status": {}}
    t = t0
    pid = 31000
    limit = 20
    busy = 0

    def add(text, dt=0.05):
        nonlocal t
        t += dt + random.random() * 0.05
        lines.append("%s %s" % (tai64n(t), text))

    add("tcpserver: status: 0/%d" % limit, 0)
    clients = ([("203.0.113.50", 0)] * 12 + [("198.51.100.23", 0)] * 3 +
               [("192.0.2.77", 256)] * 2 + [("203.0.113.9", 0)] * 2)
    for ip, status in clients:
        pid += random.randint(1, 30)
        busy += 1
        add("tcpserver: status: %d/%d" % (busy, limit), dt=3)
        add("tcpserver: pid %d from %s" % (pid, ip))
        add("tcpserver: ok %d 0:127.0.0.1:25 :%s::%d" % (pid, ip, random.randint(1025, 65000)))
        add("tcpserver: end %d status %d" % (pid, status), dt=2)
        busy -= 1
        add("tcpserver: status: %d/%d" % (busy, limit))
        counts["connections"] += 1
        counts["by_ip"][ip] = counts["by_ip"].get(ip, 0) + 1
        counts["end_status"][str(status)] = counts["end_status"].get(str(status), 0) + 1
    for _ in range(2):  # denied by tcprules: child exits 100 -> raw status 25600
        pid += 3
        add("tcpserver: status: 1/%d" % limit, dt=4)
        add("tcpserver: pid %d from 192.0.2.250" % pid)
        add("tcpserver: deny %d 0:127.0.0.1:25 :192.0.2.250::%d" % (pid, random.randint(1025, 65000)))
        add("tcpserver: end %d status 25600" % pid)
        add("tcpserver: status: 0/%d" % limit)
        counts["deny"] += 1
        counts["end_status"]["25600"] = counts["end_status"].get("25600", 0) + 1
    return lines, counts, t


def build_maillog(t0):
    """Historical vchkpw lines in syslog file format (docs/domain/vpopmail.md#log-lines)."""
    lines, counts = [], {}
    t = t0
    host = socket.gethostname().split(".")[0]  # as vchkpw's live lines

    def add(svc, what, who, ip):
        nonlocal t
        t += 20 + random.random() * 30
        lines.append("%s %s vpopmail[%d]: %s: %s %s:%s"
                     % (syslog_stamp(t), host, random.randint(2000, 30000), svc, what, who, ip))
        key = "%s|%s|%s|%s" % (svc, what, who, ip)
        counts[key] = counts.get(key, 0) + 1

    for _ in range(12):  # brute force against alice over smtp
        add("vchkpw-smtp", "password fail", "alice@example.test", "203.0.113.50")
    for _ in range(4):   # a client with an old saved password
        add("vchkpw-submission", "password fail", "dave@example.test", "198.51.100.23")
    for u in ("admin", "test", "info"):
        add("vchkpw-smtp", "vpopmail user not found", "%s@example.test" % u, "203.0.113.50")
    add("vchkpw-submission", "smtp access denied", "bob@example.test", "198.51.100.40")
    for _ in range(2):   # sslserver without -e: no TCPLOCALPORT, no TCPREMOTEIP
        add("vchkpw-0", "password fail", "henry@example.test", "")
    return lines, counts, t


def run_scripts():
    """Static run scripts modelled on docs/domain/supervision.md#run-scripts, and their truth."""
    scripts = {}
    scripts["lwq-qmail-smtpd"] = ("""#!/bin/sh
# Life with qmail (LWQ) /var/qmail/supervise/qmail-smtpd/run, with vpopmail AUTH
QMAILDUID=`id -u vpopmail`
NOFILESGID=`id -g vpopmail`
MAXSMTPD=`cat /var/qmail/control/concurrencyincoming`
LOCAL=`head -1 /var/qmail/control/me`
if [ -z "$QMAILDUID" -o -z "$NOFILESGID" -o -z "$MAXSMTPD" -o -z "$LOCAL" ]; then
    echo QMAILDUID, NOFILESGID, MAXSMTPD, or LOCAL is unset in
    echo /var/qmail/supervise/qmail-smtpd/run
    exit 1
fi
if [ ! -f /var/qmail/control/rcpthosts ]; then
    echo "No /var/qmail/control/rcpthosts!"
    echo "Refusing to start SMTP listener because it'll create an open relay"
    exit 1
fi
exec /usr/local/bin/softlimit -m 5000000 \\
    /usr/local/bin/tcpserver -v -R -l "$LOCAL" -x /etc/tcp.smtp.cdb -c "$MAXSMTPD" \\
        -u "$QMAILDUID" -g "$NOFILESGID" 0 smtp /var/qmail/bin/qmail-smtpd \\
        /home/vpopmail/bin/vchkpw /bin/true 2>&1
""", "exec /usr/local/bin/setuidgid qmaill /usr/local/bin/multilog t /var/log/qmail/smtpd\n",
        {"style": "lwq", "server": "tcpserver", "port": "smtp", "tls": "none",
         "handshake_deadline_s": None, "limit": "control/concurrencyincoming (%d)" % 20,
         "mail_program": "/var/qmail/bin/qmail-smtpd", "notes": []})
    scripts["qmt-smtp"] = ("""#!/bin/sh
# QMailToaster /var/qmail/supervise/smtp/run
QMAILDUID=`id -u vpopmail`
NOFILESGID=`id -g vpopmail`
MAXSMTPD=`cat /var/qmail/control/concurrencyincoming`
SMTPD="/var/qmail/bin/qmail-smtpd"
TCP_CDB="/etc/tcprules.d/tcp.smtp.cdb"
HOSTNAME=`hostname`
VCHKPW="/home/vpopmail/bin/vchkpw"

exec /usr/bin/softlimit -m 64000000 \\
     /usr/bin/tcpserver -v -R -H -l $HOSTNAME -x $TCP_CDB -c "$MAXSMTPD" \\
     -u "$QMAILDUID" -g "$NOFILESGID" 0 smtp \\
     /usr/bin/spamdyke --config-file /etc/spamdyke/spamdyke.conf \\
     $SMTPD $VCHKPW /bin/true 2>&1
""", "exec /usr/bin/setuidgid qmaill /usr/bin/multilog t s10000000 n20 /var/log/qmail/smtp\n",
        {"style": "qmailtoaster", "server": "tcpserver", "port": "smtp", "tls": "starttls (spamdyke tls-level=smtp)",
         "handshake_deadline_s": None, "limit": "control/concurrencyincoming (20)",
         "mail_program": "/var/qmail/bin/qmail-smtpd", "notes": ["spamdyke idle-timeout-secs=60 in front of qmail-smtpd"]})
    scripts["qmt-submission"] = ("""#!/bin/sh
# QMailToaster /var/qmail/supervise/submission/run
QMAILDUID=`id -u vpopmail`
NOFILESGID=`id -g vpopmail`
MAXSMTPD=`cat /var/qmail/control/concurrencyincoming`
SMTPD="/var/qmail/bin/qmail-smtpd"
TCP_CDB="/etc/tcprules.d/tcp.submission.cdb"
HOSTNAME=`hostname`
VCHKPW="/home/vpopmail/bin/vchkpw"
export REQUIRE_AUTH=1

exec /usr/bin/softlimit -m 50000000 \\
     /usr/bin/tcpserver -v -R -H -l $HOSTNAME -x $TCP_CDB -c "$MAXSMTPD" \\
     -u "$QMAILDUID" -g "$NOFILESGID" 0 587 \\
     $SMTPD $VCHKPW /bin/true 2>&1
""", "exec /usr/bin/setuidgid qmaill /usr/bin/multilog t s10000000 n20 /var/log/qmail/submission\n",
        {"style": "qmailtoaster", "server": "tcpserver", "port": "587", "tls": "starttls",
         "handshake_deadline_s": None, "limit": "control/concurrencyincoming (20)",
         "mail_program": "/var/qmail/bin/qmail-smtpd", "notes": ["REQUIRE_AUTH=1"]})
    scripts["jms1-smtpsd"] = ("""#!/bin/sh
# jms1-style service-qmail-smtpd-run for port 465 with ucspi-ssl sslserver
QDUID=`id -u qmaild`
QDGID=`id -g qmaild`
MAX=40
LOCAL=`head -1 /var/qmail/control/me`
IP=0
PORT=smtps
SCMD=sslserver
SSL=1
export CERTFILE=/var/qmail/control/servercert.pem
export KEYFILE=/var/qmail/control/servercert.pem
export DHFILE=/var/qmail/control/dh2048.pem
export SSL_UID=$QDUID
export SSL_GID=$QDGID
SMTPD=/var/qmail/bin/qmail-smtpd
CHECKPW=/home/vpopmail/bin/vchkpw
TRUE=/bin/true
CMD="$SCMD -seVn -Rp -l $LOCAL -c $MAX -u $QDUID -g $QDGID -x /etc/tcp.smtp.cdb $IP $PORT $SMTPD $CHECKPW $TRUE"
echo "command-line: exec $CMD"
exec $CMD 2>&1
""", "exec setuidgid qmaill multilog t n1024 s1048576 n20 /var/log/qmail-smtpsd\n",
        {"style": "jms1", "server": "sslserver", "port": "smtps", "tls": "implicit",
         "handshake_deadline_s": 26, "limit": "40",
         "mail_program": "/var/qmail/bin/qmail-smtpd",
         "notes": ["sslserver -T not given: default handshake deadline 26 s", "-e given: TCP* env set, vchkpw logs vchkpw-smtps"]})
    scripts["ssl-tcpserver-smtps"] = ("""#!/bin/sh
# Port 465 on an SSL-patched tcpserver (Oppermann patch: -s -n certfile).
# The admin believed "-t 30" was a TLS handshake timeout and added
# "timeout 60" in front of qmail-smtpd. Neither bounds the handshake.
cd /var/qmail/control
exec /usr/bin/softlimit -m 64000000 \\
     /usr/local/bin/tcpserver -s -n cert.pem -t 30 -p -v -R -x /etc/tcprules.d/tcp.smtp.cdb \\
     -c 100 -u 89 -g 89 0 465 \\
     /usr/bin/timeout 60 /var/qmail/bin/qmail-smtpd /home/vpopmail/bin/vchkpw /bin/true 2>&1
""", "exec /usr/bin/setuidgid qmaill /usr/bin/multilog t /var/log/qmail/smtps\n",
        {"style": "ssl-patched-tcpserver", "server": "tcpserver (Oppermann SSL patch)", "port": "465",
         "tls": "implicit", "handshake_deadline_s": None, "limit": "100",
         "mail_program": "/var/qmail/bin/qmail-smtpd",
         "notes": ["-t 30 is the ident (TCPREMOTEINFO) timeout, not a TLS timeout (docs/domain/ucspi.md#tcpserver)",
                   "no handshake deadline: blocking SSL_accept (docs/domain/ucspi.md#ssl-patched-tcpserver)",
                   "'timeout 60 qmail-smtpd' does not free the tcpserver slot (qmail-smtpd is a grandchild)"]})
    scripts["sslserver-pop3sd"] = ("""#!/bin/sh
# POP3S with ucspi-ssl sslserver and an explicit 30 s handshake deadline.
# No -e: TCPLOCALPORT/TCPREMOTEIP are not set, so vchkpw logs as vchkpw-0.
export CERTFILE=/var/qmail/control/servercert.pem
export KEYFILE=/var/qmail/control/servercert.pem
exec /usr/bin/softlimit -m 20000000 \\
     /usr/local/bin/sslserver -vR -T 30 -c 40 -u 89 -g 89 0 995 \\
     /var/qmail/bin/qmail-popup mail.lab.test \\
     /home/vpopmail/bin/vchkpw /var/qmail/bin/qmail-pop3d Maildir 2>&1
""", "exec /usr/bin/setuidgid qmaill /usr/bin/multilog t /var/log/qmail/pop3sd\n",
        {"style": "sslserver", "server": "sslserver", "port": "995", "tls": "implicit",
         "handshake_deadline_s": 30, "limit": "40",
         "mail_program": "/var/qmail/bin/qmail-popup",
         "notes": ["-T 30: SSL handshake deadline 30 s", "no -e: vchkpw logs vchkpw-0 with an empty IP"]})
    return scripts


def tcprules(rules_txt, cdb):
    with open(rules_txt) as f:
        subprocess.run(["tcprules", cdb, cdb + ".tmp"], stdin=f, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--build", required=True, help="the build's lab/ directory")
    ap.add_argument("--base", type=int, required=True)
    ap.add_argument("--lab-dir", required=True)
    ap.add_argument("--truth", required=True)
    ap.add_argument("--plan", required=True, help="lab/plan directory")
    a = ap.parse_args()
    root, build = a.root, a.build
    random.seed(20251129)
    now = time.time()
    truth = {"root": root, "generated_at": int(now)}

    smtp_limit = "20"
    with open(os.path.join(a.plan, "services.tsv")) as f:
        for row in f:
            col = row.rstrip("\n").split("\t")
            if col[0] == "smtp":
                smtp_limit = col[6]
    q = os.path.join(root, "var/qmail")
    ctl = os.path.join(q, "control")
    # -- control files
    controls = {
        "me": ME + "\n", "helohost": HELOHOST + "\n", "doublebounceto": DOUBLEBOUNCETO + "\n",
        "timeoutsmtpd": "%d\n" % TIMEOUTSMTPD, "concurrencyincoming": smtp_limit + "\n",
        "rcpthosts": "".join(h + "\n" for h in RCPTHOSTS), "locals": ME + "\n",
        "defaultdelivery": "./Maildir/\n", "virtualdomains": "%s:%s\n" % (DOMAIN, DOMAIN),
    }
    for name, text in controls.items():
        w(os.path.join(ctl, name), text)
    truth["control"] = {k: v.strip() for k, v in controls.items()}
    # -- aliases (deliberately no .qmail-mailer-daemon)
    alias = os.path.join(q, "alias")
    w(os.path.join(alias, ".qmail-postmaster"), "&postmaster@%s\n" % DOMAIN)
    w(os.path.join(alias, ".qmail-root"), "&postmaster@%s\n" % DOMAIN)
    truth["aliases"] = {"present": [".qmail-postmaster", ".qmail-root"],
                        "missing": [".qmail-mailer-daemon"]}
    # -- users/assign
    w(os.path.join(q, "users/assign"),
      "+%s-:%s:89:89:/home/vpopmail/domains/%s:-::\n.\n" % (DOMAIN, DOMAIN, DOMAIN))
    # -- vpopmail tree
    vp = os.path.join(root, "home/vpopmail")
    dom = os.path.join(vp, "domains", DOMAIN)
    w(os.path.join(dom, ".qmail-default"),
      "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n")
    creds, forwards = [], []
    for user, pw, flags, dotq, fclass in USERS:
        ud = os.path.join(dom, user)
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(ud, "Maildir", sub), exist_ok=True)
        if dotq:
            w(os.path.join(ud, ".qmail"), "".join(l + "\n" for l in dotq))
            forwards.append({"user": "%s@%s" % (user, DOMAIN),
                             "file": "home/vpopmail/domains/%s/%s/.qmail" % (DOMAIN, user),
                             "lines": dotq, "class": fclass})
        creds.append("%s@%s:%s:%s" % (user, DOMAIN, pw, flags))
    passwd = os.path.join(vp, "etc/lab-vpasswd")
    w(passwd, "# qtriage lab credentials: user@domain:password:flags\n" +
      "".join(c + "\n" for c in creds), 0o644)
    truth["forwards"] = forwards
    truth["users"] = [{"user": "%s@%s" % (u, DOMAIN), "password": p, "flags": f}
                      for u, p, f, _, _ in USERS]
    truth["credentials_file"] = passwd
    # -- vpopmail binaries: wrappers that exec the stand-ins with the lab's
    #    settings as defaults (so qtriage can run them like the real ones)
    mlog = os.path.join(root, "var/log/maillog")
    for prog in ("vchkpw", "vuserinfo"):
        w(os.path.join(vp, "bin", prog), """#!/bin/sh
# qtriage lab: vpopmail %s stand-in with this lab's defaults
: "${QT_LAB_VPASSWD:=%s}"
: "${QT_LAB_VCHKPW_LOG:=%s}"
: "${QT_LAB_VPOPMAIL_HOME:=%s}"
: "${QT_LAB_PORT_BASE:=%d}"
export QT_LAB_VPASSWD QT_LAB_VCHKPW_LOG QT_LAB_VPOPMAIL_HOME QT_LAB_PORT_BASE
exec %s "$@"
""" % (prog, passwd, mlog, vp, a.base, os.path.join(build, prog)), 0o755)
    # -- qmail binaries: symlinks, so process names are the real ones
    for prog in ("qmail-smtpd", "qmail-popup"):
        link = os.path.join(q, "bin", prog)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.join(build, prog), link)
    link = os.path.join(root, "usr/sbin/imapd")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.path.join(build, "imapd"), link)
    # -- tcprules
    rules = os.path.join(root, "etc/tcp.smtp")
    w(rules, '127.0.0.1:allow,RELAYCLIENT=""\n192.0.2.250:deny\n:allow\n')
    tcprules(rules, rules + ".cdb")
    # -- static run scripts
    sup = os.path.join(q, "supervise")
    rs_truth = []
    for name, (run, logrun, info) in run_scripts().items():
        w(os.path.join(sup, name, "run"), run, 0o755)
        w(os.path.join(sup, name, "log/run"), "#!/bin/sh\n" + logrun, 0o755)
        info = dict(info, name=name, path="var/qmail/supervise/%s/run" % name, running=False)
        rs_truth.append(info)
    truth["static_run_scripts"] = rs_truth
    # -- logs (never overwrite: live services append)
    logdir = os.path.join(root, "var/log")
    os.makedirs(os.path.join(logdir, "qmail/smtpd"), exist_ok=True)
    t0 = now - 2 * 86400
    send_path = os.path.join(logdir, "qmail/current")
    if not os.path.exists(send_path):
        s = build_send_log(t0)
        w(send_path, "".join(l + "\n" for l in s.lines))
        send_counts = dict(s.counts, no_mailbox_by_sender=s.no_mailbox_by_sender,
                           lines=len(s.lines))
        with open(send_path + ".truth.json", "w") as f:
            json.dump(send_counts, f)
    with open(send_path + ".truth.json") as f:
        truth["qmail_send_log"] = dict(json.load(f), path="var/log/qmail/current")
    smtpd_dir = os.path.join(logdir, "qmail/smtpd")
    stamp = os.path.join(smtpd_dir, ".fixture.json")
    if not os.path.exists(stamp):
        lines, counts, tend = build_smtpd_log(t0 + 3600)
        rotated = "%s.s" % tai64n(tend)
        w(os.path.join(smtpd_dir, rotated), "".join(l + "\n" for l in lines), 0o744)
        with open(stamp, "w") as f:
            json.dump(dict(counts, file=rotated, lines=len(lines)), f)
    with open(stamp) as f:
        c = json.load(f)
    truth["smtpd_rotated_log"] = dict(c, path="var/log/qmail/smtpd/" + c.pop("file"))
    if not os.path.exists(mlog):
        lines, counts, _ = build_maillog(t0 + 7200)
        w(mlog, "".join(l + "\n" for l in lines))
        with open(mlog + ".fixture.json", "w") as f:
            json.dump({"lines": len(lines), "counts": counts}, f)
    with open(mlog + ".fixture.json") as f:
        truth["maillog_fixture"] = dict(json.load(f), path="var/log/maillog")
    os.chmod(mlog, 0o666)  # vchkpw runs as nobody under tcpserver -u 65534
    os.makedirs(os.path.join(root, "service"), exist_ok=True)
    os.makedirs(os.path.join(root, "service-zombies"), exist_ok=True)
    with open(a.truth + ".tmp", "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    os.replace(a.truth + ".tmp", a.truth)


if __name__ == "__main__":
    main()

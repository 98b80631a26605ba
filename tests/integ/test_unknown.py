"""Unknown, never zero (issue 12, item 6; docs/monitoring.md): qtriage run
as a non-root user (nobody, through setpriv) against a root-owned TLS
front end on loopback (socat OPENSSL-LISTEN fork, self-signed certificate)
holding three silent clients, i.e. three TLS handshakes pending. Root sees
stalled=3; nobody cannot read root's /proc/PID/fd, so the count is unknown
and must never read 0: '?' on screen, null + reason in the JSON report, U
in perfdata, no Prometheus sample, and --check with a threshold on it
exits UNKNOWN (3) with the reason."""
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time

from qtlib import QTRIAGE, SRCDIR, STATUS_LINE, Proc, check, done, free_port, perfdata, require, rmtree, tmpdir

require("socat", "openssl", "setpriv", "ss")
if os.geteuid() != 0:
    print("SKIP: needs root to start root-owned listeners and drop to nobody")
    raise SystemExit(77)
try:
    NOBODY = pwd.getpwnam("nobody").pw_uid
except KeyError:
    print("SKIP: no user nobody")
    raise SystemExit(77)

d = tmpdir("unknown")
os.chmod(d, 0o755)
# the build tree may sit under a directory nobody cannot enter: run a copy
qt = d + "/qtriage"
shutil.copy(QTRIAGE, qt)
os.chmod(qt, 0o755)
root = d + "/root"
os.mkdir(root)
out_dir = d + "/out"
os.mkdir(out_dir)
os.chown(out_dir, NOBODY, -1)

subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=qtriage-lab",
                "-keyout", d + "/key.pem", "-out", d + "/cert.pem"], check=True, capture_output=True, timeout=60)
with open(d + "/lab.pem", "w") as f:
    f.write(open(d + "/key.pem").read() + open(d + "/cert.pem").read())
os.chmod(d + "/lab.pem", 0o600)
os.symlink("/bin/cat", d + "/qmail-smtpd")

port = free_port()
svc = "tls=%d" % port
procs = [Proc(["socat", "OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,cert=%s/lab.pem,verify=0" % (port, d),
               "EXEC:%s/qmail-smtpd" % d], limit=120, stderr=subprocess.DEVNULL)]


def wait_file(path, limit=15.0):
    end = time.time() + limit
    while time.time() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.1)
    return False


def qtriage(args, as_nobody=True, timeout=30):
    pre = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if as_nobody else []
    # --no-probe: the probes see the 1-day certificate as root only (as nobody the listener is not known)
    p = subprocess.run(["timeout", "-k", "2", str(timeout)] + pre + [qt, "--no-probe"] + args, capture_output=True, text=True,
                       cwd=out_dir)
    return p.returncode, p.stdout, p.stderr


def services_row(text, name):
    rows = re.search(r"== Services ==\n(.*?)\n== ", text, re.S)
    for line in (rows.group(1).splitlines() if rows else []):
        cols = line.split()
        if cols and cols[0] == name:
            return cols
    return []


try:
    end = time.time() + 10
    while time.time() < end and not subprocess.run(["ss", "-Htln", "sport = :%d" % port], capture_output=True,
                                                    text=True).stdout.strip():
        time.sleep(0.1)
    procs.append(Proc(["/usr/bin/python3", SRCDIR + "/tests/integ/holder.py", "127.0.0.1", str(port),
                       "--src", "127.0.0.4:3", "--hold", "100", "--ready", d + "/ready"], limit=110))
    check(wait_file(d + "/ready"), "three silent TLS clients connected")
    time.sleep(0.5)

    # the state of this machine without thresholds: a CRITICAL from something
    # else running here (another test's lab) outranks UNKNOWN, as designed
    rc, out, err = qtriage(["--check", "--ports", svc, "--root", root], as_nobody=False)
    base = rc
    check(rc in (0, 1, 2), "root: --check without thresholds (%s)" % out[:120])

    # root sees the three pending handshakes: the staging can show a number
    rc, out, err = qtriage(["--once", "--ports", svc, "--root", root], as_nobody=False)
    row = services_row(out, "tls")
    check(rc == 0 and len(row) > 4 and row[4] == "3", "root: STALLED 3 (%s)" % " ".join(row))
    rc, out, err = qtriage(["--check", "--ports", svc, "--root", root, "-w", "stalled.tls=1"], as_nobody=False)
    check(rc == max(base, 1) and "WARN: stalled.tls=3 (warn 1)" in out,
          "root: --check -w stalled.tls=1 is WARNING (%s)" % out[:120])

    # nobody: screen text
    rc, out, err = qtriage(["--once", "--ports", svc, "--root", root])
    row = services_row(out, "tls")
    check(rc == 0 and len(row) > 4 and row[4] == "?", "nobody: Services STALLED is ? (%s)" % " ".join(row))
    check("STALLED ? = unknown" in out and "socket owners not readable: not root (uid %d)" % NOBODY in out,
          "nobody: the Services note says why")
    ip = [l.split() for l in out.splitlines() if l.startswith("127.0.0.4 ")]
    check(len(ip) == 1 and ip[0][3] == "?", "nobody: Remote IPs STALLED of 127.0.0.4 is ? (%s)" % ip)
    check("stalled: unknown, between 0 and 3 (socket owners not readable: not root" in out,
          "nobody: the finding's evidence says stalled is unknown and why")
    check(not re.search(r"\b0 stalled\b", out) and "? stalled (not visible)" in out,
          "nobody: the OK finding says '? stalled (not visible)', not '0 stalled'")

    # nobody: the JSON report
    rc, out, err = qtriage(["--json", "--ports", svc, "--root", root])
    doc = json.loads(out) if rc == 0 else {}
    check(doc.get("format_version") == 5, "JSON report format version 5 (2 added unknown values)")
    m = [x for x in doc.get("metrics", []) if x["key"] == "stalled.tls"]
    check(len(m) == 1 and m[0]["value"] is None and "not root" in m[0].get("unknown", "")
          and m[0].get("lower") == 0 and m[0].get("upper") == 3,
          "JSON: stalled.tls is null with the reason and bounds 0..3 (%s)" % m)
    est = [x for x in doc.get("metrics", []) if x["key"] == "established.tls"]
    check(len(est) == 1 and est[0]["value"] == 3 and "unknown" not in est[0], "JSON: established.tls stays 3")
    ports = [p for p in doc.get("panes", []) if p["name"] == "Ports"]
    cells = []
    if ports:
        for r in ports[0]["view"]["head"]["rows"]:
            if r["id"] == "tls":
                cells = r["cells"]
    check(len(cells) > 4 and cells[4]["text"] == "?", "JSON: the Services STALLED cell is ?")

    # nobody: --check
    rc, out, err = qtriage(["--check", "--ports", svc, "--root", root, "-w", "stalled.tls=1"])
    check(rc == (2 if base == 2 else 3) and bool(STATUS_LINE.match(out)),
          "nobody: --check -w stalled.tls=1 exits 3 (UNKNOWN) (%s)" % out[:200])
    check(("UNKNOWN: stalled.tls unknown (0..3) (warn 1): socket owners not readable: not root (uid %d)" % NOBODY) in out,
          "nobody: the status line gives the reason")
    check(perfdata(out).get("stalled.tls") == "U", "nobody: perfdata 'stalled.tls'=U")
    check(perfdata(out).get("established.tls") == "3", "nobody: perfdata established.tls=3")
    rc, out, err = qtriage(["--check", "--ports", svc, "--root", root, "-w", "stalled.tls=5"])
    check(rc in (0, 1, base) and "stalled.tls" not in out.split(" | ")[0],
          "nobody: a threshold even all three cannot cross decides (%s)" % out[:120])

    # nobody: Prometheus
    rc, out, err = qtriage(["--prometheus", out_dir + "/qt.prom", "--ports", svc, "--root", root])
    prom = open(out_dir + "/qt.prom").read() if os.path.exists(out_dir + "/qt.prom") else ""
    check(rc == 0 and 'qtriage_established{service="tls",port="%d"} 3' % port in prom, "Prometheus: established sample")
    check('qtriage_stalled{service="tls"' not in prom, "Prometheus: no stalled sample for tls")

    # the per-IP CRIT of the Servers lint: tcpserver -c 12, one address holds 9
    # slots (CRIT: at least 25% of the limit and more than 8 connections,
    # docs/severity.md). The children's TCPREMOTEIP is not readable for
    # nobody; the kernel's socket list is, so the CRIT must not vanish.
    if shutil.which("tcpserver"):
        pt = free_port()
        procs.append(Proc(["tcpserver", "-R", "-H", "-l0", "-c", "12", "127.0.0.1", str(pt), "/bin/cat"], limit=110,
                          stderr=subprocess.DEVNULL))
        end = time.time() + 10
        while time.time() < end and not subprocess.run(["ss", "-Htln", "sport = :%d" % pt], capture_output=True,
                                                        text=True).stdout.strip():
            time.sleep(0.1)
        procs.append(Proc(["/usr/bin/python3", SRCDIR + "/tests/integ/holder.py", "127.0.0.1", str(pt),
                           "--src", "127.0.0.8:9", "--hold", "100", "--ready", d + "/ready2"], limit=110))
        check(wait_file(d + "/ready2"), "nine silent clients on the tcpserver")
        time.sleep(0.5)
        want = "127.0.0.8 holds 9 of the 12 slots"
        rc, out, err = qtriage(["--once", "--ports", "plain=%d" % pt, "--root", root], as_nobody=False)
        check(("[CRIT] servers: " + want) in out, "root: Servers CRIT '%s'" % want)
        rc, out, err = qtriage(["--once", "--ports", "plain=%d" % pt, "--root", root])
        check(("[CRIT] servers: " + want) in out and "(kernel socket list)" in out,
              "nobody: the same CRIT, counted from the kernel's socket list")
finally:
    for p in procs:
        p.stop()
    rmtree(d)
sys.exit(done())

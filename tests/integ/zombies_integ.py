#!/usr/bin/python3
"""Integration test: real zombies staged under a real daemontools supervise,
checked against ps.

Stages (all bounded by `timeout` / zombie-maker -t, stopped by recorded pid):
  - supervise qmail-smtpd (temp service dir) -> zombie-maker (lab/src/zombie-maker.c) running as
    "tcpserver -v -R -H -l0 127.0.0.1 PORT /var/qmail/bin/qmail-smtpd"
    with 5 zombie children named qmail-smtpd (never reaped);
  - a second zombie-maker outside any supervise, as "cronjob", with 2 zombies
    named "worker" (unrelated to mail).
Then `qtriage --once` must show, for exactly these parents, the same
groups, counts, zombie pids and names as `ps -eo pid,ppid,stat,comm` on the
same state (ps runs before and after: the state must not change in between),
name the service (qmail-smtpd, its supervise directory), rate the mail group
WARN with `svc -t DIR` in the fix, and the unrelated group INFO.

usage: zombies_integ.py QTRIAGE ZMAKER
Exit 0 pass, 1 fail, 77 skip (no supervise).
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qtcheck  # noqa: E402
from qtcheck import check  # noqa: E402

QTRIAGE, ZMAKER = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PORT = os.environ.get("QT_INTEG_PORT", "24025")
def wait_file(path, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(path):
            with open(path) as f:
                s = f.read().strip()
            if s:
                return int(s)
        time.sleep(0.05)
    raise SystemExit("FAIL: %s did not appear within %ss" % (path, seconds))


def ps_zombies():
    """{ppid: {pid: comm}} for zombies, and {pid: comm} of all processes."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,stat,comm", "--no-headers"], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    z, comm = {}, {}
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        pid, ppid, stat, name = int(parts[0]), int(parts[1]), parts[2], parts[3]
        comm[pid] = name
        # "Zl" is a thread group whose leader exited, not a zombie to reap
        if stat.startswith("Z") and "l" not in stat:
            z.setdefault(ppid, {})[pid] = name
    return z, comm


def parse_qtriage(text):
    """Rows of the Zombies table and the zombies findings, keyed by parent pid."""
    rows, findings = {}, {}
    lines = text.splitlines()
    i = lines.index("== Zombies by parent ==")
    # cells are padded with at least two spaces; the last (command) may hold anything
    names = re.split(r" {2,}", lines[i + 1].strip())
    for line in lines[i + 2:]:
        if not line.strip():
            break
        cells = dict(zip(names, re.split(r" {2,}", line.strip(), maxsplit=len(names) - 1)))
        rows[int(cells["PPID"])] = cells
    cur = None
    for line in lines:
        m = re.match(r"\[(OK|INFO|WARN|CRIT)\] zombies: (.*)", line)
        if m:
            pm = re.search(r"\(pid (\d+)\)", m.group(2))
            cur = {"sev": m.group(1), "title": m.group(2), "text": []}
            if pm:
                findings[int(pm.group(1))] = cur
            continue
        if line.startswith("["):
            cur = None
        elif cur is not None:
            cur["text"].append(line.strip())
    return rows, findings


def names_multiset(s):
    """"qmail-smtpd x3, vchkpw" -> {"qmail-smtpd": 3, "vchkpw": 1}"""
    out = {}
    for part in s.split(", "):
        m = re.match(r"(.*) x(\d+)$", part)
        name, n = (m.group(1), int(m.group(2))) if m else (part, 1)
        out[name] = out.get(name, 0) + n
    return out


def main():
    if not shutil.which("supervise") or not shutil.which("svc"):
        print("SKIP: daemontools (supervise, svc) not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="qt-zinteg-")
    svcdir = os.path.join(tmp, "service", "qmail-smtpd")
    os.makedirs(svcdir)
    pidfile = os.path.join(tmp, "smtpd.pid")
    with open(os.path.join(svcdir, "run"), "w") as f:
        f.write("#!/bin/sh\nexec %s -n 5 -t 60 -p %s -- tcpserver -v -R -H -l0 127.0.0.1 %s "
                "/var/qmail/bin/qmail-smtpd\n" % (ZMAKER, pidfile, PORT))
    os.chmod(os.path.join(svcdir, "run"), 0o755)
    sup = subprocess.Popen(["timeout", "90", "supervise", svcdir], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    other_pidfile = os.path.join(tmp, "other.pid")
    other = subprocess.Popen([ZMAKER, "-n", "2", "-c", "worker", "-t", "60", "-p", other_pidfile, "--",
                              "cronjob", "--nightly"], start_new_session=True)
    try:
        smtpd = wait_file(pidfile, 20)
        cron = wait_file(other_pidfile, 20)
        time.sleep(0.2)
        for attempt in range(5):
            before, comm = ps_zombies()
            q = subprocess.run([QTRIAGE, "--once"], capture_output=True, text=True, timeout=60)
            after, _ = ps_zombies()
            if before.get(smtpd) == after.get(smtpd) and before.get(cron) == after.get(cron):
                break
            time.sleep(0.5)
        else:
            raise SystemExit("FAIL: the staged state kept changing")
        check(q.returncode == 0, "qtriage --once exit %d: %s" % (q.returncode, q.stderr))
        rows, findings = parse_qtriage(q.stdout)

        for ppid, svc, sev in ((smtpd, "qmail-smtpd", "WARN"), (cron, "-", "INFO")):
            want = before.get(ppid, {})
            check(len(want) > 0, "ps shows no zombies under %d" % ppid)
            row = rows.get(ppid)
            check(row is not None, "no qtriage group for parent %d" % ppid)
            if not row:
                continue
            check(int(row["ZOMBIES"]) == len(want), "parent %d: qtriage counts %s, ps %d" %
                  (ppid, row["ZOMBIES"], len(want)))
            ms = {}
            for n in want.values():
                ms[n] = ms.get(n, 0) + 1
            check(names_multiset(row["NAMES"]) == ms, "parent %d: names %r vs ps %r" % (ppid, row["NAMES"], ms))
            check(row["PARENT"] == comm.get(ppid), "parent %d: name %r vs ps %r" % (ppid, row["PARENT"],
                                                                                    comm.get(ppid)))
            check(row["SERVICE"] == svc, "parent %d: service %r, want %r" % (ppid, row["SERVICE"], svc))
            check(row["SEV"] == sev, "parent %d: severity %s, want %s" % (ppid, row["SEV"], sev))
            f = findings.get(ppid)
            check(f is not None, "no finding for parent %d" % ppid)
            if f:
                text = "\n".join(f["text"])
                m = re.search(r"pids ([\d ]+)", text)
                got = set(int(x) for x in m.group(1).split()) if m else set()
                check(got == set(want), "parent %d: zombie pids %s vs ps %s" % (ppid, sorted(got), sorted(want)))
                check(f["sev"] == sev, "finding severity %s for %d" % (f["sev"], ppid))
        # every zombie ps shows under our parents is in exactly one qtriage group
        f = findings.get(smtpd)
        if f:
            text = "\n".join(f["text"])
            check("service: qmail-smtpd (supervise qmail-smtpd, directory %s)" % svcdir in text,
                  "service directory not named in:\n" + text)
            check("svc -t %s" % svcdir in text, "fix does not say svc -t %s" % svcdir)
            check("chain: tcpserver[%d] <- supervise qmail-smtpd[" % smtpd in text, "chain wrong:\n" + text)
            check("not reaped by tcpserver (pid %d)" % smtpd in f["title"], "title: " + f["title"])
        f = findings.get(cron)
        if f:
            check("not part of the mail system" in f["title"], "unrelated title: " + f["title"])
        # perfdata and Prometheus name a parent by its program, never its pid
        # (docs/monitoring.md): a restarted parent keeps its series
        q = subprocess.run([QTRIAGE, "--check"], capture_output=True, text=True, timeout=60)
        labels = re.findall(r"'(zombies\.[^']*)'=(\d+)", q.stdout)
        check(labels and not any("@" in k for k, _ in labels), "zombies perfdata labels carry no pid: %s" % labels)
        check(any(re.fullmatch(r"zombies\.cronjob(#\d+)?", k) and v == "2" for k, v in labels),
              "'zombies.cronjob'=2 in the perfdata: %s" % labels)
        prom = os.path.join(tmp, "q.prom")
        q = subprocess.run([QTRIAGE, "--prometheus", prom], capture_output=True, text=True, timeout=60)
        with open(prom) as f:
            zl = [l for l in f.read().splitlines() if l.startswith("qtriage_zombies{")]
        check(zl and not any("@" in l for l in zl), "Prometheus zombies labels carry no pid: %s" % zl)
        check(any(re.fullmatch(r'qtriage_zombies\{service="cronjob(#\d+)?",port="0"\} 2', l) for l in zl),
              "qtriage_zombies{service=\"cronjob\"} 2 in the textfile: %s" % zl)
        # qtriage counts every zombie of the system that ps counted in the same state,
        # unless the state moved (other processes on the machine): check only ours above.
    finally:
        subprocess.run(["svc", "-dx", svcdir], timeout=10, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for p in (other, sup):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in (other, sup):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    if qtcheck.failed:
        print(q.stdout if 'q' in dir() else "")
    return qtcheck.done()


if __name__ == "__main__":
    sys.exit(main())

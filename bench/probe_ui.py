#!/usr/bin/python3
"""probe_ui.py - the console's key latency while probes wait (issue 18), side by
side with the same console under --no-probe. Not a test: no assertion on time.

usage: bench/probe_ui.py QTRIAGE [--services N (7)] [--keys N] [--cadence S]
                         [--size COLSxROWS] [--rounds N] [--base-port P]

Servers: N socat OPENSSL-LISTEN listeners on 127.0.0.1 without a handshake
deadline (like tests/ui/test_probe.sh): the handshake probe ends at once, the
idle-drop probe (a silent client, then half a ClientHello) is held open for the
whole --probe-idle 30 bound, so every service has one probe connection waiting.
The console runs in a pseudo-terminal (like bench/tui_pty.py) with
--ports s1=P1,... --probe-idle 30 --interval 60 (no sample redraw lands on a
key during the run: what is timed is the key's own frame); keys (panes 1..8,
each followed by j j k) are written at a steady cadence. Per key:
  first: write -> first byte of screen output that follows;
  frame: write -> last byte of that burst (output quiet for QUIET seconds).
A key that draws nothing within NO_OUTPUT (j or k on a pane without rows) is
counted, not timed.
The probes in flight are counted before each key: the listeners' connections in
ESTABLISHED state (ss -tn; only the console connects to them). Then the same keys
against the same servers with --no-probe. Run it under the machine's locks:
  flock /tmp/qt-lab.lock flock /tmp/qt-bench.lock bench/probe_ui.py build/qtriage
Method and numbers: docs/performance-probes.md.
"""
import argparse, os, select, shutil, statistics, subprocess, sys, tempfile, time

import ptyrun

QUIET = 0.04       # a frame is done when the terminal has been silent this long
NO_OUTPUT = 0.5    # a key without any output within this is counted, not timed


def listening(port):
    for _ in range(50):
        out = subprocess.run(["ss", "-Htln", f"( sport = :{port} )"], capture_output=True, text=True).stdout
        if out.strip():
            return True
        time.sleep(0.1)
    return False


def start_servers(tmp, ports):
    key, crt = os.path.join(tmp, "k.pem"), os.path.join(tmp, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "30", "-subj", "/CN=bench.test"], check=True, capture_output=True)
    pem = os.path.join(tmp, "s.pem")
    with open(pem, "wb") as f:
        f.write(open(key, "rb").read() + open(crt, "rb").read())
    procs = []
    for p in ports:
        # no handshake deadline: a silent client waits in SSL_accept until it leaves
        procs.append(subprocess.Popen(["timeout", "300", "socat",
                                       f"OPENSSL-LISTEN:{p},bind=127.0.0.1,reuseaddr,fork,max-children=20,"
                                       f"cert={pem},verify=0", "EXEC:/bin/cat"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for p in ports:
        if not listening(p):
            raise SystemExit(f"socat did not listen on 127.0.0.1:{p}")
    return procs


def in_flight(ports):
    """Server-side ESTABLISHED sockets on the listeners' ports: only the console connects to
    them, and a socat child exits when its client leaves (ss without -p: cheap, off the cadence)."""
    flt = "( " + " or ".join(f"sport = :{p}" for p in ports) + " )"
    out = subprocess.run(["ss", "-Htn", "state", "established", flt], capture_output=True, text=True).stdout
    return len(out.splitlines())


def read_for(fd, limit):
    """Read until the terminal is quiet for QUIET s (or limit); return (first, last) times or None."""
    first = last = None
    end = time.monotonic() + limit
    while True:
        now = time.monotonic()
        if now >= end:
            break
        wait = min(end - now, QUIET if first is not None else end - now)
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            if first is not None:
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        t = time.monotonic()
        if first is None:
            first = t
        last = t
    return (first, last) if first is not None else None


def cpu_s(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def run(cmd, cols, rows, keys, cadence, ports):
    pid, fd = ptyrun.spawn(cmd, cols, rows)
    buf, t0 = b"", time.monotonic()
    while not (b"Findings" in buf and b"help" in buf) and time.monotonic() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            buf += os.read(fd, 65536)
    read_for(fd, 2.0)  # let the first probes start (handshake, then the idle probe)
    seq = [k for p in "12345678" for k in (p, "j", "j", "k")]
    out = {"pane": [], "jk": []}
    first, frame, flight, silent = [], [], [], 0
    next_at = time.monotonic()
    for i in range(keys):
        # the screen stays quiet until the key: output of a probe result is not the key's
        while time.monotonic() < next_at:
            read_for(fd, next_at - time.monotonic())
        flight.append(in_flight(ports))
        key = seq[i % len(seq)]
        t = time.monotonic()
        next_at = t + cadence
        os.write(fd, key.encode())
        got = read_for(fd, NO_OUTPUT)
        if got is None:
            silent += 1  # j or k on a pane without rows draws nothing
            continue
        first.append((got[0] - t) * 1000)
        frame.append((got[1] - t) * 1000)
        out["pane" if key.isdigit() else "jk"].append(frame[-1])
        if os.environ.get("PROBE_UI_DEBUG"):
            print(f"key {key!r} first {first[-1]:.2f} frame {frame[-1]:.2f}", file=sys.stderr)
    cpu = cpu_s(pid)
    ptyrun.stop(pid, fd, b"q", 0.3)
    return {"first": first, "frame": frame, "flight": flight, "silent": silent, "cpu": cpu,
            "pane": out["pane"], "jk": out["jk"]}


def pct(v, q):
    s = sorted(v)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def line(name, v):
    if not v:
        return f"{name:<6} no samples"
    return f"{name:<6} median {statistics.median(v):6.2f} ms  p95 {pct(v, 0.95):6.2f} ms  max {max(v):6.2f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("qtriage")
    ap.add_argument("--services", type=int, default=7)
    ap.add_argument("--keys", type=int, default=128)
    ap.add_argument("--cadence", type=float, default=0.25)
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--base-port", type=int, default=24971)
    a = ap.parse_args()
    for p in ("socat", "openssl", "ss"):
        if not shutil.which(p):
            raise SystemExit(f"{p} not installed")
    cols, rows = (int(x) for x in a.size.split("x"))
    ports = [a.base_port + i for i in range(a.services)]
    tmp = tempfile.mkdtemp(prefix="qt-probeui.")
    procs = []
    try:
        os.makedirs(os.path.join(tmp, "root/var/qmail/control"))
        with open(os.path.join(tmp, "root/var/qmail/control/me"), "w") as f:
            f.write("bench.test\n")
        procs = start_servers(tmp, ports)
        base = [os.path.abspath(a.qtriage), "--root", os.path.join(tmp, "root"), "--interval", "60",
                "--ports", ",".join(f"s{i + 1}={p}" for i, p in enumerate(ports))]
        res = {"probes": [], "no-probe": []}
        t_run = time.monotonic()
        for _ in range(a.rounds):
            # --probe-idle 30: each idle-drop probe is held open for 30 s (60 s with half a hello)
            res["probes"].append(run(base + ["--probe-idle", "30"], cols, rows, a.keys, a.cadence, ports))
            res["no-probe"].append(run(base + ["--no-probe"], cols, rows, a.keys, a.cadence, ports))
        print(f"terminal {cols}x{rows}, {a.services} TLS services without a handshake deadline, "
              f"{a.keys} keys x {a.rounds} round(s) every {a.cadence * 1000:.0f} ms (panes 1-8, j j k)")
        med = {}
        for name in ("probes", "no-probe"):
            rs = res[name]
            first = [x for r in rs for x in r["first"]]
            frame = [x for r in rs for x in r["frame"]]
            flight = [x for r in rs for x in r["flight"]]
            med[name] = (statistics.median(first), statistics.median(frame), pct(first, 0.95), pct(frame, 0.95))
            full = sum(1 for x in flight if x == a.services)
            print(f"[{name}] probe connections in flight per key: min {min(flight)} median "
                  f"{statistics.median(flight):g} max {max(flight)}, all {a.services} at {full} of "
                  f"{len(flight)} keys; keys without output: "
                  f"{sum(r['silent'] for r in rs)}; console CPU {sum(r['cpu'] for r in rs):.2f} s")
            print("  " + line("first", first))
            print("  " + line("frame", frame))
            print("  " + line("1-8", [x for r in rs for x in r["pane"]]) + "  (frame, pane switches)")
            print("  " + line("j/k", [x for r in rs for x in r["jk"]]) + "  (frame, row moves)")
        p, n = med["probes"], med["no-probe"]
        print(f"run took {time.monotonic() - t_run:.0f} s")
        print(f"ratio probes / no probes: first median {p[0] / n[0]:.2f}x p95 {p[2] / n[2]:.2f}x; "
              f"frame median {p[1] / n[1]:.2f}x p95 {p[3] / n[3]:.2f}x")
    finally:
        for pr in procs:
            pr.terminate()
        for pr in procs:
            pr.wait()
        shutil.rmtree(tmp, ignore_errors=True)


main()

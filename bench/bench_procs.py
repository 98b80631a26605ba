#!/usr/bin/python3
"""Benchmark qtriage's process sample against ps on a big process table.

Stages TOTAL processes of which ZOMBIES are zombies (lab/src/zombie-maker.c:
one parent with ZOMBIES zombie children and enough sleeping children to reach
TOTAL with what already runs), then times, interleaved, RUNS times each:

  ps            ps -eo pid,ppid,stat,lstart,args  (output to /dev/null)
  qt libproc2   bench/procs_bench: one procs + zombies collector sample
                (the default libproc2 backend), as a fresh process
  qt proc       the same from a -Dprocs=proc build (plain /proc reader)
  qtriage       qtriage --once (sample + render everything; output to /dev/null)
  reap sets     bare libproc2 reaps of growing item sets (what each field costs)

each under /usr/bin/time -v (peak RSS, user and system CPU), wall time
measured around it. Prints medians side by side as a Markdown table, plus
the steady-state sample time (the persistent reader, samples 2..K in one
process: what the console pays every interval).

usage: bench/bench_procs.py [--build DIR] [--build-proc DIR] [--runs N]
                            [--total N] [--zombies N] [--steady K]
Needs: root (or a high RLIMIT_NPROC), package `time` (/usr/bin/time).
Every staged process is stopped by its recorded pid at the end.
"""
import argparse
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def count_procs():
    total = zombies = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d, "rb") as f:
                s = f.read()
        except OSError:
            continue
        total += 1
        if s[s.rindex(b")") + 2:s.rindex(b")") + 3] == b"Z":
            zombies += 1
    return total, zombies


def timed(cmd):
    """Run cmd under /usr/bin/time -v; return wall s, cpu s, peak RSS KiB."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, timeout=300)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("%s failed: %s" % (" ".join(cmd), p.stderr[-500:]))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", p.stderr).group(1))
    sys_ = float(re.search(r"System time \(seconds\): ([\d.]+)", p.stderr).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return wall, user + sys_, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--build-proc", default="build-proc")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--total", type=int, default=10000)
    ap.add_argument("--zombies", type=int, default=1000)
    ap.add_argument("--steady", type=int, default=20)
    a = ap.parse_args()

    zmaker = os.path.join(a.build, "lab", "zombie-maker")
    bench = os.path.join(a.build, "bench", "procs_bench")
    bench_proc = os.path.join(a.build_proc, "bench", "procs_bench")
    qtriage = os.path.join(a.build, "qtriage")
    for f in (zmaker, bench, qtriage, "/usr/bin/time"):
        if not os.access(f, os.X_OK):
            raise SystemExit("missing %s (build first; apt-get install time)" % f)
    have_proc = os.access(bench_proc, os.X_OK)

    # limits: one parent with TOTAL children
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    want = a.total + 2000
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NPROC, (want, max(hard, want) if hard != resource.RLIM_INFINITY else hard))
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    if pid_max < a.total + 5000:
        raise SystemExit("kernel.pid_max is %d: raise it (sysctl kernel.pid_max=65536) for %d processes" %
                         (pid_max, a.total))

    # let a previous run's orphans be reaped first: the baseline must be stable
    prev, stable_since = None, time.time()
    for _ in range(120):
        cur = count_procs()
        if cur != prev:
            prev, stable_since = cur, time.time()
        elif time.time() - stable_since >= 3:
            break
        time.sleep(0.5)
    base_total, base_z = count_procs()
    live = a.total - a.zombies - base_total - 1
    if live < 0:
        raise SystemExit("already %d processes" % base_total)
    tmp = tempfile.mkdtemp(prefix="qt-bench-")
    pidfile = os.path.join(tmp, "zmaker.pid")
    maker = subprocess.Popen([zmaker, "-l", str(live), "-n", str(a.zombies), "-m", str(a.zombies),
                              "-t", "1800", "-p", pidfile,
                              "-L", "bench-sleeper", "--", "tcpserver", "-v", "-R", "-H", "0", "2525",
                              "/var/qmail/bin/qmail-smtpd"], start_new_session=True)
    rows = {}
    try:
        t0 = time.time()
        while not os.path.exists(pidfile):
            if maker.poll() is not None:
                raise SystemExit("zmaker exited with %s" % maker.returncode)
            if time.time() - t0 > 600:
                raise SystemExit("staging took too long")
            time.sleep(0.5)
        time.sleep(2)
        total, zombies = count_procs()
        print("staged: %d processes, %d zombies (before: %d, %d) in %.0f s; load %s" %
              (total, zombies, base_total, base_z, time.time() - t0, os.getloadavg()))
        cmds = [("ps -eo pid,ppid,stat,lstart,args", ["ps", "-eo", "pid,ppid,stat,lstart,args"]),
                ("qt sample, libproc2 (procs_bench)", [bench]),
                ("qtriage --once (libproc2, all panes)", [qtriage, "--once"])]
        if have_proc:
            cmds.insert(2, ("qt sample, /proc reader (procs_bench)", [bench_proc]))
        # what each field costs: bare libproc2 reaps of growing item sets
        for setname, what in (("bare", "pid ppid state"), ("stat", "all stat fields"),
                              ("stat+status", "stat + real uid"), ("stat+cmdline", "stat + argv"),
                              ("full", "stat + uid + argv")):
            cmds.append(("libproc2 reap only: %s (%s)" % (setname, what), [bench, "-b", setname]))
        for name, _ in cmds:
            rows[name] = []
        for i in range(a.runs):
            order = cmds[i % len(cmds):] + cmds[:i % len(cmds)]  # rotate: no command always goes first
            for name, cmd in order:
                rows[name].append(timed(cmd))
        steady = subprocess.run([bench, "-n", str(a.steady)], capture_output=True, text=True, timeout=600).stdout
        steady_proc = subprocess.run([bench_proc, "-n", str(a.steady)], capture_output=True, text=True,
                                     timeout=600).stdout if have_proc else ""
        total2, zombies2 = count_procs()
        print("after: %d processes, %d zombies; load %s" % (total2, zombies2, os.getloadavg()))
    finally:
        try:
            os.kill(maker.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        maker.wait(timeout=120)
        for _ in range(120):
            if count_procs()[0] < base_total + 100:
                break
            time.sleep(1)
        try:
            os.unlink(pidfile)
            os.rmdir(tmp)
        except OSError:
            pass

    ps = rows[cmds[0][0]]
    ps_wall = statistics.median(r[0] for r in ps)
    ps_cpu = statistics.median(r[1] for r in ps)
    print()
    print("| command | median wall | vs ps | median CPU (user+sys) | vs ps | peak RSS (max of runs) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in cmds:
        r = rows[name]
        w = statistics.median(x[0] for x in r)
        c = statistics.median(x[1] for x in r)
        m = max(x[2] for x in r)
        print("| %s | %.0f ms | %.2fx | %.0f ms | %.2fx | %.1f MiB |" % (name, w * 1000, w / ps_wall, c * 1000,
                                                                     c / ps_cpu if ps_cpu else 0, m / 1024))
    print()
    print("runs per command: %d (interleaved); processes %d, zombies %d" % (a.runs, total, zombies))
    print("steady state (persistent reader, one process):", steady.strip())
    if steady_proc:
        print("steady state (/proc reader):", steady_proc.strip())


if __name__ == "__main__":
    sys.exit(main())

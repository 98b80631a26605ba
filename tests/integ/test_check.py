"""--check as a Nagios/Icinga plugin, staged for real: a tcpserver on a
loopback high port with -c 3 and three silent clients holding its slots.
Exit codes 0/1/2/3 and one status line whose perfdata matches the plugin
guidelines' format exactly. Thresholds use the per-service metric
established.<svc> when the sockets collector provides it; until then the
processes metric, so the test keeps working as collectors are added."""
import os
import re
import socket
import sys
import time

from qtlib import STATUS_LINE, Proc, check, done, free_port, perfdata, require, rmtree, run, tmpdir, wait_listen

require("tcpserver", "ss")


def plugin(args, want_rc, what, **kw):
    t0 = time.time()
    rc, out, err = run(["--check"] + args, **kw)
    took = time.time() - t0
    ok_line = bool(STATUS_LINE.match(out))
    check(rc == want_rc and ok_line and err == "",
          "%s: exit %d, guideline status line (%s)" % (what, want_rc, out.strip()[:160]))
    return rc, out, took


d = tmpdir("check")
empty_root = d + "/root"
os.mkdir(empty_root)

port = free_port()
svc = "lab=%d" % port
# -c 10: three clients are 30% of the limit, so the service itself raises no
# finding and the plugin's state comes from the thresholds under test (a
# machine with a real incident elsewhere, e.g. a lab left up, is not clean).
tcpserver = Proc(["tcpserver", "-v", "-R", "-H", "-l0", "-c", "10", "127.0.0.1", str(port), "/bin/cat"],
                 limit=120, stderr=open(d + "/tcpserver.log", "w"))
check(wait_listen(port), "tcpserver listens on 127.0.0.1:%d" % port)
time.sleep(0.3)  # let the probe connection's child end
clients = []
for i in range(3):
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    clients.append(c)  # silent: /bin/cat waits for input
time.sleep(0.5)

try:
    # what the sample measures
    # the state without thresholds comes from the findings alone: the bare
    # tcpserver has no per-IP limit (a WARN lint), nothing is CRITICAL
    rc, out, err = run(["--check", "--ports", svc, "--root", empty_root])
    base = rc
    check(base in (0, 1) and STATUS_LINE.match(out) and err == "",
          "lab, no thresholds: OK or WARNING from findings, never worse (%s)" % out.strip()[:160])
    perf = perfdata(out)
    check(perf.get("findings.crit") == "0", "no CRIT finding for a service at 30% of its limit")
    for k in ("findings.crit", "findings.warn", "findings.info", "collectors_failed", "sample_seconds"):
        check(k in perf, "perfdata has " + k)
    key = "established.lab"
    if key in perf:
        check(perf[key] == "3", "established.lab counts the three clients")
        low, high = "2", "10"
    else:
        print("note: no %s metric yet (sockets collector not merged): thresholds on processes" % key)
        key = "processes"
        check(int(perf[key]) >= 4, "processes counts tcpserver and its children (%s)" % perf[key])
        low, high = "1", "100000000"

    plugin(["--ports", svc, "--root", empty_root, "--warn", "%s=%s" % (key, high)], base,
           "under the thresholds: the state of the findings alone")
    rc, out, _ = plugin(["--ports", svc, "--root", empty_root, "--warn", "%s=%s" % (key, low),
                         "--crit", "%s=%s" % (key, high)], 1, "WARNING over --warn")
    check(("WARN: %s=" % key) in out and ("'%s'=" % key) in out and (";%s;%s;" % (low, high)) in out,
          "WARNING names the metric and puts warn;crit in its perfdata")
    rc, out, _ = plugin(["--ports", svc, "--root", empty_root, "-w", "%s=%s" % (key, low), "-c", "%s=%s" % (key, low)],
                        2, "CRITICAL over --crit (short options)")
    check(("CRIT: %s=" % key) in out and ("WARN: %s=" % key) not in out, "CRITICAL is not also listed as WARNING")
    plugin(["--ports", svc, "--root", empty_root, "--crit", "%s=@0:%s" % (key, high)], 2, "CRITICAL inside an @range")
    # a threshold key that names no perfdata label is a misconfigured check:
    # UNKNOWN with the one reason, even while another threshold is CRITICAL
    rc, out, _ = plugin(["--ports", svc, "--root", empty_root, "-c", "%s=%s" % (key, low), "-w", "nosuch=1"], 3,
                        "UNKNOWN for an unknown threshold key, not CRITICAL")
    check("QTRIAGE UNKNOWN - UNKNOWN: unknown threshold key 'nosuch'" in out and "CRIT:" not in out,
          "the status names the unknown key and nothing else")
    # perfdata labels: METRIC.SERVICE, no pid anywhere
    rc, out, _ = run(["--check", "--ports", svc, "--root", empty_root])
    perf = perfdata(out)
    for k in ("established.lab", "stalled.lab", "queued.lab"):
        check(k in perf, "perfdata has " + k)
    check(not any(re.search(r"@\d", k) for k in perf), "no pid in any perfdata label: %s" % sorted(perf))

    # UNKNOWN: a failed collector, a metric the sample lacks, a hang, bad usage
    rc, out, _ = plugin(["--proc", d + "/no-such-proc"], 3, "UNKNOWN when the procs collector fails")
    # procs failed, and the collectors that read its table fail or go stale with it
    check("procs collector failed" in out and re.search(r"'collectors_failed'=[1-9]", out) is not None,
          "UNKNOWN says which collector failed")
    rc, out, _ = plugin(["--crit", "established.nosuch=5"], 3, "UNKNOWN for a threshold on a missing metric")
    check("no metric 'established.nosuch'" in out, "UNKNOWN names the missing metric")
    # a sample that does not finish in time: net/tcp a 1 TiB sparse file,
    # streamed in full by the sockets reader (a FIFO no longer hangs
    # anything: readers refuse what is not a regular file, issue 12)
    os.makedirs(d + "/hang/net")
    with open(d + "/hang/net/tcp", "wb") as f:
        f.truncate(1 << 40)
    t0 = time.time()
    rc, out, err = run(["--check", "--proc", d + "/hang", "--timeout", "1"], timeout=20)
    took = time.time() - t0
    check(rc == 3 and out == "QTRIAGE UNKNOWN - timed out after 1 s\n", "hung sample: UNKNOWN after --timeout (%r)" % out)
    check(took < 3, "--timeout 1 returns within 3 s (took %.2f s)" % took)
    for bad in (["--check", "--warn", "x"], ["--check", "--bogus"], ["--check", "--json"], ["--check", "--timeout", "0"]):
        rc, out, err = run(bad)
        check(rc == 3 and out.startswith("QTRIAGE UNKNOWN - ") and out.count("\n") == 1,
              "bad usage %s: UNKNOWN, one line (%s)" % (" ".join(bad[1:]), out.strip()))
finally:
    for c in clients:
        c.close()
    tcpserver.stop()
rmtree(d)
sys.exit(done())

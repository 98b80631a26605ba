"""Helpers for qtriage's integration tests (run with /usr/bin/python3).

Every process a test starts is bounded by `timeout`, recorded by pid and
stopped by that pid only; everything listens on 127.0.0.1 high ports that
are checked free first; nothing queries DNS (tcpserver always runs with -H).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qtcheck import check, done  # noqa: E402,F401  (the tests import them from here)

QTRIAGE, FIXTURE, SRCDIR = sys.argv[1], sys.argv[2], sys.argv[3]

# The monitoring-plugins guidelines' perfdata: 'label'=value[UOM];[warn];[crit];[min];[max]
NUM = r"-?[0-9]+(\.[0-9]+)?"
RANGE = r"@?((~|" + NUM + r")?:)?(" + NUM + r")?"
PERF = (r"'[^'=]+'=(U|" + NUM + r")(s|ms|us|%|B|KB|MB|TB|c)?"
        r"(;(" + RANGE + r")?(;(" + RANGE + r")?(;(" + NUM + r")?(;(" + NUM + r")?)?)?)?)?")
STATUS_LINE = re.compile(r"^QTRIAGE (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \| " + PERF + r"( " + PERF + r")*\n$")
PERF_ITEM = re.compile(r"'([^'=]+)'=(U|" + NUM + r")")


def require(*tools):
    """Skip (meson's exit 77) when a program the test drives is not installed."""
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        print("SKIP: not installed: %s (Debian packages: see README)" % " ".join(missing))
        sys.exit(77)


def run(args, env=None, timeout=30, cwd=None):
    """Run qtriage (bounded); returns (rc, stdout, stderr)."""
    p = subprocess.run(["timeout", "-k", "2", str(timeout), QTRIAGE] + args, capture_output=True,
                       text=True, env=env, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def free_port():
    """A loopback port nobody listens on (ss -tln checked, then bound)."""
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port < 20000:
            continue
        out = subprocess.run(["ss", "-Htln", "sport = :%d" % port], capture_output=True, text=True).stdout
        if not out.strip():
            return port
    raise RuntimeError("no free port")


def wait_listen(port, limit=10.0):
    end = time.time() + limit
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


class Proc:
    """A background process bounded by timeout(1), stopped by its pid."""

    def __init__(self, args, limit=120, **kw):
        self.p = subprocess.Popen(["timeout", "-k", "2", str(limit)] + args, start_new_session=True, **kw)
        self.pid = self.p.pid

    def stop(self):
        if self.p.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)  # its own session: the timeout and its child
            except ProcessLookupError:
                pass
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.p.wait(5)


def tmpdir(name):
    d = tempfile.mkdtemp(prefix="qt-integ-%s-" % name)
    return d


def rmtree(d):
    shutil.rmtree(d, ignore_errors=True)


def perfdata(line):
    """{label: value} of a status line."""
    return {m.group(1): m.group(2) for m in PERF_ITEM.finditer(line.split(" | ", 1)[1])}

"""Shared helpers for the auth wizard's integration tests: a private lab
directory, free loopback ports, processes bounded by `timeout` and stopped
by their recorded pid, a TLS certificate, the lab's vchkpw/vuserinfo
stand-ins (lab/src), set up by files beside the copies (lab/src/vpw.h).
Nothing here touches anything but 127.0.0.1 and the lab directory."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from qtcheck import check, done  # noqa: E402

PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))

CREDS = ("joe@example.test:s3cret-Pw\n"
         "locked@example.test:lockpw-9:nosmtp\n"
         "cram@example.test:tanstaaftanstaaf\n")


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Lab:
    def __init__(self, qtriage, vchkpw, vuserinfo):
        self.qtriage = qtriage
        self.dir = tempfile.mkdtemp(prefix="qt-authlab-")
        self.procs = []
        self.root = self.make_root("root", vchkpw, vuserinfo, CREDS)
        self.vchkpw = os.path.join(self.root, "home/vpopmail/bin/vchkpw")

    def make_root(self, name, vchkpw, vuserinfo, creds, helohost=None):
        root = os.path.join(self.dir, name)
        b = os.path.join(root, "home/vpopmail/bin")
        os.makedirs(b)
        shutil.copy(vchkpw, os.path.join(b, "vchkpw"))
        if vuserinfo:
            shutil.copy(vuserinfo, os.path.join(b, "vuserinfo"))
        with open(os.path.join(b, "vchkpw-creds"), "w") as f:
            f.write(creds)
        c = os.path.join(root, "var/qmail/control")
        os.makedirs(c)
        with open(os.path.join(c, "me"), "w") as f:
            f.write("mail.example.test\n")
        if helohost:
            with open(os.path.join(c, "helohost"), "w") as f:
                f.write(helohost + "\n")
        return root

    def cert(self):
        cert, key = os.path.join(self.dir, "cert.pem"), os.path.join(self.dir, "key.pem")
        if not os.path.exists(cert):
            subprocess.run(["timeout", "30", "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "365", "-subj", "/CN=mail.example.test",
                            "-addext", "subjectAltName=DNS:mail.example.test,IP:127.0.0.1"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return cert, key

    def start(self, argv, lifetime, ready=True):
        """Start argv under `timeout lifetime`, in its own process group; wait
        for a "ready" line on stdout when asked."""
        p = subprocess.Popen(["timeout", str(lifetime)] + argv, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, start_new_session=True, text=True)
        self.procs.append(p)
        if ready:
            line = p.stdout.readline()
            if "ready" not in line:
                raise RuntimeError("server did not start: %r" % argv)
        return p

    def wait_port(self, port, udp=False, secs=5.0):
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if udp:
                return True
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def qtriage_auth(self, account, password, args, root=None, stdin_extra=""):
        argv = [self.qtriage, "--root", root or self.root, "--auth", account] + args
        t0 = time.monotonic()
        r = subprocess.run(["timeout", "90"] + argv, input=password + "\n" + stdin_extra,
                           capture_output=True, text=True)
        took = time.monotonic() - t0
        # under ASan/UBSan builds: any report is a failure of its own
        for bad in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if bad in r.stderr:
                check(False, "sanitizer report running %s" % account, r.stderr[:2000])
        return r, took

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)   # the group of the timeout we started
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return done()


def summary(out):
    """key: value lines of the headless summary."""
    d = {}
    part = out.split("== Summary ==", 1)
    for line in (part[1] if len(part) > 1 else "").splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            d[k.strip()] = v.strip()
    return d


def verdict(out, step):
    """Verdict word of step N (1-based) in the headless output."""
    for line in out.splitlines():
        if line.startswith("== Step %d/" % step):
            return line.rstrip(" =").rsplit(": ", 1)[-1]
    return None

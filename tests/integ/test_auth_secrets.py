#!/usr/bin/python3
"""Integration test: the password never reaches argv, the environment or
the output. While the vchkpw stand-in runs (it sleeps after reading fd 3)
the test reads its /proc/PID/cmdline, environ and fds; then it checks the
headless output for the password and its base64 forms, the deadline on a
hanging vchkpw (group killed, nothing left), vchkpw's exit 24, exact bytes
through fd 3, and that a terminal gets no echo of the password.
Usage: test_auth_secrets.py QTRIAGE VCHKPW VUSERINFO"""
import base64
import os
import pty
import re
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authlab import CREDS, PY, Lab, check, free_port, summary, verdict  # noqa: E402

PW = "s3cret-Pw"


def find_proc(argv0):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cl = f.read()
        except OSError:
            continue
        if cl.split(b"\0")[0] == argv0.encode():
            return int(d), cl
    return None, None


def main():
    lab = Lab(*sys.argv[1:4])
    try:
        closed = free_port()
        root = lab.make_root("slow", sys.argv[2], sys.argv[3], CREDS)
        bindir = os.path.join(root, "home/vpopmail/bin")
        v = os.path.join(bindir, "vchkpw")
        with open(os.path.join(bindir, "vchkpw-sleep-ms"), "w") as f:
            f.write("1500\n")
        argv = ["timeout", "60", lab.qtriage, "--root", root, "--auth", "joe@example.test", "--vchkpw", v,
                "--auth-target", "127.0.0.1:%d" % closed, "--auth-timeout", "5"]
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdin.write((PW + "\n").encode())
        p.stdin.flush()
        pid, cl = None, None
        end = time.monotonic() + 10
        while pid is None and time.monotonic() < end:
            pid, cl = find_proc(v)
            time.sleep(0.01)
        if check(pid is not None, "the vchkpw child was seen running"):
            with open("/proc/%d/environ" % pid, "rb") as f:
                env = f.read()
            fds = sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid))
            fd3 = os.readlink("/proc/%d/fd/3" % pid) if 3 in fds else None
            check(fds in ([0, 1, 2], [0, 1, 2, 3]), "child has only fds 0-3 (nothing leaked)", repr(fds))
            check(fd3 is None or fd3.startswith("pipe:"), "fd 3 is a pipe", repr(fd3))
            t_end = time.monotonic() + 3   # the stand-in closes fd 3 once it has read it
            while 3 in fds and time.monotonic() < t_end:
                time.sleep(0.01)
                fds = sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid))
            fd0 = os.readlink("/proc/%d/fd/0" % pid)
            pgid = os.getpgid(pid)
            check(PW.encode() not in cl, "child argv has no password", repr(cl))
            check(cl.split(b"\0")[1] == b"/usr/bin/id", "child argv is vchkpw /usr/bin/id")
            check(PW.encode() not in env, "child environment has no password")
            names = sorted(e.split(b"=")[0].decode() for e in env.split(b"\0") if e)
            check(names == ["PATH", "PROTO", "TCPLOCALIP", "TCPLOCALPORT", "TCPREMOTEIP"],
                  "child environment is exactly the tcpserver variables + PATH", repr(names))
            check(b"TCPLOCALPORT=587" in env, "TCPLOCALPORT=587 for the submission service")
            check(fds == [0, 1, 2], "child has only fds 0-2 once it read and closed fd 3", repr(fds))
            check(fd0 == "/dev/null", "child stdin is /dev/null", fd0)
            check(pgid == pid, "child runs in its own process group")
        with open("/proc/%d/cmdline" % p.pid, "rb") as f:
            check(PW.encode() not in f.read(), "qtriage's own argv has no password")
        out, err = p.communicate(timeout=60)
        out, err = out.decode(errors="replace"), err.decode(errors="replace")
        plain = base64.b64encode(b"\0joe@example.test\0" + PW.encode()).decode()
        check(p.returncode == 1, "exit 1 (the SMTP target is closed)")
        check(verdict(out, 2) == "OK", "vchkpw step OK")
        check(PW not in out and PW not in err, "output has no password")
        check(plain not in out and base64.b64encode(PW.encode()).decode() not in out,
              "output has no AUTH PLAIN / LOGIN password string")
        check("clear passwd: <hidden>" in out, "vuserinfo's clear password is hidden")
        check("password: 9 bytes" in out, "the header says how long the password is, not what")

        # a hanging vchkpw: killed with its group at the deadline, nothing left behind
        root2 = lab.make_root("hang", sys.argv[2], sys.argv[3], CREDS)
        v2 = os.path.join(root2, "home/vpopmail/bin/vchkpw")
        with open(os.path.join(root2, "home/vpopmail/bin/vchkpw-sleep-ms"), "w") as f:
            f.write("20000\n")
        r, took = lab.qtriage_auth("joe@example.test", PW, ["--vchkpw", v2, "--auth-target",
                                                            "127.0.0.1:%d" % closed, "--auth-timeout", "1"], root=root2)
        check(verdict(r.stdout, 2) == "FAIL" and "no exit within the deadline" in r.stdout,
              "hanging vchkpw: FAIL, killed at the deadline")
        check(took < 4, "hanging vchkpw: wizard done in %.1f s" % took)
        check(find_proc(v2)[0] is None, "hanging vchkpw: no process left")

        # backend down: vchkpw's own exit 24, not 111
        root3 = lab.make_root("down", sys.argv[2], sys.argv[3], CREDS)
        with open(os.path.join(root3, "home/vpopmail/bin/vchkpw-backend-down"), "w") as f:
            f.write("1\n")
        r, _ = lab.qtriage_auth("joe@example.test", PW, ["--vchkpw", os.path.join(root3, "home/vpopmail/bin/vchkpw"),
                                                         "--auth-target", "127.0.0.1:%d" % closed], root=root3)
        s = summary(r.stdout)
        check(s.get("vchkpw-exit") == "24" and s.get("cause") == "backend-down", "exit 24 = backend down",
              repr(s))

        # exact bytes through fd 3: quotes, $, spaces and UTF-8 survive
        odd = "p\u00e4 ss'\"$x`"
        root4 = lab.make_root("odd", sys.argv[2], sys.argv[3], "odd@example.test:%s\n" % odd)
        r, _ = lab.qtriage_auth("odd@example.test", odd, ["--vchkpw", os.path.join(root4, "home/vpopmail/bin/vchkpw"),
                                                          "--auth-target", "127.0.0.1:%d" % closed], root=root4)
        check(verdict(r.stdout, 2) == "OK", "a password with quotes, $, space and UTF-8 reaches vchkpw intact")
        check(verdict(r.stdout, 3) == "WARN" and "non-ASCII" in r.stdout, "non-ASCII password: encoding warning")
        check(odd not in r.stdout, "odd password not in the output")

        # wrong password through the service "none" (TCPLOCALPORT unset, like sslserver without -e):
        # vchkpw guesses the service from its program: "true" in it is SMTP, logged as vchkpw-0;
        # any other (/usr/bin/id) is POP, and POP from 127.0.0.1 is logged as vchkpw-webmail.
        # The stand-in's own log line (on stderr, shown by the wizard) and the wizard's
        # prediction of the syslog line must say the same.
        for prog, name in (("/bin/true", "vchkpw-0"), ("/usr/bin/id", "vchkpw-webmail")):
            r, _ = lab.qtriage_auth("joe@example.test", "nope-nope", ["--vchkpw", lab.vchkpw, "--auth-target",
                                                                      "127.0.0.1:%d" % closed, "--auth-service",
                                                                      "none", "--auth-program", prog])
            line = "%s: password fail joe@example.test:127.0.0.1" % name
            check(re.search(r"vpopmail\[[0-9]+\]: " + re.escape(line), r.stdout) and "should show: " + line in r.stdout,
                  "TCPLOCALPORT unset, program %s: the stand-in and the wizard both say %s" % (prog, name))
            check(summary(r.stdout).get("cause") == "bad-password", "wrong password: cause bad-password")

        # bad usage is refused before anything runs (exit 2), no password is exit 3
        def run_args(args, stdin=""):
            return subprocess.run(["timeout", "30", lab.qtriage] + args, input=stdin, capture_output=True, text=True)
        r = run_args(["--auth-target", "127.0.0.1:1"])
        check(r.returncode == 2 and "need --auth" in r.stderr, "--auth-target without --auth: exit 2")
        r = run_args(["--root", lab.root, "--auth", "joe@example.test", "--vchkpw", lab.vchkpw, "--auth-mech", "NTLM"],
                     PW + "\n")
        check(r.returncode == 2 and "mechanism" in r.stderr, "unknown mechanism: exit 2 naming it")
        r = run_args(["--auth", "joe@example.test", "--auth-timeout", "0"])
        check(r.returncode == 2, "--auth-timeout 0: exit 2")
        r = run_args(["--root", lab.root, "--auth", "joe@example.test", "--vchkpw", lab.vchkpw, "--auth-target",
                      "mail.example.test:587"], PW + "\n")
        check(r.returncode == 2 and "not an IP address" in r.stderr, "a target by name is refused (no resolver)")
        r = run_args(["--root", lab.root, "--auth", "joe@example.test", "--vchkpw", lab.vchkpw, "--public-ip", "x"],
                     PW + "\n")
        check(r.returncode == 2 and "public address" in r.stderr, "a bad --public-ip: exit 2")
        r = run_args(["--root", lab.root, "--auth", "joe@example.test", "--vchkpw", lab.vchkpw], "")
        check(r.returncode == 3 and "no password" in r.stderr, "empty stdin: exit 3, nothing run")

        # a server that repeats the AUTH data it received (issue 12 item 3): no form of the
        # password reaches the output; the markers say what was there
        eport = free_port()
        lab.start([PY, os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile_smtpd.py"), "--port",
                   str(eport), "--mode", "echo", "--lifetime", "60"], 70)
        lab.wait_port(eport)
        forms = {"password": PW, "base64 of the password": base64.b64encode(PW.encode()).decode(),
                 "AUTH PLAIN string": plain, "hex": PW.encode().hex(),
                 "a prefix of the PLAIN string": plain[:len(plain) * 3 // 4]}
        for mech, marker in (("PLAIN", "<AUTH PLAIN string>"), ("LOGIN", "<password (base64)>")):
            r, _ = lab.qtriage_auth("joe@example.test", PW, ["--vchkpw", lab.vchkpw, "--auth-target",
                                                             "127.0.0.1:%d" % eport, "--auth-mech", mech])
            check(summary(r.stdout).get("smtp-outcome") == "auth-failed", "echoing server %s: auth-failed" % mech,
                  repr(summary(r.stdout)))
            leaked = [k for k, v in forms.items() if v in r.stdout or v in r.stderr]
            check(not leaked, "echoing server %s: no form of the password in the output" % mech, repr(leaked))
            check(marker in r.stdout and "<password (hex)>" in r.stdout,
                  "echoing server %s: the echo shows as %s and <password (hex)>" % (mech, marker))

        # the same echo alone on a line, without a reply code: the reader refuses the line and
        # quotes its start in the verdict and the transcript; that quote is redacted too
        bport = free_port()
        lab.start([PY, os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile_smtpd.py"), "--port",
                   str(bport), "--mode", "echobare", "--lifetime", "60"], 70)
        lab.wait_port(bport)
        for mech, marker in (("PLAIN", "<AUTH PLAIN"), ("LOGIN", "<password (")):
            r, _ = lab.qtriage_auth("joe@example.test", PW, ["--vchkpw", lab.vchkpw, "--auth-target",
                                                             "127.0.0.1:%d" % bport, "--auth-mech", mech])
            check(summary(r.stdout).get("smtp-outcome") == "protocol-error",
                  "code-less echo %s: protocol-error" % mech, repr(summary(r.stdout)))
            leaked = [k for k, v in forms.items() if v in r.stdout or v in r.stderr]
            # a piece cut at the quote's end: 12 characters of an encoding of the password (the
            # PLAIN string from its 24th character on: before that it encodes "\0joe@example.test")
            pieces = {"base64 of the password": forms["base64 of the password"], "hex": forms["hex"],
                      "AUTH PLAIN string": plain[24:]}
            leaked += ["a 12-character piece of %s" % k for k, v in pieces.items()
                       for i in range(len(v) - 11) if v[i:i + 12] in r.stdout]
            check(not leaked, "code-less echo %s: no form of the password in the output" % mech, repr(leaked))
            check("does not start with a code" in r.stdout and marker in r.stdout,
                  "code-less echo %s: the reason quotes the line as %s..." % (mech, marker), r.stdout[-1500:])

        # a NUL byte cannot travel through the checkpassword protocol: refused, nothing run
        r, _ = lab.qtriage_auth("joe@example.test", "s3cret\0Pw", ["--vchkpw", lab.vchkpw, "--auth-target",
                                                                    "127.0.0.1:%d" % closed])
        check(r.returncode == 3 and "the password contains a NUL byte: it cannot travel through the "
              "checkpassword protocol" in r.stderr and "== Step" not in r.stdout,
              "a NUL in the password: refused with the reason (exit 3)", repr((r.returncode, r.stderr)))

        # --read-only: vchkpw (it records the login in vpopmail's lastauth) is not run, vuserinfo is
        r, _ = lab.qtriage_auth("joe@example.test", PW, ["--read-only", "--vchkpw", lab.vchkpw, "--auth-target",
                                                         "127.0.0.1:%d" % closed])
        check(verdict(r.stdout, 2) == "SKIPPED" and "not run: --read-only" in r.stdout and
              summary(r.stdout).get("vchkpw-exit") == "-1", "--read-only: vchkpw refused with the reason")
        check(verdict(r.stdout, 1) == "OK" and "vuserinfo" in r.stdout, "--read-only: vuserinfo still runs")

        # a terminal: prompt on it, no echo of what is typed
        m, s_ = pty.openpty()
        q = subprocess.Popen(["timeout", "60", lab.qtriage, "--root", lab.root, "--auth", "joe@example.test",
                              "--vchkpw", lab.vchkpw, "--auth-target", "127.0.0.1:%d" % closed],
                             stdin=s_, stdout=s_, stderr=s_, start_new_session=True)
        os.close(s_)
        seen = b""
        end = time.monotonic() + 10
        while b"Password for" not in seen and time.monotonic() < end:
            if select.select([m], [], [], 0.2)[0]:
                seen += os.read(m, 4096)
        time.sleep(0.2)
        os.write(m, (PW + "\n").encode())
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if select.select([m], [], [], 0.2)[0]:
                try:
                    chunk = os.read(m, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif q.poll() is not None:
                break
        q.wait(timeout=30)
        os.close(m)
        check(b"Password for joe@example.test" in seen, "terminal: prompt shown")
        check(PW.encode() not in seen, "terminal: the typed password is not echoed")
        check(b"== Summary ==" in seen, "terminal: the wizard ran after the prompt")
    finally:
        rc = lab.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())

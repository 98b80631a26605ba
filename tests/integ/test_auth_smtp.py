#!/usr/bin/python3
"""Integration test: `qtriage --auth` against three aiosmtpd flavours and
hostile servers, each case side by side with swaks on the same server; the
wizard's SMTP class (ok / auth / tls / other) must match swaks' exit code
(0 / 28 / 29 / anything else). Usage: test_auth_smtp.py QTRIAGE VCHKPW VUSERINFO"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authlab import HERE, PY, Lab, check, free_port, summary, verdict  # noqa: E402

TIMEOUT = 3


def swaks_class(port, mech, user, password):
    r = subprocess.run(["timeout", "20", "swaks", "--server", "127.0.0.1:%d" % port, "--tls", "--auth", mech,
                        "--auth-user", user, "--auth-password", password, "--quit-after", "AUTH",
                        "--helo", "lab.example.test", "--from", "lab@example.test", "--timeout", "5"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return {0: "ok", 28: "auth", 29: "tls"}.get(r.returncode, "other"), r.returncode


def swaks_safe():
    """swaks resolves the local host name; only run it when /etc/hosts answers
    (files), so it never asks the machine's resolver."""
    h = subprocess.run(["hostname"], capture_output=True, text=True).stdout.strip()
    r = subprocess.run(["getent", "-s", "files", "hosts", h], capture_output=True)
    return r.returncode == 0


def main():
    lab = Lab(*sys.argv[1:4])
    try:
        cert, key = lab.cert()
        creds = os.path.join(lab.root, "home/vpopmail/bin/vchkpw-creds")
        other = os.path.join(lab.dir, "other-creds")   # the SMTP side knows another password
        with open(other, "w") as f:
            f.write("joe@example.test:an-older-Pw\n")
        ports = {}
        for flav, c in (("plainlogin", creds), ("plain", creds), ("cram", creds), ("othercreds", other)):
            ports[flav] = free_port()
            lab.start([PY, os.path.join(HERE, "lab_smtpd.py"), "--port", str(ports[flav]), "--flavour",
                       "plainlogin" if flav == "othercreds" else flav, "--cert", cert, "--key", key,
                       "--creds", c, "--lifetime", "150"], 160)
        for mode in ("silent", "midtls", "overlong", "badcode", "binary", "inject"):
            ports[mode] = free_port()
            lab.start([PY, os.path.join(HERE, "hostile_smtpd.py"), "--port", str(ports[mode]), "--mode", mode,
                       "--lifetime", "150", "--hold", "30"], 160)
        use_swaks = swaks_safe()
        if not use_swaks:
            print("# swaks skipped: the host name is not in /etc/hosts, swaks would ask the DNS resolver")

        G, B = "s3cret-Pw", "wrong-Pw"
        cases = [
            # name, server, account, password, mech, wizard class, cause
            ("good password PLAIN", "plainlogin", "joe@example.test", G, "PLAIN", "ok", "client-password"),
            ("good password LOGIN", "plainlogin", "joe@example.test", G, "LOGIN", "ok", "client-password"),
            ("bad password", "plainlogin", "joe@example.test", B, "PLAIN", "auth", "bad-password"),
            ("unknown user", "plainlogin", "nobody@example.test", G, "PLAIN", "auth", "unknown-user"),
            ("missing @domain", "plainlogin", "joe", G, "PLAIN", "auth", "no-domain"),
            ("smtp access closed", "plainlogin", "locked@example.test", "lockpw-9", "PLAIN", "auth", "service-closed"),
            ("client insists on CRAM-MD5, server PLAIN/LOGIN", "plainlogin", "joe@example.test", G, "CRAM-MD5",
             "auth", "mech-mismatch-cram"),
            ("client wants PLAIN, server CRAM-MD5 only", "cram", "joe@example.test", G, "PLAIN", "auth",
             "mech-mismatch-plain"),
            ("client wants LOGIN, server PLAIN only", "plain", "joe@example.test", G, "LOGIN", "auth",
             "mech-mismatch-plain"),
            ("good password CRAM-MD5", "cram", "cram@example.test", "tanstaaftanstaaf", "CRAM-MD5", "ok",
             "client-password"),
            ("bad password CRAM-MD5", "cram", "cram@example.test", "tanstaaf", "CRAM-MD5", "auth", "bad-password"),
            ("vchkpw accepts, SMTP says 535", "othercreds", "joe@example.test", G, "PLAIN", "auth",
             "smtpd-checkpassword"),
            ("server never answers", "silent", "joe@example.test", G, "PLAIN", "other", "smtp-broken"),
            ("server closes mid-TLS", "midtls", "joe@example.test", G, "PLAIN", "tls", "tls-failed"),
            ("overlong reply line", "overlong", "joe@example.test", G, "PLAIN", "other", "smtp-broken"),
            ("reply without a code", "badcode", "joe@example.test", G, "PLAIN", "other", "smtp-broken"),
            ("binary bytes in the banner", "binary", "joe@example.test", G, "PLAIN", "other", "smtp-broken"),
            ("STARTTLS response injection", "inject", "joe@example.test", G, "PLAIN", "tls", "smtp-broken"),
        ]
        for name, srv, acct, pw, mech, want_class, want_cause in cases:
            r, took = lab.qtriage_auth(acct, pw, ["--vchkpw", lab.vchkpw, "--auth-target",
                                                  "127.0.0.1:%d" % ports[srv], "--auth-mech", mech,
                                                  "--auth-timeout", str(TIMEOUT)])
            s = summary(r.stdout)
            check(s.get("smtp-class") == want_class, "%s: wizard SMTP class %s" % (name, want_class),
                  "(got %s, outcome %s)" % (s.get("smtp-class"), s.get("smtp-outcome")))
            check(s.get("cause") == want_cause, "%s: cause %s" % (name, want_cause), "(got %s)" % s.get("cause"))
            check(took < 6 * TIMEOUT + 5, "%s: finished in %.1f s" % (name, took))
            check(pw not in r.stdout and pw not in r.stderr, "%s: password not in the output" % name)
            check(r.returncode == (0 if want_class == "ok" else 1), "%s: exit code %d" % (name, r.returncode))
            if use_swaks:
                sc, code = swaks_class(ports[srv], mech, acct, pw)
                check(sc == want_class, "%s: swaks agrees (exit %d = %s)" % (name, code, sc))
        # the deadline: a server that never answers is given up on after --auth-timeout
        r, took = lab.qtriage_auth("joe@example.test", G, ["--vchkpw", lab.vchkpw, "--auth-target",
                                                           "127.0.0.1:%d" % ports["silent"], "--auth-timeout", "2"])
        check(2.0 <= took < 5.0, "silent server: wizard gives up after the 2 s deadline (%.2f s)" % took)
        check("no answer in time during banner" in r.stdout, "silent server: says where it waited")
        check(verdict(r.stdout, 4) == "FAIL", "silent server: SMTP step FAIL")
        # hostile text is escaped, never printed raw
        r, _ = lab.qtriage_auth("joe@example.test", G, ["--vchkpw", lab.vchkpw, "--auth-target",
                                                        "127.0.0.1:%d" % ports["binary"], "--auth-timeout", "3"])
        check("\x1b" not in r.stdout and "\x00" not in r.stdout, "binary banner: no raw ESC/NUL in the output")
        check("control byte 0x00" in r.stdout, "binary banner: named as binary data")
    finally:
        rc = lab.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())

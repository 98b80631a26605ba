#!/usr/bin/python3
"""Integration test of the wizard's trust boundary (docs/auth-wizard.md,
"Trust" and "Which uid runs what"):
 - a process of `nobody` posing as tcpserver names a vchkpw in a directory
   nobody owns: `qtriage --auth` without --vchkpw must not run it (nor the
   vuserinfo next to it), and says why;
 - vchkpw runs with the vpopmail uid:gid from <root>/etc/passwd when no
   service is found on the emulated port (the stand-in runs /usr/bin/id).
Usage: test_auth_trust.py QTRIAGE VCHKPW VUSERINFO POSER"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authlab import CREDS, Lab, check, free_port, summary, verdict  # noqa: E402

PW = "s3cret-Pw"
NOBODY = 65534


def evil_tree():
    d = tempfile.mkdtemp(prefix="qt-evil-")
    marker = os.path.join(d, "PWNED")
    for name in ("vchkpw", "vuserinfo"):
        p = os.path.join(d, name)
        with open(p, "w") as f:
            f.write("#!/bin/sh\necho %s >> %s\ncat <&3 >> %s 2>/dev/null\nexit 0\n" % (name, marker, marker))
        os.chmod(p, 0o755)
        os.chown(p, NOBODY, NOBODY)
    os.chmod(d, 0o755)
    os.chown(d, NOBODY, NOBODY)
    return d, marker


def main():
    lab = Lab(*sys.argv[1:4])
    poser_bin = sys.argv[4]
    evil = None
    try:
        if os.geteuid() != 0:
            print("ok 1 # skip needs root (chown, setpriv)")
            print("1..1")
            return 0
        closed = free_port()
        evil, marker = evil_tree()
        tcpserver = os.path.join(evil, "tcpserver")
        shutil.copy(poser_bin, tcpserver)
        os.chown(tcpserver, NOBODY, NOBODY)
        evil_v = os.path.join(evil, "vchkpw")
        lab.start(["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups", tcpserver,
                   "-c", "5", "0", "2525", evil_v], 30, ready=False)
        end = time.monotonic() + 5
        seen = False
        while not seen and time.monotonic() < end:
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open("/proc/%s/cmdline" % d, "rb") as f:
                            if evil_v.encode() in f.read() and os.stat("/proc/" + d).st_uid == NOBODY:
                                seen = True
                    except OSError:
                        pass
            time.sleep(0.05)
        check(seen, "nobody's fake tcpserver naming %s runs" % evil_v)

        # a root with no vpopmail of its own: nothing but the evil path is named anywhere
        bare = os.path.join(lab.dir, "bare")
        os.makedirs(os.path.join(bare, "var/qmail/control"))
        r, _ = lab.qtriage_auth("joe@example.test", PW, ["--auth-target", "127.0.0.1:%d" % closed,
                                                         "--auth-timeout", "3"], root=bare)
        check(not os.path.exists(marker), "the attacker's vchkpw/vuserinfo did not run",
              open(marker).read() if os.path.exists(marker) else "")
        other = "vchkpw detected and refused" not in r.stdout and "/vchkpw (detected)" in r.stdout.split("\n")[2]
        want = "refused %s (named by pid" % evil_v
        if other and want not in r.stdout:
            # another root process on this machine names a trusted vchkpw first: the refusal is not reached
            check(True, "refusal message # skip another root process names a trusted vchkpw")
        else:
            check(want in r.stdout and "%s is owned by uid %d" % (evil, NOBODY) in r.stdout,
                  "the header says which path was refused and why", r.stdout[:1500])
        check("vchkpw %s " % evil_v not in r.stdout, "the refused path is not offered as the vchkpw to use")

        # the same path, named by the admin, is the admin's decision: it runs
        r, _ = lab.qtriage_auth("joe@example.test", PW, ["--vchkpw", evil_v, "--auth-target",
                                                         "127.0.0.1:%d" % closed, "--auth-timeout", "3"], root=bare)
        check(os.path.exists(marker) and "vchkpw" in open(marker).read(),
              "named with --vchkpw: runs as given (the admin's choice)")
        check("vuserinfo" not in open(marker).read() if os.path.exists(marker) else False,
              "named with --vchkpw: the vuserinfo found next to it still needs the trust check",
              r.stdout[:2000])

        # which uid: vchkpw runs as the vpopmail user of <root>/etc/passwd when no service uses the port
        root = lab.make_root("uid", sys.argv[2], sys.argv[3], CREDS)
        os.makedirs(os.path.join(root, "etc"))
        with open(os.path.join(root, "etc/passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\nvpopmail:x:4242:4343::/home/vpopmail:/bin/false\n")
        for d in (lab.dir, root, os.path.join(root, "home"), os.path.join(root, "home/vpopmail"),
                  os.path.join(root, "home/vpopmail/bin")):
            os.chmod(d, 0o755)   # uid 4242 reads the stand-in's fixtures
        r, _ = lab.qtriage_auth("joe@example.test", PW, ["--auth-target", "127.0.0.1:%d" % closed,
                                                         "--auth-service", "2626", "--auth-timeout", "3"], root=root)
        check(verdict(r.stdout, 2) == "OK" and "(as uid 4242 gid 4343)" in r.stdout,
              "vchkpw ran as the vpopmail uid:gid and says so", r.stdout[:3000])
        check("uid=4242" in r.stdout and "gid=4343" in r.stdout, "the program vchkpw ran shows uid=4242 gid=4343")
        check("the vpopmail user in /etc/passwd (no service found on port 2626)" in r.stdout,
              "the step says where the uid came from")
        check("setpriv --reuid=4242 --regid=4343" in r.stdout, "the command shown switches ids the same way")
        check(summary(r.stdout).get("vchkpw-exit") == "0", "vchkpw exit 0")
    finally:
        rc = lab.close()
        if evil:
            shutil.rmtree(evil, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())

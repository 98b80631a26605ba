#!/usr/bin/python3
"""Integration test: step 6 (HELO and reverse DNS) against a lab dnsmasq on
a loopback high port (lab/README.md, "Recipe: DNS fixtures") with the FCrDNS cases, a DNS server
that never answers (deadline), one that is not there, and no server at all
(nothing is looked up). Usage: test_auth_dns.py QTRIAGE VCHKPW VUSERINFO"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from authlab import CREDS, HERE, PY, Lab, check, free_port, free_udp_port, summary, verdict  # noqa: E402

ZONE = """no-resolv
no-hosts
no-poll
bind-interfaces
listen-address=127.0.0.1
local=/example.test/
local=/2.0.192.in-addr.arpa/
host-record=mail.pass.example.test,192.0.2.10
host-record=other.example.test,192.0.2.15
ptr-record=11.2.0.192.in-addr.arpa,ptronly.example.test
address=/aonly.example.test/192.0.2.12
ptr-record=13.2.0.192.in-addr.arpa,mis.example.test
address=/mis.example.test/192.0.2.99
"""


def main():
    lab = Lab(*sys.argv[1:4])
    try:
        dnsmasq = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
        conf = os.path.join(lab.dir, "zone.conf")
        with open(conf, "w") as f:
            f.write(ZONE)
        dport = free_udp_port()
        lab.start([dnsmasq, "-k", "-C", conf, "--port=%d" % dport, "--pid-file=", "--log-facility=/dev/null"],
                  120, ready=False)
        time.sleep(0.5)
        sport = free_udp_port()
        lab.start([PY, os.path.join(HERE, "dns_silent.py"), "--port", str(sport), "--lifetime", "110"], 120)
        closed_smtp = free_port()   # nothing listens: the SMTP step fails fast, it is not under test here

        cases = [
            # name, helohost, public ip, step-6 verdict, fcrdns
            ("FCrDNS pass", "mail.pass.example.test", "192.0.2.10", "OK", "pass"),
            ("FCrDNS pass, HELO differs from PTR", "mail.pass.example.test", "192.0.2.15", "WARN", "pass"),
            ("PTR only", "ptronly.example.test", "192.0.2.11", "FAIL", "ptr-only"),
            ("A only", "aonly.example.test", "192.0.2.12", "FAIL", "a-only"),
            ("mismatch", "mis.example.test", "192.0.2.13", "FAIL", "mismatch"),
            ("NXDOMAIN", "nx.example.test", "192.0.2.14", "FAIL", "nxdomain"),
        ]
        for i, (name, helo, ip, want_v, want_f) in enumerate(cases):
            root = lab.make_root("dns%d" % i, sys.argv[2], sys.argv[3], CREDS, helohost=helo)
            r, took = lab.qtriage_auth("joe@example.test", "s3cret-Pw",
                                       ["--vchkpw", os.path.join(root, "home/vpopmail/bin/vchkpw"),
                                        "--auth-target", "127.0.0.1:%d" % closed_smtp, "--auth-timeout", "3",
                                        "--dns-server", "127.0.0.1:%d" % dport, "--public-ip", ip], root=root)
            s = summary(r.stdout)
            check(verdict(r.stdout, 6) == want_v, "%s: step 6 %s" % (name, want_v),
                  "(got %s)" % verdict(r.stdout, 6))
            check(s.get("fcrdns") == want_f, "%s: fcrdns %s" % (name, want_f), "(got %s)" % s.get("fcrdns"))
            check(took < 10, "%s: took %.1f s" % (name, took))
        r0 = r  # the NXDOMAIN run: commands shown name the lab server
        check("dig +short -x 192.0.2.14 @127.0.0.1 -p %d" % dport in r0.stdout, "dig command shows the server")

        root = lab.make_root("dnsdown", sys.argv[2], sys.argv[3], CREDS, helohost="mail.pass.example.test")
        v = os.path.join(root, "home/vpopmail/bin/vchkpw")
        base = ["--vchkpw", v, "--auth-target", "127.0.0.1:%d" % closed_smtp, "--public-ip", "192.0.2.10"]
        r, took = lab.qtriage_auth("joe@example.test", "s3cret-Pw", base + ["--auth-timeout", "3", "--dns-server",
                                                                           "127.0.0.1:%d" % sport], root=root)
        s = summary(r.stdout)
        check(s.get("fcrdns") == "dns-down", "DNS server never answers: dns-down", "(got %s)" % s.get("fcrdns"))
        check(verdict(r.stdout, 6) == "WARN", "DNS server never answers: step 6 WARN (could not check)")
        check(3.0 <= took < 7.0, "DNS server never answers: gives up at the 3 s deadline (%.1f s)" % took)

        nobody = free_udp_port()
        r, took = lab.qtriage_auth("joe@example.test", "s3cret-Pw", base + ["--auth-timeout", "3", "--dns-server",
                                                                           "127.0.0.1:%d" % nobody], root=root)
        check(summary(r.stdout).get("fcrdns") == "dns-down", "no DNS server on the port: dns-down")
        check(took < 5, "no DNS server on the port: quick (%.1f s)" % took)

        r, _ = lab.qtriage_auth("joe@example.test", "s3cret-Pw", base + ["--auth-timeout", "3"], root=root)
        check(verdict(r.stdout, 6) == "SKIPPED", "no --dns-server: step 6 SKIPPED, nothing looked up")
        check("never asks the machine's own resolver" in r.stdout, "no --dns-server: says why")

        r, _ = lab.qtriage_auth("joe@example.test", "s3cret-Pw", base + ["--dns-server", "resolver.example"],
                                root=root)
        # refused when the options are read (issue 12): exit 2, one line naming it
        check(r.returncode == 2 and "--dns-server 'resolver.example'" in r.stderr and r.stdout == "",
              "a DNS server given by name is refused (it would need a resolver)", r.stderr)
    finally:
        rc = lab.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())

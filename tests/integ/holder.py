#!/usr/bin/python3
"""holder.py - open TCP connections to one loopback service and hold them.

  holder.py HOST PORT --src 127.0.0.2:3,127.0.0.3:5 [--tls] [--hold S] [--ready FILE]

Each --src item is SOURCE_ADDRESS:COUNT. Plain connections stay silent (a
slow-loris / TLS-scanner client that never sends a ClientHello). With --tls
each connection completes a TLS handshake (no certificate check) and then
stays silent. When every connection is up, "ready N" is written to --ready
(or stdout); the process then sleeps until --hold seconds passed or it is
killed. Loopback only: refuses other destinations.
"""
import argparse, os, socket, ssl, sys, time

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--src", required=True)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--hold", type=float, default=60)
    ap.add_argument("--ready")
    a = ap.parse_args()
    if not (a.host.startswith("127.") or a.host == "::1"):
        sys.exit("holder.py: loopback destinations only")
    fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    held = []
    for item in a.src.split(","):
        src, n = item.rsplit(":", 1)
        for _ in range(int(n)):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((src, 0))
            s.settimeout(10)
            s.connect((a.host, a.port))
            if ctx:
                s = ctx.wrap_socket(s)
            held.append(s)
    msg = "ready %d\n" % len(held)
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write(msg)
        os.rename(a.ready + ".tmp", a.ready)
    else:
        sys.stdout.write(msg)
        sys.stdout.flush()
    end = time.time() + a.hold
    while time.time() < end:
        time.sleep(min(1, max(0, end - time.time())))

main()

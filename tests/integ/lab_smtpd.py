#!/usr/bin/python3
"""Submission server with STARTTLS + AUTH for the auth wizard's tests
(lab/README.md, "Recipe: submission with STARTTLS and AUTH"). Flavours: plainlogin (AUTH PLAIN LOGIN), plain (PLAIN
only), cram (CRAM-MD5 only). AUTH is offered only after STARTTLS
(auth_require_tls). Credentials: user@domain:password[:flags] lines, the
same file as the vchkpw stand-in; "nosmtp" in flags refuses the login like
qmail-smtpd does when vchkpw exits 1. Binds 127.0.0.1 only; exits by
itself after --lifetime seconds."""
import argparse
import hashlib
import hmac
import os
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword


def load_creds(path):
    creds = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            parts = line.split(":")
            if len(parts) >= 2:
                creds[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return creds


class Authenticator:
    def __init__(self, creds):
        self.creds = creds

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        pw = auth_data.password.decode("utf-8", "replace")
        entry = self.creds.get(user)
        ok = entry is not None and hmac.compare_digest(entry[0], pw) and "nosmtp" not in entry[1]
        return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        return "550 not accepting mail in the lab"


class CramHandler(Handler):
    def __init__(self, creds):
        self.creds = creds

    async def auth_CRAM__MD5(self, server, args):
        challenge = ("<%d.%d@lab.example.test>" % (os.getpid(), int(time.time() * 1000))).encode()
        resp = await server.challenge_auth(challenge)
        if resp is MISSING:
            return AuthResult(success=False, handled=True)  # 501 already sent
        try:
            user, digest = resp.decode("utf-8", "replace").rsplit(" ", 1)
        except ValueError:
            # lab/README.md trap: handled=False, or the client waits forever for a reply
            return AuthResult(success=False, handled=False)
        entry = self.creds.get(user)
        if entry is None or "nosmtp" in entry[1]:
            return AuthResult(success=False, handled=False)
        want = hmac.new(entry[0].encode(), challenge, hashlib.md5).hexdigest()
        return AuthResult(success=hmac.compare_digest(want, digest), handled=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--flavour", choices=["plainlogin", "plain", "cram"], required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--creds", required=True)
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()

    creds = load_creds(a.creds)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(a.cert, a.key)
    exclude = {"plainlogin": [], "plain": ["LOGIN"], "cram": ["PLAIN", "LOGIN"]}[a.flavour]
    handler = CramHandler(creds) if a.flavour == "cram" else Handler()
    ctl = Controller(handler, hostname="127.0.0.1", port=a.port, server_hostname="lab.example.test",
                     tls_context=tls, require_starttls=False, auth_require_tls=True,
                     authenticator=Authenticator(creds), auth_exclude_mechanism=exclude)
    ctl.start()
    print("ready", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    end = time.monotonic() + a.lifetime
    while not stop and time.monotonic() < end:
        time.sleep(0.2)
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

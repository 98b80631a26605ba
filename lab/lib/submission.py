#!/usr/bin/python3
"""A submission server (port 587 style) for the qtriage lab: aiosmtpd with
STARTTLS required before AUTH (auth_require_tls) and a choice of mechanisms:

    submission.py --port P --mechs PLAIN,LOGIN|PLAIN|CRAM-MD5 --cert C --key K
                  --vchkpw PATH [--hostname H]

Credentials are checked by running the lab's vchkpw stand-in exactly like the
qmail AUTH patch does (user\\0password\\0[challenge\\0] on fd 3), with
TCPLOCALPORT / TCPREMOTEIP set, so failures are logged as real vchkpw lines
("vchkpw-submission: password fail user@domain:IP") in the lab's maillog.
CRAM-MD5 is a handler method (auth_CRAM__MD5); a failed attempt returns
AuthResult(success=False, handled=False) so aiosmtpd answers 535 (with
handled=True and no reply the client would hang).
"""
import argparse
import asyncio
import logging
import os
import ssl
import subprocess
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, MISSING


def vchkpw(path, port, peer, fields):
    """Run vchkpw with fields on fd 3; returns its exit code."""
    env = dict(os.environ, TCPLOCALPORT=str(port), TCPREMOTEIP=peer or "")
    data = b"".join(f + b"\0" for f in fields)
    r = subprocess.run(["/bin/sh", "-c", 'exec "$0" "$@" 3<&0', path, "/bin/true"],
                       input=data, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10)
    return r.returncode


class Handler:
    def __init__(self, args):
        self.args = args

    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 Ok: queued as %X" % int(time.time() * 1000)


class CramHandler(Handler):
    async def auth_CRAM__MD5(self, server, args):
        chal = "<%d.%d@%s>" % (os.getpid(), int(time.time() * 1000), self.args.hostname)
        resp = await server.challenge_auth(chal)
        if resp is MISSING:
            return AuthResult(success=False, handled=True)  # 501 already sent
        try:
            user, digest = resp.decode().rsplit(" ", 1)
        except ValueError:
            return AuthResult(success=False, handled=False)
        peer = server.session.peer[0] if server.session.peer else ""
        rc = vchkpw(self.args.vchkpw, self.args.port, peer,
                    [user.encode(), digest.encode(), chal.encode()])
        if rc == 0:
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        return AuthResult(success=False, handled=False)


def make_authenticator(args):
    def authenticator(server, session, envelope, mechanism, auth_data):
        peer = session.peer[0] if session.peer else ""
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        rc = vchkpw(args.vchkpw, args.port, peer, [auth_data.login, auth_data.password])
        logging.info("AUTH %s %r from %s: vchkpw exit %d", mechanism,
                     auth_data.login.decode(errors="replace"), peer, rc)
        return AuthResult(success=rc == 0, handled=False)
    return authenticator


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mechs", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--vchkpw", required=True)
    ap.add_argument("--hostname", default="mail.lab.test")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    mechs = set(args.mechs.split(","))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    handler = CramHandler(args) if "CRAM-MD5" in mechs else Handler(args)
    exclude = [m for m in ("PLAIN", "LOGIN") if m not in mechs]

    def factory():
        return SMTP(handler, hostname=args.hostname, tls_context=ctx,
                    require_starttls=True, auth_required=True, auth_require_tls=True,
                    auth_exclude_mechanism=exclude, authenticator=make_authenticator(args),
                    ident="qtriage-lab submission (aiosmtpd)")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", args.port))
    logging.info("listening on 127.0.0.1:%d, AUTH %s after STARTTLS", args.port, " ".join(sorted(mechs)))
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()

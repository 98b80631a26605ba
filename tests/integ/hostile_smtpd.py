#!/usr/bin/python3
"""Hostile and broken SMTP servers for the auth wizard's tests, on
127.0.0.1 only, exiting by themselves after --lifetime seconds.
Modes:
  silent    accepts the connection and never says anything
  midtls    offers STARTTLS, says 220, reads the ClientHello, closes
  overlong  greets with a 2000-byte line, then closes after EHLO
  badcode   greets with a line that has no reply code
  binary    greets with NUL and ESC bytes inside a 220 line, closes after EHLO
  inject    answers STARTTLS with "220" plus a second, injected reply
  echo      offers AUTH PLAIN LOGIN without TLS and repeats the AUTH data it
            received in its 535 reply (base64 as sent, and decoded as hex)
  echobare  the same, but answers with the AUTH data alone on a line, without
            a reply code (the client's reader refuses it and quotes it)
"""
import argparse
import base64
import socket
import sys
import threading
import time


def readline(c, limit=4096):
    buf = b""
    while not buf.endswith(b"\n") and len(buf) < limit:
        ch = c.recv(1)
        if not ch:
            return None
        buf += ch
    return buf


def echo(c, bare=False):
    """Repeat the AUTH data: what a client's redaction of its own lines
    does not cover."""
    c.sendall(b"250-hostile.example.test\r\n250 AUTH PLAIN LOGIN\r\n")
    line = readline(c)
    if line is None:
        return
    words = line.strip().split(b" ")
    if len(words) >= 3 and words[1].upper() == b"PLAIN":
        got = words[2]
    elif len(words) >= 2 and words[1].upper() == b"LOGIN":
        c.sendall(b"334 VXNlcm5hbWU6\r\n")
        if readline(c) is None:
            return
        c.sendall(b"334 UGFzc3dvcmQ6\r\n")
        got = (readline(c) or b"").strip()
    else:
        return
    try:
        raw = base64.b64decode(got)
    except ValueError:
        raw = b""
    if bare:
        c.sendall(got + b"\r\n")
        return
    c.sendall(b"535-5.7.8 authentication failed for " + got + b"\r\n535 5.7.8 decoded: " +
              raw.hex().encode() + b"\r\n")
    if readline(c) is not None:
        c.sendall(b"221 bye\r\n")


def serve(c, mode, hold):
    c.settimeout(hold)
    try:
        if mode == "silent":
            end = time.monotonic() + hold
            while time.monotonic() < end:
                if not c.recv(4096):
                    break
            return
        if mode == "overlong":
            c.sendall(b"220 " + b"A" * 2000 + b"\r\n")
            readline(c)
            return
        if mode == "badcode":
            c.sendall(b"hello, this is not SMTP\r\n")
            readline(c)
            return
        if mode == "binary":
            c.sendall(b"220 hostile\x00\x1b[31m ESMTP\r\n")
            readline(c)
            return
        c.sendall(b"220 hostile.example.test ESMTP\r\n")
        if readline(c) is None:
            return
        if mode in ("echo", "echobare"):
            echo(c, mode == "echobare")
            return
        c.sendall(b"250-hostile.example.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n")
        line = readline(c)
        if line is None or not line.upper().startswith(b"STARTTLS"):
            return
        if mode == "inject":
            c.sendall(b"220 go ahead\r\n250 injected\r\n")
            time.sleep(1)
            return
        c.sendall(b"220 go ahead\r\n")
        c.recv(16)  # part of the ClientHello, then hang up mid-handshake
    except OSError:
        pass
    finally:
        c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", required=True,
                    choices=["silent", "midtls", "overlong", "badcode", "binary", "inject", "echo", "echobare"])
    ap.add_argument("--lifetime", type=float, default=120)
    ap.add_argument("--hold", type=float, default=30)
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", a.port))
    s.listen(16)
    s.settimeout(0.5)
    print("ready", flush=True)
    end = time.monotonic() + a.lifetime
    while time.monotonic() < end:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(c, a.mode, a.hold), daemon=True).start()
    return 0


if __name__ == "__main__":
    sys.exit(main())

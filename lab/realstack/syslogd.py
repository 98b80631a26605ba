#!/usr/bin/python3
"""The real-stack lab's own syslog receiver: binds SOCKET (an AF_UNIX datagram
socket, what syslog(3) writes to as /dev/log) and appends each message to
FILE as one line, prefixed with the receive time (RFC 3164 style, as a
syslog daemon would). The lab binds SOCKET over /dev/log only inside its own
mount namespace (lab/realstack/ns-run): the host's /dev/log is never used.

    syslogd.py SOCKET FILE
"""
import os
import socket
import sys
import time


def main():
    path, out = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)  # every service uid logs through it
    with open(out, "ab", buffering=0) as f:
        while True:
            msg = s.recv(8192)
            # "<PRI>Mon DD HH:MM:SS tag[pid]: text": keep what follows <PRI>
            if msg.startswith(b"<") and b">" in msg[:5]:
                msg = msg[msg.index(b">") + 1:]
            msg = msg.rstrip(b"\0\n").replace(b"\n", b" ")
            f.write(msg + b"\n")


if __name__ == "__main__":
    sys.exit(main())

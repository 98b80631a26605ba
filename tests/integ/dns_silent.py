#!/usr/bin/python3
"""A DNS server that is "down" the slow way: it receives every query on
127.0.0.1:PORT/udp and never answers, so a resolver must give up at its own
deadline. Exits by itself after --lifetime seconds."""
import argparse
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--lifetime", type=float, default=60)
    a = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", a.port))
    s.settimeout(0.5)
    print("ready", flush=True)
    end = time.monotonic() + a.lifetime
    n = 0
    while time.monotonic() < end:
        try:
            s.recvfrom(4096)
            n += 1
        except socket.timeout:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

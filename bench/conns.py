#!/usr/bin/python3
"""conns.py - hold many ESTABLISHED loopback connections for bench/ports.sh.

  conns.py serve PORT N READY     listen on 127.0.0.1:PORT, connect N clients to
                                  it and accept them all in this one process
                                  ("plain": one server process holds them all)
  conns.py connect PORT N READY   only connect N clients (the server is someone
                                  else, e.g. tcpserver forking one child each)

Clients are spread over source addresses 127.1.X.Y (1000 per address) so
the ephemeral port range never runs out. When all are up, "ready N" is
written to READY; then the process sleeps until killed (the caller bounds
it with timeout). Loopback only.
"""
import os, socket, sys, time

def src(i):
    a = i // 1000
    return "127.1.%d.%d" % (a // 250, a % 250 + 1)

def main():
    mode, port, n, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    held = []
    lst = None
    if mode == "serve":
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", port))
        lst.listen(4096)
    for i in range(n):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((src(i), 0))
        for attempt in range(200):
            try:
                c.connect(("127.0.0.1", port))
                break
            except (ConnectionRefusedError, BlockingIOError, TimeoutError):
                time.sleep(0.05)   # a forking server's queue is full for a moment
        held.append(c)
        if lst:
            held.append(lst.accept()[0])
    with open(ready + ".tmp", "w") as f:
        f.write("ready %d\n" % n)
    os.rename(ready + ".tmp", ready)
    while True:
        time.sleep(3600)

main()

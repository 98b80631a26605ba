#!/usr/bin/python3
"""conns.py - hold many ESTABLISHED loopback connections for bench/ports.sh.

  conns.py serve PORT N READY     listen on 127.0.0.1:PORT and hold N accepted
                                  connections in a few acceptor processes that
                                  share the listener ("plain": no process per
                                  connection), plus the N client ends
  conns.py connect PORT N READY   only the N client ends (the server is someone
                                  else, e.g. tcpserver forking one child each)
  conns.py connect PORT N READY rst
                                  the same, each client end closing with a
                                  reset (SO_LINGER 0) when its process dies:
                                  bench/stage_children.sh drops those resets to
                                  leave the server ends alone, as with remote
                                  clients

A process may hold at most PER (15000) sockets, below this machine's
unraisable 20000 open-file limit, so both sides are split over processes.
Clients use source addresses 127.1.X.Y (1000 per address) so the
ephemeral port range never runs out. When all are up, "ready N" is
written to READY; then every process sleeps until killed (the caller
bounds it with timeout and kills the process group). Loopback only.
"""
import os, socket, struct, sys, time

PER = 15000

def src(i):
    a = i // 1000
    return "127.1.%d.%d" % (a // 250, a % 250 + 1)

def hold_forever():
    while True:
        time.sleep(3600)

def child(fn, *args):
    """Run fn(*args) in a child that reports on a pipe, then holds its sockets."""
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        held = fn(*args)
        os.write(w, b"1")
        os.close(w)
        hold_forever()
    os.close(w)
    return r

def connect_range(port, first, count, rst):
    held = []
    for i in range(first, first + count):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rst:
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.bind((src(i), 0))
        for _ in range(400):
            try:
                c.connect(("127.0.0.1", port))
                break
            except (ConnectionRefusedError, BlockingIOError, TimeoutError):
                time.sleep(0.05)   # a forking server's queue is full for a moment
        held.append(c)
    return held

def accept_n(lst, count):
    return [lst.accept()[0] for _ in range(count)]

def shares(n):
    k = max(1, -(-n // PER))
    return [n // k + (1 if i < n % k else 0) for i in range(k)]

def main():
    mode, port, n, ready = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rst = sys.argv[5:6] == ["rst"]
    pipes = []
    if mode == "serve":
        lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind(("127.0.0.1", port))
        lst.listen(4096)
        for share in shares(n):
            pipes.append(child(accept_n, lst, share))
        lst.close()
    first = 0
    for share in shares(n):
        pipes.append(child(connect_range, port, first, share, rst))
        first += share
    for r in pipes:
        if os.read(r, 1) != b"1":
            sys.exit("conns.py: a worker failed")
    with open(ready + ".tmp", "w") as f:
        f.write("ready %d\n" % n)
    os.rename(ready + ".tmp", ready)
    hold_forever()

main()

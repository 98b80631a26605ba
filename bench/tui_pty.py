#!/usr/bin/python3
"""tui_pty.py - measure the console over a pseudo-terminal, like an SSH session:
time from exec to the first full frame, and bytes written per idle refresh.

usage: bench/tui_pty.py QTRIAGE [COLS ROWS [IDLE_SECONDS [qtriage args...]]]
Prints: startup_ms (median of 5 starts), idle bytes per sample.
Not a test: numbers depend on the machine; see README "Measured".
"""
import os, select, statistics, sys, time

import ptyrun

def run_once(cmd, cols, rows, idle):
    pid, fd = ptyrun.spawn(cmd, cols, rows)
    t0 = time.monotonic()
    buf = b""
    first = None
    idle_bytes = 0
    idle_start = None
    while True:
        now = time.monotonic()
        if first is not None and now - idle_start >= idle:
            break
        if now - t0 > 10 + idle:
            break
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if first is None:
            buf += data
            if b"Findings" in buf and b"help" in buf:
                first = time.monotonic() - t0
                idle_start = time.monotonic()
        else:
            idle_bytes += len(data)
    ptyrun.stop(pid, fd, b"Q", 0.2)
    return first, idle_bytes

def main():
    qt = sys.argv[1]
    cols = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 24
    idle = float(sys.argv[4]) if len(sys.argv) > 4 else 10
    extra = sys.argv[5:]
    starts = []
    for _ in range(5):
        f, _ = run_once([qt] + extra, cols, rows, 0.5)
        starts.append(f * 1000)
    _, idle_bytes = run_once([qt, "--interval", "1"] + extra, cols, rows, idle)
    print(f"terminal {cols}x{rows}")
    print(f"startup to first frame: median {statistics.median(starts):.1f} ms (runs: {', '.join('%.1f' % s for s in starts)})")
    print(f"idle: {idle_bytes} bytes in {idle:.0f} s at --interval 1 = {idle_bytes/idle:.0f} bytes per sample")

main()

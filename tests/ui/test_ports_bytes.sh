#!/bin/bash
# The Ports pane's byte counters on a plain port (issue 19): the kernel
# fills tcp_info only when asked, and the console asks while a view that
# shows bytes (the Ports pane and its drill-downs) is on screen
# (docs/performance-ports.md). A loopback listener watched as a plain
# service holds two connections from 127.0.0.1 whose client sent 5 bytes
# each: the IN column shows 10 in every sample, not only the first (which
# asks anyway), also after the pane was off screen and back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../lib/integ.sh"
QT=${QT_BIN:?}
pgids=()
mkdir -p "$OUT/root"
trap cleanup EXIT
PORT=$(pick_port 27260)
# a server that accepts, reads and holds; a client that sends 5 bytes on each of two connections (bounded: 120 s)
setsid python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); held = []
end = time.time() + 120
s.settimeout(1)
while time.time() < end:
    try:
        c = s.accept()[0]; c.recv(64); held.append(c)
    except socket.timeout: pass
' "$PORT" & pgids+=($!)
for i in $(seq 1 50); do ss -Htln "( sport = :$PORT )" | grep -q . && break; sleep 0.1; done
setsid python3 -c '
import socket, sys, time
c = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(2)]
for x in c: x.sendall(b"hello")
time.sleep(120)
' "$PORT" & pgids+=($!)
sleep 0.5

# a frame of a sample newer than #$2 whose 127.0.0.1 row has IN 10, OUT 0
# (columns: REMOTE IP, TOTAL, plain, STALLED, OLDEST, IN, OUT)
row_ok() { ui_sample_after_ok "$1" "$2" "REMOTE IP" && grep -qE '127\.0\.0\.1 +2 +2 +\S+ +\S+ +10 +0( |$)' <<< "$1"; }
bytes_after() { ui_poll "${QT_UI_WAIT:-5}" row_ok "$1"; }

ui_start 100 30 "$QT --root $OUT/root --ports plain=$PORT --interval 0.5"
check "first frame: the Ports pane" ui_wait_for "REMOTE IP" 8
check "127.0.0.1 sent 10 bytes on its 2 connections" bytes_after 0
n=$(ui_sample_no)
check "... and a later sample still reads them (the Ports pane is on screen)" bytes_after $((n + 2))
ui_keys 4
ui_keys z
check "Findings zoomed: the Ports pane is off screen" ui_wait_for "Findings" 5
n=$(ui_sample_no)
check "... samples go on" sampled_after $((n + 2)) "Findings"
ui_keys 1
n=$(ui_sample_no)
check "back on the Ports pane: the bytes again" bytes_after $((n))
ui_keys Q
ui_finish

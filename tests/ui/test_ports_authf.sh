#!/bin/bash
# The Ports pane's per-IP table and the mail logs (issue 16, cross-reference),
# typed in tmux: a loopback listener watched as smtp holds three connections
# from 127.0.0.1, and /var/log/maillog under --root has four vchkpw
# failures from 127.0.0.1 (docs/domain/vpopmail.md#log-lines): at 80x24 the
# AUTHF column shows 4 on that IP's row; on a screen too narrow for every
# column it is the one left out (the others stay).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../lib/integ.sh"
QT=${QT_BIN:?}
pgids=()
tmp=$OUT/srv
mkdir -p "$tmp" "$OUT/root/var/log"
trap cleanup EXIT
PORT=$(pick_port 27160)
stamp() { LC_ALL=C date -d "@$1" '+%b %e %H:%M:%S'; }
now=$(date +%s)
for u in a b c d; do
    echo "$(stamp $((now - 60))) mx vpopmail[4242]: vchkpw-smtp: password fail $u@example.test:127.0.0.1"
done > "$OUT/root/var/log/maillog"
# a server that accepts and holds, and a client holding three connections (bounded: 120 s)
setsid python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); held = []
end = time.time() + 120
s.settimeout(1)
while time.time() < end:
    try: held.append(s.accept()[0])
    except socket.timeout: pass
' "$PORT" & pgids+=($!)
for i in $(seq 1 50); do ss -Htln "( sport = :$PORT )" | grep -q . && break; sleep 0.1; done
setsid python3 -c '
import socket, sys, time
c = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(3)]
time.sleep(120)
' "$PORT" & pgids+=($!)
sleep 0.5

ui_start 80 24 "$QT --root $OUT/root --ports smtp=$PORT --interval 0.5"
check "first frame: the Ports pane with its AUTHF column" ui_wait_for "AUTHF" 8
check "... 127.0.0.1 holds 3 and failed 4 logins" has_re "127\.0\.0\.1 +3 +3 .* 4 *$"
ui_resize 56 24
check "narrow: AUTHF is left out first, the IP table stays" ui_wait_for "REMOTE IP" 5
check "... no AUTHF" hasnt "REMOTE IP" "AUTHF"
ui_resize 80 24
check "wide again: AUTHF is back" ui_wait_for "AUTHF" 5
ui_keys Q
ui_finish

#!/bin/bash
# The console's probes never block it (issue 18 item 3), typed in tmux: a
# socat OPENSSL-LISTEN without a handshake deadline on 127.0.0.1, qtriage
# watching it with --probe-idle $IDLE (8 s). The idle probe starts with the
# console and waits up to IDLE s (then IDLE s more with half a ClientHello);
# while it waits, keys are answered (the Servers pane opens, its details
# show "running now", P says a probe is already running). After it ends the
# details show the measurement. No timing assertion beyond "the key was
# answered while the probe still ran". The last of those keys (P) is
# answered about 1.5 s after the console starts under ASan on a quiet
# machine: 8 s leaves several seconds of margin on a loaded one.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
for p in socat openssl; do
    command -v $p > /dev/null || { echo "SKIP: $p not installed"; ui_finish; exit 77; }
done
P=${QT_UI_PORT_PROBE:-24981}
IDLE=8
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT/k.pem" -out "$OUT/c.pem" -days 30 -subj /CN=ui.test > /dev/null 2>&1
cat "$OUT/k.pem" "$OUT/c.pem" > "$OUT/ui.pem"
timeout 100 socat OPENSSL-LISTEN:$P,bind=127.0.0.1,reuseaddr,fork,max-children=10,cert=$OUT/ui.pem,verify=0 EXEC:/bin/cat &
sp=$!
trap 'kill $sp 2> /dev/null' EXIT
for i in $(seq 50); do ss -Htln "( sport = :$P )" | grep -q . && break; sleep 0.1; done
mkdir -p "$OUT/root"

ui_start 160 40 "$QT --root $OUT/root --ports nodl=$P --probe-idle $IDLE --interval 0.5"
check "first frame" ui_wait_for "2 Servers" 5
ui_keys 2
check "the key 2 is answered: the Servers pane shows the socat row" has "socat:$P"
ui_keys Enter
check "Enter answered while the idle probe waits: the details say it is running" has "Server: socat:$P" "running now;"
ui_keys P
check "P while it runs: one probe per service at a time" has "a probe of nodl is already running"
check "the handshake probe's result is in the details" has "probe TLS" "TLSv1.3"
check "after the bound: the silent client was never dropped" ui_wait_for "still open after $IDLE s" 40
check "then half a ClientHello, never cut off either" ui_wait_for "half a hello  still open after $IDLE s" 40
check "... and the details no longer say running" hasnt "half a hello" "running now;"
ui_keys P
check "P starts a new idle probe" has "idle-drop probe of socat:$P (port $P) started"
check "... which runs in the background" has "running now;"
ui_keys q
ui_finish

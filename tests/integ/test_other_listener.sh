#!/bin/bash
# Every listener on a watched port appears in Servers, found through its
# socket, whatever program holds it (issue 14 item 3): a socat
# OPENSSL-LISTEN with max-children=7 (its limit, no handshake deadline), a
# socat TCP-LISTEN without max-children (no limit) and a python3 listener
# (an "other front end", deadline unknown). Loopback only, every process
# bounded by timeout and stopped by its recorded pid.
# Usage: test_other_listener.sh (QTRIAGE from the environment)
set -u
. "$(dirname "$0")/../lib/check.sh"
QT=${QTRIAGE:-${QT_BIN:-}}
[ -x "$QT" ] || { echo "qtriage not found (QTRIAGE)"; exit 1; }
for p in socat openssl python3; do
    command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
TMP=$(mktemp -d /tmp/qt-other-listener.XXXXXX)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
mkdir -p "$TMP/root/etc"
P1=${QT_INTEG_PORT_OTHER:-24941}; P2=$((P1 + 1)); P3=$((P1 + 2))
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k.pem" -out "$TMP/c.pem" -days 1 -subj /CN=lab.test >/dev/null 2>&1
cat "$TMP/k.pem" "$TMP/c.pem" > "$TMP/lab.pem"

timeout 60 socat OPENSSL-LISTEN:$P1,bind=127.0.0.1,reuseaddr,fork,max-children=7,cert=$TMP/lab.pem,verify=0 EXEC:/bin/cat &
PIDS="$PIDS $!"
timeout 60 socat TCP-LISTEN:$P2,bind=127.0.0.1,reuseaddr,fork EXEC:/bin/cat &
PIDS="$PIDS $!"
timeout 60 python3 -c 'import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", '$P3')); s.listen(5); time.sleep(60)' &
PIDS="$PIDS $!"
for i in $(seq 50); do
    [ "$(ss -Htln "( sport = :$P1 or sport = :$P2 or sport = :$P3 )" | wc -l)" -ge 3 ] && break
    sleep 0.1
done
# one silent client on the TLS port: a socat child, never finishes TLS
timeout 20 socat -u OPEN:/dev/null,ignoreeof TCP:127.0.0.1:$P1 &
PIDS="$PIDS $!"
sleep 0.5

out=$("$QT" --root "$TMP/root" --ports tls=$P1,plain=$P2,other=$P3 --once 2>&1)
servers=$(sed -n '/^== Servers ==/,/^== /p' <<<"$out")
row() { awk -v s="$1" '$1 == s {print; exit}' <<<"$servers"; }
r1=$(row "socat:$P1"); r2=$(row "socat:$P2"); r3=$(row "python3:$P3")
check_match "TLS socat is a row, other:socat, limit = max-children 7, handshake NONE" "^socat:$P1 +$P1 +other:socat +7 +[0-9]+ +NONE" "$r1"
check_match "its silent client is counted as a child" "^socat:$P1 +$P1 +other:socat +7 +1 " "$r1"
check_match "plain socat: no max-children, no limit (?), handshake n/a" "^socat:$P2 +$P2 +other:socat +\\? +0 +n/a" "$r2"
check_match "python3 listener is a row, deadline unknown" "^python3:$P3 +$P3 +other:python3 +\\? +0 +\\? +unknown" "$r3"
check_match "the TLS socat's no-deadline finding is on the listener, WARN without stalls" \
    "\\[WARN\\] servers: no TLS handshake deadline: a silent client holds a connection slot forever -- socat:$P1" "$out"
# docs/incidents.md: a live TLS listener with no deadline is an incident of
# its watched service, named after the program that holds the socket
check_match "the live TLS socat without a deadline: a no-deadline incident of tls" \
    "WARN no-deadline +tls +$P1: socat \\(pid [0-9]+\\) has no TLS handshake deadline; none stuck now" "$out"
check "the plain socat and the python3 listener are no incident" bash -c "! sed -n '/^== Incidents ==/,/^$/p' <<<\"\$1\" | grep -Eq ' (plain|other) '" _ "$out"
check "the Ports limit comes from max-children" grep -Eq "^tls +$P1 +1/7 " <<<"$out"
check_done

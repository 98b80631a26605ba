#!/bin/bash
# test_stage_feh.sh - issue 15 fix 1: connections behind a front end shaped
# like fehcom sslserver 0.9x (lab/src/sslserver-feh.c: the program is exec'd
# before the TLS handshake and holds the TCP socket too) are staged from what
# the connection did, not from who holds the socket.
#
# On 127.0.0.1 (a free high port), every process bounded by `timeout`:
#   sslserver (stand-in) -c 10 ... qmail-smtpd (a sleep)
#     3 silent clients from 127.0.0.4 (never send a byte): TLS not started
#     2 loris partial-ClientHello clients from 127.0.0.5: handshake pending
# `ss -tnp` shows qmail-smtpd holding each connection (the shape is real);
# qtriage --once and ports_dump must say handshake pending / stalled 5,
# never "in mail program".
set -u
QT_BIN=${QT_BIN:?} QT_PORTS_DUMP=${QT_PORTS_DUMP:?} QT_SRCDIR=${QT_SRCDIR:?}
SSLSERVER=${1:?usage: test_stage_feh.sh SSLSERVER LORIS} LORIS=${2:?}
HOLD=60
pgids=()
tmp=$(mktemp -d /tmp/qt-integ-feh.XXXXXX)

. "$(dirname "$0")/../lib/integ.sh"   # cleanup, pick_port
trap cleanup EXIT

. "$(dirname "$0")/../lib/check.sh"

P=$(pick_port "${QT_INTEG_PORT_BASE:-24760}")

start() {
    timeout "$HOLD" "$@" &
    pgids+=($!)
}

ln -s /bin/sleep "$tmp/qmail-smtpd"
start "$SSLSERVER" -c 10 -T 50 127.0.0.1 "$P" "$tmp/qmail-smtpd" 120
for _ in $(seq 1 50); do ss -Htln "( sport = :$P )" | grep -q . && break; sleep 0.1; done
start /usr/bin/python3 "$QT_SRCDIR/tests/integ/holder.py" 127.0.0.1 "$P" --src 127.0.0.4:3 --hold "$HOLD" \
    --ready "$tmp/ready"
start "$LORIS" -p "$P" -s 127.0.0.5:2 -m partial-tls -t "$HOLD"
for _ in $(seq 1 100); do [ -f "$tmp/ready" ] && break; sleep 0.1; done
[ -f "$tmp/ready" ] || { not_ok "silent clients not connected"; exit 1; }
# every connection accepted, its program exec'd, loris's bytes sent
for _ in $(seq 1 50); do
    [ "$(ss -Htnp state established "( sport = :$P )" | grep -c qmail-smtpd)" -ge 5 ] && break
    sleep 0.1
done
sleep 0.5

check_eq "ss: qmail-smtpd holds every connection (program exec'd before the handshake)" 5 \
    "$(ss -Htnp state established "( sport = :$P )" | grep -c qmail-smtpd)"

# --no-probe: --once probes after its only sample, so the probe cannot change
# what is checked here; it would wait its whole 5 s bound (QT_PROBE_HS_TIMEOUT)
# on a front end that execs the program before the handshake. The --batch run
# below keeps the probe (its second sample sees what the probe left).
"$QT_BIN" --once --no-probe --ports "feh=$P" > "$tmp/once.txt" || not_ok "qtriage --once failed"
"$QT_PORTS_DUMP" "feh=$P" > "$tmp/dump.txt" || not_ok "ports_dump failed"

stages() { awk -v ip="$1" '$1=="conn" && $3==ip {print $6}' "$2" | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}'; }
check_eq "silent clients: handshake pending (TLS not started)" "handshake_pending:3" "$(stages 127.0.0.4 "$tmp/dump.txt")"
check_eq "partial ClientHello: handshake pending" "handshake_pending:2" "$(stages 127.0.0.5 "$tmp/dump.txt")"
check "never in mail program" bash -c '! grep -q in_mail_program "$1"' _ "$tmp/dump.txt"
svc_field() {
    awk -v n="$1" -v c="$2" '/^== Services ==/{s=1;next} /^== /{s=0} s && $1==n {print $c}' "$tmp/once.txt"
}
check_eq "qtriage --once: feh stalled (one sample, first sight of every process)" 5 "$(svc_field feh 5)"
# --batch wants no byte counters, but a TLS front end's stage needs them: the
# second sample, when the port is known to be TLS, still asks for tcp_info
# (without them fehcom's connections would be "unknown", not stalled)
"$QT_BIN" --batch --count 2 --interval 0.5 --ports "feh=$P" > "$tmp/batch.txt" || not_ok "qtriage --batch failed"
check_eq "qtriage --batch, second sample: feh stalled" 5 \
    "$(awk -v n=feh '/^== Services ==/{s=1;next} /^== /{s=0} s && $1==n {v=$5} END {print v}' "$tmp/batch.txt")"

if [ "$CHECK_FAIL" -ne 0 ]; then
    echo "--- qtriage --once"; cat "$tmp/once.txt"
    echo "--- qtriage --batch --count 2"; cat "$tmp/batch.txt"
    echo "--- ports_dump"; cat "$tmp/dump.txt"
    echo "--- ss -tnpi"; ss -Htnpi state established "( sport = :$P )"
fi
check_done

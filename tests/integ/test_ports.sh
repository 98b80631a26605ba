#!/bin/bash
# test_ports.sh - the Ports pane against real servers on loopback.
#
# Stages three services on 127.0.0.1 high ports, every process bounded by
# `timeout` and stopped by its process group:
#   a  tcpserver -v -R -H -l0 -c 5 ... cat        7 silent clients (.2 x3, .3 x4):
#                                                 5 accepted (in program: cat), 2 queued
#   b  tcpserver -c 10 ... qmail-smtpd (a cat)    2 silent clients from .6: in mail program
#   c  socat OPENSSL-LISTEN fork (self-signed cert) EXEC:qmail-smtpd
#                                                 3 silent clients from .4: handshake pending
#                                                 2 TLS clients from .5: in mail program
# and checks that `qtriage --once --ports ...` counts per service and per
# IP equal `ss -tn` on the same state, and that the stages are the staged ones.
set -u
QT_BIN=${QT_BIN:?} QT_PORTS_DUMP=${QT_PORTS_DUMP:?} QT_SRCDIR=${QT_SRCDIR:?}
HOLD=60
pgids=()
tmp=$(mktemp -d /tmp/qt-integ-ports.XXXXXX)

. "$(dirname "$0")/../lib/integ.sh"   # cleanup, pick_port
trap cleanup EXIT

. "$(dirname "$0")/../lib/check.sh"

# free ports from QT_INTEG_PORT_BASE (default 24700): pick_port
base=${QT_INTEG_PORT_BASE:-24700}
PA=$(pick_port "$base"); PB=$(pick_port $((PA + 1))); PC=$(pick_port $((PB + 1)))

# start CMD... in its own process group (timeout makes one), remember the group
start() {
    timeout "$HOLD" "$@" &
    pgids+=($!)
}

wait_listen() {
    for _ in $(seq 1 50); do
        ss -Htln "( sport = :$1 )" | grep -q . && return 0
        sleep 0.1
    done
    not_ok "nothing listens on $1"
    exit 1
}

ln -s /bin/cat "$tmp/qmail-smtpd"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=qtriage-lab \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/key.pem" "$tmp/cert.pem" > "$tmp/lab.pem"

start tcpserver -v -R -H -l0 -c 5 127.0.0.1 "$PA" cat 2>"$tmp/a.log"
start tcpserver -v -R -H -l0 -c 10 127.0.0.1 "$PB" "$tmp/qmail-smtpd" 2>"$tmp/b.log"
start socat "OPENSSL-LISTEN:$PC,bind=127.0.0.1,reuseaddr,fork,backlog=128,cert=$tmp/lab.pem,verify=0" \
    "EXEC:$tmp/qmail-smtpd"
wait_listen "$PA"; wait_listen "$PB"; wait_listen "$PC"

holder="/usr/bin/python3 $QT_SRCDIR/tests/integ/holder.py"
start $holder 127.0.0.1 "$PA" --src 127.0.0.2:3,127.0.0.3:4 --hold "$HOLD" --ready "$tmp/ra"
start $holder 127.0.0.1 "$PB" --src 127.0.0.6:2 --hold "$HOLD" --ready "$tmp/rb"
start $holder 127.0.0.1 "$PC" --src 127.0.0.4:3 --hold "$HOLD" --ready "$tmp/rc"
start $holder 127.0.0.1 "$PC" --src 127.0.0.5:2 --tls --hold "$HOLD" --ready "$tmp/rt"
for r in ra rb rc rt; do
    for _ in $(seq 1 100); do [ -f "$tmp/$r" ] && break; sleep 0.1; done
    [ -f "$tmp/$r" ] || { not_ok "clients $r not connected"; exit 1; }
done
sleep 1   # socat forks its EXEC child right after the handshake; tcpserver children exec

ports="a=$PA,b=$PB,c=$PC"
# --no-probe: --once probes after its only sample, and a probe's connection
# that socat is still closing would be in the ss count below (no probe
# result is checked here; tests/integ/test_probe.sh checks them)
"$QT_BIN" --once --no-probe --ports "$ports" --limit 5 > "$tmp/once.txt" || not_ok "qtriage --once failed"
filter="( sport = :$PA or sport = :$PB or sport = :$PC )"
ss -Htn state established state close-wait "$filter" > "$tmp/ss.txt"
"$QT_PORTS_DUMP" "$ports" > "$tmp/dump.txt" || not_ok "ports_dump failed"

# --- per service: ACC/LIMIT + QUEUE columns vs ss (ESTABLISHED counts both) ---
svc_field() { # svc_field NAME COLUMN(1-based)
    awk -v n="$1" -v c="$2" '/^== Services ==/{s=1;next} /^== /{s=0} s && $1==n {print $c}' "$tmp/once.txt"
}
for s in a:$PA b:$PB c:$PC; do
    name=${s%%:*} port=${s#*:}
    want=$(ss -Htn state established "( sport = :$port )" | wc -l)
    acc=$(svc_field "$name" 3); acc=${acc%%/*}
    q=$(svc_field "$name" 4); q=${q%%/*}
    check_eq "service $name accepted + queued = ss established" "$want" "$((acc + q))"
done
check_eq "service a accept queue (Recv-Q of the listener / backlog)" \
    "$(ss -Htln "( sport = :$PA )" | awk '{print $2"/"$3}')" "$(svc_field a 4)"
check_eq "service c stalled" 3 "$(svc_field c 5)"
# a holds 7 clients with -c 5 (--limit 5): 5 accepted, 2 queued, shown apart
acc_a=$(svc_field a 3)
check_eq "service a: accepted/limit, the queue not added" "5/5" "$acc_a"

# --- per remote IP: TOTAL column vs ss (ESTABLISHED + CLOSE-WAIT) ---
awk '{split($NF, a, ":"); n[a[1]]++} END {for (i in n) print i, n[i]}' "$tmp/ss.txt" | sort > "$tmp/ss-ip.txt"
awk '/^== Remote IPs ==/{s=1;getline;next} /^$/{s=0} s {print $1, $2}' "$tmp/once.txt" | sort > "$tmp/qt-ip.txt"
if diff -u "$tmp/ss-ip.txt" "$tmp/qt-ip.txt" > "$tmp/ip.diff"; then
    ok "per-IP counts equal ss ($(wc -l < "$tmp/qt-ip.txt") addresses)"
else
    not_ok "per-IP counts differ from ss:"; cat "$tmp/ip.diff"
fi
ip_col() { awk -v ip="$1" -v c="$2" '/^== Remote IPs ==/{s=1;next} /^$/{s=0} s && $1==ip {print $c}' "$tmp/once.txt"; }
check_eq "127.0.0.4 stalled (silent TLS clients)" 3 "$(ip_col 127.0.0.4 6)"
check_eq "127.0.0.5 stalled (finished TLS)" 0 "$(ip_col 127.0.0.5 6)"

# --- stages, per connection ---
stages() { awk -v s="$1" -v ip="$2" '$1=="conn" && $2==s && $3==ip {print $6}' "$tmp/dump.txt" | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}'; }
check_eq "a from 127.0.0.2+3: stages" "in_program:5,queued:2" \
    "$(awk '$1=="conn" && $2=="a" {print $6}' "$tmp/dump.txt" | sort | uniq -c | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}')"
check_eq "a: the program is cat" "cat" "$(awk '$1=="conn" && $2=="a" && $6=="in_program" {print $8}' "$tmp/dump.txt" | sort -u)"
check_eq "b from 127.0.0.6: stages" "in_mail_program:2" "$(stages b 127.0.0.6)"
check_eq "c from 127.0.0.4 (silent): stages" "handshake_pending:3" "$(stages c 127.0.0.4)"
check_eq "c from 127.0.0.5 (TLS done): stages" "in_mail_program:2" "$(stages c 127.0.0.5)"
check_eq "c: the TLS child runs qmail-smtpd beneath" "socat>qmail-smtpd" \
    "$(awk '$1=="conn" && $2=="c" && $3=="127.0.0.5" {print $8 ">" $9}' "$tmp/dump.txt" | sort -u)"
# owners are the real per-connection children (ss -p agrees)
want=$(ss -Htnp state established "( sport = :$PC )" | grep -c 'socat')
check_eq "c: every accepted connection has a socat owner (ss -tnp)" "$want" \
    "$(awk '$1=="conn" && $2=="c" && $7 != "0" && $8=="socat"' "$tmp/dump.txt" | wc -l)"

# --- findings: at the limit, clients waiting ---
grep -q '^\[CRIT\] ports: Service at its connection limit -- a' "$tmp/once.txt" && ok "finding: a at its limit" \
    || not_ok "no limit finding for a"
# docs/severity.md: anything queued is CRIT (clients wait with no banner now)
grep -q '^\[CRIT\] ports: Clients waiting to be accepted -- a' "$tmp/once.txt" && ok "finding: a accept queue (CRIT)" \
    || not_ok "no accept-queue finding for a"

if [ "$CHECK_FAIL" -ne 0 ]; then
    echo "--- qtriage --once"; cat "$tmp/once.txt"
    echo "--- ports_dump"; cat "$tmp/dump.txt"
    echo "--- ss"; cat "$tmp/ss.txt"
fi
check_done

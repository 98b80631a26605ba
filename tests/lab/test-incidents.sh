#!/usr/bin/env bash
# The incidents: slow clients on TLS ports without/with a handshake deadline,
# a tcpserver driven to its -c limit, zombie groups. What ss and ps show must
# equal lab/status --json. Then lab/down must leave nothing behind.
set -uo pipefail
TEST_NAME=incidents TEST_PORT_BASE=29300
source "$(dirname "$0")/lib.sh"
ppid_of() { ps -o ppid= -p "$1" | tr -d ' '; }

check "lab/up loris zombies smtps-deadline" "$LAB/up" loris zombies smtps-deadline
B=$QT_LAB_PORT_BASE
"$LAB/status" --json >"$QT_LAB_DIR/truth.json"
T() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$QT_LAB_DIR/truth.json"; }
check_eq "truth schema" "qtriage-lab-truth/1" "$(T 't["schema"]')"
check_eq "scenarios up" "dns=False smtp=True smtps-nodeadline=True smtps-deadline=True imaps=True pop3s=True submission=False zombies=True loris=True healthy=False real=False" \
    "$(T '" ".join("%s=%s" % (s["name"], s["up"]) for s in t["scenarios"] if s["name"] != "root")')"
check "total planned connections stay <= 200" test "$(T 'sum(c["count"] for c in t["connections"])')" -le 200

# --- connections per service and per source IP: ss == truth ---
while IFS='|' read -r name port est srcs; do
    if [[ $name == pop3s ]]; then   # churns: each socket lives < 5 s, then reconnects
        retry 10 test "$(ss_estab_port "$port")" -eq "$est"
        check "$name :$port established = $est (ss, churning)" test $? -eq 0
    else
        check_eq "$name :$port established (ss -tn)" "$est" "$(ss_estab_port "$port")"
    fi
    for s in $srcs; do
        ip=${s%:*} n=${s#*:}
        [[ $name == pop3s ]] && { retry 10 test "$(ss_estab_src "$port" "$ip")" -eq "$n"; check "$name from $ip = $n (churning)" test $? -eq 0; continue; }
        check_eq "$name :$port from $ip (ss -tn)" "$n" "$(ss_estab_src "$port" "$ip")"
    done
done < <(T '"\n".join("%s|%d|%d|%s" % (s["name"], s["port"], s["expected"]["established"], " ".join("%s:%d" % (x["ip"], x["count"]) for x in s["expected"]["by_source"])) for s in t["services"] if s["up"])')
check_eq "the 24-connection source on smtps" "127.0.0.66 24" "$(T '" ".join(str(max([s for s in t["services"] if s["name"]=="smtps"][0]["expected"]["by_source"], key=lambda x: x["count"])[k]) for k in ("ip", "count"))')"

# --- smtp driven to its -c limit ---
SMTP=$((B + 25))
check_eq "smtp LISTEN Recv-Q (accept queue) = truth" "$(T '[s for s in t["services"] if s["name"]=="smtp"][0]["expected"]["accept_queue"]')" "$(ss_listen_recvq $SMTP)"
check_eq "last tcpserver status line = truth" "$(T '[s for s in t["services"] if s["name"]=="smtp"][0]["expected"]["status_line"]')" \
    "$(grep -o 'tcpserver: status: [0-9]*/[0-9]*' "$QT_LAB_DIR/root/var/log/qmail/smtpd/current" | tail -1)"
tcpd=$(ps -eo pid=,comm=,args= | awk -v p="$SMTP" '$2=="tcpserver" && index($0, " 127.0.0.1 " p " ") {print $1}')
check_eq "qmail-smtpd children of the smtp tcpserver = truth (in mail program)" \
    "$(T '[s for s in t["services"] if s["name"]=="smtp"][0]["expected"]["by_stage"]["in_mail_program"]')" \
    "$(ps -o comm= --ppid "$tcpd" | grep -cx qmail-smtpd)"
banner=$(timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP; head -c 3 <&3" 2>/dev/null)
check_eq "a real client gets no banner from the saturated smtp" "" "$banner"

# --- TLS without a deadline: socat children, same cmdline, no mail program ---
for svc in smtps imaps; do
    port=$(T "[s for s in t[\"services\"] if s[\"name\"]==\"$svc\"][0][\"port\"]")
    want=$(T "[s for s in t[\"services\"] if s[\"name\"]==\"$svc\"][0][\"expected\"][\"by_stage\"][\"tls_handshake_pending\"]")
    parent=$(ps -eo pid=,comm=,args= | awk -v p="OPENSSL-LISTEN:$port," '$2=="socat" && index($0, p) {print $1}' |
        while read -r p; do [[ $(ps -o comm= -p "$(ppid_of "$p")") == timeout ]] && echo "$p"; done)
    kids=$(ps -o pid= --ppid "$parent" | wc -l)
    check_eq "$svc: socat children = handshakes pending (truth)" "$want" "$kids"
    same=$(for k in $(ps -o pid= --ppid "$parent"); do cmp -s "/proc/$k/cmdline" "/proc/$parent/cmdline" && echo y; done | wc -l)
    check_eq "$svc: every child keeps the parent's cmdline" "$want" "$same"
    grand=$(for k in $(ps -o pid= --ppid "$parent"); do ps -o pid= --ppid "$k"; done | wc -l)
    check_eq "$svc: no child has started a mail program" 0 "$grand"
done

# --- TLS with a deadline: an idle client is dropped after TIMEOUTbusy ---
# idle_secs PORT: seconds until the server drops a client that sends nothing,
# or "held" if it still holds it after 9 s
idle_secs() {
    timeout 20 "$PY" - "$1" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=9)
t = time.time()
try:
    s.recv(1)
    print(round(time.time() - t, 1))
except socket.timeout:
    print("held")
except OSError:
    print(round(time.time() - t, 1))
PY
}
dl=$(T '[s for s in t["services"] if s["name"]=="smtps-dl"][0]["handshake_deadline_s"]')
idle_secs $((B + 466)) >"$QT_LAB_DIR/idle.dl" &
p1=$!
idle_secs $((B + 993)) >"$QT_LAB_DIR/idle.imaps" &
p2=$!
wait "$p1" "$p2"
took=$(cat "$QT_LAB_DIR/idle.dl")
check "smtps-dl drops a silent client after ~${dl}s (took ${took}s)" "$PY" -c "import sys; sys.exit(not $dl - 0.5 <= $took <= $dl + 10)"
check_eq "imaps (no deadline) still holds a silent client after 9 s" held "$(cat "$QT_LAB_DIR/idle.imaps")"
out=$(printf 'QUIT\r\n' | timeout 10 openssl s_client -connect 127.0.0.1:$((B + 466)) -quiet 2>/dev/null | tr -d '\r')
check_match "a real TLS client on smtps-dl gets the qmail-smtpd banner" '^220 mail.lab.test ESMTP' "$out"

# --- zombies: ps == truth ---
"$LAB/status" --json >"$QT_LAB_DIR/truth.json"
while IFS='|' read -r group ppid pcomm child lo hi sup; do
    n=$(ps -eo ppid=,stat=,comm= | awk -v p="$ppid" -v c="$child" '$1==p && $2 ~ /^Z/ && $3==c' | wc -l)
    check "$group: $n zombies [$child] under ${pcomm}[$ppid] (truth $lo..$hi)" test "$n" -ge "$lo" -a "$n" -le "$hi"
    check_eq "$group: parent comm" "$pcomm" "$(ps -o comm= -p "$ppid")"
    if [[ $sup != None ]]; then
        check_eq "$group: parent's parent is 'supervise $sup'" "supervise $sup" "$(ps -o args= -p "$(ppid_of "$ppid")")"
    else
        check_eq "$group: not supervised (parent is the lab's timeout)" timeout "$(ps -o comm= -p "$(ppid_of "$ppid")")"
    fi
done < <(T '"\n".join("%s|%s|%s|%s|%d|%d|%s" % (z["group"], z["parent_pid"], z["parent_comm"], z["child_comm"], z["expected_range"][0], z["expected_range"][1], z["supervise"]) for z in t["zombies"]["groups"])')
check_match "ps shows [qmail-smtpd] <defunct>" '\[qmail-smtpd\] <defunct>' "$(ps -eo args= | grep -F '[qmail-smtpd] <defunct>' | head -1)"
check_eq "escalation: only the mail groups" "smtp-zombies=True smtp-zombies-grow=True other-zombies=False" \
    "$(T '" ".join("%s=%s" % (z["group"], z["escalate"]) for z in t["zombies"]["groups"])')"

# --- down: nothing left, by pgid, by tag and by name ---
pgids=$(cat "$QT_LAB_DIR"/pids/*/*.pgid)
check "lab/down" "$LAB/down"
left=0
for pg in $pgids; do [[ -n $(ps -o pid= -g "$pg") ]] && left=1; done
check_eq "no process left in any recorded process group" 0 "$left"
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
check_eq "no lab-named process mentions this lab dir" "" "$(lab_named_procs)"
est=0
for p in $((B + 25)) $((B + 465)) $((B + 466)) $((B + 993)) $((B + 995)); do
    est=$((est + $(ss_estab_port $p) + $(ss -Htln "( sport = :$p )" | wc -l)))
done
check_eq "no socket left on the lab's ports" 0 "$est"
check "no records left" test -z "$(ls "$QT_LAB_DIR/pids" 2>/dev/null)"
finish

#!/bin/bash
# The console against the incident lab, as a person would use it: headless
# counts compared with ss/ps and the lab's truth, then the real console in
# tmux: Ports drill-down to a stalled connection and its process, a refused
# kill in read-only mode, Zombies and Servers views, and the auth wizard
# walked end to end with the password typed (and never shown).
TEST_NAME=console
TEST_PORT_BASE=${TEST_PORT_BASE:-33000}
. "$(dirname "$0")/lib.sh"
QT="$QT_BUILD/qtriage"
# the console in tmux: the UI tests' frame checks (has, hasnt, ui_keys ...)
. "$(dirname "$0")/../ui/lib.sh"

"$LAB/up" root dns smtp smtps-nodeadline zombies loris submission >/dev/null || { not_ok "lab up"; finish; }
B=$QT_LAB_PORT_BASE
mapfile -t ARGS < <("$LAB/status" --json | "$PY" -c 'import json,sys; print("\n".join(json.load(sys.stdin)["qtriage_args"]))')
# wait until the attack clients are all connected
want66=$(truth "[s for s in t['services'] if s['name']=='smtps'][0]['expected']['by_source']" | "$PY" -c 'import ast,sys; print([x["count"] for x in ast.literal_eval(sys.stdin.read()) if x["ip"]=="127.0.0.66"][0])')
retry 40 test "$(ss_estab_src $((B + 465)) 127.0.0.66)" -eq "$want66"

# --- headless numbers against ss and ps on the same state ---
out=$("$QT" --once "${ARGS[@]}")
row() { awk -v s="$1" '$1 == s {print; exit}' <<<"$out"; }
for svc in smtp smtps; do
    case $svc in smtp) p=$((B + 25)) ;; smtps) p=$((B + 465)) ;; esac
    # ACC/LIMIT shows the accepted connections, QUEUE the accept queue: ss's
    # ESTABLISHED counts both
    est=$(row "$svc" | awk '{split($3, a, "/"); split($4, q, "/"); print a[1] + q[1]}')
    check_eq "$svc accepted + queued = ss established" "$(ss_estab_port $p)" "$est"
done
ip66=$(awk '$1 == "127.0.0.66" {print $2; exit}' <<<"$out")
check_eq "127.0.0.66 total = ss" "$(ss_estab_src $((B + 465)) 127.0.0.66)" "$ip66"
stalled=$(row smtps | awk '{print $5}')
check_eq "smtps stalled = truth (handshake pending)" \
    "$(truth "[s for s in t['services'] if s['name']=='smtps'][0]['expected']['by_stage']['tls_handshake_pending']")" "$stalled"
queue=$(row smtp | awk '{split($4, a, "/"); print a[1]}')
check_eq "smtp accept queue = ss Recv-Q" "$(ss_listen_recvq $((B + 25)))" "$queue"
check "smtp at its -c limit is CRIT" grep -q "^\[CRIT\] ports: Service at its connection limit" <<<"$out"
check "no handshake deadline flagged" grep -q "no TLS handshake deadline" <<<"$out"
# docs/severity.md: the static example run scripts (root/var/qmail/supervise,
# in no scan directory) are inventory: never CRIT or WARN
for inv in $(ls "$(truth "t['root']")/var/qmail/supervise"); do
    check "inventory $inv is never CRIT/WARN" bash -c '! grep -Eq "^\[(CRIT|WARN)\] servers: .* -- ([^ ]*, )?$1(,|$)" <<<"$2"' _ "$inv" "$out"
done
check "the scan directory used is named" grep -q "^active scan directories: /service /service-zombies (svscan pid" <<<"$out"
# every listener on a watched port is in Servers: the socat on smtps with its max-children
check "socat on smtps is a Servers row with its limit" bash -c 'grep -Eq "^socat:$1 +$1 +other:socat +100 " <<<"$2"' _ "$((B + 465))" "$out"
# (CRIT once the stalls are 30 s old, WARN before: this sample may come first)
check "no-deadline finding is on the listening socat" grep -Eq "^\[(CRIT|WARN)\] servers: no TLS handshake deadline: a silent client holds a connection slot forever -- socat:$((B + 465))" <<<"$out"
check "127.0.0.66 holding 24 smtps slots is CRIT" grep -q "^\[CRIT\] ports: One client holds many connections -- 127.0.0.66 on smtps" <<<"$out"
zpid=$(ps -eo pid=,ppid=,stat=,comm= | awk '$3 ~ /^Z/ && $4 == "qmail-smtpd" {print $2}' | sort | uniq -c | sort -rn | awk 'NR==1 {print $2}')
zn=$(ps -eo ppid=,stat=,comm= | awk -v p="$zpid" '$1 == p && $2 ~ /^Z/' | wc -l)
zq=$(awk -v p="$zpid" '$2 == p {print $5; exit}' <<<"$out")
# the growing group may gain one between ps and the sample
check "zombie count of the biggest group = ps (+-1)" test "${zq:-0}" -ge "$((zn - 1))" -a "${zq:-0}" -le "$((zn + 1))"

# --- the console in tmux ---
start() { ui_start "$1" "$2" "$QT $(printf '%q ' "${ARGS[@]}") ${*:3}"; } # start COLS ROWS EXTRA-ARGS...
key() { ui_keys "$@"; }
trap '$TM kill-server 2>/dev/null; rm -rf "$OUT"; lab_cleanup' EXIT
export QT_UI_WAIT=6

start 100 30 --read-only
check "console shows the watched services" has "1 Ports" "smtps"
key / 1 2 7 . 0 . 0 . 6 6 Enter
key Enter
check "Enter on an IP lists its connections (silent clients: TLS not started)" has "127.0.0.66" "TLS not started"
key Enter
check "Enter on a connection shows its process" has "socat"
key K
check "K is refused in read-only mode" has "read-only: K (kill) is disabled"
key Escape; key Escape; key Escape
key 3; key z
check "Zombies pane names the supervised service" hasnt "3 Zombies" "1 Ports"
check "... the service" has "3 Zombies" "qmail-s"
key Enter
check "a zombie group opens to its zombies and their parent chain" has "3 Zombies > " "supervise"
key Escape; key Escape
key 2; key Enter
check "Servers detail shows the parsed options" has "2 Servers > " "-c"
$TM kill-server 2>/dev/null

start 100 30
key a  # from the Ports pane: a jumps to the wizard
check "wizard asks for the account" has "Account"
key "alice@example.test" Enter
check "wizard asks for the password" has "Password for alice@example.test"
key 'Secret1!'
check "the password is not echoed (a marker instead)" hasnt "> (hidden)" 'Secret1!'
key Enter
key C-u "127.0.0.1:$((B + 587))" Enter
key Enter; key Enter; key Enter
for i in 1 2 3 4 5; do key n; sleep 1; done
check "vchkpw step OK" has_re '^ *. *2 vchkpw .* OK'
check "SMTP session logs in (235)" has "235"
check "diagnosis says the server side works" has "server side works"
check "password never on screen" bash -c "! $TM capture-pane -p -S - | grep -qF 'Secret1!'"
check "password never in qtriage's argv or environment" bash -c \
    "! grep -qaF 'Secret1!' /proc/\$(pgrep -n -x qtriage)/cmdline /proc/\$(pgrep -n -x qtriage)/environ"
$TM kill-server 2>/dev/null
finish

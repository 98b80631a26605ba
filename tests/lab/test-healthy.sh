#!/bin/bash
# The healthy scenario alone (issue 14 items 6 and 7): a correctly configured
# server in its own root, with its own ports and qtriage arguments from the
# truth. qtriage must find nothing wrong: no CRIT or WARN in --once and
# --json, --check OK (exit 0) with pid-free perfdata labels, and the truth's
# expected findings for it only OK/INFO, its expected incidents none.
TEST_NAME=healthy
TEST_PORT_BASE=${TEST_PORT_BASE:-34000}
. "$(dirname "$0")/lib.sh"
QT="$QT_BUILD/qtriage"

check "lab/up healthy" "$LAB/up" healthy
B=$QT_LAB_PORT_BASE
check_eq "only healthy is up" "healthy" \
    "$(truth '" ".join(s["name"] for s in t["scenarios"] if s["up"])')"
mapfile -t ARGS < <(truth '"\n".join(t["healthy"]["qtriage_args"])')
check_eq "its own root" "$QT_LAB_DIR/healthy/root" "${ARGS[1]}"
check_eq "its own ports" "smtp=$((B + 125)),smtps=$((B + 565))" "${ARGS[3]}"
check "svscan of the healthy tree runs" pgrep -f "^svscan $QT_LAB_DIR/healthy/root/service\$"
check "smtp: tcpserver with a rules cdb and -c" pgrep -f \
    "^/usr/bin/tcpserver .*-x $QT_LAB_DIR/healthy/root/etc/tcp.smtp.cdb -c 20 .* $((B + 125)) "
check "smtps: tcpserver + stunnel4 with TIMEOUTbusy" grep -q '^TIMEOUTbusy = 20$' \
    "$QT_LAB_DIR/healthy/root/etc/stunnel/smtps.conf"
check "both rules files are compiled" test -s "$QT_LAB_DIR/healthy/root/etc/tcp.smtp.cdb" -a \
    -s "$QT_LAB_DIR/healthy/root/etc/tcp.smtps.cdb"
check_eq "two log services (multilog)" 2 "$(pgrep -fc "^/usr/bin/multilog t $QT_LAB_DIR/healthy/root/var/log/qmail/")"
# the clients behaved: every session completed (swaks exit 0), none is left open
check_eq "4 client sessions, all complete" "4 0" \
    "$(truth 'str(len(t["healthy"]["sessions"])) + " " + str(sum(s["swaks_exit"] != 0 for s in t["healthy"]["sessions"]))')"
check_eq "no connection left on smtp" 0 "$(ss_estab_port $((B + 125)))"
check_eq "no connection left on smtps" 0 "$(ss_estab_port $((B + 565)))"
check_eq "the truth expects no CRIT/WARN finding" "" \
    "$(truth '" ".join(f["id"] for f in t["healthy"]["findings"] if f["severity"] not in ("info", "ok"))')"
check_eq "the truth expects no incident" "[]" "$(truth 't["healthy"]["incidents"]')"

# --- --once: zero CRIT, zero WARN ---
out=$("$QT" --once "${ARGS[@]}")
check_eq "--once: no CRIT or WARN finding" "" "$(grep -E '^\[(CRIT|WARN)\]' <<<"$out")"
check "--once: the scan directory used is the healthy tree's" \
    grep -q "^active scan directory: /service (svscan pid" <<<"$out"
check "--once: the smtps handshake deadline is seen (truth: tls.handshake_deadline 20 s)" \
    grep -q "^\[OK\] servers: TLS handshake deadline 20 s (stunnel TIMEOUTbusy 20 s" <<<"$out"
for svc in smtp smtps; do
    check "--once: $svc connections within limits" \
        grep -q "^\[OK\] ports: Connections within limits -- $svc " <<<"$out"
done
# --- --json: the same, read as JSON ---
json=$("$QT" --json "${ARGS[@]}")
# the document goes in on stdin (an environment variable holds at most 128 KiB),
# and a document that does not parse fails the check (no vacuous "")
check_eq "--json: no CRIT or WARN finding" "" "$("$PY" -c '
import json, sys
t = json.load(sys.stdin)
print(" ".join(f["id"] for f in t["findings"] if f["severity"] in ("CRIT", "WARN")))' <<<"$json" || echo "not JSON")"
check_eq "--json: incidents = truth's (none)" "[]" "$("$PY" -c '
import json, sys
print(json.load(sys.stdin)["incidents"])' <<<"$json" || echo "not JSON")"
# --- --check: OK, exit 0, perfdata labels without pids ---
rc=0
chk=$("$QT" --check "${ARGS[@]}") || rc=$?
check_eq "--check exit 0" 0 "$rc"
check_match "--check says OK" '^QTRIAGE OK - ' "$chk"
labels=$(sed 's/^[^|]*|//' <<<"$chk" | grep -o "'[^']*'=" | tr -d "'=")
for l in established.smtps stalled.smtps queued.smtps established.smtp; do
    check "perfdata label $l" grep -qx "$l" <<<"$labels"
done
check_eq "no perfdata label carries a pid" "" "$(grep -E '@[0-9]|^zombies\.[0-9]+(#|$)' <<<"$labels")"
check "every zombies label is zombies.PROGRAM" bash -c '! grep -E "^zombies\." <<<"$1" | grep -vqE "^zombies\.[A-Za-z][A-Za-z0-9_.+-]*(#[0-9]+)?$"' _ "$labels"

# --- next to other scenarios: smtp runs its own supervise qmail-smtpd (same
# name, another tree), zombies are a host-wide problem ---
check "lab/up smtp zombies next to healthy" "$LAB/up" smtp zombies
out=$("$QT" --once "${ARGS[@]}")
check_eq "the healthy services get no CRIT/WARN (the other tree's qmail-smtpd is not theirs)" "" \
    "$(grep -E '^\[(CRIT|WARN)\] servers: .* -- qmail-smtps?d$' <<<"$out")"
check "the other tree's tcpserver is a row of its own" grep -Eq "^tcpserver:$((B + 25)) +$((B + 25)) " <<<"$out"
check_eq "its files (outside this --root) are not judged from this tree" "" \
    "$(grep -E '^\[(CRIT|WARN)\] servers: rules file .* does not exist' <<<"$out")"
rc=0
chk=$("$QT" --check "${ARGS[@]}") || rc=$?
check_eq "--check: WARNING from the host-wide zombies (exit 1)" 1 "$rc"
problems=$(sed 's/ | .*//' <<<"$chk")
check_match "--check names the zombies" 'zombie' "$problems"
check "--check leaves out the unwatched tcpserver on B+25" bash -c '! grep -Eq "tcpserver:$1|qmail-smtpd\]" <<<"$2"' _ "$((B + 25))" "$problems"
# the zombie parents by program name: zombies.tcpserver (two groups: #2), zombies.backupd
labels=$(sed 's/^[^|]*|//' <<<"$chk" | grep -o "'[^']*'=" | tr -d "'=")
for l in zombies.tcpserver 'zombies.tcpserver#2' zombies.backupd; do
    check "perfdata label $l" grep -qxF "$l" <<<"$labels"
done
check_eq "no zombies label carries a pid" "" "$(grep -E '^zombies\.' <<<"$labels" | grep -vE '^zombies\.[A-Za-z][A-Za-z0-9_.+-]*(#[0-9]+)?$')"
check "lab/down" "$LAB/down"
check_eq "no process of this lab" "" "$(lab_pids)"
finish

#!/usr/bin/env bash
# real-queue: qmail's queue of the real notqmail (lab scenario `real`), read
# by qtriage and by qmail-qstat/qmail-qread on the same queue in the same
# test. Messages go through the real qmail-queue to remote recipients
# (smtproutes sends them to a closed loopback port: they stay queued): one
# sender flooding, bounces (<>) and a double bounce (#@[]); then qmail-send
# is stopped and more are queued, so todo/ holds messages not yet
# preprocessed. The queue is emptied at the end with qmail-send stopped
# (qmail's FAQ: never touch the queue while qmail-send runs). Skips (77)
# without QT_REALSTACK.
set -uo pipefail
TEST_NAME=real-queue TEST_PORT_BASE=30900
if [[ -z ${QT_REALSTACK:-} || ! -d ${QT_REALSTACK:-/nonexistent} ]]; then
    echo "SKIP: QT_REALSTACK is not set or not a directory (the real-stack source snapshots); scripts/test sets it when they are beside the checkout"
    exit 77
fi
source "$(dirname "$0")/lib.sh"
QT=$QT_BUILD/qtriage

real_lab_up "lab/up real"
QD=$(T 't["real"]["qmail_dir"]')
QQ=$QD/queue
SVC=$(T 't["real"]["service_dir"]')/qmail-send
SENDLOG=$(T 't["real"]["run_dir"]')/log/qmail-send/current

# a leftover of an earlier run (lab-real leaves its deferred message): start empty
empty_queue
check_eq "queue emptied with qmail-send stopped (qmail-qstat)" "messages in queue: 0" "$("$QD/bin/qmail-qstat" | head -1)"
svc -u "$SVC"
retry 40 send_runs
check "qmail-send runs again" test $? -eq 0

# queue SENDER RCPT...: the real qmail-queue (message on fd 0, envelope on fd 1)
queue() {
    local from=$1 r
    shift
    { printf 'F%s\0' "$from"; for r in "$@"; do printf 'T%s\0' "$r"; done; printf '\0'; } >"$QT_LAB_DIR/env"
    printf 'From: <%s>\nSubject: queue test\n\nbody\n' "$from" >"$QT_LAB_DIR/msg"
    "$QD/bin/qmail-queue" <"$QT_LAB_DIR/msg" 1<"$QT_LAB_DIR/env"
}
bad=0
for i in $(seq 1 20); do queue flood@realstack.test "u$i@remote.example" || bad=$((bad + 1)); done
queue bob@realstack.test a@remote.example b@remote.example c@other.example || bad=$((bad + 1))
queue bob@realstack.test d@other.example || bad=$((bad + 1))
queue carol@realstack.test e@other.example || bad=$((bad + 1))
queue "" sender1@remote.example || bad=$((bad + 1))          # bounces
queue "" sender2@other.example || bad=$((bad + 1))
queue "#@[]" postmaster@remote.example || bad=$((bad + 1))   # a double bounce
check_eq "26 messages queued by qmail-queue (exit 0)" 0 "$bad"
# qmail-send preprocesses them (todo/ empty) and defers every remote one
retry 60 test "$("$QD/bin/qmail-qstat" | tail -1)" = "messages in queue but not yet preprocessed: 0"
check "qmail-send preprocessed todo/" test $? -eq 0
retry 60 test "$(grep -c "deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection" "$SENDLOG")" -ge 28
check "qmail-remote deferred the 28 remote deliveries (closed smtproutes port)" test $? -eq 0

# qmail-send stopped: three more wait in todo/, not yet preprocessed
send_down
check "qmail-send stopped (svc -d)" test $? -eq 0
for i in 1 2 3; do queue late@realstack.test "x$i@remote.example"; done

# truth: qmail-qstat and qmail-qread, then qtriage on the same queue
"$QD/bin/qmail-qstat" >"$QT_LAB_DIR/qstat"
"$QD/bin/qmail-qread" >"$QT_LAB_DIR/qread"
timeout 60 "$QT" --json --qmail-dir "$QD" >"$QT_LAB_DIR/q.json" 2>"$QT_LAB_DIR/q.err"
check_eq "qtriage --json exit" 0 $?
sed 's/^/  qmail-qstat: /' "$QT_LAB_DIR/qstat"
"$PY" "$(dirname "$0")/real-queue-cmp.py" "$QT_LAB_DIR/qstat" "$QT_LAB_DIR/qread" "$QT_LAB_DIR/q.json" "$QQ" \
    >"$QT_LAB_DIR/cmp"
check_eq "compare script ran" 0 $?
while IFS='|' read -r what truth qt; do
    check_eq "$what" "$truth" "$qt"
done <"$QT_LAB_DIR/cmp"
check_eq "qmail-qstat: 29 in queue, 3 not yet preprocessed" "29 3" \
    "$(awk -F': ' '{printf "%s%s", s, $2; s=" "}' "$QT_LAB_DIR/qstat")"
# SMTP AUTH through the real qmail-smtpd + vchkpw: 3 messages as the lab's
# user from 127.0.0.21-23; qmail-smtpd writes the user into its Received
# header ("(USER@IP) by ... with ESMTPA"), the senders table shows it
P() { T "[s for s in t['services'] if s['name']=='$1'][0]['port']"; }
AUSER=$(T 't["real"]["user"]')
svc -u "$SVC"
retry 40 send_runs
bad=0
for i in 1 2 3; do
    timeout 30 swaks --server "127.0.0.1:$(P real-smtp)" --local-interface "127.0.0.2$i" --auth PLAIN \
        --auth-user "$AUSER" --auth-password "$(T 't["real"]["password"]')" --from authflood@realstack.test \
        --to "z$i@remote.example" >"$QT_LAB_DIR/sw.out" 2>&1 || bad=$((bad + 1))
done
check_eq "3 messages sent with AUTH PLAIN (swaks exit 0)" 0 "$bad"
retry 60 test "$("$QD/bin/qmail-qstat" | tail -1)" = "messages in queue but not yet preprocessed: 0"
check "qmail-send preprocessed them" test $? -eq 0
send_down
timeout 60 "$QT" --json --qmail-dir "$QD" >"$QT_LAB_DIR/q2.json" 2>>"$QT_LAB_DIR/q.err"
check_eq "qtriage --json exit (after AUTH)" 0 $?
check_eq "the senders table names the AUTH user of authflood@realstack.test" "$AUSER" \
    "$("$PY" -c '
import json, sys
t = json.load(open(sys.argv[1]))
v = [p for p in t["panes"] if p["name"] == "Queue"][0]["view"]["main"]
c = [x["title"] for x in v["columns"]]
print(" ".join(r["cells"][c.index("AUTH")]["text"] for r in v["rows"]
               if r["cells"][c.index("NAME")]["text"] == "authflood@realstack.test"))' "$QT_LAB_DIR/q2.json")"
check_eq "no AUTH user for a sender queued without SMTP (qmail-queue directly)" "(none)" \
    "$("$PY" -c '
import json, sys
t = json.load(open(sys.argv[1]))
v = [p for p in t["panes"] if p["name"] == "Queue"][0]["view"]["main"]
c = [x["title"] for x in v["columns"]]
print(" ".join(r["cells"][c.index("AUTH")]["text"] for r in v["rows"]
               if r["cells"][c.index("NAME")]["text"] == "flood@realstack.test"))' "$QT_LAB_DIR/q2.json")"

# the end: qmail-send stopped, the queue emptied by file, never a directory
empty_queue
check_eq "queue empty again (qmail-qstat)" "messages in queue: 0" "$("$QD/bin/qmail-qstat" | head -1)"
check "the queue's directories are all still there (mess/0, todo, lock/trigger)" \
    test -d "$QQ/mess/0" -a -d "$QQ/todo" -a -p "$QQ/lock/trigger"
check "lab/down real" "$LAB/down" real
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
finish

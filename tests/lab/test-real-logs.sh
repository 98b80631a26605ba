#!/usr/bin/env bash
# real-logs: qmail-send's own log on the real stack (lab scenario `real`),
# read by qtriage and counted by this test from the same file. qmail-send is
# supervised with `multilog t DIR` in its log/run (lab/lib/realstack.sh), a
# directory qtriage finds only from that log/run. Real lines, made by the
# real programs: a deferral (smtproutes routes every remote delivery to a
# closed loopback port), a bounce (vdelivermail: no such vpopmail user) and
# a double bounce (the bounce to a nonexistent local sender bounces; qmail-send
# sends it to doublebounceto@doublebouncehost, a remote address behind the
# same dead route: qmail-send.c injectbounce). The counts of the report's
# logs object equal the truth; control files and the queue are restored as
# test-real-queue.sh does. Skips (77) without QT_REALSTACK.
set -uo pipefail
TEST_NAME=real-logs TEST_PORT_BASE=31500
if [[ -z ${QT_REALSTACK:-} || ! -d ${QT_REALSTACK:-/nonexistent} ]]; then
    echo "SKIP: QT_REALSTACK is not set or not a directory (the real-stack source snapshots); scripts/test sets it when they are beside the checkout"
    exit 77
fi
source "$(dirname "$0")/lib.sh"
QT=$QT_BUILD/qtriage

real_lab_up "lab/up real"
QD=$(T 't["real"]["qmail_dir"]')
QQ=$QD/queue
DOM=$(T 't["real"]["domain"]')
USER_=$(T 't["real"]["user"]')
SVC=$(T 't["real"]["service_dir"]')/qmail-send
SENDLOG=$(T 't["real"]["run_dir"]')/log/qmail-send/current
QDEF=$(T 't["real"]["vpopmail_dir"]')/domains/$DOM/.qmail-default

# doublebounceto/doublebouncehost are read at qmail-send's start only
# (qmail-send.c getcontrols): saved, set with qmail-send down, put back at exit
for f in doublebounceto doublebouncehost; do
    [[ -e $QD/control/$f ]] && cp -p "$QD/control/$f" "$QT_LAB_DIR/saved-$f"
done
cp -p "$QDEF" "$QT_LAB_DIR/saved-qmail-default"
restore_control() {
    local f
    cat "$QT_LAB_DIR/saved-qmail-default" >"$QDEF"   # in place: vpopmail's owner and mode stay
    for f in doublebounceto doublebouncehost; do
        if [[ -e $QT_LAB_DIR/saved-$f ]]; then cp -p "$QT_LAB_DIR/saved-$f" "$QD/control/$f"; else rm -f "$QD/control/$f"; fi
    done
}
trap 'restore_control; lab_cleanup' EXIT

empty_queue
check_eq "queue emptied with qmail-send stopped (qmail-qstat)" "messages in queue: 0" "$("$QD/bin/qmail-qstat" | head -1)"
printf 'nobody\n' >"$QD/control/doublebounceto"
printf 'unreachable.example\n' >"$QD/control/doublebouncehost"
# vadddomain's default here is `delete`; bounce-no-mailbox is the other
# usual one (docs/domain/vpopmail.md): an unknown user's mail bounces
sed 's/ delete$/ bounce-no-mailbox/' "$QT_LAB_DIR/saved-qmail-default" >"$QDEF"
check_match "the domain's .qmail-default bounces unknown users" "vdelivermail '' bounce-no-mailbox\$" "$(cat "$QDEF")"
svc -u "$SVC"
retry 40 send_runs
check "qmail-send runs again (doublebounceto nobody@unreachable.example)" test $? -eq 0

# queue SENDER RCPT...: the real qmail-queue (message on fd 0, envelope on fd 1)
queue() {
    local from=$1 r
    shift
    { printf 'F%s\0' "$from"; for r in "$@"; do printf 'T%s\0' "$r"; done; printf '\0'; } >"$QT_LAB_DIR/env"
    printf 'From: <%s>\nSubject: real-logs test\n\nbody\n' "$from" >"$QT_LAB_DIR/msg"
    "$QD/bin/qmail-queue" <"$QT_LAB_DIR/msg" 1<"$QT_LAB_DIR/env"
}
bad=0
queue "$USER_" "far@remote.example" || bad=$((bad + 1))           # deferred: the dead route
queue "$USER_" "nosuch-a@$DOM" || bad=$((bad + 1))               # bounced back to the user
queue "ghost@$DOM" "nosuch-b@$DOM" || bad=$((bad + 1))           # bounce, then double bounce
check_eq "3 messages queued by qmail-queue (exit 0)" 0 "$bad"

# the truth: the same lines counted here, from qmail-send's log file alone
# (qmail-log(5); a message's sender is on its latest `info msg N` line: N
# is an inode number, reused)
count() {
    "$PY" - "$SENDLOG" <<'EOF'
import re, sys
sender, c = {}, dict.fromkeys(("lines", "bounces", "double_bounces", "double_bounce_lines", "triple_bounces",
                               "deferrals", "successes", "no_mailbox"), 0)
for line in open(sys.argv[1], encoding="latin-1"):
    c["lines"] += 1
    m = re.search(r" info msg (\d+): bytes \d+ from <(.*?)> ", line)
    if m:
        sender[m[1]] = m[2]
        if m[2] == "#@[]":
            c["double_bounces"] += 1
            c["double_bounce_lines"] += 1
    m = re.search(r" bounce msg (\d+) qp ", line)
    if m:
        if sender.get(m[1]) == "":
            c["double_bounce_lines"] += 1
        else:
            c["bounces"] += 1
    c["triple_bounces"] += " triple bounce: discarding " in line
    c["deferrals"] += bool(re.search(r" delivery \d+: deferral: ", line))
    c["successes"] += bool(re.search(r" delivery \d+: success: ", line))
    c["no_mailbox"] += bool(re.search(r" delivery \d+: failure: .*(no_mailbox_here|#5\.1\.1)", line))
print(" ".join("%s=%d" % kv for kv in c.items()))
EOF
}
cnt() { count | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# the double bounce deferred too: 2 deferrals (far@ and nobody@unreachable)
ready() { (( $(cnt bounces) >= 2 && $(cnt double_bounces) >= 1 && $(cnt deferrals) >= 2 )); }
retry 60 ready
rc=$?
check "qmail-send logged 2 bounces, a double bounce and 2 deferrals ($(count))" test "$rc" -eq 0
(( rc == 0 )) || cut -c26- "$SENDLOG" | sed 's/^/  qmail-send: /'

# qmail-send down: the file holds still while qtriage and the truth read it
send_down
check "qmail-send stopped (svc -d)" test $? -eq 0
retry 20 grep -q 'status: exiting' "$SENDLOG"

timeout 60 "$QT" --json --qmail-dir "$QD" >"$QT_LAB_DIR/q.json" 2>"$QT_LAB_DIR/q.err"
check_eq "qtriage --json exit" 0 $?
truth_now=$(count)
echo "  truth from $SENDLOG: $truth_now"
lg() { "$PY" -c 'import json,sys
l = json.load(open(sys.argv[2]))["logs"]
print(eval(sys.argv[1], {"l": l}))' "$1" "$QT_LAB_DIR/q.json"; }
src="[s for s in l['sources'] if s['path'] == '$SENDLOG']"
check_eq "qmail-send's log is a source, found from its log/run" "qmail-send ok 1" \
    "$(lg "' '.join(' '.join((s['name'], s['state'], str(int('$SVC/log/run' in s['why'])))) for s in $src)")"
tv() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$truth_now"; }
check_eq "lines read from it = the file's lines" "$(tv lines)" "$(lg "$src[0]['lines']")"
check_eq "logs.bounces.bounces = the truth's" "$(tv bounces)" "$(lg 'l["bounces"]["bounces"]')"
check_eq "logs.bounces.double_bounces = the truth's" "$(tv double_bounces)" "$(lg 'l["bounces"]["double_bounces"]')"
check_eq "logs.bounces.double_bounce_lines = the truth's" "$(tv double_bounce_lines)" \
    "$(lg 'l["bounces"]["double_bounce_lines"]')"
check_eq "logs.bounces.triple_bounces = the truth's" "$(tv triple_bounces)" "$(lg 'l["bounces"]["triple_bounces"]')"
check_eq "logs.deferrals_per_source.qmail-send = the truth's" "$(tv deferrals)" \
    "$(lg 'l["deferrals_per_source"].get("qmail-send", 0)')"
check_eq "logs.categories.delivery_deferral = the truth's (all to the dead route)" "$(tv deferrals)" \
    "$(lg 'l["categories"]["delivery_deferral"]')"
check_eq "logs.categories.delivery_success = the truth's" "$(tv successes)" "$(lg 'l["categories"]["delivery_success"]')"
check_eq "logs.categories.no_mailbox = the truth's" "$(tv no_mailbox)" "$(lg 'l["categories"]["no_mailbox"]')"

# the end: qmail-send stopped, the queue emptied by file, control put back
empty_queue
check_eq "queue empty again (qmail-qstat)" "messages in queue: 0" "$("$QD/bin/qmail-qstat" | head -1)"
restore_control
check "doublebounceto and doublebouncehost put back" test ! -e "$QD/control/doublebounceto" -o -e "$QT_LAB_DIR/saved-doublebounceto"
check ".qmail-default put back" cmp -s "$QT_LAB_DIR/saved-qmail-default" "$QDEF"
check "lab/down real" "$LAB/down" real
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
finish

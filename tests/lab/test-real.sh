#!/usr/bin/env bash
# real: the real notqmail + vpopmail + ucspi servers (lab scenario `real`,
# built from QT_REALSTACK). AUTH through the real vchkpw (235/535, the LWQ
# uid mistake), its syslog lines through the lab's own /dev/log, qmail-send's
# closed smtproutes, QMailToaster's MAXCONNIP, and qtriage --json against ss
# and ps. Skips (77) without QT_REALSTACK.
set -uo pipefail
TEST_NAME=real TEST_PORT_BASE=30300
if [[ -z ${QT_REALSTACK:-} || ! -d ${QT_REALSTACK:-/nonexistent} ]]; then
    echo "SKIP: QT_REALSTACK is not set or not a directory (the real-stack source snapshots); scripts/test sets it when they are beside the checkout"
    exit 77
fi
source "$(dirname "$0")/lib.sh"
QT=$QT_BUILD/qtriage

# an open file of the caller (here fd 7; in real use e.g. flock's lock fd)
# must not be inherited by the lab's long-lived processes
exec 7<>"$QT_LAB_DIR/inherit-probe"
real_lab_up "lab/up real (builds the stack or takes it from the cache)"
exec 7>&-
P() { T "[s for s in t['services'] if s['name']=='$1'][0]['port']"; }
PREFIX=$(T 't["real"]["prefix"]')
MAILLOG=$(T 't["real"]["maillog"]')
USER_=$(T 't["real"]["user"]')
PASS=$(T 't["real"]["password"]')
check_eq "truth: real is up" True "$(T '[s["up"] for s in t["scenarios"] if s["name"]=="real"][0]')"

# --- every real service listens, run by the program the plan names ---
listener() { ss -Htlnp "( sport = :$1 )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
for row in real-smtp:/usr/bin/tcpserver real-submission:/usr/bin/tcpserver \
           real-smtps-fehcom:"$PREFIX/fehcom/bin/sslserver" \
           real-smtps-superscript:"$PREFIX/superscript/bin/sslserver" \
           real-smtps-noeof:"$PREFIX/fehcom-noeof/bin/sslserver" real-pop3:/usr/bin/tcpserver \
           real-pop3s:"$PREFIX/fehcom/bin/sslserver" real-qmt:"$PREFIX/qmt/bin/tcpserver" \
           real-tcp6:"$PREFIX/tcp6/bin/tcpserver"; do
    name=${row%%:*} exe=${row#*:} port=$(P "${row%%:*}")
    pid=$(listener "$port")
    check_eq "$name :$port is served by $exe" "$exe" "$(readlink "/proc/$pid/exe" 2>/dev/null)"
done
check_eq "submission's tcpserver runs as qmaild (the LWQ mistake)" qmaild \
    "$(ps -o user= -p "$(listener "$(P real-submission)")")"
check_eq "the stack's /dev/log is the lab's socket, the host's /dev is untouched" \
    "socket no-host-log" "$(stat -c %F "/proc/$(listener "$(P real-smtp)")/root/dev/log" | cut -d' ' -f1) $([[ -e /dev/log ]] && echo host-log || echo no-host-log)"

holders=$(for p in $(lab_pids); do
    for f in /proc/"$p"/fd/*; do [[ $(readlink "$f" 2>/dev/null) == "$QT_LAB_DIR/inherit-probe" ]] && echo "$p"; done
done | sort -u | wc -l)
check_eq "no lab process inherited the caller's open file (fd 7)" 0 "$holders"

# --- AUTH PLAIN through real vchkpw, checked with swaks ---
sw() { timeout 30 swaks --server "127.0.0.1:$1" --quit-after AUTH --auth PLAIN \
    --auth-user "$USER_" --auth-password "$2" "${@:3}" >"$QT_LAB_DIR/sw.out" 2>&1; }
sw "$(P real-smtp)" "$PASS"
check_eq "smtp (tcpserver -u vpopmail), right password: swaks exit 0" 0 $?
check "... 235" grep -q '^<-  235 ' "$QT_LAB_DIR/sw.out"
sw "$(P real-smtp)" "wrong-password-123"
check_eq "smtp, wrong password: swaks exit 28" 28 $?
check "... 535" grep -q '^<\*\* 535 ' "$QT_LAB_DIR/sw.out"
sw "$(P real-submission)" "$PASS"
check_eq "submission (tcpserver -u qmaild), even the right password: swaks exit 28" 28 $?
sw "$(P real-submission)" "wrong-password-123"
check_eq "submission, wrong password: swaks exit 28" 28 $?
sw "$(P real-smtps-fehcom)" "$PASS" --tlsc
check_eq "smtps fehcom sslserver, right password over TLS: swaks exit 0" 0 $?
sw "$(P real-smtps-superscript)" "$PASS" --tlsc
check_eq "smtps SuperScript sslserver, right password over TLS: swaks exit 0" 0 $?
sw "$(P real-qmt)" "$PASS"
check_eq "QMailToaster tcpserver, right password: swaks exit 0" 0 $?
sw "$(P real-tcp6)" "$PASS"
check_eq "ucspi-tcp6 tcpserver, right password: swaks exit 0" 0 $?
# one command after each reply: qmail-popup reads ahead, so a QUIT sent with
# USER and PASS stays in its buffer when it execs vchkpw and qmail-pop3d
# never sees it (the connection then stays open until `timeout` ends it)
pop=$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$1; r() { IFS= read -r l <&3 && printf "%s\n" "$l"; }
    r && printf "USER %s\r\n" "$2" >&3 && r && printf "PASS %s\r\n" "$3" >&3 && r && printf "QUIT\r\n" >&3 && r' _ \
    "$(P real-pop3)" "$USER_" "$PASS" | tr -d '\r' | tr '\n' '|')
check_match "pop3: qmail-popup + vchkpw log in" '^\+OK <[^|]*>\|\+OK \|\+OK' "$pop"

# vchkpw's syslog lines, through the lab's own /dev/log
retry 10 grep -q "vchkpw-0: (PLAIN) login success" "$MAILLOG"
n() { grep -c -- "$1" "$MAILLOG"; }
check_eq "maillog: smtp login success logged as vchkpw-PORT" 1 "$(n "vchkpw-$(P real-smtp): (PLAIN) login success $USER_:127.0.0.1\$")"
check_eq "maillog: smtp wrong password" 1 "$(n "vchkpw-$(P real-smtp): password fail $USER_:127.0.0.1\$")"
check_eq "maillog: submission as qmaild: 'vpopmail user not found' for an existing user, twice" 2 \
    "$(n "vchkpw-$(P real-submission): vpopmail user not found $USER_:127.0.0.1\$")"
check_eq "maillog: fehcom sslserver -e: vchkpw-PORT" 1 "$(n "vchkpw-$(P real-smtps-fehcom): (PLAIN) login success $USER_:127.0.0.1\$")"
check_eq "maillog: SuperScript sslserver without -e: vchkpw-0, no IP" 1 "$(n "vchkpw-0: (PLAIN) login success $USER_:\$")"
check_eq "the domain's vpasswd.cdb is unreadable for qmaild" "no" \
    "$(setpriv --reuid=qmaild --regid=nofiles --clear-groups test -r "$(T 't["real"]["domain_cdb"]')" && echo yes || echo no)"

# --- qmail-send: every remote delivery goes to the closed loopback port ---
timeout 30 swaks --server "127.0.0.1:$(P real-smtp)" --from "$USER_" --to nobody@remote.example \
    --auth PLAIN --auth-user "$USER_" --auth-password "$PASS" >"$QT_LAB_DIR/sw.out" 2>&1
check_eq "a message to a remote address is accepted" 0 $?
SENDLOG=$(T 't["real"]["run_dir"]')/log/qmail-send/current
retry 20 grep -q "deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection" "$SENDLOG"
check "qmail-remote defers it: nothing listens on the smtproutes port (no resolver asked)" test $? -eq 0

# --- QMailToaster's per-IP limit: MAXCONNIP=3 from the rules cdb ---
QMT=$(P real-qmt)
"$BIN/loris" -p "$QMT" -s 127.0.0.80:5 -m silent -t 60 -o "$QT_LAB_DIR/qmt.status" &
qmt_loris=$!
retry 20 grep -q 'closed=2' "$QT_LAB_DIR/qmt.status"
check_eq "qmt: 3 of 5 connections from 127.0.0.80 stay (ss)" 3 "$(ss_estab_src "$QMT" 127.0.0.80)"
check_eq "qmt: tcpserver logged 'deny ... MAXCONNIP:3' twice" 2 \
    "$(grep -c "tcpserver: deny [0-9]* 0:127.0.0.1:$QMT :127.0.0.80::[0-9]* MAXCONNIP:3\$" "$(T 't["real"]["run_dir"]')/log/smtp-qmt/current")"

# --- 12 idle clients on fehcom's sslserver; qtriage --json vs ss and ps ---
FEH=$(P real-smtps-fehcom)
"$BIN/loris" -p "$FEH" -s 127.0.0.81:12 -m silent -t 60 -o "$QT_LAB_DIR/feh.status" &
feh_loris=$!
retry 20 grep -q 'established=12' "$QT_LAB_DIR/feh.status"
sleep 1
ports="real-smtp=$(P real-smtp),real-submission=$(P real-submission),real-smtps-fehcom=$FEH"
ports+=",real-smtps-superscript=$(P real-smtps-superscript),real-qmt=$QMT,real-tcp6=$(P real-tcp6)"
"$QT" --json --ports "$ports" >"$QT_LAB_DIR/q.json" 2>"$QT_LAB_DIR/q.err"
check_eq "qtriage --json exit" 0 $?
ss_now=$(for s in real-smtp real-submission real-smtps-fehcom real-smtps-superscript real-qmt real-tcp6; do
    printf '%s=%s ' "$s" "$(ss_estab_port "$(P $s)")"; done)
Q() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$QT_LAB_DIR/q.json"; }
check_eq "established per service: qtriage = ss -tn" "$ss_now" \
    "$(Q '"".join("%s=%d " % (s, [m for m in t["metrics"] if m["key"] == "established." + s][0]["value"]) for s in "real-smtp real-submission real-smtps-fehcom real-smtps-superscript real-qmt real-tcp6".split())')"
ipcol() { # ipcol IP SERVICE: the Ports pane's per-IP count
    Q "(lambda v: [int(r['cells'][[c['title'] for c in v['columns']].index('$2')]['text']) for r in v['rows'] if r['id']=='$1'][0])([p for p in t['panes'] if p['name']=='Ports'][0]['view']['main'])"
}
check_eq "per IP: 127.0.0.81 on fehcom, qtriage = ss" "$(ss_estab_src "$FEH" 127.0.0.81)" "$(ipcol 127.0.0.81 real-smtps-fehcom)"
check_eq "per IP: 127.0.0.80 on qmt, qtriage = ss" "$(ss_estab_src "$QMT" 127.0.0.80)" "$(ipcol 127.0.0.80 real-qmt)"
feh_kids=$(ps -o pid= --ppid "$(listener "$FEH")" | wc -l)
qmt_kids=$(ps -o pid= --ppid "$(listener "$QMT")" | wc -l)
check_eq "fehcom: one child process per idle client (ps)" 12 "$feh_kids"
check_eq "children per server: qtriage = ps (fehcom, qmt)" "$feh_kids $qmt_kids" \
    "$(Q '" ".join(str([m for m in t["metrics"] if m["key"] == "server_children." + s][0]["value"]) for s in ("smtps-fehcom", "smtp-qmt"))')"
variant() { Q "[r['cells'][2]['text'] for r in [p for p in t['panes'] if p['name']=='Servers'][0]['view']['main']['rows'] if r['id']=='$1'][0]"; }
check_match "variant: fehcom's sslserver" '^sslserver-feh' "$(variant smtps-fehcom)"
check_match "variant: the EOF-less fehcom build too" '^sslserver-feh' "$(variant smtps-noeof)"
check_match "variant: SuperScript's sslserver is not fehcom's" '^sslserver$' "$(variant smtps-superscript)"
check_eq "variant: Debian's tcpserver" ucspi-tcp "$(variant qmail-smtpd)"
check_eq "variant: ucspi-tcp6's tcpserver" ucspi-tcp6 "$(variant smtp-tcp6)"
check_eq "handshake deadline of both sslservers: 26 s (no -T)" "26 s 26 s" \
    "$(Q '" ".join([r["cells"][5]["text"] for r in [p for p in t["panes"] if p["name"]=="Servers"][0]["view"]["main"]["rows"] if r["id"]==s][0] for s in ("smtps-fehcom", "smtps-superscript"))')"

# --- what qtriage now shows on the real stack (issue 15 fixes 3, 5, 6) ---
fsev() { Q "' '.join(f['severity'] for f in t['findings'] if f['id']=='$1') or 'none'"; }
check_eq "submission -u qmaild: vchkpw cannot read vpasswd.cdb (CRIT: it runs)" CRIT \
    "$(fsev "$(T "[f['qtriage_id'] for f in t['findings'] if f['id']=='auth.uid_cannot_read_domain'][0]")")"
check_eq "smtp -u vpopmail: no vpasswd-unreadable finding" none "$(fsev servers.vpasswd-unreadable:qmail-smtpd)"
check_eq "qmt: MAXCONNIP seen, no 'no per-IP limit' finding" "" \
    "$(Q "' '.join(f['id'] for f in t['findings'] if f['id'].endswith(':smtp-qmt') and f['title'].startswith('no per-IP limit'))")"
check_eq "qmt: no iptables fix (tcpserver enforces MAXCONNIP itself)" "" \
    "$(Q "' '.join(f['id'] for f in t['findings'] if f['id'].endswith(':smtp-qmt') and any('iptables' in l for l in f['fix']))")"
kill "$qmt_loris" "$feh_loris" 2>/dev/null
wait "$qmt_loris" "$feh_loris" 2>/dev/null

# --- the auth wizard on the real stack (fixes 2, 3, 6) ---
wiz() { # wiz PORT [options]: the headless wizard, the password on stdin
    local port=$1; shift
    printf '%s\n' "$PASS" | timeout 90 "$QT" --auth "$USER_" --auth-target "127.0.0.1:$port" \
        --ports "$ports" "$@" >"$QT_LAB_DIR/wiz.out" 2>"$QT_LAB_DIR/wiz.err"
}
wiz "$(P real-submission)"
check_eq "wizard on the qmaild submission port: exit 1 (a problem found)" 1 $?
wf() { T "[f['$1'] for f in t['findings'] if f['id']=='$2'][0]"; }
check_grep "... its cause is vpasswd-unreadable" "^cause: $(wf wizard_cause auth.uid_cannot_read_domain)\$" "$QT_LAB_DIR/wiz.out"
check_grep "... it predicts the tag vchkpw-PORT" "$(wf vchkpw_tag auth.uid_cannot_read_domain)" "$QT_LAB_DIR/wiz.out"
check_grep "... the HELO step reads control/me under the real prefix" "control/me: $(wf helo_control_me wizard.implicit_tls)" "$QT_LAB_DIR/wiz.out"
t0=$(date +%s)
wiz "$FEH"
rc=$? t1=$(date +%s)
check_eq "wizard on fehcom's smtps port (implicit TLS, not 465): exit 0" 0 "$rc"
check "... no 15 s banner wait (took $((t1 - t0)) s, want < 15)" test $((t1 - t0)) -lt 15
check_grep "... spoke TLS on connect" '(implicit)' "$QT_LAB_DIR/wiz.out"
cp "$QT_LAB_DIR/wiz.out" "$QT_LAB_DIR/wiz-feh.out"

# --- fehcom without the EOF fix: a client that closes without close_notify
# leaves its sslserver child spinning on a slot with no TCP connection (it
# eats a core: a few seconds only, then we end it by its pid) ---
NOEOF=$(P real-smtps-noeof)
"$PY" - "$NOEOF" <<'EOF2'
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10))
s.recv(512)
s.close()   # SSLSocket.close() sends no close_notify (only unwrap() does)
EOF2
check_eq "noeof: the python TLS client ran" 0 $?
sleep 1
spin=$(ps -o pid= --ppid "$(listener "$NOEOF")" | tr -d ' ' | head -1)
check "noeof: the listener still has a child" test -n "$spin"
check_eq "noeof: no TCP connection left on the port (ss)" 0 "$(ss_estab_port "$NOEOF")"
# qtriage: the child holds a -c slot with no connection (fix 4); a child
# younger than 5 s may be on its way out, so qtriage counts it from then
for _ in $(seq 20); do (( $(ps -o etimes= -p "${spin:-0}" 2>/dev/null || echo 99) >= 6 )) && break; sleep 0.5; done
"$QT" --json --ports "real-smtps-noeof=$NOEOF" >"$QT_LAB_DIR/q-noeof.json" 2>/dev/null
N() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$QT_LAB_DIR/q-noeof.json"; }
check_match "noeof: Ports ACC shows the slot held with no connection (0+N/5)" '^0\+[1-9][0-9]*/5$' \
    "$(N "(lambda h: [r['cells'][[c['title'] for c in h['columns']].index('ACC/LIMIT')]['text'] for r in h['rows'] if r['id']=='real-smtps-noeof'][0])([p for p in t['panes'] if p['name']=='Ports'][0]['view']['head'])")"
check_eq "noeof: the noconn finding" 1 "$(N "len([f for f in t['findings'] if f['id']=='$(T "[f['qtriage_id'] for f in t['findings'] if f['id']=='slots.noconn'][0]")'])")"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
t0=$(ticks "$spin"); sleep 2; t1=$(ticks "$spin")
check "noeof: the child burns CPU (utime+stime grew $((t1 - t0)) ticks in 2 s, want >= 40)" test $((t1 - t0)) -ge 40
[[ -n $spin ]] && kill -KILL "$spin" 2>/dev/null
retry 10 test ! -e "/proc/$spin/stat"
check "noeof: the spinning child is gone (killed by its pid)" test $? -eq 0

check "lab/down real" "$LAB/down" real
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
check_eq "qmail-send of the build is gone" "" "$(for p in /proc/[0-9]*; do [[ $(readlink "$p/cwd" 2>/dev/null) == "$PREFIX/qmail/queue" ]] && echo "${p#/proc/}"; done)"
finish

#!/usr/bin/env bash
# smtp (tcpserver + qmail-smtpd + vchkpw under svscan/supervise/multilog) and
# dns (dnsmasq FCrDNS cases); idempotent up; refusal on a taken port.
set -uo pipefail
TEST_NAME=smtp-dns TEST_PORT_BASE=27300
source "$(dirname "$0")/lib.sh"

check "lab/up smtp dns" "$LAB/up" smtp dns
R=$QT_LAB_DIR/root
B=$QT_LAB_PORT_BASE
SMTP=$((B + 25))
check_eq "status: smtp up" True "$(truth '[s for s in t["services"] if s["name"]=="smtp"][0]["up"]')"
check_eq "status: smtp port" "$SMTP" "$(truth '[s for s in t["services"] if s["name"]=="smtp"][0]["port"]')"

# --- the production process tree ---
tcpd=$(ps -eo pid=,comm=,args= | awk -v p="$SMTP" '$2=="tcpserver" && index($0, " 127.0.0.1 " p " ") {print $1}')
check_match "one tcpserver listens on $SMTP" '^[0-9]+$' "$tcpd"
args=$(tr "\0" " " <"/proc/$tcpd/cmdline")
check_match "tcpserver runs like qmail's" "^/usr/bin/tcpserver -v -R -H -l0 -x $R/etc/tcp.smtp.cdb -c 20 -u 65534 -g 65534 127.0.0.1 $SMTP $R/var/qmail/bin/qmail-smtpd $R/home/vpopmail/bin/vchkpw /bin/true" "$args"
check_eq "tcpserver dropped to uid 65534" 65534 "$(ps -o uid= -p "$tcpd" | tr -d ' ')"
sup=$(ps -o ppid= -p "$tcpd" | tr -d ' ')
check_eq "its parent is 'supervise qmail-smtpd'" "supervise qmail-smtpd" "$(ps -o args= -p "$sup")"
svs=$(ps -o ppid= -p "$sup" | tr -d ' ')
check_eq "supervise's parent is svscan on root/service" "svscan $R/service" "$(ps -o args= -p "$svs")"
check_eq "the run script execs through softlimit" 1 "$(grep -c '^exec /usr/bin/softlimit -m 64000000' "$R/service/qmail-smtpd/run")"
check "the tcprules cdb is readable by nobody" setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$R/etc/tcp.smtp.cdb"

# --- AUTH through the real tcpserver: 235 / 535 ---
timeout 20 swaks --server 127.0.0.1:$SMTP --auth PLAIN --auth-user alice@example.test \
    --auth-password 'Secret1!' --quit-after AUTH >"$QT_LAB_DIR/swaks1" 2>&1
check_eq "swaks AUTH PLAIN good -> exit 0" 0 $?
check "... and 235" grep -q '^<-  235 ok, go ahead (#2.0.0)' "$QT_LAB_DIR/swaks1"
check "banner names control/me" grep -q '^<-  220 mail.lab.test ESMTP' "$QT_LAB_DIR/swaks1"
timeout 20 swaks --server 127.0.0.1:$SMTP --auth LOGIN --auth-user alice@example.test \
    --auth-password 'wrong' --quit-after AUTH >"$QT_LAB_DIR/swaks2" 2>&1
check_eq "swaks AUTH LOGIN bad -> exit 28" 28 $?
check "... and 535" grep -q '^<\*\* 535 authentication failed (#5.7.1)' "$QT_LAB_DIR/swaks2"
check_match "vchkpw logged the failure as vchkpw-smtp" \
    ' vpopmail\[[0-9]+\]: vchkpw-smtp: password fail alice@example.test:127\.0\.0\.1$' "$(tail -1 "$R/var/log/maillog")"

# --- multilog t: TAI64N-stamped tcpserver lines ---
CUR=$R/var/log/qmail/smtpd/current
retry 10 grep -q ' tcpserver: end ' "$CUR"
check_match "first line: status: 0/20" '^@4000000[0-9a-f]{17} tcpserver: status: 0/20$' "$(head -1 "$CUR")"
check "pid/ok lines" grep -Eq "^@[0-9a-f]{24} tcpserver: ok [0-9]+ 0:127\.0\.0\.1:$SMTP :127\.0\.0\.1::[0-9]+$" "$CUR"
check "end lines with raw status" grep -Eq '^@[0-9a-f]{24} tcpserver: end [0-9]+ status 0$' "$CUR"
check_match "tai64nlocal converts it" '^20[0-9-]{8} [0-9:.]{18} tcpserver: status: 0/20$' "$(head -1 "$CUR" | tai64nlocal)"

# --- idempotent up; refusal when a port is taken ---
pg1=$(cat "$QT_LAB_DIR/pids/smtp/svscan.pgid")
out=$("$LAB/up" smtp 2>&1)
check_match "second lab/up smtp says already up" 'smtp is already up' "$out"
check_eq "... and keeps the same process group" "$pg1" "$(cat "$QT_LAB_DIR/pids/smtp/svscan.pgid")"
timeout 30 socat TCP-LISTEN:$((B + 466)),bind=127.0.0.1,reuseaddr SYSTEM:true &
sk=$!
retry 20 ss -Htln "( sport = :$((B + 466)) )" | grep -q .
out=$("$LAB/up" smtps-deadline 2>&1); rc=$?
check "lab/up refuses a taken port (exit $rc)" test "$rc" -ne 0
check_match "... with a clear message" "smtps-deadline: port $((B + 466)) is already taken, refusing to start" "$out"
check "... and records nothing for it" test ! -e "$QT_LAB_DIR/pids/smtps-deadline"
kill $sk 2>/dev/null; wait $sk 2>/dev/null

# --- DNS: every FCrDNS case of the truth ---
DNS=$(truth 't["dns_server"]')
check_eq "dns server" "127.0.0.1:$((B + 53))" "$DNS"
dq() { dig @127.0.0.1 -p $((B + 53)) +time=2 +tries=1 "$@"; }
while IFS='|' read -r case ip ptr name a; do
    got_ptr=$(dq +short -x "$ip" | sed 's/\.$//' | tr '\n' ' ' | sed 's/ $//')
    if [[ $ptr == None ]]; then
        check_match "$case $ip: PTR lookup is NXDOMAIN" 'status: NXDOMAIN' "$(dq -x "$ip")"
    else
        check_eq "$case $ip: PTR" "$ptr" "$got_ptr"
    fi
    if [[ $name != None ]]; then
        want_a=${a:-}
        got_a=$(dq +short A "$name" | tr '\n' ' ' | sed 's/ $//')
        if [[ -z $want_a ]]; then
            check_match "$case $name: no A (NXDOMAIN)" 'status: NXDOMAIN' "$(dq A "$name")"
        else
            check_eq "$case $name: A" "$want_a" "$got_a"
        fi
    fi
done < <(truth '"\n".join("%s|%s|%s|%s|%s" % (c["case"], c["ip"], c["ptr"], c["name"], " ".join(c["a"])) for c in t["dns"]["cases"])')
check_match "unknown names outside the zones are refused (no upstream)" 'status: REFUSED' "$(dq A example.org)"
check_eq "MX of example.test" "10 mail.lab.test." "$(dq +short MX example.test)"

check "lab/down smtp dns" "$LAB/down" smtp dns
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
check_eq "no lab-named process mentions this lab dir" "" "$(lab_named_procs)"
check_eq "nothing listens on $SMTP any more" "" "$(ss -Htln "( sport = :$SMTP )")"
finish

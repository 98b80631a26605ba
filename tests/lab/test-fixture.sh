#!/usr/bin/env bash
# The root scenario: the fixture tree, every log line in the exact formats of
# docs/domain/ (qmail.md qmail-send and qmail-remote, ucspi.md tcpserver,
# supervision.md TAI64N, vpopmail.md vchkpw), and
# counts equal to what lab/status --json says was planted.
set -uo pipefail
TEST_NAME=fixture TEST_PORT_BASE=26300
source "$(dirname "$0")/lib.sh"

check "lab/up root" "$LAB/up" root
R=$QT_LAB_DIR/root
check_eq "status: root is up" True "$(truth 't["scenarios"][0]["up"]')"
check_eq "status: root path" "$R" "$(truth 't["root"]')"
# a process elsewhere on the machine whose name is not UTF-8 (comm "q\xe9")
ln -s /bin/sleep "$QT_LAB_DIR/q"$'\xe9'
"$QT_LAB_DIR/q"$'\xe9' 30 &
odd=$!
retry 10 grep -q $'(q\xe9)' "/proc/$odd/stat"
check "status --json works while a process has a non-UTF-8 name" bash -c '"$1/status" --json >/dev/null' _ "$LAB"
kill "$odd"; wait "$odd" 2>/dev/null

# --- control files and aliases ---
check_eq "control/me" mail.lab.test "$(cat "$R/var/qmail/control/me")"
check_eq "control/helohost differs from me" smtp.lab.test "$(cat "$R/var/qmail/control/helohost")"
check_eq "control/doublebounceto" postmaster@remote.example "$(cat "$R/var/qmail/control/doublebounceto")"
check_eq "control/timeoutsmtpd" 1200 "$(cat "$R/var/qmail/control/timeoutsmtpd")"
check_eq "control/concurrencyincoming = smtp -c in the plan" "$(truth '[s for s in t["services"] if s["name"]=="smtp"][0]["limit"]')" "$(cat "$R/var/qmail/control/concurrencyincoming")"
check "control/rcpthosts has example.test" grep -qx example.test "$R/var/qmail/control/rcpthosts"
check "alias .qmail-postmaster" test -f "$R/var/qmail/alias/.qmail-postmaster"
check "alias .qmail-root" test -f "$R/var/qmail/alias/.qmail-root"
check "no alias .qmail-mailer-daemon (deliberate)" test ! -e "$R/var/qmail/alias/.qmail-mailer-daemon"
check_eq "truth names the missing alias" "['.qmail-mailer-daemon']" "$(truth 't["fixture"]["aliases"]["missing"]')"
check "users/assign line" grep -qx '+example.test-:example.test:89:89:/home/vpopmail/domains/example.test:-::' "$R/var/qmail/users/assign"
check "tcprules compiled rules" test -s "$R/etc/tcp.smtp.cdb"

# --- .qmail forwards ---
U=$R/home/vpopmail/domains/example.test
check_eq "carol forwards with &" "&carol.home@remote.example" "$(cat "$U/carol/.qmail")"
check_eq "dave forwards with |forward" "|forward dave@remote.example" "$(cat "$U/dave/.qmail")"
check_eq "erin forwards with |qmail-inject -f" "|qmail-inject -f erin@example.test -a erin@remote.example" "$(cat "$U/erin/.qmail")"
check_eq "truth: forwards that break SPF" "['carol@example.test', 'dave@example.test', 'frank@example.test']" \
    "$(truth '[f["user"] for f in t["fixture"]["forwards"] if f["class"]=="breaks_spf"]')"
check "Maildir for alice" test -d "$U/alice/Maildir/new"

# --- vpopmail programs in the tree work like the real ones ---
out=$(printf 'alice@example.test\0Secret1!\0' | "$R/home/vpopmail/bin/vchkpw" /usr/bin/id -un 3<&0)
check_eq "root's vchkpw: printf 'u@d\\0pw\\0' | vchkpw /usr/bin/id 3<&0" "$(id -un)" "$out"
printf 'alice@example.test\0bad\0' | "$R/home/vpopmail/bin/vchkpw" /usr/bin/id 3<&0 >/dev/null
check_eq "root's vchkpw: bad password exits 3" 3 $?
check_match "root's vchkpw logged to var/log/maillog" 'vchkpw-0: password fail alice@example.test:$' "$(tail -1 "$R/var/log/maillog")"
check_match "root's vuserinfo" $'^name:   henry\n' "$("$R/home/vpopmail/bin/vuserinfo" henry@example.test)"
check_eq "qmail-smtpd in var/qmail/bin is the stand-in" "$BIN/qmail-smtpd" "$(readlink "$R/var/qmail/bin/qmail-smtpd")"

# --- static run scripts (docs/domain/supervision.md#run-scripts) ---
SUP=$R/var/qmail/supervise
check "LWQ run script" grep -q 'tcpserver -v -R -l "$LOCAL" -x /etc/tcp.smtp.cdb -c "$MAXSMTPD"' "$SUP/lwq-qmail-smtpd/run"
check "QMailToaster run script" grep -q '/usr/bin/spamdyke --config-file /etc/spamdyke/spamdyke.conf' "$SUP/qmt-smtp/run"
check "jms1 sslserver -seVn" grep -q 'SCMD -seVn' "$SUP/jms1-smtpsd/run"
check "SSL-patched tcpserver -s -n cert.pem" grep -q "tcpserver -s -n cert.pem -t 30" "$SUP/ssl-tcpserver-smtps/run"
check "... on port 465" grep -q -- "-c 100 -u 89 -g 89 0 465" "$SUP/ssl-tcpserver-smtps/run"
check "sslserver -T 30" grep -q 'sslserver -vR -T 30' "$SUP/sslserver-pop3sd/run"
check_eq "every static run script has a log/run" 6 "$(ls "$SUP"/*/log/run | wc -l)"

# --- qmail-send log: every line in a qmail-log(5) format with a TAI64N label ---
SEND=$R/var/log/qmail/current
TAI='@4000000[0-9a-f]{9}[0-9a-f]{8} '
bad=$(grep -Evc "^${TAI}(status: local [0-9]+/[0-9]+ remote [0-9]+/[0-9]+|new msg [0-9]+|info msg [0-9]+: bytes [0-9]+ from <[^ ]*> qp [0-9]+ uid [0-9]+|starting delivery [0-9]+: msg [0-9]+ to (local|remote) [^ ]+|delivery [0-9]+: (success|failure|deferral): [!-~]+|bounce msg [0-9]+ qp [0-9]+|triple bounce: discarding bounce/[0-9]+|end msg [0-9]+)\$" "$SEND")
check_eq "qmail-send log: no line outside the formats of qmail.md#qmail-send-log" 0 "$bad"
check_eq "double bounces (from <#@[]>) = truth" "$(truth 't["fixture"]["qmail_send_log"]["double_bounces"]')" "$(grep -c 'from <#@\[\]>' "$SEND")"
check_eq "triple bounces = truth" "$(truth 't["fixture"]["qmail_send_log"]["triple_bounces"]')" "$(grep -c 'triple bounce: discarding bounce/' "$SEND")"
check_eq "bounces (from <>) = truth" "$(truth 't["fixture"]["qmail_send_log"]["bounces"]')" "$(grep -c 'from <> ' "$SEND")"
check_eq "no-mailbox failures = truth" "$(truth 't["fixture"]["qmail_send_log"]["failure_no_mailbox"]')" \
    "$(grep -c 'failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/$' "$SEND")"
check_eq "HELO rejected = truth" "$(truth 't["fixture"]["qmail_send_log"]["deferral_name_rejected"]')" \
    "$(grep -c 'deferral: Connected_to_[0-9.]*_but_my_name_was_rejected./' "$SEND")"
check_eq "connection died = truth" "$(truth 't["fixture"]["qmail_send_log"]["deferral_connection_died"]')" \
    "$(grep -c 'deferral: Connected_to_[0-9.]*_but_connection_died._(#4.4.2)/$' "$SEND")"
check_eq "sender domain not found = truth" "$(truth 't["fixture"]["qmail_send_log"]["deferral_sender_domain_not_found"]')" \
    "$(grep -c 'deferral: .*Sender_address_rejected:_Domain_not_found/$' "$SEND")"
check_eq "every line counted" "$(truth 't["fixture"]["qmail_send_log"]["lines"]')" "$(wc -l <"$SEND")"
check_match "tai64nlocal reads the labels" '^20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{9} status: ' "$(head -1 "$SEND" | tai64nlocal)"
# the TAI64N label is unix time + 10 s + 2^62 (docs/domain/supervision.md#multilog)
first=$(head -1 "$SEND" | cut -c2-17)
check "the label is a time within the last 3 days" "$PY" -c "import time,sys; t=int('$first',16)-(1<<62)-10; sys.exit(not time.time()-3*86400 < t < time.time())"

# --- tcpserver log (rotated multilog file) ---
ROT=$R/$(truth 't["fixture"]["smtpd_rotated_log"]["path"]')
check_match "rotated file is named @<tai64n>.s" '/@4000000[0-9a-f]{17}\.s$' "$ROT"
bad=$(grep -Evc "^${TAI}tcpserver: (status: [0-9]+/[0-9]+|pid [0-9]+ from [0-9.]+|(ok|deny) [0-9]+ 0:127\.0\.0\.1:25 :[0-9.]+::[0-9]+|end [0-9]+ status [0-9]+)\$" "$ROT")
check_eq "tcpserver log: no line outside ucspi.md#log-lines" 0 "$bad"
check_eq "tcpserver connections = truth" "$(truth 't["fixture"]["smtpd_rotated_log"]["connections"]')" "$(grep -c ' tcpserver: ok ' "$ROT")"
check_eq "tcpserver deny lines = truth" "$(truth 't["fixture"]["smtpd_rotated_log"]["deny"]')" "$(grep -c ' tcpserver: deny ' "$ROT")"
check_eq "deny children end with raw status 25600" "$(grep -c ' tcpserver: deny ' "$ROT")" "$(grep -c 'status 25600$' "$ROT")"

# --- maillog (syslog file format, vchkpw lines) ---
ML=$R/var/log/maillog
n=$(truth 't["fixture"]["maillog_fixture"]["lines"]')
bad=$(head -n "$n" "$ML" | grep -Evc '^[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] [^ ]+ vpopmail\[[0-9]+\]: vchkpw-[a-z0-9]+: (password fail|vpopmail user not found|smtp access denied) [^ :]+@[^ :]+:[0-9.]*$')
check_eq "maillog fixture: no line outside vpopmail.md#log-lines" 0 "$bad"
check_eq "brute force lines = truth" \
    "$(truth 't["fixture"]["maillog_fixture"]["counts"]["vchkpw-smtp|password fail|alice@example.test|203.0.113.50"]')" \
    "$(head -n "$n" "$ML" | grep -c 'vchkpw-smtp: password fail alice@example.test:203.0.113.50$')"

# --- findings the fixture plants ---
ids=$(truth '" ".join(sorted(set(f["id"] for f in t["findings"])))')
for id in control.helohost_differs_from_me alias.missing bounce.doublebounceto_remote forward.breaks_spf \
          forward.rewrites_sender log.double_bounces log.triple_bounces log.no_mailbox log.helo_rejected \
          runscript.no_handshake_deadline auth.vchkpw_log; do
    check_match "truth lists finding $id" "(^| )${id//./\\.}( |$)" "$ids"
done
check "lab/down after root leaves nothing" "$LAB/down"
check_eq "no process of this lab" "" "$(lab_pids)"

# --- a lab left behind dies by itself (QT_LAB_TTL) ---
check "lab/up smtp with QT_LAB_TTL=3" env QT_LAB_TTL=3 "$LAB/up" smtp
pg=$(cat "$QT_LAB_DIR/pids/smtp/svscan.pgid")
check "the smtp group runs" test -n "$(ps -o pid= -g "$pg")"
gone() { [[ -z $(ps -o pid= -g "$pg") ]]; }
retry 24 gone
check "after its TTL the whole group is gone by itself" gone
check_eq "status: smtp no longer up" False "$(truth '[s for s in t["scenarios"] if s["name"]=="smtp"][0]["up"]')"
finish

#!/usr/bin/env bash
# The C stand-ins on their own: vchkpw exit codes and log lines, vuserinfo,
# qmail-smtpd's AUTH dialogue and idle timeout, zombie-maker, loris.
set -uo pipefail
TEST_NAME=stand-ins TEST_PORT_BASE=25300
source "$(dirname "$0")/lib.sh"

D=$QT_LAB_DIR
cat >"$D/vpasswd" <<'P'
# user@domain:password:flags
alice@example.test:Secret1!:
bob@example.test:bobpw:nosmtp
grace@example.test::
P
export QT_LAB_VPASSWD=$D/vpasswd QT_LAB_VCHKPW_LOG=$D/maillog
unset TCPLOCALPORT TCPREMOTEIP

# --- vchkpw: exit codes (docs/domain/vpopmail.md#exit-codes) ---
out=$(printf 'alice@example.test\0Secret1!\0' | "$BIN/vchkpw" /usr/bin/id -un 3<&0)
check_eq "vchkpw good password runs the program" "$(id -un)" "$out"
printf 'alice@example.test\0wrong\0' | "$BIN/vchkpw" /bin/true 3<&0; check_eq "vchkpw bad password exits 3" 3 $?
printf 'nobody@example.test\0x\0' | "$BIN/vchkpw" /bin/true 3<&0; check_eq "vchkpw unknown user exits 3" 3 $?
"$BIN/vchkpw" /bin/true 3<&- 2>"$D/err"; check_eq "vchkpw without fd 3 (misuse) exits 11" 11 $?
check "misuse message" grep -q "vchkpw is only for talking with qmail-popup and qmail-pop3d" "$D/err"
"$BIN/vchkpw" 3<&- 2>/dev/null; check_eq "vchkpw without subprogram exits 11" 11 $?
printf '\0pw\0' | "$BIN/vchkpw" /bin/true 3<&0; check_eq "vchkpw null user exits 12" 12 $?
printf 'alice@example.test\0\0' | "$BIN/vchkpw" /bin/true 3<&0; check_eq "vchkpw null password exits 13" 13 $?
printf 'grace@example.test\0x\0' | "$BIN/vchkpw" /bin/true 3<&0; check_eq "vchkpw user without password exits 15" 15 $?
printf 'bob@example.test\0bobpw\0' | TCPLOCALPORT=25 TCPREMOTEIP=127.0.0.9 "$BIN/vchkpw" /bin/true 3<&0
check_eq "vchkpw nosmtp user over smtp exits 1" 1 $?
printf 'alice@example.test\0Secret1!\0' | QT_LAB_VPASSWD=$D/missing "$BIN/vchkpw" /bin/true 3<&0 2>/dev/null
check_eq "vchkpw with the credentials file unreadable exits 24" 24 $?
env=$(printf 'alice@example.test\0Secret1!\0' | "$BIN/vchkpw" /usr/bin/env 3<&0)
check_match "vchkpw sets USER" $'(^|\n)USER=alice(\n|$)' "$env"
check_match "vchkpw sets VPOPUSER" $'(^|\n)VPOPUSER=alice@example.test(\n|$)' "$env"
check_match "vchkpw sets HOME" $'(^|\n)HOME=/home/vpopmail/domains/example.test/alice(\n|$)' "$env"
resp=$("$PY" -c 'import hmac,hashlib;print(hmac.new(b"Secret1!",b"<1.2@lab>",hashlib.md5).hexdigest())')
printf 'alice@example.test\0%s\0<1.2@lab>\0' "$resp" | TCPLOCALPORT=587 "$BIN/vchkpw" /bin/true 3<&0
check_eq "vchkpw accepts a CRAM-MD5 response" 0 $?

# --- vchkpw: log lines (docs/domain/vpopmail.md#service-name, #log-lines) ---
: >"$D/maillog"
printf 'alice@example.test\0wrong\0' | TCPLOCALPORT=587 TCPREMOTEIP=::ffff:203.0.113.7 "$BIN/vchkpw" /bin/true 3<&0
printf 'zed@example.test\0x\0' | TCPLOCALPORT=25 TCPREMOTEIP=198.51.100.2 "$BIN/vchkpw" /bin/true 3<&0
printf 'alice@example.test\0wrong\0' | TCPLOCALPORT=24587 QT_LAB_PORT_BASE=24000 TCPREMOTEIP=127.0.0.5 "$BIN/vchkpw" /bin/true 3<&0
printf 'alice@example.test\0wrong\0' | TCPREMOTEIP=127.0.0.5 "$BIN/vchkpw" /bin/true 3<&0
printf 'bob@example.test\0bobpw\0' | TCPLOCALPORT=465 TCPREMOTEIP=127.0.0.9 "$BIN/vchkpw" /bin/true 3<&0
mapfile -t L <"$D/maillog"
SYS='^[A-Z][a-z]{2} [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] [^ ]+ vpopmail\[[0-9]+\]: '
check_match "log: password fail, submission" "${SYS}vchkpw-submission: password fail alice@example.test:203\.0\.113\.7\$" "${L[0]:-}"
check_match "log: user not found, smtp" "${SYS}vchkpw-smtp: vpopmail user not found zed@example.test:198\.51\.100\.2\$" "${L[1]:-}"
check_match "log: lab port base maps 24587 to submission" "${SYS}vchkpw-submission: password fail alice@example.test:127\.0\.0\.5\$" "${L[2]:-}"
check_match "log: no TCPLOCALPORT gives vchkpw-0" "${SYS}vchkpw-0: password fail alice@example.test:127\.0\.0\.5\$" "${L[3]:-}"
check_match "log: smtp access denied, smtps" "${SYS}vchkpw-smtps: smtp access denied bob@example.test:127\.0\.0\.9\$" "${L[4]:-}"
check_eq "log: one line per failure" 5 "${#L[@]}"

# --- vuserinfo (docs/domain/vpopmail.md#vuserinfo) ---
vi=$("$BIN/vuserinfo" bob@example.test)
check_match "vuserinfo name line" $'^name:   bob\n' "$vi"
check_match "vuserinfo limits for nosmtp" $'limits:\n        smtp access is closed\n' "$vi"
check_match "vuserinfo dir line" $'\ndir:       /home/vpopmail/domains/example.test/bob\n' "$vi"
check_match "vuserinfo quota" $'\nquota:     NOQUOTA\n' "$vi"
check_eq "vuserinfo unknown user" "no such user zed@example.test" "$("$BIN/vuserinfo" zed@example.test)"
check_eq "vuserinfo -d" "/home/vpopmail/domains/example.test/alice" "$("$BIN/vuserinfo" -d alice@example.test)"

# --- qmail-smtpd: dialogue through a real checkpassword (vchkpw) ---
b64() { printf '%s' "$1" | base64 -w0; }
smtp() { # feed lines (CRLF) slowly enough for the AUTH round trips
    local l
    for l in "$@"; do printf '%s\r\n' "$l"; sleep 0.2; done
}
export QT_SMTPD_AUTHSLEEP=0 QT_SMTPD_HOSTNAME=mail.lab.test
out=$(smtp "EHLO t" "AUTH PLAIN $(printf '\0alice@example.test\0Secret1!' | base64 -w0)" "QUIT" |
      timeout 10 "$BIN/qmail-smtpd" "$BIN/vchkpw" /bin/true | tr -d '\r')
check_match "smtpd banner" $'^220 mail.lab.test ESMTP\n' "$out"
check_match "smtpd EHLO advertises AUTH LOGIN PLAIN" $'\n250 AUTH LOGIN PLAIN\n' "$out"
check_match "smtpd AUTH PLAIN good -> 235" $'\n235 ok, go ahead \\(#2.0.0\\)\n' "$out"
out=$(smtp "EHLO t" "AUTH LOGIN" "$(b64 alice@example.test)" "$(b64 wrong)" "QUIT" |
      timeout 10 "$BIN/qmail-smtpd" "$BIN/vchkpw" /bin/true | tr -d '\r')
check_match "smtpd AUTH LOGIN prompts" $'\n334 VXNlcm5hbWU6\n334 UGFzc3dvcmQ6\n' "$out"
check_match "smtpd AUTH LOGIN bad -> 535" $'\n535 authentication failed \\(#5.7.1\\)\n' "$out"
out=$(smtp "HELO t" "AUTH PLAIN eA==" "MAIL FROM:<a@b>" "RCPT TO:<c@d>" "DATA" "Subject: x" "" "hi" "." "QUIT" |
      timeout 10 "$BIN/qmail-smtpd" | tr -d '\r')
check_match "smtpd without checkpassword: 503 auth not available" $'\n503 auth not available \\(#5.3.3\\)\n' "$out"
check_match "smtpd DATA accepted" $'\n354 go ahead\n250 ok [0-9]+ qp [0-9]+\n221 mail.lab.test$' "$out"
mkfifo "$D/idle"
sleep 6 >"$D/idle" &
hold=$!
start=$(date +%s.%N)
out=$(QT_SMTPD_TIMEOUT=1 timeout 10 "$BIN/qmail-smtpd" <"$D/idle" | tr -d '\r')
took=$("$PY" -c "import time; print(round(time.time()-$start,1))")
kill $hold 2>/dev/null; wait $hold 2>/dev/null
check_match "smtpd idle timeout answers 451" $'\n451 timeout \\(#4.4.2\\)$' "$out"
check "smtpd idle timeout after ~1 s (took ${took}s)" "$PY" -c "import sys; sys.exit(not 0.8 <= $took < 6)"

# --- zombie-maker ---
"$BIN/zombie-maker" -n 1 -t 2 &
zl=$!
"$BIN/zombie-maker" -n 3 -g 2 -m 5 -t 60 -c qmail-smtpd -- tcpserver -v -R 0 smtp qmail-smtpd &
zm=$!
zcount() { ps -eo ppid=,stat=,comm= | awk -v p=$zm '$1==p && $2 ~ /^Z/ && $3=="qmail-smtpd"' | wc -l; }
# zc OP N: the count now (retry runs it again each time; `retry 20 test
# "$(zcount)" ...` counted once and then slept the whole 10 s)
zc() { test "$(zcount)" "$1" "$2"; }
retry 20 zc -ge 3
n=$(zcount)
check "3 zombies at start, growing (now $n)" test "$n" -ge 3 -a "$n" -le 5
check_eq "zombie-maker parent is named tcpserver" tcpserver "$(ps -o comm= -p $zm)"
check_eq "zombie-maker parent command line" "tcpserver -v -R 0 smtp qmail-smtpd" "$(tr '\0' ' ' </proc/$zm/cmdline | sed 's/ $//')"
check_match "ps shows [qmail-smtpd] <defunct>" 'qmail-smtpd.*<defunct>' "$(ps -o args= --ppid $zm | head -1)"
retry 20 zc -eq 5
check_eq "grows one every 2 s up to the max" 5 "$(zcount)"
sleep 2.5
check_eq "... and stops at the max" 5 "$(zcount)"
kill $zm; wait $zm 2>/dev/null
wait $zl; check_eq "zombie-maker exits by itself after its lifetime" 0 $?

# --- loris against a throw-away listener ---
P=$((QT_LAB_PORT_BASE + 1))
timeout 40 socat TCP-LISTEN:$P,bind=127.0.0.1,reuseaddr,fork,backlog=64 EXEC:cat &
sk=$!
retry 20 ss -Htln "( sport = :$P )" | grep -q . 
timeout 30 "$BIN/loris" -p $P -s 127.0.0.31:4,127.0.0.32 -n 2 -m drip -i 1 -t 5 -o "$D/loris.status" &
lp=$!
retry 20 grep -qs 'established=6' "$D/loris.status"
check_eq "loris is one process" "timeout:loris" "$(ps -o comm= -p $lp):$(ps -o comm= --ppid $lp)"
check_eq "loris holds 4 connections from 127.0.0.31" 4 "$(ss_estab_src $P 127.0.0.31)"
check_eq "loris holds 2 connections from 127.0.0.32" 2 "$(ss_estab_src $P 127.0.0.32)"
check_eq "loris keeps its argv" "-p $P -s 127.0.0.31:4,127.0.0.32 -n 2" "$(ps -o args= --ppid $lp | cut -d' ' -f2-7)"
"$BIN/loris" -p $P -s 10.0.0.1 -t 1 2>"$D/err"; check_eq "loris refuses a source outside 127/8" 100 $?
wait $lp; check_eq "loris exits by itself after its hold time" 0 $?
check_eq "loris connections are gone" 0 "$(ss_estab_src $P 127.0.0.31)"
kill $sk 2>/dev/null; wait $sk 2>/dev/null

finish

#!/usr/bin/env bash
# submission: three aiosmtpd servers, STARTTLS required before AUTH, checked
# with swaks (the reference client): 235 for a good password, 535 for a bad one.
set -uo pipefail
TEST_NAME=submission TEST_PORT_BASE=28300
source "$(dirname "$0")/lib.sh"

check "lab/up submission" "$LAB/up" submission
R=$QT_LAB_DIR/root
B=$QT_LAB_PORT_BASE
sw() { timeout 20 swaks --server "127.0.0.1:$1" --tls --quit-after AUTH "${@:2}" >"$QT_LAB_DIR/sw.out" 2>&1; }

for flavour in "587 PLAIN" "587 LOGIN" "588 PLAIN" "589 CRAM-MD5"; do
    set -- $flavour
    port=$((B + $1)) mech=$2
    sw "$port" --auth "$mech" --auth-user alice@example.test --auth-password 'Secret1!'
    check_eq "B+$1 $mech good password: swaks exit" 0 $?
    check "B+$1 $mech good password: 235" grep -q '^<~  235 ' "$QT_LAB_DIR/sw.out"
    sw "$port" --auth "$mech" --auth-user alice@example.test --auth-password 'wrong'
    check_eq "B+$1 $mech bad password: swaks exit" 28 $?
    check "B+$1 $mech bad password: 535" grep -q '^<~\* 535 ' "$QT_LAB_DIR/sw.out"
done
# mechanism mismatches (incident 4)
sw $((B + 588)) --auth LOGIN --auth-user alice@example.test --auth-password 'Secret1!'
check_eq "B+588 does not offer LOGIN (swaks exit 28)" 28 $?
sw $((B + 589)) --auth PLAIN --auth-user alice@example.test --auth-password 'Secret1!'
check_eq "B+589 does not offer PLAIN (swaks exit 28)" 28 $?
check "B+589 advertises only CRAM-MD5" grep -q '^<~  250-AUTH CRAM-MD5$' "$QT_LAB_DIR/sw.out"
# no AUTH before STARTTLS
timeout 20 swaks --server 127.0.0.1:$((B + 587)) --auth PLAIN --auth-user alice@example.test \
    --auth-password 'Secret1!' --quit-after AUTH >"$QT_LAB_DIR/sw.out" 2>&1
rc=$?
check "AUTH without STARTTLS fails (swaks exit $rc)" test "$rc" -ne 0
check "... AUTH is not advertised before STARTTLS" grep -q '^\*\*\* Host did not advertise authentication' "$QT_LAB_DIR/sw.out"
check "... STARTTLS is" grep -q '^<-  250-STARTTLS$' "$QT_LAB_DIR/sw.out"
# a nosmtp account and an unknown user, as vchkpw sees them
sw $((B + 587)) --auth PLAIN --auth-user bob@example.test --auth-password bobpw
check_eq "nosmtp account refused (swaks exit 28)" 28 $?
check "vchkpw logged 'vchkpw-submission: smtp access denied'" \
    grep -Eq ' vpopmail\[[0-9]+\]: vchkpw-submission: smtp access denied bob@example.test:127\.0\.0\.1$' "$R/var/log/maillog"
check_eq "vchkpw logged each bad password on 587 as vchkpw-submission" 2 \
    "$(grep -c 'vchkpw-submission: password fail alice@example.test:127.0.0.1$' "$R/var/log/maillog")"
check_eq "status: three submission services up" "[True, True, True]" \
    "$(truth '[s["up"] for s in t["services"] if s["scenario"]=="submission"]')"
check_eq "status: mechanisms" "[['PLAIN', 'LOGIN'], ['PLAIN'], ['CRAM-MD5']]" \
    "$(truth '[s["auth_mechanisms"] for s in t["services"] if s["scenario"]=="submission"]')"
check_eq "servers are /usr/bin/python3 processes" 3 \
    "$(for f in "$QT_LAB_DIR"/pids/submission/*.pgid; do ps -o args= -g "$(cat "$f")"; done | grep -c '^/usr/bin/python3 .*submission.py')"
check "lab/down submission" "$LAB/down" submission
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
finish

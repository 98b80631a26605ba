#!/usr/bin/env bash
# The wizard on a TLS-on-connect port that is not 465 (issue 15, fix 2):
# the lab's smtps-nodeadline is socat OPENSSL-LISTEN on B+465 in front of
# qmail-smtpd + vchkpw. Watched under a name that says nothing about TLS
# (--ports lab=PORT), only the Servers pane knows the port is implicit TLS:
# qtriage --auth must start with TLS (no 15 s wait for a plaintext banner),
# log in, never advise STARTTLS, and print a swaks command that works there.
set -uo pipefail
TEST_NAME=wizard-tls TEST_PORT_BASE=28600
source "$(dirname "$0")/lib.sh"

check "lab/up smtps-nodeadline" "$LAB/up" smtps-nodeadline
R=$QT_LAB_DIR/root
PORT=$((QT_LAB_PORT_BASE + 465))
OUT=$QT_LAB_DIR/auth.out

# the reference client: --tlsc (TLS on connect) logs in
timeout 20 swaks --server 127.0.0.1:$PORT --tlsc --auth PLAIN --auth-user alice@example.test \
    --auth-password 'Secret1!' --quit-after AUTH >"$QT_LAB_DIR/sw.ref" 2>&1
check_eq "swaks --tlsc logs in (exit 0)" 0 $?

t0=$(date +%s%N)
printf 'Secret1!\n' | timeout 60 "$QT_BUILD/qtriage" --auth alice@example.test --root "$R" \
    --ports "lab=$PORT" --auth-target "127.0.0.1:$PORT" --auth-mech PLAIN >"$OUT" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# qtriage --auth on implicit TLS port $PORT: exit $rc in $ms ms"
check "the header says implicit TLS" grep -q "target 127.0.0.1:$PORT (implicit)" "$OUT"
check "step 4 says why: the Servers pane" grep -q "implicit TLS (socat on port $PORT does TLS on connect (Servers pane))" "$OUT"
check "no plaintext banner wait: done in ${ms} ms (< 10000)" test "$ms" -lt 10000
check "SMTP AUTH works over it" grep -q '^smtp-outcome: auth-ok$' "$OUT"
check "no STARTTLS advice" bash -c "! grep -q 'Connection security: STARTTLS' '$OUT'"
cmd=$(grep -m1 '^command: *timeout [0-9]* swaks ' "$OUT" | sed 's/^command: *//')
check_match "the swaks command is --tlsc" " --tlsc --auth PLAIN " "$cmd"
cmd=${cmd//<password>/Secret1!}
bash -c "$cmd" >"$QT_LAB_DIR/sw.wiz" 2>&1
check_eq "the printed swaks command works there (exit 0)" 0 $?
check "... and gets 235" grep -q '^<~  235 ' "$QT_LAB_DIR/sw.wiz"

check "lab/down smtps-nodeadline" "$LAB/down" smtps-nodeadline
check_eq "no process carries this lab's tag" "" "$(lab_pids)"
finish

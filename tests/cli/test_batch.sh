#!/bin/bash
# Headless mode: plain text without escape codes, every pane and the
# findings, several samples, and a failed collector shown as STALE.
set -u
QT=${QT_BIN:?}
PASS=0; FAIL=0
check() { local n=$1; shift; if "$@"; then PASS=$((PASS+1)); echo "ok - $n"; else FAIL=$((FAIL+1)); echo "not ok - $n"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$QT" --once > "$tmp/once" 2> "$tmp/err"; rc=$?
check "--once exits 0" test $rc -eq 0
check "--once prints every pane" bash -c "grep -q '== Services' '$tmp/once' && grep -q '== Remote IPs' '$tmp/once' && grep -q '== Servers' '$tmp/once' && grep -q '== Zombies' '$tmp/once' && grep -q '== Findings' '$tmp/once'"
check "--once prints the findings section" grep -q "== All findings, worst first ==" "$tmp/once"
check "no escape codes" bash -c "! grep -q $'\x1b' '$tmp/once'"
check "nothing on stderr" test ! -s "$tmp/err"

"$QT" --batch --count 3 --interval 0.2 > "$tmp/batch"
check "--batch --count 3 takes 3 samples" test "$(grep -c '^qtriage .* sample ' "$tmp/batch")" -eq 3
check "samples are numbered 1..3" grep -q "sample 3 at" "$tmp/batch"

"$QT" --once --proc "$tmp/no-such-proc" > "$tmp/stale"; rc=$?
check "a failed collector is not fatal" test $rc -eq 0
check "a failed collector is shown as STALE with its reason" grep -q "STALE: procs collector failed: cannot read $tmp/no-such-proc" "$tmp/stale"

"$QT" --once --ports 'bad port' > /dev/null 2> "$tmp/e2"; rc=$?
check "bad --ports exits 2" test $rc -eq 2
check "bad --ports names the option" grep -q -- "--ports 'bad port'" "$tmp/e2"
"$QT" < /dev/null > /dev/null 2> "$tmp/e3"; rc=$?
check "the console without a terminal says so" bash -c "test $rc -eq 1 && grep -q 'needs a terminal' '$tmp/e3'"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]

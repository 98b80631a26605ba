#!/bin/bash
# The real stack's recordings (tests/fixtures/realstack, made by its `record`
# script from the lab scenario `real`: fehcom 0.95b and SuperScript sslserver,
# and fehcom without the EOF fix) read back with --proc: what qtriage shows must
# equal what `ss -tinp` and `ps` printed at the same moment. This keeps issue
# 15's stage and slot fixes covered where the real programs cannot be built.
set -u
QT=${QT_BIN:?}
. "$(dirname "$0")/../lib/check.sh"
fx=$(cd "$(dirname "$0")/../fixtures/realstack" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root"

# connections ss saw on the recording's port (its server side), and the
# listener's children that hold no socket there (ps: PPID = listener)
ss_conns() { awk -v p=":$(cat "$1/port")" '$1 == "ESTAB" && substr($4, length($4) - length(p) + 1) == p' "$1/ss-tinp.txt" | wc -l; }
noconn_kids() {
    local l; l=$(cat "$1/listener.pid")
    awk -v l="$l" 'NR > 1 && $2 == l { print $1 }' "$1/ps.txt" | while read -r pid; do
        grep -q "pid=$pid," "$1/ss-tinp.txt" || echo "$pid"
    done | wc -l
}
services_row() { sed -n '/^== Services ==$/,/^== /p' "$1" | awk '$1 == "smtps"'; }

for case in fehcom-idle12 superscript-idle12; do
    d=$fx/$case
    "$QT" --once --no-probe --root "$tmp/root" --proc "$d/proc" --ports "smtps=$(cat "$d/port")" > "$tmp/$case" 2>&1
    n=$(ss_conns "$d")
    check "$case: the recording has idle clients" test "$n" -ge 1
    row=$(services_row "$tmp/$case")
    # SERVICE PORT ACC/LIMIT QUEUE STALLED ...: every client sent nothing
    check_eq "$case: ACC = ss ESTAB on the port ($n)" "$n" "$(awk '{ split($3, a, "/"); print a[1] }' <<<"$row")"
    check_eq "$case: STALLED = all of them (no client finished TLS)" "$n" "$(awk '{ print $5 }' <<<"$row")"
    check "$case: a tls-stall incident" grep -Eq "^CRIT tls-stall +smtps " "$tmp/$case"
done

d=$fx/noeof-spin/t3
"$QT" --once --no-probe --root "$tmp/root" --proc "$d/proc" --ports "smtps=$(cat "$d/port")" > "$tmp/noeof" 2>&1
k=$(noconn_kids "$d")
check "noeof: ps shows a child with no socket in ss" test "$k" -ge 1
check_eq "noeof: ACC shows it as a slot held with no connection (0+$k/5)" "0+$k/5" "$(services_row "$tmp/noeof" | awk '{ print $3 }')"
check "noeof: the finding names it" grep -q "slots held by children with no connection" "$tmp/noeof"
check_done

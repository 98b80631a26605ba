#!/bin/bash
# The Logs pane (issue 16), typed in tmux at 80x24 on a --root whose
# /var/log/maillog holds real-format vchkpw lines
# (docs/domain/vpopmail.md#log-lines), one with a tried password
# (vpopmail --enable-logging=p): its digit shows the categories with their counts;
# Enter opens the lines, Enter on one shows it whole, the password
# redacted; the list opens frozen, F follows: a line appended to the log
# shows up.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
ROOT="$OUT/root"
mkdir -p "$ROOT/var/log"
stamp() { LC_ALL=C date -d "@$1" '+%b %e %H:%M:%S'; }
now=$(date +%s)
{
    for i in 1 2 3; do
        echo "$(stamp $((now - 60))) mx vpopmail[4242]: vchkpw-smtp: password fail alice@example.test:203.0.113.50"
    done
    echo "$(stamp $((now - 30))) mx vpopmail[4243]: vchkpw-smtp: password fail (pass: 'Hunter2secret') bob@example.test:198.51.100.7"
} > "$ROOT/var/log/maillog"

ui_start 80 24 "$QT --root $ROOT --interval 0.5"
check "first frame" ui_wait_for "4 Findings" 5
# the Logs pane's digit (its place in panes/panes.c): the digit whose pane title says Logs
for d in 1 2 3 4 5 6 7 8 9; do
    QT_UI_DELAY=0.4 ui_keys "$d"   # the screen is read once, not polled
    ui_screen | grep -q "^ *$d Logs" && break
done
check "its digit opens the Logs pane: auth_fail counted 4" has_re "auth_fail +4 "
check "... the source is named" has "maillog"
check "... the per-IP table is offered" has "per IP"
ui_keys Enter
check "Enter: the lines, newest first, frozen" has "Logs: cat:auth_fail" "frozen: F follows" "vpopmail[4243]: vchkpw-smtp"
ui_keys Enter
check "Enter on the newest line: the whole line, the password redacted" has "Log line" "198.51.100.7" "(pass: <redacted>)"
check "... never shown" hasnt "(pass: <redacted>)" "Hunter2secret"
ui_keys q
check "q: back to the lines" has "frozen: F follows"
echo "$(stamp "$(date +%s)") mx vpopmail[4244]: vchkpw-smtp: password fail newcomer@example.test:192.0.2.44" \
    >> "$ROOT/var/log/maillog"
check "frozen: a new line does not show" hasnt "frozen: F follows" "vpopmail[4244]"
ui_keys F
check "F follows: the new line shows" has "following: F freezes" "vpopmail[4244]"
ui_keys q
check "q: back to the categories, now 5" has_re "auth_fail +5 "
ui_keys Q
for i in $(seq 1 30); do [ -s "$OUT/exit" ] && break; sleep 0.1; done
check "Q quits" grep -q "exit=0" "$OUT/exit"
ui_finish

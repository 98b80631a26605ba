#!/bin/bash
# The Logs pane's sparklines (issue 16), typed in tmux at 80x24: each
# category's lines per minute over the last 30 minutes, block glyphs on a
# UTF-8 terminal (tests/ui/lib.sh runs tmux with LANG=C.UTF-8), the ASCII
# ramp " .:-=+*#" with --ascii. A --root whose /var/log/maillog holds
# vchkpw lines five minutes old; lines appended now move the sparkline: its
# last minute, empty at first, becomes the highest mark.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
ROOT="$OUT/root"
mkdir -p "$ROOT/var/log"
stamp() { LC_ALL=C date -d "@$1" '+%b %e %H:%M:%S'; }
now=$(date +%s)
# not across a minute boundary while the test runs (the last minute must start empty)
if [ $((now % 60)) -gt 40 ]; then sleep $((61 - now % 60)); now=$(date +%s); fi
for i in 1 2 3 4; do
    echo "$(stamp $((now - 300))) mx vpopmail[4242]: vchkpw-smtp: password fail alice@example.test:203.0.113.50"
done > "$ROOT/var/log/maillog"

open_logs() {
    for d in 1 2 3 4 5 6 7 8 9; do
        QT_UI_DELAY=0.4 ui_keys "$d"   # the screen is read once, not polled
        ui_screen | grep -q "^ *$d Logs" && break
    done
}
# the 30 marks of the auth_fail row
spark() { ui_screen | grep -E '^ *auth_fail' | grep -oE "$1" | head -1; }
spark_ends() { # spark_ends FRAME ERE: the auth_fail row's sparkline matches ERE
    grep -E '^ *auth_fail' <<< "$1" | grep -qE -- "$2"
}

ui_start 80 24 "$QT --root $ROOT --interval 0.5"
check "first frame" ui_wait_for "4 Findings" 5
open_logs
check "the Logs pane: the sparkline column" has "LAST 30 MIN" "auth_fail"
U='[▁▂▃▄▅▆▇█]'
check "UTF-8: the auth_fail row has 30 block glyphs, the lines of 5 minutes ago the highest, now empty" \
    ui_poll 5 spark_ends "($U){24}█($U){4}▁"
before=$(spark "($U){30}")
for i in $(seq 1 12); do
    echo "$(stamp "$(date +%s)") mx vpopmail[4250]: vchkpw-smtp: password fail bob@example.test:192.0.2.$i"
done >> "$ROOT/var/log/maillog"
check "the log grows: auth_fail 16" has_re "auth_fail +16 "
check "... the sparkline moves: this minute is now the highest mark" ui_poll 5 spark_ends "($U){29}█"
after=$(spark "($U){30}")
check_match "... and differs from before" "." "$([ "$before" != "$after" ] && echo moved)"
echo "# before: $before"
echo "# after:  $after"
ui_keys Q
for i in $(seq 1 30); do [ -s "$OUT/exit" ] && break; sleep 0.1; done

ui_start 80 24 "$QT --root $ROOT --interval 0.5 --ascii"
check "--ascii: first frame" ui_wait_for "4 Findings" 5
open_logs
check "--ascii: the ASCII ramp, this minute '#', five minutes ago lower" ui_poll 5 spark_ends '[.:=+*-] {4}#'
check "--ascii: no block glyph" hasnt "LAST 30 MIN" "▁" "█"
ui_keys Q
for i in $(seq 1 30); do [ -s "$OUT/exit" ] && break; sleep 0.1; done
check "Q quits" grep -q "exit=0" "$OUT/exit"
ui_finish

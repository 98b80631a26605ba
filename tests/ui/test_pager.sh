#!/bin/bash
# Nothing cut without a way to read it (issue 14 item 4), typed in tmux at
# 80x24 on a real zombie-making parent (the lab's zombie-maker): the
# finding's fix, longer than the screen, is wrapped in the detail view (the
# rest on the next line, not cut); v opens the whole
# finding in the pager: / searches, q closes it; q at the top does not quit.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
ZMAKER=${QT_ZMAKER:?}

timeout 100 "$ZMAKER" -n 3 -t 90 -p "$OUT/zm.pid" -- tcpserver -v -R -H -l0 127.0.0.1 ${QT_UI_PORT:-24027} \
    /var/qmail/bin/qmail-smtpd > /dev/null 2>&1 &
zm=$!
trap 'kill "$zm" 2> /dev/null' EXIT
for i in $(seq 1 50); do [ -s "$OUT/zm.pid" ] && break; sleep 0.1; done
pid=$(cat "$OUT/zm.pid" 2> /dev/null)
check "the zombie maker is staged" test -n "$pid"

ui_start 80 24 "$QT --interval 0.5"
check "first frame" ui_wait_for "4 Findings" 5
ui_keys 4
# other zombies on the host do not matter: filter on this parent's pid and
# wait for its row (a finding takes a few samples)
ui_keys f; ui_keys -l "(pid $pid)"; ui_keys Enter
check "the staged parent's finding is listed" has_re "\\[filter: \\(pid $pid\\)\\]  \\(1/"
ui_keys Enter
ui_keys G
# the fix line "kill -CHLD PID    # harmless nudge: a parent that only missed
# the signal reaps now" is longer than the 66-column text column: it wraps
# at a blank, the comment going on as a comment (a backslash would not
# continue it); the kill -CONT/kill lines of a stopped parent are not there
check "the detail wraps the long fix line at a blank" has_re "fix +kill -CHLD $pid +# harmless nudge: a parent that only"
check "... its rest on the next line as a comment, not cut" has_re "^ +# .*signal reaps now *$"
ui_keys v
check "v opens the pager on the whole finding" has "zombies.parent:$pid" "evidence:" " q close"
ui_keys / f i x Enter
check "/ searches the pager: the line fix: is at the top" has_re "^ *(│|\|) *fix: *(│|\|) *$"
ui_keys / n o s u c h Enter
check "a search with no match says so" has "not found: nosuch"
ui_keys q
check "q closes the pager, the detail is back" hasnt "Finding: " "evidence:"
ui_keys q
ui_keys q
check "q at the top level flashes Q quits" has "Q quits" "4 Findings"
check "... the console is still running" test ! -e "$OUT/exit"
ui_keys Q
for i in $(seq 1 30); do [ -s "$OUT/exit" ] && break; sleep 0.1; done
check "Q quits" grep -q "exit=0" "$OUT/exit"
ui_finish

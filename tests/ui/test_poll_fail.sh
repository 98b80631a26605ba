#!/bin/bash
# A failing poll() ends the console with a message on stderr and exit 1,
# the terminal restored (issue 13; it used to leave the loop silently with
# exit 0). Provoked for real: prlimit lowers the running console's
# RLIMIT_NOFILE to 1, so its next poll() on two fds fails with EINVAL
# (poll(2): "nfds exceeds the RLIMIT_NOFILE value").
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

ui_start 80 24 "$QT --interval 0.5 2>$OUT/err"
check "first frame" ui_wait_for "1 Ports" 5
pid=$(pgrep -P "$(cat "$OUT/shell.pid")" -n || true)
check "found the console's pid" test -n "$pid"
prlimit --pid "$pid" --nofile=1:1
for i in $(seq 1 50); do [ -s "$OUT/stty" ] && break; sleep 0.1; done
check "poll failure exits 1" grep -q "exit=1" "$OUT/exit"
check "poll failure says why on stderr" grep -q "qtriage: the console stopped: poll: Invalid argument" "$OUT/err"
check "poll failure restores the terminal" bash -c "grep -qE '(^| )echo( |$)' '$OUT/stty' && grep -qE '(^| )icanon( |$)' '$OUT/stty'"
check "poll failure leaves the alternate screen" test "$($TM display -p '#{alternate_on}')" = 0
ui_finish

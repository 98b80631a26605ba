#!/bin/bash
# The Auth pane's keys (issue 14 item 5), typed in tmux: the default target
# comes from --ports (a submission entry), A runs every remaining step, and
# the help lists A. The SMTP target is a closed loopback port.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$OUT/root/var/qmail/control"
ui_start 120 34 "$QT --root $OUT/root --interval 1 --ports smtps=465,submission=$PORT"
check "first frame" ui_wait_for "1 Ports" 5
ui_keys 5
ui_keys a
check "account prompt" ui_wait_for "Account" 5
ui_keys -l "joe@example.test"
ui_keys Enter
check "password prompt" ui_wait_for "Password for joe@example.test" 5
ui_keys -l "not-a-real-password"
ui_keys Enter
check "target prompt" ui_wait_for "SMTP target" 5
check "the target defaults to the --ports submission entry" has "127.0.0.1:$PORT"
ui_keys Enter   # target
check "vchkpw prompt" ui_wait_for "vchkpw path" 5
ui_keys C-u     # a vchkpw named by the admin that does not exist: nothing of this machine runs
ui_keys -l "$OUT/no-such-vchkpw"
ui_keys Enter
ui_keys Enter   # service
ui_keys C-u     # public address: empty skips the PTR check
ui_keys Enter
check "step 1 ran, the others wait" has_re "2 vchkpw +pending"
ui_keys A
check "A ran every remaining step" has "all steps run"
check "... none left pending or running" hasnt "HELO and reverse DNS" "pending" "running"
ui_keys '?'
check "help lists A" has "run all remaining steps"
ui_keys Escape
ui_keys q
ui_keys Q
ui_finish

#!/bin/bash
# The wizard's password prompt (issue 12 item 7): a fixed marker instead of
# one '*' per byte, and a typed NUL (Ctrl-@) refused with the reason.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

mkdir -p "$OUT/root/var/qmail/control"
ui_start 100 30 "$QT --root $OUT/root --interval 1"
check "first frame" ui_wait_for "1 Ports" 5
ui_keys 5
ui_keys a
check "account prompt" ui_wait_for "Account" 5
ui_keys -l "joe@example.test"
ui_keys Enter
check "password prompt" ui_wait_for "Password for joe@example.test" 5
check "... empty before typing" hasnt "Password for joe@example.test" "> (hidden)"
ui_keys -l "abcdefghij"
check "the typed password shows as a fixed marker" has "Password for joe@example.test" "> (hidden)"
check "no '*' per byte: its length is not shown" hasnt "> (hidden)" "*" "abcdefghij"
ui_keys C-@
check "a NUL is refused with the reason" has "the password contains a NUL byte"
ui_keys Escape
check "Esc cancels the prompt" hasnt "a starts the authentication wizard" "Password for joe@example.test"
ui_keys Q
ui_finish

#!/bin/bash
# The Queue pane typed in tmux (issue 20): a qmail queue written as
# qmail-queue and qmail-send leave it (qmail INTERNALS: the message file's
# inode number is its name, split subdirectories, info "F<sender>\0",
# remote "T<addr>\0"), read under --root: the summary shows qmail-qstat's
# two counts, the flood sender is the top row, Enter lists its messages,
# Enter on one shows envelope and headers with the hostile bytes escaped
# and never the body.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

root="$OUT/root"
python3 "$(dirname "$0")/../tools/mkqueue.py" "$root/var/qmail/queue"
check "the fixture queue was written" test -d "$root/var/qmail/queue/mess/22"

ui_start 160 40 "$QT --root '$root' --interval 0.5"
check "first frame" ui_wait_for "1 Ports" 5
ui_keys 6
check "the summary has qmail-qstat's first count" has "10 messages in queue"
check "the summary has qmail-qstat's second count" has "1 messages in queue but not yet preprocessed"
check "the flood sender is a row with its 8 messages" has_re "sender +flood@victim.example +8 "
check "the bounce is shown as <>" has_re "sender +<> +1 "
ui_keys f; ui_keys -l "flood@victim"; ui_keys Enter
ui_keys Enter
check "Enter on the sender lists its messages" has "Messages from flood@victim.example"
ui_keys f; ui_keys -l "y@far"; ui_keys Enter
ui_keys Enter
check "Enter on the message shows envelope and headers, escaped" \
    has "envelope sender: <flood@victim.example>" 'Subject: hi \x1b[7mREVERSED' "Received: from bot by us"
check "never the body" hasnt "Received: from bot by us" "BODYSECRET"
ui_keys q
ui_keys Q
ui_finish

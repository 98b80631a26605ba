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
python3 - "$root/var/qmail/queue" <<'PY'
import os, sys, time
q, split = sys.argv[1], 23
for d in ['pid', 'todo', 'intd', 'bounce', 'lock']:
    os.makedirs(os.path.join(q, d), exist_ok=True)
for d in ['mess', 'info', 'local', 'remote']:
    for s in range(split):
        os.makedirs(os.path.join(q, d, str(s)), exist_ok=True)
def add(sender, rcpts, text, age):
    tmp = os.path.join(q, 'pid', 'tmp')
    with open(tmp, 'wb') as f:
        f.write(text)
    n = os.stat(tmp).st_ino
    os.rename(tmp, os.path.join(q, 'mess', str(n % split), str(n)))
    info = os.path.join(q, 'info', str(n % split), str(n))
    with open(info, 'wb') as f:
        f.write(b'F' + sender + b'\0')
    with open(os.path.join(q, 'remote', str(n % split), str(n)), 'wb') as f:
        f.write(b''.join(b'T' + r + b'\0' for r in rcpts))
    t = time.time() - age
    os.utime(info, (t, t))
for i in range(7):
    add(b'flood@victim.example', [b'x%d@far.example' % i], b'Subject: cheap\n\nbody\n', 60)
add(b'flood@victim.example', [b'y@far.example'],
    b'Subject: hi \x1b[7mREVERSED\nFrom: <flood@victim.example>\nReceived: from bot\n\tby us\n\nBODYSECRET\n', 30)
add(b'', [b'gone@nowhere.example'], b'Subject: failure notice\n\nbody\n', 7200)
# one message not yet preprocessed (todo/)
tmp = os.path.join(q, 'pid', 'tmp')
open(tmp, 'wb').write(b'Subject: new\n\nbody\n')
n = os.stat(tmp).st_ino
os.rename(tmp, os.path.join(q, 'mess', str(n % split), str(n)))
open(os.path.join(q, 'intd', str(n)), 'wb').write(b'u0\0p1\0Fa@b\0Tc@d\0\0')
os.link(os.path.join(q, 'intd', str(n)), os.path.join(q, 'todo', str(n)))
PY
check "the fixture queue was written" test -d "$root/var/qmail/queue/mess/22"

ui_start 160 40 "$QT --root '$root' --interval 0.5"
check "first frame" ui_wait_for "1 Ports" 5
ui_keys 6
check "the summary has qmail-qstat's two counts" \
    has "10 messages in queue; 1 messages in queue but not yet preprocessed"
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

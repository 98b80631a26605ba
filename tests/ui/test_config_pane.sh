#!/bin/bash
# The Config pane (issue 17) in the real console, typed in tmux: 7 shows
# the files of a --root tree with their worst finding; Enter on a forward
# shows the file with the cited line marked '>' and the exact fix; a new
# mistake written while the console runs appears after r (which re-reads
# every configuration file), and its file is named in the pane.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
R="$OUT/root"
mkdir -p "$R/var/qmail/control" "$R/var/qmail/alias" "$R/home/hank"
echo mail.example.com > "$R/var/qmail/control/me"
printf 'mail.example.com\n' > "$R/var/qmail/control/rcpthosts"
echo '&admin@example.org' > "$R/var/qmail/alias/.qmail-postmaster"
echo '&postmaster' > "$R/var/qmail/alias/.qmail-root"
echo '&postmaster' > "$R/var/qmail/alias/.qmail-mailer-daemon"
printf 'root:x:0:0::/root:/bin/sh\nhank:x:1000:1000::/home/hank:/bin/sh\n' > "$R/etc-passwd"
mkdir -p "$R/etc" && mv "$R/etc-passwd" "$R/etc/passwd"
printf '# hank forwards\n&hank@remote.example\n' > "$R/home/hank/.qmail"

ui_start 160 40 "$QT --root $R --interval 60"
check "first frame" ui_wait_for "1 Ports" 5
ui_keys 7
check "7: the Config pane lists the forward with its finding" \
    has "re-read    when a watched mtime changes" "/home/hank/.qmail" "A forward keeps the sender: SPF fails"
ui_keys / h a n k Enter
ui_keys Enter
check "Enter: the file, line 2 marked, and the exact fix" \
    has "> &hank@remote.example" "-f hank@mail.example.com -a hank@remote.example"
ui_keys Escape
printf '\n&x@example.org\n' > "$R/var/qmail/alias/.qmail-abuse"
check "before r the new file is not read (interval 60 s, mtime of ~alias is watched on the next sample only)" \
    hasnt "/home/hank/.qmail" ".qmail-abuse"
ui_keys r
check "r: the new file is read and its blank first line reported" \
    has "/var/qmail/alias/.qmail-abuse" "A .qmail file defers every message"
ui_finish

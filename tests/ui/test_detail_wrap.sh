#!/bin/bash
# Nothing cut in detail views (issue 14 item 4), typed in tmux at 80x24 on a
# fixture root (tests/fixtures/servers: the incident's imaps run script,
# Debian's tcpserver binary for its getopt string; an empty --proc): the
# Servers detail wraps the long run-script command and the corrected line
# at shell-safe points (continued lines end in " \"), no row is cut with
# "~"; v opens the whole view in the pager (/ finds "corrected:"); y copies
# the corrected line, whole, into a 0600 file in --report-dir and tmux's
# buffer. The Findings detail of the same service's long finding is whole.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
DATA="$(dirname "$0")/../fixtures/servers"
TCPSERVER=$(command -v tcpserver) || { echo "SKIP: ucspi-tcp tcpserver not installed"; ui_finish; exit 77; }

R="$OUT/root"
mkdir -p "$R/proc" "$R/usr/bin" "$R/etc/tcprules.d" "$R/service" "$R/var/qmail/supervise/imaps/log" "$OUT/rep"
cp "$TCPSERVER" "$R/usr/bin/tcpserver"
{ echo '#!/bin/sh'; grep -v '^#' "$DATA/incident-folklore.run"; } > "$R/var/qmail/supervise/imaps/run"
ln -s /var/qmail/supervise/imaps "$R/service/imaps"
# the corrected line: the run script's exec line (continuations joined) without -s
want=$(grep -v '^#' "$DATA/incident-folklore.run" | sed -n '/^exec/,$p' | sed -e ':a' -e '/\\$/N; s/ *\\\n */ /; ta' \
       | sed 's/ -s / /')

# below the header and the pane title (a title may be cut, marked: its row says it whole)
# rows below the view's title line ("N Pane > View: ..."): the header, the
# incidents strip and the title itself may be cut (marked ~), the view may not
ui_nocut_ok() { ! awk 'f; / > [A-Z][a-z]+: /{f=1}' <<< "$1" | grep -q '~ *$' && ui_frame_ok "$@"; }
nocut() { ui_poll_stable "${QT_UI_WAIT:-5}" ui_nocut_ok "$@"; }

ui_start 80 24 "$QT --root $R --proc $R/proc --interval 1 --report-dir $OUT/rep"
$TM set-option -g set-clipboard on
check "first frame" ui_wait_for "2 Servers" 5
ui_keys 2
ui_keys Enter
check "the Servers detail" has "Server: imaps"
ui_keys G
check "the corrected line is wrapped at a blank, the break marked with \\" \
    has_re "^corrected +exec argv0 /usr/bin/tcpserver tcpserver-ssl -n \\\\$"
check "... it goes on under it, nothing cut" \
    has_re "^ +/etc/tcprules.d/tcp.smtp.cdb 0 993 /usr/bin/imapd Maildir *$"
check "the run script's long line is wrapped, numbered once" has_re "^ +3  exec argv0 .* \\\\$"
check "no row of the view is cut (~ at the edge)" nocut "corrected"
ui_keys v
check "v opens the whole view in the pager" has "Server: imaps" " q close"
ui_keys / c o r r e c t e d Enter
check "... / finds the corrected line" has_re "(│|\|) corrected: +(│|\|)"
ui_keys q
ui_keys y
check "y copies the corrected line" has "the corrected line copied (OSC 52) and saved:"
f=$(ls "$OUT/rep"/qtriage-*-fix.txt 2> /dev/null | head -1)
check "... into a file of mode 0600" test -n "$f" -a "$(stat -c %a "$f" 2> /dev/null)" = 600
check "... holding the whole corrected line" test "$(cat "$f" 2> /dev/null)" = "$want"
check "... as tmux's buffer does" test "$($TM show-buffer 2> /dev/null)" = "$want"
ui_keys q
ui_keys 4
ui_keys f; ui_keys -l "illegal option"; ui_keys Enter
check "the service's finding is listed" has "[filter: illegal option]"
ui_keys Enter
check "its detail" has "Finding: "
check "... with nothing cut" nocut "Finding: " "evidence"
check "... its title wrapped at words, as prose (no \\)" has_re "^title +tcpserver-ssl in the run script would refuse to start: *$"
ui_keys Q
ui_finish

#!/bin/bash
# The copy key y (issue 14 item 4), typed in tmux at 80x24 with
# `set -g set-clipboard on` (tmux then takes an application's OSC 52 into
# its paste buffer): y on a real zombie-making parent's finding puts its fix
# in tmux's buffer, equal to the fix in the report w writes, and in a new
# file of mode 0600 in --report-dir whose path is flashed; y on the Auth
# pane's AUTH PLAIN string warns first, puts nothing anywhere when declined,
# the string (base64 of \0user\0password) in the buffer when confirmed, and
# never writes a file. v on the Zombies group of the same parent pages its
# whole view.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
ZMAKER=${QT_ZMAKER:?}

timeout 100 "$ZMAKER" -n 3 -t 90 -p "$OUT/zm.pid" -- tcpserver -v -R -H -l0 127.0.0.1 ${QT_UI_PORT:-24029} \
    /var/qmail/bin/qmail-smtpd > /dev/null 2>&1 &
zm=$!
trap 'kill "$zm" 2> /dev/null' EXIT
for i in $(seq 1 50); do [ -s "$OUT/zm.pid" ] && break; sleep 0.1; done
pid=$(cat "$OUT/zm.pid" 2> /dev/null)
check "the zombie maker is staged" test -n "$pid"

REP="$OUT/reports"
mkdir -m 700 "$REP"
ui_start 80 24 "$QT --interval 0.5 --report-dir $REP"
$TM set-option -g set-clipboard on
check "first frame" ui_wait_for "4 Findings" 5
ui_keys 4
ui_keys f; ui_keys -l "(pid $pid)"; ui_keys Enter
check "the staged parent's finding is listed" has_re "\\[filter: \\(pid $pid\\)\\]  \\(1/"
ui_keys y
check "y flashes the saved file's path, whole (on the key bar's line)" has_re "^$REP/qtriage-[^ ]*-fix\\.txt *$"
fixfile=$(ls "$REP"/qtriage-*-fix.txt 2> /dev/null | head -1)
check "the fix file exists" test -n "$fixfile"
check "... of mode 0600" test "$(stat -c %a "$fixfile" 2> /dev/null)" = 600
$TM show-buffer > "$OUT/buf1" 2> /dev/null
check "tmux's buffer holds the fix" grep -q "^kill -CHLD $pid " "$OUT/buf1"
check "... the same text as the file" cmp -s "$OUT/buf1" "$fixfile"
# the fix as the report has it: w writes the JSON next to it
ui_keys w
check "w writes the report" has "report written: $REP/"
json=$(ls "$REP"/qtriage-*.json | head -1)
python3 - "$json" "zombies.parent:$pid" > "$OUT/fix.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["id"] == sys.argv[2]]
fix = f[0]["fix"] if f else ""
sys.stdout.write("\n".join(fix) if isinstance(fix, list) else fix)
EOF
check "... the buffer equals the finding's fix in the report" cmp -s "$OUT/buf1" "$OUT/fix.json"
ui_keys Enter
check "the detail view" has "Finding: "
ui_keys y
check "y in the detail view copies the fix too" has "the fix copied (OSC 52) and saved:" "$REP/qtriage-"

ui_keys q; ui_keys q
# v pages a detail view: the Zombies group of the same parent
ui_keys 3
ui_keys f; ui_keys -l "$pid"; ui_keys Enter
ui_keys v
check "v on a zombie group opens its whole view in the pager" has "parent:" "pid $pid tcpserver: tcpserver" " q close"
ui_keys q
ui_keys c

# the AUTH PLAIN string: a secret
ui_keys a
check "account prompt" ui_wait_for "Account" 5
ui_keys -l "joe@example.test"; ui_keys Enter
check "password prompt" ui_wait_for "Password for joe@example.test" 5
ui_keys -l "not-a-real-password"; ui_keys Enter
check "target prompt" ui_wait_for "SMTP target" 5
ui_keys C-u; ui_keys -l "127.0.0.1:1"; ui_keys Enter
check "vchkpw prompt" ui_wait_for "vchkpw path" 5
ui_keys C-u; ui_keys -l "$OUT/no-such-vchkpw"; ui_keys Enter
ui_keys Enter
ui_keys C-u; ui_keys Enter
check "the wizard runs" has "joe@example.test" "1 Account"
files_before=$(ls -A "$REP" | wc -l)
ui_keys y
check "y on the AUTH string warns first" has "WARNING" "holds the password"
ui_keys n
check "declined: nothing copied" hasnt "5 Auth" "WARNING" "sent to your clipboard"
$TM show-buffer > "$OUT/buf2" 2> /dev/null
check "... tmux's buffer still holds the fix" cmp -s "$OUT/buf1" "$OUT/buf2"
ui_keys y
check "the warning again" has "WARNING" "holds the password"
ui_keys y
check "confirmed: flashed, no file" has "sent to your clipboard (OSC 52), no file written"
want="AUTH PLAIN $(printf '\0joe@example.test\0not-a-real-password' | base64 -w0)"
check "tmux's buffer holds the AUTH PLAIN string" test "$($TM show-buffer 2> /dev/null)" = "$want"
check "... and no file was written" test "$(ls -A "$REP" | wc -l)" = "$files_before"
check "... nor does the string or the password appear in any file there" \
    sh -c "! grep -rqF -e '${want#AUTH PLAIN }' -e not-a-real-password '$REP'"
ui_keys q
ui_keys Q
ui_finish

#!/bin/bash
# The Zombies pane's R against a real daemontools supervise, typed in tmux
# (issue 12 item 2): R + y writes 't' to the service's supervise/control
# itself and supervise restarts the service (its pid changes); with
# supervise/control swapped for a symlink to a root-owned file, R + y is
# refused with the reason and the file is unchanged. Then --load with an
# escape sequence in the file name: the status line shows it escaped.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
ZMAKER=${QT_ZMAKER:?}
if ! command -v supervise > /dev/null; then
    echo "SKIP: daemontools supervise not installed"; ui_finish; exit 77
fi

svc="$OUT/service/qmail-smtpd"
mkdir -p "$svc"
cat > "$svc/run" <<EOF
#!/bin/sh
rm -f "$OUT/smtpd.pid"
exec $ZMAKER -n 3 -t 60 -p "$OUT/smtpd.pid" -- tcpserver -v -R -H -l0 127.0.0.1 ${QT_UI_PORT:-24026} /var/qmail/bin/qmail-smtpd
EOF
chmod 755 "$svc/run"
timeout 100 supervise "$svc" > /dev/null 2>&1 &
sup=$!
cleanup() { kill "$sup" 2> /dev/null; [ -s "$OUT/smtpd.pid" ] && kill "$(cat "$OUT/smtpd.pid")" 2> /dev/null; }
trap cleanup EXIT
waitpid() { local i; for i in $(seq 1 100); do [ -s "$OUT/smtpd.pid" ] && { cat "$OUT/smtpd.pid"; return 0; }; sleep 0.1; done; return 1; }
first=$(waitpid) || { echo "not ok - the staged service did not come up"; exit 1; }

# R + y on the group of this zombie-maker (search its pid, so other zombies on the host do not matter)
ui_start 160 40 "$QT --interval 0.5"
check "first frame" ui_wait_for "3 Zombies" 5
ui_keys 3
ui_keys z
check "the staged group is listed" hasnt "$first" "1 Ports"
ui_keys / $(echo "$first" | sed 's/./& /g') Enter
ui_keys R
check "R asks first, naming the control FIFO (the whole question, wrapped, in one frame)" \
    has "Restart service qmail-smtpd: write 't' to" "$svc/supervise/control, as svc -t does?" "sessions are not cut."
ui_keys y
check "R + y: the byte is written, no program run" has "wrote 't' to $svc/supervise/control"
second=""
for i in $(seq 1 50); do
    [ -s "$OUT/smtpd.pid" ] && second=$(cat "$OUT/smtpd.pid") && [ "$second" != "$first" ] && break
    sleep 0.1
done
check "supervise restarted the service (pid $first -> ${second:-none})" test -n "$second" -a "$second" != "$first"

# a confirm question names a process: its name is escaped, never sent raw
# (ESC and the UTF-8 encoded C1 CSI, U+009B)
$ZMAKER -n 2 -c worker -t 60 -p "$OUT/evil.pid" -- $'cron\e[7m\xc2\x9b1m' > /dev/null 2>&1 &
evil=$(for i in $(seq 1 100); do [ -s "$OUT/evil.pid" ] && { cat "$OUT/evil.pid"; break; }; sleep 0.1; done)
check "the escaped process is listed" ui_wait_for "$evil" 5
ui_keys / $(echo "$evil" | sed 's/./& /g') Enter
ui_keys C
check "the question shows the process name escaped" has 'Send SIGCHLD to cron\x1b[7m\xc2\x9b1m (pid'
ui_keys n
check "n closes the question, nothing sent" hasnt "3 Zombies" "Send SIGCHLD to" "sent SIGCHLD"
kill "$evil" 2> /dev/null

# the attack: supervise/control replaced by a symlink to a root-owned file
echo root-owned-data > "$OUT/victim"
mv "$svc/supervise/control" "$svc/supervise/control.real"
ln -s "$OUT/victim" "$svc/supervise/control"
check "the restarted service's group is listed" ui_wait_for "$second" 5
ui_keys / $(echo "$second" | sed 's/./& /g') Enter
ui_keys R
ui_keys y
check "a symlinked control is refused with the reason" has "supervise/control is a symlink: refused"
check "the root-owned file is unchanged" test "$(cat "$OUT/victim")" = root-owned-data
ui_keys Q

# --load FILE whose name holds an escape sequence: shown escaped in the status line
"$QT" --json > "$OUT/r.json"
name="$OUT/x"$'\e'"[7mred.json"
cp "$OUT/r.json" "$name"
ui_start 160 40 "$QT --load '$name'"
check "--load: the status line shows the name escaped" has "loaded from $OUT/x\\x1b[7mred.json"
ui_keys 3
ui_keys Enter
# the frame after the key is not told apart from the one before, so each key
# is followed by ?: the help then proves the key was read and opened nothing
for k in C R K; do
    ui_keys $k
    ui_keys '?'
    check "--load: $k asks nothing (a loaded report has no actions)" \
        hasnt "Keys in Zombies" "Confirm" "Restart service" "Send SIGCHLD" "one stuck connection?"
    check "--load: the help says the Zombies pane has no keys here" has "Keys in Zombies" "(no keys of its own)"
    ui_keys q
done
ui_keys Q

# --read-only on the live system: every action is refused before anything is asked
ui_start 160 40 "$QT --read-only"
check "--read-only: first frame" ui_wait_for "3 Zombies" 5
ui_keys 3
for k in C R K; do
    ui_keys $k
    check "--read-only: $k is refused" has "read-only mode: $k ("
done
ui_keys Q
ui_finish

#!/bin/bash
# The incidents strip (docs/incidents.md), typed in tmux at 80x24 on the
# fixture process table (tests/fixtures/procfs-zombies: a tcpserver that
# drops every client, one without a handshake deadline, two zombie-making
# parents): the first screen names every incident, worst first, cut with a
# '~'; each incident's evidence and fix are three keys away (i, its number,
# Enter) and readable whole in the pager; the digits stay pane keys outside
# the strip; with no incident the strip says so.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
. "$(dirname "$0")/../lib/procfix.sh"
# the fixture's services judged under the root (tests/lib/procfix.sh)
qt_procfix_place "$(cd "$(dirname "$0")/../fixtures" && pwd)/procfs-zombies" "$OUT/proc" "$OUT/root"
FX=$OUT/proc
RUN="$QT --root $OUT/root --proc $FX --ports smtps=24465 --interval 0.5"

# what the console must show: the same sample headless
"$QT" --root "$OUT/root" --proc "$FX" --ports smtps=24465 --json > "$OUT/r.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["incidents"]))' "$OUT/r.json")
check "the fixture has four incidents" test "$n" -eq 4

ui_start 80 24 "$RUN"
check "first screen: the strip under the header, worst first, every incident named" \
    has_re "^CRIT service-down tcpserver:25 tcpserver drops every connection: rules file.*~$"
first=$(ui_screen)
check "... line 2 is the first incident" bash -c "sed -n 2p <<<\"\$1\" | grep -q '^CRIT service-down tcpserver:25 '" _ "$first"
check "... and lines 3-5 the others" bash -c "sed -n 3,5p <<<\"\$1\" | grep -c '^WARN \(no-deadline  tcpserver:465\|zombies      recordio\|zombies      tcpserver\) ' | grep -qx 3" _ "$first"
check "... the panes are still all on the first screen" has "1 Ports" "2 Servers" "3 Zombies" "4 Findings"

# each incident: i, its number, Enter = its evidence and every fix, whole
open_inc() { ui_keys i; ui_keys "$1"; ui_keys Enter; }
open_inc 1
check "incident 1: i 1 Enter opens its pager with the impact and the fix" \
    has "CRIT service-down tcpserver:25" "evidence:" "fix:" "tcprules /etc/tcp.smtp.cdb /etc/tcp.smtp.tmp < /etc/tcp.smtp"
ui_keys q; ui_keys Escape
open_inc 2
check "incident 2: the no-deadline one, its corrected command line" \
    has "WARN no-deadline tcpserver:465" "corrected: sslserver -e -T 30 -v -R -H 0 465"
ui_keys q; ui_keys Escape
open_inc 4
check "incident 4: the tcpserver zombies, the deciding parent's fix" \
    has "WARN zombies tcpserver" "kill -CHLD 330" "svc -t /service/qmail-smtpd"
ui_keys / k i l l Space - C H L D Space 3 4 2 Enter
check "... and the other parent's further down (/ finds it)" has "kill -CHLD 342    # harmless nudge"
ui_keys q; ui_keys Escape
open_inc 3
check "incident 3: the recordio zombies" has "WARN zombies recordio" "kill -CHLD 390"
ui_keys G
check "... the pager reaches the end of the text (readable whole)" has "reboot only as the last resort"
ui_keys q; ui_keys Escape

# outside the strip the digits are pane keys: 4 focuses Findings, whose key bar says so
ui_keys 4; ui_keys Enter
check "4 (strip not selected) opens the Findings pane's top finding" has "Finding: rules file /etc/tcp.smtp.cdb does not exist"
ui_keys q
ui_keys "?"
check "the help names the i key" has "select the incidents strip"
ui_keys q
ui_keys Q

# no incident: one line says so
ui_start 80 24 "$QT --root $OUT/root --proc $OUT/no-such-proc --interval 0.5"
check "no incident: No incidents" has_re "^No incidents *$"
ui_keys i
check "i with no incident says so" has "no incidents"
ui_keys Q
ui_finish

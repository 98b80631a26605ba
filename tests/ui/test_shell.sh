#!/bin/bash
# The console shell, driven through tmux: panes, focus, zoom, help, resize,
# freeze, search/filter/sort on a real table, quit, and terminal restore on
# quit and on signals.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

mkdir -p "$OUT/reports"
ui_start 80 24 "$QT --interval 0.5 --report-dir $OUT/reports"
GRID=("1 Ports" "2 Servers" "3 Zombies" "4 Findings")
check "first frame" ui_wait_for "1 Ports" 5
check "four panes at 80x24" has_at_width 80 "${GRID[@]}"
host=$(uname -n | sed 's/[.[\*^$()+?{}|]/\\&/g')
check "header shows version, host, time and sample" \
    has_re "^ qtriage [0-9][^ ]*  $host  [0-2][0-9]:[0-5][0-9]:[0-5][0-9] #[0-9]+ "
ui_keys Tab; ui_keys '?'
check "Tab moves focus (help names the pane)" has "Keys in Servers"
ui_keys q
check "help closes" hasnt "1 Ports" "Keys in Servers"
ui_keys 4; ui_keys '?'
check "digit jumps to a pane" has "Keys in Findings"
ui_keys Escape
check "Esc closes the help" hasnt "1 Ports" "Keys in Findings"
ui_keys z
check "z zooms the focused pane" hasnt "4 Findings" "1 Ports" "3 Zombies"
ui_keys Escape
check "Esc unzooms" has "${GRID[@]}"
ui_keys BTab
ui_keys z
check "Shift-Tab goes back one pane" hasnt "3 Zombies" "4 Findings" "1 Ports"
ui_keys z
check "z again unzooms" has "${GRID[@]}"
ui_resize 60 15
check "60x15 keeps running, one pane" has_at_width 60 "3 Zombies"
check "... and only that pane" hasnt "3 Zombies" "1 Ports" "4 Findings"
# eight panes' names and severities need more than 90 columns: at 60 the
# tabs shrink to "N:letter", with more room (rows still below 20) they name
# every pane
check "at 60x15 the tab bar shrinks to a digit and a severity letter per pane" \
    has_re "^1:[CWIO-]  2:[CWIO-]  3:[CWIO-]  4:[CWIO-]  5:-  6:[CWIO-]  7:[CWIO-]  8:[CWIO-] *$"
ui_resize 100 15
check "below 70x20 a tab bar names every pane" has "1:Ports" "2:Servers" "3:Zombies" "4:Findings" "5:Auth" "6:Queue" "7:Config" "8:Logs"
check "... each with its worst severity (Findings: the worst of all)" \
    has_re "^1:Ports (CRIT|WARN|INFO|OK|C|W|I|O|-)  2:Servers [A-Z-]+  3:Zombies [A-Z-]+  4:Findings [A-Z-]+  5:Auth -  6:Queue [A-Z-]+  7:Config [A-Z-]+  8:Logs [A-Z-]+"
ui_keys '?'
check "help survives a small terminal" has "─ Help " "Keys in Zombies"
ui_resize 30 8
check "too small: one line, no exit" has "too small 30x8, need 40x10"
ui_resize 80 24
# "1-9  jump to a pane" is cut short at 60 columns: this is the 80-column help
check "help redrawn after resize storm" has "Keys in Zombies" "1-9  jump to a pane"
ui_keys q
check "grid back at 80x24" hasnt "1 Ports" "Keys in Zombies"
check "... all four panes" has_at_width 80 "${GRID[@]}"
n0=$(ui_sample_no)
for s in 50x12 100x40 70x20 200x60 80x24 41x11 80x24; do ui_resize ${s%x*} ${s#*x}; done
check "survives a resize storm (sampling after it: #${n0:-?} -> newer)" sampled_after "${n0:-999999}" "${GRID[@]}"
ui_resize 200 60
check "200x60 grid" has_at_width 200 "${GRID[@]}"
ui_resize 80 24
check "back at 80x24" has_at_width 80 "${GRID[@]}"
ui_keys p
check "p freezes: FROZEN shown" has "FROZEN" "frozen: sampling paused (p resumes)"
s1=$(ui_screen | head -1)
sleep 1.5
s2=$(ui_screen | head -1)
check "frozen: the header shows FROZEN and a sample number" ui_re_ok "$s1" "#[0-9]+ FROZEN"
check "frozen: sample number does not move" test "$s1" = "$s2"
n1=$(sed -n 's/^ qtriage .* #\([0-9][0-9]*\).*/\1/p' <<< "$s1")
ui_keys p
check "p resumes sampling (#${n1:-?} -> newer, FROZEN gone)" sampled_after "${n1:-999999}" "sampling resumed"
ui_keys / x y z
check "search prompt shown" has "/xyz   (no match)"
ui_keys Enter
check "Enter closes the search prompt" hasnt "1 Ports" "/xyz"
ui_keys f a b
check "filter prompt shown" has "filter: ab"
ui_keys Enter
check "filter shown in the pane title" has "3 Zombies  [filter: ab]"
ui_keys c
check "c clears the filter" hasnt "3 Zombies" "[filter: ab]"
# Ctrl-L: scribble on the terminal behind curses' back (on a line nothing
# redraws); it stays through samples until the whole screen is repainted
tty=$($TM display -p '#{pane_tty}')
printf '\033[10;30HXYZZY-SCRIBBLE' > "$tty"
check "the scribble is on the screen" has "XYZZY-SCRIBBLE"
sleep 1.2
check "... and survives samples (only changed cells are redrawn)" has "XYZZY-SCRIBBLE"
ui_keys C-l
check "Ctrl-L repaints the whole screen" hasnt "1 Ports" "XYZZY-SCRIBBLE"
ui_keys w
check "w writes the report and flashes its path" has "report written: $OUT/reports/qtriage-"
json=$(ls "$OUT"/reports/*.json 2>/dev/null | head -1)
check "w wrote Markdown and JSON, mode 0600" bash -c "ls '$OUT'/reports/*.md >/dev/null && test -n '$json' && test \$(stat -c %a '$json') = 600"
mv "$OUT/reports" "$OUT/reports.done"; : > "$OUT/reports"   # (root ignores mode bits)
ui_keys w
check "an unwritable target is reported, the console keeps running" has "report NOT written"
rm -f "$OUT/reports"; mv "$OUT/reports.done" "$OUT/reports"
ui_keys q
check "q at the top level does not quit: it flashes Q quits" has "Q quits" "${GRID[@]}"
check "... the console is still running" test ! -e "$OUT/exit"
ui_keys Q
for i in $(seq 1 30); do [ -s "$OUT/stty" ] && break; sleep 0.1; done
check "Q quits with status 0" grep -q "exit=0" "$OUT/exit"
check "terminal restored (echo, icanon)" bash -c "grep -qE '(^| )echo( |$)' '$OUT/stty' && grep -qE '(^| )icanon( |$)' '$OUT/stty'"

# a saved report reopens read-only in the same panes (no report: that fails)
check "w left a JSON report to reopen" test -n "${json:-}"
cp "${json:-/nonexistent}" "$OUT/saved.json"
ui_start 80 24 "$QT --load $OUT/saved.json"
check "--load shows the LOADED marker" has "LOADED report"
check "--load shows the saved panes" has "${GRID[@]}"
ui_keys r
check "a loaded report is not re-sampled" has "a loaded report cannot be re-sampled"
ui_keys Q

# signals: TERM/INT/HUP/QUIT are handled in the loop (exit 128+N); SEGV is
# fatal: best-effort endwin, then re-raised (the shell sees 128+11). Ctrl-C
# and Ctrl-\ are typed, as a person would.
for sig in TERM INT HUP QUIT SEGV; do
    ui_start 80 24 "$QT"
    check "SIG$sig: first frame" ui_wait_for "1 Ports" 5
    pid=$(pgrep -n -f "^$QT\$" || true)
    check "SIG$sig: the console's pid is known" test -n "$pid"
    case $sig in
    INT) ui_keys C-c ;;
    QUIT) ui_keys 'C-\' ;;
    *) kill -$sig "$pid" ;;
    esac
    for i in $(seq 1 30); do [ -s "$OUT/stty" ] && break; sleep 0.1; done
    code=$(( 128 + $(kill -l $sig) ))
    check "SIG$sig exits $code" grep -q "exit=$code" "$OUT/exit"
    check "SIG$sig restores the terminal" bash -c "grep -qE '(^| )echo( |$)' '$OUT/stty' && grep -qE '(^| )icanon( |$)' '$OUT/stty'"
    check "SIG$sig leaves the alternate screen" test "$($TM display -p '#{alternate_on}')" = 0
done
ui_finish

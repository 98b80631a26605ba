#!/bin/bash
# The console shell, driven through tmux: panes, focus, zoom, help, resize,
# freeze, search/filter/sort on a real table, quit, and terminal restore on
# quit and on signals.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}

mkdir -p "$OUT/reports"
ui_start 80 24 "$QT --interval 0.5 --report-dir $OUT/reports"
check "first frame" ui_wait_for "1 Ports" 5
both() { has "$1" && has "$2"; }
has_not() { has "$1" && hasnt "$2"; }
check "four panes at 80x24" both "2 Servers" "4 Findings"
check "header shows host and sample" has "qtriage"
ui_keys Tab; ui_keys '?'
check "Tab moves focus (help names the pane)" has "Keys in Servers"
ui_keys q
check "help closes" hasnt "Keys in Servers"
ui_keys 4; ui_keys '?'
check "digit jumps to a pane" has "Keys in Findings"
ui_keys Escape
ui_keys z
check "z zooms the focused pane" has_not "4 Findings" "1 Ports"
ui_keys Escape
check "Esc unzooms" has "1 Ports"
ui_keys BTab
ui_keys z
check "Shift-Tab goes back one pane" has_not "3 Zombies" "4 Findings"
ui_keys z
ui_resize 60 15
check "60x15 keeps running, one pane" has_not "3 Zombies" "1 Ports"
ui_keys '?'
check "help survives a small terminal" has "Help"
ui_resize 30 8
check "too small: one line, no exit" has "too small"
ui_resize 80 24
check "help redrawn after resize storm" has "Help"
ui_keys q
check "grid back at 80x24" has "1 Ports"
for s in 50x12 100x40 70x20 200x60 80x24 41x11 80x24; do ui_resize ${s%x*} ${s#*x}; done
check "survives a resize storm" has "1 Ports"
ui_resize 200 60
check "200x60 grid" both "1 Ports" "4 Findings"
ui_resize 80 24
ui_keys p
has "FROZEN"
s1=$(ui_screen | head -1)
sleep 1.5
s2=$(ui_screen | head -1)
check "p freezes: FROZEN shown" has "FROZEN"
check "frozen: sample number does not move" test "$s1" = "$s2"
ui_keys p
sleep 2
s3=$(ui_screen | head -1)
check "p resumes sampling" test "$s1" != "$s3"
ui_keys / x y z
check "search prompt shown" has "/xyz"
ui_keys Enter
ui_keys f a b
check "filter prompt shown" has "filter: ab"
ui_keys Enter
check "filter shown in the pane title" has "[filter: ab]"
ui_keys c
check "c clears the filter" hasnt "[filter: ab]"
ui_keys C-l
check "Ctrl-L repaints" has "1 Ports"
ui_keys w
check "w writes the report and flashes its path" has "report written: $OUT/reports/qtriage-"
json=$(ls "$OUT"/reports/*.json 2>/dev/null | head -1)
check "w wrote Markdown and JSON, mode 0600" bash -c "ls '$OUT'/reports/*.md >/dev/null && test -n '$json' && test \$(stat -c %a '$json') = 600"
mv "$OUT/reports" "$OUT/reports.done"; : > "$OUT/reports"   # (root ignores mode bits)
ui_keys w
check "an unwritable target is reported, the console keeps running" has "report NOT written"
rm -f "$OUT/reports"; mv "$OUT/reports.done" "$OUT/reports"
ui_keys q
for i in $(seq 1 30); do [ -s "$OUT/stty" ] && break; sleep 0.1; done
check "q quits with status 0" grep -q "exit=0" "$OUT/exit"
check "terminal restored (echo, icanon)" bash -c "grep -qE '(^| )echo( |$)' '$OUT/stty' && grep -qE '(^| )icanon( |$)' '$OUT/stty'"

# a saved report reopens read-only in the same panes
if [ -n "${json:-}" ]; then
    cp "$json" "$OUT/saved.json"
    ui_start 80 24 "$QT --load $OUT/saved.json"
    check "--load shows the LOADED marker" has "LOADED report"
    check "--load shows the saved panes" has "4 Findings"
    ui_keys r
    check "a loaded report is not re-sampled" has "cannot be re-sampled"
    ui_keys Q
fi

# signals: TERM/INT/HUP/QUIT are handled in the loop (exit 128+N); SEGV is
# fatal: best-effort endwin, then re-raised (the shell sees 128+11). Ctrl-C
# and Ctrl-\ are typed, as a person would.
for sig in TERM INT HUP QUIT SEGV; do
    ui_start 80 24 "$QT"
    ui_wait_for "1 Ports" 5
    pid=$(pgrep -n -f "^$QT\$" || true)
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

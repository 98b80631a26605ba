#!/bin/bash
# procs_steady.sh - steady CPU of qtriage --batch --interval 1 with the
# event-driven process table, with the full scan (QT_PROC_EVENTS=off) and of
# `top -b -d 1`, side by side over the same SAMPLES samples, on TOTAL
# processes of which ZOMBIES are zombies (lab/src/zombie-maker.c: one
# tcpserver-named parent, its zombies and its sleeping children). Issue 19.
#
#   sudo bench/procs_steady.sh [BUILD] [TOTAL] [ZOMBIES] [SAMPLES]
#   (defaults: build 10000 1000 11), then samples 15-44 of the events run and
#   of top side by side (bench/steady_window.sh). Needs /usr/bin/time and
#   perf. Run it alone on the machine (it changes the process table
#   everyone reads).
set -eu
build=${1:-build} total=${2:-10000} zombies=${3:-1000} samples=${4:-11}
qt=$build/qtriage zm=$build/lab/zombie-maker
tmp=$(mktemp -d /tmp/qt-steady-XXXXXX)
base=$(ls -d /proc/[0-9]* | wc -l)
live=$((total - zombies - base - 1))
[ "$live" -ge 0 ] || { echo "already $base processes" >&2; exit 1; }
ulimit -u unlimited 2>/dev/null || true
"$zm" -l "$live" -n "$zombies" -m "$zombies" -t 600 -p "$tmp/pid" -L bench-sleeper \
    -- tcpserver -v -R -H 0 2525 /var/qmail/bin/qmail-smtpd &
maker=$!
trap 'kill $maker 2>/dev/null; wait $maker 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do [ -e "$tmp/pid" ] && break; sleep 0.5; done
sleep 2
echo "staged: $(ls -d /proc/[0-9]* | wc -l) processes, $(grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l) zombies"
cpu() { /usr/bin/time -f "%U %S" -o "$tmp/$1" "${@:2}" >"$tmp/$1.out" 2>&1; }
QT_PROC_EVENTS=on cpu events "$qt" --batch --count "$samples" --interval 1 &
QT_PROC_EVENTS=off cpu scan "$qt" --batch --count "$samples" --interval 1 &
cpu top top -b -d 1 -n "$samples" &
wait %2 %3 %4
for k in events scan top; do
    read -r u s < "$tmp/$k"
    echo "$k $u $s"
done | awk -v n="$samples" '{c[$1]=$2+$3; printf "%-7s user %.2f s sys %.2f s = %.2f s CPU over %d samples (%.1f%% of a core at 1 s)\n", $1, $2, $3, $2+$3, n, 100*($2+$3)/n}
    END {printf "events/top %.3fx  scan/top %.3fx  events/scan %.3fx\n", c["events"]/c["top"], c["scan"]/c["top"], c["events"]/c["scan"]}'
# a rescan after lost events (another program's burst of processes) is a full scan: say so
echo "events run, last procs note: $(grep -o 'procs: events.*' "$tmp/events.out" | tail -1)"
# issue 19's steady targets: samples 15-44 of the events run and of top, side by side (30 s: one safety-net scan)
. "$(dirname "$0")/steady_window.sh"
echo "events $(QT_PROC_EVENTS=on steady_window "$qt" 14 30)"

#!/bin/bash
# logs.sh - benchmark of the log classifier (issue 16) against one grep pass.
#
#   bench/logs.sh [SIZE_MIB] [BUILD_DIR]     (default 1024 MiB, ./build)
#   env: REPEAT=5 (runs of each, alternated; the medians are printed)
#
# Generates a log of the lab's line shapes (bench/log_gen.py, SIZE_MIB MiB,
# in $TMPDIR) and, in the same run, over the same file (read once first so
# both find it in the page cache):
#   grep      LC_ALL=C grep -cE -f bench/log-patterns.txt FILE  (one pattern
#             per category, one pass)
#   classify  qtriage --classify-log FILE > /dev/null  (every line classified
#             and its output line formatted and written)
# Prints wall and CPU seconds and peak RSS (/usr/bin/time -v) of each, and
# the ratio classify/grep (target: <= 1.0, peak RSS <= 32 MiB). Not a test:
# on a shared machine the times swing with the load, CPU times less.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1024}
build=${2:-$here/build}
qt=$build/qtriage
[ -x "$qt" ] || { echo "logs.sh: no $qt (build first)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
log=$tmp/bench.log

python3 "$here/bench/log_gen.py" "$log" "$size"
lines=$(wc -l < "$log")
cat "$log" > /dev/null

measure() { # measure NAME OUT CMD... -> wall cpu rss_kib (the command's stdout to OUT)
    /usr/bin/time -v -o "$tmp/$1.time" "${@:3}" > "$2"
    local wall cpu rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$tmp/$1.time")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$tmp/$1.time")
    rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$tmp/$1.time")
    echo "$wall $cpu $rss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$tmp/g"; : > "$tmp/q"
for _ in $(seq "${REPEAT:-5}"); do
    LC_ALL=C measure grep "$tmp/grep.out" grep -cE -f "$here/bench/log-patterns.txt" "$log" >> "$tmp/g"
    measure classify /dev/null "$qt" --classify-log "$log" >> "$tmp/q"
done
col() { awk -v c="$2" '{ print $c }' "$1" | median; }
gw=$(col "$tmp/g" 1); gc=$(col "$tmp/g" 2); gr=$(col "$tmp/g" 3)
qw=$(col "$tmp/q" 1); qc=$(col "$tmp/q" 2); qr=$(col "$tmp/q" 3)
echo "log: $size MiB, $lines lines ($log, lab line shapes); medians of ${REPEAT:-5} runs each"
printf '%-9s %8s %8s %10s\n' "" "wall s" "CPU s" "peak RSS"
printf '%-9s %8.2f %8.2f %7d KiB   (%s lines matched)\n' grep "$gw" "$gc" "$gr" "$(cat "$tmp/grep.out")"
printf '%-9s %8.2f %8.2f %7d KiB\n' classify "$qw" "$qc" "$qr"
awk -v a="$qw" -v b="$gw" -v c="$qc" -v d="$gc" 'BEGIN { printf "ratio classify/grep: wall %.2fx, CPU %.2fx (target <= 1.0x)\n", a / b, c / d }'

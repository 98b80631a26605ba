#!/bin/bash
# [QT_BENCH_SHAPE=remote] steady_ab.sh BIN_A BIN_B [N] [-- extra qtriage args]
# Issue 19 steady A/B: stages N (default 10000) per-connection tcpserver children
# holding N loopback connections (as bench/ports_steady.sh does), then runs
# `BIN --batch --count 40 --interval 1 --ports b=PORT` for BIN_A and BIN_B at once
# and prints each one's CPU over samples 15-35 (perf stat -p, 20 s) as % of a core.
# Run it ONLY under the bench lock:  flock /tmp/qt-bench.lock bench/steady_ab.sh A B
set -euo pipefail
a=$1 b=$2 n=${3:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
ulimit -Hn 300000 2>/dev/null || true
ulimit -n 300000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ulimit -u unlimited 2>/dev/null || true
tmp=$(mktemp -d /tmp/qt-ab.XXXXXX)
pgids=()
cleanup() { for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done; sleep 1; for g in "${pgids[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done; ! declare -F unstage_children >/dev/null || unstage_children; rm -rf "$tmp"; }
trap cleanup EXIT
start() { setsid timeout 600 "$@" & pgids+=($!); }
. "$here/bench/stage_children.sh"
QT_BENCH_PORT=25950 stage_children "$n"
echo "staged port $PORT: $(ss -Htn state established "( sport = :$PORT )" | wc -l) connections (shape $SHAPE: $(ss -Htn "( dport = :$PORT )" | wc -l) client ends here), $(ls -d /proc/[0-9]* | wc -l) processes"
"$a" --batch --count 40 --interval 1 --ports "b=$PORT" >/dev/null 2>&1 & A=$!
"$b" --batch --count 40 --interval 1 --ports "b=$PORT" >/dev/null 2>&1 & B=$!
sleep 14
. "$here/bench/steady_window.sh"
cpu_pct "$A" 20 >"$tmp/pa" & PA=$!
cpu_pct "$B" 20 >"$tmp/pb" & PB=$!
wait "$PA" "$PB"
echo "A $a: $(cat "$tmp/pa")% of a core (samples 15-35)"
echo "B $b: $(cat "$tmp/pb")% of a core (samples 15-35)"
kill "$A" "$B" 2>/dev/null || true
wait "$A" "$B" 2>/dev/null || true

#!/bin/bash
# ports.sh - benchmark of the Ports collector against ss(8), on loopback.
#
#   bench/ports.sh [BUILD_DIR]        (default: ./build; run as root for ulimit)
#   env: SIZES="1000 10000 50000"  PROC_SIZES="1000 10000"  REPEAT=7  CPU_SECONDS=20
#
# For each size N it holds N ESTABLISHED loopback connections on one port:
#   plain  one process accepts and holds them all (bench/conns.py serve)
#   proc   tcpserver forks one child per connection, running bench/idle.c
#          (like tcpserver + qmail-smtpd), up to PROC_SIZES
# and measures, median of REPEAT runs, side by side:
#   ss          `ss -tn state established '( sport = :P )'` (whole command), wall and
#               CPU (user + system, i.e. kernel time of the dump included)
#   collector   the sockets collector in a running process (inet_diag dump + stage
#               mapping), steady state, wall and CPU (bench/ports_sample.c)
#   ss -tanp    owners of all sockets (reads every /proc/PID/fd), wall and CPU
#   stage       the collector's stage mapping, steady state (incremental), and
#               in the first sample (every process read once)
#   --once      `qtriage --once --ports b=P` (whole program, every collector)
#   procs       the process-table collector (libproc2) of that sample
#   RSS         peak RSS of --once, and of --batch --count 5 (KiB)
#   CPU %       `qtriage --batch --interval 1` over CPU_SECONDS samples: whole run
#               (start-up and first sample included), and steady state (CPU of a
#               run of CPU_SECONDS+1 samples minus that of a 1-sample run, over
#               CPU_SECONDS seconds); next to it, `ss -tn` filtered run once a second
# On a shared machine wall times swing with the load; CPU times are steadier.
# Every process it starts is bounded by timeout and stopped by process group.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
QT=$build/qtriage
SAMPLE=$build/tests/ports_sample
SIZES=${SIZES:-"1000 10000 50000"}
PROC_SIZES=${PROC_SIZES:-"1000 10000"}
REPEAT=${REPEAT:-7}
CPU_SECONDS=${CPU_SECONDS:-20}
HOLD=1800
[ -x "$QT" ] && [ -x "$SAMPLE" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }

ulimit -Hn 300000 2>/dev/null || true
ulimit -n 300000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
tmp=$(mktemp -d /tmp/qt-bench-ports.XXXXXX)
pgids=()
cleanup() {
    for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
    sleep 0.5
    for g in "${pgids[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
start() { timeout "$HOLD" "$@" & pgids+=($!); }
stop_all() {
    for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
    sleep 1
    for g in "${pgids[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    pgids=()
    # wait for the sockets to go, so sizes do not add up
    for _ in $(seq 1 100); do
        [ "$(ss -Htn state established "( sport = :$PORT )" | wc -l)" -eq 0 ] && break
        sleep 0.2
    done
}

PORT=${QT_BENCH_PORT:-24900}
while ss -Htln "( sport = :$PORT )" | grep -q .; do PORT=$((PORT + 1)); done
cc -O2 -static -o "$tmp/idle" "$here/bench/idle.c" 2>/dev/null || cc -O2 -o "$tmp/idle" "$here/bench/idle.c"

PERF=$(command -v perf || true)
# CPU time (user + system) of one run of a command, ms
cpu_ms() {
    if [ -n "$PERF" ]; then
        "$PERF" stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}' | tail -1
    else
        /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print ($1 + $2) * 1000}'
    fi
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
# median wall time and median CPU time (user + system) of a command, ms: "WALL CPU".
# CPU from `perf stat -e task-clock` (Debian linux-perf) when present: /usr/bin/time
# rounds to 10 ms.
wall_cpu_ms() {
    : > "$tmp/w"; : > "$tmp/c"
    for _ in $(seq 1 "$REPEAT"); do
        local s e
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        echo "scale=2; ($e - $s) / 1000000" | bc >> "$tmp/w"
        cpu_ms "$@" >> "$tmp/c"
    done
    echo "$(median < "$tmp/w") $(median < "$tmp/c")"
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

wait_ready() {
    for _ in $(seq 1 3000); do [ -f "$1" ] && return 0; sleep 0.1; done
    echo "clients never became ready" >&2; exit 1
}

row() { # row MODE N
    local mode=$1 n=$2 est filter
    est=$(ss -Htn state established "( sport = :$PORT )" | wc -l)
    filter="( sport = :$PORT )"
    local ss ssp once
    ss=($(wall_cpu_ms ss -tn state established "$filter"))
    ssp=($(wall_cpu_ms ss -tanp))
    once=($(wall_cpu_ms "$QT" --once --ports "b=$PORT"))
    "$SAMPLE" "b=$PORT" $((REPEAT + 1)) 0 > "$tmp/samples"
    # ports_sample columns: sample N total procs sockets dump stage scanned rescanned socks ips
    #                       procs_cpu sockets_cpu dump_cpu stage_cpu
    col() { awk -v c="$1" 'NR>1 {print $c}' "$tmp/samples" | median; }
    local coll coll_cpu stage stage_cpu stage1 procs
    coll=$(col 5); coll_cpu=$(col 13); stage=$(col 7); stage_cpu=$(col 15); procs=$(col 4)
    stage1=$(awk 'NR==1 {print $7}' "$tmp/samples")
    local rss_once rss_batch cpu
    rss_once=$(rss_kb "$QT" --once --ports "b=$PORT")
    rss_batch=$(rss_kb "$QT" --batch --count 5 --interval 0.2 --ports "b=$PORT")
    cpu=$(/usr/bin/time -f "%U %S %e" "$QT" --batch --count "$CPU_SECONDS" --interval 1 --ports "b=$PORT" 2>&1 >/dev/null |
          tail -1 | awk '{printf "%.1f", ($1 + $2) / $3 * 100}')
    local c1 cn steady
    c1=$(cpu_ms "$QT" --batch --count 1 --interval 1 --ports "b=$PORT")
    cn=$(cpu_ms "$QT" --batch --count $((CPU_SECONDS + 1)) --interval 1 --ports "b=$PORT")
    steady=$(echo "$cn $c1 $CPU_SECONDS" | awk '{printf "%.1f", ($1 - $2) / $3 / 1000 * 100}')
    local ss_pct
    ss_pct=$(echo "${ss[1]}" | awk '{printf "%.1f", $1 / 1000 * 100}')
    printf "| %s | %s | %s | %s | %s / %s | %s / %s | %.2f / %.2f | %s / %s | %s / %s | %s | %.4f | %s | %s | %s | %s | %s / %s | %s |\n" \
        "$mode" "$n" "$est" "$(ps -e --no-headers | wc -l)" \
        "${ss[0]}" "${ss[1]}" "$coll" "$coll_cpu" \
        "$(echo "scale=4; $coll / ${ss[0]}" | bc)" "$(echo "scale=4; $coll_cpu / ${ss[1]}" | bc)" \
        "${ssp[0]}" "${ssp[1]}" "$stage" "$stage_cpu" "$stage1" \
        "$(echo "scale=5; $stage / ${ssp[0]}" | bc)" "${once[0]}" "$procs" "$rss_once" "$rss_batch" "$cpu" "$steady" "$ss_pct"
}

echo "# bench/ports.sh on $(uname -r), $(nproc) cores, $(date -u +%F) -- REPEAT=$REPEAT CPU_SECONDS=$CPU_SECONDS"
echo "| mode | N | ESTAB seen | processes on host | ss -tn filtered ms wall / CPU | collector ms wall / CPU | collector / ss (wall / CPU) | ss -tanp ms wall / CPU | stage mapping ms steady, wall / CPU | stage ms 1st sample | stage / ss -tanp (wall) | qtriage --once ms | procs collector ms | RSS --once KiB | RSS batch x5 KiB | CPU % at --interval 1, whole run / steady | ss -tn filtered once a second, CPU % |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
    rm -f "$tmp/ready"
    start /usr/bin/python3 "$here/bench/conns.py" serve "$PORT" "$n" "$tmp/ready"
    wait_ready "$tmp/ready"
    row plain "$n"
    stop_all
done
for n in $PROC_SIZES; do
    rm -f "$tmp/ready"
    start tcpserver -R -H -l0 -b 4096 -c $((n + 100)) 127.0.0.1 "$PORT" "$tmp/idle"
    for _ in $(seq 1 50); do ss -Htln "( sport = :$PORT )" | grep -q . && break; sleep 0.1; done
    start /usr/bin/python3 "$here/bench/conns.py" connect "$PORT" "$n" "$tmp/ready"
    wait_ready "$tmp/ready"
    # every child has exec'd the program before measuring
    for _ in $(seq 1 600); do
        [ "$(pgrep -c -f "^$tmp/idle")" -ge "$n" ] && break
        sleep 0.2
    done
    row proc "$n"
    stop_all
done

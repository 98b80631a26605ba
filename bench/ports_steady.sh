#!/bin/bash
# ports_steady.sh - issue 19: N per-connection processes holding N loopback
# connections (tcpserver forks one child per connection running
# bench/idle.c, as the proc mode of bench/ports.sh), measured side by side
# for BUILD and, when given, a reference build REF (e.g. main's):
#   ss       `ss -tn state established '( sport = :P )'`: CPU, median of 7;
#            and `ss -tni` (with tcp_info, as the byte counters need)
#   sample   the ports sample (sockets collector: inet_diag dump + stage
#            mapping) in a running process, steady samples 2..8
#            (build/tests/ports_sample): CPU median, as --batch (no byte
#            counters on a plain port) and with --bytes (the console's Ports
#            views; a build before issue 19 always reads them); and the procs collector's
#   first    `qtriage --batch --count 1 --ports b=P` (start-up and first
#            sample): CPU, median of 3
#   steady   `qtriage --batch --count S --interval 1 --ports b=P` of BUILD and
#            REF and `top -b -d 1 -n S`, all at once, each under /usr/bin/time
#   dump     build/bench/dump_floor: the collector's inet_diag dump alone,
#            of the port and of a port nobody uses (the walk without answers)
#   window   samples 15-44 of each build and of `top -b -d 1` side by side,
#            start-up left out (bench/steady_window.sh): issue 19's steady targets
#
#   sudo [QT_BENCH_SHAPE=remote] bench/ports_steady.sh [BUILD] [REF] [N] [SAMPLES]
#   (defaults: build, none, 10000, 11; the shapes, loopback by default, are
#   in bench/stage_children.sh). Needs /usr/bin/time and perf
#   (linux-perf) for unrounded CPU. Run it alone on the machine; every
#   process it starts is bounded by timeout and stopped by process group.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build} ref=${2:-} n=${3:-10000} samples=${4:-11}
builds=("$build")
[ -n "$ref" ] && builds+=("$ref")
for b in "${builds[@]}"; do
    [ -x "$b/qtriage" ] && [ -x "$b/tests/ports_sample" ] || { echo "build first: ninja -C $b" >&2; exit 2; }
done
ulimit -Hn 300000 2>/dev/null || true
ulimit -n 300000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
ulimit -u unlimited 2>/dev/null || true
tmp=$(mktemp -d /tmp/qt-ports-steady.XXXXXX)
pgids=()
cleanup() {
    for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
    sleep 1
    for g in "${pgids[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
    ! declare -F unstage_children >/dev/null || unstage_children
    rm -rf "$tmp"
}
trap cleanup EXIT
start() { setsid timeout 1800 "$@" & pgids+=($!); }
. "$here/bench/stage_children.sh"
stage_children "$n"
echo "staged: $(ss -Htn state established "( sport = :$PORT )" | wc -l) connections (shape $SHAPE: $(ss -Htn "( dport = :$PORT )" | wc -l) client ends here), $(pgrep -c -f "^$tmp/idle") children, $(ls -d /proc/[0-9]* | wc -l) processes"

cpu_ms() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {print $1}' | tail -1; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR) printf "%.2f", a[int((NR+1)/2)]; else print "-"}'; }
filter="( sport = :$PORT )"
ss_cpu=$(for _ in $(seq 7); do cpu_ms ss -tn state established "$filter"; done | median)
echo "ss -tn filtered: CPU ${ss_cpu} ms (median of 7)"
ssi_cpu=$(for _ in $(seq 7); do cpu_ms ss -tni state established "$filter"; done | median)
echo "ss -tni filtered (tcp_info): CPU ${ssi_cpu} ms (median of 7)"
# the kernel's dump alone, of the port and of nothing (the same walk, no answer filled)
[ -x "$build/bench/dump_floor" ] && "$build/bench/dump_floor" "$PORT" 20 | sed "s|^|$build: |"
firsts=()
for b in "${builds[@]}"; do
    "$b/tests/ports_sample" "b=$PORT" 8 0 > "$tmp/s"
    # columns: sample N total procs sockets dump stage scanned rescanned socks ips procs_cpu sockets_cpu dump_cpu stage_cpu
    sock=$(awk 'NR>1 {print $13}' "$tmp/s" | median) procs=$(awk 'NR>1 {print $12}' "$tmp/s" | median)
    dump=$(awk 'NR>1 {print $14}' "$tmp/s" | median) stage=$(awk 'NR>1 {print $15}' "$tmp/s" | median)
    fds=$(awk 'NR>1 {s+=$8; r+=$9} END {print s "+" r}' "$tmp/s")
    # the first sample: fd lists read whole, and children read at fd 0/1 only (column 18; none before)
    firstfds=$(awk 'NR==1 {print $8 " whole, " ($18 == "" ? 0 : $18) " at fd 0/1 only"}' "$tmp/s")
    "$b/tests/ports_sample" "b=$PORT" 8 0 --bytes > "$tmp/sb"
    sockb=$(awk 'NR>1 {print $13}' "$tmp/sb" | median) dumpb=$(awk 'NR>1 {print $14}' "$tmp/sb" | median)
    first=$(for _ in 1 2 3; do cpu_ms "$b/qtriage" --batch --count 1 --ports "b=$PORT"; done | median)
    firsts+=("$first")
    echo "$b: ports sample CPU $sock ms = $(echo "$sock $ss_cpu" | awk '{printf "%.2f", $1 / $2}')x ss (dump $dump ms, stage mapping $stage ms; fd lists read in 7 steady samples: $fds); procs collector $procs ms; first sample (whole run of --count 1) CPU $first ms (fd lists: $firstfds)"
    echo "$b: with byte counters (--bytes) CPU $sockb ms (dump $dumpb ms) = $(echo "$sockb $ssi_cpu $ss_cpu" | awk '{printf "%.2fx ss -tni, %.2fx ss -tn", $1 / $2, $1 / $3}')"
done
run() { /usr/bin/time -f "%U %S" -o "$tmp/t.$1" "${@:2}" >/dev/null 2>&1; }
k=0 waits=()
for b in "${builds[@]}"; do
    run "q$k" "$b/qtriage" --batch --count "$samples" --interval 1 --ports "b=$PORT" &
    waits+=($!)
    k=$((k + 1))
done
run top top -b -d 1 -n "$samples" &
waits+=($!)
wait "${waits[@]}" # not the staged server and clients
read -r tu ts < "$tmp/t.top"
k=0
for b in "${builds[@]}"; do
    read -r u s < "$tmp/t.q$k"
    # steady: the run minus its first sample (the --count 1 run above), over the other samples
    echo "$b $u $s $tu $ts ${firsts[$k]}" | awk -v n="$samples" '{c=$2+$3; t=$4+$5; printf "%s: run of %d samples at 1 s: user %.2f s sys %.2f s = %.2f s CPU (%.1f%% of a core), top %.2f s, %.3fx top; steady (minus the first sample) %.1f%% of a core\n", $1, n, $2, $3, c, 100*c/n, t, c/t, 100*(c-$6/1000)/(n-1)}'
    k=$((k + 1))
done
# issue 19's steady targets: samples 15-44 of each build and of top, side by side (30 s: one safety-net scan)
. "$here/bench/steady_window.sh"
for b in "${builds[@]}"; do
    echo "$b: $(steady_window "$b/qtriage" 14 30 --ports "b=$PORT")"
done

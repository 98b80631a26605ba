# steady_window.sh - sourced by bench/ports_steady.sh, bench/procs_steady.sh and
# bench/steady_ab.sh.
#
# steady_window QTRIAGE WARM WINDOW [QTRIAGE ARGS...]
#   Runs `QTRIAGE --batch --interval 1 ARGS` and `top -b -d 1` at once, both
#   for WARM + WINDOW + 5 samples, and measures the CPU of each over the same
#   WINDOW seconds starting WARM seconds in (perf stat -e task-clock -p PID):
#   issue 19's steady targets are "<= 3% of a core" and "<= 0.1x top -b -d 1
#   over the same number of samples", so start-up and the first sample (a full
#   scan for both programs) stay out. Prints one line:
#     steady: qtriage X% of a core, top Y%, qtriage/top Zx (samples A-B)
#   Needs perf (linux-perf). The caller stages the processes and cleans up.
# cpu_pct PID SECONDS: PID's CPU over the next SECONDS, in % of a core
#   (perf stat -e task-clock -p; prints the number alone).
cpu_pct() {
    perf stat -x, -e task-clock -p "$1" -- sleep "$2" 2>&1 >/dev/null |
        awk -F, -v s="$2" '/task-clock/ {printf "%.2f", $1 / (10 * s)}'
}

steady_window() {
    local qt=$1 warm=$2 window=$3
    shift 3
    local n=$((warm + window + 5)) d q t pq pt
    d=$(mktemp -d /tmp/qt-steady-window.XXXXXX)
    # both end by themselves after n samples; perf needs their own pids
    "$qt" --batch --count "$n" --interval 1 "$@" >/dev/null 2>&1 &
    q=$!
    top -b -d 1 -n "$n" >/dev/null 2>&1 &
    t=$!
    sleep "$warm"
    cpu_pct "$q" "$window" >"$d/q" &
    pq=$!
    cpu_pct "$t" "$window" >"$d/t" &
    pt=$!
    wait "$pq" "$pt"
    kill "$q" "$t" 2>/dev/null || true
    wait "$q" "$t" 2>/dev/null || true
    awk -v q="$(cat "$d/q")" -v t="$(cat "$d/t")" -v a="$((warm + 1))" -v b="$((warm + window))" 'BEGIN {
        printf "steady: qtriage %.2f%% of a core, top %.2f%%, qtriage/top %.3fx (samples %d-%d)\n", q, t, t ? q / t : 0, a, b}'
    rm -rf "$d"
}

# steady_window.sh - sourced by bench/ports_steady.sh and bench/procs_steady.sh.
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
    perf stat -x, -e task-clock -p "$q" -- sleep "$window" 2>"$d/q" >/dev/null &
    pq=$!
    perf stat -x, -e task-clock -p "$t" -- sleep "$window" 2>"$d/t" >/dev/null &
    pt=$!
    wait "$pq" "$pt"
    kill "$q" "$t" 2>/dev/null || true
    wait "$q" "$t" 2>/dev/null || true
    awk -F, -v w="$window" -v a="$((warm + 1))" -v b="$((warm + window))" '
        /task-clock/ {c[FILENAME] = $1}
        END {q = c[ARGV[1]] / (10 * w); t = c[ARGV[2]] / (10 * w)
             printf "steady: qtriage %.2f%% of a core, top %.2f%%, qtriage/top %.3fx (samples %d-%d)\n", q, t, t ? q / t : 0, a, b}' \
        "$d/q" "$d/t"
    rm -rf "$d"
}

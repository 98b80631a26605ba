#!/bin/bash
# queue.sh - benchmark of the queue reader (diag/queue) against qmail-qread
# and qmail-qstat on the same generated queue, same run.
#
#   bench/queue.sh [BUILD_DIR]    (default ./build)
#   env: N=100000 (messages)  REPEAT=5  WORK=/tmp/qt-queue-bench (kept between runs)
#        QT_REALSTACK: directory with notqmail-*.tar.gz; when set, qmail-qread and
#        qmail-qstat are built from it into WORK (conf-qmail = WORK/qmail, so they
#        read WORK/qmail/queue) for this measurement only
#
# The queue is written by bench/queue_bench (tests/unit/queue_fixture.c: the
# layout qmail-queue and qmail-send leave, split 23). Measured, median of
# REPEAT: qmail-qread (whole program, output to /dev/null), qmail-qstat, and
# queue_bench scan: full scan (every subdirectory at once), first sample
# (the collector's budget), steady-state sample (nothing changed), one new
# message, peak RSS. Warm page cache: each program runs once before timing.
# Then bench/queue_floor (when built): the floor of a full scan, only the
# opens, reads and closes every reader has to make, plain and through
# io_uring, 1 and 2 threads, wall and CPU (io-wq workers included), median of
# REPEAT, as ratios to qmail-qread of the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
N=${N:-100000}
REPEAT=${REPEAT:-5}
WORK=${WORK:-/tmp/qt-queue-bench}
QB=$build/bench/queue_bench
[ -x "$QB" ] || { echo "build first: ninja -C $build" >&2; exit 2; }
mkdir -p "$WORK/qmail"
if [ ! -f "$WORK/made-$N" ]; then
    rm -rf "$WORK/root" "$WORK"/made-*
    mkdir -p "$WORK/root"
    echo "writing a queue of $N messages in $WORK/root ..."
    "$QB" make "$WORK/root" "$N"
    touch "$WORK/made-$N"
fi
ln -sfn "$WORK/root/var/qmail/queue" "$WORK/qmail/queue"

QREAD="" QSTAT=""
if [ -n "${QT_REALSTACK:-}" ]; then
    src=$(ls "$QT_REALSTACK"/notqmail-*.tar.gz | head -1)
    if [ ! -x "$WORK/src/qmail-qread" ]; then
        rm -rf "$WORK/src" && mkdir -p "$WORK/src"
        tar xzf "$src" -C "$WORK/src" --strip-components=1
        echo "$WORK/qmail" > "$WORK/src/conf-qmail"
        make -C "$WORK/src" qmail-qread qmail-qstat > "$WORK/src/build.log" 2>&1
    fi
    QREAD=$WORK/src/qmail-qread QSTAT=$WORK/src/qmail-qstat
fi

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
wall() { # wall CMD...: seconds of one run
    local t0 t1
    t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

cpu() { # cpu CMD...: user + system seconds of one run (GNU time)
    /usr/bin/time -f '%U %S' -o "$WORK/time.out" "$@" > /dev/null
    awk '{print $1 + $2}' "$WORK/time.out"
}

if [ -n "$QREAD" ]; then
    "$QREAD" > /dev/null
    qread=$(for i in $(seq "$REPEAT"); do wall "$QREAD"; done | median)
    qread_cpu=$(for i in $(seq "$REPEAT"); do cpu "$QREAD"; done | median)
    printf 'qmail-qread cpu %8.1f ms\n' "$(echo "$qread_cpu * 1000" | bc -l)"
    qstat=$(for i in $(seq "$REPEAT"); do wall sh "$QSTAT"; done | median)
    printf 'qmail-qread  %8.1f ms   (%s lines)\n' "$(echo "$qread * 1000" | bc -l)" "$("$QREAD" | wc -l)"
    printf 'qmail-qstat  %8.1f ms   %s\n' "$(echo "$qstat * 1000" | bc -l)" "$(sh "$QSTAT" | tr '\n' ' ')"
    # the same queue: qmail-qread's messages (one line each, starting with the date)
    echo "qmail-qread messages: $("$QREAD" | grep -c '^[0-9]')"
fi
"$QB" scan "$WORK/root" 3 > /dev/null
for i in $(seq "$REPEAT"); do "$QB" scan "$WORK/root" 21; done > "$WORK/scan.out"
grep -m1 '^messages' "$WORK/scan.out"
for k in full_scan full_scan_cpu full_scan_1t full_scan_1t_cpu first_sample steady_sample one_new_message peak_rss; do
    printf '%-16s %10s %s\n' "$k" "$(grep "^$k " "$WORK/scan.out" | awk '{print $2}' | median)" \
        "$(grep -m1 "^$k " "$WORK/scan.out" | awk '{print $3}')"
done
if [ -n "$QREAD" ]; then
    full=$(grep "^full_scan " "$WORK/scan.out" | awk '{print $2}' | median)
    printf 'full_scan / qmail-qread = %.2f\n' "$(echo "$full / ($qread * 1000)" | bc -l)"
    for k in full_scan_1t full_scan_cpu full_scan_1t_cpu; do
        v=$(grep "^$k " "$WORK/scan.out" | awk '{print $2}' | median)
        case $k in *cpu) ref=$qread_cpu what="qmail-qread cpu" ;; *) ref=$qread what=qmail-qread ;; esac
        printf '%s / %s = %.2f\n' "$k" "$what" "$(echo "$v / ($ref * 1000)" | bc -l)"
    done
fi

QF=$build/bench/queue_floor
if [ -x "$QF" ]; then
    for i in $(seq "$REPEAT"); do "$QF" "$WORK/root/var/qmail/queue"; done > "$WORK/floor.out"
    echo "floor (median of $REPEAT): mode wall_ms cpu_ms own_threads_ms iowq_ms${QREAD:+ wall/qmail-qread cpu/qmail-qread}"
    for k in $(awk '{print $1}' "$WORK/floor.out" | awk '!seen[$0]++'); do
        w=$(grep "^$k " "$WORK/floor.out" | awk '{print $2}' | median)
        c=$(grep "^$k " "$WORK/floor.out" | awk '{print $3}' | median)
        o=$(grep "^$k " "$WORK/floor.out" | awk '{print $4}' | median)
        q=$(grep "^$k " "$WORK/floor.out" | awk '{print $5}' | median)
        if [ -n "$QREAD" ]; then
            printf 'floor %-15s %8s %8s %8s %8s   %.2f x  %.2f x\n' "$k" "$w" "$c" "$o" "$q" \
                "$(echo "$w / ($qread * 1000)" | bc -l)" "$(echo "$c / ($qread_cpu * 1000)" | bc -l)"
        else
            printf 'floor %-15s %8s %8s %8s %8s\n' "$k" "$w" "$c" "$o" "$q"
        fi
    done
fi

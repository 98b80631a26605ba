#!/bin/bash
# test_budgets.sh - issue 12 items 5 and 7: hostile sizes end in a finding or
# a note, never in a hang, a memory blow-up or a silent cut.
#   1. the expansion bomb (A1=$A0$A0 ... A12, then $A12 thousands of times):
#      bounded time and memory, "run script too complex to evaluate", the
#      service still listed
#   1b. forty of them: the budget of one sample, every service still listed
#   2. a run script longer than 64 KiB with its exec at the end: the note
#   3. a service directory with 600 entries: "512 of 600"
#   4. a local process named tcpserver with 400,000 arguments: the command
#      line is cut, the cut is said, the output stays small
#   5. --once ends after --timeout even when a read blocks
# Every qtriage run is bounded by `timeout`; the one process started here is
# stopped by its pid.
set -u
QT_BIN=${QT_BIN:?}
tmp=$(mktemp -d /tmp/qt-integ-budgets.XXXXXX)
hold_pid=

cleanup() {
    [ -n "$hold_pid" ] && kill "$hold_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

. "$(dirname "$0")/../lib/check.sh"
# run OUT ARGS...: qtriage --once bounded to 30 s; peak RSS (KiB) in $rss when
# /usr/bin/time is there, else empty; exit status in $rc
run() {
    local out=$1
    shift
    rss=
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f %M -o "$tmp/rss" timeout 30 "$QT_BIN" "$@" --once >"$out" 2>"$tmp/err"
        rc=$?
        rss=$(tail -1 "$tmp/rss")
    else
        timeout 30 "$QT_BIN" "$@" --once >"$out" 2>"$tmp/err"
        rc=$?
    fi
}
small_rss() { # small_rss WHAT
    if [ -z "$rss" ]; then
        echo "ok - $1: peak RSS not measured (/usr/bin/time missing) # SKIP"
    elif [ "${rss:-0}" -lt 200000 ]; then ok "$1: peak RSS ${rss} KiB"; else not_ok "$1: peak RSS ${rss} KiB"; fi
}

# --- 1. expansion bomb ---
R=$tmp/bomb
mkdir -p "$R/service/bomb" "$R/service/plain"
{
    printf '#!/bin/sh\nA0=xxxxxxxx\n'
    for i in $(seq 1 12); do printf 'A%d=$A%d$A%d\n' "$i" $((i - 1)) $((i - 1)); done
    printf 'A=$A12\nexec tcpserver -v -R -H 0 2525 qmail-smtpd'
    for i in $(seq 1 21000); do printf ' $A'; done
    printf '\n'
} >"$R/service/bomb/run"
printf '#!/bin/sh\nexec tcpserver -v -R -H -c 9 0 2526 qmail-smtpd\n' >"$R/service/plain/run"
start=$(date +%s%N)
run "$tmp/bomb.txt" --root "$R" --proc /proc
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$rc" = 0 ]; then ok "bomb: --once finished in $ms ms"; else not_ok "bomb: exit $rc after $ms ms"; cat "$tmp/err"; fi
check_grep "bomb: the budget finding names the budget and its value" "run script too complex to evaluate: bytes produced by expansions: more than 262144" \
    "$tmp/bomb.txt"
check_grep "bomb: the service is still listed" "^bomb (down) " "$tmp/bomb.txt"
check_grep "bomb: its neighbour is evaluated as usual" "^plain (down)  *2526 .* 9 " "$tmp/bomb.txt"
small_rss "bomb"
sz=$(wc -c <"$tmp/bomb.txt")
if [ "$sz" -lt 200000 ]; then ok "bomb: output $sz bytes"; else not_ok "bomb: output $sz bytes"; fi

# --- 1b. many bombs: the budget of one sample ---
R=$tmp/bombs
for i in $(seq 1 40); do
    mkdir -p "$R/service/b$i"
    cp "$tmp/bomb/service/bomb/run" "$R/service/b$i/run"
done
start=$(date +%s%N)
run "$tmp/bombs.txt" --root "$R" --proc /proc
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$rc" = 0 ] && [ "$ms" -lt 10000 ]; then ok "40 bombs: --once finished in $ms ms"; else not_ok "40 bombs: exit $rc after $ms ms"; fi
check_grep "40 bombs: the sample's budget is said" "service directories listed without reading their run scripts: the budget of one sample" "$tmp/bombs.txt"
check_grep "40 bombs: the unread ones have a finding" "run script too complex to evaluate: bytes of run scripts evaluated in one sample: more than 4194304" "$tmp/bombs.txt"
n=$(grep -c '^b[0-9]* (down) ' "$tmp/bombs.txt")
if [ "$n" = 40 ]; then ok "40 bombs: all listed"; else not_ok "40 bombs: $n listed"; fi
small_rss "40 bombs"

# --- 2. the exec after 64 KiB ---
R=$tmp/long
mkdir -p "$R/service/long"
{
    printf '#!/bin/sh\n'
    for i in $(seq 1 1200); do printf '# a comment line of some sixty bytes, repeated to pass the cap\n'; done
    printf 'exec tcpserver -v -R -H -c 7 0 2527 qmail-smtpd\n'
} >"$R/service/long/run"
run "$tmp/long.txt" --root "$R" --proc /proc
check_grep "long script: the truncation note" "run script truncated at 64 KiB: the exec line may be missing" "$tmp/long.txt"
check_grep "long script: the service is listed" "^long " "$tmp/long.txt"

# --- 3. 600 service directories ---
R=$tmp/many
mkdir -p "$R/service"
for i in $(seq 1 600); do
    mkdir "$R/service/s$i"
    printf '#!/bin/sh\nexec tcpserver -R -H -c 5 0 %d prog\n' $((20000 + i)) >"$R/service/s$i/run"
done
run "$tmp/many.txt" --root "$R" --proc /proc
check_grep "600 services: the cap is said" "/service: 512 of 600 entries shown" "$tmp/many.txt"
n=$(grep -c '^s[0-9]* (down) ' "$tmp/many.txt")
if [ "$n" = 512 ]; then ok "600 services: 512 rows"; else not_ok "600 services: $n rows"; fi

# --- 4. a local "tcpserver" with 400,000 arguments ---
mkdir -p "$tmp/bin" "$tmp/empty"
cp /bin/sleep "$tmp/bin/tcpserver"
# sleep adds up its arguments: 400,000 zeros, then 120 s; the kernel allows
# a quarter of the stack limit for arguments, so raise it for this one exec
(ulimit -s 65536 && exec python3 -c 'import os, sys; os.execv(sys.argv[1], ["tcpserver"] + ["0"] * 400000 + ["120"])' "$tmp/bin/tcpserver") &
hold_pid=$!
for i in $(seq 50); do
    [ "$(tr -d '\0' <"/proc/$hold_pid/cmdline" 2>/dev/null | wc -c)" -gt 400000 ] && break
    sleep 0.1
done
for proc in /proc /proc/.; do  # libproc2 (when built with it), then the plain /proc reader
    run "$tmp/huge.txt" --root "$tmp/empty" --proc "$proc"
    took=$(head -1 "$tmp/huge.txt" | sed -n 's/.*(took \([0-9]*\) ms).*/\1/p')
    sz=$(wc -c <"$tmp/huge.txt")
    echo "# --proc $proc: sample took ${took:-?} ms, output $sz bytes, peak RSS ${rss:-?} KiB"
    check_grep "huge argv ($proc): the listener is found" "running (pid $hold_pid): tcpserver 0 0 0" "$tmp/huge.txt"
    check_grep "huge argv ($proc): the cut is shown" "running (pid $hold_pid): tcpserver 0 .* \.\.\. (\(39[0-9]* more arguments not shown\|argv truncated at 32 KiB\))" "$tmp/huge.txt"
    check_grep "huge argv ($proc): findings say the command line was cut" "the command line of pid $hold_pid was cut" "$tmp/huge.txt"
    if [ "$sz" -lt 300000 ]; then ok "huge argv ($proc): output $sz bytes"; else not_ok "huge argv ($proc): output $sz bytes"; fi
    # a hang guard, not a speed target (those live in bench/): the sample took
    # 35 ms on a quiet machine, and over the 200 ms this bound had (222 ms)
    # while other builds ran on the 2 cores
    if [ -n "$took" ] && [ "$took" -lt 5000 ]; then ok "huge argv ($proc): sample took $took ms"; else not_ok "huge argv ($proc): sample took ${took:-?} ms"; fi
done
kill "$hold_pid" 2>/dev/null
wait "$hold_pid" 2>/dev/null
hold_pid=

# --- 5. --once is bounded by --timeout (a FIFO where /proc/net/tcp should be) ---
mkdir -p "$tmp/fifoproc/net"
mkfifo "$tmp/fifoproc/net/tcp"
start=$(date +%s%N)
timeout 20 "$QT_BIN" --proc "$tmp/fifoproc" --once --timeout 1 >"$tmp/fifo.txt" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
# either the read is refused (no wait at all) or the watchdog ends it after 1 s
if [ "$rc" != 124 ] && [ "$ms" -lt 5000 ]; then ok "--once --timeout 1: done in $ms ms (exit $rc: $(tail -1 "$tmp/fifo.txt" | cut -c1-80))"; else not_ok "--once --timeout 1: exit $rc after $ms ms"; fi

check_done

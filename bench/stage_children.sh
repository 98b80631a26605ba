# stage_children.sh - sourced by bench/ports_steady.sh and bench/steady_ab.sh.
#
# stage_children N
#   Holds N loopback connections on a free port from $QT_BENCH_PORT (default
#   24900; the port is left in PORT), each by its own tcpserver child running
#   bench/idle.c, like tcpserver + qmail-smtpd; returns once every child has
#   exec'd the program. Uses the caller's $here (the checkout), $tmp (a
#   scratch directory) and start() (which bounds a process by timeout and
#   records its process group for the caller's cleanup).
stage_children() {
    local n=$1
    PORT=${QT_BENCH_PORT:-24900}
    while ss -Htln "( sport = :$PORT )" | grep -q .; do PORT=$((PORT + 1)); done
    cc -O2 -static -o "$tmp/idle" "$here/bench/idle.c" 2>/dev/null || cc -O2 -o "$tmp/idle" "$here/bench/idle.c"
    start tcpserver -R -H -l0 -b 4096 -c $((n + 100)) 127.0.0.1 "$PORT" "$tmp/idle"
    for _ in $(seq 1 50); do ss -Htln "( sport = :$PORT )" | grep -q . && break; sleep 0.1; done
    start /usr/bin/python3 "$here/bench/conns.py" connect "$PORT" "$n" "$tmp/ready"
    for _ in $(seq 1 3000); do [ -f "$tmp/ready" ] && break; sleep 0.1; done
    for _ in $(seq 1 600); do [ "$(pgrep -c -f "^$tmp/idle")" -ge "$n" ] && break; sleep 0.2; done
    sleep 2
}

# stage_children.sh - sourced by bench/ports_steady.sh and bench/steady_ab.sh.
#
# stage_children N
#   Holds N loopback connections on a free port from $QT_BENCH_PORT (default
#   24900; the port is left in PORT), each by its own tcpserver child running
#   bench/idle.c, like tcpserver + qmail-smtpd; returns once every child has
#   exec'd the program. Uses the caller's $here (the checkout), $tmp (a
#   scratch directory) and start() (which bounds a process by timeout and
#   records its process group for the caller's cleanup).
#
#   QT_BENCH_SHAPE picks where the clients' ends are:
#   loopback (default)  they stay open on this machine: the kernel's
#                       connection table holds 2N sockets, and every socket
#                       dump (qtriage's, ss's) walks both ends of each
#                       connection, where a mail server holds only its own
#   remote              as with clients on other machines: once all are
#                       connected, the clients die with a reset that an
#                       iptables rule on lo (dport PORT, RST only) drops on
#                       the way, so the server ends stay ESTABLISHED and
#                       alone in the table. The rule stays until the
#                       caller's cleanup calls unstage_children: removed as
#                       soon as the clients were gone, it let resets through
#                       (4,414 of 10,000 server ends were gone 2 s later;
#                       none with the rule held 8 s).
#                       SHAPE is left set to the shape staged.
#
# unstage_children
#   Removes the remote shape's iptables rule, if any (call it from cleanup).
stage_children() {
    local n=$1 shape=${QT_BENCH_SHAPE:-loopback} rule cpg
    PORT=${QT_BENCH_PORT:-24900}
    while ss -Htln "( sport = :$PORT )" | grep -q .; do PORT=$((PORT + 1)); done
    case $shape in
    loopback | remote) ;;
    *) echo "QT_BENCH_SHAPE: loopback or remote, not $shape" >&2; return 2 ;;
    esac
    cc -O2 -static -o "$tmp/idle" "$here/bench/idle.c" 2>/dev/null || cc -O2 -o "$tmp/idle" "$here/bench/idle.c"
    start tcpserver -R -H -l0 -b 4096 -c $((n + 100)) 127.0.0.1 "$PORT" "$tmp/idle"
    for _ in $(seq 1 50); do ss -Htln "( sport = :$PORT )" | grep -q . && break; sleep 0.1; done
    start /usr/bin/python3 "$here/bench/conns.py" connect "$PORT" "$n" "$tmp/ready" \
        $([ "$shape" = remote ] && echo rst)
    cpg=${pgids[-1]}
    for _ in $(seq 1 3000); do [ -f "$tmp/ready" ] && break; sleep 0.1; done
    for _ in $(seq 1 600); do [ "$(pgrep -c -f "^$tmp/idle")" -ge "$n" ] && break; sleep 0.2; done
    if [ "$shape" = remote ]; then
        rule=(OUTPUT -o lo -p tcp --dport "$PORT" --tcp-flags RST RST -j DROP)
        iptables -I "${rule[@]}" || { echo "remote shape: cannot add the iptables rule" >&2; return 2; }
        STAGE_RULE=("${rule[@]}")
        kill -KILL -- "-$cpg" 2>/dev/null || true
        for _ in $(seq 1 100); do
            ss -Htn "( dport = :$PORT )" | grep -q . || break
            sleep 0.1
        done
        if ss -Htn "( dport = :$PORT )" | grep -q .; then
            echo "remote shape: client ends still open" >&2
            return 2
        fi
    fi
    SHAPE=$shape
    sleep 2
}

unstage_children() {
    if [ "${#STAGE_RULE[@]}" -gt 0 ]; then
        iptables -D "${STAGE_RULE[@]}" || echo "remote shape: could not remove the rule: iptables -D ${STAGE_RULE[*]}" >&2
        STAGE_RULE=()
    fi
}
STAGE_RULE=()

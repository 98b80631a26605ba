#!/bin/bash
# The kernel collector against the real kernel (issue 18), inside a private
# network namespace (unshare -rn: its own loopback, its own per-namespace
# sysctls, never the host's): net.core.somaxconn 4 and tcp_keepalive_time
# 600 set there; a real tcpserver started with -b 5 (the kernel gives it a
# backlog of 4: inet_diag's idiag_wqueue, ss Send-Q) holding one client on
# a socket without SO_KEEPALIVE; a python3 listener on ::1 that sets
# SO_KEEPALIVE holding one client (a keepalive timer, ss -o). qtriage must
# read both facts from the kernel. Every process is bounded by timeout and
# dies with the namespace's test. The limits: the lab's fehcom-shaped
# sslserver stand-in started under softlimit -m 10000000 (below twice what a
# real sslserver child needs for OpenSSL, docs/kernel.md), read back from
# its /proc/PID/limits.
# Usage: test_kernel.sh SSLSERVER_STANDIN (QTRIAGE from the environment)
set -u
. "$(dirname "$0")/../lib/check.sh"
QT=${QTRIAGE:-${QT_BIN:-}}
[ -x "$QT" ] || { echo "qtriage not found (QTRIAGE)"; exit 1; }
SSLSERVER=$(readlink -f "${1:?usage: test_kernel.sh SSLSERVER_STANDIN}")
for p in tcpserver python3 ss unshare sysctl softlimit; do
    command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
if [ -z "${QT_IN_NETNS:-}" ]; then
    unshare -rn true 2>/dev/null || { echo "SKIP: unshare -rn refused by this kernel"; exit 77; }
    QT_IN_NETNS=1 exec unshare -rn bash "$0" "$@"
fi

TMP=$(mktemp -d /tmp/qt-kernel-integ.XXXXXX)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
mkdir -p "$TMP/root/etc"
ip link set lo up 2>/dev/null || { echo "SKIP: cannot bring up lo in the namespace"; exit 77; }
sysctl -qw net.core.somaxconn=4 net.ipv4.tcp_keepalive_time=600 ||
    { echo "SKIP: the namespace's sysctls are not writable"; exit 77; }
P1=25025; P2=25026; P3=25027

timeout 60 tcpserver -H -R -b 5 -c 3 127.0.0.1 $P1 sleep 50 &
PIDS="$PIDS $!"
timeout 60 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)   # inherited by accepted sockets
s.bind(("::1", '$P2')); s.listen(5)
c, _ = s.accept(); time.sleep(50)' &
PIDS="$PIDS $!"
timeout 60 softlimit -m 10000000 "$SSLSERVER" -c 40 127.0.0.1 $P3 sleep 50 &
PIDS="$PIDS $!"
for i in $(seq 50); do
    [ "$(ss -Htln "( sport = :$P1 or sport = :$P2 or sport = :$P3 )" | wc -l)" -ge 3 ] && break
    sleep 0.1
done
timeout 60 python3 -c '
import socket, time
a = socket.create_connection(("127.0.0.1", '$P1'))
b = socket.create_connection(("::1", '$P2'))
time.sleep(50)' &
PIDS="$PIDS $!"
for i in $(seq 50); do
    [ "$(ss -Htn state established "( sport = :$P1 or sport = :$P2 )" | wc -l)" -ge 2 ] && break
    sleep 0.1
done

# the kernel's own view, as ss shows it: what qtriage must find
check_match "ss: tcpserver -b 5 listens with a backlog of 4 (somaxconn)" "^LISTEN +0 +4 +127\\.0\\.0\\.1:$P1 " \
    "$(ss -Hltn "( sport = :$P1 )")"
check_match "ss: the python3 listener's connection runs a keepalive timer" "timer:\\(keepalive" \
    "$(ss -Htno state established "( sport = :$P2 )")"
check "ss: tcpserver's connection runs no keepalive timer" bash -c "! ss -Htno state established '( sport = :$P1 )' | grep -q keepalive"

out=$("$QT" --root "$TMP/root" --ports k1=$P1,k2=$P2,k3=$P3 --once 2>&1)
check_match "somaxconn cuts tcpserver's -b 5: a WARN on k1" \
    "\\[WARN\\] kernel: net.core.somaxconn silently cuts the listen backlog the server asked for -- k1 \\($P1\\)" "$out"
check_match "with the backlog read from inet_diag" \
    "127\\.0\\.0\\.1:$P1: tcpserver asked for a backlog of 5 \\(-b\\); the kernel gives 4 \\(ss -lnt Send-Q\\)" "$out"
check_match "the fix is the sysctl line, not applied" "sysctl -w net.core.somaxconn=5" "$out"
check_match "tuned keepalive does nothing for tcpserver's sockets: INFO on k1" \
    "\\[INFO\\] kernel: The tuned tcp_keepalive sysctls do nothing for this service: its sockets have no SO_KEEPALIVE -- k1 \\($P1\\)" "$out"
check_match "from the one accepted connection's timer" "1 accepted connection: none with a keepalive timer" "$out"
check "the IPv6 listener whose socket has SO_KEEPALIVE gets no keepalive finding" \
    bash -c "! grep -q 'kernel: The tuned tcp_keepalive.* -- k2' <<<\"\$1\"" _ "$out"
lpid=$(ss -Htlnp "( sport = :$P3 )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
if ldd "$SSLSERVER" 2>/dev/null | grep -qE 'lib(a|ub)san'; then
    # a sanitizer runtime maps its shadow memory at start: no such program
    # starts under a 10 MB address-space limit (the normal build checks this)
    echo "ok - # skip the softlimit checks: $SSLSERVER is a sanitizer build, it cannot start under softlimit -m"
else
    check_match "the kernel has the stand-in's limit" "^Max address space +10000000 " "$(grep 'Max address space' /proc/$lpid/limits)"
    check_match "softlimit -m 10000000 starves a TLS front end's children: WARN on k3" \
        "\\[WARN\\] kernel: Resource limits too low for a TLS front end's children: OpenSSL fails under them -- k3 \\($P3\\)" "$out"
    check_match "read from its /proc/PID/limits" \
        "Max address space 10000000 bytes \\(/proc/$lpid/limits\\); a TLS child measured 8524315, 2x = 17048630" "$out"
fi
check "the plain tcpserver under the same machine's limits gets no TLS-limits finding" \
    bash -c "! grep -q 'kernel: Resource limits too low.* -- k1' <<<\"\$1\"" _ "$out"
check_done

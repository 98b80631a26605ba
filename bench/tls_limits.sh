#!/bin/bash
# tls_limits.sh - what one sslserver child needs for its TLS handshake: the
# smallest softlimit -a (address space), -d (data) and -o (open files) under
# which `openssl s_client` still completes a handshake, found by bisection,
# and the child's VmPeak/VmData/fd count after a handshake. The numbers are
# diag/kernel/kernel.h's QT_KERNEL_TLS_* (docs/kernel.md "Limits").
#
# Usage: bench/tls_limits.sh SSLSERVER...   (the real ones: D=$(lab/realstack/build)
#        then $D/fehcom/bin/sslserver $D/superscript/bin/sslserver)
# Takes about 7 minutes for two binaries on 2 cores (dhparam, ~40 handshakes).
# Runs inside a private network namespace (unshare -rn: its own loopback, no
# port of the host's), every server bounded by timeout. Take the machine's
# lab lock around it (flock /tmp/qt-lab.lock): it starts processes.
set -u
[ $# -ge 1 ] || { echo "usage: $0 SSLSERVER..." >&2; exit 2; }
for p in softlimit openssl unshare ss; do
    command -v $p >/dev/null || { echo "$p not installed" >&2; exit 1; }
done
if [ -z "${QT_IN_NETNS:-}" ]; then
    QT_IN_NETNS=1 exec unshare -rn bash "$0" "$@"
fi
ip link set lo up
tmp=$(mktemp -d /tmp/qt-tls-limits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 -subj /CN=bench.test \
    >/dev/null 2>&1
openssl dhparam -dsaparam -out "$tmp/dh.pem" 2048 >/dev/null 2>&1
export CERTFILE=$tmp/cert.pem KEYFILE=$tmp/key.pem DHFILE=$tmp/dh.pem
port=26000

# handshake BIN FLAG VALUE: 0 when a handshake completes under softlimit FLAG VALUE
handshake() {
    local bin=$1 flag=$2 val=$3 lp ok=1
    port=$((port + 1))
    timeout 20 softlimit "$flag" "$val" "$bin" -H -R -c 5 127.0.0.1 $port sleep 5 2>/dev/null &
    lp=$!
    for _ in $(seq 30); do ss -Htln "( sport = :$port )" | grep -q . && break; sleep 0.1; done
    (sleep 2 | timeout 5 openssl s_client -connect 127.0.0.1:$port -quiet 2>&1) | grep -q "verify return" && ok=0
    kill $lp 2>/dev/null
    wait $lp 2>/dev/null
    return $ok
}

# smallest BIN FLAG LO HI STEP: the smallest value that works, within STEP
smallest() {
    local bin=$1 flag=$2 lo=$3 hi=$4 step=$5 mid
    while [ $((hi - lo)) -gt "$step" ]; do
        mid=$(((lo + hi) / 2))
        if handshake "$bin" "$flag" $mid; then hi=$mid; else lo=$mid; fi
    done
    echo $hi
}

for bin in "$@"; do
    bin=$(readlink -f "$bin")
    port=$((port + 1))
    timeout 20 "$bin" -H -R -c 5 127.0.0.1 $port sleep 10 2>/dev/null &
    lp=$!
    for _ in $(seq 30); do ss -Htln "( sport = :$port )" | grep -q . && break; sleep 0.1; done
    (sleep 4 | timeout 6 openssl s_client -connect 127.0.0.1:$port -quiet >/dev/null 2>&1) &
    sleep 2
    for c in $(pgrep -P $lp); do
        echo "$bin child $c: $(grep -E '^(VmPeak|VmData)' /proc/$c/status | tr -s ' \t\n' ' ')fds $(ls /proc/$c/fd | wc -l)"
    done
    kill $lp 2>/dev/null
    wait 2>/dev/null
    echo "$bin smallest -a: $(smallest "$bin" -a 100000 64000000 100000) bytes"
    echo "$bin smallest -d: $(smallest "$bin" -d 100000 64000000 100000) bytes"
    echo "$bin smallest -o: $(smallest "$bin" -o 3 64 1) files"
done

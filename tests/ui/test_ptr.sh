#!/bin/bash
# The public IP's PTR in the console (issue 17), typed in tmux: with
# --dns-server and --public-ip the console runs the same lookup as --once in
# the background and joins its verdict to the helohost-differs finding as a
# "dns (SERVER): PTR of IP" evidence line. A private dnsmasq on a loopback
# high port (no upstream, never the machine's resolver) says 127.0.0.1 is
# mail.ptr.test (FCrDNS pass) while helohost is smtp.ptr.test. Then the same
# console against a DNS server that never answers (tests/integ/dns_silent.py):
# keys are answered at once while the lookup waits, then the finding gets
# the same "dns-down" line as --once.
. "$(dirname "$0")/lib.sh"
QT=${QT_BIN:?}
HERE=$(cd "$(dirname "$0")" && pwd)
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || { echo "SKIP: dnsmasq not installed"; ui_finish; exit 77; }
udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

R="$OUT/root"
mkdir -p "$R/var/qmail/control" "$R/var/qmail/alias" "$R/etc"
echo mail.example.com > "$R/var/qmail/control/me"
echo smtp.ptr.test > "$R/var/qmail/control/helohost"
echo mail.example.com > "$R/var/qmail/control/rcpthosts"
for a in postmaster root mailer-daemon; do echo '&admin@example.org' > "$R/var/qmail/alias/.qmail-$a"; done
echo 'root:x:0:0::/root:/bin/sh' > "$R/etc/passwd"

cat > "$OUT/zone.conf" <<'Z'
no-resolv
no-hosts
no-poll
bind-interfaces
listen-address=127.0.0.1
local=/ptr.test/
local=/127.in-addr.arpa/
host-record=mail.ptr.test,127.0.0.1
ptr-record=1.0.0.127.in-addr.arpa,mail.ptr.test
address=/smtp.ptr.test/127.0.0.2
Z
DP=$(udp_port)
timeout 100 "$DNSMASQ" -k -C "$OUT/zone.conf" --port="$DP" --pid-file= --log-facility=/dev/null &
dp=$!
SP=$(udp_port)
timeout 100 python3 "$HERE/../integ/dns_silent.py" --port "$SP" --lifetime 90 > /dev/null &
sp=$!
trap 'kill $dp $sp 2> /dev/null' EXIT
for i in $(seq 50); do ss -Hulnp "( sport = :$DP )" | grep -q . && ss -Huln "( sport = :$SP )" | grep -q . && break; sleep 0.1; done

ui_start 160 40 "$QT --root $R --interval 0.5 --no-probe --dns-server 127.0.0.1:$DP --public-ip 127.0.0.1"
check "first frame" ui_wait_for "4 Findings" 5
ui_keys 4
ui_keys f; ui_keys -l "helohost differs"; ui_keys Enter
check "the helohost-differs finding is listed" has_re "\\[filter: helohost differs\\]  \\(1/"
ui_keys Enter
check "its detail shows the PTR evidence line once the lookup is done" \
    has_re "dns \\(127\\.0\\.0\\.1:$DP\\): PTR of 127\\.0\\.0\\.1: FCrDNS pass"
check "... naming the PTR name" has "mail.ptr.test"
ui_keys Q

# nothing answers: c-ares asks twice (1 s, then 2 s) within the job's 5 s
# deadline, so the lookup waits about 3 s in the background
t0=$(date +%s.%N)
ui_start 160 40 "$QT --root $R --interval 0.5 --no-probe --dns-server 127.0.0.1:$SP --public-ip 127.0.0.1"
check "first frame (silent DNS server)" ui_wait_for "4 Findings" 5
QT_UI_DELAY=0.1 ui_keys 2
QT_UI_DELAY=0.1 ui_keys '?'
check "the keys 2 and ? are answered while the lookup waits: help names the pane" has "Keys in Servers"
t1=$(date +%s.%N)
check "... within 2.5 s of the start, before the lookup can have ended" \
    python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 2.5 else 1)"
ui_keys Escape
ui_keys 4
ui_keys f; ui_keys -l "helohost differs"; ui_keys Enter
ui_keys Enter
# as in --once: a server that did not answer is said so, never a verdict
check "after the deadline the same finding says the DNS server did not answer" \
    ui_wait_for "FCrDNS dns-down; the" 10
ui_keys Q
ui_finish

#!/bin/bash
# Issue 18, the firewall: qtriage reads real rulesets loaded in a private
# network namespace (unshare -n: the host's own ruleset is never read or
# touched) and decides per watched port and family whether a per-IP
# connection limit covers it:
#  1. no rules: WARN for both families of 465 and 993, iptables lines; a
#     listener on loopback only (25) is not checked;
#  2. the iptables lines qtriage suggested, applied (iptables-nft): covered,
#     through the xt connlimit nft shows only by name;
#  3. an nftables ruleset of its own limiting IPv4 only: WARN naming IPv6,
#     nft lines; those lines applied: covered for IPv4 and IPv6;
#  4. legacy iptables (iptables-legacy-save): connlimit for IPv4 only on 993.
# Skips (77) when not root, or when the kernel refuses the namespace or an
# nftables/x_tables module. Every process is bounded by timeout.
set -u
. "$(dirname "$0")/../lib/check.sh"
QT=${QT_BIN:-}
[ -x "$QT" ] || { echo "qtriage not found (QT_BIN)"; exit 1; }

if [ "${1:-}" != inside ]; then
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (a network namespace of its own with rulesets)"; exit 77; }
    for p in nft iptables-nft iptables-legacy ip6tables-legacy python3 ip; do
        command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
    done
    why=$(unshare -n sh -c 'nft add table inet qtcheck && iptables-legacy -L INPUT -n' 2>&1 >/dev/null) ||
        { echo "SKIP: the kernel refuses a network namespace with nftables/x_tables here: $why"; exit 77; }
    exec timeout 150 unshare -n bash "$0" inside
fi

# --- inside the private namespace from here on
TMP=$(mktemp -d /tmp/qt-fw.XXXXXX)
HOLDER=""
cleanup() { [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
ip link set lo up
timeout 140 python3 -c '
import socket, time
def listen(fam, addr, port):
    s = socket.socket(fam)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port)); s.listen(8); return s
keep = [listen(socket.AF_INET, "0.0.0.0", 465), listen(socket.AF_INET6, "::", 465),
        listen(socket.AF_INET, "0.0.0.0", 993), listen(socket.AF_INET6, "::", 993),
        listen(socket.AF_INET, "127.0.0.1", 25)]
open("'"$TMP"'/ready", "w").close()
time.sleep(140)' &
HOLDER=$!
for i in $(seq 50); do [ -e "$TMP/ready" ] && break; sleep 0.1; done

run() { timeout 60 "$QT" --once --no-probe --ports smtp=25,smtps=465,imaps=993 > "$TMP/out" 2>&1; }
# the fix lines of one finding ("[SEV] firewall: TITLE -- SERVICE"), commands only
fixes() {
    awk -v svc="$1" '
        /^\[[A-Z]+\] / { inside = ($0 ~ /^\[[A-Z]+\] firewall: / && $0 ~ (" -- " svc "$")); infix = 0; next }
        inside && /^  fix:/ { infix = 1; next }
        inside && /^  [a-z]+:/ { infix = 0 }
        inside && infix && /^    / { sub(/^    /, ""); if ($0 !~ /^#/) print }' "$TMP/out"
}
apply() { while IFS= read -r line; do sh -c "$line" || echo "FAILED: $line"; done; }

# --- 1. no rules at all
run
check_grep "no rules: 465 not limited per IP, both families" \
    '^\[WARN\] firewall: no per-IP connection limit for port 465 (IPv4 and IPv6) -- smtps$' "$TMP/out"
check_grep "no rules: 993 too" '^\[WARN\] firewall: no per-IP connection limit for port 993 (IPv4 and IPv6) -- imaps$' "$TMP/out"
check "loopback-only 25 is not checked" bash -c '! grep -q "firewall: .* -- smtp$" "$1"' _ "$TMP/out"
fixes smtps > "$TMP/fix1"
check_grep "iptables line for IPv4 (empty ruleset: iptables words)" \
    '^iptables -I INPUT -p tcp --syn --dport 465 -m connlimit --connlimit-above 8 --connlimit-mask 32 -j REJECT --reject-with tcp-reset$' "$TMP/fix1"
check_grep "ip6tables line for IPv6" '^ip6tables -I INPUT -p tcp --syn --dport 465 -m connlimit --connlimit-above 8 --connlimit-mask 128 ' "$TMP/fix1"

# --- 2. the suggested iptables lines applied (Debian's iptables is iptables-nft)
apply < "$TMP/fix1" > "$TMP/apply1" 2>&1
check_eq "the suggested iptables lines run" "" "$(cat "$TMP/apply1")"
run
check_grep "after the fix: 465 covered for both families" \
    '^\[INFO\] firewall: per-IP connection limit for port 465 (IPv4 and IPv6) -- smtps$' "$TMP/out"
check_grep "covered through xt connlimit, said so" "xt connlimit (its parameters are not in nft's output)" "$TMP/out"
check_grep "993 still not limited" '^\[WARN\] firewall: no per-IP connection limit for port 993 ' "$TMP/out"

# --- 3. an nftables ruleset of its own, IPv4 only on 465
nft flush ruleset
nft -f - <<'NFT'
table inet mine {
  set perip4 { type ipv4_addr; flags dynamic; }
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 465 ct state new add @perip4 { ip saddr ct count over 20 } reject with tcp reset
  }
}
NFT
run
check_grep "nft, IPv4 only: WARN names IPv6" \
    '^\[WARN\] firewall: per-IP connection limit for port 465 covers IPv4 only: none for IPv6 -- smtps$' "$TMP/out"
check_grep "the covering rule is named" "inet mine input (handle [0-9]*): tcp dport 465, ip saddr ct count over 20 (per IP), reject" "$TMP/out"
fixes smtps > "$TMP/fix3"
check_grep "nft words for IPv6" "^nft add rule inet qtriage input tcp dport 465 ct state new add @qt465v6 '{ ip6 saddr ct count over 8 }' reject with tcp reset$" "$TMP/fix3"
check "no IPv4 line (IPv4 is covered)" bash -c '! grep -q "ip saddr\|iptables" "$1"' _ "$TMP/fix3"
apply < "$TMP/fix3" > "$TMP/apply3" 2>&1
check_eq "the suggested nft lines run" "" "$(cat "$TMP/apply3")"
run
check_grep "after the nft fix: covered for both families" \
    '^\[INFO\] firewall: per-IP connection limit for port 465 (IPv4 and IPv6) -- smtps$' "$TMP/out"

# --- 4. legacy iptables (x_tables stay registered in this namespace from here on)
nft flush ruleset
iptables-legacy -A INPUT -p tcp --syn --dport 993 -m connlimit --connlimit-above 10 --connlimit-mask 32 -j REJECT --reject-with tcp-reset
run
check_grep "legacy, IPv4 only: WARN names IPv6" \
    '^\[WARN\] firewall: per-IP connection limit for port 993 covers IPv4 only: none for IPv6 -- imaps$' "$TMP/out"
check_grep "the legacy rule, as iptables-legacy-save writes it" \
    "iptables -A INPUT -p tcp -m tcp --dport 993 --tcp-flags FIN,SYN,RST,ACK SYN -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset (iptables-legacy)" "$TMP/out"
check_grep "legacy in use: iptables words" '^    ip6tables -I INPUT -p tcp --syn --dport 993 -m connlimit' "$TMP/out"

# --- 5. not root: unknown with the reason, never "not covered"
if command -v setpriv >/dev/null; then
    timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups "$QT" --once --no-probe \
        --ports smtp=25,smtps=465,imaps=993 > "$TMP/out" 2>&1
    check_grep "not root: not known" \
        '^\[INFO\] firewall: per-IP limits for port 993 not known: the firewall could not be read (IPv4 and IPv6) -- imaps$' "$TMP/out"
    check_grep "not root: the legacy tables are unknown, said so" "legacy tables not known: /proc/net/ip_tables_names: Permission denied (not root)" "$TMP/out"
    check_grep "not root: nftables refused, said so" "nftables not read: .*(not root)" "$TMP/out"
    check "not root: no WARN from the firewall" bash -c '! grep -q "^\[WARN\] firewall" "$1"' _ "$TMP/out"
fi
check_done

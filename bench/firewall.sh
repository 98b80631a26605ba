#!/bin/bash
# bench/firewall.sh QTRIAGE [RULES] - how long the firewall collector's
# reading sample takes (diag/firewall: libnftables listing + JSON parse, a
# fork of iptables-legacy-save + parse) with RULES nft rules and RULES
# legacy rules (default 1000), in a private network namespace (unshare -n:
# the host's ruleset is never touched). Prints the collector's took_seconds
# from `qtriage --json`. Root only. Not a test: no time is asserted.
set -eu
QT=$(readlink -f "${1:?usage: bench/firewall.sh QTRIAGE [RULES]}")
N=${2:-1000}
[ "$(id -u)" = 0 ] || { echo "root only"; exit 1; }
exec unshare -n bash -s "$QT" "$N" <<'INSIDE'
set -eu
QT=$1 N=$2
ip link set lo up
{ echo 'table inet big {'; echo ' set s4 { type ipv4_addr; flags dynamic; }'
  echo ' chain input { type filter hook input priority 0;'
  for i in $(seq "$N"); do echo "  ip saddr 10.$((i / 250)).$((i % 250)).1 tcp dport 465 drop"; done
  echo '  tcp dport 465 ct state new add @s4 { ip saddr ct count over 8 } reject'; echo ' }'; echo '}'; } | nft -f -
{ echo '*filter'; echo ':INPUT ACCEPT [0:0]'
  for i in $(seq "$N"); do echo "-A INPUT -s 10.$((i / 250)).$((i % 250)).2/32 -p tcp --dport 993 -j DROP"; done
  echo '-A INPUT -p tcp --dport 993 -m connlimit --connlimit-above 8 -j REJECT'; echo COMMIT; } | iptables-legacy-restore
timeout 30 python3 -c '
import socket, time
s = [socket.socket(), socket.socket()]
s[0].bind(("0.0.0.0", 465)); s[0].listen(); s[1].bind(("0.0.0.0", 993)); s[1].listen()
time.sleep(25)' &
sleep 0.5
timeout 60 "$QT" --json --no-probe --ports smtps=465,imaps=993 | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("firewall took_seconds %.4f" % [c for c in d["collectors"] if c["name"] == "firewall"][0]["took_seconds"])
for f in d["findings"]:
    if f["id"].startswith("firewall"):
        print(f["severity"], f["title"])'
kill %1
INSIDE

#!/bin/sh
# Integration test for the servers collector (issue 5): a real tcpserver under
# a real daemontools supervise, in a service directory inside a temp --root.
# Everything runs on 127.0.0.1 with -H (no DNS), bounded by timeout, and is
# stopped by recorded pid. Usage: servers_integ.sh QTRIAGE ARGV_CHECK
set -u
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
QT=$1
AC=$2
. "$(dirname "$0")/../lib/check.sh"

for p in tcpserver supervise svc socat; do
    command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done

TMP=$(mktemp -d /tmp/qt-servers-integ.XXXXXX)
ROOT=$TMP/root
PIDS=""
cleanup() {
    for svc in echo plain tls5 tlsdef full; do
        [ -d "$ROOT/service/$svc/supervise" ] && timeout 5 svc -dx "$ROOT/service/$svc" 2>/dev/null
    done
    sleep 0.5
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# --- 1. the real binary and the parser agree on refused command lines ---
while read -r expect line; do
    [ -z "$line" ] && continue
    real_err=$(timeout 5 /usr/bin/tcpserver $line 2>&1 >/dev/null | head -1)
    timeout 5 /usr/bin/tcpserver $line >/dev/null 2>&1; real_rc=$?
    ours=$("$AC" ucspi-tcp tcpserver $line)
    our_rc=$(echo "$ours" | cut -d' ' -f2)
    our_msg=$(echo "$ours" | cut -d' ' -f3- | sed 's/; .*//')
    if [ "$real_rc" = 100 ] && [ "$our_rc" = 100 ]; then ok "exit 100 for: tcpserver $line"; else not_ok "exit codes for '$line': real $real_rc, ours $our_rc"; fi
    want=$expect
    [ "$expect" = usage ] && want="tcpserver: usage: tcpserver [ -1UXpPhHrRoOdDqQv ]"
    case "$real_err" in
        "$want"*) ;;
        *) not_ok "real tcpserver said '$real_err' for '$line'";;
    esac
    if [ "$expect" = "usage" ]; then
        case "$our_msg" in *missing*) ok "usage for: $line";; *) not_ok "ours '$our_msg' for '$line'";; esac
    else
        case "$real_err" in *"$our_msg"*) ok "same message '$our_msg'";; *) not_ok "real '$real_err' vs ours '$our_msg'";; esac
    fi
done <<'CASES'
tcpserver: -T 5 0 9999 true
tcpserver: -vRH -T5 0 9999 true
tcpserver: -c
tcpserver: -x
usage -v 0
usage -v 0 9999
CASES

# --- 2. supervised tcpservers in a temp root ---
PORT=${QT_INTEG_PORT:-24925}
PORT2=$((PORT+1))
for p in $PORT $PORT2 $((PORT+2)) $((PORT+3)) $((PORT+4)); do
    if ss -tln | grep -q ":$p "; then echo "SKIP: port $p busy"; exit 77; fi
done
mkdir -p "$ROOT/service/echo" "$ROOT/service/plain" "$ROOT/proc"
cat > "$ROOT/service/echo/run" <<RUN
#!/bin/sh
exec tcpserver -v -R -H -l0 -c 7 127.0.0.1 $PORT /bin/cat 2>&1
RUN
cat > "$ROOT/service/plain/run" <<RUN
#!/bin/sh
exec tcpserver -v -H -l0 127.0.0.1 $PORT2 /bin/cat 2>&1
RUN
# implicit TLS through stunnel in inetd mode (lab/README.md, "Recipe: implicit
# TLS with a deadline"): one with a
# 5 s handshake deadline, one with stunnel's default (300 s)
PORT3=$((PORT+2)); PORT4=$((PORT+3))
for d in tls5 tlsdef full; do mkdir -p "$ROOT/service/$d"; done
# the incident in small: -c 1 and one client that holds its slot
printf '#!/bin/sh\nexec tcpserver -v -R -H -l0 -c 1 127.0.0.1 %s /bin/cat 2>&1\n' $((PORT+4)) > "$ROOT/service/full/run"
chmod +x "$ROOT/service/full/run"
printf 'foreground = yes\ncert = lab.pem\nTIMEOUTbusy = 5\nexec = /bin/cat\n' > "$ROOT/service/tls5/inetd.conf"
printf 'foreground = yes\ncert = lab.pem\nexec = /bin/cat\n' > "$ROOT/service/tlsdef/inetd.conf"
printf '#!/bin/sh\nexec tcpserver -v -R -H -l0 -c 40 127.0.0.1 %s stunnel4 inetd.conf 2>&1\n' $PORT3 > "$ROOT/service/tls5/run"
printf '#!/bin/sh\nexec tcpserver -v -R -H -l0 -c 40 127.0.0.1 %s stunnel4 inetd.conf 2>&1\n' $PORT4 > "$ROOT/service/tlsdef/run"
chmod +x "$ROOT/service/echo/run" "$ROOT/service/plain/run" "$ROOT/service/tls5/run" "$ROOT/service/tlsdef/run"
timeout 120 supervise "$ROOT/service/echo" >/dev/null 2>&1 &
PIDS="$PIDS $!"
timeout 120 supervise "$ROOT/service/plain" >/dev/null 2>&1 &
PIDS="$PIDS $!"
for d in tls5 tlsdef full; do
    timeout 120 supervise "$ROOT/service/$d" >/dev/null 2>&1 &
    PIDS="$PIDS $!"
done
i=0
while [ $i -lt 50 ] && ! { ss -tln | grep -q ":$PORT " && ss -tln | grep -q ":$PORT2 " && ss -tln | grep -q ":$((PORT+3)) "; }; do sleep 0.1; i=$((i+1)); done
ss -tln | grep -q ":$PORT " || { not_ok "tcpserver did not start"; exit 1; }
# one client holds a connection (bounded)
(sleep 8 | timeout 10 socat - TCP:127.0.0.1:$PORT >/dev/null 2>&1) &
PIDS="$PIDS $!"
i=0
while [ $i -lt 50 ] && ! ss -tln | grep -q ":$((PORT+4)) "; do sleep 0.1; i=$((i+1)); done
(sleep 8 | timeout 10 socat - TCP:127.0.0.1:$((PORT+4)) >/dev/null 2>&1) &
PIDS="$PIDS $!"
sleep 0.5

OUT=$TMP/once1.txt
timeout 30 "$QT" --once --root "$ROOT" > "$OUT" 2>&1
check_grep "found, matched to its run script, -c 7 parsed, 1 live child" \
      "^echo  *$PORT  *ucspi-tcp  *7  *1 " "$OUT"
check_grep "variant proven from /proc/PID/exe" "exact getopt string in /proc/[0-9]*/exe" "$OUT"
check_grep "no per-IP limit flagged with the client's IP" "127.0.0.1: 1 connection" "$OUT"
check_grep "second service: default -c 40 shown as such" "^plain  *$PORT2  *ucspi-tcp  *40\*" "$OUT"
check_grep "slot exhaustion shown" "all 1 connection slots are taken" "$OUT"
check_grep "missing -R flagged" "ident (port 113) lookup on every connection" "$OUT"
check_grep "missing -c flagged" "no -c: the default limit of 40 connections applies" "$OUT"
check_grep "corrected line adds -R" "corrected: exec tcpserver -R -v -H -l0 127.0.0.1 $PORT2 /bin/cat" "$OUT"
check_grep "svc -t to apply" "svc -t /service/plain" "$OUT"
check_grep "stunnel TIMEOUTbusy read from the service dir" "^tls5  *$PORT3 .* 5 s  *chain" "$OUT"
check_grep "stunnel default deadline flagged as long" "TLS handshake deadline of 300 s is long" "$OUT"
if grep -q "run script differs" "$OUT"; then not_ok "script-differs before any edit"; else ok "no false 'edited' finding"; fi

# --- 3. edited but not restarted ---
sed -i "s/-c 7/-c 9/" "$ROOT/service/echo/run"
OUT=$TMP/once2.txt
timeout 30 "$QT" --once --root "$ROOT" > "$OUT" 2>&1
check_grep "edited run script flagged" "run script differs from the running process" "$OUT"
check_grep "difference shown" "run script has '9', running process has '7'" "$OUT"

# restart through supervise: the difference goes away, the new -c is live
timeout 5 svc -t "$ROOT/service/echo"
i=0
while [ $i -lt 50 ]; do
    timeout 30 "$QT" --once --root "$ROOT" > "$TMP/once3.txt" 2>&1
    grep -q "^echo  *$PORT  *ucspi-tcp  *9 " "$TMP/once3.txt" && break
    sleep 0.2; i=$((i+1))
done
check_grep "after svc -t the running -c is 9" "^echo  *$PORT  *ucspi-tcp  *9 " "$TMP/once3.txt"
if grep -q "run script differs" "$TMP/once3.txt"; then not_ok "still differs after restart"; else ok "no difference after restart"; fi

check_done

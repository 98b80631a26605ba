#!/bin/bash
# Issue 18: the probes on the wire, against real servers on 127.0.0.1.
#  - the jobs (tests/tools/probe_run): openssl s_server with a certificate
#    made with -days 3, and with -tls1 at @SECLEVEL=0 (TLS 1.0 accepted);
#    a plain-text server on an implicit-TLS port (no TLS at all); a python3
#    SMTP server with and without STARTTLS; tcpserver + stunnel4 with
#    TIMEOUTbusy = 2 (the drop falls between 2 and 2 + 5 s), socat
#    OPENSSL-LISTEN without a deadline (still open at the bound);
#  - qtriage --once / --check: findings and perfdata, the measured result
#    joining the lint's no-deadline finding, a service at 80% of its limit
#    not probed, --no-probe.
# Every process is bounded by timeout and stopped by its recorded pid.
set -u
. "$(dirname "$0")/../lib/check.sh"
QT=${QT_BIN:-}
PR=${QT_PROBE_RUN:-}
[ -x "$QT" ] && [ -x "$PR" ] || { echo "qtriage or probe_run not found (QT_BIN, QT_PROBE_RUN)"; exit 1; }
for p in socat openssl python3 tcpserver stunnel4; do
    command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
TMP=$(mktemp -d /tmp/qt-probe.XXXXXX)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
B=${QT_INTEG_PORT_PROBE:-24961}
listening() { for i in $(seq 50); do ss -Htln "( sport = :$1 )" | grep -q . && return 0; sleep 0.1; done; return 1; }
field() { sed -n "s/^$1=//p" <<<"$2"; }
mkdir -p "$TMP/root/var/qmail/control"
echo mail.test > "$TMP/root/var/qmail/control/me"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k.pem" -out "$TMP/c3.pem" -days 3 -subj /CN=mail.test \
    -addext subjectAltName=DNS:mail.test,IP:127.0.0.1 >/dev/null 2>&1
openssl req -new -key "$TMP/k.pem" -subj /CN=old.test -out "$TMP/r.csr" >/dev/null 2>&1
openssl x509 -req -in "$TMP/r.csr" -signkey "$TMP/k.pem" -days -1 -out "$TMP/cx.pem" >/dev/null 2>&1  # expired yesterday
cat "$TMP/k.pem" "$TMP/c3.pem" > "$TMP/soon.pem"
cat "$TMP/k.pem" "$TMP/cx.pem" > "$TMP/expired.pem"

# --- 1. handshake: certificate 3 days, name, TLS 1.3; TLS 1.0/1.1 refused
timeout 30 openssl s_server -accept 127.0.0.1:$B -cert "$TMP/c3.pem" -key "$TMP/k.pem" -naccept 2 -quiet >/dev/null 2>&1 &
PIDS="$PIDS $!"; listening $B
out=$("$PR" handshake 127.0.0.1 $B implicit 5 mail.test)
check_eq "handshake ok" ok "$(field status "$out")"
check_eq "TLS 1.3" TLSv1.3 "$(field version "$out")"
check_eq "certificate subject" "CN = mail.test" "$(field subject "$out")"
check_eq "SAN read" "DNS:mail.test, IP:127.0.0.1" "$(field san "$out")"
check_match "days left of a -days 3 certificate: 2 (2 days 23 h)" "^[23]$" "$(field days_left "$out")"
check_eq "control/me named by the certificate" 1 "$(field name_match "$out")"
out=$("$PR" legacy 127.0.0.1 $B implicit 5)
check_eq "default s_server refuses TLS 1.0/1.1" refused "$(field status "$out")"

# --- 2. TLS 1.0 accepted when the server is configured for it (@SECLEVEL=0 on both sides)
timeout 30 openssl s_server -accept 127.0.0.1:$((B + 1)) -cert "$TMP/c3.pem" -key "$TMP/k.pem" -naccept 1 -quiet \
    -tls1 -cipher 'DEFAULT:@SECLEVEL=0' >/dev/null 2>&1 &
PIDS="$PIDS $!"; listening $((B + 1))
out=$("$PR" legacy 127.0.0.1 $((B + 1)) implicit 5)
check_eq "TLS 1.0 accepted" "ok TLSv1" "$(field status "$out") $(field version "$out")"

# --- 3. no TLS at all: plain text on an implicit-TLS port
timeout 30 socat TCP-LISTEN:$((B + 2)),bind=127.0.0.1,reuseaddr,fork SYSTEM:'echo 220 plain.test ESMTP; sleep 2' &
PIDS="$PIDS $!"; listening $((B + 2))
out=$("$PR" handshake 127.0.0.1 $((B + 2)) implicit 5)
check_eq "plain text on a TLS port: no-tls" no-tls "$(field status "$out")"

# --- 4. STARTTLS (RFC 3207) with and without the extension
cat > "$TMP/smtpd.py" <<'PY'
import socket, ssl, sys
port, offer, cert, key = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3], sys.argv[4]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port)); ls.listen(5)
for _ in range(2):
    c, _a = ls.accept(); f = c.makefile("rb")
    c.sendall(b"220 mail.test ESMTP\r\n")
    f.readline()
    c.sendall(b"250-mail.test\r\n" + (b"250-STARTTLS\r\n" if offer else b"") + b"250 PIPELINING\r\n")
    if offer and f.readline().upper().startswith(b"STARTTLS"):
        c.sendall(b"220 go ahead\r\n")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
        try:
            ctx.wrap_socket(c, server_side=True).close()
        except Exception:
            pass
    c.close()
PY
timeout 30 python3 "$TMP/smtpd.py" $((B + 3)) 1 "$TMP/c3.pem" "$TMP/k.pem" &
PIDS="$PIDS $!"
timeout 30 python3 "$TMP/smtpd.py" $((B + 4)) 0 "$TMP/c3.pem" "$TMP/k.pem" &
PIDS="$PIDS $!"; listening $((B + 3)); listening $((B + 4))
out=$("$PR" handshake 127.0.0.1 $((B + 3)) smtp 5 mail.test)
check_eq "SMTP STARTTLS handshake ok" "ok CN = mail.test" "$(field status "$out") $(field subject "$out")"
out=$("$PR" handshake 127.0.0.1 $((B + 4)) smtp 5)
check_eq "no STARTTLS offered: no-tls" no-tls "$(field status "$out")"

# --- 5. idle drop: tcpserver + stunnel4 with TIMEOUTbusy = 2, socat without a deadline
cat > "$TMP/root/stunnel.conf" <<EOF2
foreground = yes
pid =
cert = $TMP/soon.pem
TIMEOUTbusy = 2
exec = /bin/cat
EOF2
timeout 90 tcpserver -c 10 127.0.0.1 $((B + 5)) stunnel4 "$TMP/root/stunnel.conf" 2>/dev/null &
PIDS="$PIDS $!"
timeout 90 socat OPENSSL-LISTEN:$((B + 6)),bind=127.0.0.1,reuseaddr,fork,max-children=10,cert=$TMP/expired.pem,verify=0 EXEC:/bin/cat &
PIDS="$PIDS $!"; listening $((B + 5)); listening $((B + 6))
for mode in idle partial; do
    out=$("$PR" $mode 127.0.0.1 $((B + 5)) implicit 20)
    t=$(field took "$out")
    check_eq "$mode: stunnel drops the client" ok "$(field status "$out")"
    check "$mode: dropped between the deadline 2 s and 2 + 5 s ($t s)" awk -v t="$t" 'BEGIN { exit !(t >= 2 && t <= 7) }'
    out=$("$PR" $mode 127.0.0.1 $((B + 6)) implicit 2)
    check_eq "$mode: socat without a deadline still open at the bound" open "$(field status "$out")"
done

# --- 6. qtriage end to end: findings, the lint's finding joined, perfdata
out=$("$QT" --root "$TMP/root" --ports dl=$((B + 5)),nodl=$((B + 6)) --once --probe-idle 4 2>&1)
check_match "expired certificate is CRIT" "\\[CRIT\\] probe: Certificate expired 1 days ago -- nodl" "$out"
check_match "3-day certificate is CRIT (< 7 days)" "\\[CRIT\\] probe: Certificate expires in [23] days -- dl" "$out"
check_match "no deadline confirmed on the wire" "\\[WARN\\] probe: A silent client is never dropped \\(measured\\) -- nodl" "$out"
check_match "the lint's inferred finding carries the measurement" \
    "measured: a silent client still open after 4 s: no handshake deadline, confirmed" "$out"
check_match "stunnel's drop measured" "probe: Dropped a silent client after [2-7]\\.[0-9] s -- dl" "$out"
out=$("$QT" --root "$TMP/root" --ports dl=$((B + 5)),nodl=$((B + 6)) --check 2>&1)
check_match "perfdata tls_handshake_ms" "'tls_handshake_ms\\.dl'=[0-9.]+" "$out"
check_match "perfdata cert_days (expired: negative)" "'cert_days\\.nodl'=-1" "$out"
check "no idle probe in --check without --probe-idle" bash -c '! grep -q "idle_drop_s" <<<"$1"' _ "$out"
out=$("$QT" --root "$TMP/root" --ports dl=$((B + 5)),nodl=$((B + 6)) --once --no-probe 2>&1)
check "--no-probe: no probe findings" bash -c '! grep -q "\] probe:" <<<"$1"' _ "$out"

# --- 7. a service at 80% of its -c limit is not probed
timeout 60 socat OPENSSL-LISTEN:$((B + 7)),bind=127.0.0.1,reuseaddr,fork,max-children=2,cert=$TMP/soon.pem,verify=0 EXEC:/bin/cat &
PIDS="$PIDS $!"; listening $((B + 7))
for i in 1 2; do timeout 30 socat -u OPEN:/dev/null,ignoreeof TCP:127.0.0.1:$((B + 7)) & PIDS="$PIDS $!"; done
sleep 0.5
out=$("$QT" --root "$TMP/root" --ports full=$((B + 7)) --once 2>&1)
check_match "at its limit: not probed, and says why" \
    "\\[INFO\\] probe: Not probed -- full"$'\n'"  evidence:"$'\n'"    at 2 of 2 connections \\(100% of -c, the probe limit is 80%\\): a probe would take a real user's slot" "$out"
check "at its limit: no handshake probe ran" bash -c '! grep -q "probe: TLS handshake" <<<"$1"' _ "$out"
check_done

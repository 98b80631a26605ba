#!/bin/bash
# Issue 16: qtriage's own traffic is no client. A real tcpserver -v on
# 127.0.0.1 (stunnel4 beneath it, TLS) logs to a syslog-form maillog under
# --root (docs/domain/ucspi.md#log-lines); a client from 127.0.0.2 connects
# once; then qtriage --batch --count 2 probes the service (TLS handshake
# probes after the first sample) and reads the probes' lines in the second:
# its Logs pane counts one client IP (127.0.0.2), says how many tcpserver
# lines of its own connections it left out, and the listener's abnormal
# ends stay 0 (a probe's cut connection is not a crash).
# Every process is bounded by timeout and stopped by its recorded pid.
set -u
. "$(dirname "$0")/../lib/check.sh"
QT=${QT_BIN:-}
[ -x "$QT" ] || { echo "qtriage not found (QT_BIN)"; exit 1; }
for p in socat openssl tcpserver stunnel4; do
    command -v $p >/dev/null || { echo "SKIP: $p not installed"; exit 77; }
done
TMP=$(mktemp -d /tmp/qt-own.XXXXXX)
pgids=()
tmp=$TMP
. "$(dirname "$0")/../lib/integ.sh"
trap cleanup EXIT INT TERM
B=$(pick_port ${QT_INTEG_PORT_OWN:-24981})
listening() { for i in $(seq 50); do ss -Htln "( sport = :$1 )" | grep -q . && return 0; sleep 0.1; done; return 1; }
mkdir -p "$TMP/root/var/qmail/control" "$TMP/root/var/log"
echo mail.test > "$TMP/root/var/qmail/control/me"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k.pem" -out "$TMP/c.pem" -days 30 -subj /CN=mail.test \
    >/dev/null 2>&1
cat "$TMP/k.pem" "$TMP/c.pem" > "$TMP/cert.pem"
cat > "$TMP/stunnel.conf" <<EOF2
foreground = yes
pid =
cert = $TMP/cert.pem
TIMEOUTbusy = 3
exec = /bin/cat
EOF2
LOG=$TMP/root/var/log/maillog
: > "$LOG"
# tcpserver's stderr as syslog writes it for "splogger smtpd": "Mmm dd hh:mm:ss HOST smtpd: LINE"
# (its own process group, stopped by cleanup)
setsid bash -c 'timeout 60 tcpserver -v -R -H -c 10 127.0.0.1 "$1" stunnel4 "$2" 2>&1 >/dev/null |
    while IFS= read -r l; do printf "%s mx smtpd: %s\n" "$(LC_ALL=C date "+%b %e %H:%M:%S")" "$l" >> "$3"; done' \
    _ "$B" "$TMP/stunnel.conf" "$LOG" &
pgids+=($!)
listening "$B" || { echo "tcpserver did not start"; exit 1; }
# a client (not us), from another loopback address
timeout 5 socat -u OPEN:/dev/null TCP:127.0.0.1:$B,bind=127.0.0.2 2>/dev/null
for i in $(seq 50); do grep -q "ok .*:127.0.0.2:" "$LOG" && break; sleep 0.1; done
check "the client's connection is in the log" grep -q "tcpserver: ok .* :127.0.0.2::" "$LOG"

out=$("$QT" --root "$TMP/root" --ports smtps=$B --batch --count 2 --interval 2 2>&1)
second=$(awk '/^== Logs ==/ { n++ } n == 2' <<<"$out")
check_match "the probes ran (their findings)" "probe: .*-- smtps" "$out"
check "the probes' connections are in the log too" bash -c '[ "$(grep -c "tcpserver: ok .* :127.0.0.1::" "$1")" -ge 1 ]' _ "$LOG"
check_match "second sample: one client IP in the Logs pane (127.0.0.2, not the probes' 127.0.0.1)" \
    "per IP +1 " "$second"
check_match "... its own connections' lines are said to be left out" \
    "left out: 0 of qtriage's own logins, [1-9][0-9]* tcpserver lines of its own connections" "$second"
check_done

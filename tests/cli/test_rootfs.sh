#!/bin/bash
# Issue 12 items 4 and 5 (files): everything read under --root stays under
# it, only regular files are read, and what a run script would read passes
# the allowlist (docs/security.md). Temporary trees only; every run is
# bounded by timeout (exit 124 = it hung). Runs as root (chown to nobody).
set -u
QT=${QT_BIN:?}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (chown to nobody)"; exit 77; }
. "$(dirname "$0")/../lib/check.sh"
# predicates for check: the file holds / does not hold the fixed string
has() { grep -qF -- "$1" "$2"; }
hasnt() { ! grep -qF -- "$1" "$2"; }
tmp=$(mktemp -d /tmp/qt-rootfs.XXXXXX); trap 'rm -rf "$tmp"' EXIT
R=$tmp/root; OUT=$tmp/outside
mkdir -p "$R/etc" "$R/service" "$R/var/qmail/control" "$R/home/u" "$OUT"

# --- links out of the root: the run file and a file the run script cats ---
echo "MARKER-SHADOW-7f3a" > "$OUT/hostsrc"
ln -s "$OUT/hostsrc" "$R/etc/hostname"
mkdir -p "$R/service/smtps" "$R/service/linkrun"
cat > "$R/service/smtps/run" <<'RUN'
#!/bin/sh
HOST=`cat /etc/hostname`
exec tcpserver -v -R -c 20 0 465 qmail-smtpd "$HOST" 2>&1
RUN
printf '#!/bin/sh\nexec tcpserver -v 0 26 qmail-smtpd MARKER-RUN-OUTSIDE 2>&1\n' > "$OUT/run"
ln -s "$OUT/run" "$R/service/linkrun/run"

# --- the allowlist ---
echo "MARKER-ROOTONLY-51c2" > "$R/home/u/rootonly"; chmod 600 "$R/home/u/rootonly"
mkdir -p "$R/service/usersvc"
cat > "$R/service/usersvc/run" <<'RUN'
#!/bin/sh
X=`cat /home/u/rootonly`
exec tcpserver -v -c 5 0 2526 qmail-smtpd "$X" 2>&1
RUN
chown nobody "$R/service/usersvc/run"
echo "MARKER-SRS-9d1e" > "$R/var/qmail/control/srs_secrets"
printf -- '-----BEGIN PRIVATE KEY-----\nMARKER-PEM-22ab\n-----END PRIVATE KEY-----\n' > "$R/var/qmail/control/servercert.pem"
echo "MARKER-NOBODY-0c77" > "$R/home/u/userfile"; chown nobody "$R/home/u/userfile"
echo "mail.example.test" > "$R/var/qmail/control/me"
mkdir -p "$R/service/secrets"
cat > "$R/service/secrets/run" <<'RUN'
#!/bin/sh
S=`cat /var/qmail/control/srs_secrets`
P=$(cat /var/qmail/control/servercert.pem)
U=`head -1 /home/u/userfile`
ME=`cat /var/qmail/control/me`
exec tcpserver -v -c 5 0 2527 qmail-smtpd "$S" "$P" "$U" "$ME" 2>&1
RUN

timeout 20 "$QT" --root "$R" --once > "$tmp/once" 2> "$tmp/err"; rc=$?
check "--once finishes" test $rc -eq 0
check "--once: the outside file's content is not shown" hasnt MARKER-SHADOW "$tmp/once"
check "--once: says the linked file was not read and why" has "<not read: symlink to $OUT/hostsrc, which does not exist under the root>" "$tmp/once"
check "--once: a run file linked out of the root is not read" hasnt MARKER-RUN-OUTSIDE "$tmp/once"
check "--once: ... and its service is listed with the reason" has "linkrun (down)" "$tmp/once"
check "--once: run script not read: link out" has "run script not read: run is a symlink to $OUT/run, which is not a file under the root" "$tmp/once"
check "--once: a user-owned run script reads nothing" has "<not read: run script owned by uid $(id -u nobody)>" "$tmp/once"
check "--once: the root-only file is not shown" hasnt MARKER-ROOTONLY "$tmp/once"
check "--once: srs_secrets is never shown" hasnt MARKER-SRS "$tmp/once"
check "--once: a private key is never shown" hasnt MARKER-PEM "$tmp/once"
check "--once: secret files say so" has "<not read: secret file>" "$tmp/once"
check "--once: a user-owned file outside the allowlist is not shown" hasnt MARKER-NOBODY "$tmp/once"
check "--once: ... with the reason" has "<not read: owned by uid $(id -u nobody), not an allowed file>" "$tmp/once"
check "--once: a control file is read" has "mail.example.test" "$tmp/once"

timeout 20 "$QT" --root "$R" --json > "$tmp/json" 2> "$tmp/err"; rc=$?
check "--json finishes" test $rc -eq 0
check "--json: no outside content" bash -c "! grep -qE 'MARKER-(SHADOW|RUN-OUTSIDE|ROOTONLY|SRS|PEM|NOBODY)' '$tmp/json'"
check "--json: says not read" has "<not read: symlink to $OUT/hostsrc" "$tmp/json"

# --- FIFOs under the root: nothing blocks ---
F=$tmp/fifo; mkdir -p "$F/etc" "$F/var/qmail/control" "$F/service/fifo" "$F/service/pw"
mkfifo "$F/etc/passwd" "$F/var/qmail/control/me" "$F/service/fifo/run"
cat > "$F/service/pw/run" <<'RUN'
#!/bin/sh
exec tcpserver -u `id -u vpopmail` -v 0 2528 qmail-smtpd ~vpopmail/bin/vchkpw 2>&1
RUN
timeout 20 "$QT" --root "$F" --once > "$tmp/fifo.out" 2>&1; rc=$?
check "--once with FIFOs at etc/passwd, control/me and a run file finishes" test $rc -eq 0
check "--once: the FIFO run file is listed with the reason" has "run script not read: cannot read /service/fifo/run: a FIFO, not a regular file" "$tmp/fifo.out"
echo secret-password | timeout 20 "$QT" --root "$F" --auth joe@example.test --auth-target 127.0.0.1:1 > "$tmp/auth.out" 2>&1; rc=$?
check "--auth with a FIFO control/me and etc/passwd finishes" test $rc -ne 124

# --- --proc with net/tcp a FIFO, then /dev/zero ---
P=$tmp/proc; mkdir -p "$P/net"
mkfifo "$P/net/tcp"
timeout 20 "$QT" --proc "$P" --once > "$tmp/p1" 2>&1; rc=$?
check "--proc with net/tcp a FIFO finishes" test $rc -eq 0
check "--proc FIFO: a clear message" has "$P/net/tcp: a FIFO, not a regular file" "$tmp/p1"
rm "$P/net/tcp"; ln -s /dev/zero "$P/net/tcp"
timeout 20 "$QT" --proc "$P" --once > "$tmp/p2" 2>&1; rc=$?
check "--proc with net/tcp -> /dev/zero finishes" test $rc -eq 0
check "--proc /dev/zero: a clear message" has "$P/net/tcp: a device, not a regular file" "$tmp/p2"

# --- --proc with FIFOs where the process readers look ---
Q=$tmp/proc2; mkdir -p "$Q/net" "$Q/4242"
: > "$Q/net/tcp"
mkfifo "$Q/stat" "$Q/4242/stat" "$Q/4242/cmdline" "$Q/4242/status"
timeout 20 "$QT" --proc "$Q" --once > "$tmp/p3" 2>&1; rc=$?
check "--proc with FIFOs at stat, PID/stat, PID/cmdline finishes" test $rc -eq 0

check_done

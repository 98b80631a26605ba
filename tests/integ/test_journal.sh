#!/bin/bash
# test_journal.sh - the systemd journal as a mail log source (issue 16),
# on a real journal: a private systemd-journald (no journald runs on the
# test machines, and systemd-journal-remote is not installed on Debian 12
# by default) in its own mount and network namespace, writing its runtime
# journal to ROOT/run/log/journal; journal_live (beside) sends entries and
# samples the collector under --root ROOT. Then the same root read by
# qtriage --once and --json names the journal source. Needs root (unshare);
# exit 77 (skip) without it or without systemd-journald.
set -u
QT_BIN=${QT_BIN:?}
LIVE=${1:?journal_live}
JOURNALD=/lib/systemd/systemd-journald
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
[ -x "$JOURNALD" ] || { echo "skip: no $JOURNALD"; exit 77; }
tmp=$(mktemp -d /tmp/qt-integ-journal.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../lib/check.sh"

root=$tmp/root
mkdir -p "$root/var/log" "$root/run/log" "$tmp/rs"
cat >"$tmp/journald.conf" <<'CONF'
[Journal]
Storage=volatile
ReadKMsg=no
ForwardToSyslog=no
ForwardToWall=no
ForwardToConsole=no
CONF

# inside: journald's sockets on a private /run/systemd, its journal in ROOT,
# its configuration ours; the network namespace keeps it off the host's
# audit settings (audit netlink answers the initial namespace only)
cat >"$tmp/inside.sh" <<'INSIDE'
set -u
tmp=$1 root=$2 live=$3 journald=$4
mount -t tmpfs tmpfs /run/systemd 2>/dev/null || { mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd; }
mkdir -p /run/log && mount --bind "$root/run/log" /run/log
mount --bind "$tmp/journald.conf" /etc/systemd/journald.conf
mkdir -p /run/systemd/journal
"$journald" >"$tmp/journald.out" 2>&1 &
jpid=$!
for _ in $(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done
timeout 60 "$live" "$root"
rc=$?
kill "$jpid"; wait "$jpid" 2>/dev/null
exit $rc
INSIDE
timeout 90 unshare -m -n --propagation private bash "$tmp/inside.sh" "$tmp" "$root" "$LIVE" "$JOURNALD" >"$tmp/live.out" 2>&1
rc=$?
cat "$tmp/live.out"
check_eq "journal_live: every check passed" 0 "$rc"
grep -q '^ok - ' "$tmp/live.out" && ok "journal_live ran" || not_ok "journal_live ran"
check "the journal was written under the root" test -n "$(find "$root/run/log/journal" -name '*.journal' 2>/dev/null)"

# the same root afterwards (journald stopped): the console's batch output
# names the journal source and counts its lines (maillog removed first)
rm -f "$root/var/log/maillog"
timeout 30 "$QT_BIN" --root "$root" --proc /nonexistent-proc --no-probe --once >"$tmp/once" 2>&1
check_grep "--once: the journal source with its filter" 'journal.*SYSLOG_FACILITY=2' "$tmp/once"

# no journal at all: said, not an error
mkdir -p "$tmp/empty/var/log"
timeout 30 "$QT_BIN" --root "$tmp/empty" --proc /nonexistent-proc --no-probe --once >"$tmp/once2" 2>&1
check_grep "no journal: said in the sources" 'journal.*not read: no journal files' "$tmp/once2"
check_done

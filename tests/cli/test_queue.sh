#!/bin/bash
# Issue 20, headless: qmail's queue under --root (tests/tools/mkqueue.py
# writes it as qmail-queue and qmail-send do). --once shows qmail-qstat's
# two counts and the queue findings; --check thresholds on queue_messages;
# an unreadable queue is STALE with the reason and never shown as 0; no
# queue at all gives no queue_* label and no queue finding. Temporary trees
# only; every run bounded by timeout.
set -u
QT=${QT_BIN:?}
. "$(dirname "$0")/../lib/check.sh"
has() { grep -qF -- "$1" "$2"; }
hasnt() { ! grep -qF -- "$1" "$2"; }
tmp=$(mktemp -d /tmp/qt-cliqueue.XXXXXX); trap 'rm -rf "$tmp"' EXIT
R=$tmp/root
Q=$R/var/qmail/queue
python3 "$(dirname "$0")/../tools/mkqueue.py" "$Q"

timeout 30 "$QT" --root "$R" --once > "$tmp/once" 2>&1
check "--once: qmail-qstat's counts in the summary finding" has "Queue: 10 messages, 1 not yet preprocessed" "$tmp/once"
check "--once: the Queue pane's table lists the flood sender" has "flood@victim.example" "$tmp/once"
check "--once: the bounce sender shows as <>" has "bounces <>: 1" "$tmp/once"
check "--once: the hostile header is never printed (not read without a key)" hasnt "REVERSED" "$tmp/once"

timeout 30 "$QT" --root "$R" --check -w queue_messages=5 > "$tmp/check" 2>&1; rc=$?
check_eq "--check -w queue_messages=5: WARNING" 1 "$rc"
check "--check: the threshold is named" has "queue_messages=10 (warn 5)" "$tmp/check"
timeout 30 "$QT" --root "$R" --check -w queue_messages=50 > "$tmp/check2" 2>&1
check "--check: perfdata has the two counts" has "'queue_unpreprocessed'=1" "$tmp/check2"

# joined with qmail-send's log (/var/log/qmail/current under --root, multilog
# TAI64N stamps a minute old): far.example (16 messages queued: the queue
# written twice) deferred 6 times with a blocklist reply, never delivered
R2=$tmp/root2
python3 "$(dirname "$0")/../tools/mkqueue.py" "$R2/var/qmail/queue"
python3 "$(dirname "$0")/../tools/mkqueue.py" "$R2/var/qmail/queue"
mkdir -p "$R2/var/log/qmail"
stamp=$(printf '@%016x%08x' $((0x4000000000000000 + $(date +%s) + 10 - 60)) 0)
for i in 1 2 3 4 5 6; do
    echo "$stamp starting delivery $i: msg 4$i to remote x$i@far.example"
    echo "$stamp delivery $i: deferral: 192.0.2.25_does_not_like_recipient./Remote_host_said:_554_5.7.1_Service_unavailable;_Client_host_[203.0.113.9]_blocked_using_zen.spamhaus.org;_https://www.spamhaus.org/query/ip/203.0.113.9/Giving_up_on_192.0.2.25./"
done > "$R2/var/log/qmail/current"
timeout 30 "$QT" --root "$R2" --once > "$tmp/defer" 2>&1
check "deferring domain: the finding from the queue and the log" \
    has "16 messages queued to far.example: every delivery to it deferred (probably blocklisted)" "$tmp/defer"
check "deferring domain: an incident delivery-errors on far.example" has "delivery-errors far.example" "$tmp/defer"
echo "$stamp starting delivery 7: msg 47 to remote x7@far.example" >> "$R2/var/log/qmail/current"
echo "$stamp delivery 7: success: 192.0.2.25_accepted_message./Remote_host_said:_250_ok/" >> "$R2/var/log/qmail/current"
timeout 30 "$QT" --root "$R2" --once > "$tmp/defer2" 2>&1
check "one delivery to it succeeded: no deferring finding" hasnt "queued to far.example" "$tmp/defer2"

# unreadable: mess/0 is a file, so the queue cannot be listed
mv "$Q/mess/0" "$tmp/mess0"
echo x > "$Q/mess/0"
timeout 30 "$QT" --root "$R" --once > "$tmp/stale" 2>&1
check "unreadable: STALE with the reason, the path as on the served system" \
    has "STALE: queue collector failed: cannot read the queue (/var/qmail/queue/mess/0: a regular file, not a directory)" "$tmp/stale"
check "unreadable: no count shown as 0" hasnt "Queue: 0 messages" "$tmp/stale"
timeout 30 "$QT" --root "$R" --check -w queue_messages=5 > "$tmp/check3" 2>&1; rc=$?
check_eq "unreadable: --check on queue_messages is UNKNOWN" 3 "$rc"

# no queue at all (no qmail here): nothing about a queue
rm -rf "$R/var/qmail"
timeout 30 "$QT" --root "$R" --once > "$tmp/none" 2>&1
check "no queue: no queue finding" hasnt "messages in queue" "$tmp/none"
check "no queue: the pane says so" has "no qmail queue at /var/qmail/queue" "$tmp/none"
check_done

#!/usr/bin/env bash
# The logs collector on the root scenario (issue 16): the fixture's
# real-format logs (qmail-send's multilog log, a rotated tcpserver log, the
# vchkpw lines of /var/log/maillog; lab/lib/fixture.py) are two days old, so
# qtriage reads them back with --log-window 7d. Its counts (the --json
# metrics) and findings must equal what lab/status --json says was planted.
set -uo pipefail
TEST_NAME=logs TEST_PORT_BASE=26700
source "$(dirname "$0")/lib.sh"
QT="$QT_BUILD/qtriage"

check "lab/up root" "$LAB/up" root
R=$QT_LAB_DIR/root
J=$("$QT" --json --root "$R" --log-window 7d)
check "--json with the logs collector" test -n "$J"
m() { "$PY" -c 'import json,sys
d = json.load(sys.stdin)
v = [x["value"] for x in d["metrics"] if x["key"] == sys.argv[1]]
print(int(v[0]) if v else "none")' "$1" <<<"$J"; }
f() { "$PY" -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join(x["severity"] for x in d["findings"] if x["id"] == sys.argv[1]) or "none")' "$1" <<<"$J"; }
S='t["fixture"]["qmail_send_log"]'
M='t["fixture"]["maillog_fixture"]["counts"]'

# --- qmail-send's log: counts per category ---
check_eq "double bounces = the truth's" "$(truth "$S['double_bounces']")" "$(m double_bounces)"
check_eq "triple bounces = the truth's" "$(truth "$S['triple_bounces']")" "$(m triple_bounces)"
check_eq "bounces = the truth's" "$(truth "$S['bounces']")" "$(m bounces)"
check_eq "deferrals of qmail-send = the truth's" "$(truth "$S['delivery_deferral']")" "$(m deferrals.qmail-send)"
check_eq "no_mailbox lines = the truth's failures" "$(truth "$S['failure_no_mailbox']")" "$(m log_lines.no_mailbox)"
check_eq "helo_rejected lines = the truth's name-rejected deferrals" "$(truth "$S['deferral_name_rejected']")" \
    "$(m log_lines.helo_rejected)"
check_eq "connection_died lines = the truth's" "$(truth "$S['deferral_connection_died']")" "$(m log_lines.connection_died)"
# domain_not_found: the sender's domain refused remotely, no host for the
# recipient's, and the double bounce's <#@[]> refused as a sender
check_eq "domain_not_found = sender domain not found + no host + <#@[]> rejected" \
    "$(truth "$S['deferral_sender_domain_not_found'] + $S['failure_no_host'] + $S['failure_double_bounce_rejected']")" \
    "$(m log_lines.domain_not_found)"

# --- the maillog's vchkpw lines: failures per vchkpw service ---
for svc in smtp submission 0; do
    check_eq "auth_failures.$svc = the truth's vchkpw-$svc lines" \
        "$(truth "sum(n for k, n in $M.items() if k.split('|')[0] == 'vchkpw-$svc')")" "$(m auth_failures.$svc)"
done

# --- findings: the truth's log.* findings, medium = WARN, low = INFO ---
for pair in double_bounces:double_bounces triple_bounces:triple_bounces no_mailbox:no_mailbox \
    helo_rejected:helo_rejected connection_died:connection_died; do
    tid=log.${pair%%:*} qid=logs.${pair#*:}
    want=$(truth "' '.join({'medium': 'WARN', 'low': 'INFO', 'high': 'CRIT'}[x['severity']] for x in t['findings'] if x['id'] == '$tid') or 'none'")
    check_eq "finding $qid: the truth's $tid severity" "$want" "$(f "$qid")"
done
check_eq "the Logs pane is in the report" 1 "$("$PY" -c 'import json,sys
print(sum(p["name"] == "Logs" for p in json.load(sys.stdin)["panes"]))' <<<"$J")"

# --- the report's logs object (format 5) says the same as the lab's truth ---
lg() { "$PY" -c 'import json,sys
l = json.load(sys.stdin)["logs"]
print(eval(sys.argv[1], {"l": l}))' "$1" <<<"$J"; }
check_eq "logs.bounces.bounces = the truth's" "$(truth "$S['bounces']")" "$(lg 'l["bounces"]["bounces"]')"
check_eq "logs.bounces.double_bounces = the truth's" "$(truth "$S['double_bounces']")" "$(lg 'l["bounces"]["double_bounces"]')"
check_eq "logs.deferrals_per_source.qmail-send = the truth's" "$(truth "$S['delivery_deferral']")" \
    "$(lg 'l["deferrals_per_source"].get("qmail-send", 0)')"
check_eq "logs.categories.no_mailbox = the truth's failures" "$(truth "$S['failure_no_mailbox']")" \
    "$(lg 'l["categories"]["no_mailbox"]')"
for svc in smtp submission 0; do
    check_eq "logs.auth_per_service $svc failures = the truth's vchkpw-$svc lines" \
        "$(truth "sum(n for k, n in $M.items() if k.split('|')[0] == 'vchkpw-$svc')")" \
        "$(lg "sum(x['failures'] for x in l['auth_per_service'] if x['service'] == '$svc')")"
done
check_eq "logs: every source read (state ok or a journal not read)" "" \
    "$(lg '" ".join(s["name"] for s in l["sources"] if s["state"] not in ("ok", "not read"))')"
finish

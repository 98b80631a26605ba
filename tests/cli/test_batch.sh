#!/bin/bash
# Headless mode: plain text without escape codes, every pane and the
# findings, several samples, and a failed collector shown as STALE.
set -u
QT=${QT_BIN:?}
. "$(dirname "$0")/../lib/check.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$QT" --once > "$tmp/once" 2> "$tmp/err"; rc=$?
check "--once exits 0" test $rc -eq 0
check "--once prints every pane" bash -c "grep -q '== Services' '$tmp/once' && grep -q '== Remote IPs' '$tmp/once' && grep -q '== Servers' '$tmp/once' && grep -q '== Zombies' '$tmp/once' && grep -q '== Findings' '$tmp/once'"
check "--once prints the findings section" grep -q "== All findings, worst first ==" "$tmp/once"
check "no escape codes" bash -c "! grep -q $'\x1b' '$tmp/once'"
check "nothing on stderr" test ! -s "$tmp/err"

# incidents first (docs/incidents.md): after the header, before every pane
check "--once starts with the incidents" bash -c "sed -n '/^== /{p;q}' '$tmp/once' | grep -qx '== Incidents =='"
fx=$(cd "$(dirname "$0")/../fixtures" && pwd)
# the fixture's services judged under the root (tests/lib/procfix.sh)
. "$(dirname "$0")/../lib/procfix.sh"
qt_procfix_place "$fx/procfs-zombies" "$tmp/proc" "$tmp/root"
"$QT" --once --root "$tmp/root" --proc "$tmp/proc" --ports smtps=24465 > "$tmp/inc"
incs=$(sed -n '/^== Incidents ==$/,/^$/p' "$tmp/inc")
check_match "zombies of a mail parent: one incident per parent program, SEV KIND SERVICE IMPACT" \
    "WARN zombies +tcpserver +\\(pid 330, service qmail-smtpd\\): 4 zombie children \\(qmail-smtpd x3, vchkpw\\) not reaped; oldest " "$incs"
check_match "a live front end that drops every client: service-down, CRIT, first" \
    "^== Incidents ==.CRIT service-down tcpserver:25 +tcpserver drops every connection" "$(tr '\n' '.' <<<"$incs")"
"$QT" --json --root "$tmp/root" --proc "$tmp/proc" --ports smtps=24465 > "$tmp/inc.json"
check "--json: format 4 with the incidents array (id, kind, service, severity, since, impact, fix, finding_ids)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
i = {x["id"]: x for x in d["incidents"]}
z = i["zombies:tcpserver"]
assert d["format_version"] == 5
assert (z["kind"], z["service"], z["severity"], z["finding_ids"]) == ("zombies", "tcpserver", "WARN", ["zombies.parent:330", "zombies.parent:342"]), z
assert z["fix"] == "kill -CHLD 330    # harmless nudge: a parent that only missed the signal reaps now", z["fix"]
assert z["since"] > 0 and z["impact"].startswith("tcpserver (pid 330")
assert [x["severity"] for x in d["incidents"]] == sorted([x["severity"] for x in d["incidents"]], key="CRIT WARN INFO".split().index)
' "$tmp/inc.json"
"$QT" --load "$tmp/inc.json" --once > "$tmp/inc-loaded"
sed -n '/^== Incidents ==$/,/^$/p' "$tmp/inc-loaded" > "$tmp/inc-loaded.i"
check "--load of a format-3 report shows its incidents" diff "$tmp/inc-loaded.i" <(printf '%s\n\n' "$incs")
"$QT" --load "$fx/reports/v2-zombies.json" --once > "$tmp/v2" 2>&1; rc=$?
check "--load of a format-2 report (saved before incidents) works: no incidents, its findings" \
    bash -c "test $rc -eq 0 && grep -A1 -x '== Incidents ==' '$tmp/v2' | grep -qx '(none)' && grep -q 'rules file /etc/tcp.smtp.cdb does not exist' '$tmp/v2'"

"$QT" --batch --count 3 --interval 0.2 > "$tmp/batch"
check "--batch --count 3 takes 3 samples" test "$(grep -c '^qtriage .* sample ' "$tmp/batch")" -eq 3
check "samples are numbered 1..3" grep -q "sample 3 at" "$tmp/batch"

"$QT" --once --proc "$tmp/no-such-proc" > "$tmp/stale"; rc=$?
check "a failed collector is not fatal" test $rc -eq 0
check "a failed collector is shown as STALE with its reason" grep -q "STALE: procs collector failed: cannot read $tmp/no-such-proc" "$tmp/stale"
check "no incident: (none)" bash -c "grep -A1 -x '== Incidents ==' '$tmp/stale' | grep -qx '(none)'"

"$QT" --once --ports 'bad port' > /dev/null 2> "$tmp/e2"; rc=$?
check "bad --ports exits 2" test $rc -eq 2
check "bad --ports names the option" grep -q -- "--ports 'bad port'" "$tmp/e2"
"$QT" < /dev/null > /dev/null 2> "$tmp/e3"; rc=$?
check "the console without a terminal says so" bash -c "test $rc -eq 1 && grep -q 'needs a terminal' '$tmp/e3'"

# issue 12: --prometheus - writes the metrics on standard output, not a file named -
(cd "$tmp" && "$QT" --prometheus - > "$tmp/prom" 2> "$tmp/prom.err"); rc=$?
check "--prometheus - exits 0" test $rc -eq 0
check "--prometheus - prints the metrics on stdout" grep -q '^# TYPE qtriage_processes gauge' "$tmp/prom"
check "--prometheus - writes no file named -" test ! -e "$tmp/-"
"$QT" --prometheus - --json > /dev/null 2> "$tmp/e4"; rc=$?
check "--prometheus - with --json: both on stdout, refused" bash -c "test $rc -eq 2 && grep -q 'both write to standard output' '$tmp/e4'"

# numbers are decimal only; --dns-server is an address; one line, exit 2
for a in "--interval 0x10" "--interval 1e3" "--interval inf" "--interval nan" "--interval +5" "--count 0x10" \
         "--limit 1e3" "--timeout 0x1" "--dns-server 999.1.1.1" "--dns-server 127.0.0.1:99999" \
         "--dns-server 127.0.0.1:0" "--dns-server resolver.example" "--ports smtp=0x1d1"; do
    # shellcheck disable=SC2086
    "$QT" --once $a > /dev/null 2> "$tmp/e5"; rc=$?
    check "$a: exit 2, one line naming the option" bash -c "test $rc -eq 2 && test \$(wc -l < '$tmp/e5') -eq 1 && grep -q -- '${a%% *} ' '$tmp/e5'"
done
"$QT" --once --interval " 5" > /dev/null 2>&1; rc=$?
check "--interval ' 5': exit 2" test $rc -eq 2
"$QT" --check --interval 0x10 > "$tmp/chk"; rc=$?
check "--check with a hex number: UNKNOWN (3) on its one line" bash -c "test $rc -eq 3 && grep -q '^QTRIAGE UNKNOWN - --interval' '$tmp/chk'"

# a --load file name holding an escape sequence is shown escaped, never raw
esc=$'\e'
"$QT" --json > "$tmp/r.json"
cp "$tmp/r.json" "$tmp/x${esc}[31mred.json"
"$QT" --load "$tmp/x${esc}[31mred.json" --once > "$tmp/l1" 2>&1
check "--load --once: LOADED line names the file escaped" bash -c "head -1 '$tmp/l1' | grep -qF 'LOADED $tmp/x\\x1b[31mred.json:'"
check "--load --once: no raw ESC" bash -c "! grep -q \$'\\x1b' '$tmp/l1'"
"$QT" --load "$tmp/no${esc}[2Jsuch.json" > /dev/null 2> "$tmp/l2"; rc=$?
check "--load of a missing file: exit 2, name escaped" bash -c "test $rc -eq 2 && grep -qF 'no\\x1b[2Jsuch.json' '$tmp/l2' && ! grep -q \$'\\x1b' '$tmp/l2'"

check_done

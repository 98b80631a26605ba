#!/bin/bash
# Incidents against the lab's truth (docs/incidents.md, lab/lib/truth.py
# "incidents"): with every scenario staged, qtriage --json's incidents are
# the truth's (kind, service, severity), worst first, one per staged
# problem, and no CRIT finding is outside an incident. Then the console at
# 80x24: the first screen names every incident, and each incident's fix is
# three keys away (i, its number, Enter) and readable whole in the pager.
TEST_NAME=incident-model
TEST_PORT_BASE=${TEST_PORT_BASE:-34000}
. "$(dirname "$0")/lib.sh"
QT="$QT_BUILD/qtriage"
. "$(dirname "$0")/../ui/lib.sh"

"$LAB/up" >/dev/null || { not_ok "lab up"; finish; }
mapfile -t ARGS < <("$LAB/status" --json | "$PY" -c 'import json,sys; print("\n".join(json.load(sys.stdin)["qtriage_args"]))')
T=$QT_LAB_DIR/t.json; J=$QT_LAB_DIR/q.json
CMP='
import json, sys
t, q = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
key = lambda i: (i["kind"], i["service"], i["severity"])
sys.exit(0 if [key(i) for i in t["incidents"]] == [key(i) for i in q["incidents"]] else 1)'
# a stall counts once it is 30 s old (QT_PORTS_HANDSHAKE_OLD), zombies once
# they exist: wait (bounded) until the incidents settle
for i in $(seq 1 45); do
    "$LAB/status" --json > "$T"; "$QT" --json "${ARGS[@]}" > "$J"
    "$PY" -c "$CMP" "$T" "$J" && break
    sleep 2
done
CHECKS='
import json, sys
t, q = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
key = lambda i: (i["kind"], i["service"], i["severity"])
want, got = [key(i) for i in t["incidents"]], [key(i) for i in q["incidents"]]
def out(ok, name):
    print("ok" if ok else "fail", name)
out(len(want) >= 4, "the truth expects the staged incidents (%d): %s" % (len(want), want))
for n, i in enumerate(t["incidents"]):
    out(n < len(got) and got[n] == key(i), "scenario %s: incident %d is %s %s %s (got %s)" % (
        ",".join(i["scenarios"]), n + 1, i["severity"], i["kind"], i["service"], got[n] if n < len(got) else None))
out(want == got, "--json incidents = truth, worst first, nothing more (got %s)" % got)
ids = {f for i in q["incidents"] for f in i["finding_ids"]}
outside = [f["id"] for f in q["findings"] if f["severity"] == "CRIT" and f["id"] not in ids]
out(not outside, "no CRIT finding outside an incident %s" % outside)
out(all(i["impact"] and i["fix"] and i["since"] > 0 for i in q["incidents"]), "every incident has an impact, a fix and a first-seen time")
'
while read -r res name; do
    if [ "$res" = ok ]; then ok "$name"; else not_ok "$name"; fi
done < <("$PY" -c "$CHECKS" "$T" "$J")

# --- the console at 80x24 ---
ui_start 80 24 "$QT --interval 1 ${ARGS[*]}"
mapfile -t LINES < <("$PY" -c '
import json, sys
for i in json.load(open(sys.argv[1]))["incidents"]:
    print("%s\t%s\t%s\t%s" % (i["severity"], i["kind"], i["service"], i["fix"]))' "$J")
check "the first screen shows the strip" ui_wait_for "${LINES[0]%%	*}" 10
for n in "${!LINES[@]}"; do
    IFS=$'\t' read -r sev kind svc fix <<<"${LINES[$n]}"
    check "first screen names incident $((n + 1)): $sev $kind $svc" has_re "^$sev +$kind +$svc "
done
for n in "${!LINES[@]}"; do
    IFS=$'\t' read -r sev kind svc fix <<<"${LINES[$n]}"
    ui_keys i; ui_keys $((n + 1)); ui_keys Enter          # three keys
    check "i $((n + 1)) Enter opens $sev $kind $svc" has "$sev $kind $svc" "evidence:"
    ui_keys /; ui_keys -l "${fix:0:24}"; ui_keys Enter    # the pager's search puts the fix on top
    last=${fix##* }
    check "... its fix is there whole: '${fix:0:40}' ... '$last'" has "${fix:0:40}" "$last"
    ui_keys q; ui_keys Escape
done
ui_keys Q
$TM kill-server 2>/dev/null || true
finish

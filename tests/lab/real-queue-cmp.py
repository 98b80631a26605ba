"""tests/lab/test-real-queue.sh's comparison: qmail-qstat's and qmail-qread's
output (notqmail's qmail-qstat.sh and qmail-qread.c formats) against
qtriage --json on the same queue. Prints "what|truth|qtriage" per check."""
import collections
import json
import re
import sys

qstat, qread, qj, qdir = sys.argv[1:5]
st = dict(l.rsplit(":", 1) for l in open(qstat).read().splitlines())
st = {k: int(v) for k, v in st.items()}
senders, local, remote, msgs = collections.Counter(), 0, 0, 0
for line in open(qread, errors="replace").read().splitlines():
    m = re.match(r".* GMT  #\d+  \d+  <(.*)> ", line)
    if m:
        msgs += 1
        s = m.group(1)
        # qmail-qread's "<>" is the pane's "<>"; a double bounce is "#@[]" in both
        senders[s or "<>"] += 1
    elif line.startswith("\tremote\t"):
        remote += 1
    elif line.startswith("\tlocal\t"):
        local += 1
t = json.load(open(qj))
met = {m["key"]: m["value"] for m in t["metrics"]}
pane = [p for p in t["panes"] if p["name"] == "Queue"][0]["view"]
cols = [c["title"] for c in pane["main"]["columns"]]
qs = collections.Counter()
for r in pane["main"]["rows"]:
    c = [x["text"] for x in r["cells"]]
    if c[cols.index("KIND")] == "sender":
        qs[c[cols.index("NAME")]] += int(c[cols.index("MSGS")])
head = " ".join(" ".join(x["text"] for x in r["cells"]) for r in pane["head"]["rows"])


def row(what, truth, qt):
    print("%s|%s|%s" % (what, truth, qt))


row("messages in queue: qmail-qstat = --json queue_messages", st["messages in queue"], int(met["queue_messages"]))
row("not yet preprocessed: qmail-qstat = --json queue_unpreprocessed",
    st["messages in queue but not yet preprocessed"], int(met["queue_unpreprocessed"]))
row("the pane's summary gives qmail-qstat's first line", "%d messages in queue" % st["messages in queue"],
    re.search(r"\d+ messages in queue", head).group(0))
row("messages listed: qmail-qread = the pane's sender counts summed", msgs, sum(qs.values()))
row("per sender: qmail-qread = the pane's table", sorted(senders.items()), sorted(qs.items()))
row("pending remote recipients: qmail-qread = --json", remote, int(met["queue_remote_recipients"]))
row("pending local recipients: qmail-qread = --json", local, int(met["queue_local_recipients"]))
row("bounces: qmail-qread's <> = --json queue_bounces", senders["<>"], int(met["queue_bounces"]))
row("double bounces: qmail-qread's <#@[]> = --json queue_double_bounces", senders["#@[]"],
    int(met["queue_double_bounces"]))
row("bounces and double bounces queued: qmail-qread", "2 1", "%d %d" % (senders["<>"], senders["#@[]"]))
row("the flood sender: qmail-qread", 20, senders["flood@realstack.test"])
# the cell is capped in width: "DIR (split 23)" may lose its tail, never its start
dirtext = [r for r in pane["head"]["rows"] if r["id"] == "dir"][0]["cells"][1]["text"]
row("the queue directory follows --qmail-dir", qdir, dirtext[:len(qdir)])

"""Real exports validate against docs/report.schema.json (JSON Schema 2020-12,
Debian python3-jsonschema): a live --json, the files of --report DIR, a
report re-exported from --load, and the unit tests' hostile fixture. The
schema is not vacuous: broken documents fail it."""
import copy
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    raise SystemExit(77)

from qtlib import FIXTURE, SRCDIR, check, done, rmtree, run, tmpdir

with open(os.path.join(SRCDIR, "docs", "report.schema.json")) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


def valid(doc, what):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:5]:
        print("   schema: %s at %s" % (e.message[:200], "/".join(str(p) for p in e.path)))
    check(not errors, what)


# a live sample
rc, out, err = run(["--json"])
check(rc == 0 and err == "", "--json exits 0 quietly")
live = json.loads(out)
valid(live, "live --json validates")

# the files of --report DIR
d = tmpdir("schema")
rc, out, err = run(["--report", d + "/"])
files = sorted(glob.glob(d + "/qtriage-*.json"))
check(rc == 0 and len(files) == 1, "--report DIR wrote one JSON file")
with open(files[0]) as f:
    valid(json.load(f), "--report DIR's JSON validates")

# re-exported from a loaded report
rc, out, err = run(["--load", files[0], "--json"])
check(rc == 0, "--load F --json exits 0")
re = json.loads(out)
valid(re, "re-exported report validates")
with open(files[0]) as f:
    orig = json.load(f)
for doc in (orig, re):
    doc.pop("exported")
check(orig == re, "re-export of a loaded report is the same document (but for the export time)")

# the hostile fixture: escaped bytes, hex ids, drill-downs cut at depth 3 and at 200 rows
import subprocess
fx = json.loads(subprocess.run(["timeout", "30", FIXTURE], capture_output=True, text=True, check=True).stdout)
valid(fx, "fixture export validates")
ids_hex = [r for r in fx["panes"][0]["view"]["main"]["rows"] if "id_hex" in r]
check(len(ids_hex) == 1 and ids_hex[0]["id_hex"] == "72fffe2d6e6f742d75746638", "non-UTF-8 row id written as id_hex")
check('"drills_cut": true' in json.dumps(fx), "fixture records cut drill-downs")

# the schema rejects what the loader rejects
bad = copy.deepcopy(fx)
bad["format_version"] = 6
check(not validator.is_valid(bad), "schema rejects format_version 6")
bad = copy.deepcopy(fx)
bad["panes"][0]["view"]["main"]["rows"][0]["cells"][0]["text"] = "esc \x1b[2J"
check(not validator.is_valid(bad), "schema rejects a control character in a cell")
bad = copy.deepcopy(fx)
del bad["findings"][0]["fix"]
check(not validator.is_valid(bad), "schema rejects a finding without fix")
bad = copy.deepcopy(fx)
bad["panes"][0]["view"]["main"]["rows"][0]["cells"][0]["role"] = "blink"
check(not validator.is_valid(bad), "schema rejects an unknown role")

# format 5: the logs object, from a root with a maillog
import time
lr = tmpdir("schema-logs")
os.makedirs(lr + "/var/log")
with open(lr + "/var/log/maillog", "w") as f:
    stamp = time.strftime("%b %e %H:%M:%S", time.localtime(time.time() - 60))
    for _ in range(3):
        f.write(stamp + " mx vpopmail[1]: vchkpw-smtp: password fail dave@example.test:198.51.100.23\n")
rc, out, err = run(["--root", lr, "--proc", "/nonexistent-proc", "--no-probe", "--json"])
lg = json.loads(out)
valid(lg, "--json with a maillog validates (the logs object)")
logs = lg["logs"]
check(logs["categories"]["auth_fail"] == 3, "logs: 3 auth_fail in the window")
check(any(s["name"] == "maillog" and s["state"] == "ok" and s["kind"] == "syslog" for s in logs["sources"]),
      "logs: the maillog source, state ok")
check(logs["auth_per_service"] == [{"service": "smtp", "failures": 3, "successes": 0}], "logs: auth failures per service")
check(logs["ips"]["top"][0]["key"] == "198.51.100.23" and logs["ips"]["top"][0]["auth_failures"] == 3,
      "logs: the top IP with its failures")
check(logs["ips"]["others"]["key"] == "others", "logs: the others entry")
bad = copy.deepcopy(lg)
bad["logs"]["sources"][0]["state"] = "fine"
check(not validator.is_valid(bad), "schema rejects an unknown source state")
with open(os.path.join(SRCDIR, "tests", "fixtures", "reports", "v4-logs.json")) as f:
    valid(json.load(f), "the saved format-4 report validates")
rmtree(lr)

rmtree(d)
sys.exit(done())

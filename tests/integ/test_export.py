"""--report / --json / --load on the real binary: file names and modes, the
Markdown holding every finding, loading back (and refusing bad files with
exit 2), symlinks and read-only directories refused with a message, and no
password placed in a process's argv or environment ever reaching a report."""
import glob
import json
import os
import re
import stat
import subprocess
import sys

from qtlib import QTRIAGE, Proc, check, done, rmtree, run, tmpdir

SECRET = "Zq9IntegSecretPw"
d = tmpdir("export")

# --- a fixture process holding the secret in argv and environ, and qtriage's own env too
env = dict(os.environ, QT_FIXTURE_PASSWORD=SECRET, MYSQL_PWD=SECRET)
holder = Proc(["/bin/sh", "-c", "sleep 60", "qt-secret-holder", "--auth-password", SECRET,
               "password=" + SECRET], env=env)

# --- --report DIR: both files, timestamped, 0600
rc, out, err = run(["--report", d], env=env)
check(rc == 0, "--report DIR exits 0")
md = glob.glob(d + "/qtriage-*.md")
js = glob.glob(d + "/qtriage-*.json")
check(len(md) == 1 and len(js) == 1, "--report DIR wrote one .md and one .json")
name_re = re.compile(r"/qtriage-[A-Za-z0-9._-]+-\d{8}-\d{6}\.(md|json)$")
check(all(name_re.search(p) for p in md + js), "names are qtriage-HOST-YYYYmmdd-HHMMSS.{md,json}")
check(all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in md + js), "both files are mode 0600")
check(err.startswith("qtriage: wrote " + d) and err.endswith(".{md,json}\n"), "the path written is said: " + err.strip())
check(not [f for f in os.listdir(d) if f.endswith(".tmp")], "no temporary file left")

# --- the Markdown holds every finding of the JSON, worst first
with open(js[0]) as f:
    doc = json.load(f)
with open(md[0]) as f:
    mdtext = f.read()
check(mdtext.startswith("# qtriage report: "), "Markdown starts with its title")
for i, fd in enumerate(doc["findings"]):
    check("### %d. %s: " % (i + 1, fd["severity"]) in mdtext, "Markdown has finding %d (%s)" % (i + 1, fd["id"]))
for p in doc["panes"]:
    check("### " in mdtext and p["name"] in mdtext, "Markdown has pane " + p["name"])

# --- no secret anywhere (reports never read environ; argv shown by a pane is redacted)
for p in md + js:
    with open(p, errors="replace") as f:
        check(SECRET not in f.read(), "secret absent from " + os.path.basename(p))
rc, out, err = run(["--json"], env=env)
check(rc == 0 and SECRET not in out and SECRET not in err, "secret absent from --json")
rc, out, err = run(["--report", "-"], env=env)
check(rc == 0 and SECRET not in out, "secret absent from --report -")
check(out.startswith("# qtriage report: "), "--report - prints Markdown")
holder.stop()

# --- explicit files
rc, out, err = run(["--report", d + "/one.json"])
check(rc == 0 and stat.S_IMODE(os.stat(d + "/one.json").st_mode) == 0o600, "--report FILE.json, 0600")
rc, out, err = run(["--report", d + "/one.json"])
check(rc == 0, "--report FILE.json replaces a regular file")
rc, out, err = run(["--report", d + "/one.md"])
with open(d + "/one.md") as f:
    check(rc == 0 and f.read().startswith("# qtriage report"), "--report FILE.md writes Markdown")
os.symlink(d + "/victim", d + "/link.md")
rc, out, err = run(["--report", d + "/link.md"])
check(rc == 1 and "symbolic link" in err and not os.path.exists(d + "/victim"),
      "symlink at the target refused: " + err.strip())
rc, out, err = run(["--report", d + "/x.txt"])
check(rc == 2 and "--report" in err and err.count("\n") == 1, "--report with an unknown kind: usage error")
rc, out, err = run(["--json", "--report", "-"])
check(rc == 2, "--json and --report - conflict")

# --- read-only directory: a message, exit 1 (a private mount namespace, root only)
if os.geteuid() == 0 and subprocess.run(["unshare", "-m", "true"]).returncode == 0:
    ro = d + "/ro"
    os.mkdir(ro)
    p = subprocess.run(["timeout", "30", "unshare", "-m", "--propagation", "private", "sh", "-c",
                        'mount -t tmpfs -o ro,size=64k tmpfs "$1" && exec "$2" --report "$1"',
                        "sh", ro, QTRIAGE], capture_output=True, text=True)
    check(p.returncode == 1 and "Read-only file system" in p.stderr and p.stderr.count("\n") == 1,
          "read-only directory: one line, exit 1: " + p.stderr.strip())
    full = d + "/full"
    os.mkdir(full)
    p = subprocess.run(["timeout", "30", "unshare", "-m", "--propagation", "private", "sh", "-c",
                        'mount -t tmpfs -o size=4k tmpfs "$1" && "$2" --report "$1"; rc=$?; ls -A "$1"; exit $rc',
                        "sh", full, QTRIAGE], capture_output=True, text=True)
    check(p.returncode == 1 and "No space left on device" in p.stderr and p.stdout == "",
          "full file system: message, exit 1, nothing left: " + p.stderr.strip())
else:
    print("skip read-only/full file system checks (needs root and unshare)")

# --- --load: the saved report prints like a live sample, bad files exit 2
rc, out, err = run(["--load", js[0], "--once"])
lines = out.split("\n")
check(rc == 0 and lines[0].startswith("LOADED " + js[0] + ": report written by qtriage "), "--load F --once: LOADED line")
check(lines[1].startswith("qtriage ") and " host %s " % doc["host"] in lines[1], "then the live-sample header")
check("== All findings, worst first ==" in out, "and all findings")
rc, out, err = run(["--load", js[0], "--report", d + "/again.md"])
check(rc == 0 and os.path.exists(d + "/again.md"), "a loaded report converts to Markdown")

with open(js[0]) as f:
    text = f.read()
cases = {
    "truncated": (text[: len(text) // 2], "truncated"),
    "future": (re.sub(r'"format_version":[0-9]+', '"format_version":7', text, 1), "newer than this qtriage"),
    "garbage": ("\x00\x01binary", "malformed JSON"),
    "hostile": (text.replace('"host":"', '"host":"\\u001b]0;pwned\\u0007', 1), "control character"),
    "notours": ('{"hello": "world"}', "not a qtriage report"),
}
for name, (content, want) in cases.items():
    p = d + "/bad-" + name + ".json"
    with open(p, "w") as f:
        f.write(content)
    rc, out, err = run(["--load", p, "--once"])
    check(rc == 2 and out == "" and err.count("\n") == 1 and want in err and err.startswith("qtriage: --load " + p + ": "),
          "--load %s: exit 2, one line: %s" % (name, err.strip()))
rc, out, err = run(["--load", d + "/missing.json", "--once"])
check(rc == 2 and "No such file" in err, "--load of a missing file: exit 2")

rmtree(d)
sys.exit(done())

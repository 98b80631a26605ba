"""--prometheus FILE: promtool accepts the text, and a real
prometheus-node-exporter (textfile collector, 127.0.0.1 high port, started
and stopped by pid here) serves qtriage's metrics, also after a rewrite
with a failed collector."""
import os
import re
import stat
import subprocess
import sys
import time

from qtlib import Proc, check, done, free_port, require, rmtree, run, tmpdir, wait_listen

require("promtool", "prometheus-node-exporter", "curl")

d = tmpdir("prom")
tf = d + "/textfile"
os.mkdir(tf)
prom = tf + "/qtriage.prom"

rc, out, err = run(["--prometheus", prom])
check(rc == 0 and out == "" and err == "", "--prometheus exits 0 quietly")
check(stat.S_IMODE(os.stat(prom).st_mode) == 0o644, "file mode 0644 (node_exporter reads it)")
check(os.listdir(tf) == ["qtriage.prom"], "no temporary file left")
with open(prom) as f:
    text = f.read()
p = subprocess.run(["timeout", "30", "promtool", "check", "metrics"], input=text, capture_output=True, text=True)
check(p.returncode == 0 and p.stdout == "" and p.stderr == "", "promtool check metrics: clean (%s)" % (p.stdout + p.stderr).strip())
for want in ('qtriage_findings{severity="crit"} ', 'qtriage_collector_up{collector="procs"} 1',
             "qtriage_sample_timestamp_seconds ", "# TYPE qtriage_findings gauge", "qtriage_processes "):
    check(want in text, "has " + want.strip())
# labels name a service or a parent program, never a pid (a restart would start a new series)
check(not re.search(r'="[^"]*@\d+"', text), "no pid in any label value: %s" %
      [l for l in text.splitlines() if "@" in l][:5])
check(not any(l for l in text.splitlines() if l and not l.startswith("#") and len(l.split()) != 2),
      "no sample timestamps (the textfile collector rejects them)")

port = free_port()
ne = Proc(["prometheus-node-exporter", "--web.listen-address=127.0.0.1:%d" % port,
           "--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=" + tf],
          limit=90, stdout=subprocess.DEVNULL, stderr=open(d + "/node_exporter.log", "w"))
try:
    check(wait_listen(port, 15), "node_exporter listens on 127.0.0.1:%d" % port)

    def scrape():
        r = subprocess.run(["timeout", "10", "curl", "-sS", "--noproxy", "*", "http://127.0.0.1:%d/metrics" % port],
                           capture_output=True, text=True)
        return r.stdout

    m = scrape()
    check('qtriage_collector_up{collector="procs"} 1' in m, "node_exporter serves qtriage_collector_up")
    check('qtriage_findings{severity="warn"}' in m and "qtriage_processes " in m, "node_exporter serves the gauges")
    check('node_textfile_scrape_error 0' in m, "node_exporter read the file without error")

    # a failed collector: the file is replaced atomically, the scrape shows it
    time.sleep(1.1)
    rc, out, err = run(["--prometheus", prom, "--proc", d + "/no-such-proc"])
    check(rc == 0, "--prometheus with a failed collector still writes")
    m = scrape()
    check('qtriage_collector_up{collector="procs"} 0' in m, "node_exporter serves collector_up 0 after the rewrite")
    check("qtriage_processes " not in m, "no zero stands in for the failed collector's metric")
finally:
    ne.stop()

# a symlink at the target is refused; an unwritable directory is an error
os.symlink(d + "/elsewhere", d + "/link.prom")
rc, out, err = run(["--prometheus", d + "/link.prom"])
check(rc == 1 and "symbolic link" in err and not os.path.exists(d + "/elsewhere"), "symlink refused: " + err.strip())
rc, out, err = run(["--prometheus", d + "/missing/q.prom"])
check(rc == 1 and "No such file or directory" in err, "missing directory: " + err.strip())
rmtree(d)
sys.exit(done())

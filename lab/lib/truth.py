#!/usr/bin/python3
"""The lab's truth: what runs, where, and what qtriage is expected to find.

    truth.py [--json]          text (default) or the JSON contract
    truth.py --count-zombies   number of zombies whose parent is a lab zombie-maker

Reads lab/plan/*.tsv (the plan shared with the start scripts), the state
under $QT_LAB_DIR (recorded process groups, the fixture's truth file) and
/proc (pids, start times). The JSON schema is documented in lab/README.md;
"schema" names its version.
"""
import json
import os
import signal
import sys
import time

from truth_real import real_truth

SCHEMA = "qtriage-lab-truth/1"
LAB_SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLAN = os.path.join(LAB_SRC, "plan")
LAB_DIR = os.environ.get("QT_LAB_DIR", "/tmp/qtriage-lab")
ROOT = os.path.join(LAB_DIR, "root")
PIDS = os.path.join(LAB_DIR, "pids")
STATE = os.path.join(LAB_DIR, "state")
SCENARIOS = ["root", "dns", "smtp", "smtps-nodeadline", "smtps-deadline", "imaps",
             "pop3s", "submission", "zombies", "loris", "healthy", "real"]
HEALTHY = os.path.join(LAB_DIR, "healthy")
TCPSERVER_BACKLOG = 20   # tcpserver's default -b; the kernel queues backlog+1
CLK_TCK = os.sysconf("SC_CLK_TCK")


def plan(name):
    rows = []
    with open(os.path.join(PLAN, name)) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


def read(path, default=None):
    # errors="replace": any process on the machine may have a comm (in
    # /proc/PID/stat) that is not UTF-8
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def kv(path):
    out = {}
    for line in (read(path, "") or "").splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


# --- /proc ----------------------------------------------------------------------
def proc_stat(pid):
    s = read("/proc/%d/stat" % pid)
    if not s:
        return None
    lp, rp = s.index("("), s.rindex(")")
    rest = s[rp + 2:].split()
    return {"pid": pid, "comm": s[lp + 1:rp], "state": rest[0], "ppid": int(rest[1]),
            "pgid": int(rest[2]), "starttime": int(rest[19])}


def proc_environ_has(pid, prefix):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
    except OSError:
        return None
    for e in env:
        if e.startswith(prefix.encode()):
            return e.decode(errors="replace")
    return None


def proc_cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0")[:-1]]
    except OSError:
        return []


def all_procs():
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st:
                out.append(st)
    return out


def proc_age(st):
    """Seconds since the process started: /proc/uptime minus its start time
    (both count from boot, proc(5)). btime in /proc/stat is whole seconds,
    so an age from it was up to 1 s too old."""
    up = (read("/proc/uptime", "") or "0").split()[0]
    return float(up) - st["starttime"] / CLK_TCK


# --- scenario state ---------------------------------------------------------------
def groups_of(scen, procs):
    out = []
    d = os.path.join(PIDS, scen)
    if not os.path.isdir(d):
        return out
    for f in sorted(os.listdir(d)):
        if not f.endswith(".pgid"):
            continue
        name = f[:-5]
        try:
            pg = int(read(os.path.join(d, f), "0").strip())
        except ValueError:
            continue
        members = [p for p in procs if p["pgid"] == pg]
        tag = "QT_LAB_TAG=%s|%s|%s" % (LAB_DIR, scen, name)
        ours = any(proc_environ_has(p["pid"], tag) == tag for p in members)
        live = [p for p in members if p["state"] != "Z"]
        out.append({"name": name, "pgid": pg, "processes": len(members),
                    "alive": bool(live) and ours})
    return out


def scenario_state(procs):
    res = {}
    for s in SCENARIOS:
        st = kv(os.path.join(STATE, s + ".up"))
        groups = groups_of(s, procs)
        up = bool(st) and all(g["alive"] for g in groups)
        e = {"name": s, "up": up, "groups": groups}
        if st:
            e["started_at"] = int(st.get("started", 0))
            e["expires_at"] = int(st.get("started", 0)) + int(st.get("ttl", 0))
        res[s] = e
    return res


def port_base():
    for s in SCENARIOS:
        st = kv(os.path.join(STATE, s + ".up"))
        if st.get("base"):
            return int(st["base"])
    return int(os.environ.get("QT_LAB_PORT_BASE", "24000"))


# --- zombies ----------------------------------------------------------------------
def zombie_parents(procs):
    """Lab zombie-maker processes: {pid: (stat, cmdline)}."""
    out = {}
    prefix = "QT_LAB_TAG=%s|zombies|" % LAB_DIR
    for p in procs:
        if p["state"] == "Z":
            continue
        if proc_environ_has(p["pid"], "QT_ZM=") and proc_environ_has(p["pid"], prefix):
            out[p["pid"]] = (p, proc_cmdline(p["pid"]))
    return out


def count_zombies():
    procs = all_procs()
    parents = zombie_parents(procs)
    return sum(1 for p in procs if p["state"] == "Z" and p["ppid"] in parents)


# --- the truth ------------------------------------------------------------------
def build():
    procs = all_procs()
    base = port_base()
    scen = scenario_state(procs)
    services_plan = plan("services.tsv")
    loris_plan = plan("loris.tsv")
    zombies_plan = plan("zombies.tsv")
    dns_plan = plan("dns.tsv")
    root_truth = json.loads(read(os.path.join(LAB_DIR, "truth/root.json"), "{}") or "{}")
    findings = []

    def port(name):
        for r in services_plan:
            if r[0] == name:
                return base + int(r[2])
        return None

    # services
    services = []
    svc_by_name = {}
    for name, scenario, off, server, tls, deadline, limit, program in services_plan:
        up = scen[scenario]["up"]
        e = {
            "name": name, "scenario": scenario, "up": up, "port": base + int(off),
            "listen": "127.0.0.1:%d" % (base + int(off)), "server": server, "tls": tls,
            "handshake_deadline_s": None if deadline == "none" else int(deadline),
            "deadline_kind": None, "limit": None if limit == "-" else int(limit),
            "mail_program": None if program == "-" else program,
            "supervised_by": None, "run_script": None, "log": None,
            "expected": {"established": 0, "accept_queue": 0, "children": 0,
                         "by_stage": {}, "by_source": []},
        }
        if server == "tcpserver+stunnel4":
            e["deadline_kind"] = "stunnel TIMEOUTbusy: per read, reset by every byte (not a total handshake deadline)"
            e["log"] = os.path.join(ROOT, "var/log/qmail", name, "current")
            e["stunnel_conf"] = os.path.join(ROOT, "etc/stunnel", "%s.conf" % name)
        if scenario == "healthy":
            healthy_service(e, name, limit)
        if server == "socat":
            e["emulates"] = "SSL-patched tcpserver (Oppermann): blocking SSL_accept, no handshake deadline; per-connection child keeps the parent's cmdline"
        if name == "smtp":
            e["supervised_by"] = "supervise qmail-smtpd"
            e["run_script"] = os.path.join(ROOT, "service/qmail-smtpd/run")
            e["log"] = os.path.join(ROOT, "var/log/qmail/smtpd/current")
            e["status_line_idle"] = "tcpserver: status: 0/%s" % limit
        if server == "aiosmtpd":
            e["auth_mechanisms"] = {"submission": ["PLAIN", "LOGIN"], "submission-plain": ["PLAIN"],
                                    "submission-cram": ["CRAM-MD5"]}[name]
            e["starttls_required"] = True
            e["auth_requires_tls"] = True
        services.append(e)
        svc_by_name[name] = e

    # connections of the loris scenario
    connections = []
    loris_up = scen["loris"]["up"]
    smtp_slots = {}
    for target, mode, ip, count, rec in loris_plan:
        count = int(count)
        svc = svc_by_name[target]
        active = loris_up and svc["up"]
        c = {"service": target, "port": svc["port"], "source_ip": ip, "count": count,
             "mode": mode, "reconnect": rec == "1", "active": active}
        if svc["server"] == "socat":
            c["stages"] = {"tls_handshake_pending": count}
            c["held"] = "until the client closes: no handshake deadline"
        elif svc["server"] == "tcpserver+stunnel4":
            if mode == "drip":
                c["stages"] = {"tls_handshake_pending": count}
                c["held"] = "drip resets stunnel's per-read TIMEOUTbusy: held"
            elif rec == "1":
                c["stages"] = {"tls_handshake_pending": count}
                c["held"] = "each connection is dropped after %ss (TIMEOUTbusy) and reopened by the client: churn, every socket younger than %ss" % (svc["handshake_deadline_s"], svc["handshake_deadline_s"])
            else:
                c["stages"] = {"closed_by_deadline": count}
                c["held"] = "dropped after %ss" % svc["handshake_deadline_s"]
        else:  # plain tcpserver: the first -c are accepted, the rest wait in the kernel
            used = smtp_slots.get(target, 0)
            limit = svc["limit"] or 0
            accepted = max(0, min(count, limit - used))
            queued = max(0, min(count - accepted, TCPSERVER_BACKLOG + 1 - max(0, used - limit)))
            smtp_slots[target] = used + count
            c["stages"] = {k: v for k, v in (("in_mail_program", accepted), ("accept_queue", queued),
                                             ("syn_sent", count - accepted - queued)) if v}
            c["held"] = "qmail-smtpd waits timeoutsmtpd (%s s) per read; tcpserver -c %d" % (
                root_truth.get("control", {}).get("timeoutsmtpd", "1200"), limit)
        connections.append(c)
        if not active:
            continue
        ex = svc["expected"]
        for stage, n in c["stages"].items():
            if stage in ("closed_by_deadline", "syn_sent"):
                continue
            ex["by_stage"][stage] = ex["by_stage"].get(stage, 0) + n
            ex["established"] += n
            if stage == "accept_queue":
                ex["accept_queue"] += n
            else:
                ex["children"] += n
            src = next((s for s in ex["by_source"] if s["ip"] == ip), None)
            if not src:
                src = {"ip": ip, "count": 0, "stages": {}}
                ex["by_source"].append(src)
            src["count"] += n
            src["stages"][stage] = src["stages"].get(stage, 0) + n
    for svc in services:
        ex = svc["expected"]
        if svc["name"] == "smtp" and svc["up"]:
            busy = min(ex["children"], svc["limit"])
            ex["status_line"] = "tcpserver: status: %d/%d" % (busy, svc["limit"])
            ex["at_limit"] = busy >= svc["limit"]

    # findings from live scenarios (the healthy scenario's go to its own block)
    for svc in services:
        if svc["scenario"] == "healthy":
            continue
        ex = svc["expected"]
        pend = ex["by_stage"].get("tls_handshake_pending", 0)
        # docs/severity.md: stalls holding >= 25% of the limit are high (CRIT),
        # fewer medium; no deadline is high only while stalls exist
        stall_sev = "high" if svc.get("limit") and pend >= 0.25 * svc["limit"] else "medium"
        if svc["up"] and svc["server"] == "socat":
            findings.append({"id": "tls.no_handshake_deadline", "severity": "high" if pend else "medium",
                             "service": svc["name"], "port": svc["port"],
                             "evidence": "a client that never sends a ClientHello is held forever"})
        if svc["up"] and svc["server"] == "tcpserver+stunnel4":
            findings.append({"id": "tls.handshake_deadline", "severity": "info",
                             "service": svc["name"], "port": svc["port"],
                             "deadline_s": svc["handshake_deadline_s"],
                             "evidence": "an idle client is dropped after %ss" % svc["handshake_deadline_s"]})
        if pend and svc["server"] == "socat":
            top = max(ex["by_source"], key=lambda s: s["count"])
            findings.append({"id": "tls.handshake_stall", "severity": stall_sev, "service": svc["name"],
                             "port": svc["port"], "count": pend, "top_source": top["ip"],
                             "top_source_count": top["count"]})
        for src in ex["by_source"]:
            if src["count"] >= 20:
                findings.append({"id": "conn.many_from_one_ip", "severity": "high",
                                 "service": svc["name"], "port": svc["port"],
                                 "source_ip": src["ip"], "count": src["count"]})
        if ex.get("at_limit"):
            findings.append({"id": "tcpserver.limit_reached", "severity": "high", "service": svc["name"],
                             "port": svc["port"], "status_line": ex["status_line"],
                             "accept_queue": ex["accept_queue"]})

    # zombies
    zprocs = zombie_parents(procs) if scen["zombies"]["up"] else {}
    zgroups = []
    for group, sup, argv, child, n, g, m, esc in zombies_plan:
        n, g, m = int(n), int(g), int(m)
        e = {"group": group, "up": scen["zombies"]["up"], "parent_args": argv,
             "parent_comm": argv.split()[0], "child_comm": child, "initial": n,
             "grow_every_s": g, "max": m, "escalate": esc == "yes",
             "supervise": None if sup == "-" else sup,
             "service_dir": None if sup == "-" else os.path.join(ROOT, "service-zombies", sup),
             "parent_pid": None, "parent_age_s": None, "expected": 0, "expected_range": [0, 0],
             "observed": 0}
        for pid, (st, cmd) in zprocs.items():
            if " ".join(cmd) == argv:
                age = proc_age(st)
                # the parent counts its own age from a moment after its start
                # (re-exec, first children): allow it half a second
                lo = min(m, n + (int(max(0.0, age - 0.5)) // g if g else 0))
                hi = min(m, n + (int(age + 1.5) // g if g else 0))
                e.update(parent_pid=pid, parent_age_s=round(age, 1), expected=lo,
                         expected_range=[lo, hi],
                         observed=sum(1 for p in procs if p["state"] == "Z" and p["ppid"] == pid))
        zgroups.append(e)
        if e["up"]:
            if e["escalate"]:
                # medium (WARN, docs/severity.md): each unreaped child holds a -c slot
                findings.append({"id": "zombies.mail_parent", "severity": "medium", "group": group,
                                 "parent_comm": e["parent_comm"], "child_comm": child,
                                 "count": e["expected"], "growing": g > 0, "supervise": e["supervise"]})
            else:
                findings.append({"id": "zombies.other_parent", "severity": "info", "group": group,
                                 "parent_comm": e["parent_comm"], "child_comm": child,
                                 "count": e["expected"], "escalate": False})
    zombies = {"groups": zgroups,
               "total_expected": sum(z["expected"] for z in zgroups if z["up"])}

    # DNS
    dns_cases = []
    names_a = {}
    for case, ip, name, aip in dns_plan:
        if name != "-" and aip != "-":
            names_a.setdefault(name, []).append(aip)
    for case, ip, name, aip in dns_plan:
        d = {"case": case, "ip": ip}
        if case == "pass":
            d.update(ptr=name, name=name, a=[aip], fcrdns="pass")
        elif case == "a_only":
            other = next((r[2] for r in dns_plan if r[1] == ip and r[0] in ("pass", "ptr_no_a", "ptr_a_differs")), None)
            d.update(ptr=other, name=name, a=[aip],
                     fcrdns=("fail: the PTR of %s is %s, not %s" % (ip, other, name)) if other
                     else "fail: no PTR for %s" % ip)
        elif case == "ptr_no_a":
            d.update(ptr=name, name=name, a=[], fcrdns="fail: %s has no A record (NXDOMAIN)" % name)
        elif case == "ptr_a_differs":
            d.update(ptr=name, name=name, a=[aip], fcrdns="fail: %s resolves to %s, not %s" % (name, aip, ip))
        else:
            d.update(ptr=None, name=None, a=[], fcrdns="fail: no PTR (NXDOMAIN)")
        dns_cases.append(d)
    dns = {"up": scen["dns"]["up"], "server": "127.0.0.1:%d" % port("dns"),
           "zones": ["lab.test", "example.test", "remote.example", "127.in-addr.arpa"],
           "out_of_zone": "REFUSED (no upstream servers at all)", "cases": dns_cases}
    control = root_truth.get("control", {})
    if dns["up"] and control:
        ptr_pub = next((c["ptr"] for c in dns_cases if c["ip"] == "127.0.0.1" and c["ptr"]), None)
        if ptr_pub and ptr_pub != control.get("helohost"):
            findings.append({"id": "dns.helohost_not_ptr_of_public_ip", "severity": "medium",
                             "public_ip": "127.0.0.1", "ptr": ptr_pub,
                             "helohost": control.get("helohost")})

    # fixture findings
    if root_truth:
        if control.get("helohost") != control.get("me"):
            findings.append({"id": "control.helohost_differs_from_me", "severity": "medium",
                             "me": control.get("me"), "helohost": control.get("helohost")})
        if "@" in control.get("doublebounceto", "") and not control["doublebounceto"].endswith(
                "@" + control.get("me", "")):
            findings.append({"id": "bounce.doublebounceto_remote", "severity": "medium",
                             "doublebounceto": control["doublebounceto"],
                             "evidence": "double bounces leave with MAIL FROM:<#@[]>"})
        for a in root_truth.get("aliases", {}).get("missing", []):
            findings.append({"id": "alias.missing", "severity": "medium", "file": "var/qmail/alias/" + a})
        for fw in root_truth.get("forwards", []):
            findings.append({"id": "forward." + fw["class"],
                             "severity": "medium" if fw["class"] == "breaks_spf" else "info",
                             "user": fw["user"], "file": fw["file"], "lines": fw["lines"]})
        sl = root_truth.get("qmail_send_log", {})
        for key, fid, sev in (("double_bounces", "log.double_bounces", "medium"),
                              ("triple_bounces", "log.triple_bounces", "medium"),
                              ("failure_no_mailbox", "log.no_mailbox", "medium"),
                              ("deferral_name_rejected", "log.helo_rejected", "medium"),
                              ("deferral_sender_domain_not_found", "log.sender_domain_not_found", "medium"),
                              ("deferral_connection_died", "log.connection_died", "low"),
                              ("failure_spf_after_forward", "log.spf_fail_after_forward", "medium")):
            if sl.get(key):
                findings.append({"id": fid, "severity": sev, "count": sl[key], "file": sl.get("path")})
        mf = root_truth.get("maillog_fixture", {})
        agg = {}
        for k, n in mf.get("counts", {}).items():
            svc_name, what, who, ip = k.split("|")
            agg[(svc_name, what, who, ip)] = agg.get((svc_name, what, who, ip), 0) + n
        for (svc_name, what, who, ip), n in sorted(agg.items()):
            findings.append({"id": "auth.vchkpw_log", "severity": "medium" if n >= 3 else "low",
                             "service_name": svc_name, "what": what, "user": who, "ip": ip,
                             "count": n, "file": "var/log/maillog", "fixture": True})
        for rs in root_truth.get("static_run_scripts", []):
            for note in rs.get("notes", []):
                findings.append({"id": "runscript.note", "severity": "info", "run_script": rs["path"],
                                 "style": rs["style"], "note": note})
            if rs.get("handshake_deadline_s") is None and rs.get("tls") == "implicit":
                # low (INFO): the static example scripts are in no scan directory,
                # so nothing runs them (docs/severity.md, inventory)
                findings.append({"id": "runscript.no_handshake_deadline", "severity": "low",
                                 "run_script": rs["path"], "server": rs["server"]})

    # the live maillog: fixture lines + whatever vchkpw appended since
    mlog = os.path.join(ROOT, "var/log/maillog")
    lines_now = (read(mlog, "") or "").splitlines()
    fixture_lines = root_truth.get("maillog_fixture", {}).get("lines", 0)
    live = {}
    for line in lines_now[fixture_lines:]:
        try:
            msg = line.split(": ", 1)[1]
        except IndexError:
            continue
        live[msg.split(" ", 1)[0].rstrip(":")] = live.get(msg.split(" ", 1)[0].rstrip(":"), 0) + 1

    auth = {"credentials_file": root_truth.get("credentials_file"),
            "users": root_truth.get("users", []),
            "vchkpw": os.path.join(ROOT, "home/vpopmail/bin/vchkpw"),
            "vuserinfo": os.path.join(ROOT, "home/vpopmail/bin/vuserinfo"),
            "vchkpw_exit_codes": {"ok": "execs argv[1]", "password_fail": 3, "user_not_found": 3,
                                  "misuse": 11, "access_denied": 1, "null_user": 12,
                                  "null_password": 13, "no_password": 15,
                                  "invalid_chars": 20, "backend_down": 24},
            "maillog": {"path": mlog, "fixture_lines": fixture_lines, "lines_now": len(lines_now),
                        "live_lines_by_service": live}}

    real, real_findings = real_truth(scen["real"]["up"], services, STATE)
    findings.extend(real_findings)

    qt_ports = ",".join("%s=%d" % (k, port(v)) for k, v in (
        ("smtp", "smtp"), ("smtps", "smtps"), ("submission", "submission"), ("imaps", "imaps"),
        ("pop3s", "pop3s"), ("smtps-dl", "smtps-dl")))
    return {
        "healthy": healthy(scen["healthy"], [s for s in services if s["scenario"] == "healthy"]),
        "schema": SCHEMA, "generated_at": int(time.time()), "lab_dir": LAB_DIR, "root": ROOT,
        "port_base": base, "public_ip": "127.0.0.1", "dns_server": dns["server"],
        "qtriage_args": ["--root", ROOT, "--ports", qt_ports, "--dns-server", dns["server"],
                         "--public-ip", "127.0.0.1"],
        "scenarios": [scen[s] for s in SCENARIOS],
        "services": services, "connections": connections, "zombies": zombies, "dns": dns,
        "auth": auth, "fixture": root_truth, "real": real, "findings": findings,
        "incidents": incidents_of(findings, services),
    }

# --- incidents (docs/incidents.md): the findings above grouped as qtriage
# groups them. Connection kinds per service, the kind by precedence, the
# severity the worst (high/medium/low -> CRIT/WARN/INFO), zombies per
# parent program; worst first, then precedence, then id.
INCIDENT_KIND = {"tls.no_handshake_deadline": "no-deadline", "tls.handshake_stall": "tls-stall",
                 "conn.many_from_one_ip": "ip-hog", "tcpserver.limit_reached": "saturation",
                 "zombies.mail_parent": "zombies"}
CONN_KINDS = ["service-down", "saturation", "tls-stall", "ip-hog", "no-deadline"]
SEV = {"high": "CRIT", "medium": "WARN", "low": "INFO"}
SEV_ORDER = ["CRIT", "WARN", "INFO"]


def kind_rank(kind):
    return CONN_KINDS.index(kind) if kind in CONN_KINDS else len(CONN_KINDS)


def incidents_of(findings, services):
    scen_of = {s["name"]: s["scenario"] for s in services}
    groups = {}
    for f in findings:
        kind = INCIDENT_KIND.get(f["id"])
        if not kind:
            continue
        if kind == "zombies":
            svc, scen = f["parent_comm"], "zombies"
        else:
            svc, scen = f["service"], scen_of.get(f["service"])
        gid = ("svc:" if kind in CONN_KINDS else kind + ":") + svc
        g = groups.setdefault(gid, {"id": gid, "service": svc, "kinds": [], "sevs": [], "scenarios": set()})
        g["kinds"].append(kind)
        g["sevs"].append(SEV[f["severity"]])
        g["scenarios"].add(scen)
    out = []
    for g in groups.values():
        out.append({"id": g["id"], "kind": min(g["kinds"], key=kind_rank), "service": g["service"],
                    "severity": min(g["sevs"], key=SEV_ORDER.index), "scenarios": sorted(g["scenarios"])})
    out.sort(key=lambda i: (SEV_ORDER.index(i["severity"]), kind_rank(i["kind"]), i["id"]))
    return out


# --- the healthy scenario ---------------------------------------------------------
def healthy_service(e, name, limit):
    """Fields of a healthy-* service: paths in the healthy tree, not ROOT."""
    root = os.path.join(HEALTHY, "root")
    svc = {"healthy-smtp": "qmail-smtpd", "healthy-smtps": "qmail-smtpsd"}[name]
    e["supervised_by"] = "supervise " + svc
    e["run_script"] = os.path.join(root, "service", svc, "run")
    e["log"] = os.path.join(root, "var/log/qmail", svc[6:], "current")
    e["rules"] = os.path.join(root, "etc", "tcp.%s.cdb" % name[8:])
    if "stunnel_conf" in e:
        e["stunnel_conf"] = os.path.join(root, "etc/stunnel/smtps.conf")
    e["per_ip_limit"] = None   # Debian's ucspi-tcp has none (lab/README.md, "healthy")
    e["status_line_idle"] = "tcpserver: status: 0/%s" % limit


def healthy(scen, services):
    """The healthy scenario's own block: root, qtriage arguments, the client
    sessions run at start, and what qtriage must find: no CRIT, no WARN, no
    incident (only OK/INFO findings)."""
    root = os.path.join(HEALTHY, "root")
    ports = {s["name"][len("healthy-"):]: s["port"] for s in services}
    sessions = []
    for line in (read(os.path.join(HEALTHY, "run/sessions.tsv"), "") or "").splitlines():
        svc, port, rc = line.split("\t")
        sessions.append({"service": svc, "port": int(port), "swaks_exit": int(rc)})
    findings = []
    for s in services:
        if s["up"] and s["handshake_deadline_s"] is not None:
            findings.append({"id": "tls.handshake_deadline", "severity": "info",
                             "service": s["name"][len("healthy-"):], "port": s["port"],
                             "deadline_s": s["handshake_deadline_s"]})
    return {"up": scen["up"], "root": root,
            "qtriage_args": ["--root", root, "--ports",
                             ",".join("%s=%d" % kv_ for kv_ in sorted(ports.items()))],
            "ports": ports, "sessions": sessions, "findings": findings, "incidents": []}


def text(t):
    out = ["qtriage lab in %s (port base %d, root %s)" % (t["lab_dir"], t["port_base"], t["root"])]
    out.append("")
    out.append("%-17s %-4s %s" % ("SCENARIO", "UP", "GROUPS (pgid:processes)"))
    for s in t["scenarios"]:
        g = " ".join("%s=%d:%d" % (x["name"], x["pgid"], x["processes"]) for x in s["groups"])
        out.append("%-17s %-4s %s" % (s["name"], "yes" if s["up"] else "-", g))
    out.append("")
    out.append("%-17s %-6s %-19s %-9s %-9s %-6s %s" % ("SERVICE", "PORT", "SERVER", "TLS", "DEADLINE",
                                                      "LIMIT", "EXPECTED (established; stages; sources)"))
    for s in t["services"]:
        ex = s["expected"]
        stages = ",".join("%s=%d" % kv_ for kv_ in sorted(ex["by_stage"].items())) or "-"
        srcs = ",".join("%s:%d" % (x["ip"], x["count"]) for x in ex["by_source"]) or "-"
        dl = "none" if s["handshake_deadline_s"] is None else "%ss" % s["handshake_deadline_s"]
        if s["tls"] == "none" or s["tls"] == "starttls":
            dl = "-"
        out.append("%-17s %-6d %-19s %-9s %-9s %-6s %s%s" % (
            s["name"] + ("" if s["up"] else " (down)"), s["port"], s["server"], s["tls"], dl,
            s["limit"] if s["limit"] is not None else "-",
            "%d; %s; %s" % (ex["established"], stages, srcs),
            ("; " + ex["status_line"]) if ex.get("status_line") else ""))
    out.append("")
    out.append("ZOMBIES (expected now)")
    for z in t["zombies"]["groups"]:
        out.append("  %-18s %-4s parent %s[%s] -> %d x [%s] <defunct>%s%s" % (
            z["group"], "up" if z["up"] else "-", z["parent_comm"], z["parent_pid"] or "-",
            z["expected"], z["child_comm"],
            (" (+1 every %ss, max %d)" % (z["grow_every_s"], z["max"])) if z["grow_every_s"] else "",
            "" if z["escalate"] else " (not a mail program: no escalation)"))
    out.append("")
    out.append("DNS %s (%s)" % (t["dns"]["server"], "up" if t["dns"]["up"] else "down"))
    for c in t["dns"]["cases"]:
        out.append("  %-14s %-11s ptr=%-20s a=%-12s %s" % (c["case"], c["ip"], c["ptr"] or "-",
                                                        ",".join(c["a"]) or "-", c["fcrdns"]))
    out.append("")
    out.append("EXPECTED FINDINGS (%d)" % len(t["findings"]))
    for f in t["findings"]:
        rest = {k: v for k, v in f.items() if k not in ("id", "severity")}
        out.append("  %-7s %-36s %s" % (f["severity"], f["id"], json.dumps(rest, sort_keys=True)[:150]))
    out.append("")
    out.append("EXPECTED INCIDENTS (%d)" % len(t["incidents"]))
    for i in t["incidents"]:
        out.append("  %-4s %-12s %-10s %s" % (i["severity"], i["kind"], i["service"], ",".join(i["scenarios"])))
    out.append("")
    out.append("qtriage " + " ".join(t["qtriage_args"]))
    if t["healthy"]["up"]:
        out.append("healthy: qtriage " + " ".join(t["healthy"]["qtriage_args"]))
    return "\n".join(out)


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # lab/status | head
    args = sys.argv[1:]
    if args == ["--count-zombies"]:
        print(count_zombies())
        return 0
    if args not in ([], ["--json"]):
        print("usage: lab/status [--json]", file=sys.stderr)
        return 2
    t = build()
    if args == ["--json"]:
        json.dump(t, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        print(text(t))
    return 0


if __name__ == "__main__":
    sys.exit(main())

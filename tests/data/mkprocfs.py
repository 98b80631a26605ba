#!/usr/bin/python3
"""Regenerate tests/data/procfs-zombies: a fixture /proc tree for the procs
reader and the zombies collector.

The stat and status lines are templates copied from a live Debian 12 system
(kernel 6.18, CLK_TCK 100) while a zombie maker (now lab/src/zombie-maker.c)
staged zombies under a fake tcpserver:
  27197 (tcpserver) S 27195 27193 4431 0 -1 4194304 155 0 1 0 0 0 0 0 20 0 1 0 250447 2535424 369 ...
  27198 (qmail-smtpd) Z 27197 27193 4431 0 -1 4227148 18 0 0 0 0 0 0 0 20 0 1 0 250448 0 0 ...
  2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 19 0 0 ...
Only pid, comm, state, ppid, pgrp, session, flags, num_threads and
starttime are changed. Edge cases are added on purpose (see CASES below).
Boot time (btime) is 1700000000; with HZ 100 a process with starttime T
started at 1700000000 + T/100.

Run from the repository root: /usr/bin/python3 tests/data/mkprocfs.py
"""
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "procfs-zombies")

LIVE_TAIL = ("2535424 369 18446744073709551615 94651007414272 94651007417241 140726265037152 0 0 0 0 4096 16386 1 0 0 17 1 "
             "0 0 0 0 0 94651007426000 94651007426800 94651449798656 140726265039219 140726265039255 140726265039255 "
             "140726265040873 0")
DEAD_TAIL = "0 0 18446744073709551615 0 0 0 0 0 0 0 4096 16386 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
KTHREAD_TAIL = "0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"


def stat_line(pid, comm, state, ppid, pgrp, sid, flags, nlwp, start, tail):
    return (f"{pid} ({comm}) {state} {ppid} {pgrp} {sid} 0 -1 {flags} 155 0 1 0 0 0 0 0 20 0 "
            f"{nlwp} 0 {start} {tail}\n")


def status(name, state, pid, ppid, uid):
    st = {"S": "S (sleeping)", "Z": "Z (zombie)", "R": "R (running)"}[state]
    esc = name.replace("\\", "\\\\").replace("\n", "\\n")
    return (f"Name:\t{esc}\nUmask:\t0022\nState:\t{st}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{ppid}\n"
            f"TracerPid:\t0\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\nGid:\t{uid}\t{uid}\t{uid}\t{uid}\nFDSize:\t64\n"
            f"Groups:\t \nThreads:\t1\n")


# pid, comm, state, ppid, pgrp, sid, uid, argv (None = empty cmdline), start ticks, extra
CASES = [
    (1, "systemd", "S", 0, 1, 1, 0, ["/sbin/init"], 100, {}),
    (2, "kthreadd", "S", 0, 0, 0, 0, None, 19, {"kthread": True}),
    (310, "svscan", "S", 1, 310, 310, 0, ["/usr/bin/svscan", "/service"], 1500, {"cwd": "/service"}),
    # supervise of a mail service, cwd readable
    (320, "supervise", "S", 310, 310, 310, 0, ["supervise", "qmail-smtpd"], 1600, {"cwd": "/service/qmail-smtpd"}),
    (321, "supervise", "S", 310, 310, 310, 0, ["supervise", "log"], 1600, {"cwd": "/service/qmail-smtpd/log"}),
    # the listener: real uid 89 after -u 89 (its /proc dir would be root-owned: not dumpable)
    (330, "tcpserver", "S", 320, 310, 310, 89,
     ["/usr/bin/tcpserver", "-v", "-R", "-H", "-l", "mail.example.com", "-x", "/etc/tcp.smtp.cdb", "-c", "100",
      "-u", "89", "-g", "89", "0", "smtp", "/var/qmail/bin/qmail-smtpd", "/home/vpopmail/bin/vchkpw", "/bin/true"],
     1700, {}),
    (331, "multilog", "S", 321, 310, 310, 0, ["multilog", "t", "./main"], 1700, {}),
    # four zombies the listener never reaped; empty cmdline, unreadable environ
    (4001, "qmail-smtpd", "Z", 330, 310, 310, 89, None, 900000, {"environ_dir": True}),
    (4002, "qmail-smtpd", "Z", 330, 310, 310, 89, None, 950000, {"environ_dir": True}),
    (4003, "qmail-smtpd", "Z", 330, 310, 310, 89, None, 990000, {}),
    (4004, "vchkpw", "Z", 330, 310, 310, 89, None, 995000, {}),
    # a per-connection recordio under the listener, with one zombie of its own
    (390, "recordio", "S", 330, 310, 310, 89, ["recordio", "/var/qmail/bin/qmail-smtpd"], 990500, {}),
    (4300, "qmail-smtpd", "Z", 390, 310, 310, 89, None, 990600, {}),
    # an SSL-patched tcpserver: listener 341, per-connection translator 342 (same argv), zombie 4100.
    # supervise 340's cwd is not readable here: the service is known only by name
    (340, "supervise", "S", 310, 310, 310, 0, ["supervise", "smtps"], 1600, {}),
    (341, "tcpserver", "S", 340, 310, 310, 0,
     ["tcpserver", "-s", "-n", "/var/qmail/control/servercert.pem", "-v", "-R", "-H", "0", "465",
      "/var/qmail/bin/qmail-smtpd"], 1700, {}),
    (342, "tcpserver", "S", 341, 310, 310, 0,
     ["tcpserver", "-s", "-n", "/var/qmail/control/servercert.pem", "-v", "-R", "-H", "0", "465",
      "/var/qmail/bin/qmail-smtpd"], 980000, {}),
    (4100, "qmail-smtpd", "Z", 342, 310, 310, 0, None, 980001, {}),
    # an admin's shell with a zombie of an unrelated program
    (350, "bash", "S", 1, 350, 350, 0, ["-bash"], 5000, {}),
    (4200, "sleep", "Z", 350, 350, 350, 0, None, 970000, {}),
    # a thread group whose leader exited while threads run ("Zl"): nothing to reap
    (360, "java", "Z", 1, 360, 360, 0, None, 6000, {"nlwp": 12}),
    # comm with spaces, parentheses and a newline; argv with an empty argument
    (380, "a) (b\nc", "S", 1, 380, 380, 1000, ["weird", "", "x"], 7000, {}),
]


def write(path, data, mode="w"):
    with open(path, mode) as f:
        f.write(data)


def main():
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)
    write(os.path.join(ROOT, "stat"),
          "cpu  1 2 3 4 5 6 7 0 0 0\nintr 0\nctxt 0\nbtime 1700000000\nprocesses 5000\n")
    for (pid, comm, state, ppid, pgrp, sid, uid, argv, start, extra) in CASES:
        d = os.path.join(ROOT, str(pid))
        os.makedirs(d)
        if extra.get("kthread"):
            flags, tail = 2129984, KTHREAD_TAIL
        elif state == "Z":
            flags, tail = 4227148, DEAD_TAIL
        else:
            flags, tail = 4194304, LIVE_TAIL
        nlwp = extra.get("nlwp", 1)
        write(os.path.join(d, "stat"), stat_line(pid, comm, state, ppid, pgrp, sid, flags, nlwp, start, tail))
        write(os.path.join(d, "status"), status(comm, state, pid, ppid, uid))
        write(os.path.join(d, "cmdline"), "" if argv is None else "\0".join(argv) + "\0")
        if extra.get("environ_dir"):
            # reading a directory fails (EISDIR) even for root: an unreadable environ
            os.makedirs(os.path.join(d, "environ"))
            write(os.path.join(d, "environ", "README"), "environ is a directory here: reading it must fail\n")
        elif argv is not None:
            write(os.path.join(d, "environ"), "PATH=/usr/bin:/bin\0TCPLOCALPORT=25\0")
        else:
            write(os.path.join(d, "environ"), "")
        if "cwd" in extra:
            os.symlink(extra["cwd"], os.path.join(d, "cwd"))
    # a process that vanished between readdir and read: its directory has no stat
    os.makedirs(os.path.join(ROOT, "370"))
    write(os.path.join(ROOT, "370", "README"), "no stat: the process vanished mid-scan\n")
    # garbage and truncated stat files
    os.makedirs(os.path.join(ROOT, "371"))
    write(os.path.join(ROOT, "371", "stat"), "371 (garbage\n")
    os.makedirs(os.path.join(ROOT, "372"))
    write(os.path.join(ROOT, "372", "stat"), "372 (qmail-smtpd) Z 330 310 310 0 -1 4227148 18 0 0\n")
    # non-pid entries are ignored
    os.makedirs(os.path.join(ROOT, "self"))
    write(os.path.join(ROOT, "self", "README"), "not a pid\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""log_gen.py - a mail log for bench/logs.sh, in the lab's line shapes
(lab/lib/fixture.py: multilog TAI64N qmail-send and tcpserver lines, syslog
vchkpw lines), mixed as a busy server writes them.

usage: bench/log_gen.py FILE [SIZE_MIB]   (default 1024 MiB)

A pool of 20,000 distinct lines (stamps, ids, addresses and IPs vary) is
written again and again until the file holds SIZE_MIB MiB, so the cost per
line of what reads it is that of real lines, and writing 1 GiB takes seconds.
"""
import random
import sys


def tai64n(t):
    sec = int(t)
    return "@%016x%08x" % ((1 << 62) + sec + 10, int((t - sec) * 1e9))


def syslog_stamp(t):
    import time
    lt = time.gmtime(t)
    return time.strftime("%b ", lt) + ("%2d" % lt.tm_mday) + time.strftime(" %H:%M:%S", lt)


def pool(n, seed=16):
    rnd = random.Random(seed)
    t = 1795925050.0
    inode, d, pid = 1310700, 0, 20000
    out = []
    ip = lambda: "%d.%d.%d.%d" % (rnd.choice((192, 198, 203)), rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(1, 254))
    while len(out) < n:
        t += rnd.random() * 0.05
        k = rnd.random()
        if k < 0.30:        # tcpserver -v: a connection's four lines
            pid += 1
            a = ip()
            s = tai64n(t)
            out += ["%s tcpserver: status: %d/40" % (s, rnd.randint(1, 40)),
                    "%s tcpserver: pid %d from %s" % (s, pid, a),
                    "%s tcpserver: %s %d 0:127.0.0.1:587 :%s::%d" % (s, rnd.choice(("ok", "ok", "ok", "deny")), pid, a,
                                                                      rnd.randint(1025, 65000)),
                    "%s tcpserver: end %d status %d" % (s, pid, rnd.choice((0, 256, 25600, 9)))]
        elif k < 0.55:      # vchkpw in /var/log/maillog
            what = rnd.choice(("password fail", "password fail", "vpopmail user not found", "(PLAIN) login success",
                               "(LOGIN) login success", "smtp access denied"))
            out.append("%s mail vpopmail[%d]: vchkpw-%s: %s user%d@example.test:%s"
                       % (syslog_stamp(t), rnd.randint(2000, 30000), rnd.choice(("smtp", "submission", "pop3")),
                          what, rnd.randint(1, 500), ip()))
        else:               # qmail-send: one message through the queue
            inode += rnd.randint(1, 40)
            s = tai64n(t)
            sender = rnd.choice(("news@remote.example", "", "#@[]", "alice@example.test"))
            out += ["%s new msg %d" % (s, inode),
                    "%s info msg %d: bytes %d from <%s> qp %d uid 1004" % (s, inode, rnd.randint(900, 90000), sender,
                                                                           rnd.randint(1000, 99999))]
            d = d % 120 + 1
            out.append("%s starting delivery %d: msg %d to remote rcpt%d@remote.example" % (s, d, inode, rnd.randint(1, 999)))
            out.append("%s status: local 0/10 remote %d/20" % (s, rnd.randint(0, 20)))
            out.append("%s delivery %d: %s" % (s, d, rnd.choice((
                "success: %s_accepted_message./Remote_host_said:_250_ok/" % ip(),
                "deferral: Connected_to_%s_but_connection_died._(#4.4.2)/" % ip(),
                "deferral: Connected_to_%s_but_my_name_was_rejected./Remote_host_said:_550_5.7.1_HELO/" % ip(),
                "failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/",
                "failure: Sorry,_I_couldn't_find_any_host_named_forged.example._(#5.1.2)/",
                "deferral: Connected_to_%s_but_sender_was_rejected./Remote_host_said:_450_4.1.8_<a@b>:_Sender_address_rejected:_Domain_not_found/" % ip(),
                "failure: Connected_to_%s_but_sender_was_rejected./Remote_host_said:_550_5.7.23_SPF_validation_failed/" % ip()))))
            if rnd.random() < 0.1:
                out.append("%s bounce msg %d qp %d" % (s, inode, rnd.randint(1000, 99999)))
            if rnd.random() < 0.02:
                out.append("%s triple bounce: discarding bounce/%d" % (s, inode))
            out.append("%s end msg %d" % (s, inode))
    return ("\n".join(out[:n]) + "\n").encode()


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    want = int(sys.argv[2] if len(sys.argv) == 3 else 1024) << 20
    block = pool(20000)
    with open(sys.argv[1], "wb") as f:
        done = 0
        while done < want:
            f.write(block)
            done += len(block)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""mkqueue.py QDIR - write a small qmail queue for the script tests, as
qmail-queue and qmail-send leave it (qmail INTERNALS, "Queue structure"):
the message file is created in pid/, its inode number becomes its name in
mess/S/ (S = number % 23), info/S/N holds b"F<sender>\\0" (its mtime the
queue time), remote/S/N b"T<addr>\\0" records; one message is left not yet
preprocessed (mess, intd, todo). Contents: 8 messages from
flood@victim.example (one with a hostile Subject and a body line
BODYSECRET), one bounce (<>), one in todo/. The C tests have the same in
tests/unit/queue_fixture.c."""
import os
import sys
import time

SPLIT = 23


def main(q):
    for d in ['pid', 'todo', 'intd', 'bounce', 'lock']:
        os.makedirs(os.path.join(q, d), exist_ok=True)
    for d in ['mess', 'info', 'local', 'remote']:
        for s in range(SPLIT):
            os.makedirs(os.path.join(q, d, str(s)), exist_ok=True)

    def new_mess(text):
        tmp = os.path.join(q, 'pid', 'tmp')
        with open(tmp, 'wb') as f:
            f.write(text)
        n = os.stat(tmp).st_ino
        os.rename(tmp, os.path.join(q, 'mess', str(n % SPLIT), str(n)))
        return n

    def add(sender, rcpts, text, age):
        n = new_mess(text)
        info = os.path.join(q, 'info', str(n % SPLIT), str(n))
        with open(info, 'wb') as f:
            f.write(b'F' + sender + b'\0')
        with open(os.path.join(q, 'remote', str(n % SPLIT), str(n)), 'wb') as f:
            f.write(b''.join(b'T' + r + b'\0' for r in rcpts))
        t = time.time() - age
        os.utime(info, (t, t))

    for i in range(7):
        add(b'flood@victim.example', [b'x%d@far.example' % i], b'Subject: cheap\n\nbody\n', 60)
    add(b'flood@victim.example', [b'y@far.example'],
        b'Subject: hi \x1b[7mREVERSED\nFrom: <flood@victim.example>\nReceived: from bot\n\tby us\n\nBODYSECRET\n', 30)
    add(b'', [b'gone@nowhere.example'], b'Subject: failure notice\n\nbody\n', 7200)
    n = new_mess(b'Subject: new\n\nbody\n')
    with open(os.path.join(q, 'intd', str(n)), 'wb') as f:
        f.write(b'u0\0p1\0Fa@b\0Tc@d\0\0')
    os.link(os.path.join(q, 'intd', str(n)), os.path.join(q, 'todo', str(n)))


if __name__ == '__main__':
    main(sys.argv[1])

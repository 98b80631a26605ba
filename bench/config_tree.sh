#!/usr/bin/env bash
# Config collector cost on a big vpopmail tree (issue 17): one domain with
# USERS user directories (hashed like vpopmail's bigdir.c above 100 per
# level is not needed for the cost: one stat per user), one in ten with a
# .qmail forward. Reports qtriage --once (a full read and every check; the
# procs collector on an empty --proc fails fast) against the reference
# `find ROOT -name .qmail | xargs cat` (the same directories walked and the
# same files read), as a ratio of medians. With EXT=1 in the environment
# vpopmail is marked as built --enable-qmail-ext (~vpopmail/include/
# vpopmail_config.h): every user directory is then listed for .qmail-EXT
# files (one in ten users has a .qmail-lists too), against find -name
# '.qmail*'. Not a test: run it by hand.
#   [EXT=1] bench/config_tree.sh [BUILD_DIR] [USERS] [RUNS]
set -euo pipefail
B=${1:-build}
USERS=${2:-20000}
RUNS=${3:-7}
EXT=${EXT:-0}
T=$(mktemp -d /tmp/qt-bench-config.XXXXXX)
trap 'rm -rf "$T"' EXIT
R=$T/root
mkdir -p "$R/var/qmail/control" "$R/var/qmail/alias" "$R/var/qmail/users" "$T/proc"
echo mail.example.com >"$R/var/qmail/control/me"
printf 'mail.example.com\nexample.com\n' >"$R/var/qmail/control/rcpthosts"
echo example.com:example.com >"$R/var/qmail/control/virtualdomains"
echo '&admin@example.com' >"$R/var/qmail/alias/.qmail-postmaster"
D=/home/vpopmail/domains/example.com
printf '+example.com-:example.com:89:89:%s:-::\n.\n' "$D" >"$R/var/qmail/users/assign"
mkdir -p "$R$D"
echo "| /home/vpopmail/bin/vdelivermail '' delete" >"$R$D/.qmail-default"
NAME=.qmail
if [ "$EXT" = 1 ]; then
    mkdir -p "$R/etc" "$R/home/vpopmail/include"
    echo 'vpopmail:x:89:89::/home/vpopmail:/sbin/nologin' >"$R/etc/passwd"
    echo '#define QMAIL_EXT 1' >"$R/home/vpopmail/include/vpopmail_config.h"
    NAME='.qmail*'
fi
python3 - "$R$D" "$USERS" "$EXT" <<'PY'
import os, sys
d, n, ext = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
for i in range(n):
    u = os.path.join(d, "u%06d" % i)
    os.makedirs(os.path.join(u, "Maildir"))
    if i % 10 == 0:
        with open(os.path.join(u, ".qmail"), "w") as f:
            f.write("./Maildir/\n&u%06d@remote.example\n" % i)
        if ext:
            with open(os.path.join(u, ".qmail-lists"), "w") as f:
                f.write("./Maildir/.lists/\n")
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
t_qt=$(for i in $(seq "$RUNS"); do
    s=$(date +%s%N); "$B/qtriage" --once --root "$R" --proc "$T/proc" >/dev/null 2>&1 || true
    echo $(( ($(date +%s%N) - s) / 1000000 )); done | median)
t_ref=$(for i in $(seq "$RUNS"); do
    s=$(date +%s%N); find "$R" -name "$NAME" -print0 | xargs -0 cat >/dev/null
    echo $(( ($(date +%s%N) - s) / 1000000 )); done | median)
n=$("$B/qtriage" --once --root "$R" --proc "$T/proc" 2>/dev/null | grep -c 'config.*forward keeps the sender' || true)
echo "users $USERS, .qmail files $(( (USERS + 9) / 10 )), forward findings listed $n"
echo "qtriage --once ${t_qt} ms, find+cat ${t_ref} ms, ratio $(awk -v a="$t_qt" -v b="$t_ref" 'BEGIN {printf "%.1f", a / (b ? b : 1)}')"

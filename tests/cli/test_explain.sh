#!/bin/bash
# qtriage --explain-cmdline (issue 15): pasted command lines as ps and
# /proc/PID/cmdline print them, read by the servers model's own parser under
# a fixture --root with no /etc/services (the built-in mail port table
# answers) and no binaries (the variant comes from the path and options).
# No process table, no sockets, no network.
set -u
QT=${QT_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/check.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/etc/indimail" "$root/proc"
echo 17 > "$root/etc/indimail/MAXDAEMONS"
X() { "$QT" --root "$root" --proc "$root/proc" "$@"; }

# ps f columns and a tree glyph before a fehcom sslserver line
X --explain-cmdline ' 8123 root     S      0:00  \_ /usr/local/bin/sslserver -seV -Rp -c 30 -u 89 -g 89 0 smtps /var/qmail/bin/qmail-smtpd mail.example.org /home/vpopmail/bin/vchkpw /bin/true' > "$tmp/a" 2> "$tmp/a.err"; rc=$?
check "ps line: exit 0" test $rc -eq 0
check_grep "ps columns skipped and named" 'skipped (ps columns before the command): 8123 root S 0:00' "$tmp/a"
check_grep "variant from the options: fehcom (-V), not proven" 'variant  *fehcom ucspi-ssl 0.9x sslserver (not proven)' "$tmp/a"
check_grep "evidence says who lacks -V" 'ucspi-ssl sslserver (SuperScript 0.70+) has no -V' "$tmp/a"
check_grep "no binary is read" 'a pasted command line: no binary to read' "$tmp/a"
check_grep "smtps through the built-in port table" 'listens  *0 port 465' "$tmp/a"
check_grep "the limit" 'limit -c  *30 (option -c)' "$tmp/a"
check_grep "the default handshake deadline" 'default 26 s (no -T)' "$tmp/a"
check_grep "each option with its meaning (-e)" 'option  *-e  also set TCPLOCALPORT' "$tmp/a"
check_grep "findings listed" '^findings:' "$tmp/a"
check "nothing on stderr" test ! -s "$tmp/a.err"

# -s/-n on a tcpserver: never stock ucspi-tcp
X --explain-cmdline 'tcpserver -s -n /var/qmail/control/servercert.pem -c 20 0 465 qmail-smtpd' > "$tmp/b"; rc=$?
check "tcpserver -s: exit 0" test $rc -eq 0
check_grep "-s rules stock ucspi-tcp out" 'ucspi-tcp 0.88 tcpserver has no -s' "$tmp/b"
check "-s: not shown as ucspi-tcp" bash -c "! grep -q 'variant  *ucspi-tcp 0.88' '$tmp/b'"
check_grep "-s: the SSL patch, indimail named" 'variant  *tcpserver + Oppermann SSL patch (not proven)' "$tmp/b"

# a file-valued -c: indimail's, read from the file under --root, never -c 0
X --explain-cmdline 'tcpserver -v -c /etc/indimail/MAXDAEMONS 0 pop3s qmail-popup x vchkpw qmail-pop3d Maildir' > "$tmp/c"; rc=$?
check "-c FILE: exit 0" test $rc -eq 0
check_grep "-c FILE: indimail" 'variant  *indimail-mta tcpserver (not proven)' "$tmp/c"
check_grep "-c FILE: the number from the file" 'limit -c  *17 (option -c (file))' "$tmp/c"
check "-c FILE: no '-c 0: never accepts' finding" bash -c "! grep -q -- 'never accepts' '$tmp/c'"
check_grep "pop3s is 995" 'port 995' "$tmp/c"

# --json: the same facts
X --explain-cmdline '12 ?  Ss 0:00 tcpserver -v -R -c 40 -x /etc/tcp.smtp.cdb 0 smtp qmail-smtpd' --json > "$tmp/d.json"; rc=$?
check "--json: exit 0" test $rc -eq 0
check_eq "--json: facts" "ucspi-tcp False 25 40 option -c ok ['12', '?', 'Ss', '0:00'] -c:at most n simultaneous children; more clients wait in the listen queue" \
  "$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
c=[o for o in d["options"] if o["option"]=="-c"][0]
print(d["variant"], d["variant_proven"], d["port"], d["limit"], d["limit_source"], d["status"], d["skipped"], "-c:"+c["meaning"])
' "$tmp/d.json")"
check "--json: findings is a list with titles" python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); f=d["findings"]
sys.exit(0 if isinstance(f,list) and f and all(x["title"] for x in f) else 1)' "$tmp/d.json"

# --variant forces the table: stock ucspi-tcp refuses -s (shown, exit 0)
X --explain-cmdline 'tcpserver -s -c 20 0 465 qmail-smtpd' --variant ucspi-tcp --json > "$tmp/e.json"; rc=$?
check "--variant: exit 0" test $rc -eq 0
check_eq "--variant: bad option, as the program would say" "ucspi-tcp bad-option True" \
  "$(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
print(d["variant"], d["status"], "illegal option -- s" in d["error"] and "forced with --variant" in d["evidence"])' "$tmp/e.json")"

# lost quoting said where it matters: a -B banner with spaces
X --explain-cmdline 'sslserver -B 220 hello there -c 30 0 465 qmail-smtpd' > "$tmp/f"
check_grep "quoting note for -B" '^quoting: words were split at blanks' "$tmp/f"
X --explain-cmdline 'tcpserver -c 30 0 25 qmail-smtpd' > "$tmp/f2"
check "no quoting note when it does not matter" bash -c "! grep -q '^quoting:' '$tmp/f2'"

# hostile bytes reach the output escaped
X --explain-cmdline "$(printf 'tcpserver -c 30 -l \033[2Jevil 0 25 qmail-smtpd')" > "$tmp/g"
check "ESC escaped" bash -c "! grep -q \$'\\033' '$tmp/g' && grep -q 'x1b' '$tmp/g'"

# not a front end; bad usage
X --explain-cmdline ' 77 root supervise smtp' > "$tmp/h" 2> "$tmp/h.err"; rc=$?
check "no front end: exit 2" test $rc -eq 2
check_grep "no front end: said on stderr" 'not a front-end command line' "$tmp/h.err"
check "no front end: nothing on stdout" test ! -s "$tmp/h"
X --explain-cmdline 'tcpserver 0 25 x' --variant nosuch > /dev/null 2> "$tmp/i.err"; rc=$?
check "--variant nosuch: exit 2, the keys listed" bash -c "test $rc -eq 2 && grep -q 'sslserver-feh' '$tmp/i.err'"
X --variant ucspi-tcp --once > /dev/null 2> "$tmp/j.err"; rc=$?
check "--variant alone: exit 2" bash -c "test $rc -eq 2 && grep -q 'only applies to --explain-cmdline' '$tmp/j.err'"
X --explain-cmdline 'tcpserver 0 25 x' --once > /dev/null 2> "$tmp/k.err"; rc=$?
check "with --once: exit 2" bash -c "test $rc -eq 2 && grep -q 'prints only its explanation' '$tmp/k.err'"
check_done

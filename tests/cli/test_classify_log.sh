#!/bin/bash
# qtriage --classify-log (issue 16): the output format on a fixture of real
# line shapes (tests/fixtures/logs), hostile bytes (NUL, invalid UTF-8, a
# 1 MB line, a TAB in a field), a .gz rotation, standard input, a FIFO, a
# missing file and a cut .gz between good ones: said on stderr, the others
# still read, exit 1. No password reaches the output.
set -u
QT=${QT_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/check.sh"
fix=$here/../fixtures/logs
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cp "$fix/mixed.log" "$tmp/m.log"
(cd "$tmp" && "$QT" --classify-log m.log > out 2> err); rc=$?
check "fixture: exit 0" test $rc -eq 0
check "fixture: nothing on stderr" test ! -s "$tmp/err"
sed 's/^m\.log:/F:/' "$tmp/out" > "$tmp/out.F"
check "fixture: one line per input line, as expected" diff -u "$fix/mixed.expected" "$tmp/out.F"
check "the tried password is not printed" bash -c "! grep -q 'Sup3rS3cret' '$tmp/out'"
check "the AUTH PLAIN string is not printed" bash -c "! grep -q 'AGFsaWNl' '$tmp/out'"

# hostile lines after the fixture: NUL, invalid UTF-8, a TAB and ESC in a
# user field, binary garbage, a 1 MB line, a last line without newline
h=$tmp/hostile.log
cp "$fix/mixed.log" "$h"
printf 'nul\0byte line\n' >> "$h"
printf '\xff\xfe\xc3\x28 invalid utf-8\n' >> "$h"
printf 'Nov 29 04:04:10 mail vpopmail[1]: vchkpw-smtp: password fail a\tb\033[2J@x.test:192.0.2.1\n' >> "$h"
printf 'Nov 29 04:04:10 mail vpopmail[1]: vchkpw-smtp: password fail -:192.0.2.2\n' >> "$h"
head -c 4096 /dev/urandom | tr -d '\n' >> "$h"; echo >> "$h"
{ printf 'tcpserver: status: 1/40 '; head -c 1048576 /dev/zero | tr '\0' 'A'; echo; } >> "$h"
printf '@400000006b0ba44436401984 tcpserver: status: 2/40' >> "$h"
timeout 20 "$QT" --classify-log "$h" > "$tmp/h.out" 2> "$tmp/h.err"; rc=$?
check "hostile: exit 0" test $rc -eq 0
check_eq "hostile: one output line per input line" 29 "$(wc -l < "$tmp/h.out")"
check_eq "NUL line: other" "other" "$(sed -n 23p "$tmp/h.out" | cut -f2)"
check_eq "invalid UTF-8: other" "other" "$(sed -n 24p "$tmp/h.out" | cut -f2)"
check_eq "TAB and ESC in the user escaped" 'auth_fail	192.0.2.1	a\tb\x1b[2J@x.test' "$(sed -n 25p "$tmp/h.out" | cut -f2-)"
check_eq "a user that is just - is \\x2d" 'auth_fail	192.0.2.2	\x2d' "$(sed -n 26p "$tmp/h.out" | cut -f2-)"
check_eq "garbage: other" "other" "$(sed -n 27p "$tmp/h.out" | cut -f2)"
check_eq "1 MB line: other" "$h:28	other	-	-" "$(sed -n 28p "$tmp/h.out")"
check_eq "the line after it is line 29" "$h:29	tcpserver_status	-	-" "$(sed -n 29p "$tmp/h.out")"
check "every output line has 4 fields" bash -c "awk -F'\t' 'NF != 4 { exit 1 }' '$tmp/h.out'"
check "no raw control byte or non-ASCII in the output" bash -c "! LC_ALL=C grep -q '[^[:print:]	]' '$tmp/h.out'"

# a gzip rotation reads as the plain file; standard input as -
gzip -c "$fix/mixed.log" > "$tmp/maillog-20261206.gz"
(cd "$tmp" && "$QT" --classify-log maillog-20261206.gz | sed 's/^maillog-20261206\.gz:/F:/' > gz.out); rc=$?
check ".gz: inflated, the same lines" diff -u "$fix/mixed.expected" "$tmp/gz.out"
"$QT" --classify-log - < "$fix/mixed.log" | sed 's/^-:/F:/' > "$tmp/stdin.out"
check "- reads standard input" diff -u "$fix/mixed.expected" "$tmp/stdin.out"

# a missing file, a FIFO and a cut .gz between good files: each said, the rest read
mkfifo "$tmp/fifo"
head -c 200 "$tmp/maillog-20261206.gz" > "$tmp/cut.gz"
timeout 20 "$QT" --classify-log "$fix/mixed.log" "$tmp/no-such" "$tmp/fifo" "$tmp/cut.gz" - \
    < "$fix/mixed.log" > "$tmp/multi.out" 2> "$tmp/multi.err"; rc=$?
check_eq "a file could not be read: exit 1" 1 "$rc"
check_grep "missing file: named with the reason" "^qtriage: --classify-log $tmp/no-such: No such file or directory$" "$tmp/multi.err"
check_grep "FIFO: refused, not opened for reading (no hang)" "^qtriage: --classify-log $tmp/fifo: a FIFO, not a regular file$" "$tmp/multi.err"
check_grep "cut .gz: said after the lines it had" "^qtriage: --classify-log $tmp/cut.gz: read error after line [0-9]*: " "$tmp/multi.err"
check_eq "three messages" 3 "$(wc -l < "$tmp/multi.err")"
check_eq "the good files before and after were read" 44 "$(grep -c -e "^$fix/mixed.log:" -e '^-:' "$tmp/multi.out")"
check "a directory is refused" bash -c "'$QT' --classify-log '$tmp' 2>&1 >/dev/null | grep -q 'a directory, not a regular file'"

# file names are escaped like the fields
esc=$'\e'
cp "$fix/mixed.log" "$tmp/x${esc}[31m	y.log"
"$QT" --classify-log "$tmp/x${esc}[31m	y.log" > "$tmp/esc.out"
check "file name escaped in the output" grep -qF "$tmp/x\\x1b[31m\\ty.log:1	tcpserver_status" "$tmp/esc.out"

# usage
"$QT" --classify-log > /dev/null 2> "$tmp/u1"; rc=$?
check "no FILE: exit 2" bash -c "test $rc -eq 2 && grep -q 'needs at least one FILE' '$tmp/u1'"
"$QT" --classify-log "$fix/mixed.log" --once > /dev/null 2> "$tmp/u2"; rc=$?
check "with --once: exit 2" bash -c "test $rc -eq 2 && grep -q 'only classifies the files it names' '$tmp/u2'"
check_done

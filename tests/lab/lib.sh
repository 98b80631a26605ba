# shellcheck shell=bash
# tests/lab/lib.sh - helpers for the lab's shell tests. Sourced by each test
# after it sets TEST_NAME and TEST_PORT_BASE. Gives every test its own
# QT_LAB_DIR and port base, always takes its scenarios down (trap), and
# prints "N passed, N failed" at the end.

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../lab" && pwd)
export QT_BUILD=${QT_BUILD:-$(cd "$LAB/.." && pwd)/build}
# the first base from TEST_PORT_BASE (in steps of 50) whose lab ports are all
# free, so that a busy machine (other labs, other tests) does not fail us
pick_port_base() {
    local b=$1 i off used
    used=$( { ss -Htln; ss -Huln; } | awk '{n=split($4,a,":"); print a[n]}' | sort -u)
    for (( i = 0; i < 20; i++, b += 50 )); do
        for off in 1 25 53 125 465 466 565 587 588 589 993 995 610 625 626 627 664 665 667 687 695 699; do
            grep -qx "$((b + off))" <<<"$used" && continue 2
        done
        echo "$b"
        return 0
    done
    echo "$1"
}
export QT_LAB_PORT_BASE
QT_LAB_PORT_BASE=$(pick_port_base "${TEST_PORT_BASE:?TEST_PORT_BASE not set}")
export QT_LAB_TTL=${QT_LAB_TTL:-300}
export QT_LAB_DIR
QT_LAB_DIR=$(mktemp -d "/tmp/qtriage-labtest-${TEST_NAME:?}.XXXXXX")
BIN="$QT_BUILD/lab"
PY=/usr/bin/python3

# ok, not_ok, check, check_eq, check_match, check_done
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"

lab_cleanup() {
    local rc=$?
    if [[ -d $QT_LAB_DIR ]]; then
        "$LAB/down" >/dev/null 2>&1 || "$LAB/down" || true
        # last resort, scoped to this test's own lab by its tag: never by name
        local left
        left=$(grep -lzF "QT_LAB_TAG=$QT_LAB_DIR|" /proc/[0-9]*/environ 2>/dev/null | awk -F/ '{print $3}')
        if [[ -n $left ]]; then
            echo "cleanup: killing leftover lab processes: $left" >&2
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null || true
        fi
        rm -rf "$QT_LAB_DIR"
    fi
    return $rc
}
trap lab_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish() {
    check_done
    exit $?
}

# truth PYTHON-EXPR: evaluate EXPR with t = lab/status --json
truth() {
    "$LAB/status" --json | "$PY" -c 'import json,sys; t=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

# real_lab_up LABEL: bring up the lab's real-stack scenario (lab/up real) for
# the real-stack tests: exit 77 when it skips, fail with LABEL when it fails;
# then save lab/status --json once and define T PYTHON-EXPR on it (t = the
# truth; cheaper than truth's lab/status per call)
real_lab_up() {
    "$LAB/up" real
    local rc=$?
    (( rc == 77 )) && { echo "SKIP: lab/up real skipped (see above)"; exit 77; }
    check_eq "$1" 0 "$rc"
    (( rc == 0 )) || finish
    "$LAB/status" --json >"$QT_LAB_DIR/truth.json"
    T() { "$PY" -c 'import json,sys; t=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$QT_LAB_DIR/truth.json"; }
}

# The real stack's qmail-send, for the real-stack queue tests; they set QQ
# (its queue directory) and SVC (its service directory) first. The queue is
# emptied with the queue's own tools only, never anything else, and with
# qmail-send down first.
send_pid() {
    local p
    for p in /proc/[0-9]*; do
        [[ $(cat "$p/comm" 2>/dev/null) == qmail-send && $(readlink "$p/cwd" 2>/dev/null) == "$QQ" ]] && echo "${p#/proc/}"
    done
}
send_gone() { [[ -z $(send_pid) ]]; }
send_runs() { [[ -n $(send_pid) ]]; }
send_down() { svc -d "$SVC" && retry 40 send_gone; }
empty_queue() {
    send_down || return 1
    find "$QQ/mess" "$QQ/info" "$QQ/local" "$QQ/remote" "$QQ/todo" "$QQ/intd" "$QQ/bounce" \
        -mindepth 1 -type f -delete
}

# ss_estab_port PORT: server-side ESTABLISHED sockets whose local port is PORT
ss_estab_port() { ss -Htn state established "( sport = :$1 )" | wc -l; }

# ss_estab_src PORT IP: the same, from one source address
ss_estab_src() { ss -Htn state established "( sport = :$1 )" | awk -v ip="$2" '{split($4,a,":"); if (a[1]==ip) n++} END {print n+0}'; }

# ss_listen_recvq PORT: Recv-Q (accept queue length) of the listener on PORT
ss_listen_recvq() { ss -Htln "( sport = :$1 )" | awk '{print $2; exit}'; }

# lab_pids: pids of every process carrying this test lab's tag
lab_pids() { grep -lzF "QT_LAB_TAG=$QT_LAB_DIR|" /proc/[0-9]*/environ 2>/dev/null | awk -F/ '{print $3}'; }

# lab_named_procs: processes with a lab program name whose command line or
# environment mentions this test's QT_LAB_DIR (other labs on the machine are
# never counted).
lab_named_procs() {
    local p
    for p in $(ps -eo pid=,comm= | awk '$2 ~ /^(svscan|supervise|tcpserver|multilog|socat|stunnel4|qmail-smtpd|qmail-popup|imapd|dnsmasq|python3|loris|zombie-maker|backupd|timeout|vchkpw)$/ {print $1}'); do
        if grep -qF "$QT_LAB_DIR" "/proc/$p/cmdline" 2>/dev/null ||
           grep -qzF "QT_LAB_TAG=$QT_LAB_DIR|" "/proc/$p/environ" 2>/dev/null; then
            echo "$p"
        fi
    done
}

# retry N CMD...: run CMD up to N times, 0.5 s apart, until it succeeds
retry() {
    local n=$1 i; shift
    for (( i = 0; i < n; i++ )); do
        "$@" && return 0
        sleep 0.5
    done
    return 1
}

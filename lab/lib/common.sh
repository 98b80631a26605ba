# shellcheck shell=bash
# common.sh - shared helpers of lab/up, lab/down, lab/status, lab/demo.
# Sourced, never run. Everything is driven by the environment:
#   QT_LAB_DIR        state dir (default /tmp/qtriage-lab)
#   QT_LAB_PORT_BASE  port base B (default 24000); services listen on B+offset
#   QT_LAB_TTL        seconds every lab process lives at most (default 3600)
#   QT_BUILD          meson build dir holding lab/ binaries (default build;
#                     a relative path is taken from the repository root)

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_REPO=$(dirname "$LAB_SRC")
LAB_PLAN="$LAB_SRC/plan"
LAB_PY=/usr/bin/python3

QT_LAB_DIR=${QT_LAB_DIR:-/tmp/qtriage-lab}
QT_LAB_PORT_BASE=${QT_LAB_PORT_BASE:-24000}
QT_LAB_TTL=${QT_LAB_TTL:-3600}
QT_BUILD=${QT_BUILD:-build}
case $QT_BUILD in /*) ;; *) QT_BUILD="$LAB_REPO/$QT_BUILD" ;; esac
export QT_LAB_DIR QT_LAB_PORT_BASE QT_LAB_TTL QT_BUILD

LAB_ROOT="$QT_LAB_DIR/root"
LAB_RUN="$QT_LAB_DIR/run"
LAB_PIDS="$QT_LAB_DIR/pids"
LAB_STATE="$QT_LAB_DIR/state"
LAB_BIN="$QT_BUILD/lab"

# Scenarios in start order. lab/up without arguments starts the incident
# scenarios (LAB_DEFAULT); "healthy" (a correctly configured server with its
# own root and ports) and "real" (the real stack, needs QT_REALSTACK) only when
# named. lab/down without arguments stops all.
LAB_SCENARIOS=(root dns smtp smtps-nodeadline smtps-deadline imaps pop3s submission zombies loris healthy real)
LAB_DEFAULT=(root dns smtp smtps-nodeadline smtps-deadline imaps pop3s submission zombies loris)

lab_die() { echo "lab: $*" >&2; exit 1; }
lab_say() { echo "lab: $*"; }

lab_check_env() {
    [[ $QT_LAB_PORT_BASE =~ ^[0-9]+$ ]] && (( QT_LAB_PORT_BASE >= 1024 && QT_LAB_PORT_BASE + 999 <= 65535 )) \
        || lab_die "QT_LAB_PORT_BASE=$QT_LAB_PORT_BASE: need a number with 1024 <= B and B+999 <= 65535"
    [[ $QT_LAB_TTL =~ ^[0-9]+$ ]] && (( QT_LAB_TTL > 0 )) \
        || lab_die "QT_LAB_TTL=$QT_LAB_TTL: need a positive number of seconds"
    [[ $QT_LAB_DIR == /* ]] || lab_die "QT_LAB_DIR=$QT_LAB_DIR: need an absolute path"
}

lab_is_scenario() {
    local s
    for s in "${LAB_SCENARIOS[@]}"; do [[ $s == "$1" ]] && return 0; done
    return 1
}

# --- plan files ---------------------------------------------------------------
# lab_plan FILE: the data rows of lab/plan/FILE (comments and blanks dropped).
lab_plan() { grep -v -e '^#' -e '^[[:space:]]*$' "$LAB_PLAN/$1"; }

# lab_svc NAME COLUMN: one column of lab/plan/services.tsv
# (columns: 1 name 2 scenario 3 offset 4 server 5 tls 6 deadline 7 limit 8 program)
lab_svc() { lab_plan services.tsv | awk -F'\t' -v n="$1" -v c="$2" '$1==n {print $c}'; }
lab_port() { echo $(( QT_LAB_PORT_BASE + $(lab_svc "$1" 3) )); }

# lab_scenario_ports SCENARIO: the TCP ports the scenario listens on.
lab_scenario_ports() {
    local off
    for off in $(lab_plan services.tsv | awk -F'\t' -v s="$1" '$2==s {print $3}'); do
        echo $(( QT_LAB_PORT_BASE + off ))
    done
}

# --- ports --------------------------------------------------------------------
# lab_port_taken PORT [udp]: true if anything listens on PORT (any address).
lab_port_taken() {
    local flags=-Htln
    [[ ${2:-} == udp ]] && flags=-Huln
    ss "$flags" | awk -v p="$1" '{n=split($4,a,":"); if (a[n]==p) f=1} END {exit !f}'
}

lab_port_owner() { ss -Htlnp | awk -v p="$1" '{n=split($4,a,":"); if (a[n]==p) print}' | head -1; }

# lab_wait_listen PORT SECONDS: wait until something listens on PORT.
lab_wait_listen() {
    local port=$1 t0=$SECONDS
    while (( SECONDS - t0 < $2 )); do
        lab_port_taken "$port" && return 0
        sleep 0.1
    done
    lab_port_taken "$port"
}

# --- process groups -------------------------------------------------------------
lab_tag() { echo "$QT_LAB_DIR|$1|$2"; }

# lab_launch SCENARIO NAME CMD...: start CMD bounded by QT_LAB_TTL (timeout -k),
# in a new session (setsid) and process group whose id is recorded in
# $LAB_PIDS/SCENARIO/NAME.pgid. Every process of the group carries
# QT_LAB_TAG=DIR|SCENARIO|NAME in its environment, which lab/down checks
# before it signals a recorded group. Output goes to $LAB_RUN/log/.
lab_launch() {
    local scen=$1 name=$2; shift 2
    local pdir="$LAB_PIDS/$scen" log="$LAB_RUN/log/$scen.$name.log"
    mkdir -p "$pdir" "$LAB_RUN/log"
    local pidf="$pdir/$name.pgid"
    rm -f "$pidf.new"
    # The inner bash is the new session's (and group's) leader whether or not
    # setsid had to fork (it forks when started as a group leader, e.g. from
    # a shell with job control): it records its own pid, which is the pgid,
    # closes every descriptor above 2 it inherited (the caller's, e.g. the
    # fd of `flock LOCK lab/up`, which would keep that lock held for as long
    # as the lab lives), then becomes `timeout`.
    QT_LAB_TAG=$(lab_tag "$scen" "$name") setsid bash -c \
        'echo $$ > "$0.new"
         for f in /proc/$$/fd/*; do n=${f##*/}; (( n > 2 )) && eval "exec $n>&-" 2>/dev/null; done
         exec timeout -k 5 "$@"' "$pidf" "$QT_LAB_TTL" "$@" \
        </dev/null >>"$log" 2>&1 9>&- &
    local t0=$SECONDS
    while [[ ! -s $pidf.new ]] && (( SECONDS - t0 < 10 )); do
        sleep 0.02
    done
    [[ -s $pidf.new ]] || lab_die "$scen/$name did not start (see $log)"
    mv "$pidf.new" "$pidf"
}

# lab_group_members PGID [SNAPSHOT]: pids of the processes in process group
# PGID, from `ps -eo pid=,pgid=` or from a SNAPSHOT of that output.
lab_group_members() {
    if (( $# > 1 )); then
        awk -v g="$1" '$2==g {print $1}' <<<"$2"
    else
        ps -eo pid=,pgid= | awk -v g="$1" '$2==g {print $1}'
    fi
}
lab_group_live() { ps -eo pid=,pgid=,stat= | awk -v g="$1" '$2==g && $3 !~ /^Z/ {print $1}'; }

# lab_group_is_ours PGID TAG [SNAPSHOT]: some member of the group carries our tag.
lab_group_is_ours() {
    local p files=()
    for p in $(lab_group_members "$1" "${3:-$(ps -eo pid=,pgid=)}"); do files+=("/proc/$p/environ"); done
    (( ${#files[@]} )) || return 1
    grep -qzxF "QT_LAB_TAG=$2" "${files[@]}" 2>/dev/null
}

# lab_groups_count live|all PGID...: processes in these groups (one ps call);
# "live" leaves zombies out.
lab_groups_count() {
    local mode=$1; shift
    ps -eo pgid=,stat= | awk -v m="$mode" -v list=" $* " \
        'index(list, " " $1 " ") && (m == "all" || $2 !~ /^Z/) {n++} END {print n+0}'
}

# lab_stop_groups PGID:TAG...: TERM every group that is still ours, KILL what
# is left after a 3 s grace, then wait until the groups are empty. Leaders
# whose parent has gone are reaped by PID 1 (~2 s here), so all groups are
# signalled at once and waited for together. Fails if a group stays.
lab_stop_groups() {
    local e pg tag pgs=() snap
    snap=$(ps -eo pid=,pgid=)
    for e in "$@"; do
        pg=${e%%:*}
        tag=${e#*:}
        [[ -n $(lab_group_members "$pg" "$snap") ]] || continue
        if ! lab_group_is_ours "$pg" "$tag" "$snap"; then
            echo "lab: process group $pg is not ours any more (no QT_LAB_TAG=$tag): left alone" >&2
            continue
        fi
        kill -TERM -- "-$pg" 2>/dev/null || true
        pgs+=("$pg")
    done
    (( ${#pgs[@]} )) || return 0
    local t0=$SECONDS   # deadlines in seconds, not loop counts: ps is slow on a busy machine
    while (( SECONDS - t0 < 3 )); do
        (( $(lab_groups_count live "${pgs[@]}") )) || break
        sleep 0.1
    done
    if (( $(lab_groups_count live "${pgs[@]}") )); then
        for pg in "${pgs[@]}"; do kill -KILL -- "-$pg" 2>/dev/null || true; done
    fi
    t0=$SECONDS
    while (( SECONDS - t0 < 10 )); do
        (( $(lab_groups_count all "${pgs[@]}") )) || return 0
        sleep 0.1
    done
    echo "lab: process groups still have processes:" >&2
    for pg in "${pgs[@]}"; do ps -o pid,ppid,pgid,stat,comm -g "$pg" >&2 || true; done
    return 1
}

# lab_scenario_running SCENARIO: all its recorded groups are alive and ours.
lab_scenario_running() {
    local f any=0 name pg
    [[ -d $LAB_PIDS/$1 ]] || return 1
    for f in "$LAB_PIDS/$1"/*.pgid; do
        [[ -e $f ]] || continue
        any=1
        name=$(basename "$f" .pgid)
        pg=$(cat "$f")
        [[ -n $(lab_group_live "$pg") ]] && lab_group_is_ours "$pg" "$(lab_tag "$1" "$name")" || return 1
    done
    (( any )) || [[ -e $LAB_STATE/$1.up ]]
}

# lab_scenario_recorded SCENARIO: something is recorded for it.
lab_scenario_recorded() {
    compgen -G "$LAB_PIDS/$1/*.pgid" >/dev/null || [[ -e $LAB_STATE/$1.up ]]
}

# lab_stop_scenarios SCENARIO...: stop every recorded group of these
# scenarios (all at once), then remove their records.
lab_stop_scenarios() {
    local scen f name pg entries=() report=() snap
    snap=$(ps -eo pid=,pgid=)
    for scen in "$@"; do
        for f in "$LAB_PIDS/$scen"/*.pgid; do
            [[ -e $f ]] || continue
            name=$(basename "$f" .pgid)
            pg=$(cat "$f")
            entries+=("$pg:$(lab_tag "$scen" "$name")")
            report+=("$scen/$name (pgid $pg, $(lab_group_members "$pg" "$snap" | wc -l) processes)")
        done
    done
    lab_stop_groups "${entries[@]}" || return 1
    for f in "${report[@]}"; do lab_say "stopped $f"; done
    for scen in "$@"; do
        rm -f "$LAB_PIDS/$scen"/*.pgid "$LAB_STATE/$scen.up"
        rmdir "$LAB_PIDS/$scen" 2>/dev/null || true
    done
}

# lab_leftovers: pids of any process still carrying this lab's tag.
lab_leftovers() {
    grep -lzF "QT_LAB_TAG=$QT_LAB_DIR|" /proc/[0-9]*/environ 2>/dev/null |
        awk -F/ '{print $3}' | grep -vx -e "$$" -e "$BASHPID" || true
}

lab_mark_up() {
    mkdir -p "$LAB_STATE"
    printf 'started=%s\nbase=%s\nttl=%s\nbuild=%s\n' "$(date +%s)" "$QT_LAB_PORT_BASE" \
        "$QT_LAB_TTL" "$QT_BUILD" >"$LAB_STATE/$1.up"
}

lab_need_bins() {
    local b
    for b in qmail-smtpd vchkpw vuserinfo zombie-maker loris qmail-popup imapd; do
        [[ -x $LAB_BIN/$b ]] || lab_die "missing $LAB_BIN/$b: build first (meson setup $QT_BUILD && ninja -C $QT_BUILD), or set QT_BUILD"
    done
}

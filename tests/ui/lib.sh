# lib.sh - drive the real console in a private tmux server, like a person.
# Source it; set QT_BIN. Checks come from tests/lib/check.sh; after a failed
# check the screen is printed; ui_finish prints "N passed, N failed".
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
TM="tmux -L qt-ui-$$"
OUT=$(mktemp -d /tmp/qt-ui.XXXXXX)

UI_N=0
ui_start() { # ui_start COLS ROWS CMD...
    local cols=$1 rows=$2; shift 2
    $TM kill-server 2>/dev/null || true
    # a fresh server each time: the old one exits asynchronously, and a new
    # session on its socket could meet it dying ("server exited unexpectedly")
    UI_N=$((UI_N + 1))
    TM="tmux -L qt-ui-$$-$UI_N"
    rm -f "$OUT/exit" "$OUT/stty"
    $TM -f /dev/null new-session -d -x "$cols" -y "$rows" -e LANG=C.UTF-8 -e TERM=xterm-256color \
        "bash -c 'echo \$\$ > $OUT/shell.pid; exec 0<&0; $* ; echo \"exit=\$?\" > $OUT/exit; stty -a > $OUT/stty; sleep 30'"
    $TM set-option -g remain-on-exit on >/dev/null
}
ui_keys() { $TM send-keys "$@"; sleep "${QT_UI_DELAY:-0.4}"; }
ui_screen() { $TM capture-pane -p; }
ui_resize() { $TM resize-window -x "$1" -y "$2" 2>/dev/null || $TM resize-pane -x "$1" -y "$2"; sleep 0.5; }
ui_wait_for() { # ui_wait_for TEXT [SECONDS]
    local i
    for i in $(seq 1 $(( ${2:-5} * 10 ))); do
        ui_screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
ui_show_screen() { echo "--- screen:"; ui_screen | sed 's/^/    /'; }
CHECK_ON_FAIL=ui_show_screen
# Screens update asynchronously (slower under sanitizers): poll up to 5 s.
has() { local i; for i in $(seq 1 50); do ui_screen | grep -qF -- "$1" && return 0; sleep 0.1; done; return 1; }
hasnt() { local i; for i in $(seq 1 50); do ui_screen | grep -qF -- "$1" || return 0; sleep 0.1; done; return 1; }
ui_finish() {
    $TM kill-server 2>/dev/null || true
    rm -rf "$OUT"
    check_done
}

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
# ui_keys KEY...: type, then pause QT_UI_DELAY (0.25 s) like a person. The
# checks after a key poll for the frame anyway; the pause keeps keys apart
# (Esc then a key must not read as Alt-key: the console's ESCDELAY is 75 ms,
# tui/term.c). A loop that reads the screen once right after a key (no
# polling) asks for a longer pause itself: QT_UI_DELAY=0.4 ui_keys ...
ui_keys() { $TM send-keys "$@"; sleep "${QT_UI_DELAY:-0.25}"; }
ui_screen() { $TM capture-pane -p; }
ui_resize() { $TM resize-window -x "$1" -y "$2" 2>/dev/null || $TM resize-pane -x "$1" -y "$2"; sleep 0.5; }
# Screens update asynchronously (slower under sanitizers), so every check
# polls capture-pane until ONE frame satisfies it or the deadline (5 s, or
# QT_UI_WAIT) passes. A check after a key names text that only the frame
# after the key shows: a blank frame in the middle of a redraw, or the frame
# from before the key, never passes.
ui_frame_ok() { # ui_frame_ok FRAME WANT... [! ABSENT...]: every WANT and no ABSENT in FRAME
    local frame=$1 absent=0 t; shift
    [ $# -gt 0 ] && [ "$1" != "!" ] || return 1   # at least one text proves the frame
    for t in "$@"; do
        if [ "$t" = "!" ]; then absent=1; continue; fi
        if [ $absent = 0 ]; then
            grep -qF -- "$t" <<< "$frame" || return 1
        else
            grep -qF -- "$t" <<< "$frame" && return 1
        fi
    done
    return 0
}
ui_poll() { # ui_poll SECONDS PREDICATE ARGS...: PREDICATE "$frame" ARGS... on each frame
    local secs=$1 i; shift
    for i in $(seq 1 $(( secs * 10 ))); do
        "$1" "$(ui_screen)" "${@:2}" && return 0
        sleep 0.1
    done
    return 1
}
ui_poll_stable() { # ui_poll, and the frame must still be the same 0.1 s later:
    # a frame caught half drawn (curses output split in chunks) does not count
    local secs=$1 i f; shift
    for i in $(seq 1 $(( secs * 10 ))); do
        f=$(ui_screen)
        if "$1" "$f" "${@:2}"; then
            sleep 0.1
            [ "$(ui_screen)" = "$f" ] && return 0
        else
            sleep 0.1
        fi
    done
    return 1
}
# has WANT...: one frame shows every WANT
has() { ui_poll "${QT_UI_WAIT:-5}" ui_frame_ok "$@"; }
# hasnt SHOWN ABSENT...: one whole (stable) frame shows SHOWN (the text that
# proves it is the frame after the key) and none of ABSENT
hasnt() { ui_poll_stable "${QT_UI_WAIT:-5}" ui_frame_ok "$1" ! "${@:2}"; }
ui_wait_for() { ui_poll "${2:-5}" ui_frame_ok "$1"; } # ui_wait_for TEXT [SECONDS]
ui_re_ok() { grep -qE -- "$2" <<< "$1"; }
# has_re ERE: one frame has a line matching the extended regex ERE
has_re() { ui_poll "${QT_UI_WAIT:-5}" ui_re_ok "$1"; }
ui_width_ok() { # the header (first line) is right-aligned to the last column or the one before
    local top; top=$(head -1 <<< "$1")
    [ "${#top}" -ge $(( $2 - 1 )) ] && [ "${#top}" -le "$2" ] && ui_frame_ok "$1" "${@:3}"
}
# has_at_width N WANT...: a frame drawn for an N-column terminal shows every WANT
has_at_width() { ui_poll "${QT_UI_WAIT:-5}" ui_width_ok "$@"; }
# the sample number "#N" of the header, empty when the header is not drawn
ui_sample_no() { ui_screen | head -1 | sed -n 's/^ qtriage .* #\([0-9][0-9]*\).*/\1/p'; }
ui_sample_after_ok() { # a frame whose header shows a sample number above $2 and no FROZEN
    local top n; top=$(head -1 <<< "$1")
    n=$(sed -n 's/^ qtriage .* #\([0-9][0-9]*\).*/\1/p' <<< "$top")
    [ -n "$n" ] && [ "$n" -gt "$2" ] && ! grep -qF FROZEN <<< "$top" && ui_frame_ok "$1" "${@:3}"
}
# sampled_after N WANT...: a frame with a sample newer than #N shows every WANT
sampled_after() { ui_poll "${QT_UI_WAIT:-5}" ui_sample_after_ok "$@"; }
ui_show_screen() { echo "--- screen:"; ui_screen | sed 's/^/    /'; }
CHECK_ON_FAIL=ui_show_screen
ui_finish() {
    $TM kill-server 2>/dev/null || true
    rm -rf "$OUT"
    check_done
}

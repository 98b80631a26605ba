# check.sh - the one assertion library of the shell tests (bash and sh).
# Source it: . "$(dirname "$0")/../lib/check.sh"
#
# Every helper takes the description first, prints one line
# "ok - DESC" or "not ok - DESC: why", and counts it. check_done prints the
# closing line "N passed, N failed" (the plain line CI reads) and returns
# non-zero when a check failed or none ran.
#   check DESC CMD...          CMD must exit 0
#   check_eq DESC WANT GOT     GOT must equal WANT
#   check_match DESC ERE TEXT  TEXT must match the extended regex ERE
#   check_grep DESC RE FILE    FILE must hold a line matching the basic
#                              regex RE (grep); else its first 60 lines are shown
#   ok DESC / not_ok DESC      count a result decided by the caller
# CHECK_ON_FAIL, when set, names a command run after each failure to show
# context (the UI tests print the screen).
# (sourced twice, e.g. by tests/lab and tests/ui helpers: the counts stay)
CHECK_PASS=${CHECK_PASS:-0}
CHECK_FAIL=${CHECK_FAIL:-0}

ok() { CHECK_PASS=$((CHECK_PASS + 1)); echo "ok - $*"; }
not_ok() {
    CHECK_FAIL=$((CHECK_FAIL + 1))
    echo "not ok - $*"
    if [ -n "${CHECK_ON_FAIL:-}" ]; then $CHECK_ON_FAIL; fi
    return 0
}
check() {
    _check_desc=$1; shift
    if "$@"; then ok "$_check_desc"; else not_ok "$_check_desc"; fi
}
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1 ($3)"; else not_ok "$1: expected '$2', got '$3'"; fi
}
# bash matches the whole text ($'\n' in the regex works); sh matches per line
if [ -n "${BASH_VERSION:-}" ]; then
    _check_re() { [[ $1 =~ $2 ]]; }
else
    _check_re() { printf '%s\n' "$1" | grep -Eq -- "$2"; }
fi
check_match() {
    if _check_re "$3" "$2"; then ok "$1"; else not_ok "$1: '$3' does not match /$2/"; fi
}
check_grep() {
    if grep -q -- "$2" "$3"; then ok "$1"
    else not_ok "$1: no '$2' in $3"; head -60 "$3" | sed 's/^/    /'; fi
}
check_done() {
    echo "$CHECK_PASS passed, $CHECK_FAIL failed"
    [ "$CHECK_FAIL" -eq 0 ] && [ "$CHECK_PASS" -gt 0 ]
}

# procfix.sh - a fixture process table placed in a root, for tests (sourced).
#
# The fixtures under tests/fixtures/procfs-* name the supervise cwds as the
# served system sees them (/service/NAME). With --root R, qtriage takes a
# supervise whose cwd lies outside R for another tree's (its files are not
# judged from R), exactly as on a live machine with several trees. So a test
# that wants the fixture's services judged under R copies the fixture and
# relinks each /service cwd to R/service/..., creating those directories.
# Usage: qt_procfix_place FIXTURE_DIR DEST_PROC ROOT
qt_procfix_place() {
    local src=$1 dst=$2 root=$3 l t
    cp -a "$src" "$dst" || return 1
    mkdir -p "$root"
    for l in "$dst"/*/cwd; do
        [ -L "$l" ] || continue
        t=$(readlink "$l")
        case $t in
        /service*) ln -sfn "$root$t" "$l"; mkdir -p "$root$t" ;;
        esac
    done
}

# integ.sh - shared by the integration tests that start servers on loopback
# (sourced after setting `pgids=()` and `tmp`).
#
# cleanup: TERM then KILL every recorded process group, remove $tmp; the
# caller installs it with `trap cleanup EXIT`.
# pick_port P: the first port from P up that nothing listens on (ss -tln).
cleanup() {
    for g in "${pgids[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
    sleep 0.2
    for g in "${pgids[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
    rm -rf "$tmp"
}

pick_port() {
    local p=$1
    while ss -Htln "( sport = :$p )" | grep -q .; do p=$((p + 1)); done
    echo "$p"
}

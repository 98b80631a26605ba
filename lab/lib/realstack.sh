# shellcheck shell=bash
# realstack.sh - the `real` scenario: the real notqmail, vpopmail and ucspi
# servers (built by lab/realstack/build) under svscan on 127.0.0.1, in a
# private mount namespace whose /dev/log is the lab's own syslog socket.
# Sourced by scenarios.sh after common.sh. See lab/README.md, "The real stack".

# Real-stack fixture: a domain and user of vpopmail (passwords of 12+
# characters: vpopmail's default minimum).
RS_DOMAIN=realstack.test
RS_USER=alice
RS_PASS='Alice-Secret-2026'
RS_POSTMASTER_PASS='Postmaster-Secret-2026'
RS_HOST=mail.realstack.test
RS_MAXCONNIP=3
# smtproutes sends every remote delivery to B+699, where nothing listens
RS_CLOSED_OFFSET=699

# rs_prefix: the built stack (lab/realstack/build prints it); exit 77 when
# QT_REALSTACK is missing, as the build does.
rs_prefix() {
    local out rc=0
    out=$("$LAB_SRC/realstack/build") || rc=$?
    (( rc == 0 )) || exit "$rc"
    echo "$out"
}

# rs_write_run DIR SCRIPT-BODY [LOGDIR]: a supervise service dir with run and
# log/run (multilog t LOGDIR), written atomically.
rs_write_service() {
    local dir=$1 body=$2 logdir=$3
    mkdir -p "$dir/log" "$logdir"
    printf '#!/bin/sh\n# qtriage lab (real stack)\nexec 2>&1\n%s\n' "$body" >"$dir/run.new"
    printf '#!/bin/sh\nexec /usr/bin/multilog t %s\n' "$logdir" >"$dir/log/run.new"
    chmod 755 "$dir/run.new" "$dir/log/run.new"
    mv "$dir/run.new" "$dir/run"
    mv "$dir/log/run.new" "$dir/log/run"
}

# rs_qmail_running PREFIX: pid of a running qmail-send of this prefix (its cwd
# is PREFIX/queue), if any. One real lab per build at a time: the queue and
# control/ are the build's.
rs_qmail_running() {
    local p
    for p in /proc/[0-9]*; do
        [[ $(cat "$p/comm" 2>/dev/null) == qmail-send ]] || continue
        [[ $(readlink "$p/cwd" 2>/dev/null) == "$1/queue" ]] && { echo "${p#/proc/}"; return 0; }
    done
    return 1
}

# rs_vpopmail PREFIX: (re)create the test domain and user, and qmail's control
# files (vadddomain writes rcpthosts, virtualdomains and users/assign).
rs_vpopmail() {
    local out=$1 q=$1/qmail v=$1/vpopmail closed
    closed=$(( QT_LAB_PORT_BASE + RS_CLOSED_OFFSET ))
    printf '%s\n' "$RS_HOST" >"$q/control/me"
    printf '%s\n' "$RS_HOST" >"$q/control/defaultdomain"
    printf '%s\n' "$RS_HOST" >"$q/control/plusdomain"
    printf 'localhost\n%s\n' "$RS_HOST" >"$q/control/locals"
    : >"$q/control/rcpthosts"
    # every remote delivery goes to a closed loopback port: qmail-remote never
    # asks a resolver (an IP as the relay needs no lookup)
    printf ':127.0.0.1:%s\n' "$closed" >"$q/control/smtproutes"
    printf './Maildir/\n' >"$q/control/defaultdelivery"
    printf '20\n' >"$q/control/concurrencyincoming"
    for a in postmaster root mailer-daemon; do
        printf '&postmaster@%s\n' "$RS_DOMAIN" >"$q/alias/.qmail-$a"
    done
    [[ -d $v/domains/$RS_DOMAIN ]] && "$v/bin/vdeldomain" "$RS_DOMAIN" >/dev/null 2>&1
    : >"$q/control/virtualdomains"
    "$v/bin/vadddomain" "$RS_DOMAIN" "$RS_POSTMASTER_PASS" >/dev/null ||
        lab_die "real: vadddomain $RS_DOMAIN failed"
    "$v/bin/vadduser" "$RS_USER@$RS_DOMAIN" "$RS_PASS" >/dev/null ||
        lab_die "real: vadduser $RS_USER@$RS_DOMAIN failed"
}

# rs_rules FILE.cdb LINE...: a tcprules cdb
rs_rules() {
    local cdb=$1; shift
    printf '%s\n' "$@" >"${cdb%.cdb}"
    tcprules "$cdb" "$cdb.tmp" <"${cdb%.cdb}" || lab_die "real: tcprules $cdb failed"
    chmod 644 "$cdb"
}

scenario_up_real() {
    local out q v rs svc lg dev p port closed
    out=$(rs_prefix)
    q=$out/qmail v=$out/vpopmail
    rs="$LAB_RUN/real"
    svc="$rs/service"
    lg="$rs/log"
    dev="$rs/dev"
    p=$(rs_qmail_running "$out/qmail") &&
        lab_die "real: qmail-send (pid $p) of $out/qmail already runs (another real lab?): one real lab per build"
    closed=$(( QT_LAB_PORT_BASE + RS_CLOSED_OFFSET ))
    lab_port_taken "$closed" && lab_die "real: port $closed must stay closed (smtproutes points there), but something listens"
    rm -rf "$rs"
    mkdir -p "$svc" "$lg" "$dev" "$rs/tls"
    chmod 755 "$rs" "$lg"
    echo "$out" >"$rs/prefix"

    rs_vpopmail "$out"
    # the lab key is a throwaway self-signed one: readable by the service uids
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$RS_HOST" \
        -addext "subjectAltName=DNS:$RS_HOST,IP:127.0.0.1" \
        -keyout "$rs/tls/key.pem" -out "$rs/tls/cert.pem" 2>/dev/null || lab_die "real: openssl req failed"
    chmod 644 "$rs/tls/key.pem" "$rs/tls/cert.pem"

    rs_rules "$rs/tcp.smtp.cdb" '127.:allow,SMTPAUTH=""' ':allow,SMTPAUTH=""'
    rs_rules "$rs/tcp.qmt.cdb" "127.:allow,SMTPAUTH=\"\",MAXCONNIP=\"$RS_MAXCONNIP\"" ':allow'

    # the AUTH patch runs argv[1..] as the checkpassword program (no hostname)
    local smtpd="$q/bin/qmail-smtpd $v/bin/vchkpw /bin/true"
    local tls="CERTFILE=$rs/tls/cert.pem KEYFILE=$rs/tls/key.pem DHFILE=$out/dh2048.pem"
    local vu vg
    vu=$(id -u vpopmail) vg=$(getent group vchkpw | cut -d: -f3)

    # qmail-send: the real queue of the build's prefix, logs via multilog
    rs_write_service "$svc/qmail-send" \
        "exec env - PATH=\"$q/bin:/usr/bin:/bin\" qmail-start ./Maildir/" "$lg/qmail-send"
    # smtp: tcpserver as vpopmail (vchkpw can read the domains)
    rs_write_service "$svc/qmail-smtpd" \
        "exec /usr/bin/tcpserver -v -R -H -l0 -x $rs/tcp.smtp.cdb -c 20 -u $vu -g $vg 127.0.0.1 $(lab_port real-smtp) $smtpd" \
        "$lg/smtpd"
    # submission: the LWQ mistake, qmail-smtpd as qmaild (vchkpw cannot read
    # vpopmail's domains: every AUTH fails with "user not found")
    rs_write_service "$svc/qmail-submission" \
        "QMAILDUID=\`id -u qmaild\`
NOFILESGID=\`id -g qmaild\`
exec /usr/bin/tcpserver -v -R -H -l0 -x $rs/tcp.smtp.cdb -c 20 -u \"\$QMAILDUID\" -g \"\$NOFILESGID\" 127.0.0.1 $(lab_port real-submission) $smtpd" \
        "$lg/submission"
    # smtps, fehcom sslserver 0.95b (UCSPI-TLS: execs qmail-smtpd before the
    # handshake), with -e; default handshake deadline
    rs_write_service "$svc/smtps-fehcom" \
        "exec env $tls SMTPAUTH= $out/fehcom/bin/sslserver -se -vRH -l0 -c 30 -u $vu -g $vg 127.0.0.1 $(lab_port real-smtps-fehcom) $smtpd" \
        "$lg/smtps-fehcom"
    # smtps, SuperScript sslserver 0.70 (handshake first), without -e
    rs_write_service "$svc/smtps-superscript" \
        "exec env $tls SMTPAUTH= $out/superscript/bin/sslserver -vRH -l0 -c 30 -u $vu -g $vg 127.0.0.1 $(lab_port real-smtps-superscript) $smtpd" \
        "$lg/smtps-superscript"
    # smtps, fehcom without the EOF fix: -c 5 slots for the spinning-child
    # incident (a client that closes without close_notify)
    rs_write_service "$svc/smtps-noeof" \
        "exec env $tls SMTPAUTH= $out/fehcom-noeof/bin/sslserver -se -vRH -l0 -c 5 -u $vu -g $vg 127.0.0.1 $(lab_port real-smtps-noeof) $smtpd" \
        "$lg/smtps-noeof"
    # pop3 and pop3s: qmail-popup + vchkpw as root (vchkpw changes to vpopmail)
    rs_write_service "$svc/qmail-pop3d" \
        "exec /usr/bin/tcpserver -v -R -H -l0 -c 20 127.0.0.1 $(lab_port real-pop3) $q/bin/qmail-popup $RS_HOST $v/bin/vchkpw $q/bin/qmail-pop3d Maildir" \
        "$lg/pop3d"
    rs_write_service "$svc/qmail-pop3sd" \
        "exec env $tls $out/fehcom/bin/sslserver -se -vRH -l0 -c 20 127.0.0.1 $(lab_port real-pop3s) $q/bin/qmail-popup $RS_HOST $v/bin/vchkpw $q/bin/qmail-pop3d Maildir" \
        "$lg/pop3sd"
    # QMailToaster's tcpserver: MAXCONNIP from the rules cdb
    rs_write_service "$svc/smtp-qmt" \
        "exec $out/qmt/bin/tcpserver -v -R -H -l0 -x $rs/tcp.qmt.cdb -c 20 -u $vu -g $vg 127.0.0.1 $(lab_port real-qmt) $smtpd" \
        "$lg/smtp-qmt"
    # fehcom ucspi-tcp6's tcpserver
    rs_write_service "$svc/smtp-tcp6" \
        "exec $out/tcp6/bin/tcpserver -4 -v -R -H -l0 -x $rs/tcp.smtp.cdb -c 20 -u $vu -g $vg 127.0.0.1 $(lab_port real-tcp6) $smtpd" \
        "$lg/smtp-tcp6"
    chown -R root:root "$svc"
    : >"$lg/maillog"
    chmod 644 "$lg/maillog"

    lab_launch real syslogd "$LAB_PY" "$LAB_SRC/realstack/syslogd.py" "$dev/log" "$lg/maillog"
    local t0=$SECONDS
    while [[ ! -S $dev/log ]] && (( SECONDS - t0 < 10 )); do sleep 0.05; done
    [[ -S $dev/log ]] || lab_die "real: the lab's syslog socket $dev/log did not appear (see $LAB_RUN/log/real.syslogd.log)"
    lab_launch real svscan unshare -m --propagation private \
        "$LAB_SRC/realstack/ns-run" "$dev" svscan "$svc"
    for port in $(lab_scenario_ports real); do
        lab_wait_listen "$port" 30 || lab_die "real: nothing listens on $port after 30 s (see $lg/*/current)"
    done
    t0=$SECONDS
    until rs_qmail_running "$out/qmail" >/dev/null; do
        (( SECONDS - t0 < 30 )) || lab_die "real: qmail-send did not start (see $lg/qmail-send/current)"
        sleep 0.1
    done
    rs_truth "$out"
}

# rs_truth PREFIX: state/real.json, read by lab/status (truth.py)
rs_truth() {
    "$LAB_PY" - "$1" "$LAB_RUN/real" "$LAB_STATE/real.json" <<EOF
import json, sys
out, rs, dest = sys.argv[1:4]
json.dump({
    "prefix": out, "qmail_dir": out + "/qmail", "vpopmail_dir": out + "/vpopmail",
    "run_dir": rs, "service_dir": rs + "/service", "maillog": rs + "/log/maillog",
    "domain": "$RS_DOMAIN", "user": "$RS_USER@$RS_DOMAIN", "password": "$RS_PASS",
    "hostname": "$RS_HOST", "maxconnip": $RS_MAXCONNIP,
}, open(dest, "w"), indent=1)
EOF
}

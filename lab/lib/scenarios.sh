# shellcheck shell=bash
# scenarios.sh - how each lab scenario is started. Sourced after common.sh.
# Each scenario_up_NAME starts its processes with lab_launch (bounded, own
# process group, recorded) and returns once they are ready.

# shellcheck source=realstack.sh
source "$LAB_SRC/lib/realstack.sh"

# scenario_deps SCENARIO: scenarios that must run before it.
scenario_deps() {
    case $1 in
        loris) echo smtp smtps-nodeadline imaps pop3s ;;
    esac
}

# lab_fixture: generate the root tree (idempotent). Regenerated only while
# nothing runs; refuses to mix port bases or builds in one running lab.
lab_fixture() {
    local stamp="$LAB_STATE/fixture" want="base=$QT_LAB_PORT_BASE build=$LAB_BIN" s
    mkdir -p "$LAB_STATE" "$QT_LAB_DIR/truth"
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $QT_LAB_DIR/truth/root.json ]]; then
        return 0
    fi
    if [[ -f $stamp ]]; then
        for s in "${LAB_SCENARIOS[@]}"; do
            [[ $s == root ]] && continue
            lab_scenario_recorded "$s" &&
                lab_die "the lab in $QT_LAB_DIR runs with $(cat "$stamp"); run lab/down first to use $want"
        done
    fi
    "$LAB_PY" "$LAB_SRC/lib/fixture.py" --root "$LAB_ROOT" --build "$LAB_BIN" \
        --base "$QT_LAB_PORT_BASE" --lab-dir "$QT_LAB_DIR" --plan "$LAB_PLAN" \
        --truth "$QT_LAB_DIR/truth/root.json" || lab_die "fixture generation failed"
    echo "$want" >"$stamp"
}

# lab_tls: a self-signed certificate for mail.lab.test (no network needed).
lab_tls() {
    local d="$LAB_RUN/tls"
    [[ -s $d/lab.pem ]] && return 0
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mail.lab.test \
        -addext subjectAltName=DNS:mail.lab.test,IP:127.0.0.1 \
        -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null || lab_die "openssl req failed"
    cat "$d/key.pem" "$d/cert.pem" >"$d/lab.pem.new"
    # readable by the services, which run as nobody/nogroup
    chgrp 65534 "$d/key.pem" "$d/lab.pem.new"
    chmod 640 "$d/key.pem" "$d/lab.pem.new"
    chmod 644 "$d/cert.pem"
    mv "$d/lab.pem.new" "$d/lab.pem"
}

lab_common_env() {
    export QT_SMTPD_HOSTNAME=mail.lab.test
    export QT_LAB_VPASSWD="$LAB_ROOT/home/vpopmail/etc/lab-vpasswd"
    export QT_LAB_VCHKPW_LOG="$LAB_ROOT/var/log/maillog"
    export QT_LAB_VPOPMAIL_HOME="$LAB_ROOT/home/vpopmail"
}

scenario_up_root() { :; } # lab_fixture did it

# --- smtp: tcpserver + qmail-smtpd + vchkpw under svscan/supervise/multilog ----
scenario_up_smtp() {
    local port svc
    port=$(lab_port smtp)
    svc="$LAB_ROOT/service/qmail-smtpd"
    mkdir -p "$svc/log" "$LAB_ROOT/var/log/qmail/smtpd"
    cat >"$svc/run.new" <<EOF
#!/bin/sh
# qtriage lab: qmail-smtpd with vpopmail SMTP AUTH (LWQ-style run script).
# The lab runs it as nobody (65534) on 127.0.0.1:$port; production uses
# \`id -u qmaild\` / \`id -g qmaild\` (or vpopmail) and "0 smtp".
QMAILDUID=65534
NOFILESGID=65534
MAXSMTPD=\`cat $LAB_ROOT/var/qmail/control/concurrencyincoming\`
LOCAL=\`head -1 $LAB_ROOT/var/qmail/control/me\`
QT_SMTPD_TIMEOUT=\`cat $LAB_ROOT/var/qmail/control/timeoutsmtpd\`
QT_SMTPD_HOSTNAME="\$LOCAL"
export QT_SMTPD_TIMEOUT QT_SMTPD_HOSTNAME
if [ -z "\$MAXSMTPD" -o -z "\$LOCAL" ]; then
    echo MAXSMTPD or LOCAL is unset in $svc/run
    exit 1
fi
exec /usr/bin/softlimit -m 64000000 \\
    /usr/bin/tcpserver -v -R -H -l0 -x $LAB_ROOT/etc/tcp.smtp.cdb -c "\$MAXSMTPD" \\
        -u "\$QMAILDUID" -g "\$NOFILESGID" 127.0.0.1 $port \\
        $LAB_ROOT/var/qmail/bin/qmail-smtpd $LAB_ROOT/home/vpopmail/bin/vchkpw /bin/true 2>&1
EOF
    cat >"$svc/log/run.new" <<EOF
#!/bin/sh
exec /usr/bin/multilog t $LAB_ROOT/var/log/qmail/smtpd
EOF
    chmod 755 "$svc/run.new" "$svc/log/run.new"
    mv "$svc/run.new" "$svc/run"
    mv "$svc/log/run.new" "$svc/log/run"
    lab_launch smtp svscan svscan "$LAB_ROOT/service"
    lab_wait_listen "$port" 30 || lab_die "smtp: nothing listens on $port after 30 s (see $LAB_RUN/log/smtp.svscan.log)"
}

# --- implicit TLS without a handshake deadline: socat OPENSSL-LISTEN fork ----
# lab_socat_tls SCENARIO NAME SERVICE PROGRAM...
lab_socat_tls() {
    local scen=$1 name=$2 svc=$3 port limit; shift 3
    port=$(lab_port "$svc")
    limit=$(lab_svc "$svc" 7)
    lab_tls
    lab_common_env
    lab_launch "$scen" "$name" socat -d -d \
        "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,backlog=128,max-children=$limit,cert=$LAB_RUN/tls/lab.pem,verify=0" \
        "EXEC:$*"
    lab_wait_listen "$port" 30 || lab_die "$scen: nothing listens on $port after 30 s"
}

# --- implicit TLS with a deadline: tcpserver ... stunnel4 inetd.conf ---------
# lab_stunnel_tls SCENARIO SERVICE EXEC EXECARGS
lab_stunnel_tls() {
    local scen=$1 svc=$2 exe=$3 args=$4 port limit deadline conf logdir
    port=$(lab_port "$svc")
    limit=$(lab_svc "$svc" 7)
    deadline=$(lab_svc "$svc" 6)
    # under the root: qtriage reads the config it names from --root, as on
    # a real server (in run/ it was outside the tree: "not readable")
    conf="$LAB_ROOT/etc/stunnel/$svc.conf"
    logdir="$LAB_ROOT/var/log/qmail/$svc"
    lab_tls
    lab_common_env
    mkdir -p "$logdir" "$LAB_ROOT/etc/stunnel"
    # only global options: stunnel runs in inetd mode on tcpserver's socket
    cat >"$conf" <<EOF
; qtriage lab: stunnel in inetd mode under tcpserver ($svc)
foreground = yes
cert = $LAB_RUN/tls/lab.pem
TIMEOUTbusy = $deadline
exec = $exe
execArgs = $args
EOF
    chmod 644 "$conf"
    lab_launch "$scen" tcpserver bash -c \
        'tcpserver -v -R -H -l0 -c "$1" -u 65534 -g 65534 127.0.0.1 "$2" /usr/bin/stunnel4 "$3" 2>&1 | multilog t "$4"' \
        "$scen" "$limit" "$port" "$conf" "$logdir"
    lab_wait_listen "$port" 30 || lab_die "$scen: nothing listens on $port after 30 s"
}

scenario_up_smtps-nodeadline() {
    lab_socat_tls smtps-nodeadline socat smtps \
        "$LAB_ROOT/var/qmail/bin/qmail-smtpd $LAB_ROOT/home/vpopmail/bin/vchkpw /bin/true"
}

scenario_up_smtps-deadline() {
    lab_stunnel_tls smtps-deadline smtps-dl "$LAB_ROOT/var/qmail/bin/qmail-smtpd" \
        "qmail-smtpd $LAB_ROOT/home/vpopmail/bin/vchkpw /bin/true"
}

scenario_up_imaps() {
    lab_socat_tls imaps socat imaps "$LAB_ROOT/usr/sbin/imapd"
}

scenario_up_pop3s() {
    lab_stunnel_tls pop3s pop3s "$LAB_ROOT/var/qmail/bin/qmail-popup" \
        "qmail-popup mail.lab.test $LAB_ROOT/home/vpopmail/bin/vchkpw qmail-pop3d Maildir"
}

# --- submission: aiosmtpd with STARTTLS + AUTH (three flavours) --------------
scenario_up_submission() {
    local svc mechs port
    lab_tls
    lab_common_env
    for svc in submission submission-plain submission-cram; do
        case $svc in
            submission) mechs=PLAIN,LOGIN ;;
            submission-plain) mechs=PLAIN ;;
            submission-cram) mechs=CRAM-MD5 ;;
        esac
        port=$(lab_port "$svc")
        lab_launch submission "$svc" "$LAB_PY" "$LAB_SRC/lib/submission.py" \
            --port "$port" --mechs "$mechs" --cert "$LAB_RUN/tls/cert.pem" \
            --key "$LAB_RUN/tls/key.pem" --vchkpw "$LAB_ROOT/home/vpopmail/bin/vchkpw" \
            --hostname mail.lab.test
    done
    for svc in submission submission-plain submission-cram; do
        lab_wait_listen "$(lab_port "$svc")" 30 || lab_die "submission: $svc does not listen (see $LAB_RUN/log/submission.$svc.log)"
    done
}

# --- zombies -------------------------------------------------------------------
scenario_up_zombies() {
    local group sup argv child n g m esc dir
    mkdir -p "$LAB_ROOT/service-zombies"
    while IFS=$'\t' read -r group sup argv child n g m _; do
        if [[ $sup == - ]]; then
            # shellcheck disable=SC2086 # argv is a space-separated fake argv
            lab_launch zombies "$group" "$LAB_BIN/zombie-maker" -n "$n" -g "$g" -m "$m" \
                -t "$QT_LAB_TTL" -c "$child" -- $argv
        else
            dir="$LAB_ROOT/service-zombies/$sup"
            mkdir -p "$dir"
            cat >"$dir/run.new" <<EOF
#!/bin/sh
# qtriage lab: a tcpserver-looking parent that never reaps its children
# ($group: $n at start, one more every ${g}s (0 = never), at most $m)
exec 2>&1
exec /usr/bin/softlimit -m 64000000 \\
    $LAB_BIN/zombie-maker -n $n -g $g -m $m -t $QT_LAB_TTL -c $child -- \\
    $argv
EOF
            chmod 755 "$dir/run.new"
            mv "$dir/run.new" "$dir/run"
        fi
    done < <(lab_plan zombies.tsv)
    lab_launch zombies svscan svscan "$LAB_ROOT/service-zombies"
    lab_wait_zombies 30 || lab_die "zombies: the zombie groups did not appear within 30 s"
}

# lab_wait_zombies SECONDS: every planned group shows its initial zombies.
lab_wait_zombies() {
    local want have t0=$SECONDS
    want=$(lab_plan zombies.tsv | awk -F'\t' '{s+=$5} END {print s}')
    while (( SECONDS - t0 < $1 )); do
        have=$("$LAB_PY" "$LAB_SRC/lib/truth.py" --count-zombies)
        (( have >= want )) && return 0
        sleep 0.2
    done
    return 1
}

# --- dns: dnsmasq with the lab.test zone, no upstream at all -----------------
scenario_up_dns() {
    local port conf case ip name aip rev
    port=$(lab_port dns)
    conf="$LAB_RUN/dnsmasq.conf"
    mkdir -p "$LAB_RUN"
    {
        echo "# qtriage lab DNS: FCrDNS cases (lab/plan/dns.tsv); no upstream servers"
        echo "local-ttl=300"
        echo "local=/lab.test/"
        echo "local=/example.test/"
        echo "local=/remote.example/"
        echo "local=/127.in-addr.arpa/"
        echo "mx-host=example.test,mail.lab.test,10"
        echo 'txt-record=example.test,"v=spf1 a mx -all"'
        while IFS=$'\t' read -r case ip name aip; do
            rev=$(awk -F. '{print $4"."$3"."$2"."$1".in-addr.arpa"}' <<<"$ip")
            case $case in
                pass) echo "host-record=$name,$ip" ;;
                a_only) echo "address=/$name/$aip" ;;
                ptr_no_a) echo "ptr-record=$rev,$name" ;;
                ptr_a_differs) echo "ptr-record=$rev,$name"; echo "address=/$name/$aip" ;;
                none) echo "# $ip: no PTR, no name (NXDOMAIN)" ;;
            esac
        done < <(lab_plan dns.tsv)
    } >"$conf"
    lab_launch dns dnsmasq dnsmasq -k --conf-file="$conf" --listen-address=127.0.0.1 \
        --port="$port" --bind-interfaces --no-resolv --no-hosts --pid-file= \
        --log-queries --log-facility="$LAB_RUN/log/dns.queries.log"
    lab_wait_listen "$port" 30 || lab_die "dns: dnsmasq does not listen on $port"
}

# --- loris: slow clients ---------------------------------------------------------
scenario_up_loris() {
    local key target mode rec port srcs args
    mkdir -p "$LAB_RUN/loris"
    while read -r key; do
        IFS=: read -r target mode rec <<<"$key"
        port=$(lab_port "$target")
        srcs=$(lab_plan loris.tsv | awk -F'\t' -v t="$target" -v m="$mode" -v r="$rec" \
            '$1==t && $2==m && $5==r {printf "%s%s:%s", (n++ ? "," : ""), $3, $4}')
        args=(-p "$port" -s "$srcs" -m "$mode" -t "$QT_LAB_TTL" -i 3
              -o "$LAB_RUN/loris/$target-$mode-$rec.status")
        [[ $rec == 1 ]] && args+=(-r)
        lab_launch loris "$target-$mode-$rec" "$LAB_BIN/loris" "${args[@]}"
    done < <(lab_plan loris.tsv | awk -F'\t' '!seen[$1":"$2":"$5]++ {print $1":"$2":"$5}')
    lab_wait_loris 40 || lab_die "loris: not all slow clients are connected after 40 s (see $LAB_RUN/loris/*.status)"
}

# lab_wait_loris SECONDS: every loris status file shows all its connections up.
lab_wait_loris() {
    local f ok t0=$SECONDS
    while (( SECONDS - t0 < $1 )); do
        ok=1
        for f in "$LAB_RUN"/loris/*.status; do
            [[ -e $f ]] || { ok=0; break; }
            awk '{for (i=1;i<=NF;i++) {split($i,a,"="); v[a[1]]=a[2]}} END {exit !(v["wanted"]==v["established"])}' "$f" || ok=0
        done
        (( ok )) && return 0
        sleep 0.1
    done
    return 1
}

# --- healthy: a correctly configured server, its own root and ports ----------
# $QT_LAB_DIR/healthy/root (lab/lib/fixture_healthy.py): svscan root/service
# -> supervise qmail-smtpd (tcpserver -x rules -c) and qmail-smtpsd (tcpserver
# -x rules -c + stunnel4 with TIMEOUTbusy), each with a multilog log service;
# then a few complete client sessions (swaks, AUTH + one message), none left
# open. Their results go to healthy/run/sessions.tsv (the truth reads it).
LAB_HEALTHY="$QT_LAB_DIR/healthy"
scenario_up_healthy() {
    local root="$LAB_HEALTHY/root" run="$LAB_HEALTHY/run" sp ssp svc port tls rc i
    sp=$(lab_port healthy-smtp)
    ssp=$(lab_port healthy-smtps)
    lab_tls
    mkdir -p "$run"
    chmod 755 "$LAB_HEALTHY"
    # regenerated on every start (nothing of it runs now); logs are kept
    rm -rf "$root/service"
    "$LAB_PY" "$LAB_SRC/lib/fixture_healthy.py" --root "$root" --build "$LAB_BIN" \
        --base "$QT_LAB_PORT_BASE" --smtp "$sp:$(lab_svc healthy-smtp 7)" \
        --smtps "$ssp:$(lab_svc healthy-smtps 7):$(lab_svc healthy-smtps 6)" \
        --tls-pem "$LAB_RUN/tls/lab.pem" || lab_die "healthy: fixture generation failed"
    lab_launch healthy svscan svscan "$root/service"
    for port in "$sp" "$ssp"; do
        lab_wait_listen "$port" 30 || lab_die "healthy: nothing listens on $port after 30 s (see $LAB_RUN/log/healthy.svscan.log)"
    done
    : >"$run/sessions.tsv.new"
    for i in 1 2; do
        for svc in smtp smtps; do
            port=$sp tls=()
            [[ $svc == smtps ]] && port=$ssp tls=(--tls-on-connect)
            rc=0
            # swaks' --timeout does not cover the TLS handshake: timeout(1) does
            timeout 30 swaks --server "127.0.0.1:$port" "${tls[@]}" --timeout 10 \
                --auth PLAIN --auth-user alice@example.test --auth-password 'Secret1!' \
                --from alice@example.test --to postmaster@example.test \
                --helo client.lab.test >>"$run/sessions.log" 2>&1 || rc=$?
            printf '%s\t%s\t%s\n' "$svc" "$port" "$rc" >>"$run/sessions.tsv.new"
        done
    done
    mv "$run/sessions.tsv.new" "$run/sessions.tsv"
}

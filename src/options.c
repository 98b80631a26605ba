/* options.c - command-line parsing (getopt_long). */
#include "src/options.h"
#include "diag/auth/auth_dns.h"
#include "diag/core/util.h"
#include "report/report.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: qtriage [OPTION]...\n"
    "Incident console for qmail + vpopmail + tcpserver mail servers.\n"
    "\n"
    "  --root DIR          read mail-server files (/var/qmail, /service, logs) under DIR (default /)\n"
    "  --proc DIR          procfs to read (default /proc)\n"
    "  --qmail-dir DIR     qmail's prefix (default: from the running qmail-send, qmail-smtpd, ~alias, else /var/qmail)\n"
    "  --ports LIST        watched services, e.g. smtps=465,imaps,995 (default smtps=465,imaps=993,pop3s=995)\n"
    "  --interval SECONDS  time between samples (default 1; numbers are decimal: 0.5, 2)\n"
    "  --limit N           tcpserver -c limit to assume when no command line tells it\n"
    "  --dns-server IPv4[:PORT] or [IPv6]:PORT  DNS server for lookups (none by default: no\n"
    "                      lookups); a bare IPv6 address means port 53\n"
    "  --public-ip IP      this server's public address (for reverse-DNS checks)\n"
    "  --read-only         disable every action that changes the system\n"
    "  --no-probe          no TLS handshake or idle-drop probes of the local listeners\n"
    "  --probe-idle SECONDS  --once/--json/--check: also run the idle-drop probes, waiting at\n"
    "                      most SECONDS for the server to drop a silent client (1-3600;\n"
    "                      the console's bound, default 60)\n"
    "  --no-color          monochrome (also when NO_COLOR is set)\n"
    "  --ascii             no line-drawing glyphs\n"
    "  --batch             print every pane and all findings as plain text, no terminal needed\n"
    "  --count K           with --batch: take K samples --interval apart (default 1)\n"
    "  --once              same as --batch --count 1\n"
    "  --auth USER@DOMAIN  run the authentication wizard without a terminal; the password is\n"
    "                      read from stdin (one line, no echo on a terminal), never from argv\n"
    "  --auth-target HOST:PORT   SMTP service to log in to (default 127.0.0.1:587)\n"
    "  --auth-mech MECH    PLAIN, LOGIN or CRAM-MD5 (default: the best the server offers)\n"
    "  --auth-service NAME service vchkpw emulates: submission, smtp, smtps, pop3, imap, a port, none\n"
    "  --auth-tls MODE     auto, starttls, implicit or none (default auto: implicit on 465)\n"
    "  --auth-program PATH program vchkpw runs on success (default /usr/bin/id)\n"
    "  --auth-timeout SECONDS  per network phase and per child (default 15)\n"
    "  --vchkpw PATH       vchkpw to test (default: from the running qmail-smtpd, else ~vpopmail/bin/vchkpw)\n"
    "\n"
    "Reports and monitoring (no terminal needed):\n"
    "  --report TARGET     write the report: FILE.md (Markdown), FILE.json (JSON), DIR (both,\n"
    "                      named qtriage-HOST-YYYYmmdd-HHMMSS.{md,json}) or - (Markdown on stdout)\n"
    "  --report-dir DIR    where the console's w key writes reports (default: current\n"
    "                      directory, or $HOME when it is not writable)\n"
    "  --json              print the report as JSON on stdout\n"
    "  --load FILE.json    open a saved report read-only (with --once: print it)\n"
    "  --check             Nagios/Icinga plugin: one status line with perfdata,\n"
    "                      exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
    "  -w, --warn KEY=RANGE  --check: WARNING when perfdata KEY is outside RANGE (e.g. established.smtps=80)\n"
    "  -c, --crit KEY=RANGE  --check: CRITICAL likewise; RANGE as in the plugin guidelines (N, N:, ~:N, @N:M)\n"
    "  --timeout SECONDS   --check gives UNKNOWN after this long; also bounds sampling (default 10)\n"
    "  --prometheus FILE   write metrics for node_exporter's textfile collector (atomically);\n"
    "                      - writes them on standard output\n"
    "\n"
    "Logs:\n"
    "  --classify-log FILE...  classify every line of each FILE (- for standard input; .gz\n"
    "                      rotations inflated) and print FILE:LINE<TAB>CATEGORY<TAB>\n"
    "                      REMOTE_IP<TAB>USER per line; - for an empty field, control bytes,\n"
    "                      non-ASCII and \\ as \\xNN (TAB \\t, newline \\n); passwords never shown\n"
    "  --log-window TIME[,SIZE]  how far back each mail log is read at start: TIME as N, Ns,\n"
    "                      Nm, Nh or Nd, SIZE per log as N, NK, NM or NG (default 1h,64M)\n"
    "\n"
    "Command lines:\n"
    "  --explain-cmdline LINE  what the Servers detail view shows for a tcpserver/sslserver/\n"
    "                      s6 command line LINE as ps -o args or /proc/PID/cmdline give it (ps\n"
    "                      columns and tree glyphs before it are skipped): the variant and the\n"
    "                      evidence for it (from the path and the options: no binary is read),\n"
    "                      each option's meaning, port, limits, handshake deadline, findings\n"
    "  --variant KEY       with --explain-cmdline: read LINE as this variant (ucspi-tcp,\n"
    "                      ucspi-tcp6, tcpserver-sslpatch, sslserver, sslserver-feh, indimail...)\n"
    "                      --json with --explain-cmdline prints the same as JSON\n"
    "  --help              show this help and exit\n"
    "  --version           show the version and exit\n"
    "\n"
    "Exit status: 0 ok, 1 a file could not be written, 2 bad usage or a bad --load file;\n"
    "--auth: 0 authentication works, 1 a problem was found, 3 no password could be read;\n"
    "--check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for bad usage);\n"
    "--classify-log: 0 every file read to its end, 1 a file could not be opened or read\n"
    "(said on stderr; the other files are still read), 2 bad usage;\n"
    "--explain-cmdline: 0 the line was read, 2 it holds no front end (or bad usage).\n";

/* N with a unit suffix from units ("smhd" or "KMG"), each unit's factor in
 * mult; no suffix: factor 1. 0, or -1 when s is not that. */
static int parse_unit(const char *s, size_t len, const char *units, const double *mult, double *out)
{
    char buf[32];
    unsigned long v;
    double f = 1;
    if (!len || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    const char *u = strchr(units, buf[len - 1]);
    if (u && buf[len - 1]) {
        f = mult[u - units];
        buf[--len] = 0;
    }
    if (qt_parse_ulong(buf, &v) != 0 || v == 0)
        return -1;
    *out = (double)v * f;
    return 0;
}

/* --log-window TIME[,SIZE] (diag/logmon/logmon.h): at most 366 days and 64 GiB. */
static int parse_log_window(const char *arg, qt_ctx *ctx)
{
    static const double tm[] = {1, 60, 3600, 86400}, sz[] = {1024, 1048576, 1073741824};
    const char *comma = strchr(arg, ',');
    double t, b = (double)ctx->log_window_bytes;
    if (parse_unit(arg, comma ? (size_t)(comma - arg) : strlen(arg), "smhd", tm, &t) != 0 || t > 366 * 86400.0)
        return -1;
    if (comma && (parse_unit(comma + 1, strlen(comma + 1), "KMG", sz, &b) != 0 || b > 68719476736.0))
        return -1;
    ctx->log_window = t;
    ctx->log_window_bytes = (unsigned long long)b;
    return 0;
}

enum {
    O_ROOT = 256, O_PROC, O_QMAIL_DIR, O_LOG_WINDOW, O_PORTS, O_INTERVAL, O_LIMIT, O_DNS, O_PUBLIC_IP, O_READ_ONLY,
    O_NO_COLOR, O_ASCII, O_BATCH, O_COUNT, O_ONCE, O_HELP, O_VERSION,
    O_AUTH, O_AUTH_TARGET, O_AUTH_MECH, O_AUTH_SERVICE, O_AUTH_TLS, O_AUTH_PROGRAM, O_AUTH_TIMEOUT, O_VCHKPW,
    O_REPORT, O_REPORT_DIR, O_JSON, O_LOAD, O_CHECK, O_TIMEOUT, O_PROMETHEUS, O_CLASSIFY_LOG,
    O_NO_PROBE, O_PROBE_IDLE, O_EXPLAIN, O_VARIANT,
    O_WARN = 'w', O_CRIT = 'c',
};

static const struct option longopts[] = {
    {"root", required_argument, NULL, O_ROOT},
    {"proc", required_argument, NULL, O_PROC},
    {"qmail-dir", required_argument, NULL, O_QMAIL_DIR},
    {"ports", required_argument, NULL, O_PORTS},
    {"interval", required_argument, NULL, O_INTERVAL},
    {"limit", required_argument, NULL, O_LIMIT},
    {"log-window", required_argument, NULL, O_LOG_WINDOW},
    {"dns-server", required_argument, NULL, O_DNS},
    {"public-ip", required_argument, NULL, O_PUBLIC_IP},
    {"read-only", no_argument, NULL, O_READ_ONLY},
    {"no-probe", no_argument, NULL, O_NO_PROBE},
    {"probe-idle", required_argument, NULL, O_PROBE_IDLE},
    {"no-color", no_argument, NULL, O_NO_COLOR},
    {"ascii", no_argument, NULL, O_ASCII},
    {"batch", no_argument, NULL, O_BATCH},
    {"count", required_argument, NULL, O_COUNT},
    {"once", no_argument, NULL, O_ONCE},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {"auth", required_argument, NULL, O_AUTH},
    {"auth-target", required_argument, NULL, O_AUTH_TARGET},
    {"auth-mech", required_argument, NULL, O_AUTH_MECH},
    {"auth-service", required_argument, NULL, O_AUTH_SERVICE},
    {"auth-tls", required_argument, NULL, O_AUTH_TLS},
    {"auth-program", required_argument, NULL, O_AUTH_PROGRAM},
    {"auth-timeout", required_argument, NULL, O_AUTH_TIMEOUT},
    {"vchkpw", required_argument, NULL, O_VCHKPW},
    {"report", required_argument, NULL, O_REPORT},
    {"report-dir", required_argument, NULL, O_REPORT_DIR},
    {"json", no_argument, NULL, O_JSON},
    {"load", required_argument, NULL, O_LOAD},
    {"check", no_argument, NULL, O_CHECK},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"prometheus", required_argument, NULL, O_PROMETHEUS},
    {"warn", required_argument, NULL, O_WARN},
    {"crit", required_argument, NULL, O_CRIT},
    {"classify-log", no_argument, NULL, O_CLASSIFY_LOG},
    {"explain-cmdline", required_argument, NULL, O_EXPLAIN},
    {"variant", required_argument, NULL, O_VARIANT},
    {NULL, 0, NULL, 0},
};

/* The one-line usage error. What the user typed is shown escaped like all
 * other text (a value may hold terminal escape sequences). */
static int bad(FILE *err, const char *opt, const char *val, const char *why)
{
    char *v = qt_safe_strdup(val, strlen(val)), *w = qt_safe_strdup(why, strlen(why));
    fprintf(err, "qtriage: %s '%s': %s (see qtriage --help)\n", opt, v, w);
    free(v);
    free(w);
    return QT_OPT_EXIT_USAGE;
}

static int bad_arg(FILE *err, const char *fmt, const char *arg)
{
    char *a = qt_safe_strdup(arg, strlen(arg));
    fprintf(err, fmt, a);
    free(a);
    return QT_OPT_EXIT_USAGE;
}

/* Seconds as a plain decimal, digits with an optional fraction ("2",
 * "0.5"), between lo and hi. strtod alone would also take " 5", "+5",
 * "0x10", "1e3", "inf" and "nan": refused here. 0 or -1. */
static int parse_seconds(const char *s, double lo, double hi, double *out)
{
    size_t i = 0, digits = 0;
    double v;

    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (digits && s[i] == '.') {
        size_t frac = 0;
        for (i++; s[i] >= '0' && s[i] <= '9'; i++)
            frac++;
        if (!frac)
            return -1;
    }
    if (!digits || s[i] || i > 32)
        return -1;
    v = strtod(s, NULL);
    if (!(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* --dns-server: IPv4[:PORT], [IPv6][:PORT] or a bare IPv6 address (port 53:
 * a port after an IPv6 address needs the brackets), PORT 1-65535 in
 * decimal; no names (no resolver is ever asked). diag/auth/auth_dns.c parses it
 * for c-ares the same way. */
static int dns_server_ok(const char *s)
{
    char csv[128], e[128];
    /* brackets are for IPv6 only: "[192.0.2.1]:53" is not one of the forms */
    if (*s == '[' && !memchr(s + 1, ':', strcspn(s + 1, "]")))
        return 0;
    return qt_dns_server_csv(s, csv, sizeof csv, e, sizeof e) == 0;
}

static int ip_ok(const char *s)
{
    unsigned char b[16];
    return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* Modes that cannot go together. */
static int check_modes(const qt_options *o, FILE *err)
{
    const char *conflict = NULL;
    int outputs = o->json || o->report || o->prometheus;

    if (o->explain && (o->report || o->prometheus || o->check || o->batch || o->load || o->auth || o->classify_log))
        conflict = "--explain-cmdline prints only its explanation (--json for JSON): it cannot be combined with "
                   "--check, --report, --prometheus, --batch/--once, --load, --auth or --classify-log";
    else if (o->variant && !o->explain)
        conflict = "--variant only applies to --explain-cmdline";
    else if (o->classify_log && (outputs || o->check || o->batch || o->load || o->auth))
        conflict = "--classify-log only classifies the files it names: it cannot be combined with "
                   "--check, --json, --report, --prometheus, --batch/--once, --load or --auth";
    else if (o->check && (outputs || o->batch || o->load))
        conflict = "--check writes only its status line: it cannot be combined with --json, --report, "
                   "--prometheus, --batch/--once or --load";
    else if ((o->nwarn || o->ncrit) && !o->check)
        conflict = "--warn/--crit only apply to --check";
    else if (outputs && o->batch)
        conflict = "--batch/--once and --json/--report/--prometheus both print a sample: choose one";
    else if (o->json && o->report && strcmp(o->report, "-") == 0)
        conflict = "--json and --report - both write to standard output";
    else if (o->prometheus && strcmp(o->prometheus, "-") == 0 && (o->json || (o->report && strcmp(o->report, "-") == 0)))
        conflict = "--prometheus - and --json/--report - both write to standard output";
    else if (o->load && o->prometheus)
        conflict = "--prometheus needs a live sample, not a --load'ed report";
    if (conflict) {
        fprintf(err, "qtriage: %s (see qtriage --help)\n", conflict);
        return QT_OPT_EXIT_USAGE;
    }
    return QT_OPT_RUN;
}

int qt_options_parse(int argc, char **argv, qt_options *o, FILE *out, FILE *err)
{
    int c;
    char msg[256];
    const char *nc = getenv("NO_COLOR");

    memset(o, 0, sizeof *o);
    qt_ctx_defaults(&o->ctx);
    o->interval = 1;
    o->count = 1;
    o->timeout = 10;
    o->no_color = nc && *nc;
    opterr = 0;
    optind = 0; /* not 1: glibc then also drops the rest of a cluster an earlier parse stopped in (getopt(3)) */
    while ((c = getopt_long(argc, argv, ":w:c:", longopts, NULL)) != -1) {
        switch (c) {
        case O_ROOT: o->ctx.root = optarg; break;
        case O_PROC: o->ctx.proc = optarg; break;
        case O_QMAIL_DIR:
            if (optarg[0] != '/') {
                fprintf(err, "qtriage: --qmail-dir: give an absolute path (as on the served system)\n");
                return QT_OPT_EXIT_USAGE;
            }
            o->ctx.qmail_dir = optarg;
            break;
        case O_PORTS:
            if (qt_ctx_parse_ports(&o->ctx, optarg, msg, sizeof msg) != 0)
                return bad(err, "--ports", optarg, msg);
            break;
        case O_INTERVAL:
            if (parse_seconds(optarg, 0.1, 3600, &o->interval) != 0)
                return bad(err, "--interval", optarg, "want decimal seconds between 0.1 and 3600");
            break;
        case O_LOG_WINDOW:
            if (parse_log_window(optarg, &o->ctx) != 0)
                return bad(err, "--log-window", optarg, "want TIME[,SIZE]: 1h, 30m, 7d; 64M, 1G");
            break;
        case O_LIMIT: {
            unsigned long v;
            if (qt_parse_ulong(optarg, &v) != 0 || v == 0 || v > 1000000)
                return bad(err, "--limit", optarg, "want a connection count from 1 to 1000000");
            o->ctx.limit = (unsigned)v;
            break;
        }
        case O_DNS:
            if (!dns_server_ok(optarg))
                return bad(err, "--dns-server", optarg,
                           "want IPv4[:PORT] or [IPv6]:PORT, PORT a decimal from 1 to 65535 (no names)");
            o->ctx.dns_server = optarg;
            break;
        case O_PUBLIC_IP:
            if (!ip_ok(optarg))
                return bad(err, "--public-ip", optarg, "want this server's public address as an IPv4 or IPv6 address");
            o->ctx.public_ip = optarg;
            break;
        case O_READ_ONLY: o->ctx.read_only = 1; break;
        case O_NO_PROBE: o->ctx.no_probe = 1; break;
        case O_PROBE_IDLE:
            if (parse_seconds(optarg, 1, 3600, &o->ctx.probe_idle) != 0)
                return bad(err, "--probe-idle", optarg, "want decimal seconds between 1 and 3600");
            break;
        case O_NO_COLOR: o->no_color = 1; break;
        case O_ASCII: o->ascii = 1; break;
        case O_BATCH: o->batch = 1; break;
        case O_COUNT: {
            unsigned long v;
            if (qt_parse_ulong(optarg, &v) != 0 || v == 0)
                return bad(err, "--count", optarg, "want a whole number of samples, at least 1");
            o->count = v;
            break;
        }
        case O_ONCE: o->batch = 1; o->count = 1; break;
        case O_AUTH: o->auth = optarg; break;
        case O_AUTH_TARGET: o->auth_target = optarg; break;
        case O_AUTH_MECH: o->auth_mech = optarg; break;
        case O_AUTH_SERVICE: o->auth_service = optarg; break;
        case O_AUTH_TLS: o->auth_tls = optarg; break;
        case O_AUTH_PROGRAM: o->auth_program = optarg; break;
        case O_VCHKPW: o->vchkpw = optarg; break;
        case O_AUTH_TIMEOUT:
            if (parse_seconds(optarg, 0.5, 300, &o->auth_timeout) != 0)
                return bad(err, "--auth-timeout", optarg, "want decimal seconds between 0.5 and 300");
            break;
        case O_REPORT:
            if (qt_report_target_kind(optarg, msg, sizeof msg) < 0)
                return bad(err, "--report", optarg, msg);
            o->report = optarg;
            break;
        case O_REPORT_DIR: o->report_dir = optarg; break;
        case O_JSON: o->json = 1; break;
        case O_LOAD: o->load = optarg; break;
        case O_CHECK: o->check = 1; break;
        case O_CLASSIFY_LOG: o->classify_log = 1; break;
        case O_EXPLAIN: o->explain = optarg; break;
        case O_VARIANT: o->variant = optarg; break;
        case O_TIMEOUT:
            if (parse_seconds(optarg, 0.1, 86400, &o->timeout) != 0)
                return bad(err, "--timeout", optarg, "want decimal seconds between 0.1 and 86400");
            break;
        case O_PROMETHEUS:
            if (!*optarg)
                return bad(err, "--prometheus", optarg, "want a file name, or - for standard output");
            o->prometheus = optarg;
            break;
        case O_WARN:
        case O_CRIT: {
            struct qt_threshold *tv = c == O_WARN ? o->warn : o->crit;
            size_t *n = c == O_WARN ? &o->nwarn : &o->ncrit;
            const char *name = c == O_WARN ? "--warn" : "--crit";
            if (*n == QT_MAX_THRESHOLDS)
                return bad(err, name, optarg, "too many thresholds");
            if (qt_threshold_parse(optarg, &tv[*n], msg, sizeof msg) != 0)
                return bad(err, name, optarg, msg);
            (*n)++;
            break;
        }
        case O_HELP: fputs(usage, out); return QT_OPT_EXIT_OK;
        case O_VERSION: fprintf(out, "qtriage %s\n", QT_VERSION); return QT_OPT_EXIT_OK;
        case ':':
            return bad_arg(err, "qtriage: option '%s' needs a value (see qtriage --help)\n", argv[optind - 1]);
        default:
            return bad_arg(err, "qtriage: unknown option '%s' (see qtriage --help)\n", argv[optind - 1]);
        }
    }
    if (!o->auth && (o->auth_target || o->auth_mech || o->auth_service || o->auth_tls || o->auth_program ||
                     o->vchkpw || o->auth_timeout > 0)) {
        fprintf(err, "qtriage: --auth-* and --vchkpw need --auth USER@DOMAIN (see qtriage --help)\n");
        return QT_OPT_EXIT_USAGE;
    }
    if (o->classify_log) {
        /* the files are the operands: getopt_long moved them to the end */
        if (optind >= argc) {
            fprintf(err, "qtriage: --classify-log needs at least one FILE (- for standard input) (see qtriage --help)\n");
            return QT_OPT_EXIT_USAGE;
        }
        o->log_files = argv + optind;
        o->nlog_files = argc - optind;
    } else if (optind < argc) {
        return bad_arg(err, "qtriage: unexpected argument '%s' (see qtriage --help)\n", argv[optind]);
    }
    return check_modes(o, err);
}

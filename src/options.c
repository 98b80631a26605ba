/* options.c - command-line parsing (getopt_long). */
#include "options.h"
#include "../diag/util.h"
#include "../report/report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: qtriage [OPTION]...\n"
    "Incident console for qmail + vpopmail + tcpserver mail servers.\n"
    "\n"
    "  --root DIR          read mail-server files (/var/qmail, /service, logs) under DIR (default /)\n"
    "  --proc DIR          procfs to read (default /proc)\n"
    "  --ports LIST        watched services, e.g. smtps=465,imaps,995 (default smtps=465,imaps=993,pop3s=995)\n"
    "  --interval SECONDS  time between samples (default 1)\n"
    "  --limit N           tcpserver -c limit to assume when no command line tells it\n"
    "  --dns-server IP[:PORT]  DNS server for lookups (none by default: no lookups)\n"
    "  --public-ip IP      this server's public address (for reverse-DNS checks)\n"
    "  --read-only         disable every action that changes the system\n"
    "  --no-color          monochrome (also when NO_COLOR is set)\n"
    "  --ascii             no line-drawing glyphs\n"
    "  --batch             print every pane and all findings as plain text, no terminal needed\n"
    "  --count K           with --batch: take K samples --interval apart (default 1)\n"
    "  --once              same as --batch --count 1\n"
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
    "  --prometheus FILE   write metrics for node_exporter's textfile collector (atomically)\n"
    "  --help              show this help and exit\n"
    "  --version           show the version and exit\n"
    "\n"
    "Exit status: 0 ok, 1 a file could not be written, 2 bad usage or a bad --load file;\n"
    "--check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for bad usage).\n";

enum {
    O_ROOT = 256, O_PROC, O_PORTS, O_INTERVAL, O_LIMIT, O_DNS, O_PUBLIC_IP, O_READ_ONLY,
    O_NO_COLOR, O_ASCII, O_BATCH, O_COUNT, O_ONCE, O_HELP, O_VERSION,
    O_REPORT, O_REPORT_DIR, O_JSON, O_LOAD, O_CHECK, O_TIMEOUT, O_PROMETHEUS,
    O_WARN = 'w', O_CRIT = 'c',
};

static const struct option longopts[] = {
    {"root", required_argument, NULL, O_ROOT},
    {"proc", required_argument, NULL, O_PROC},
    {"ports", required_argument, NULL, O_PORTS},
    {"interval", required_argument, NULL, O_INTERVAL},
    {"limit", required_argument, NULL, O_LIMIT},
    {"dns-server", required_argument, NULL, O_DNS},
    {"public-ip", required_argument, NULL, O_PUBLIC_IP},
    {"read-only", no_argument, NULL, O_READ_ONLY},
    {"no-color", no_argument, NULL, O_NO_COLOR},
    {"ascii", no_argument, NULL, O_ASCII},
    {"batch", no_argument, NULL, O_BATCH},
    {"count", required_argument, NULL, O_COUNT},
    {"once", no_argument, NULL, O_ONCE},
    {"help", no_argument, NULL, O_HELP},
    {"version", no_argument, NULL, O_VERSION},
    {"report", required_argument, NULL, O_REPORT},
    {"report-dir", required_argument, NULL, O_REPORT_DIR},
    {"json", no_argument, NULL, O_JSON},
    {"load", required_argument, NULL, O_LOAD},
    {"check", no_argument, NULL, O_CHECK},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"prometheus", required_argument, NULL, O_PROMETHEUS},
    {"warn", required_argument, NULL, O_WARN},
    {"crit", required_argument, NULL, O_CRIT},
    {NULL, 0, NULL, 0},
};

static int bad(FILE *err, const char *opt, const char *val, const char *why)
{
    fprintf(err, "qtriage: %s '%s': %s (see qtriage --help)\n", opt, val, why);
    return QT_OPT_EXIT_USAGE;
}

/* Modes that cannot go together. */
static int check_modes(const qt_options *o, FILE *err)
{
    const char *conflict = NULL;
    int outputs = o->json || o->report || o->prometheus;

    if (o->check && (outputs || o->batch || o->load))
        conflict = "--check writes only its status line: it cannot be combined with --json, --report, "
                   "--prometheus, --batch/--once or --load";
    else if ((o->nwarn || o->ncrit) && !o->check)
        conflict = "--warn/--crit only apply to --check";
    else if (outputs && o->batch)
        conflict = "--batch/--once and --json/--report/--prometheus both print a sample: choose one";
    else if (o->json && o->report && strcmp(o->report, "-") == 0)
        conflict = "--json and --report - both write to standard output";
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
    optind = 1;
    while ((c = getopt_long(argc, argv, ":w:c:", longopts, NULL)) != -1) {
        switch (c) {
        case O_ROOT: o->ctx.root = optarg; break;
        case O_PROC: o->ctx.proc = optarg; break;
        case O_PORTS:
            if (qt_ctx_parse_ports(&o->ctx, optarg, msg, sizeof msg) != 0)
                return bad(err, "--ports", optarg, msg);
            break;
        case O_INTERVAL: {
            char *end;
            double v = strtod(optarg, &end);
            if (*end || end == optarg || !(v >= 0.1 && v <= 3600))
                return bad(err, "--interval", optarg, "want seconds between 0.1 and 3600");
            o->interval = v;
            break;
        }
        case O_LIMIT: {
            unsigned long v;
            if (qt_parse_ulong(optarg, &v) != 0 || v == 0 || v > 1000000)
                return bad(err, "--limit", optarg, "want a connection count from 1 to 1000000");
            o->ctx.limit = (unsigned)v;
            break;
        }
        case O_DNS: o->ctx.dns_server = optarg; break;
        case O_PUBLIC_IP: o->ctx.public_ip = optarg; break;
        case O_READ_ONLY: o->ctx.read_only = 1; break;
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
        case O_REPORT:
            if (qt_report_target_kind(optarg, msg, sizeof msg) < 0)
                return bad(err, "--report", optarg, msg);
            o->report = optarg;
            break;
        case O_REPORT_DIR: o->report_dir = optarg; break;
        case O_JSON: o->json = 1; break;
        case O_LOAD: o->load = optarg; break;
        case O_CHECK: o->check = 1; break;
        case O_TIMEOUT: {
            char *end;
            double v = strtod(optarg, &end);
            if (*end || end == optarg || !(v >= 0.1 && v <= 86400))
                return bad(err, "--timeout", optarg, "want seconds between 0.1 and 86400");
            o->timeout = v;
            break;
        }
        case O_PROMETHEUS:
            if (!*optarg)
                return bad(err, "--prometheus", optarg, "want a file name");
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
            fprintf(err, "qtriage: option '%s' needs a value (see qtriage --help)\n", argv[optind - 1]);
            return QT_OPT_EXIT_USAGE;
        default:
            fprintf(err, "qtriage: unknown option '%s' (see qtriage --help)\n", argv[optind - 1]);
            return QT_OPT_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(err, "qtriage: unexpected argument '%s' (see qtriage --help)\n", argv[optind]);
        return QT_OPT_EXIT_USAGE;
    }
    return check_modes(o, err);
}

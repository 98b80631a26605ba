/* options.h - the command line. */
#ifndef QT_OPTIONS_H
#define QT_OPTIONS_H

#include <stdio.h>

#include "diag/core/ctx.h"
#include "report/monitor.h"

#define QT_MAX_THRESHOLDS 64

typedef struct qt_options {
    qt_ctx ctx;              /* handed to diag/ */
    double interval;         /* seconds between samples (--interval, default 1) */
    int batch;               /* --batch / --once */
    unsigned long count;     /* --count: samples in batch mode (default 1) */
    int no_color;            /* --no-color or NO_COLOR set */
    int ascii;               /* --ascii */
    const char *report;      /* --report FILE */
    const char *load;        /* --load FILE */
    const char *prometheus;  /* --prometheus FILE */
    int json;                /* --json */
    int check;               /* --check */
    double timeout;          /* --timeout for --check, default 10 */
    /* --auth: the authentication wizard without a terminal (src/authcheck.c) */
    const char *auth;        /* --auth USER@DOMAIN (NULL = not requested) */
    const char *auth_target; /* --auth-target HOST:PORT */
    const char *auth_mech;   /* --auth-mech PLAIN|LOGIN|CRAM-MD5 */
    const char *auth_service;/* --auth-service NAME (sets TCPLOCALPORT for vchkpw) */
    const char *auth_tls;    /* --auth-tls auto|starttls|implicit|none */
    const char *auth_program;/* --auth-program PATH run by vchkpw on success */
    const char *vchkpw;      /* --vchkpw PATH */
    double auth_timeout;     /* --auth-timeout SECONDS, 0 = default */
    const char *report_dir;  /* --report-dir: where the console's w key writes (NULL = cwd, else $HOME) */
    struct qt_threshold warn[QT_MAX_THRESHOLDS], crit[QT_MAX_THRESHOLDS];  /* --warn/--crit KEY=RANGE */
    size_t nwarn, ncrit;
    int classify_log;        /* --classify-log FILE...: the operands are the files */
    char **log_files;        /* points into argv */
    int nlog_files;
    const char *explain;     /* --explain-cmdline LINE (NULL = not requested) */
    const char *variant;     /* --variant KEY: with --explain-cmdline, the variant to read it as */
    const struct qt_report_store *store;  /* the loaded --load report (set by main), else NULL */
} qt_options;

enum { QT_OPT_RUN = 0, QT_OPT_EXIT_OK = 1, QT_OPT_EXIT_USAGE = 2 };

/* Parse argv into o. Returns QT_OPT_RUN, QT_OPT_EXIT_OK (--help/--version
 * printed to out) or QT_OPT_EXIT_USAGE (a one-line error naming the option
 * printed to err). */
int qt_options_parse(int argc, char **argv, qt_options *o, FILE *out, FILE *err);

#endif

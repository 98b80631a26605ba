/* report.h - the report: one document of everything a sample showed, written
 * as Markdown (for the ticket) and JSON (for machines, and for --load), and
 * read back as a store that answers the panes in place of the builders.
 *
 * Data flow: qt_report_doc_build() walks every pane of qt_panes[] through
 * qt_view_fill()/qt_view_drill() (so every pane feeds the report without
 * knowing it) into a qt_report_doc; report_json.c and report_md.c render that
 * document; report_write.c puts the bytes in files safely; report_load.c
 * parses a JSON document back into a qt_report_store.
 *
 * Secrets: the report reads nothing but the snapshot, the tables the panes
 * build and the context; it never reads the environment or argv. As a second
 * line of defence every string written goes through qt_report_redact().
 */
#ifndef QT_REPORT_H
#define QT_REPORT_H

#include <stddef.h>

#include "diag/core/snapshot.h"
#include "panes/pane.h"

#define QT_REPORT_FORMAT "qtriage-report"
/* 2: metrics may carry "unknown" (why value is null) with "lower"/"upper"
 * bounds; 3: an "incidents" array (diag/core/incident.h, docs/incidents.md);
 * 4: the sections of the queue, config and logs collectors and panes (their
 * sources, tables and perfdata); 5: a "logs" object (report_logs.c: the
 * sources with their state, counts per category, auth per service, top
 * IPs/users/domains with "others", bounces, deferrals); --load reads 1 to 5
 * (a reader of 4 would drop that object silently: a new section bumps the
 * version). */
#define QT_REPORT_FORMAT_VERSION 5

/* Bounds shared by the exporter (which cuts and records the cut) and the
 * loader (which rejects anything larger as hostile or corrupt). */
#define QT_REPORT_MAX_DEPTH      3          /* drill-down levels below a pane's top view */
#define QT_REPORT_MAX_ROWS       50000      /* rows kept per table */
#define QT_REPORT_MAX_DRILLS     200        /* rows of one view whose drill-down is saved */
#define QT_REPORT_MAX_VIEWS      5000       /* saved views (tables) in one document */
#define QT_REPORT_MAX_CELLS      600000     /* cells in all saved tables together */
#define QT_REPORT_BUDGET_BYTES   (24u << 20) /* estimated JSON size the exporter stays under */
#define QT_REPORT_MAX_TEXT       65536      /* bytes of one cell, title, id or note */
#define QT_REPORT_MAX_LONGTEXT   262144     /* bytes of one finding field (evidence, fix...) */
#define QT_REPORT_MAX_FINDINGS   100000
#define QT_REPORT_MAX_INCIDENTS  10000
#define QT_REPORT_MAX_METRICS    100000
#define QT_REPORT_MAX_PANES      64
#define QT_REPORT_MAX_BYTES      (32u << 20) /* size of a JSON file --load accepts */
#define QT_REPORT_MAX_VALUES     4000000    /* JSON values in such a file */

/* The active filter and sort of one pane's top view, as the shell shows it. */
struct qt_report_view_state {
    const char *pane;     /* qt_pane_def.name, e.g. "Ports" */
    const char *filter;   /* NULL or "" = no filter */
    int sort_col;         /* column index into the top view's main table; -1 = build order */
    int sort_desc;
};

struct qt_report_store;

/* What to export. Only ctx and snap are required. */
struct qt_report_in {
    const qt_ctx *ctx;
    const qt_snapshot *snap;
    const qt_history *hist;              /* may be NULL */
    const struct qt_report_store *store; /* set when re-exporting a loaded report */
    int frozen;                          /* the shell was frozen on this snapshot */
    const struct qt_report_view_state *views;  /* may be NULL */
    size_t nviews;
    /* Panes to walk; NULL means qt_panes[] (or the loaded report's panes). */
    const qt_pane_def *const *panes;
    size_t npanes;
};

/* --- the document (report_doc.c) --- */

/* One saved view: the tables a view built for one key, and below each row
 * the view it drills into. */
struct qt_report_view {
    char *name;               /* view name ("ports.ip") */
    char *key;                /* row id it was opened on; NULL at a pane's top */
    int depth;                /* 0 at a pane's top */
    qt_table head, main;      /* head.ncols == 0: no head */
    size_t rows_total;        /* rows the builder produced (main.nrows <= rows_total) */
    char **drill_name;        /* per main row: name of the view Enter opens, or NULL */
    struct qt_report_view **drill;  /* per main row: saved drill-down, or NULL */
    int drills_cut;           /* some rows' drill-downs were not saved (limits) */
};

struct qt_report_pane {
    char *name;
    struct qt_report_view *top;
    int has_state;            /* a qt_report_view_state was given for it */
    char *filter;             /* "" when none */
    int sort_col, sort_desc;
};

struct qt_report_src {        /* one collector's status at the sample */
    char name[32];
    enum qt_src_state state;
    char err[256];
    double took;
};

typedef struct qt_report_doc {
    const qt_ctx *ctx;
    const qt_snapshot *snap;
    const struct qt_report_store *store;  /* the loaded report re-exported, or NULL */
    int frozen;
    double exported;          /* wall-clock time of the export */
    char kernel_sysname[65], kernel_release[65], kernel_version[65], kernel_machine[65];
    struct qt_report_src src[QT_SRC_COUNT];
    int nsrc;
    qt_findings findings;     /* redacted copies of snap->findings, worst first */
    qt_incidents incidents;   /* redacted copies of snap->incidents, worst first */
    struct qt_report_pane *panes;
    size_t npanes;
    size_t nviews, ncells;    /* what was saved, checked against the bounds */
    size_t bytes;             /* estimate of the JSON size, kept under the loader's bound */
} qt_report_doc;

/* Walk every pane (qt_panes[], or the loaded report's panes when in->store is
 * set) into a document. Never fails; limits are recorded as cuts. */
qt_report_doc *qt_report_doc_build(const struct qt_report_in *in);
void qt_report_doc_free(qt_report_doc *d);

/* Name of a collector id from the collector registry (qt_src_name();
 * "unknown" out of range); and back (-1 for a name no collector has, e.g.
 * from a newer report: --load skips it). */
const char *qt_report_src_name(int id);
int qt_report_src_parse(const char *name);
/* Role names used in the JSON ("normal", "dim", "ok", "info", "warn", "crit",
 * "hilite") and back (-1 if unknown). */
const char *qt_report_role_name(unsigned role);
int qt_report_role_parse(const char *s);

/* --- renderings --- */

/* Markdown for humans (report_md.c): header, incidents worst first, findings worst first with
 * evidence and fix in code blocks, metrics, collectors, then each pane's
 * tables and drill-downs. Appends to out. */
void qt_report_md(const qt_report_doc *d, qt_buf *out);
/* The JSON document as text (report_json.h has the jansson tree). Appends to
 * out, ends with a newline. */
void qt_report_json_text(const qt_report_doc *d, qt_buf *out);

/* A copy of s (NULL gives NULL) with secrets replaced by "[REDACTED]": the
 * argument of "AUTH PLAIN|LOGIN|CRAM-MD5 <x>" / "AUTHENTICATE PLAIN <x>", the
 * value of password=, passwd=, pass=, pwd=, secret=, token= (also with ':',
 * any case, any prefix such as auth_password=), the word after --password,
 * --auth-password, --pass or -ap, and the password of a URL's user:pw@.
 * *count (may be NULL) gets how many were replaced. Caller frees. */
char *qt_report_redact(const char *s, size_t *count);

/* --- files (report_write.c) --- */

/* Write data to path atomically: a temporary file created in the same
 * directory with O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC and the given mode,
 * written, fsync'ed, then renamed onto path. replace=0 never replaces an
 * existing name; replace=1 replaces a regular file. A symlink or anything
 * but a regular file at path is refused. On failure nothing is left behind
 * and err says what happened ("cannot write /x/y: No space left on device").
 * Returns 0 or -1. */
int qt_write_file_atomic(const char *path, const void *data, size_t len, unsigned mode,
                         int replace, char *err, size_t errlen);

/* File stem "qtriage-HOST-YYYYmmdd-HHMMSS" (local time of the snapshot; host
 * reduced to [A-Za-z0-9._-]). */
void qt_report_stem(const qt_snapshot *snap, char *out, size_t n);

/* Write both files, STEM.md and STEM.json, mode 0600, into dir. dir NULL:
 * the current directory, falling back to $HOME when it cannot be written.
 * Never replaces a file: when the stem exists, "-2", "-3", ... is appended.
 * On success paths gets "DIR/STEM.{md,json}" (absolute) and 0 is returned;
 * on failure -1 and a one-line err. This is what the console's `w` key calls. */
int qt_report_export(const struct qt_report_in *in, const char *dir, char *paths, size_t pathslen,
                     char *err, size_t errlen);

/* --report TARGET. Returns a kind for a target, or -1 (with err) if it is none:
 * "-" Markdown on stdout; "*.md" Markdown file; "*.json" JSON file; an
 * existing directory or a name ending in '/' both timestamped files there. */
enum qt_report_target { QT_REPORT_STDOUT_MD, QT_REPORT_FILE_MD, QT_REPORT_FILE_JSON, QT_REPORT_DIR };
int qt_report_target_kind(const char *target, char *err, size_t errlen);
/* Write the report to target per its kind (explicit files replace a regular
 * file, never a symlink). written gets what was written (may be NULL). */
int qt_report_write_target(const struct qt_report_in *in, const char *target, char *written,
                           size_t wlen, char *err, size_t errlen);

/* --- loading (report_load.c) --- */

struct qt_report_store;

/* Parse and validate a report. Returns a store, or NULL with a one-line
 * reason in err (malformed, truncated, future format version, out of bounds,
 * control characters, wrong types...). data need not be NUL-terminated. */
struct qt_report_store *qt_report_load_buf(const char *data, size_t len, char *err, size_t errlen);
/* Same for a file (at most QT_REPORT_MAX_BYTES). */
struct qt_report_store *qt_report_load_file(const char *path, char *err, size_t errlen);
void qt_report_store_free(struct qt_report_store *st);

/* What the shell needs to show a loaded report (all owned by the store). */
const struct qt_view_store *qt_report_store_views(const struct qt_report_store *st);
/* The saved snapshot: seq, time, host, collector states, metrics, findings;
 * every collector model pointer is NULL. */
const qt_snapshot *qt_report_store_snapshot(const struct qt_report_store *st);
/* The saved options (services, root...). */
const qt_ctx *qt_report_store_ctx(const struct qt_report_store *st);
/* The panes as saved, in saved order; top views are the store's own. Legends
 * come from the built-in pane of the same name. */
const qt_pane_def *const *qt_report_store_panes(const struct qt_report_store *st, size_t *n);
/* Saved filter/sort of a pane, or NULL if none was saved. */
const struct qt_report_view_state *qt_report_store_state(const struct qt_report_store *st, const char *pane);
int qt_report_store_frozen(const struct qt_report_store *st);
/* qtriage version that wrote it, and when it was exported (epoch seconds). */
const char *qt_report_store_writer(const struct qt_report_store *st);
double qt_report_store_exported(const struct qt_report_store *st);
/* "Linux 6.1.0-18-amd64 x86_64" as saved. */
const char *qt_report_store_kernel(const struct qt_report_store *st);

#endif

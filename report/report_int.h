/* report_int.h - helpers shared by the report's files (not a public API). */
#ifndef QT_REPORT_INT_H
#define QT_REPORT_INT_H

#include <stddef.h>

#include "report/report.h"

/* --- tables (report_table.c) --- */

/* Deep copy of src into dst (dst is overwritten, not freed first). */
void qt_rtable_copy(qt_table *dst, const qt_table *src);
/* Keep the first n rows, free the rest. */
void qt_rtable_cut(qt_table *t, size_t n);
/* Append a row with an id and ncols empty-or-given cells, bypassing the
 * display escaping of qt_table_cell (the loader stores already-safe text). */
struct qt_row *qt_rtable_row_raw(qt_table *t, const char *id);

/* 1 when s is valid UTF-8 (len bytes) with no NUL. */
int qt_utf8_valid(const char *s, size_t len);
/* Cut s (malloc'd) in place to at most max bytes, at a character boundary
 * of the escaped text, ending with "...[cut]". Returns 1 if it was cut. */
int qt_rtext_clamp(char **s, size_t max);

/* --- string map (report_table.c): binary keys to pointers --- */

struct qt_rmap_ent {
    char *key;
    size_t klen;
    void *val;
};

typedef struct qt_rmap {
    struct qt_rmap_ent *v;
    size_t n, cap;            /* cap is 0 or a power of two */
} qt_rmap;

/* Value for key, or NULL. */
void *qt_rmap_get(const qt_rmap *m, const void *key, size_t klen);
/* Set key to val (copies the key). Returns the previous value or NULL. */
void *qt_rmap_put(qt_rmap *m, const void *key, size_t klen, void *val);
void qt_rmap_free(qt_rmap *m);

/* Key for (view name, key): name '\0' then '-' for NULL or 'k' key. */
void qt_rmap_viewkey(qt_buf *b, const char *view, const char *key);

/* --- json helpers (report_json.c) --- */

/* Format epoch seconds as "2024-01-02T03:04:05Z" (UTC). */
void qt_report_iso_utc(double t, char *out, size_t n);
/* Same in local time with the offset: "2024-01-02 04:04:05 +0100". */
void qt_report_local_time(double t, char *out, size_t n);

/* --- the store of a loaded report (report_store.c; filled by report_load.c) --- */

struct qt_rstore_view {       /* one saved view */
    char *name, *key;         /* key NULL at a pane's top */
    qt_table head, main;
    char **drill_name;        /* per main row: view Enter opens, or NULL */
};

struct qt_report_store {
    struct qt_view_store base;    /* first: the panes call through it */
    qt_snapshot snap;             /* model pointers NULL */
    qt_ctx ctx;
    char *writer;                 /* qtriage version that wrote the file */
    char *kernel;
    double exported;
    int frozen;
    struct qt_rstore_view **views;
    size_t nviews, capviews;
    qt_rmap bykey;                /* qt_rmap_viewkey(name, key) -> struct qt_rstore_view * */
    qt_rmap synth;                /* view name -> qt_view * standing for it */
    qt_pane_def *panes;           /* saved panes; top = the synthetic view */
    const qt_pane_def **pane_list;
    struct qt_report_view_state *states;  /* per pane; pane NULL when none was saved */
    size_t npanes;
    void *logs;                   /* json_t *: the checked "logs" object (format 5), or NULL */
    char **strings;               /* owned strings the structs above point to */
    size_t nstrings, capstrings;
};

/* An empty store with its view-store functions set. */
struct qt_report_store *qt_rstore_new(void);
/* Keep s (malloc'd) alive as long as the store; returns s. */
char *qt_rstore_keep(struct qt_report_store *st, char *s);
/* The view standing for saved views named name (created on first use). */
const qt_view *qt_rstore_synth(struct qt_report_store *st, const char *name);
/* Add a saved view (taken over); -1 if (name, key) is already there. */
int qt_rstore_add(struct qt_report_store *st, struct qt_rstore_view *v);

#endif

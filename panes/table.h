/* table.h - the table model every view is rendered into. No curses here:
 * the TUI draws it (tui/tableview.c), batch mode and the report print it.
 *
 * A table owns its rows and every string in them. Cell text is made
 * display-safe when stored (non-printable bytes escaped as \xNN), so data
 * from /proc, logs or peers can never inject terminal escapes.
 * Row ids are opaque keys (not displayed) used to keep the selection on the
 * same row across samples and to open a drill-down view.
 */
#ifndef QT_TABLE_H
#define QT_TABLE_H

#include <stddef.h>

#include "diag/core/util.h"

/* Semantic roles: the TUI maps them to colours or mono attributes; text
 * never relies on them alone (a word or glyph carries the meaning too). */
enum qt_role {
    QT_ROLE_NORMAL = 0,
    QT_ROLE_DIM,
    QT_ROLE_OK,
    QT_ROLE_INFO,
    QT_ROLE_WARN,
    QT_ROLE_CRIT,
    QT_ROLE_HILITE,    /* emphasis, e.g. the changed parts of a corrected command line */
    QT_ROLE_COUNT
};

#define QT_TABLE_MAXCOLS 16

#define QT_COL_RIGHT 1u   /* right-align (numbers) */
#define QT_COL_NUM   2u   /* sort by the cell's num, not its text */
#define QT_COL_FLEX  4u   /* takes the remaining width; long text is cut on screen only */
#define QT_COL_SPARK 8u   /* a sparkline in the ASCII ramp " .:-=+*#": the console draws
                           * each mark as a block glyph (U+2581..U+2588) on a UTF-8 terminal */
#define QT_COL_DROP 16u   /* on a screen too narrow for every column, left out first (whole) */

struct qt_col {
    char title[32];
    int width;            /* preferred minimum width on screen */
    unsigned flags;
};

struct qt_cell {
    char *text;
    double num;           /* sort key for QT_COL_NUM columns */
    unsigned char role;
};

struct qt_row {
    char *id;             /* never NULL */
    struct qt_cell *cells;  /* ncols entries; missing ones are "" */
    unsigned char role;   /* role for cells that have QT_ROLE_NORMAL */
};

typedef struct qt_table {
    char title[128];
    int ncols;
    struct qt_col cols[QT_TABLE_MAXCOLS];
    struct qt_row *rows;
    size_t nrows, cap;
    char *note;            /* shown above the rows (e.g. "STALE: cannot read /proc"); NULL = none */
    unsigned char note_role;
    int sort_col;          /* default sort chosen by the builder; -1 = keep build order */
    int sort_desc;
} qt_table;

void qt_table_init(qt_table *t, const char *title);
/* Add a column; returns its index. At most QT_TABLE_MAXCOLS. */
int qt_table_col(qt_table *t, const char *title, int width, unsigned flags);
/* Start a row with an id; following cell calls fill it left to right. */
struct qt_row *qt_table_row(qt_table *t, const char *id_fmt, ...) __attribute__((format(printf, 2, 3)));
void qt_table_cell(qt_table *t, unsigned char role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void qt_table_cell_num(qt_table *t, unsigned char role, double num, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A two-column "label  value" row (detail views): label dim, value in role.
 * A value longer than the detail's value column (qt_table_kv_width) goes on
 * in rows "ID~1", "ID~2"... with an empty label, wrapped at words
 * (panes/wrap.h qt_wrap_text): nothing is cut (issue 14 item 4). A '\\n'
 * in the value starts a new row too. */
void qt_table_kv(qt_table *t, const char *id, const char *label, unsigned char role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same for a value given as text; cmd=1 wraps it as a shell command
 * (qt_wrap_cmd: at shell-safe points, continued lines ending in " \"). */
void qt_table_kv_text(qt_table *t, const char *id, const char *label, unsigned char role, const char *text, int cmd);
/* The value column's width in a detail view at 80 columns, zoomed: 75 less
 * the label column's declared width (at least 20). */
int qt_table_kv_width(const qt_table *t);
void qt_table_note(qt_table *t, unsigned char role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void qt_table_free(qt_table *t);

/* Does row r contain needle (case-insensitive) in any cell? Empty needle matches. */
int qt_table_row_matches(const qt_table *t, size_t r, const char *needle);
/* Rows passing filter, ordered by sort_col (-1: build order) ascending or
 * descending (stable). idx must hold t->nrows entries; returns the count. */
size_t qt_table_visible(const qt_table *t, const char *filter, int sort_col, int desc, size_t *idx);
/* Index of the row with this id, or (size_t)-1. */
size_t qt_table_find(const qt_table *t, const char *id);

/* Plain text for batch mode and reports: title line, header, every listed
 * row, column widths from the content (nothing is cut). */
void qt_table_print(const qt_table *t, const size_t *idx, size_t n, qt_buf *out);

#endif

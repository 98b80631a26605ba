/* report_ld.h - typed, bounded access to a parsed report for the loader
 * (report_load.c). Every getter records the first error with its place in
 * the document ("panes[0].view.main.rows[3]: ...") and returns a neutral
 * value; callers check l->failed. Internal to report/. */
#ifndef QT_REPORT_LD_H
#define QT_REPORT_LD_H

#include <jansson.h>

#include "report/report_int.h"

struct qt_ld {
    struct qt_report_store *st;
    char *err;
    size_t errlen;
    int failed;
    qt_buf path;              /* where we are: "panes[0].view.main" */
    size_t nviews, ncells;
};

/* flags */
enum { OPT = 1, NUL_OK = 2, TXT_MULTI = 4 };

void qt_ld_fail(struct qt_ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Path segments: push returns the mark pop goes back to. */
size_t qt_ld_push(struct qt_ld *l, const char *name);
size_t qt_ld_push_idx(struct qt_ld *l, size_t i);
void qt_ld_pop(struct qt_ld *l, size_t mark);
const char *qt_ld_type_name(const json_t *j);

/* Member key of o of type t (JSON_REAL: any number; JSON_TRUE: a boolean).
 * NULL when absent (an error unless OPT) or null (an error unless NUL_OK). */
json_t *qt_ld_get(struct qt_ld *l, const json_t *o, const char *key, json_type t, int flags);
long long qt_ld_get_int(struct qt_ld *l, const json_t *o, const char *key, long long lo, long long hi, long long dflt,
                  int flags);
double qt_ld_get_num(struct qt_ld *l, const json_t *o, const char *key, double lo, double hi, double dflt, int flags);
int qt_ld_get_bool(struct qt_ld *l, const json_t *o, const char *key, int flags);
/* Display text: at most max bytes, no control byte (but '\n' with
 * TXT_MULTI), non-ASCII escaped as \xNN. The escaped result is at most max
 * bytes as well (cut on an escape boundary, ending "...[cut]"), so it fits a
 * char[max + 1] (with max under 9 it is refused instead). malloc'd, or NULL. */
char *qt_ld_get_text(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags);
/* Non-empty display text. */
char *qt_ld_get_name(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags);
/* Opaque key "<name>" or "<name>_hex"; *present says it was given non-null. */
char *qt_ld_get_key(struct qt_ld *l, const json_t *o, const char *name, int *present);
int qt_ld_get_role(struct qt_ld *l, const json_t *o, const char *key, int flags);
/* Array with at most max elements. */
json_t *qt_ld_get_array(struct qt_ld *l, const json_t *o, const char *key, size_t max, int flags);
/* Element i of a, which must be an object. */
json_t *qt_ld_elem_obj(struct qt_ld *l, const json_t *a, size_t i);

/* A report's "logs" object checked (report_logs.c): a deep copy to keep,
 * or NULL with the error recorded. */
json_t *qt_report_logs_load(struct qt_ld *l, const json_t *j);

#endif

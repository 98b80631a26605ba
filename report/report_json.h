/* report_json.h - the report as a JSON document, through jansson.
 *
 * Why jansson: small, in Debian for ages (libjansson4), a plain C API with
 * reference counting, strict UTF-8 validation on input and output, duplicate
 * key rejection (JSON_REJECT_DUPLICATES), a parser depth limit, and exact
 * double round trips (17 significant digits). json-c offers no duplicate-key
 * rejection and accepts invalid UTF-8.
 *
 * The format is described by docs/report.schema.json; this is version
 * QT_REPORT_FORMAT_VERSION. Every string written is valid UTF-8: display
 * strings of qtriage are ASCII already (bytes escaped as \xNN), and opaque
 * row ids or keys that are not UTF-8 are written as "id_hex"/"key_hex".
 */
#ifndef QT_REPORT_JSON_H
#define QT_REPORT_JSON_H

#include <jansson.h>

#include "report/report.h"

/* The document as a new jansson tree (caller json_decref()s it). */
json_t *qt_report_json(const qt_report_doc *d);

/* A display string as the loader accepts it (printable ASCII, raw bytes
 * as \xNN, at most max bytes); NULL gives null. */
json_t *qt_report_jtext(const char *s, size_t max);

/* Set member k of object o / append to array a, taking v's reference; a
 * NULL v or a failed allocation ends the program (qt_fatal): a report is
 * never written with a member missing. */
void qt_report_jset(json_t *o, const char *k, json_t *v);
void qt_report_jadd(json_t *a, json_t *v);

/* The "logs" object from the logs collector's model (report_logs.c). */
struct qt_logmon;
json_t *qt_report_logs_json(const struct qt_logmon *m);

/* Serialise a tree compactly followed by a newline, appended to out. */
void qt_report_json_dump(const json_t *j, qt_buf *out);

#endif

/* history.h - short numeric series kept across samples (sparklines, trends).
 *
 * A series is named by a key ("ports.smtps.established") and holds the last
 * QT_HIST_LEN values with their sample times. The history owns everything.
 */
#ifndef QT_HISTORY_H
#define QT_HISTORY_H

#include <stddef.h>

#define QT_HIST_LEN 60

typedef struct qt_series {
    char key[64];
    double t[QT_HIST_LEN];   /* wall-clock seconds */
    double v[QT_HIST_LEN];
    unsigned n;              /* values held, <= QT_HIST_LEN */
    unsigned head;           /* index of the next write */
} qt_series;

typedef struct qt_history {
    qt_series *s;
    size_t n, cap;
} qt_history;

/* Append (t, v) to the series key, creating it. Keys longer than 63 bytes are cut. */
void qt_history_push(qt_history *h, const char *key, double t, double v);
/* The series, or NULL if never pushed. */
const qt_series *qt_history_get(const qt_history *h, const char *key);
/* Copy up to max values, oldest first, into out; returns how many. */
size_t qt_series_values(const qt_series *s, double *out, size_t max);
/* Newest value (0 if empty) and the value `back` samples before it (back=0: newest). */
double qt_series_at(const qt_series *s, unsigned back);
void qt_history_free(qt_history *h);

#endif

/* logmon_spark.c - lines per category per minute over the last 30 minutes,
 * for the Logs pane's sparklines (contract in logmon.h). No I/O. */
#include "diag/logmon/logmon.h"

#include <string.h>

static int64_t minute_of(double t)
{
    return t >= 0 ? (int64_t)(t / 60.0) : 0;
}

void qt_logmon_spark_add(qt_logmon *m, enum qt_log_cat cat, int64_t t)
{
    struct qt_logmon_spark *s = &m->spark;
    int64_t now = minute_of(m->now), min = t > 0 ? t / 60 : 0;
    size_t slot;

    if ((unsigned)cat >= QT_LOG_NCATS)
        return;
    if (min > now)
        min = now;
    if (min <= now - QT_LOGMON_SPARK_MIN || min <= 0)
        return;
    slot = (size_t)(min % QT_LOGMON_SPARK_MIN);
    if (s->minute[slot] > min)
        return;   /* the slot already counts a newer minute */
    if (s->minute[slot] != min) {
        memset(s->n[slot], 0, sizeof s->n[slot]);
        s->minute[slot] = min;
    }
    if (s->n[slot][cat] < UINT32_MAX)
        s->n[slot][cat]++;
}

uint32_t qt_logmon_spark_get(const qt_logmon *m, enum qt_log_cat cat, double now, uint32_t *out)
{
    int64_t last = minute_of(now);
    uint32_t max = 0;

    for (int i = 0; i < QT_LOGMON_SPARK_MIN; i++) {
        int64_t min = last - (QT_LOGMON_SPARK_MIN - 1) + i;
        size_t slot = (size_t)((min % QT_LOGMON_SPARK_MIN + QT_LOGMON_SPARK_MIN) % QT_LOGMON_SPARK_MIN);
        out[i] = (unsigned)cat < QT_LOG_NCATS && m->spark.minute[slot] == min ? m->spark.n[slot][cat] : 0;
        if (out[i] > max)
            max = out[i];
    }
    return max;
}

void qt_logmon_spark_text(const qt_logmon *m, enum qt_log_cat cat, double now, char *out)
{
    static const char ramp[] = " .:-=+*#";
    uint32_t v[QT_LOGMON_SPARK_MIN], max = qt_logmon_spark_get(m, cat, now, v);

    for (int i = 0; i < QT_LOGMON_SPARK_MIN; i++) {
        /* 0 blank; 1..max over the seven marks, the largest '#' */
        unsigned level = !v[i] ? 0 : 1 + (unsigned)(((uint64_t)v[i] * 7 - 1) / max);
        out[i] = ramp[level > 7 ? 7 : level];
    }
    out[QT_LOGMON_SPARK_MIN] = 0;
}

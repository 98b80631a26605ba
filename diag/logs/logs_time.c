/* logs_time.c - the timestamps of mail log lines (contract in logs.h). */
#include "diag/logs/logs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* hex digit values, -1 for any other byte */
static const signed char hexv[256] = {
    ['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8,
    ['9'] = 9, ['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
    ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13, ['E'] = 14, ['F'] = 15,
};

static int hexval(char c)
{
    unsigned char u = (unsigned char)c;
    /* the table's zeros are digits only for '0' */
    return hexv[u] || u == '0' ? hexv[u] : -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* k decimal digits at s (all must be digits) into *v. 0 or -1. */
static int digits(const char *s, size_t n, size_t k, int *v)
{
    int x = 0;

    if (n < k)
        return -1;
    for (size_t i = 0; i < k; i++) {
        if (!is_digit(s[i]))
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

static size_t none(struct qt_log_time *t)
{
    t->kind = QT_STAMP_NONE;
    t->sec = 0;
    t->nsec = 0;
    return 0;
}

size_t qt_log_tai64n(const char *s, size_t n, struct qt_log_time *t)
{
    uint64_t sec = 0;
    uint32_t nsec = 0;

    if (n < 25 || s[0] != '@')
        return none(t);
    for (int i = 1; i <= 24; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return none(t);
        if (i <= 16)
            sec = sec << 4 | (uint64_t)h;
        else
            nsec = nsec << 4 | (uint32_t)h;
    }
    /* a TAI64 label is 2^62 + TAI seconds; tai64nlocal subtracts 10 more
     * (TAI - UTC at 1970 as daemontools counts it: docs/domain/supervision.md#multilog) */
    if (sec < 0x4000000000000000ULL || sec >= 0x4000000000000000ULL + (1ULL << 40) || nsec > 999999999)
        return none(t);
    t->kind = QT_STAMP_TAI64N;
    t->sec = (int64_t)(sec - 0x4000000000000000ULL) - 10;
    t->nsec = nsec;
    return 25;
}

/* ".ddd" (1-9 digits) at s as nanoseconds; the bytes taken (0: none there). */
static size_t fraction(const char *s, size_t n, uint32_t *nsec)
{
    size_t i = 1;
    uint32_t v = 0;

    *nsec = 0;
    if (n < 2 || s[0] != '.' || !is_digit(s[1]))
        return 0;
    for (; i < n && is_digit(s[i]); i++)
        if (i <= 9)
            v = v * 10 + (uint32_t)(s[i] - '0');
    if (i > 10)
        return (size_t)-1;  /* more than nanoseconds: not a stamp any program here writes */
    for (size_t k = i; k <= 9; k++)
        v *= 10;
    *nsec = v;
    return i;
}

size_t qt_log_epoch(const char *s, size_t n, struct qt_log_time *t)
{
    size_t i = 0, f;
    int64_t sec = 0;
    uint32_t nsec;

    while (i < n && is_digit(s[i]) && i < 13)
        sec = sec * 10 + (s[i] - '0'), i++;
    if (i == 0 || i > 12 || i >= n)
        return none(t);
    f = fraction(s + i, n - i, &nsec);
    if (f == 0 || f == (size_t)-1)
        return none(t);
    i += f;
    if (i < n && s[i] != ' ' && s[i] != '+')
        return none(t);
    t->kind = QT_STAMP_EPOCH;
    t->sec = sec;
    t->nsec = nsec;
    return i;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* mktime(3) and localtime(3) read the zone on every call (with TZ unset,
 * glibc stats /etc/localtime each time): at millions of lines that is most
 * of the work, so the last answers are kept, per thread, for as long as TZ
 * stays the same. Zone changes fall on whole hours, so the start of the hour
 * plus minutes and seconds is exact. */
#define HOUR_SLOTS 16
static __thread struct {
    char tz[64];
    int tz_set, valid;
    int64_t ref;                 /* ref -> its local year */
    int ref_year;
    struct { int y, mon, day, hh, used, ok; int64_t start; } hour[HOUR_SLOTS];
} cache;

static void cache_check_tz(void)
{
    const char *tz = getenv("TZ");
    int set = tz != NULL;

    if (cache.valid && set == cache.tz_set && (!set || strncmp(tz, cache.tz, sizeof cache.tz) == 0))
        return;
    memset(&cache, 0, sizeof cache);
    cache.valid = 1;
    cache.tz_set = set;
    if (set)
        snprintf(cache.tz, sizeof cache.tz, "%s", tz);
    cache.ref = INT64_MIN;
}

/* Unix time of local y-mon-day hh:00:00 (mon 0-11); 0 and *ok 0 when that
 * day does not exist (Feb 29 of a common year, day 31 of a short month). */
static int64_t local_hour(int y, int mon, int day, int hh, int *ok)
{
    /* the three candidate years of one hour, and neighbouring hours, in different slots */
    unsigned slot = ((unsigned)y % 4) * 4 + (unsigned)hh % 4;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mon, .tm_mday = day, .tm_hour = hh, .tm_isdst = -1};
    int64_t v;

    if (cache.hour[slot].used && cache.hour[slot].y == y && cache.hour[slot].mon == mon &&
        cache.hour[slot].day == day && cache.hour[slot].hh == hh) {
        *ok = cache.hour[slot].ok;
        return cache.hour[slot].start;
    }
    v = (int64_t)mktime(&tm);
    *ok = tm.tm_mon == mon && tm.tm_mday == day;
    cache.hour[slot].y = y, cache.hour[slot].mon = mon, cache.hour[slot].day = day, cache.hour[slot].hh = hh;
    cache.hour[slot].used = 1, cache.hour[slot].ok = *ok, cache.hour[slot].start = v;
    return v;
}

static int ref_year(int64_t ref)
{
    struct tm rt;
    time_t r = (time_t)ref;

    if (cache.ref != ref) {
        cache.ref = ref;
        cache.ref_year = localtime_r(&r, &rt) ? rt.tm_year + 1900 : 1970;
    }
    return cache.ref_year;
}

size_t qt_log_rfc3164(const char *s, size_t n, int64_t ref, struct qt_log_time *t)
{
    int mon = -1, day, hh, mm, ss, best_set = 0, y0;
    int64_t best = 0;

    if (n < 15 || s[3] != ' ' || s[6] != ' ' || s[9] != ':' || s[12] != ':')
        return none(t);
    for (int i = 0; i < 12; i++)
        if (memcmp(s, months + 3 * i, 3) == 0)
            mon = i;
    if (mon < 0)
        return none(t);
    if (s[4] == ' ' ? digits(s + 5, 1, 1, &day) : digits(s + 4, 2, 2, &day))
        return none(t);
    if (digits(s + 7, 2, 2, &hh) || digits(s + 10, 2, 2, &mm) || digits(s + 13, 2, 2, &ss))
        return none(t);
    if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return none(t);
    cache_check_tz();
    y0 = ref_year(ref);
    /* the year is not in the line: the candidate nearest the reference */
    for (int dy = -1; dy <= 1; dy++) {
        int ok;
        int64_t v = local_hour(y0 + dy, mon, day, hh, &ok) + mm * 60 + ss;
        int64_t d = v > ref ? v - ref : ref - v;
        int64_t bd = best > ref ? best - ref : ref - best;
        if (!ok)
            continue;
        if (!best_set || d < bd)
            best = v, best_set = 1;
    }
    if (!best_set)
        return none(t);
    t->kind = QT_STAMP_RFC3164;
    t->sec = best;
    t->nsec = 0;
    return 15;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil), so a zoned time needs no timegm and no TZ. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

size_t qt_log_iso8601(const char *s, size_t n, struct qt_log_time *t)
{
    int y, mo, d, hh, mm, ss, zone = 0, zoned = 0;
    size_t i = 19, f;
    uint32_t nsec = 0;
    char sep;

    if (n < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':')
        return none(t);
    sep = s[10];
    if (sep != 'T' && sep != ' ')
        return none(t);
    if (digits(s, 4, 4, &y) || digits(s + 5, 2, 2, &mo) || digits(s + 8, 2, 2, &d) ||
        digits(s + 11, 2, 2, &hh) || digits(s + 14, 2, 2, &mm) || digits(s + 17, 2, 2, &ss))
        return none(t);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
        return none(t);
    f = fraction(s + i, n - i, &nsec);
    if (f == (size_t)-1)
        return none(t);
    i += f;
    if (sep == 'T' && i < n && (s[i] == 'Z' || s[i] == 'z')) {
        zoned = 1;
        i++;
    } else if (sep == 'T' && i < n && (s[i] == '+' || s[i] == '-')) {
        int zh, zm, sign = s[i] == '-' ? -1 : 1;
        if (digits(s + i + 1, n - i - 1, 2, &zh))
            return none(t);
        if (i + 5 < n + 0 && s[i + 3] == ':' && !digits(s + i + 4, n - i - 4, 2, &zm))
            i += 6;
        else if (!digits(s + i + 3, n - i - 3, 2, &zm))
            i += 5;
        else
            return none(t);
        if (zh > 23 || zm > 59)
            return none(t);
        zone = sign * (zh * 3600 + zm * 60);
        zoned = 1;
    }
    if (zoned) {
        t->sec = days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss - zone;
    } else {
        int ok;
        cache_check_tz();
        t->sec = local_hour(y, mo - 1, d, hh, &ok) + mm * 60 + ss;
        if (!ok)
            return none(t);
    }
    t->kind = sep == ' ' && !zoned ? QT_STAMP_TAI64NLOCAL : QT_STAMP_ISO8601;
    t->nsec = nsec;
    return i;
}

size_t qt_log_stamp(const char *s, size_t n, int64_t ref, struct qt_log_time *t)
{
    size_t i = 0, k;

    /* "<PRI>" (RFC 3164 section 4.1.1) and RFC 5424's "<PRI>1 " */
    if (n > 2 && s[0] == '<') {
        for (i = 1; i < n && i < 5 && is_digit(s[i]); i++)
            ;
        if (i < 2 || i >= n || s[i] != '>')
            return none(t);
        i++;
        if (i + 1 < n && s[i] == '1' && s[i + 1] == ' ')
            i += 2;
    }
    if (i >= n)
        return none(t);
    if (s[i] == '@')
        k = qt_log_tai64n(s + i, n - i, t);
    else if (is_digit(s[i]))
        k = (k = qt_log_iso8601(s + i, n - i, t)) ? k : qt_log_epoch(s + i, n - i, t);
    else
        k = qt_log_rfc3164(s + i, n - i, ref, t);
    return k ? i + k : 0;
}

char *qt_log_time_format(const struct qt_log_time *t, char *out, size_t n)
{
    struct tm tm;
    time_t s = (time_t)t->sec;

    if (t->kind == QT_STAMP_NONE || !localtime_r(&s, &tm)) {
        snprintf(out, n, "-");
        return out;
    }
    snprintf(out, n, "%04d-%02d-%02d %02d:%02d:%02d.%09u", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)t->nsec);
    return out;
}

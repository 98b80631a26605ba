/* libFuzzer target: mail log lines (issue 16). The first input byte picks
 * the parser, the rest is what it reads, in a buffer exactly that long (so
 * ASan sees any read past the length; NUL bytes are ordinary bytes):
 *
 *   0 classifier   qt_log_classify on every '\n'-separated line, one
 *                  context for all (the bounded maps fill and wrap), then
 *                  qt_log_redact of each line
 *   1 TAI64N       qt_log_tai64n
 *   2 epoch        qt_log_epoch (splogger)
 *   3 RFC 3164     qt_log_rfc3164, the year inferred from a fixed reference
 *   4 ISO 8601     qt_log_iso8601 (RFC 5424 / RFC 3339, tai64nlocal output)
 *   5 any stamp    qt_log_stamp, then qt_log_time_format
 *
 * Checked: a parser takes at most the bytes it was given; a stamp's
 * nanoseconds stay below 10^9; a category is in range; the secret range
 * lies inside its line and the redacted text has the marker in its place. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/core/util.h"
#include "diag/logs/logs.h"
#include "fuzz/fuzz_check.h"

static void check_time(size_t k, size_t n, const struct qt_log_time *t)
{
    char out[40];
    if (k > n || t->nsec > 999999999u || (k == 0 && t->kind != QT_STAMP_NONE))
        abort();
    qt_log_time_format(t, out, sizeof out);
    check_str(out, sizeof out, 1);
}

static void classify_all(const char *p, size_t n)
{
    qt_log_ctx *c = qt_log_ctx_new(1796632875);
    qt_log_rec r;

    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t len = nl ? (size_t)(nl - p) : n;
        char *line = qt_malloc(len ? len : 1);
        qt_buf b = {0};

        memcpy(line, p, len);
        qt_log_classify(c, line, len, &r);
        if ((unsigned)r.cat >= QT_LOG_NCATS || r.user_len >= sizeof r.user || r.user[r.user_len] != '\0')
            abort();
        check_str(r.ip, sizeof r.ip, 1);
        check_str(r.service, sizeof r.service, 0);
        if (r.secret_len && (r.secret_off > len || r.secret_len > len - r.secret_off))
            abort();
        qt_log_redact(line, len, &r, &b);
        /* the secret's bytes are gone: the text is what is around them and the marker */
        if (r.secret_len && (b.len != len - r.secret_len + 10 || memcmp(b.s, line, r.secret_off) != 0 ||
                             memcmp(b.s + r.secret_off, "<redacted>", 10) != 0))
            abort();
        qt_buf_free(&b);
        free(line);
        if (!nl)
            break;
        n -= len + 1;
        p += len + 1;
    }
    qt_log_ctx_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qt_log_time t;
    char *s;
    size_t n, k = 0;

    if (size < 1)
        return 0;
    n = size - 1;
    s = qt_malloc(n ? n : 1);
    memcpy(s, data + 1, n);
    switch (data[0] % 6) {
    case 0: classify_all(s, n); break;
    case 1: k = qt_log_tai64n(s, n, &t); check_time(k, n, &t); break;
    case 2: k = qt_log_epoch(s, n, &t); check_time(k, n, &t); break;
    case 3: k = qt_log_rfc3164(s, n, 1796632875, &t); check_time(k, n, &t); break;
    case 4: k = qt_log_iso8601(s, n, &t); check_time(k, n, &t); break;
    case 5: k = qt_log_stamp(s, n, 1796632875, &t); check_time(k, n, &t); break;
    }
    free(s);
    return 0;
}

/* fuzz_report_text - libFuzzer target for the report's small text parsers:
 * the secret redactor (it reads every string a report writes, some of it
 * from peers and /proc) and the --warn/--crit KEY=RANGE parser. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/monitor.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), *r, *again, err[256];
    struct qt_threshold t;
    size_t n, n2;

    memcpy(s, data, size);
    s[size] = '\0';
    r = qt_report_redact(s, &n);
    /* redacting is idempotent: a redacted string has nothing left to hide */
    again = qt_report_redact(r, &n2);
    if (strcmp(again, r) != 0)
        __builtin_trap();
    if (qt_threshold_parse(s, &t, err, sizeof err) == 0) {
        if (t.range.lo > t.range.hi || isnan(t.range.lo) || isnan(t.range.hi) || !t.key[0])
            __builtin_trap();
        (void)qt_range_alert(&t.range, 1.0);
    } else if (!err[0]) {
        __builtin_trap();
    }
    free(again);
    free(r);
    free(s);
    return 0;
}

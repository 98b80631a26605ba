/* fuzz_check.h - what every fuzz target asserts of a string it got back:
 * NUL-terminated within its buffer, no control bytes, and (display_safe)
 * nothing above ASCII. A broken promise aborts, which libFuzzer reports. */
#ifndef QT_FUZZ_CHECK_H
#define QT_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

static inline void check_str(const char *s, size_t n, int display_safe)
{
    const char *end = memchr(s, '\0', n);
    if (!end)
        abort();
    for (const char *p = s; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f || (display_safe && c >= 0x80))
            abort();
    }
}

#endif

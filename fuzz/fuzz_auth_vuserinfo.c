/* libFuzzer target: the vuserinfo output parser and its redaction. The
 * redacted text must never contain a "passwd:" value other than <hidden>. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/auth/auth_vuserinfo.h"
#include "diag/core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qt_vuserinfo u;
    char *copy = qt_strndup((const char *)data, size);
    char *red = qt_vuserinfo_redact(copy, strlen(copy));
    qt_vuserinfo_parse(copy, strlen(copy), &u);
    qt_vuserinfo_parse(red, strlen(red), &u);
    for (const char *p = red; p && *p;) {
        if ((strncmp(p, "passwd:", 7) == 0 && strncmp(p, "passwd: <hidden>", 16) != 0) ||
            (strncmp(p, "clear passwd:", 13) == 0 && strncmp(p, "clear passwd: <hidden>", 22) != 0))
            __builtin_trap();
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    free(red);
    free(copy);
    return 0;
}

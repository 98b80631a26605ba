/* libFuzzer target: qt_proc_parse_stat() on arbitrary bytes (a /proc/PID/stat
 * read from a hostile or truncated procfs). Checks the parser's promises:
 * it never reads outside [data, data+size), and on success the fields are
 * in range and the comm is NUL-terminated within its buffer. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/procs/procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qt_proc p;
    unsigned long long ticks = 0;
    /* an exact-size heap copy, so ASan catches any read past the end */
    char *buf = malloc(size ? size : 1);

    memcpy(buf, data, size);
    memset(&p, 0x5a, sizeof p);
    if (qt_proc_parse_stat(buf, size, &p, &ticks) == 0) {
        if (p.pid <= 0 || p.ppid < 0 || p.pgid < 0 || p.sid < 0 || p.nlwp < 0)
            abort();
        if (memchr(p.comm, '\0', sizeof p.comm) == NULL)
            abort();
        if (p.state <= ' ' || p.state > '~')
            abort();
    }
    free(buf);
    return 0;
}

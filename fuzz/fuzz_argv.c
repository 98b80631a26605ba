/* libFuzzer target: the DJB-getopt command-line parser (diag/parse/argv.c).
 * Input: NUL-separated words; every variant's option table is tried, plus
 * the lint's corrected-line builder on the result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag/parse/argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), **argv;
    int argc = 0;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv = calloc(size + 2, sizeof *argv);
    for (size_t i = 0; i <= size;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    for (int v = 0; v < QT_VAR_COUNT; v++) {
        qt_cmd c;
        qt_cmd_parse(&c, argc, argv, NULL, (enum qt_variant)v);
        if (c.status == QT_CMD_OK) {
            char *j = qt_cmd_join(&c, 0, c.argc - 1);
            free(j);
            (void)qt_cmd_state(&c, QT_OR_IDENT_ON, QT_OR_IDENT_OFF, 1);
        }
        qt_cmd_free(&c);
    }
    free(argv);
    free(buf);
    return 0;
}

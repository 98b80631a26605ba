/* argv_check VARIANT-KEY WORD... - print how qtriage's parser sees a command
 * line: "status EXIT MESSAGE". Used by servers_integ.sh to compare with what
 * the real binary does. */
#include <stdio.h>

#include "diag/parse/argv.h"

int main(int argc, char **argv)
{
    qt_cmd c;
    if (argc < 3) {
        fprintf(stderr, "usage: argv_check VARIANT-KEY PROGRAM [ARG...]\n");
        return 2;
    }
    qt_cmd_parse(&c, argc - 2, argv + 2, NULL, qt_variant_by_key(argv[1]));
    printf("%d %d %s\n", (int)c.status, c.exit_code, c.error);
    qt_cmd_free(&c);
    return 0;
}

/* libFuzzer target: the static run-script reader (diag/parse/runscript.c), then
 * the argv parser on the command it found. --root points nowhere, so
 * cat/head/id substitutions exercise the "missing file" paths. */
#include <stdint.h>
#include <stdlib.h>

#include "diag/parse/argv.h"
#include "diag/core/ctx.h"
#include "diag/parse/runscript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static qt_ctx ctx;
    static int init;
    qt_runscript rs;

    if (!init) {
        qt_ctx_defaults(&ctx);
        ctx.root = "/nonexistent-qtriage-fuzz-root";
        init = 1;
    }
    if (qt_runscript_parse(&ctx, (const char *)data, size, "/service/fuzz", &rs) == 0 && rs.argc > 0) {
        qt_cmd c;
        qt_cmd_parse(&c, rs.argc, rs.argv, rs.unresolved, QT_VAR_UNKNOWN);
        qt_cmd_free(&c);
    }
    qt_runscript_free(&rs);
    return 0;
}

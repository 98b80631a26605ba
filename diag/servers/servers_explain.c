/* servers_explain.c - a pasted command line as one Servers row
 * (servers.h qt_servers_explain): the same parser, variant identification
 * and derivation as the collector, without a binary, a process or a
 * service directory to read. */
#include "diag/servers/servers.h"
#include "diag/servers/servers_int.h"

#include <stdio.h>
#include <string.h>

int qt_servers_explain(const qt_ctx *ctx, int argc, char *const *argv, enum qt_variant force, qt_servers *out)
{
    struct qt_server *sv;
    qt_cmd probe;

    memset(out, 0, sizeof *out);
    qt_cmd_parse(&probe, argc, argv, NULL, QT_VAR_UNKNOWN);
    if (probe.status == QT_CMD_EMPTY || probe.status == QT_CMD_NO_SERVER) {
        qt_cmd_free(&probe);
        return -1;
    }
    sv = qt_servers_add(out);
    snprintf(sv->name, sizeof sv->name, "cmdline");
    sv->no_binary = 1;
    sv->script = probe;
    sv->has_script_cmd = 1;
    qt_servers_identify(ctx, sv);
    if (force != QT_VAR_UNKNOWN) {
        snprintf(sv->variant_evidence, sizeof sv->variant_evidence, "forced with --variant %s (the options were "
                 "read with its getopt string)", qt_variant_get(force)->key);
        sv->variant = force;
        sv->variant_certain = 0;
        qt_cmd_reparse(&sv->script, force);
    }
    sv->cmd = &sv->script;
    qt_servers_derive(ctx, sv);
    return 0;
}

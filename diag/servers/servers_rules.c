/* servers_rules.c - QMailToaster's tcpserver enforces a per-IP limit from
 * the rules cdb: MAXCONNIP="3" in a rule (ucspi-tcp-limits.patch, QMailToaster
 * ucspi-tcp; docs/domain/ucspi.md). Its getopt string is stock, so only the
 * binary's strings and the rules tell it apart. See servers_int.h. */
#include "diag/servers/servers_int.h"
#include "diag/parse/elfstrings.h"
#include "diag/parse/rulescdb.h"
#include "diag/core/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define RULES_MAX_BYTES (16u << 20)

/* The front end's binary, opened: the running one's exe, else the one the
 * command names under the root. -1 when neither opens. */
static int open_binary(const qt_ctx *ctx, const struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    char rel[64], path[4096];

    if (sv->pid) {
        snprintf(rel, sizeof rel, "%d/exe", sv->pid);
        return qt_ctx_proc(ctx, rel, path, sizeof path) ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
    }
    if (qt_find_binary(ctx, c->argv[c->server], NULL, path, sizeof path) != 0)
        return -1;
    return qt_ctx_open(ctx, path, 0, NULL, NULL, 0);
}

void qt_servers_rules_iplimit(const qt_ctx *ctx, struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    char *buf = NULL;
    long len;
    int fd;

    sv->maxconnip_bin = -1;
    sv->maxconnip = (struct qt_rulesvar){.dflt = -1, .min = -1, .max = -1};
    if (!c || c->server < 0 || strncmp(c->server_name, "tcpserver", 9) != 0 || sv->iplimit >= 0)
        return;
    if ((fd = open_binary(ctx, sv)) < 0)
        return;
    sv->maxconnip_bin = qt_elf_has_string_fd(fd, "MAXCONNIP", 0);
    close(fd);
    if (sv->maxconnip_bin != 1 || !sv->rules[0] || sv->rules_exists != 1)
        return;
    len = qt_ctx_read(ctx, sv->rules, RULES_MAX_BYTES, &buf, NULL);
    if (len > 0 && qt_rulescdb_var((const unsigned char *)buf, (size_t)len, "MAXCONNIP", &sv->maxconnip) == 0 &&
        sv->maxconnip.dflt >= 0) {
        sv->iplimit = sv->maxconnip.dflt;
        sv->iplimit_source = "MAXCONNIP in the rules cdb (default rule)";
    }
    free(buf);
}

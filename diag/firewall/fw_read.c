/* fw_read.c - the thin runner: the live nftables ruleset through
 * libnftables (libnftables(3): nft_ctx_new, JSON output into a buffer,
 * "list ruleset" - what `nft -j list ruleset` prints), and the legacy
 * iptables tables through iptables-legacy-save (fixed paths, trust.h, no
 * shell, a deadline, output capped; diag/core/child.h runs it). */
#include "diag/firewall/firewall.h"
#include "diag/core/child.h"
#include "diag/core/trust.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef QT_HAVE_LIBNFTABLES
#include <nftables/libnftables.h>
#endif

#define FW_SAVE_TIMEOUT 3.0

/* Debian 12 and the usr-merged distributions have them in /usr/sbin; never
 * a PATH search (docs/security.md) */
static const char *const save_paths[2][2] = {
    {"/usr/sbin/iptables-legacy-save", "/sbin/iptables-legacy-save"},
    {"/usr/sbin/ip6tables-legacy-save", "/sbin/ip6tables-legacy-save"},
};

static void read_nft(qt_firewall *fw)
{
#ifdef QT_HAVE_LIBNFTABLES
    struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
    const char *out, *err;
    char why[160];

    if (!nft) {
        snprintf(fw->nft_why, sizeof fw->nft_why, "nftables not read: libnftables could not start");
        return;
    }
    nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
    nft_ctx_buffer_output(nft);
    nft_ctx_buffer_error(nft);
    if (nft_run_cmd_from_buffer(nft, "list ruleset") != 0) {
        err = nft_ctx_get_error_buffer(nft);
        snprintf(fw->nft_why, sizeof fw->nft_why, "nftables not read: %.*s%s",
                 err && *err ? (int)strcspn(err, "\n") : 40, err && *err ? err : "nft list ruleset failed",
                 geteuid() ? " (not root)" : "");
    } else if ((out = nft_ctx_get_output_buffer(nft)) && *out) {
        if (qt_fw_parse_nft(fw, out, strlen(out), why, sizeof why) == 0)
            fw->nft_read = 1;
        else
            snprintf(fw->nft_why, sizeof fw->nft_why, "nftables not read: %s", why);
    } else {
        fw->nft_read = 1;   /* an empty ruleset prints nothing in some versions */
    }
    nft_ctx_free(nft);
#else
    snprintf(fw->nft_why, sizeof fw->nft_why, "nftables not read: built without libnftables");
#endif
}

/* /proc/net/ip_tables_names lists the legacy (x_tables) tables loaded: 1
 * some, 0 none (or the module is not loaded: no file), -1 not readable (it
 * is root's only), with why */
static int legacy_in_use(const qt_ctx *ctx, const char *name, char *why, size_t whylen)
{
    char path[512], *text = NULL;
    long n;
    if (!qt_ctx_proc(ctx, name, path, sizeof path))
        return 0;
    errno = 0;
    if ((n = qt_read_file(path, 4096, &text)) < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(why, whylen, "legacy tables not known: %.100s: %s%s", path, strerror(errno ? errno : EIO),
                 geteuid() ? " (not root)" : "");
        return -1;
    }
    free(text);
    return n > 0;
}

static void read_legacy(qt_firewall *fw, int v6)
{
    char why[200] = "", *argv[2], *envp[] = {(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C", NULL};
    const char *path = NULL;
    const struct qt_child_result *r;
    struct qt_child_spec sp;
    qt_job *j;
    int fd = -1;

    if (geteuid() != 0) {
        snprintf(fw->legacy_why[v6], sizeof fw->legacy_why[v6], "legacy %s tables in use, not read: not root",
                 v6 ? "ip6tables" : "iptables");
        return;
    }
    for (int i = 0; i < 2 && fd < 0; i++)
        if ((fd = qt_trust_open(save_paths[v6][i], QT_TRUST_NO_UID, why, sizeof why)) >= 0)
            path = save_paths[v6][i];
    if (fd < 0) {
        snprintf(fw->legacy_why[v6], sizeof fw->legacy_why[v6], "legacy %s tables in use, not read: %s",
                 v6 ? "ip6tables" : "iptables", why);
        return;
    }
    argv[0] = (char *)path;
    argv[1] = NULL;
    memset(&sp, 0, sizeof sp);
    sp.path = path;
    sp.argv = argv;
    sp.envp = envp;
    sp.timeout = FW_SAVE_TIMEOUT;
    sp.has_exec_fd = 1;
    sp.exec_fd = fd;
    j = qt_child_job_new(&sp);
    qt_job_run(j, 1.0);
    r = qt_child_job_result(j);
    if (!r->exited || r->code != 0) {
        char st[96];
        qt_child_status_str(r, st, sizeof st);
        snprintf(fw->legacy_why[v6], sizeof fw->legacy_why[v6], "%s: %s", path, st);
    } else {
        qt_fw_parse_save(fw, r->out.s ? r->out.s : "", r->out.len, v6 ? QT_FW_V6 : QT_FW_V4,
                         v6 ? "ip6tables-legacy" : "iptables-legacy");
        fw->legacy_read[v6] = 1;
        if (r->dropped)
            snprintf(fw->legacy_why[v6], sizeof fw->legacy_why[v6], "%s: output over %d bytes, the rest not read",
                     path, QT_CHILD_MAXOUT);
    }
    j->ops->free(j);
    close(fd);
}

void qt_fw_read(qt_firewall *fw, const qt_ctx *ctx)
{
    read_nft(fw);
    fw->legacy_in_use[0] = legacy_in_use(ctx, "net/ip_tables_names", fw->legacy_why[0], sizeof fw->legacy_why[0]);
    fw->legacy_in_use[1] = legacy_in_use(ctx, "net/ip6_tables_names", fw->legacy_why[1], sizeof fw->legacy_why[1]);
    for (int v6 = 0; v6 < 2; v6++)
        if (fw->legacy_in_use[v6] > 0)
            read_legacy(fw, v6);
    qt_fw_pick_tool(fw);
}

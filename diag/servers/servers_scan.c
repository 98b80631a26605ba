/* servers_scan.c - which service directories a supervisor would start:
 * the active scan directories (the cwd of each running svscan, runsvdir,
 * s6-svscan: svscan(8) chdirs to its argument and scans "."), and for each
 * service whether it lies in one, has a `down` file or is wanted down
 * (supervise(8), svc -d). docs/severity.md: services that no supervisor
 * would start are inventory, their findings at most INFO. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/core/util.h"
#include "diag/procs/procs.h"
#include "diag/servers/servers_int.h"

static int is_scanner(const struct qt_proc *p)
{
    const char *n = qt_proc_name(p);
    return !strcmp(n, "svscan") || !strcmp(n, "runsvdir") || !strcmp(n, "s6-svscan");
}

static void add_scandir(qt_servers *s, const char *dir)
{
    for (int i = 0; i < s->nscandirs; i++)
        if (!strcmp(s->scandirs[i], dir))
            return;
    if (s->nscandirs < QT_SCANDIRS_MAX)
        qt_copy(s->scandirs[s->nscandirs++], sizeof s->scandirs[0], dir);
}

/* The scanners' cwds, as paths under the root; 0 when no scanner runs. */
static int from_scanners(const qt_ctx *ctx, const qt_procs *procs, qt_servers *s)
{
    int found = 0;
    for (size_t i = 0; procs && i < procs->n; i++) {
        const struct qt_proc *p = &procs->v[i];
        char rel[64], link[4096], real[4096], dir[512];
        ssize_t l;
        if (!is_scanner(p))
            continue;
        snprintf(rel, sizeof rel, "%d/cwd", p->pid);
        if (!qt_ctx_proc(ctx, rel, link, sizeof link) || (l = readlink(link, real, sizeof real - 1)) <= 0)
            continue;
        real[l] = '\0';
        if (!qt_unroot(ctx, real, dir, sizeof dir))
            continue;   /* scans a directory outside --root: nothing of ours */
        add_scandir(s, dir);
        if (!found++)
            snprintf(s->scan_source, sizeof s->scan_source, "%.20s pid %d", qt_proc_name(p), p->pid);
    }
    return found;
}

void qt_servers_find_scandirs(const qt_ctx *ctx, const qt_procs *procs, qt_servers *s)
{
    static const char *const dflt[] = {"/service", "/var/service", "/etc/service"};
    struct stat sb;

    s->nscandirs = 0;
    if (!from_scanners(ctx, procs, s)) {
        for (size_t i = 0; i < QT_ARRAY_LEN(dflt) && !s->nscandirs; i++)
            if (qt_ctx_stat(ctx, dflt[i], &sb) == 0 && S_ISDIR(sb.st_mode))
                add_scandir(s, dflt[i]);
        snprintf(s->scan_source, sizeof s->scan_source, "%s", s->nscandirs ? "no svscan running: first existing default" : "no svscan, no default: none");
    }
}

void qt_servers_mark_scanned(const qt_ctx *ctx, qt_servers *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct qt_server *sv = &s->v[i];
        char parent[512], preal[512], sreal[512];
        char *slash;
        if (!sv->svcdir[0])
            continue;
        qt_copy(parent, sizeof parent, sv->svcdir);
        if (!(slash = strrchr(parent, '/')))
            continue;
        *slash = '\0';
        if (!parent[0] || !qt_rooted_realpath(ctx, parent, preal, sizeof preal))
            continue;
        for (int k = 0; k < s->nscandirs && !sv->in_scan; k++)
            if (qt_rooted_realpath(ctx, s->scandirs[k], sreal, sizeof sreal) && !strcmp(preal, sreal))
                sv->in_scan = 1;
    }
    qt_buf_printf(&s->notes, "active scan director%s:", s->nscandirs == 1 ? "y" : "ies");
    for (int k = 0; k < s->nscandirs; k++)
        qt_buf_printf(&s->notes, " %s", s->scandirs[k]);
    qt_buf_printf(&s->notes, "%s (%s); services elsewhere are inventory\n", s->nscandirs ? "" : " none", s->scan_source);
}

int qt_server_want_down(const struct qt_server *sv)
{
    return sv->down_file || (sv->st.readable && !sv->st.want_up);
}

int qt_server_inventory(const struct qt_server *sv)
{
    if (sv->pid)
        return 0;
    if (!sv->svcdir[0])
        return 0;
    return !sv->in_scan || qt_server_want_down(sv);
}

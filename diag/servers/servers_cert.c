/* servers_cert.c - the front end's environment, and the certificate file a
 * TLS front end serves (servers_int.h): sslserver and s6-tlsd read
 * CERTFILE (fehcom's sslserver CERTCHAINFILE first) from the environment
 * (docs/domain/ucspi.md#sslserver), the SSL-patched tcpserver and
 * indimail's take -n FILE, default ./cert.pem in the run script's
 * directory (docs/domain/ucspi.md#ssl-patched-tcpserver), stunnel its
 * configuration's `cert =` (stunnel(8), relative to its working directory,
 * the service directory). The file itself is read by diag/config. */
#include "diag/servers/servers_int.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *qt_servers_env(const qt_ctx *ctx, const struct qt_server *sv, const char *name)
{
    static char buf[256];
    const qt_cmd *c = sv->cmd;
    /* VAR=val given to env before the server */
    for (int w = 0; c && w < c->nwraps; w++)
        if (c->wraps[w].kind == QT_WRAP_ENV)
            for (int i = c->wraps[w].first; i <= c->wraps[w].last; i++)
                if (strncmp(c->argv[i], name, strlen(name)) == 0 && c->argv[i][strlen(name)] == '=')
                    return c->argv[i] + strlen(name) + 1;
    if (sv->pid) {
        char *env = NULL;
        long len = qt_proc_read_environ(ctx, sv->pid, &env);
        const char *v = len > 0 ? qt_environ_get(env, (size_t)len, name) : NULL;
        if (v) {
            snprintf(buf, sizeof buf, "%s", v);
            free(env);
            return buf;
        }
        free(env);
        return NULL;
    }
    {
        const struct qt_rs_var *v = qt_runscript_var(&sv->rs, name);
        if (v && v->exported)
            return v->value;
    }
    return NULL;
}

/* path as on the system: absolute, or relative to the service directory. */
static void set_cert(struct qt_server *sv, const char *path, size_t len, const char *from)
{
    char buf[1200];
    if (len > 0 && len < 512 && path[0] == '.' && path[1] == '/')
        path += 2, len -= 2;
    if (!len || len >= 512)
        return;
    if (path[0] == '/')
        snprintf(buf, sizeof buf, "%.*s", (int)len, path);
    else if (sv->realdir[0])
        snprintf(buf, sizeof buf, "%s/%.*s", sv->realdir, (int)len, path);
    else
        return;
    qt_copy(sv->certfile, sizeof sv->certfile, buf);
    qt_copy(sv->cert_from, sizeof sv->cert_from, from);
}

/* The last `cert = FILE` of a stunnel configuration (stunnel.conf: "option =
 * value", ';' and '#' start comments). */
static void stunnel_cert(const qt_ctx *ctx, struct qt_server *sv, const char *conf)
{
    char path[1100], *text = NULL;
    if (conf[0] == '/')
        snprintf(path, sizeof path, "%s", conf);
    else if (sv->realdir[0])
        snprintf(path, sizeof path, "%s/%s", sv->realdir, conf);
    else
        return;
    long n = qt_ctx_read(ctx, path, 1 << 20, &text, NULL);
    if (n < 0)
        return;
    const char *val = NULL;
    size_t vlen = 0;
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        char *p = l + strspn(l, " \t");
        if (strncmp(p, "cert", 4) == 0 && (p[4] == ' ' || p[4] == '\t' || p[4] == '=')) {
            p += 4 + strspn(p + 4, " \t");
            if (*p == '=') {
                p++;
                p += strspn(p, " \t");
                size_t k = nl ? (size_t)(nl - p) : strlen(p);
                while (k && isspace((unsigned char)p[k - 1]))
                    k--;
                val = p, vlen = k;
            }
        }
        l = nl ? nl + 1 : NULL;
    }
    if (val)
        set_cert(sv, val, vlen, "stunnel cert =");
    free(text);
}

void qt_servers_certfile(const qt_ctx *ctx, struct qt_server *sv)
{
    const qt_cmd *c = sv->cmd;
    sv->certfile[0] = sv->cert_from[0] = 0;
    if (!sv->tls || !c || c->server < 0)
        return;
    int stunnel = qt_cmd_link(c, QT_LINK_STUNNEL), tlsd = qt_cmd_link(c, QT_LINK_S6_TLSD);
    const char *v;
    if (sv->variant == QT_VAR_SSL_PATCH || sv->variant == QT_VAR_INDIMAIL) {
        const struct qt_opt *o = qt_cmd_last(c, 'n');
        if (o)
            set_cert(sv, o->arg, strlen(o->arg), "-n");
        else
            set_cert(sv, "./cert.pem", 10, "default ./cert.pem");
    } else if (sv->variant == QT_VAR_SSLSERVER || sv->variant == QT_VAR_SSLSERVER_FEH ||
               sv->variant == QT_VAR_S6_TLSSERVER || tlsd >= 0) {
        if (sv->variant == QT_VAR_SSLSERVER_FEH && (v = qt_servers_env(ctx, sv, "CERTCHAINFILE")) && *v)
            set_cert(sv, v, strlen(v), "CERTCHAINFILE");
        else if ((v = qt_servers_env(ctx, sv, "CERTFILE")) && *v)
            set_cert(sv, v, strlen(v), "CERTFILE");
    } else if (stunnel >= 0 && c->links[stunnel].file) {
        stunnel_cert(ctx, sv, c->links[stunnel].file);
    }
}

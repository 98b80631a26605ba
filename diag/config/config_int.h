/* config_int.h - shared by the configuration checks (diag/config only). */
#ifndef QT_CONFIG_INT_H
#define QT_CONFIG_INT_H
#include "diag/config/config.h"
#include "diag/config/qmailfile.h"
#include "diag/core/snapshot.h"

/* Effective value of a LINE control as qmail applies it (control_rldef):
 * the file's first line, else control/me for flagme files, else the
 * default. src (may be NULL) gets "file", "me" or "default"/"none". The
 * result is malloc'd, "" when none. */
char *qt_cfg_value(const qt_config *cfg, const char *name, const char **src);
/* 1 when domain is delivered here: me (locals' default), a locals line, or
 * a virtualdomains domain (exact "domain:" or ".suffix:" entry). */
int qt_cfg_is_local(const qt_config *cfg, const char *domain);
/* The ordinary fix path of a qmail program: PREFIX/bin/NAME. */
void qt_cfg_bin(const qt_config *cfg, const char *name, char *out, size_t n);

/* servercert.pem: read its certificate (and key match) into cfg, wipe the
 * bytes; and its checks (config_cert.c). */
void qt_config_read_cert(const qt_ctx *ctx, qt_config *cfg, const char *abs);

/* A PEM file's certificate (config_cert.c): its DNS names (SANs, else the
 * CN, space-separated), notAfter, whether a private key in the same file
 * matches (1, 0, -1 none); the bytes are wiped after. Returns the bytes
 * read, or -1 (out->error says why). */
struct qt_cfg_pem {
    double not_after;
    char names[512];
    int key;
    char error[96];
};
long qt_config_pem_read(const qt_ctx *ctx, const char *abs, struct qt_cfg_pem *out);
/* 1 when one of names (space-separated) matches host: exact, or a "*."
 * wildcard for one leftmost label (RFC 6125 section 6.4.3), any case. */
int qt_config_names_match(const char *names, const char *host);
/* Certificates the front ends serve vs control/me and helohost
 * (config_served.c). */
void qt_config_check_served(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out);
/* The control files patches add, when present: spfbehavior, the TLS
 * cipher lists, the TLS temporary keys' age, secrets readable by all
 * (config_patches.c). After the .qmail checks (it reads their findings). */
void qt_config_check_patches(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out);
void qt_config_check_cert(const qt_ctx *ctx, const qt_config *cfg, qt_findings *out);

/* Checks of .qmail files: forwards, traps (config_dotqmail.c); snap (may
 * be NULL) gives the logs that tie a forward to its remote's refusals. */
void qt_config_check_dotqmail(const qt_ctx *ctx, const qt_config *cfg, const qt_snapshot *snap, qt_findings *out);

/* Log evidence (config_incident.c, docs/incidents.md). Both read only
 * snap->logs and do nothing without it (snap may be NULL).
 * qt_config_spf_logs: f is a forward-spf finding of file, domains its n
 * remote domains: their failures and deferrals become evidence, and a
 * reply naming SPF marks f as an `spf-forward` incident of that domain.
 * qt_config_mark_bounces: among out->v[first..] the finding that sends
 * double bounces where they are lost gets the logs' triple bounces as
 * evidence and is marked as a `bounce-config` incident of "host". */
void qt_config_spf_logs(qt_finding *f, const qt_snapshot *snap, const char *const *domains, size_t n,
                        const char *file);
void qt_config_mark_bounces(const qt_config *cfg, const qt_snapshot *snap, qt_findings *out, size_t first);
#endif

/* auth_vuserinfo.h - what vpopmail knows about an account: the output of
 * `vuserinfo user@domain` (docs/domain/vpopmail.md#vuserinfo), or, without vuserinfo, the
 * vpopmail domain directory and its vpasswd file under --root.
 *
 * vuserinfo prints the crypted and the clear password: the parser never
 * keeps them (only whether they are set), and qt_vuserinfo_redact() gives
 * the text to show with both replaced.
 */
#ifndef QT_AUTH_VUSERINFO_H
#define QT_AUTH_VUSERINFO_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* vpopmail gid-field flags (vpopmail.h, 5.4/5.6). */
#define QT_VPOP_NO_POP 0x02
#define QT_VPOP_NO_WEBMAIL 0x04
#define QT_VPOP_NO_IMAP 0x08
#define QT_VPOP_BOUNCE_MAIL 0x10
#define QT_VPOP_NO_RELAY 0x20
#define QT_VPOP_NO_SMTP 0x800

#define QT_VUI_MAXLIMITS 24

struct qt_vuserinfo {
    int found;                 /* 1 account shown, 0 "no such user", -1 not vuserinfo output */
    char name[128];
    char gecos[128];
    char dir[512];
    char quota[64];
    char usage[64];
    char last_auth[64];        /* as printed; "" if not shown */
    char last_auth_ip[64];
    int never_logged_in;
    int has_flags;
    unsigned long flags;
    int crypted_set;           /* the passwd: line has a value */
    int clear_set;             /* the clear passwd: line has a value (needed for CRAM-MD5) */
    int nlimits;
    char limits[QT_VUI_MAXLIMITS][80];   /* "smtp access is closed", "(*)" kept */
    int smtp_closed, pop_closed, imap_closed, webmail_closed, bounce, relay_closed;
    char error[160];           /* "Error: ..." or the unknown-user line */
};

/* Parse vuserinfo's default (-a) output. Returns info->found. */
int qt_vuserinfo_parse(const char *text, size_t len, struct qt_vuserinfo *info);
/* Copy of text with the values of "passwd:" and "clear passwd:" replaced
 * by <hidden>. Caller frees. */
char *qt_vuserinfo_redact(const char *text, size_t len);

/* Fallback without vuserinfo: look for the domain and the user under --root.
 * vpop_home is the vpopmail home as a real path (already under the root),
 * e.g. the grandparent of the vchkpw path; the assign file is read via
 * ctx (/var/qmail/users/assign). */
struct qt_vpop_lookup {
    int domain_found;
    int user_found;            /* a directory for the user, or a vpasswd line */
    int vpasswd_line;          /* the user has a line in DOMAIN/vpasswd */
    int has_flags;
    unsigned long flags;       /* gid field of the vpasswd line */
    char domain_dir[4096];
    char user_dir[4096];
    char how[1024];            /* lines: what was looked at, for the detail view */
};
void qt_vpop_lookup(const qt_ctx *ctx, const char *vpop_home, const char *user, const char *domain,
                    struct qt_vpop_lookup *out);

#endif

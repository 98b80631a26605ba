/* auth_wizard_int.h - internal to diag/auth/: what the wizard's steps
 * (auth_wizard.c, auth_wizsteps.c, auth_diagnose.c) share. Nothing outside
 * diag/auth/ includes it (scripts/check-includes); the public API is
 * auth_wizard.h. */
#ifndef QT_AUTH_WIZARD_INT_H
#define QT_AUTH_WIZARD_INT_H

#include <stddef.h>

#include "diag/auth/auth_wizard.h"
#include "diag/core/ctx.h"
#include "diag/core/job.h"

/* uid, gid and home (under the root) of user name in <root>/etc/passwd.
 * home may be NULL. 1 found, 0 not. */
int qt_wiz_passwd(const qt_ctx *ctx, const char *name, unsigned *uid, unsigned *gid, char *home, size_t n);

/* The first line of <root>/var/qmail/control/NAME, trailing blanks cut,
 * into out (n > 0; "" when missing or unreadable). Shared with fuzz/. */
void qt_wiz_read_control(const qt_ctx *ctx, const char *name, char *out, size_t n);

/* path (as found, maybe under --root) as the served system names it, for
 * the commands and fixes shown: qt_ctx_unroot into out; returns out. */
const char *qt_wiz_sys(const qt_wizard *w, const char *path, char *out, size_t n);

void qt_wiz_set(struct qt_wiz_result *r, enum qt_verdict v, char *command, const char *result_fmt, ...)
    __attribute__((format(printf, 4, 5)));
void qt_wiz_line(char **field, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
qt_job *qt_wiz_step_account(qt_wizard *w);
qt_job *qt_wiz_step_vchkpw(qt_wizard *w);
void qt_wiz_step_strings(qt_wizard *w);
qt_job *qt_wiz_step_smtp(qt_wizard *w);
qt_job *qt_wiz_step_dns(qt_wizard *w);
/* Step 6's result when its job finished (auth_wizdns.c). */
void qt_wiz_dns_collect(qt_wizard *w, qt_job *inner, int aborted);
/* Called when a step's job finished (aborted=1 after a cancel). */
void qt_wiz_collect(qt_wizard *w, int step, qt_job *inner, int aborted);

#endif

/* readers_wizard.h - selectors 12 and 13 of fuzz_readers.c: the auth
 * wizard's passwd and control readers, called on the fixture tree of ctx
 * (the caller has written <root>/etc/passwd, or control/me and
 * control/helohost, from the input). Each aborts when a result breaks its
 * contract (auth_wizard_int.h). A file of its own, so the wizard's
 * internal header stays out of fuzz_readers.c. */
#ifndef QT_FUZZ_READERS_WIZARD_H
#define QT_FUZZ_READERS_WIZARD_H

#include <stddef.h>

#include "diag/core/ctx.h"

/* qt_wiz_passwd for fixed names and the input's first word (d, n: the input) */
void qt_fuzz_wiz_passwd(const qt_ctx *ctx, const char *d, size_t n);
/* qt_wiz_read_control of me and helohost into buffers of 256, 8 and 1 bytes */
void qt_fuzz_wiz_control(const qt_ctx *ctx);

#endif

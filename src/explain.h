/* explain.h - qtriage --explain-cmdline 'LINE': what the Servers detail
 * view shows for a pasted front-end command line (src/explain.c). */
#ifndef QT_EXPLAIN_H
#define QT_EXPLAIN_H

#include <stdio.h>

#include "diag/core/ctx.h"

/* line: as `ps -o args` or `tr '\0' ' ' < /proc/PID/cmdline` prints it;
 * leading ps columns and tree glyphs are skipped. variant: a variant key
 * to force (NULL: identify it). json: print JSON instead of text. Prints
 * to out; errors to err. Returns 0 when parsed, 2 when the line holds no
 * front end (or variant names none). */
int qt_explain_run(const qt_ctx *ctx, const char *line, const char *variant, int json, FILE *out, FILE *err);

#endif

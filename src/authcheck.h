/* authcheck.h - `qtriage --auth USER@DOMAIN`: the authentication wizard
 * without a terminal. The password is read from stdin (one line; echo off
 * when stdin is a terminal), never from argv or the environment. Every
 * step runs through qt_job_run() and is printed as plain text, then a
 * summary with the cause id and the SMTP result class (ok/auth/tls/other,
 * as swaks would report it). */
#ifndef QT_AUTHCHECK_H
#define QT_AUTHCHECK_H

#include "src/options.h"

/* Returns the exit code: 0 authentication works (diagnosis OK or WARN),
 * 1 a problem was found, 2 bad input, 3 no password could be read. */
int qt_authcheck_run(const qt_options *o);

#endif

/* probe_int.h - inside diag/probe only. */
#ifndef QT_PROBE_INT_H
#define QT_PROBE_INT_H

#include <openssl/ssl.h>

#include "diag/probe/probe.h"

/* Fill r's version, cipher and certificate fields from a finished handshake. */
void qt_probe_cert_info(SSL *ssl, const char *verify_name, struct qt_probe_result *r);

#endif

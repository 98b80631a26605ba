/* rulescdb.h - read one variable from a tcpserver rules cdb (as tcprules(1)
 * writes it: DJB cdb, key = address prefix, "" for the default rule; data
 * = "D\0" for deny (nothing for allow), then "+NAME=value\0" per variable;
 * ucspi-tcp 0.88 tcprules.c and tcpserver.c found()).
 *
 * Used for QMailToaster's tcpserver, which enforces MAXCONNIP / MAXCONNC /
 * MAXLOAD from the rules (docs/domain/ucspi.md). Pure: a buffer holding the
 * whole file in, numbers out; nothing allocated. A malformed file gives
 * -1, never a read outside the buffer. */
#ifndef QT_RULESCDB_H
#define QT_RULESCDB_H

#include <stddef.h>

struct qt_rulesvar {
    unsigned rules;        /* rules (records) that set the variable */
    long dflt;             /* its value in the default rule (key ""), -1 not set there */
    long min, max;         /* over all rules that set it; -1 when none */
};

/* Scan cdb (len bytes) for "+name=value" in every record. Returns 0, or -1
 * when the file is not a well-formed cdb (out is then zeroed/-1). */
int qt_rulescdb_var(const unsigned char *cdb, size_t len, const char *name, struct qt_rulesvar *out);

#endif

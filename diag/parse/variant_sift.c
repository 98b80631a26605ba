/* variant_sift.c - which candidate variants accept a command line, and why
 * the others do not (argv.h qt_variant_sift). Without the binary this is
 * the only evidence, so it says what rules each variant out: an option
 * letter the variant does not have (it would print "illegal option" and
 * exit 100), or a file-valued -c, which only indimail's tcpserver reads
 * (indimail-mta ucspi-tcp-x/tcpserver.9: "-c n" or "-c file"; DJB's
 * tcpserver.c scans it as a number, 0, and never accepts). */
#include "diag/parse/argv.h"

#include <string.h>

/* -c's argument names a file rather than a number (it does not start with
 * a digit: indimail reads it as a file, as servers.c derive() does). */
static int limit_is_file(const qt_cmd *c)
{
    const struct qt_opt *o = qt_cmd_last_role(c, QT_OR_LIMIT, QT_OR_LIMIT);
    return o && o->arg && o->arg[0] && (o->arg[0] < '0' || o->arg[0] > '9') &&
           !(c->unresolved && c->unresolved[o->argword]);
}

int qt_variant_sift(qt_cmd *c, const enum qt_variant *cand, int nc, enum qt_variant *ok, qt_buf *ev)
{
    int nok = 0, best = -1, best_n = -1, file_c = 0;

    for (int i = 0; i < nc; i++) {
        const struct qt_variant_def *d = qt_variant_get(cand[i]);
        qt_cmd_reparse(c, cand[i]);
        if (c->status == QT_CMD_OK) {
            if (cand[i] == QT_VAR_INDIMAIL && limit_is_file(c))
                file_c = 1;
            ok[nok++] = cand[i];
            continue;
        }
        if (c->status == QT_CMD_BAD_OPTION && ev)
            qt_buf_printf(ev, "%s has no -%c%s; ", d->label, c->bad_letter,
                          c->error[0] && strstr(c->error, "requires") ? " argument there" : "");
        if (c->nopts > best_n) {
            best_n = c->nopts;
            best = i;
        }
    }
    if (file_c && nok > 1) {
        if (ev)
            qt_buf_printf(ev, "-c names a file: only indimail-mta tcpserver reads the limit from one (the others "
                              "would read it as -c 0); ");
        ok[0] = QT_VAR_INDIMAIL;
        nok = 1;
    }
    if (nok == 0 && best >= 0)
        ok[0] = cand[best];
    return nok;
}

/* classify.h - qtriage --classify-log FILE... (issue 16). */
#ifndef QT_CLASSIFY_H
#define QT_CLASSIFY_H

#include <stdio.h>

/* Classify every line of each file (from its start; "-" is standard input)
 * and print one line per input line to out:
 *   FILE:LINE<TAB>CATEGORY<TAB>REMOTE_IP<TAB>USER
 * LINE 1-based, "-" for an empty field; in FILE, REMOTE_IP and USER every
 * byte that is not printable ASCII is written \xNN, except TAB and newline
 * (\t, \n); a backslash is \x5c and a field that is just "-" is \x2d, so
 * the output reads back unambiguously. Secrets never reach a field.
 * A file that cannot be opened or read gets one line on err ("qtriage:
 * --classify-log FILE: REASON") and the others are still read.
 * Returns the exit status: 0 every file read to its end, 1 one or more
 * could not be opened or read (or out could not be written). */
int qt_classify_log_run(char *const *files, int nfiles, FILE *out, FILE *err);

#endif

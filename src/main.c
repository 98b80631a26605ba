/* main.c - qtriage: parse options, then run the console or a headless mode. */
#include "options.h"
#include "batch.h"
#include "authcheck.h"
#include "../tui/tui.h"

#include <locale.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    qt_options o;
    int rc;

    setlocale(LC_ALL, "");
    rc = qt_options_parse(argc, argv, &o, stdout, stderr);
    if (rc == QT_OPT_EXIT_OK)
        return 0;
    if (rc != QT_OPT_RUN)
        return 2;
    if (o.auth)
        return qt_authcheck_run(&o);
    if (o.batch)
        return qt_batch_run(&o.ctx, o.count, o.interval);
    return qt_tui_run(&o);
}

/* tui.c - placeholder while the shell is written. */
#include "tui.h"

int qt_tui_run(const qt_options *o)
{
    (void)o;
    return 1;
}

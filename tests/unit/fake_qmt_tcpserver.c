/* A stand-in binary for tests: an ELF file holding stock tcpserver's getopt
 * string (ucspi-tcp 0.88 tcpserver.c) and the string MAXCONNIP that
 * QMailToaster's ucspi-tcp-limits.patch adds, so the servers collector can
 * tell the patched tcpserver from stock without the real binary. */
#include <stdio.h>

static const char opts[] = "dDvqQhHrR1UXx:t:u:g:l:b:B:c:pPoO";
static const char maxconnip[] = "MAXCONNIP";

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 100)
        printf("%s %s\n", opts, maxconnip); /* keep the strings referenced */
    return 100;
}

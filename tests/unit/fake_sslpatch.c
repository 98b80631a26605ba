/* A stand-in binary for tests: an ELF file whose read-only data holds the
 * getopt string of the Oppermann SSL-patched tcpserver (docs/domain/ucspi.md#ssl-patched-tcpserver), so
 * the variant scan can be tested without the real patched binary. */
#include <stdio.h>

static const char opts[] = "dDvqQhHrRsS1UXx:t:u:g:l:b:B:c:n:pPoO";

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 100)
        puts(opts); /* keep the string referenced */
    return 100;
}

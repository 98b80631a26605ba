/* A stand-in binary for tests: an ELF file whose read-only data holds the
 * getopt string of SuperScript's ucspi-ssl 0.70 sslserver (src/sslserver.c),
 * which completes the TLS handshake before it starts the program, so the
 * variant scan can tell it from fehcom's without the real binary. */
#include <stdio.h>

static const char opts[] = "dDvqQhHrR1UXx:t:T:u:g:l:b:B:c:pPoO3IiEeSsaAw:";

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 100)
        puts(opts); /* keep the string referenced */
    return 100;
}

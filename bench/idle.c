/* idle.c - the per-connection program for bench/ports.sh: like a mail
 * program waiting for its client, it blocks reading stdin until EOF. */
#include <unistd.h>

int main(void)
{
    char c;
    while (read(0, &c, 1) > 0)
        ;
    return 0;
}

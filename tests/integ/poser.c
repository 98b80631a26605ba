/* poser.c - a process that only sleeps (20 s), whatever its name and
 * arguments: copied to a directory a non-root user owns and started there as
 * "tcpserver -c 5 0 2525 /that/dir/vchkpw", it poses as a mail front end
 * naming an attacker's vchkpw (issue 12 item 1). */
#include <unistd.h>

int main(void)
{
    sleep(20);
    return 0;
}

/* ares_poll.c - see ares_poll.h */
#include "diag/core/ares_poll.h"

int qt_ares_pollfds(ares_channel ch, struct pollfd *pfd, int max)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
    int n = 0;

    for (int i = 0; i < ARES_GETSOCK_MAXNUM && n < max; i++) {
        short ev = 0;
        /* c-ares's ARES_GETSOCK_* macros shift a signed 1 into the sign bit
         * (undefined behaviour): test the bits unsigned */
        if (bits & (1u << i))
            ev |= POLLIN;
        if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
            ev |= POLLOUT;
        if (!ev)
            continue;
        pfd[n].fd = socks[i];
        pfd[n].events = ev;
        pfd[n].revents = 0;
        n++;
    }
    return n;
}

void qt_ares_process(ares_channel ch, const struct pollfd *pfd, int n)
{
    int any = 0;

    for (int i = 0; i < n; i++)
        if (pfd[i].revents) {
            any = 1;
            ares_process_fd(ch, pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
                            pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
        }
    if (!any)
        ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

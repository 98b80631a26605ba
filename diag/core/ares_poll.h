/* ares_poll.h - driving a c-ares channel from a qt_job's poll loop (job.h).
 * Shared by every DNS job (auth wizard's FCrDNS, the Ports pane's peer names). */
#ifndef QT_ARES_POLL_H
#define QT_ARES_POLL_H

#include <ares.h>
#include <poll.h>

/* Fill up to max pollfds with the sockets the channel waits on (POLLIN /
 * POLLOUT, revents zeroed). Returns the count. */
int qt_ares_pollfds(ares_channel ch, struct pollfd *pfd, int max);
/* Hand the ready fds of pfd (revents set) to c-ares; with none ready (a
 * timeout) let c-ares run its timers, which retries and expires queries. */
void qt_ares_process(ares_channel ch, const struct pollfd *pfd, int n);

#endif

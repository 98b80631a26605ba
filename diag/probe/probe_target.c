/* probe_target.c - which addresses a probe may go to: this host's only
 * (issue 18). Names are never resolved (that would block or use the
 * system resolver). */
#include "diag/probe/probe.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *qt_probe_status_name(enum qt_probe_status s)
{
    static const char *const names[] = {"running", "ok", "open", "no-tls", "refused", "failed", "timeout", "connect"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static int same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
    if (!a || !b || a->sa_family != b->sa_family)
        return 0;
    if (a->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
                      sizeof(struct in6_addr)) == 0;
    return 0;
}

int qt_probe_addr_local(const struct sockaddr *addr)
{
    struct ifaddrs *ifs, *i;
    int found = 0;

    if (addr->sa_family == AF_INET && (ntohl(((const struct sockaddr_in *)addr)->sin_addr.s_addr) >> 24) == 127)
        return 1;
    if (addr->sa_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)addr)->sin6_addr))
        return 1;
    if (getifaddrs(&ifs) != 0)
        return 0;
    for (i = ifs; i && !found; i = i->ifa_next)
        found = same_addr(i->ifa_addr, addr);
    freeifaddrs(ifs);
    return found;
}

int qt_probe_target_set(struct qt_probe_target *t, const char *service, const char *host, unsigned port,
                        char *why, size_t n)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)&t->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&t->addr;
    const char *h = host ? host : "";

    memset(t, 0, sizeof *t);
    snprintf(t->service, sizeof t->service, "%s", service ? service : "");
    t->port = port;
    /* a wildcard listener (tcpserver's "0", socat's default) answers on loopback too */
    if (!*h || !strcmp(h, "0") || !strcmp(h, "0.0.0.0") || !strcasecmp(h, "localhost"))
        h = "127.0.0.1";
    else if (!strcmp(h, "::") || !strcmp(h, "[::]"))
        h = "::1";
    if (port == 0 || port > 65535) {
        snprintf(why, n, "no port known");
        return -1;
    }
    if (inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        t->addrlen = sizeof *v4;
    } else if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        t->addrlen = sizeof *v6;
    } else {
        snprintf(why, n, "listens on \"%.60s\", not a numeric address: not probed (no name lookups)", h);
        return -1;
    }
    if (!qt_probe_addr_local((const struct sockaddr *)&t->addr)) {
        snprintf(why, n, "%.60s is not an address of this host: probes go to local listeners only", h);
        return -1;
    }
    snprintf(t->host, sizeof t->host, "%s", h);
    return 0;
}

/* selfconn.c - see selfconn.h */
#include "diag/core/selfconn.h"
#include "diag/core/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static struct {
    int family;          /* 0: empty */
    uint8_t addr[16];
    unsigned port;
    double when;
} tab[QT_SELFCONN_MAX];
static size_t next;
static size_t used;  /* entries noted so far, at most QT_SELFCONN_MAX: tab[0..used) */

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

void qt_selfconn_note(int fd, double now)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (fd < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    memset(&tab[next], 0, sizeof tab[next]);
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
        tab[next].family = AF_INET;
        memcpy(tab[next].addr, &a->sin_addr, 4);
        tab[next].port = ntohs(a->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
        if (!memcmp(&a->sin6_addr, v4mapped, 12)) {
            tab[next].family = AF_INET;
            memcpy(tab[next].addr, (const uint8_t *)&a->sin6_addr + 12, 4);
        } else {
            tab[next].family = AF_INET6;
            memcpy(tab[next].addr, &a->sin6_addr, 16);
        }
        tab[next].port = ntohs(a->sin6_port);
    } else {
        return;
    }
    tab[next].when = now;
    next = (next + 1) % QT_SELFCONN_MAX;
    if (used < QT_SELFCONN_MAX)
        used++;
}

static int in_time(double noted, double when)
{
    return when >= noted - 5 && when <= noted + QT_SELFCONN_SECS;
}

static int find(int family, const uint8_t *addr, int any_port, unsigned port, double when)
{
    size_t n = family == AF_INET ? 4 : 16;
    /* asked once per watched socket (10,000s a sample): look at the
     * entries noted, none until a probe or the wizard connected */
    for (size_t i = 0; i < used; i++)
        if (tab[i].family == family && (any_port || tab[i].port == port) && !memcmp(tab[i].addr, addr, n) &&
            in_time(tab[i].when, when))
            return 1;
    return 0;
}

static int parse(const char *ip, int *family, uint8_t *addr)
{
    if (!ip || !*ip)
        return 0;
    if (inet_pton(AF_INET, ip, addr) == 1) {
        *family = AF_INET;
        return 1;
    }
    if (inet_pton(AF_INET6, ip, addr) != 1)
        return 0;
    *family = AF_INET6;
    if (!memcmp(addr, v4mapped, 12)) {
        memmove(addr, addr + 12, 4);
        *family = AF_INET;
    }
    return 1;
}

int qt_selfconn_match_addr(int family, const uint8_t *addr, unsigned port, double when)
{
    return (family == AF_INET || family == AF_INET6) && find(family, addr, 0, port, when);
}

int qt_selfconn_match(const char *ip, unsigned port, double when)
{
    uint8_t a[16];
    int fam;
    return parse(ip, &fam, a) && find(fam, a, 0, port, when);
}

int qt_selfconn_ip(const char *ip, double when)
{
    uint8_t a[16];
    int fam;
    return parse(ip, &fam, a) && find(fam, a, 1, 0, when);
}

void qt_selfconn_reset(void)
{
    memset(tab, 0, sizeof tab);
    next = used = 0;
}

/* Unit tests: sockets counted per remote IP (diag/ports/ipcounter.c) equal
 * a brute-force count, on generated socket tables with repeated and
 * distinct IPv4 and IPv6 addresses, one counter kept across samples as the
 * firewall collector keeps it (issue 19: no sort per sample). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag/ports/ipcounter.h"
#include "diag/ports/ports.h"
#include "diag/core/util.h"

static uint32_t rng = 12345;

static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u; /* any fixed sequence will do */
    return rng >> 8;
}

/* n sockets, addresses from a pool of npool (a pool entry is IPv4 or IPv6;
 * IPv6 entries share their first 4 bytes with an IPv4 one, so the family
 * must tell them apart), services -1..2, mixed states and stages. */
static qt_sockets *gen(size_t n, unsigned npool)
{
    qt_sockets *m = qt_calloc(1, sizeof *m);
    static const uint8_t stages[] = {QT_STAGE_MAIL, QT_STAGE_PROGRAM, QT_STAGE_HANDSHAKE, QT_STAGE_UNKNOWN};

    m->socks.v = qt_calloc(n, sizeof *m->socks.v);
    m->socks.n = m->socks.cap = n;
    m->own = qt_calloc(n, sizeof *m->own);
    for (size_t i = 0; i < n; i++) {
        struct qt_sock *s = &m->socks.v[i];
        unsigned a = rnd() % npool;
        s->family = a % 3 == 0 ? AF_INET6 : AF_INET;
        s->raddr[0] = 198, s->raddr[1] = 51, s->raddr[2] = (uint8_t)(a >> 8), s->raddr[3] = (uint8_t)(a / 3);
        if (s->family == AF_INET6)
            s->raddr[15] = (uint8_t)a;
        s->svc = (int8_t)(rnd() % 4) - 1;
        s->state = rnd() % 5 ? QT_TCP_ESTABLISHED : QT_TCP_CLOSE_WAIT;
        s->lport = (uint16_t)(465 + s->svc);
        s->inode = rnd() % 7 ? 1000 + (uint32_t)i : 0;
        m->own[i].stage = stages[rnd() % 4];
    }
    return m;
}

static int same_ip(const struct qt_sock *a, const struct qt_sock *b)
{
    return a->family == b->family && memcmp(a->raddr, b->raddr, a->family == AF_INET ? 4 : 16) == 0;
}

static int counted(const qt_sockets *m, size_t i)
{
    const struct qt_sock *s = &m->socks.v[i];
    return s->svc >= 0 && s->state == QT_TCP_ESTABLISHED &&
           (m->own[i].stage == QT_STAGE_MAIL || m->own[i].stage == QT_STAGE_PROGRAM);
}

/* the peaks by comparing every pair */
static void brute_peaks(const qt_sockets *m, unsigned peak[QT_MAX_SERVICES])
{
    memset(peak, 0, QT_MAX_SERVICES * sizeof *peak);
    for (size_t i = 0; i < m->socks.n; i++) {
        unsigned n = 0;
        if (!counted(m, i))
            continue;
        for (size_t j = 0; j < m->socks.n; j++)
            n += counted(m, j) && m->socks.v[j].svc == m->socks.v[i].svc && same_ip(&m->socks.v[i], &m->socks.v[j]);
        if (n > peak[m->socks.v[i].svc])
            peak[m->socks.v[i].svc] = n;
    }
}

static void free_gen(qt_sockets *m)
{
    free(m->socks.v);
    free(m->own);
    free(m);
}

/* Samples of different sizes through one counter (it grows, and forgets
 * the last sample), then a generation number that wraps. */
static void peaks_equal_brute_force(void **st)
{
    static const struct { size_t n; unsigned pool; } round[] = {
        {0, 1}, {1, 1}, {50, 3}, {3000, 700}, {3000, 40}, {200, 200}, {6000, 5000}, {100, 2},
    };
    qt_ipcounter c = {0};
    (void)st;

    for (size_t r = 0; r < QT_ARRAY_LEN(round) + 2; r++) {
        size_t k = r < QT_ARRAY_LEN(round) ? r : 3;
        qt_sockets *m = gen(round[k].n, round[k].pool);
        unsigned got[QT_MAX_SERVICES], want[QT_MAX_SERVICES];
        if (r == QT_ARRAY_LEN(round))
            c.gen = UINT32_MAX; /* the next start wraps to a fresh generation */
        qt_ports_ip_peaks(m, &c, got);
        brute_peaks(m, want);
        for (int i = 0; i < QT_MAX_SERVICES; i++)
            assert_int_equal(got[i], want[i]);
        if (round[k].n >= 3000)
            assert_true(want[0] > 1 && want[1] > 1 && want[2] > 1); /* the table has repeats */
        free_gen(m);
    }
    /* no owners: nothing known past the handshake */
    {
        qt_sockets *m = gen(100, 2);
        unsigned got[QT_MAX_SERVICES];
        free(m->own);
        m->own = NULL;
        qt_ports_ip_peaks(m, &c, got);
        for (int i = 0; i < QT_MAX_SERVICES; i++)
            assert_int_equal(got[i], 0);
        free_gen(m);
    }
    qt_ipcounter_free(&c);
}

/* The counter alone: keys count apart, the count of each (key, IP) is
 * returned as it grows, and a new start forgets everything. */
static void counts_per_key(void **st)
{
    qt_ipcounter c = {0};
    uint8_t a[16] = {192, 0, 2, 1}, b6[16] = {192, 0, 2, 1};
    (void)st;

    qt_ipcounter_start(&c, 2);
    assert_int_equal(qt_ipcounter_add(&c, 0, AF_INET, a), 1);
    assert_int_equal(qt_ipcounter_add(&c, 0, AF_INET, a), 2);
    assert_int_equal(qt_ipcounter_add(&c, 1, AF_INET, a), 1);
    assert_int_equal(qt_ipcounter_add(&c, 0, AF_INET6, b6), 1);
    for (unsigned i = 0; i < 500; i++) { /* past the hint: it grows */
        uint8_t x[16] = {10, 0, (uint8_t)(i >> 8), (uint8_t)i};
        assert_int_equal(qt_ipcounter_add(&c, 2, AF_INET, x), 1);
    }
    assert_int_equal(qt_ipcounter_add(&c, 0, AF_INET, a), 3);
    /* one address under every key, many times, in a table full of others:
     * each (key, IP) counts alone however the probes cross */
    qt_ipcounter_start(&c, 0);
    for (unsigned round = 1; round <= 3; round++)
        for (int key = 0; key < QT_MAX_SERVICES; key++)
            for (unsigned i = 0; i < 300; i++) {
                uint8_t x[16] = {10, 1, (uint8_t)(i >> 8), (uint8_t)i};
                assert_int_equal(qt_ipcounter_add(&c, key, i % 2 ? AF_INET : AF_INET6, x), round);
            }
    qt_ipcounter_start(&c, 0);
    assert_int_equal(qt_ipcounter_add(&c, 0, AF_INET, a), 1);
    qt_ipcounter_free(&c);
}

/* qt_ports_top_accepted: the most accepted connections on a port by one
 * IP; equal counts go to the lowest (family, address), as a sort did. */
static void top_accepted_equals_brute_force(void **st)
{
    (void)st;
    for (int r = 0; r < 6; r++) {
        qt_sockets *m = gen(r == 0 ? 0 : 400 * (size_t)r, r < 3 ? 150 : 20);
        for (unsigned port = 464; port <= 467; port++) {
            const struct qt_sock *best = NULL;
            unsigned top = 0;
            char got[64], want[64] = "";
            for (size_t i = 0; i < m->socks.n; i++) {
                const struct qt_sock *s = &m->socks.v[i];
                unsigned n = 0;
                if (s->lport != port || !s->inode || (s->state != QT_TCP_ESTABLISHED && s->state != QT_TCP_CLOSE_WAIT))
                    continue;
                for (size_t j = 0; j < m->socks.n; j++) {
                    const struct qt_sock *t = &m->socks.v[j];
                    n += t->lport == port && t->inode && same_ip(s, t) &&
                         (t->state == QT_TCP_ESTABLISHED || t->state == QT_TCP_CLOSE_WAIT);
                }
                if (n > top || (n == top && (s->family < best->family ||
                                             (s->family == best->family && memcmp(s->raddr, best->raddr, 16) < 0)))) {
                    top = n;
                    best = s;
                }
            }
            if (best)
                qt_addr_str(best->family, best->raddr, want, sizeof want);
            assert_int_equal(qt_ports_top_accepted(m, port, got, sizeof got), top);
            assert_string_equal(got, want);
        }
        free_gen(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peaks_equal_brute_force),
        cmocka_unit_test(counts_per_key),
        cmocka_unit_test(top_accepted_equals_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

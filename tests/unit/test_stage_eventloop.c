/* Unit test (issue 19 item 3): a connection accepted by an event-loop
 * server -- socat without fork, which accepts in the same process, with no
 * process event -- is still attributed to it in the next sample, from the
 * previous sample's inode -> owner map and a walk of the listeners' fds,
 * not from a full re-read of every process. Live, on 127.0.0.1. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag/ports/sockets.h"
#include "diag/ports/stage.h"
#include "diag/procs/procs.h"
#include "diag/core/util.h"

static int free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    port = ntohs(sa.sin_port);
    close(s);
    return port;
}

struct sample {
    qt_procs procs;
    qt_socklist socks;
    struct qt_owner *own;
    struct qt_stage_stats stats;
};

static void take(qt_procs_reader *r, qt_stage_state **st, const qt_ctx *ctx, unsigned port, struct sample *s)
{
    struct qt_sockfilter f = {.ports = &port, .nports = 1, .states = QT_SOCK_STATES};
    const char *backend;
    char why[256], err[256];

    memset(s, 0, sizeof *s);
    assert_int_equal(qt_procs_reader_read(r, ctx, &s->procs, err, sizeof err), 0);
    assert_int_equal(qt_sock_read(ctx, &f, 0, &s->socks, &backend, why, sizeof why, err, sizeof err), 0);
    s->own = qt_calloc(s->socks.n + 1, sizeof *s->own);
    qt_stage_map(st, ctx, &s->procs, s->socks.v, s->socks.n, s->own, &s->stats);
}

static void done(struct sample *s)
{
    qt_procs_seal(&s->procs);
    qt_procs_free(&s->procs);
    free(s->socks.v);
    free(s->own);
}

/* The owner of the first socket in this state with an inode and, when
 * rport is not 0, that remote port, or -1 if there is none. The port was
 * free when picked, but on a machine holding thousands of loopback
 * connections another program's client may get it as its ephemeral local
 * port: its end is listed too, so the connection is told by both ports. */
static int owner_of(const struct sample *s, unsigned state, unsigned rport)
{
    for (size_t i = 0; i < s->socks.n; i++)
        if (s->socks.v[i].state == state && s->socks.v[i].inode && (!rport || s->socks.v[i].rport == rport))
            return s->own[i].pid;
    return -1;
}

static void socat_accept_is_attributed(void **state)
{
    (void)state;
    qt_procs_reader *r = qt_procs_reader_new();
    qt_stage_state *st = NULL;
    struct sample s;
    qt_ctx ctx;
    char listen[96];
    int port = free_port(), client, tries;
    unsigned client_port;
    pid_t socat;

    qt_ctx_defaults(&ctx);
    snprintf(listen, sizeof listen, "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr", port);
    socat = fork();
    if (socat == 0) {
        alarm(30); /* bounded even if the test dies */
        execlp("socat", "socat", listen, "PIPE", (char *)NULL);
        _exit(127);
    }
    /* sample 1: the listener is mapped to socat */
    for (tries = 0; tries < 100; tries++) {
        take(r, &st, &ctx, (unsigned)port, &s);
        if (owner_of(&s, QT_TCP_LISTEN, 0) == socat)
            break;
        done(&s);
        usleep(50 * 1000);
    }
    assert_int_equal(owner_of(&s, QT_TCP_LISTEN, 0), socat);
    done(&s);

    /* a client; socat accepts it in the same process: no fork, no exec */
    {
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                                 .sin_port = htons((uint16_t)port)};
        client = socket(AF_INET, SOCK_STREAM, 0);
        assert_int_equal(connect(client, (struct sockaddr *)&sa, sizeof sa), 0);
        assert_int_equal(write(client, "x", 1), 1);
        char c;
        assert_int_equal(read(client, &c, 1), 1); /* echoed: accepted */
        assert_int_equal(getsockname(client, (struct sockaddr *)&sa, &(socklen_t){sizeof sa}), 0);
        client_port = ntohs(sa.sin_port);
    }
    /* sample 2: the accepted connection's unknown inode sends us to the
     * listener's fds, within this sample, without reading every process */
    take(r, &st, &ctx, (unsigned)port, &s);
    assert_int_equal(owner_of(&s, QT_TCP_ESTABLISHED, client_port), socat);
    assert_int_equal(s.stats.full_rescan, 0);
    assert_true(s.stats.scanned <= 2); /* the listener (and a new process that took a reused pid) */
    done(&s);

    close(client);
    kill(socat, SIGTERM);
    waitpid(socat, NULL, 0);
    qt_stage_state_free(st);
    qt_procs_reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(socat_accept_is_attributed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

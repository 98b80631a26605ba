/* qmailfile.c - control files and .qmail files parsed as qmail and
 * vdelivermail parse them (qmailfile.h). */
#include "diag/config/qmailfile.h"
#include "diag/core/util.h"

#include <stdlib.h>
#include <string.h>

/* qmail-control(5)'s table and the programs that read each file
 * (notqmail qmail-send.c getcontrols, qmail-smtpd.c setup, qmail-remote.c
 * getcontrols, qmail-inject.c getcontrols, rcpthosts.c); docs/domain/qmail.md. */
static const struct qt_control_def defs[] = {
    {"me", QT_CTL_LINE, 0, NULL, "every program (control.c control_init)", 0},
    {"helohost", QT_CTL_LINE, 1, NULL, "qmail-remote (qmail-remote.c: refuses to run without it or me)", 0},
    {"defaultdomain", QT_CTL_LINE, 1, "defaultdomain", "qmail-inject (qmail-inject.c)", 0},
    {"plusdomain", QT_CTL_LINE, 1, "plusdomain", "qmail-inject (qmail-inject.c)", 0},
    {"locals", QT_CTL_LIST, 1, NULL, "qmail-send (qmail-send.c: me when missing)", 0},
    {"rcpthosts", QT_CTL_LIST, 0, NULL, "qmail-smtpd (rcpthosts.c: missing = every recipient accepted)", 0},
    {"morercpthosts", QT_CTL_LIST, 0, NULL, "qmail-newmrh -> morercpthosts.cdb (rcpthosts.c)", 0},
    {"virtualdomains", QT_CTL_LIST, 0, NULL, "qmail-send (qmail-send.c)", 0},
    {"smtproutes", QT_CTL_LIST, 0, NULL, "qmail-remote (qmail-remote.c)", 0},
    {"concurrencyincoming", QT_CTL_INT, 0, NULL, "the smtpd run script's tcpserver -c (LWQ), not qmail itself", 0},
    {"concurrencylocal", QT_CTL_INT, 0, "10", "qmail-send (qmail-send.c)", 0},
    {"concurrencyremote", QT_CTL_INT, 0, "20", "qmail-send (qmail-send.c)", 0},
    {"timeoutsmtpd", QT_CTL_INT, 0, "1200", "qmail-smtpd (qmail-smtpd.c)", 0},
    {"timeoutremote", QT_CTL_INT, 0, "1200", "qmail-remote (qmail-remote.c)", 0},
    {"timeoutconnect", QT_CTL_INT, 0, "60", "qmail-remote (qmail-remote.c)", 0},
    {"databytes", QT_CTL_INT, 0, "0", "qmail-smtpd (qmail-smtpd.c; 0 = no limit)", 0},
    {"queuelifetime", QT_CTL_INT, 0, "604800", "qmail-send (qmail-send.c)", 0},
    {"doublebounceto", QT_CTL_LINE, 0, "postmaster", "qmail-send (qmail-send.c: doublebounceto@doublebouncehost)", 0},
    {"doublebouncehost", QT_CTL_LINE, 1, "doublebouncehost", "qmail-send (qmail-send.c)", 0},
    {"bouncefrom", QT_CTL_LINE, 0, "MAILER-DAEMON", "qmail-send (qmail-send.c)", 0},
    {"bouncehost", QT_CTL_LINE, 1, "bouncehost", "qmail-send (qmail-send.c)", 0},
    {"envnoathost", QT_CTL_LINE, 1, "envnoathost", "qmail-send (qmail-send.c)", 0},
    {"smtpgreeting", QT_CTL_LINE, 1, NULL, "qmail-smtpd (qmail-smtpd.c)", 0},
    {"defaultdelivery", QT_CTL_LINE, 0, NULL, "the rc script (qmail-start's argument, LWQ)", 0},
    {"servercert.pem", QT_CTL_PEM, 0, NULL, "STARTTLS patches, sslserver CERTFILE", 1},
    {"clientcert.pem", QT_CTL_PEM, 0, NULL, "TLS patches (qmail-remote)", 1},
    {"badmailfrom", QT_CTL_LIST, 0, NULL, "qmail-smtpd (qmail-smtpd.c)", 0},
    {"localiphost", QT_CTL_LINE, 1, NULL, "qmail-smtpd (qmail-smtpd.c)", 0},
    {"defaulthost", QT_CTL_LINE, 1, "defaulthost", "qmail-inject (qmail-inject.c)", 0},
    {"idhost", QT_CTL_LINE, 1, "idhost", "qmail-inject (qmail-inject.c)", 0},
    {"percenthack", QT_CTL_LIST, 0, NULL, "qmail-send (qmail-send.c)", 0},
    {"qmqpservers", QT_CTL_LIST, 0, NULL, "qmail-qmqpc (qmail-qmqpc.c)", 0},
    /* the AUTH patch's qmail-remote: sender:relay:port|user|password lines */
    {"authsenders", QT_CTL_LIST, 0, NULL, "the AUTH patch (qmail-remote.c, qmail-remote(8))", 1},
    {"spfbehavior", QT_CTL_INT, 0, "0", "the SPF patch (qmail-smtpd; 0 = no SPF checks)", 0},
    {"tlsserverciphers", QT_CTL_LINE, 0, NULL, "the TLS patch (qmail-smtpd)", 0},
    {"tlsclientciphers", QT_CTL_LINE, 0, NULL, "the TLS patch (qmail-remote)", 0},
    {"dh2048.pem", QT_CTL_PEM, 0, NULL, "the TLS patch (DH parameters, update_tmprsadh)", 0},
    {"rsa2048.pem", QT_CTL_PEM, 0, NULL, "the TLS patch (temporary RSA key, update_tmprsadh)", 1},
    {"srs_domain", QT_CTL_LINE, 0, NULL, "the qmail-SRS patch (srs.c)", 0},
    {"srs_secrets", QT_CTL_LIST, 0, NULL, "the qmail-SRS patch (srs.c)", 1},
};

const struct qt_control_def *qt_control_defs(size_t *n)
{
    *n = sizeof defs / sizeof defs[0];
    return defs;
}

const struct qt_control_def *qt_control_def(const char *name)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (strcmp(defs[i].name, name) == 0)
            return &defs[i];
    return NULL;
}

static size_t strip_ws(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    return n;
}

char *qt_control_line(const char *text, size_t len)
{
    const char *nl = text ? memchr(text, '\n', len) : NULL;
    size_t n = text ? (nl ? (size_t)(nl - text) : len) : 0;
    return qt_strndup(text ? text : "", strip_ws(text ? text : "", n));
}

int qt_control_int(const char *text, size_t len, unsigned long *out)
{
    char *l = qt_control_line(text, len);
    unsigned long u = 0;
    size_t i = 0;
    /* scan_ulong: leading decimal digits only, no sign, no spaces */
    for (; l[i] >= '0' && l[i] <= '9'; i++)
        u = u * 10 + (unsigned long)(l[i] - '0');
    free(l);
    if (i == 0)
        return 0;
    *out = u;
    return 1;
}

size_t qt_control_list(const char *text, size_t len, char ***out, int **lines)
{
    size_t n = 0, cap = 0, lcap = 0;
    char **v = NULL;
    int *ln = NULL;
    size_t i = 0;
    int no = 0;
    while (text && i < len) {
        const char *s = text + i, *nl = memchr(s, '\n', len - i);
        size_t l = nl ? (size_t)(nl - s) : len - i;
        no++;
        i += l + (nl ? 1 : 0);
        l = strip_ws(s, l);
        /* control_readfile copies up to a NUL (stralloc_0 then C string use) */
        size_t c = strnlen(s, l);
        if (c == 0 || s[0] == '#')
            continue;
        qt_grow(&v, &cap, n + 1, sizeof *v);
        qt_grow(&ln, &lcap, n + 1, sizeof *ln);
        v[n] = qt_strndup(s, c);
        ln[n++] = no;
    }
    *out = v;
    if (lines)
        *lines = ln;
    else
        free(ln);
    return n;
}

void qt_control_list_free(char **v, int *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    free(lines);
}

static const char TRAP_LITERAL[] =
    "the address holds spaces, angle brackets or a comma: qmail hands that literal string on as the "
    "recipient (dot-qmail(5): no spaces, angle brackets or comments), so the forward bounces";
static const char TRAP_VD_MBOX[] =
    "vdelivermail cannot deliver to an mbox (a path not ending in '/', trailing spaces count): it "
    "prints \"can't handle mbox delivery\" and defers every message";
static const char TRAP_VD_BLANK[] =
    "vdelivermail does not skip blank lines: it hands an empty address to qmail-inject";
static const char TRAP_EMPTY_FWD[] = "'&' with no address after it";

static void add_line(qt_dotqmail *dq, size_t *cap, int no, enum qt_dq_kind k, const char *arg, size_t n,
                     const char *trap)
{
    qt_grow(&dq->v, cap, dq->n + 1, sizeof *dq->v);
    qt_dq_line *l = &dq->v[dq->n++];
    l->no = no;
    l->kind = k;
    l->arg = qt_strndup(arg, n);
    l->trap = trap;
    if (k == QT_DQ_FORWARD)
        dq->forwards++;
    else if (k == QT_DQ_PROGRAM)
        dq->programs++;
    else if (k == QT_DQ_MAILDIR || k == QT_DQ_MBOX)
        dq->files++;
}

static const char *forward_trap(const char *a, size_t n)
{
    if (n == 0)
        return TRAP_EMPTY_FWD;
    for (size_t i = 0; i < n; i++)
        if (a[i] == ' ' || a[i] == '\t' || a[i] == '<' || a[i] == '>' || a[i] == ',' || a[i] == '(')
            return TRAP_LITERAL;
    return NULL;
}

/* qmail-local.c main(): the loop over cmds */
static void parse_local(const char *s, size_t k, int no, qt_dotqmail *dq, size_t *cap)
{
    k = strnlen(s, k);  /* the line is used as a C string */
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        k--;
    if (k == 0) {
        if (no == 1 && !dq->fatal) {
            dq->fatal = "first line of .qmail file is blank: qmail-local defers every message (#4.2.1)";
            dq->fatal_line = 1;
        }
        add_line(dq, cap, no, QT_DQ_BLANK, "", 0, NULL);
        return;
    }
    switch (s[0]) {
    case '#':
        add_line(dq, cap, no, QT_DQ_COMMENT, s, k, NULL);
        return;
    case '.':
    case '/':
        add_line(dq, cap, no, s[k - 1] == '/' ? QT_DQ_MAILDIR : QT_DQ_MBOX, s, k, NULL);
        return;
    case '|':
        add_line(dq, cap, no, QT_DQ_PROGRAM, s + 1, k - 1, NULL);
        return;
    case '+':
        if (k == 5 && memcmp(s + 1, "list", 4) == 0)
            add_line(dq, cap, no, QT_DQ_LIST, s + 1, k - 1, NULL);
        else
            add_line(dq, cap, no, QT_DQ_COMMENT, s, k, NULL);  /* qmail-local ignores other '+' lines */
        return;
    case '&':
        s++, k--;
        /* fall through */
    default:
        add_line(dq, cap, no, QT_DQ_FORWARD, s, k, forward_trap(s, k));
    }
}

/* vdelivermail.c deliver_mail() and check_forward_deliver(): no stripping */
static void parse_vdeliver(const char *s, size_t k, int no, qt_dotqmail *dq, size_t *cap)
{
    k = strnlen(s, k);
    if (k == 0) {
        add_line(dq, cap, no, QT_DQ_BLANK, "", 0, TRAP_VD_BLANK);
        return;
    }
    switch (s[0]) {
    case '#':
        add_line(dq, cap, no, QT_DQ_COMMENT, s, k, NULL);
        return;
    case '|':
        add_line(dq, cap, no, QT_DQ_PROGRAM, s + 1, k - 1, NULL);
        return;
    case '.':
    case '/':
        if (s[k - 1] == '/')
            add_line(dq, cap, no, QT_DQ_MAILDIR, s, k, NULL);
        else
            add_line(dq, cap, no, QT_DQ_MBOX, s, k, TRAP_VD_MBOX);
        return;
    case '&':
        s++, k--;
        /* fall through */
    default:
        add_line(dq, cap, no, QT_DQ_FORWARD, s, k, forward_trap(s, k));
    }
}

void qt_dotqmail_parse(const char *text, size_t len, enum qt_dq_dialect d, qt_dotqmail *out)
{
    size_t cap = 0, i = 0;
    int no = 0;
    memset(out, 0, sizeof *out);
    while (text && i < len) {
        const char *s = text + i, *nl = memchr(s, '\n', len - i);
        size_t k = nl ? (size_t)(nl - s) : len - i;
        i += k + (nl ? 1 : 0);
        no++;
        if (d == QT_DQ_VDELIVERMAIL)
            parse_vdeliver(s, k, no, out, &cap);
        else
            parse_local(s, k, no, out, &cap);
    }
}

void qt_dotqmail_free(qt_dotqmail *dq)
{
    for (size_t i = 0; i < dq->n; i++)
        free(dq->v[i].arg);
    free(dq->v);
    memset(dq, 0, sizeof *dq);
}

const char *qt_dq_addr_domain(const char *addr)
{
    const char *at = strrchr(addr, '@');
    return at && at[1] ? at + 1 : NULL;
}

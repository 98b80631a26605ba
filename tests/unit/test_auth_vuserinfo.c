/* Unit tests: vuserinfo output (format strings of vpopmail 5.6.13
 * vuserinfo.c display_user/display_limit/display_lastlogin, docs/domain/vpopmail.md#vuserinfo),
 * the redaction of its password lines, and the directory fallback on a
 * fixture tree (users/assign, domains/DOMAIN, hashed user dirs, vpasswd). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag/auth/auth_vuserinfo.h"
#include "diag/core/util.h"

static const char sample_ok[] =
    "name:   joe\n"
    "passwd: $1$abcdefgh$0123456789abcdefghijkl\n"
    "clear passwd: s3cret-Pw\n"
    "comment/gecos: Joe User\n"
    "uid:    89\n"
    "gid:    89\n"
    "flags:  0\n"
    "gecos: Joe User\n"
    "limits: No user limits set.\n"
    "dir:       /home/vpopmail/domains/example.com/joe\n"
    "quota:     NOQUOTA\n"
    "usage:     NOQUOTA\n"
    "last auth: Sat Nov 28 10:01:02 2026\n"
    "last auth ip: 203.0.113.9\n";

/* flags 0x800 (NO_SMTP) on the user, NO_POP set by the domain: "(*)" */
static const char sample_closed[] =
    "name:   ann\n"
    "passwd: $6$x$y\n"
    "clear passwd: \n"
    "comment/gecos: Ann\n"
    "uid:    89\n"
    "gid:    2048\n"
    "flags:  2050\n"
    "gecos: Ann\n"
    "limits:\n"
    "        pop access closed (*)\n"
    "        smtp access is closed\n"
    "        * = set by domain-wide limits\n"
    "dir:       /home/vpopmail/domains/example.com/ann\n"
    "quota:     52428800S\n"
    "usage:     12%\n"
    "account created: Sat Nov 28 10:01:02 2026\n"
    "last auth: Never logged in\n";

static void parse_ok(void **st)
{
    (void)st;
    struct qt_vuserinfo u;
    assert_int_equal(qt_vuserinfo_parse(sample_ok, strlen(sample_ok), &u), 1);
    assert_string_equal(u.name, "joe");
    assert_string_equal(u.dir, "/home/vpopmail/domains/example.com/joe");
    assert_string_equal(u.quota, "NOQUOTA");
    assert_string_equal(u.last_auth, "Sat Nov 28 10:01:02 2026");
    assert_string_equal(u.last_auth_ip, "203.0.113.9");
    assert_true(u.crypted_set && u.clear_set);
    assert_int_equal(u.nlimits, 0);
    assert_false(u.smtp_closed);
    assert_true(u.has_flags);
    /* the struct never holds the passwords */
    assert_null(memmem(&u, sizeof u, "s3cret", 6));
    assert_null(memmem(&u, sizeof u, "$1$abc", 6));
}

static void parse_closed(void **st)
{
    (void)st;
    struct qt_vuserinfo u;
    assert_int_equal(qt_vuserinfo_parse(sample_closed, strlen(sample_closed), &u), 1);
    assert_int_equal(u.nlimits, 2);
    assert_string_equal(u.limits[0], "pop access closed (*)");
    assert_string_equal(u.limits[1], "smtp access is closed");
    assert_true(u.smtp_closed && u.pop_closed);
    assert_false(u.clear_set);
    assert_true(u.never_logged_in);
    assert_int_equal(u.flags, 2050);
    assert_string_equal(u.usage, "12%");
}

static void parse_errors(void **st)
{
    (void)st;
    struct qt_vuserinfo u;
    const char *nouser = "no such user bob@example.com\n";
    const char *err = "Error: unable to setuid\n";
    assert_int_equal(qt_vuserinfo_parse(nouser, strlen(nouser), &u), 0);
    assert_string_equal(u.error, "no such user bob@example.com");
    assert_int_equal(qt_vuserinfo_parse(err, strlen(err), &u), -1);
    assert_string_equal(u.error, "Error: unable to setuid");
    assert_int_equal(qt_vuserinfo_parse("", 0, &u), -1);
    assert_int_equal(qt_vuserinfo_parse("garbage\n\n\x01\x02", 11, &u), -1);
}

static void redact(void **st)
{
    (void)st;
    char *r = qt_vuserinfo_redact(sample_ok, strlen(sample_ok));
    assert_null(strstr(r, "s3cret-Pw"));
    assert_null(strstr(r, "$1$abcdefgh"));
    assert_non_null(strstr(r, "passwd: <hidden>\nclear passwd: <hidden>\ncomment/gecos: Joe User\n"));
    free(r);
}

static void mk(const char *path)
{
    assert_int_equal(mkdir(path, 0755), 0);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void directory_fallback(void **st)
{
    (void)st;
    char root[] = "/tmp/qt-vpop-XXXXXX", p[1024], home[256];
    qt_ctx ctx;
    struct qt_vpop_lookup o;

    assert_non_null(mkdtemp(root));
    qt_ctx_defaults(&ctx);
    ctx.root = root;
    snprintf(p, sizeof p, "%s/home", root); mk(p);
    snprintf(home, sizeof home, "%s/home/vpopmail", root); mk(home);
    snprintf(p, sizeof p, "%s/domains", home); mk(p);
    snprintf(p, sizeof p, "%s/domains/example.com", home); mk(p);
    snprintf(p, sizeof p, "%s/domains/example.com/joe", home); mk(p);
    snprintf(p, sizeof p, "%s/domains/example.com/0", home); mk(p);
    snprintf(p, sizeof p, "%s/domains/example.com/0/zed", home); mk(p);
    snprintf(p, sizeof p, "%s/domains/example.com/vpasswd", home);
    put(p, "joe:$1$x$y:1:2048:Joe:/home/vpopmail/domains/example.com/joe:NOQUOTA:s3cret\n"
           "ann:$1$x$y:1:0:Ann:/home/vpopmail/domains/example.com/ann:NOQUOTA\n");
    /* another domain mapped through users/assign to a non-standard place */
    snprintf(p, sizeof p, "%s/var", root); mk(p);
    snprintf(p, sizeof p, "%s/var/qmail", root); mk(p);
    snprintf(p, sizeof p, "%s/var/qmail/users", root); mk(p);
    snprintf(p, sizeof p, "%s/var/qmail/users/assign", root);
    put(p, "+other.org-:other.org:89:89:/srv/mail/other.org:-::\n.\n");
    snprintf(p, sizeof p, "%s/srv", root); mk(p);
    snprintf(p, sizeof p, "%s/srv/mail", root); mk(p);
    snprintf(p, sizeof p, "%s/srv/mail/other.org", root); mk(p);
    snprintf(p, sizeof p, "%s/srv/mail/other.org/kim", root); mk(p);

    qt_vpop_lookup(&ctx, home, "joe", "example.com", &o);
    assert_true(o.domain_found && o.user_found && o.vpasswd_line && o.has_flags);
    assert_int_equal(o.flags, 2048);
    assert_true(o.flags & QT_VPOP_NO_SMTP);
    qt_vpop_lookup(&ctx, home, "zed", "example.com", &o);   /* hashed directory */
    assert_true(o.user_found);
    assert_non_null(strstr(o.user_dir, "/example.com/0/zed"));
    qt_vpop_lookup(&ctx, home, "ann", "example.com", &o);   /* vpasswd line, no directory yet */
    assert_true(o.user_found && o.vpasswd_line);
    assert_int_equal(o.flags, 0);
    qt_vpop_lookup(&ctx, home, "bob", "example.com", &o);
    assert_true(o.domain_found);
    assert_false(o.user_found);
    qt_vpop_lookup(&ctx, home, "x", "nowhere.net", &o);
    assert_false(o.domain_found);
    qt_vpop_lookup(&ctx, home, "kim", "other.org", &o);
    assert_true(o.domain_found && o.user_found);
    assert_non_null(strstr(o.how, "users/assign maps other.org"));
    assert_null(memmem(&o, sizeof o, "s3cret", 6));

    snprintf(p, sizeof p, "rm -rf '%s'", root);
    assert_int_equal(system(p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_ok), cmocka_unit_test(parse_closed), cmocka_unit_test(parse_errors),
        cmocka_unit_test(redact), cmocka_unit_test(directory_fallback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

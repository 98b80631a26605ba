/* vuserinfo - lab stand-in for vpopmail's vuserinfo.
 *
 * vuserinfo [-anpugcdqQlC] user@domain
 * Prints vpopmail's default (-a) format (vuserinfo.c display_user) for a user
 * of the lab credentials file (QT_LAB_VPASSWD, or vchkpw-creds beside the
 * program: see vpw.h), or
 * "no such user user@domain".  The "passwd:" value is a made-up
 * md5-crypt-looking string derived from the clear password (the lab has no
 * libcrypt); uid is 0, gid holds the user's flags as in vpopmail's vpasswd.
 */
#include "md5.h"
#include "vpw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void fake_crypt(const char *clear, char out[64])
{
    static const char b64[] =
        "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    uint8_t d[16];
    md5(clear, strlen(clear), d);
    char *p = out + sprintf(out, "$1$qtlab$");
    for (int i = 0; i < 16; i++) {
        *p++ = b64[d[i] & 63];
        if (i < 6)
            *p++ = b64[d[i] >> 2 & 63];
    }
    *p = 0;
}

static void limit(unsigned flags, unsigned bit, const char *msg)
{
    if (flags & bit)
        printf("        %s\n", msg);
}

static void usage(void)
{
    printf("vuserinfo: usage: [options] email_address\n"
           "options: -v (print version number)\n"
           "         -a (display all fields, this is the default)\n"
           "         -n (display name field)\n"
           "         -p (display crypted password)\n"
           "         -u (display uid field)\n"
           "         -g (display gid field)\n"
           "         -c (display comment field)\n"
           "         -d (display directory)\n"
           "         -q (display quota field)\n"
           "         -Q (display quota usage)\n"
           "         -C (display clear text password)\n"
           "         -l (display last authentication time)\n"
           "         -D domainname (show all users on this domain)\n");
}

int main(int argc, char **argv)
{
    int all = 1, c;
    vpw_init(argv[0]);
    char which[16] = "";
    size_t nw = 0;
    while ((c = getopt(argc, argv, "anpugcdqQvlD:C")) != -1) {
        switch (c) {
        case 'a': all = 1; break;
        case 'v': printf("version: 5.4.33 (qtriage lab stand-in)\n"); break;
        case 'D': fprintf(stderr, "vuserinfo: -D is not supported by the lab stand-in\n"); return 1;
        case '?': usage(); return 255;
        default:
            all = 0;
            if (nw < sizeof which - 1)
                which[nw++] = (char)c;
        }
    }
    if (optind >= argc) {
        usage();
        return 255;
    }
    char user[160], domain[160] = "";
    vpw_copy(user, sizeof user, argv[optind]);
    char *at = strchr(user, '@');
    if (at) {
        *at = 0;
        vpw_copy(domain, sizeof domain, at + 1);
    }
    struct vpw_entry e;
    int r = vpw_lookup(user, domain, &e);
    if (r < 0) {
        printf("Error: Initial open.\n");
        return 255;
    }
    if (r == 0) {
        if (!domain[0])
            printf("no such user %s\n", user);
        else
            printf("no such user %s@%s\n", user, domain);
        return 255;
    }
    char crypted[64] = "", dir[512];
    if (e.password[0])
        fake_crypt(e.password, crypted);
    vpw_dir(&e, dir, sizeof dir);
    if (all) {
        printf("name:   %s\n", e.user);
        printf("passwd: %s\n", crypted);
        printf("clear passwd: %s\n", e.password);
        printf("comment/gecos: %s\n", e.user);
        printf("uid:    0\n");
        printf("gid:    %u\n", e.flags);
        printf("flags:  %u\n", e.flags);
        printf("gecos: %s\n", e.user);
        if (e.flags == 0) {
            printf("limits: No user limits set.\n");
        } else {
            printf("limits:\n");
            limit(e.flags, VPW_NO_PASSWD_CHNG, "password can not be changed by user");
            limit(e.flags, VPW_NO_POP, "pop access closed");
            limit(e.flags, VPW_NO_WEBMAIL, "webmail access closed");
            limit(e.flags, VPW_NO_IMAP, "imap access closed");
            limit(e.flags, VPW_NO_SMTP, "smtp access is closed");
            limit(e.flags, VPW_NO_RELAY, "user not allowed to relay mail");
            limit(e.flags, VPW_NO_DIALUP, "no dialup flag has been set");
            limit(e.flags, VPW_BOUNCE_MAIL, "mail will be bounced back to sender");
        }
        printf("dir:       %s\n", dir);
        printf("quota:     NOQUOTA\n");
        printf("usage:     NOQUOTA\n");
        printf("last auth: Never logged in\n");
        return 0;
    }
    for (size_t i = 0; i < nw; i++) {
        switch (which[i]) {
        case 'n': printf("%s\n", e.user); break;
        case 'p': printf("%s\n", crypted); break;
        case 'C': printf("%s\n", e.password); break;
        case 'u': printf("0\n"); break;
        case 'g': printf("%u\n", e.flags); break;
        case 'c': printf("%s\n", e.user); break;
        case 'd': printf("%s\n", dir); break;
        case 'q': case 'Q': printf("NOQUOTA\n"); break;
        case 'l': printf("last auth: Never logged in\n"); break;
        }
    }
    return 0;
}

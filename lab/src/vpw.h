/* vpw.h - the lab's vpopmail credentials file (a stand-in for vpasswd).
 *
 * File format, one user a line:   user@domain:password:flags
 *   flags: comma-separated words, may be empty: nosmtp nopop noimap
 *          nowebmail nopasswdchange norelay nodialup bounce
 *   An empty password field means "user has no password".
 *   Lines starting with '#' and blank lines are ignored.
 * The path comes from env QT_LAB_VPASSWD; when that is unset (qtriage runs
 * vpopmail's programs with a clean environment) the settings live in files
 * beside the program instead: vchkpw-creds is the credentials file, and
 * vpw_setting() reads the others (the wizard's integration tests use this).
 */
#ifndef LAB_VPW_H
#define LAB_VPW_H

#include <stddef.h>

/* vpopmail's gid flag bits (vpopmail.h, vpopmail 5.4 / 5.6). */
#define VPW_NO_PASSWD_CHNG 0x01u
#define VPW_NO_POP         0x02u
#define VPW_NO_WEBMAIL     0x04u
#define VPW_NO_IMAP        0x08u
#define VPW_BOUNCE_MAIL    0x10u
#define VPW_NO_RELAY       0x20u
#define VPW_NO_DIALUP      0x40u
#define VPW_NO_SMTP        0x800u

struct vpw_entry {
    char user[160];     /* local part */
    char domain[160];
    char password[160]; /* clear text; "" = no password */
    unsigned flags;
};

/* Remember the program's directory (from argv[0]) for the files beside it.
 * Call first; argv0 must stay valid. */
void vpw_init(const char *argv0);

/* 1 when the settings come from files beside the program (QT_LAB_VPASSWD
 * unset), else 0. */
int vpw_beside(void);

/* A setting: env ENV when set and not empty, else (beside mode) the first
 * line of the file FILE beside the program. Copies it to buf[n] and returns
 * 1, or returns 0 (buf = "") when neither exists. */
int vpw_setting(const char *env, const char *file, char *buf, size_t n);

/* Look up user@domain in the file named by QT_LAB_VPASSWD (or vchkpw-creds
 * beside the program).
 * Returns 1 found (*out filled), 0 not found, -1 file unreadable
 * (errno set; the caller treats it as a backend outage). */
int vpw_lookup(const char *user, const char *domain, struct vpw_entry *out);

/* Home directory of a virtual user:
 * $QT_LAB_VPOPMAIL_HOME (default /home/vpopmail)/domains/DOMAIN/USER */
void vpw_dir(const struct vpw_entry *e, char *buf, unsigned long size);

/* Copy string s into d[n] (n > 0), cutting it if needed; always terminated. */
void vpw_copy(char *d, size_t n, const char *s);

#endif

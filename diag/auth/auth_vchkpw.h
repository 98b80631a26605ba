/* auth_vchkpw.h - running vpopmail's vchkpw the way qmail-smtpd does, and
 * reading its answer with vchkpw's real exit codes (docs/domain/vpopmail.md#exit-codes), not the
 * generic checkpassword 1/2/111.
 *
 * The password goes to the child on fd 3 only (diag/core/child.h); argv holds
 * the vchkpw path and the program to run on success; the environment holds
 * only PATH and the tcpserver variables of the emulated service (so vchkpw
 * logs as vchkpw-submission etc., docs/domain/vpopmail.md#service-name).
 */
#ifndef QT_AUTH_VCHKPW_H
#define QT_AUTH_VCHKPW_H

#include <stddef.h>

#include "diag/core/child.h"
#include "diag/core/secret.h"
#include "diag/core/job.h"

#define QT_VCHKPW_AUTH_SIZE 156   /* vchkpw reads at most this many bytes from fd 3 */

/* One row of vchkpw's exit table. */
struct qt_vchkpw_exit {
    int code;
    const char *what;   /* plain words */
    const char *log;    /* what vchkpw logs for it (after "vchkpw-SERVICE: "), or NULL */
};
/* Row for code, or NULL when vchkpw never exits with it. */
const struct qt_vchkpw_exit *qt_vchkpw_exit_lookup(int code);

/* Service name or port -> TCPLOCALPORT. "submission" 587, "smtp" 25,
 * "smtps" 465, "pop3" 110, "pop3s" 995, "imap" 143, "imaps" 993, a number,
 * or "none"/"unset"/"0" = TCPLOCALPORT not set (sslserver without -e).
 * 0 on success, -1 if unknown. */
int qt_vchkpw_service_port(const char *service, unsigned *port);

/* The name vchkpw logs under (docs/domain/vpopmail.md#service-name): "vchkpw-submission",
 * "vchkpw-webmail" (POP/IMAP from 127.0.0.1), "vchkpw-2525", "vchkpw-0". */
void qt_vchkpw_log_name(unsigned port, const char *remote_ip, const char *program, char *out, size_t n);

struct qt_vchkpw_req {
    const char *vchkpw;        /* path of vchkpw (or a stand-in) */
    const char *program;       /* run on success: /usr/bin/id or /bin/true */
    const char *user;          /* login as typed */
    const qt_secret *pass;
    unsigned port;             /* TCPLOCALPORT; 0 = unset */
    const char *remote_ip;     /* TCPREMOTEIP; NULL = 127.0.0.1 */
    double timeout;
    int has_exec_fd;           /* 1: execute exec_fd (the file that was checked), not the path */
    int exec_fd;
    int drop;                  /* 1: run with uid/gid (the mail service's; auth_runas.h) */
    unsigned uid, gid;
};

/* Start vchkpw (fork/exec at once) and return the job watching it. */
qt_job *qt_vchkpw_job_new(const struct qt_vchkpw_req *r);
/* The shell command an admin would type for the same test, with the
 * password shown as <password>. Caller frees. */
char *qt_vchkpw_command(const struct qt_vchkpw_req *r);

enum qt_vchkpw_kind {
    QT_VCK_ACCEPTED,       /* exit 0 (program ran, or vchkpw's exec of it failed after accepting) */
    QT_VCK_REJECTED,       /* 3: bad password or unknown user */
    QT_VCK_DENIED,         /* 1: service closed for this account by its flags */
    QT_VCK_MISUSE,         /* 11: fd 3 unreadable or no program argument */
    QT_VCK_BACKEND,        /* 24: authentication backend (MySQL, LDAP...) unreachable */
    QT_VCK_INPUT,          /* 12, 13, 20: empty user or password, invalid characters */
    QT_VCK_NOPASS,         /* 15: the account has no password */
    QT_VCK_SETUP,          /* 4-10, 14, 21-23: setuid/chdir/putenv/system-account trouble */
    QT_VCK_NOT_RUN,        /* vchkpw itself could not be started */
    QT_VCK_TIMEOUT,        /* no exit before the deadline */
    QT_VCK_CRASH,          /* killed by a signal */
    QT_VCK_UNKNOWN,        /* an exit code vchkpw does not use: not vchkpw? */
};

struct qt_vchkpw_outcome {
    enum qt_vchkpw_kind kind;
    int code;                  /* exit code, -1 if none */
    int ran_program;           /* stdout shows the program ran (id printed uid=) */
    char status[160];          /* "exit 3" / "killed by signal 9" ... */
    char meaning[200];         /* plain words for the code */
    char log_name[48];         /* vchkpw-submission */
    char log_line[320];        /* the syslog line to look for, "" if none */
};
void qt_vchkpw_interpret(const struct qt_vchkpw_req *r, const struct qt_child_result *res,
                         struct qt_vchkpw_outcome *o);
const char *qt_vchkpw_kind_name(enum qt_vchkpw_kind k);


#endif

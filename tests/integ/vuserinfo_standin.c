/* vuserinfo_standin.c - prints vpopmail's vuserinfo default output
 * (docs/domain/vpopmail.md#vuserinfo; format strings of vpopmail 5.6 vuserinfo.c display_user)
 * for an account of the vchkpw stand-in's vchkpw-creds file next to it.
 * Like the real one it prints the clear-text password: the wizard must
 * hide it. Unknown user: "no such user u@d", exit 255 (vexit(-1)). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char dir[PATH_MAX], path[PATH_MAX + 32], line[512];
    char *slash;
    FILE *f;

    if (argc < 2) {
        printf("vuserinfo: usage: [options] email_address\n");
        return 255;
    }
    snprintf(dir, sizeof dir, "%s", argv[0]);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, sizeof path, "%s/vchkpw-creds", dir);
    if (!(f = fopen(path, "r"))) {
        printf("Error: Initial open.\n");
        return 1;
    }
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':'), *c2, *at;
        line[strcspn(line, "\n")] = '\0';
        if (!c1)
            continue;
        *c1 = '\0';
        if (strcmp(line, argv[1]) != 0)
            continue;
        c2 = strchr(c1 + 1, ':');
        if (c2)
            *c2++ = '\0';
        at = strchr(line, '@');
        if (at)
            *at = '\0';
        printf("name:   %s\n", line);
        printf("passwd: $1$abcdefgh$0123456789abcdefghijkl\n");
        printf("clear passwd: %s\n", c1 + 1);
        printf("comment/gecos: %s\n", line);
        printf("uid:    0\n");
        printf("gid:    %d\n", c2 && strstr(c2, "nosmtp") ? 2048 : 0);
        printf("flags:  %d\n", c2 && strstr(c2, "nosmtp") ? 2048 : 0);
        printf("gecos: %s\n", line);
        if (c2 && strstr(c2, "nosmtp"))
            printf("limits:\n        smtp access is closed\n");
        else
            printf("limits: No user limits set.\n");
        printf("dir:       /home/vpopmail/domains/%s/%s\n", at ? at + 1 : "", line);
        printf("quota:     NOQUOTA\n");
        printf("usage:     NOQUOTA\n");
        printf("last auth: Never logged in\n");
        fclose(f);
        return 0;
    }
    fclose(f);
    printf("no such user %s\n", argv[1]);
    return 255;
}

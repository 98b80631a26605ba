/* main.c - qtriage: parse options, then run the console or a headless mode. */
#include "src/options.h"
#include "src/batch.h"
#include "src/authcheck.h"
#include "src/classify.h"
#include "src/explain.h"
#include "diag/core/util.h"
#include "diag/procs/qmaildir.h"
#include "diag/procs/procs.h"
#include "report/headless.h"
#include "report/report.h"
#include "tui/tui.h"

#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int has_arg(int argc, char **argv, const char *a)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], a) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    qt_options o;
    int rc;
    int check = has_arg(argc, argv, "--check");
    char *errbuf = NULL;
    size_t errlen = 0;
    FILE *err = check ? open_memstream(&errbuf, &errlen) : NULL;
    struct qt_report_store *store = NULL;

    /* Per-sample arrays (socket lists, inode maps, pid tables: about a
     * megabyte each with 10k connections) are freed and made again every
     * sample. Served from mmap, each faults its pages in again and is
     * unmapped again (about 0.3% of a core with 10,000 per-connection
     * children); kept in the heap up to 2 MiB, the next sample reuses the
     * same pages. Larger ones (50k connections) stay mmapped, so freeing
     * them returns the memory: a 32 MiB threshold cost 5 MiB more peak RSS
     * there (docs/performance-ports.md). glibc's default would raise the
     * threshold after the first free and keep the peak. mallopt(3). */
    mallopt(M_MMAP_THRESHOLD, 2 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
    setlocale(LC_ALL, "");
    rc = qt_options_parse(argc, argv, &o, stdout, err ? err : stderr);
    if (err) {
        /* a plugin's bad usage is UNKNOWN, said on its one line (guidelines) */
        fclose(err);
        if (rc == QT_OPT_EXIT_USAGE) {
            char *m = errbuf;
            if (strncmp(m, "qtriage: ", 9) == 0)
                m += 9;
            m[strcspn(m, "\n")] = '\0';
            printf("QTRIAGE UNKNOWN - %s\n", m);
            free(errbuf);
            return 3;
        }
        free(errbuf);
    }
    if (rc == QT_OPT_EXIT_OK)
        return 0;
    if (rc != QT_OPT_RUN)
        return 2;
    if (o.classify_log)
        return qt_classify_log_run(o.log_files, o.nlog_files, stdout, stderr);
    if (o.explain)
        return qt_explain_run(&o.ctx, o.explain, o.variant, o.json, stdout, stderr);
    if (!o.load)
        qt_qmail_dir_resolve(&o.ctx);   /* once: every qmail file is read below it (qt_ctx_qmail) */
    if (o.auth) {
        qt_procs_unprime(); /* no sampling: no use for the start-up read's event socket */
        return qt_authcheck_run(&o);
    }
    if (o.load) {
        char msg[1024];
        store = qt_report_load_file(o.load, msg, sizeof msg);
        if (!store) {
            /* the file name and the reason, escaped like all other text */
            char *name = qt_safe_strdup(o.load, strlen(o.load)), *why = qt_safe_strdup(msg, strlen(msg));
            fprintf(stderr, "qtriage: --load %s: %s\n", name, why);
            free(name);
            free(why);
            return 2;
        }
        o.store = store;
    }
    /* the monitoring loops print no byte counters: spare the kernel a
     * tcp_info per connection (docs/performance-ports.md) */
    if ((o.batch || o.check || o.prometheus) && !o.json && !o.report)
        o.ctx.want_bytes = 0;
    if (o.check || o.json || o.report || o.prometheus) {
        struct qt_headless h = {
            .ctx = &o.ctx, .store = store, .check = o.check, .json = o.json, .report = o.report,
            .prometheus = o.prometheus, .timeout = o.timeout,
            .check_opts = {.warn = o.warn, .nwarn = o.nwarn, .crit = o.crit, .ncrit = o.ncrit},
        };
        rc = qt_headless_run(&h);
    } else if (o.batch) {
        rc = store ? qt_batch_run_loaded(store, o.load) : qt_batch_run(&o.ctx, o.count, o.interval, o.timeout);
    } else {
        struct qt_tui_config tc = {.ctx = &o.ctx, .interval = o.interval, .report_dir = o.report_dir,
                                   .store = store, .load = o.load, .no_color = o.no_color, .ascii = o.ascii};
        rc = qt_tui_run(&tc);
    }
    qt_report_store_free(store);
    return rc;
}

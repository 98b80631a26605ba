/* config_fixture.h - a temporary --root holding a healthy qmail + vpopmail
 * configuration for the configuration audit's unit tests (each test breaks
 * one thing in it and puts it back). */
#ifndef QT_TEST_CONFIG_FIXTURE_H
#define QT_TEST_CONFIG_FIXTURE_H
#include <sys/types.h>

#include "diag/config/config.h"
#include "diag/core/snapshot.h"

extern char cfx_root[256];

/* cmocka group setup/teardown: create the tree, remove it. */
int cfx_setup(void **st);
int cfx_teardown(void **st);
/* Write rel (below the root) with text and mode; remove rel. */
void cfx_put(const char *rel, const char *text, mode_t mode);
void cfx_rm(const char *rel);
/* A ctx whose --root is the fixture. */
qt_ctx cfx_ctx(void);
/* Read the tree and check it with snap's other models (snap may be NULL;
 * its findings are not used). fs and cfg are zeroed first. */
void cfx_audit(qt_findings *fs, qt_config *cfg, qt_snapshot *snap);
void cfx_done(qt_findings *fs, qt_config *cfg);
#endif

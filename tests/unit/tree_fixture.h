/* tree_fixture.h - what the unit tests that build a fixture --root share:
 * shell steps that must succeed, a temporary tree and a ctx pointing at it,
 * a finding looked up by the start of its id. Built into every unit test
 * (tests/meson.build); cmocka's assertions fail the test on any error. */
#ifndef QT_TESTS_TREE_FIXTURE_H
#define QT_TESTS_TREE_FIXTURE_H

#include <stddef.h>

#include "diag/core/ctx.h"
#include "diag/core/finding.h"

/* system() of the formatted command; the test fails unless it exits 0. */
void qt_fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write the formatted text to ROOT/REL (its directory made first, one
 * level); the test fails if the file cannot be written. */
void qt_fx_put(const char *root, const char *rel, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* mkdtemp /tmp/qt-TAG.XXXXXX into root (rootlen >= 64), then ctx gets the
 * defaults and --root that tree. own_proc: also mkdir TREE/proc and point
 * --proc there (the path lives in a static buffer: one tree at a time). */
void qt_fx_tree(char *root, size_t rootlen, const char *tag, qt_ctx *ctx, int own_proc);

/* rm -rf the tree (nothing when root is empty: setup was skipped). */
void qt_fx_tree_remove(const char *root);

/* The first finding whose id starts with prefix, or NULL (exact ids:
 * qt_findings_find). */
const qt_finding *qt_fx_finding_prefix(const qt_findings *fs, const char *prefix);

#endif

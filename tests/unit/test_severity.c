/* Unit tests: the calibrated severity lines of docs/severity.md at their
 * boundaries (diag/core/severity.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "diag/core/severity.h"

static void saturation(void **st)
{
    (void)st;
    assert_int_equal(qt_sev_saturation(0, 1, 100), QT_SEV_CRIT);   /* anything queued */
    assert_int_equal(qt_sev_saturation(0, 1, -1), QT_SEV_CRIT);    /* even with no known limit */
    assert_int_equal(qt_sev_saturation(90, 0, 100), QT_SEV_CRIT);  /* 90% */
    assert_int_equal(qt_sev_saturation(89, 0, 100), QT_SEV_WARN);
    assert_int_equal(qt_sev_saturation(80, 0, 100), QT_SEV_WARN);  /* 80% */
    assert_int_equal(qt_sev_saturation(79, 0, 100), QT_SEV_OK);
    assert_int_equal(qt_sev_saturation(18, 0, 20), QT_SEV_CRIT);
    assert_int_equal(qt_sev_saturation(17, 0, 20), QT_SEV_WARN);
    assert_int_equal(qt_sev_saturation(500, 0, 0), QT_SEV_OK);     /* unknown limit */
}

static void stall(void **st)
{
    (void)st;
    assert_int_equal(qt_sev_stall(0, 100), QT_SEV_OK);
    assert_int_equal(qt_sev_stall(25, 100), QT_SEV_CRIT);          /* 25% of the limit */
    assert_int_equal(qt_sev_stall(24, 100), QT_SEV_WARN);
    assert_int_equal(qt_sev_stall(1, 100), QT_SEV_WARN);
    assert_int_equal(qt_sev_stall(34, 100), QT_SEV_CRIT);          /* the lab's smtps */
    assert_int_equal(qt_sev_stall(7, 100), QT_SEV_WARN);           /* the lab's imaps */
    assert_int_equal(qt_sev_stall(20, -1), QT_SEV_CRIT);           /* unknown limit: 20 connections */
    assert_int_equal(qt_sev_stall(19, -1), QT_SEV_WARN);
}

static void one_ip(void **st)
{
    (void)st;
    assert_true(qt_sev_ip_crit(10, 40));                            /* 25% */
    assert_false(qt_sev_ip_crit(9, 40));
    assert_true(qt_sev_ip_crit(20, 1000));                          /* 20 connections */
    assert_false(qt_sev_ip_crit(19, 1000));
    assert_true(qt_sev_ip_crit(24, -1));                            /* the lab's 127.0.0.66: 24 >= 20, limit unknown */
    assert_true(qt_sev_ip_crit(20, 20));                            /* the lab's 127.0.0.77 on smtp */
    assert_false(qt_sev_ip_crit(5, 20));                            /* 25% of 20, but only 5: no hog */
    assert_false(qt_sev_ip_crit(3, 10));                            /* 30% of 10 from one client */
    assert_true(qt_sev_ip_crit(9, 12));                             /* above 8 and >= 25% */
    assert_false(qt_sev_ip_crit(8, 12));
    assert_false(qt_sev_ip_crit(1, 2));                             /* a single connection is no hog */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(saturation),
        cmocka_unit_test(stall),
        cmocka_unit_test(one_ip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: base64 (RFC 4648 vectors), AUTH PLAIN (RFC 4616 example and a
 * string swaks sent in the lab), CRAM-MD5 (RFC 2195 example), the secret buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "diag/auth/auth_b64.h"
#include "diag/core/secret.h"

static void b64_rfc4648_vectors(void **st)
{
    (void)st;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char enc[64];
    unsigned char dec[64];
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(qt_b64_encode(in[i], strlen(in[i]), enc, sizeof enc), (long)strlen(out[i]));
        assert_string_equal(enc, out[i]);
        assert_int_equal(qt_b64_decode(out[i], strlen(out[i]), dec, sizeof dec), (long)strlen(in[i]));
        assert_memory_equal(dec, in[i], strlen(in[i]));
    }
}

static void b64_rejects_garbage(void **st)
{
    (void)st;
    unsigned char dec[64];
    char small[4];
    assert_int_equal(qt_b64_decode("Zm9", 3, dec, sizeof dec), -1);        /* not a multiple of 4 */
    assert_int_equal(qt_b64_decode("Zm=v", 4, dec, sizeof dec), -1);       /* padding inside */
    assert_int_equal(qt_b64_decode("Zm9v!A==", 8, dec, sizeof dec), -1);   /* bad character */
    assert_int_equal(qt_b64_decode("Z===", 4, dec, sizeof dec), -1);       /* three pads */
    assert_int_equal(qt_b64_decode("Zm9vYmFy", 8, dec, 4), -1);            /* does not fit */
    assert_int_equal(qt_b64_encode("foobar", 6, small, sizeof small), -1);
    /* surrounding white space (a server's "334 xxx\r") is tolerated */
    assert_int_equal(qt_b64_decode(" Zm9v\r\n", 7, dec, sizeof dec), 3);
}

static void auth_plain_examples(void **st)
{
    (void)st;
    char out[128];
    /* RFC 4616 section 4: "\0tim\0tanstaaftanstaaf" */
    assert_true(qt_auth_plain("tim", "tanstaaftanstaaf", 16, out, sizeof out) > 0);
    assert_string_equal(out, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    /* what swaks sent to the lab server for joe@example.test / s3cret-Pw */
    assert_true(qt_auth_plain("joe@example.test", "s3cret-Pw", 9, out, sizeof out) > 0);
    assert_string_equal(out, "AGpvZUBleGFtcGxlLnRlc3QAczNjcmV0LVB3");
    assert_int_equal(qt_auth_plain("joe", "x", 1, out, 8), -1);
}

static void cram_md5_rfc2195(void **st)
{
    (void)st;
    char out[128];
    /* RFC 2195 section 2: challenge <1896.697170952@postoffice.reston.mci.net>, tim / tanstaaftanstaaf */
    assert_true(qt_auth_cram_md5("tim", "tanstaaftanstaaf", 16,
                                 "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", out, sizeof out) > 0);
    assert_string_equal(out, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    assert_int_equal(qt_auth_cram_md5("tim", "x", 1, "not base64!", out, sizeof out), -1);
}

static void secret_buffer(void **st)
{
    (void)st;
    char big[QT_SECRET_MAX + 1];
    qt_secret *s = qt_secret_new("pa\0ss", 5);
    assert_non_null(s);
    assert_int_equal(qt_secret_len(s), 5);
    assert_memory_equal(qt_secret_str(s), "pa\0ss", 5);
    assert_int_equal(qt_secret_str(s)[5], '\0');
    qt_secret_free(s);
    memset(big, 'x', sizeof big);
    assert_null(qt_secret_new(big, sizeof big));
    assert_string_equal(qt_secret_str(NULL), "");
    assert_int_equal(qt_secret_len(NULL), 0);
    qt_secret_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64_rfc4648_vectors), cmocka_unit_test(b64_rejects_garbage),
        cmocka_unit_test(auth_plain_examples), cmocka_unit_test(cram_md5_rfc2195),
        cmocka_unit_test(secret_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* md5.h - MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), for CRAM-MD5 checks. */
#ifndef LAB_MD5_H
#define LAB_MD5_H
#include <stddef.h>
#include <stdint.h>

void md5(const void *data, size_t len, uint8_t out[16]);
void hmac_md5(const void *key, size_t klen, const void *msg, size_t mlen,
              uint8_t out[16]);
#endif

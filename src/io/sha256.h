/* SHA-256 (FIPS 180-4), streaming and whole-file.
 *
 *     zb_sha256 h;
 *     zb_sha256_init(&h);
 *     zb_sha256_update(&h, buf, n);   // any number of times, any sizes
 *     uint8_t d[32];
 *     zb_sha256_final(&h, d);
 *
 * On x86-64 CPUs with the SHA extensions the block function uses them (chosen
 * at run time); the portable C version is the reference and gives the same digest. */
#ifndef ZB_IO_SHA256_H
#define ZB_IO_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

#define ZB_SHA256_HEX 65 /* 64 hex digits + NUL */

typedef struct zb_sha256 {
    uint32_t state[8];
    uint64_t nbytes;   /* message bytes seen so far */
    uint8_t buf[64];   /* pending partial block */
    size_t nbuf;
} zb_sha256;

void zb_sha256_init(zb_sha256 *h);
void zb_sha256_update(zb_sha256 *h, const void *data, size_t len);
/* Writes the 32-byte digest; `h` must be re-initialised before reuse. */
void zb_sha256_final(zb_sha256 *h, uint8_t digest[32]);

/* One-shot digest of a buffer. */
void zb_sha256_buf(const void *data, size_t len, uint8_t digest[32]);

/* Lower-case hex of a digest into hex[ZB_SHA256_HEX]. */
void zb_sha256_hex(const uint8_t digest[32], char hex[ZB_SHA256_HEX]);

/* Digest of a whole file as lower-case hex.  ZB_ERR_IO ("<path>: <reason>") if it
 * cannot be opened or read. */
zb_status zb_sha256_file(const char *path, char hex[ZB_SHA256_HEX]);

/* Whether `hex` (any case) is a valid expected digest: 8 to 64 hex digits, where
 * fewer than 64 is a prefix (torchvision names weight files by such a prefix). */
int zb_sha256_valid_expected(const char *hex);

/* Whether the lower-case digest `got` matches `expected` (full or prefix, any case). */
int zb_sha256_matches(const char *got, const char *expected);

/* Test hook: 0 forces the portable block function, 1 restores the run-time choice.
 * Returns 1 if the SHA extensions are available on this CPU. */
int zb_sha256_set_accel(int on);

#endif

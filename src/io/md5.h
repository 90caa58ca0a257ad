/* MD5 (RFC 1321), streaming and whole-file: Keras Applications' `file_hash`
 * for most weight files is an MD5 digest (keras.utils.get_file picks MD5 or
 * SHA-256 by the hash's length).  Used to check downloads, not for security:
 * a file also gets a SHA-256 recorded next to it (io/weights.h).
 *
 *     zb_md5 h; zb_md5_init(&h); zb_md5_update(&h, buf, n); zb_md5_final(&h, d);
 */
#ifndef ZB_IO_MD5_H
#define ZB_IO_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

#define ZB_MD5_HEX 33 /* 32 hex digits + NUL */

typedef struct zb_md5 {
    uint32_t state[4];
    uint64_t nbytes;
    uint8_t buf[64];
    size_t nbuf;
} zb_md5;

void zb_md5_init(zb_md5 *h);
void zb_md5_update(zb_md5 *h, const void *data, size_t len);
/* Writes the 16-byte digest; re-initialise `h` before reuse. */
void zb_md5_final(zb_md5 *h, uint8_t digest[16]);
/* Lower-case hex of a whole buffer's digest. */
void zb_md5_hex_buf(const void *data, size_t len, char hex[ZB_MD5_HEX]);
/* Lower-case hex digest of a file; ZB_ERR_IO "<path>: <reason>" if unreadable. */
zb_status zb_md5_file(const char *path, char hex[ZB_MD5_HEX]);

#endif

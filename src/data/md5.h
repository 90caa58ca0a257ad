/* MD5 (RFC 1321), only to check downloads against torchvision's pinned sums. */
#ifndef ZB_DATA_MD5_H
#define ZB_DATA_MD5_H

#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

typedef struct zb_md5 {
    uint32_t h[4];
    uint64_t len;      /* bytes so far */
    uint8_t buf[64];
} zb_md5;

void zb_md5_init(zb_md5 *c);
void zb_md5_update(zb_md5 *c, const void *data, size_t n);
/* Writes the 32-char lowercase hex digest and a NUL into hex[33]. */
void zb_md5_hex(zb_md5 *c, char hex[33]);

/* MD5 of a whole file as hex; errors name `path`. */
zb_status zb_md5_file(const char *path, char hex[33]);

#endif

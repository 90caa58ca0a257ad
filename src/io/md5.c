/* MD5 as RFC 1321 specifies it (section 3): 64-byte blocks, four rounds of
 * 16 steps, little-endian words and length. */
#include "io/md5.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"

/* Per-step shift amounts, by round. */
static const int shifts[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4. */
static const uint32_t T[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static uint32_t rotl(uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }

static void block(uint32_t st[4], const uint8_t *p)
{
    uint32_t X[16];
    for (int i = 0; i < 16; i++)
        X[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 64; i++) {
        int r = i / 16;
        uint32_t f;
        int k;
        if (r == 0) {
            f = (b & c) | (~b & d);
            k = i;
        } else if (r == 1) {
            f = (b & d) | (c & ~d);
            k = (5 * i + 1) % 16;
        } else if (r == 2) {
            f = b ^ c ^ d;
            k = (3 * i + 5) % 16;
        } else {
            f = c ^ (b | ~d);
            k = (7 * i) % 16;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + X[k] + T[i], shifts[r][i % 4]);
        a = t;
    }
    st[0] += a, st[1] += b, st[2] += c, st[3] += d;
}

void zb_md5_init(zb_md5 *h)
{
    h->state[0] = 0x67452301, h->state[1] = 0xefcdab89, h->state[2] = 0x98badcfe, h->state[3] = 0x10325476;
    h->nbytes = 0;
    h->nbuf = 0;
}

void zb_md5_update(zb_md5 *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    h->nbytes += len;
    if (h->nbuf) {
        size_t n = 64 - h->nbuf < len ? 64 - h->nbuf : len;
        memcpy(h->buf + h->nbuf, p, n);
        h->nbuf += n, p += n, len -= n;
        if (h->nbuf < 64)
            return;
        block(h->state, h->buf);
        h->nbuf = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        block(h->state, p);
    memcpy(h->buf, p, len);
    h->nbuf = len;
}

void zb_md5_final(zb_md5 *h, uint8_t digest[16])
{
    uint64_t bits = h->nbytes * 8;
    uint8_t pad[72] = {0x80};
    size_t n = (h->nbuf < 56 ? 56 : 120) - h->nbuf;
    for (int i = 0; i < 8; i++)
        pad[n + i] = (uint8_t)(bits >> (8 * i));
    zb_md5_update(h, pad, n + 8);
    for (int i = 0; i < 16; i++)
        digest[i] = (uint8_t)(h->state[i / 4] >> (8 * (i % 4)));
}

static void to_hex(const uint8_t d[16], char hex[ZB_MD5_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        hex[2 * i] = digits[d[i] >> 4], hex[2 * i + 1] = digits[d[i] & 15];
    hex[32] = 0;
}

void zb_md5_hex_buf(const void *data, size_t len, char hex[ZB_MD5_HEX])
{
    zb_md5 h;
    uint8_t d[16];
    zb_md5_init(&h);
    zb_md5_update(&h, data, len);
    zb_md5_final(&h, d);
    to_hex(d, hex);
}

zb_status zb_md5_file(const char *path, char hex[ZB_MD5_HEX])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
    zb_md5 h;
    zb_md5_init(&h);
    static _Thread_local uint8_t buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        zb_md5_update(&h, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return zb_error(ZB_ERR_IO, "%s: read error", path);
    uint8_t d[16];
    zb_md5_final(&h, d);
    to_hex(d, hex);
    return ZB_OK;
}

/* SHA-256 as FIPS 180-4 section 6.2 defines it, plus an x86 SHA-extensions
 * block function used when the CPU has it.  Both process whole 64-byte blocks;
 * the padding and buffering around them are written once. */
#include "io/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ZB_SHA_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The reference: nblocks consecutive 64-byte blocks into state. */
static void blocks_portable(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    for (; nblocks--; p += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++)
            w[t] = load_be32(p + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = h + S1 + ch + K[t] + w[t];
            uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#ifdef ZB_SHA_X86
/* The SHA extensions keep the state as two vectors, ABEF and CDGH (lane 3 = A).
 * SHA256RNDS2 does two rounds; message words are scheduled four at a time:
 * W[g] = msg2(msg1(W[g-4], W[g-3]) + W[g-1]:W[g-2] shifted by one word, W[g-1]). */
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_shani(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i badc = _mm_shuffle_epi32(dcba, 0xB1);        /* lanes B A D C */
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);        /* lanes H G F E */
    __m128i abef = _mm_alignr_epi8(badc, efgh, 8);       /* lanes F E B A */
    __m128i cdgh = _mm_blend_epi16(efgh, badc, 0xF0);    /* lanes H G D C */

    for (; nblocks--; p += 64) {
        __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i w[4];
        for (int g = 0; g < 16; g++) {
            if (g < 4) {
                w[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
            } else {
                __m128i m4 = w[g & 3], m3 = w[(g + 1) & 3], m2 = w[(g + 2) & 3], m1 = w[(g + 3) & 3];
                __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(m4, m3), _mm_alignr_epi8(m1, m2, 4));
                w[g & 3] = _mm_sha256msg2_epu32(x, m1);
            }
            __m128i k = _mm_loadu_si128((const __m128i *)&K[4 * g]);
            __m128i msg = _mm_add_epi32(w[g & 3], k);
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(msg, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);        /* lanes A B E F */
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);        /* lanes G H C D */
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0)); /* A B C D */
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));    /* E F G H */
}

static int cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return sse41 && ssse3 && ((b >> 29) & 1);
}
#endif

/* -1: not yet probed; 0: portable; 1: SHA extensions. */
static int accel = -1;

static int accel_available(void)
{
#ifdef ZB_SHA_X86
    return cpu_has_sha();
#else
    return 0;
#endif
}

int zb_sha256_set_accel(int on)
{
    int avail = accel_available();
    accel = on ? avail : 0;
    return avail;
}

static void blocks(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
    int a = __atomic_load_n(&accel, __ATOMIC_RELAXED);
    if (a < 0) {
        a = accel_available();
        __atomic_store_n(&accel, a, __ATOMIC_RELAXED);
    }
#ifdef ZB_SHA_X86
    if (a) {
        blocks_shani(state, p, nblocks);
        return;
    }
#endif
    blocks_portable(state, p, nblocks);
}

void zb_sha256_init(zb_sha256 *h)
{
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(h->state, H0, sizeof H0);
    h->nbytes = 0;
    h->nbuf = 0;
}

void zb_sha256_update(zb_sha256 *h, const void *data, size_t len)
{
    const uint8_t *p = data;
    h->nbytes += len;
    if (h->nbuf) {
        size_t take = 64 - h->nbuf < len ? 64 - h->nbuf : len;
        memcpy(h->buf + h->nbuf, p, take);
        h->nbuf += take;
        p += take;
        len -= take;
        if (h->nbuf < 64)
            return;
        blocks(h->state, h->buf, 1);
        h->nbuf = 0;
    }
    if (len >= 64) {
        blocks(h->state, p, len / 64);
        p += len / 64 * 64;
        len %= 64;
    }
    memcpy(h->buf, p, len);
    h->nbuf = len;
}

void zb_sha256_final(zb_sha256 *h, uint8_t digest[32])
{
    uint64_t bits = h->nbytes * 8;
    /* 0x80, zeros to 56 mod 64, then the 64-bit big-endian bit length. */
    uint8_t pad[72] = {0x80};
    size_t npad = (h->nbuf < 56 ? 56 : 120) - h->nbuf;
    for (int i = 0; i < 8; i++)
        pad[npad + i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t keep = h->nbytes;
    zb_sha256_update(h, pad, npad + 8);
    h->nbytes = keep;
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(h->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h->state[i];
    }
}

void zb_sha256_buf(const void *data, size_t len, uint8_t digest[32])
{
    zb_sha256 h;
    zb_sha256_init(&h);
    zb_sha256_update(&h, data, len);
    zb_sha256_final(&h, digest);
}

void zb_sha256_hex(const uint8_t digest[32], char hex[ZB_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

zb_status zb_sha256_file(const char *path, char hex[ZB_SHA256_HEX])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: %s", path, strerror(errno));
    static _Thread_local uint8_t chunk[1 << 16];
    zb_sha256 h;
    zb_sha256_init(&h);
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        zb_sha256_update(&h, chunk, n);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err)
        return zb_error(ZB_ERR_IO, "%s: read failed: %s", path, strerror(err));
    uint8_t d[32];
    zb_sha256_final(&h, d);
    zb_sha256_hex(d, hex);
    return ZB_OK;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int zb_sha256_valid_expected(const char *hex)
{
    if (!hex)
        return 0;
    size_t n = strlen(hex);
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (hexval(hex[i]) < 0)
            return 0;
    return 1;
}

int zb_sha256_matches(const char *got, const char *expected)
{
    if (!zb_sha256_valid_expected(expected) || !got || strlen(got) != 64)
        return 0;
    for (size_t i = 0; expected[i]; i++)
        if (hexval(got[i]) != hexval(expected[i]))
            return 0;
    return 1;
}

/* SHA-256 against the FIPS 180-4 example digests, /usr/bin/sha256sum and
 * Python's hashlib, for both the portable and the SHA-extensions block function. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "io/sha256.h"

static char tmpdir[] = "/tmp/zb-sha256-XXXXXX";

static void hex_of(const void *p, size_t n, char hex[ZB_SHA256_HEX])
{
    uint8_t d[32];
    zb_sha256_buf(p, n, d);
    zb_sha256_hex(d, hex);
}

/* Digests published with FIPS 180-4 (NIST's example computations). */
static void test_fips_examples(void)
{
    char h[ZB_SHA256_HEX];
    hex_of("", 0, h);
    CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(m448, strlen(m448), h);
    CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a', fed in 1000 pieces of 1000. */
    char piece[1000];
    memset(piece, 'a', sizeof piece);
    zb_sha256 s;
    zb_sha256_init(&s);
    for (int i = 0; i < 1000; i++)
        zb_sha256_update(&s, piece, sizeof piece);
    uint8_t d[32];
    zb_sha256_final(&s, d);
    zb_sha256_hex(d, h);
    CHECK_STR(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Deterministic pseudo-random bytes (xorshift64*), seed fixed. */
static void fill(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p[i] = (uint8_t)((x * 0x2545F4914F6CDD1Dull) >> 56);
    }
}

/* Lengths around every block and padding boundary, and a few large ones. */
static const size_t lens[] = {0,   1,   3,   31,  32,  55,  56,  57,  63,  64,   65,   100,
                              119, 120, 127, 128, 129, 191, 192, 255, 256, 1000, 4095, 4096,
                              4097, 65535, 65536, 65537, 1000003, 3000128};
#define NLENS (sizeof lens / sizeof lens[0])

static char paths[NLENS][256];
static char oracle_sum[NLENS][ZB_SHA256_HEX];
static char oracle_py[NLENS][ZB_SHA256_HEX];

static int write_corpus(void)
{
    uint8_t *buf = malloc(3000128);
    if (!buf)
        return 0;
    for (size_t i = 0; i < NLENS; i++) {
        fill(buf, lens[i], 1000 + i);
        snprintf(paths[i], sizeof paths[i], "%s/f%02zu", tmpdir, i);
        FILE *f = fopen(paths[i], "wb");
        if (!f || fwrite(buf, 1, lens[i], f) != lens[i] || fclose(f) != 0) {
            free(buf);
            return 0;
        }
    }
    free(buf);
    return 1;
}

/* Runs `cmd` whose stdout has one "<hex> ..." line per corpus file, in order. */
static int read_oracle(const char *cmd, char out[][ZB_SHA256_HEX])
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    size_t i = 0;
    char line[512];
    while (i < NLENS && fgets(line, sizeof line, p)) {
        if (sscanf(line, "%64s", out[i]) == 1)
            i++;
    }
    return pclose(p) == 0 && i == NLENS;
}

static void test_against_oracles(void)
{
    CHECK(write_corpus());
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/sha256sum %s/f*", tmpdir);
    int have_sum = read_oracle(cmd, oracle_sum);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import hashlib,sys,glob\n"
             "for p in sorted(glob.glob(sys.argv[1]+\"/f*\")): print(hashlib.sha256(open(p,\"rb\").read()).hexdigest())' %s",
             tmpdir);
    int have_py = read_oracle(cmd, oracle_py);
    CHECK(have_sum);
    CHECK(have_py);
    if (!have_sum || !have_py)
        return;
    int avail = zb_sha256_set_accel(1);
    fprintf(stderr, "SHA extensions %s on this CPU\n", avail ? "available" : "not available");
    for (int accel = avail; accel >= 0; accel--) {
        zb_sha256_set_accel(accel);
        for (size_t i = 0; i < NLENS; i++) {
            char h[ZB_SHA256_HEX];
            CHECK(zb_sha256_file(paths[i], h) == ZB_OK);
            CHECK_STR(h, oracle_sum[i]);
            CHECK_STR(h, oracle_py[i]);
        }
        /* Streaming in odd piece sizes gives the same digest as the whole file. */
        size_t k = 0;
        while (lens[k] != 65537)
            k++;
        size_t n = lens[k];
        uint8_t *buf = malloc(n);
        fill(buf, n, 1000 + k);
        for (size_t step = 1; step < 200; step += 13) {
            zb_sha256 s;
            zb_sha256_init(&s);
            for (size_t off = 0; off < n; off += step)
                zb_sha256_update(&s, buf + off, off + step <= n ? step : n - off);
            uint8_t d[32];
            char h[ZB_SHA256_HEX];
            zb_sha256_final(&s, d);
            zb_sha256_hex(d, h);
            CHECK_STR(h, oracle_py[k]);
        }
        free(buf);
    }
    zb_sha256_set_accel(1);
}

static void test_expected_matching(void)
{
    const char *full = "3a9790ab7cfda253c22ab8fcd6f846965f82cce32123a1f24ffe9c0d68a07359";
    CHECK(zb_sha256_valid_expected(full));
    CHECK(zb_sha256_valid_expected("3A9790AB"));
    CHECK(!zb_sha256_valid_expected("3a9790a"));   /* too short to mean anything */
    CHECK(!zb_sha256_valid_expected("3a9790ag"));
    CHECK(!zb_sha256_valid_expected(NULL));
    CHECK(zb_sha256_matches(full, full));
    CHECK(zb_sha256_matches(full, "3A9790AB7c"));
    CHECK(!zb_sha256_matches(full, "3a9790ab7d"));
    CHECK(!zb_sha256_matches(full, "3a9790ab7cfda253c22ab8fcd6f846965f82cce32123a1f24ffe9c0d68a07358"));
}

static void test_missing_file(void)
{
    char h[ZB_SHA256_HEX];
    CHECK(zb_sha256_file("/nonexistent/zb-sha", h) == ZB_ERR_IO);
    CHECK(strstr(zb_last_error(), "/nonexistent/zb-sha") != NULL);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_fips_examples);
    RUN(test_against_oracles);
    RUN(test_expected_matching);
    RUN(test_missing_file);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_report();
}

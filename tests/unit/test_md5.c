/* MD5 against RFC 1321's test suite, digests from Python's hashlib
 * (/usr/bin/python3 -c "import hashlib; print(hashlib.md5(b'a' * 55).hexdigest())"
 * and so on, recorded below), and /usr/bin/md5sum on a file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "io/md5.h"

static void check_a(size_t n, const char *want)
{
    char *s = malloc(n + 1);
    memset(s, 'a', n);
    char h[ZB_MD5_HEX];
    zb_md5_hex_buf(s, n, h);
    CHECK_STR(h, want);
    /* The same bytes fed in pieces of 1, 7 and 61 bytes, cycling. */
    zb_md5 m;
    zb_md5_init(&m);
    static const size_t step[3] = {1, 7, 61};
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t len = step[k % 3] < n - i ? step[k % 3] : n - i;
        zb_md5_update(&m, s + i, len);
        i += len;
    }
    uint8_t d[16];
    zb_md5_final(&m, d);
    char h2[ZB_MD5_HEX];
    for (int i = 0; i < 16; i++)
        snprintf(h2 + 2 * i, 3, "%02x", d[i]);
    CHECK_STR(h2, want);
    free(s);
}

static void test_rfc1321(void)
{
    static const char *cases[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char h[ZB_MD5_HEX];
        zb_md5_hex_buf(cases[i][0], strlen(cases[i][0]), h);
        CHECK_STR(h, cases[i][1]);
    }
}

/* Lengths around the padding boundaries (55/56, 63/64/65) and a long input;
 * expected digests from hashlib.md5(b'a' * n). */
static void test_hashlib_lengths(void)
{
    check_a(55, "ef1772b6dff9a122358552954ad0df65");
    check_a(56, "3b0c8ac703f828b04c6c197006d17218");
    check_a(63, "b06521f39153d618550606be297466d5");
    check_a(64, "014842d480b571495a4a0363793f7367");
    check_a(65, "c743a45e0d2e6a95cb859adae0248435");
    check_a(1000000, "7707d6ae4e027c70eea2a935c2296f21");
}

/* A 1 MiB + 3 byte file of pseudo-random bytes vs /usr/bin/md5sum. */
static void test_file_vs_md5sum(void)
{
    char dir[] = "/tmp/zb-md5-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char path[128], cmd[300], want[64] = "";
    snprintf(path, sizeof path, "%s/f.bin", dir);
    FILE *f = fopen(path, "wb");
    uint32_t x = 12345;
    for (int i = 0; i < (1 << 20) + 3; i++) {
        x = x * 1103515245u + 12345u;
        fputc((int)(x >> 24), f);
    }
    fclose(f);
    snprintf(cmd, sizeof cmd, "/usr/bin/md5sum '%s'", path);
    FILE *p = popen(cmd, "r");
    if (p) {
        if (fscanf(p, "%32s", want) != 1)
            want[0] = 0;
        pclose(p);
    }
    char got[ZB_MD5_HEX];
    CHECK(zb_md5_file(path, got) == ZB_OK);
    CHECK(strlen(want) == 32);
    CHECK_STR(got, want);
    CHECK(zb_md5_file("/nonexistent/zb-md5", got) == ZB_ERR_IO);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    RUN(test_rfc1321);
    RUN(test_hashlib_lengths);
    RUN(test_file_vs_md5sum);
    return test_report();
}

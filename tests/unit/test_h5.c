/* Unit tests of the .h5 reader on in-memory inputs.  With a FILE argument it
 * instead prints the Keras view of that file (used by tests/integration/h5_keras.sh):
 *     keras_version <v|-> / backend <b|-> / model_config <crc32|->
 *     layer <name> <first> <count>      one line per layer_names entry */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "io/h5.h"

static const uint8_t SIG[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

static void expect_fail(const void *buf, size_t n)
{
    zb_keras_h5 *k = (zb_keras_h5 *)1;
    zb_status st = zb_keras_h5_parse("mem.h5", buf, n, &k);
    CHECK(st != ZB_OK);
    CHECK(k == NULL);
    CHECK(strncmp(zb_last_error(), "mem.h5: ", 8) == 0);
    CHECK(strchr(zb_last_error(), '\n') == NULL);
}

static void test_tiny_inputs(void)
{
    uint8_t b[256];
    memset(b, 0, sizeof b);
    expect_fail(b, 0);
    expect_fail(SIG, 8);
    memcpy(b, SIG, 8);
    for (size_t n = 8; n <= sizeof b; n += 8)
        expect_fail(b, n); /* superblock v0 with a root at address 0: loops onto itself */
    b[8] = 2;              /* superblock v2, sizes 8/8, all addresses 0 */
    b[9] = b[10] = 8;
    expect_fail(b, sizeof b);
    b[9] = 3; /* invalid offset size */
    expect_fail(b, sizeof b);
}

static void test_random_noise(void)
{
    uint8_t b[4096];
    uint32_t x = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof b; i++) {
            x = x * 1103515245u + 12345u;
            b[i] = (uint8_t)(x >> 16);
        }
        memcpy(b, SIG, 8);
        b[8] = (uint8_t)(round % 4);
        b[13] = b[14] = 8;
        zb_keras_h5 *k = NULL;
        if (zb_keras_h5_parse("mem.h5", b, sizeof b, &k) == ZB_OK)
            zb_keras_h5_free(k);
        zb_wmap *m = NULL;
        if (zb_h5_parse_wmap("mem.h5", b, sizeof b, &m) == ZB_OK)
            zb_wmap_free(m);
    }
    CHECK(1);
    zb_keras_h5_free(NULL);
}

static int dump(const char *path)
{
    zb_keras_h5 *k;
    if (zb_keras_h5_load(path, &k) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    printf("keras_version %s\nbackend %s\n", k->keras_version ? k->keras_version : "-", k->backend ? k->backend : "-");
    if (k->model_config)
        printf("model_config %08lx\n", crc32(0, (const Bytef *)k->model_config, (uInt)strlen(k->model_config)));
    else
        printf("model_config -\n");
    for (int i = 0; i < k->nlayers; i++)
        printf("layer %s %d %d\n", k->layers[i].name, k->layers[i].first, k->layers[i].count);
    zb_keras_h5_free(k);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return dump(argv[1]);
    RUN(test_tiny_inputs);
    RUN(test_random_noise);
    return test_report();
}

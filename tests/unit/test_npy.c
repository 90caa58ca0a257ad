/* .npy reader/writer: round trips, header layout, malformed input.
 *
 * Also a helper for tests/integration/npy_roundtrip.sh:
 *     test_npy copy IN.npy OUT.npy    load IN, save it as OUT (error: line on failure) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fp16.h"
#include "harness.h"
#include "zoobench.h"

static char tmpdir[256];

/* Builds a .npy image: version, header text (padded to `hlen_field` if > 0), data. */
static size_t build(unsigned char *buf, int major, const char *header, const void *data, size_t n)
{
    size_t hl = strlen(header), off = major == 1 ? 10 : 12;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    if (major == 1) {
        buf[8] = hl & 0xff;
        buf[9] = (hl >> 8) & 0xff;
    } else {
        for (int i = 0; i < 4; i++)
            buf[8 + i] = (hl >> (8 * i)) & 0xff;
    }
    memcpy(buf + off, header, hl);
    if (n)
        memcpy(buf + off + hl, data, n);
    return off + hl + n;
}

static void test_parse_versions(void)
{
    static unsigned char buf[4096];
    int32_t v[6] = {1, -2, 3, -4, 5, 6};
    for (int major = 1; major <= 3; major++) {
        size_t n = build(buf, major, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }\n", v, sizeof v);
        zb_npy *a = NULL;
        CHECK_EQ_INT(zb_npy_parse("v.npy", buf, n, &a), ZB_OK);
        if (!a)
            continue;
        CHECK_EQ_INT(a->dtype, ZB_I32);
        CHECK_EQ_INT(a->ndim, 2);
        CHECK_EQ_INT(a->shape[0], 2);
        CHECK_EQ_INT(a->shape[1], 3);
        CHECK_EQ_INT(a->count, 6);
        CHECK(memcmp(a->data, v, sizeof v) == 0);
        CHECK_EQ_INT(zb_npy_get_i64(a, 3), -4);
        zb_npy_free(a);
    }
}

static void test_parse_variants(void)
{
    static unsigned char buf[4096];
    zb_npy *a = NULL;
    /* Key order, double quotes, no trailing comma, Python 2 'L' suffix, 0-d and 1-d. */
    uint16_t h = zb_float_to_half(1.5f);
    size_t n = build(buf, 1, "{\"shape\": (1L,), \"fortran_order\": False, \"descr\": \"<f2\"}", &h, 2);
    CHECK_EQ_INT(zb_npy_parse("v.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK_EQ_INT(a->dtype, ZB_F16);
        CHECK(zb_npy_get_f64(a, 0) == 1.5);
        zb_npy_free(a);
    }
    double d = 2.25;
    n = build(buf, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", &d, 8);
    CHECK_EQ_INT(zb_npy_parse("v.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK_EQ_INT(a->ndim, 0);
        CHECK_EQ_INT(a->count, 1);
        CHECK(zb_npy_get_f64(a, 0) == 2.25);
        zb_npy_free(a);
    }
    /* Empty array. */
    n = build(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (0, 5), }", NULL, 0);
    CHECK_EQ_INT(zb_npy_parse("v.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK_EQ_INT(a->count, 0);
        zb_npy_free(a);
    }
    /* Fortran order is accepted when the layout equals C order. */
    int64_t q[3] = {7, 8, 9};
    n = build(buf, 1, "{'descr': '<i8', 'fortran_order': True, 'shape': (1, 3), }", q, sizeof q);
    CHECK_EQ_INT(zb_npy_parse("v.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK_EQ_INT(zb_npy_get_i64(a, 2), 9);
        zb_npy_free(a);
    }
}

static void test_big_endian(void)
{
    static unsigned char buf[4096];
    unsigned char be[8] = {0x00, 0x00, 0x01, 0x02, 0xff, 0xff, 0xff, 0xfe}; /* >i4: 258, -2 */
    zb_npy *a = NULL;
    size_t n = build(buf, 1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be, 8);
    CHECK_EQ_INT(zb_npy_parse("be.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK_EQ_INT(zb_npy_get_i64(a, 0), 258);
        CHECK_EQ_INT(zb_npy_get_i64(a, 1), -2);
        zb_npy_free(a);
    }
    unsigned char bf[4] = {0x3f, 0xc0, 0x00, 0x00}; /* >f4 1.5 */
    n = build(buf, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", bf, 4);
    CHECK_EQ_INT(zb_npy_parse("be.npy", buf, n, &a), ZB_OK);
    if (a) {
        CHECK(zb_npy_get_f64(a, 0) == 1.5);
        zb_npy_free(a);
    }
}

/* Each header must fail with a message naming the file. */
static void test_malformed(void)
{
    static const struct {
        const char *header;
        size_t data; /* bytes of data after the header */
        const char *needle;
    } cases[] = {
        {"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, "object dtype"},
        {"{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }", 8, "structured"},
        {"{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", 24, "Fortran"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0, "overflow"},
        {"{'descr': '<i8', 'fortran_order': False, 'shape': (1152921504606846976,), }", 0, "overflow"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 0, "overflow"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 8, "the header says 12"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (-3,), }", 0, "negative"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (3), }", 12, "not a tuple"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': [3], }", 12, "shape tuple"},
        {"{'descr': '<i4', 'fortran_order': False, }", 12, "missing key 'shape'"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), 'x': 1}", 12, "unexpected key"},
        {"{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (3,)}", 12, "repeated"},
        {"{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", 24, "unsupported .npy dtype"},
        {"{'descr': '<U4', 'fortran_order': False, 'shape': (3,), }", 48, "unsupported .npy dtype"},
        {"{'descr': '<i4', 'fortran_order': 0, 'shape': (3,), }", 12, "True or False"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), ", 12, "malformed"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (3,), } junk", 12, "after the header"},
        {"\x01\x02garbage", 12, "malformed"},
        {"", 0, "malformed"},
        {"{'descr: '<i4', 'fortran_order': False, 'shape': (3,), }", 12, "malformed"},
        {"{'descr': '<i4', 'fortran_order': False, 'shape': (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
         "21,22,23,24,25,26,27,28,29,30,31,32,33), }",
         0, "more than 32"},
    };
    static unsigned char buf[65536], zero[64];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = build(buf, 1, cases[c].header, zero, cases[c].data);
        zb_npy *a = (zb_npy *)&n;
        zb_status st = zb_npy_parse("bad.npy", buf, n, &a);
        CHECK(st != ZB_OK);
        CHECK(a == NULL);
        const char *msg = zb_last_error();
        CHECK(strncmp(msg, "bad.npy: ", 9) == 0);
        if (!strstr(msg, cases[c].needle))
            fprintf(stderr, "case %zu: '%s' lacks '%s'\n", c, msg, cases[c].needle);
        CHECK(strstr(msg, cases[c].needle) != NULL);
        CHECK(strchr(msg, '\n') == NULL);
    }
    /* Preamble problems. */
    zb_npy *a = NULL;
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPZ\x01\x00\x00\x00", 10, &a) == ZB_ERR_FORMAT);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x04\x00\x00\x00", 10, &a) == ZB_ERR_UNSUPPORTED);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x01\x01\x00\x00", 10, &a) == ZB_ERR_UNSUPPORTED);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x01", 7, &a) == ZB_ERR_FORMAT);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x02\x00\x10\x00", 10, &a) == ZB_ERR_FORMAT);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x01\x00\x50\x00{'descr'", 17, &a) == ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "truncated") != NULL);
    /* Header over 10,000 bytes: refused from the length field alone. */
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x01\x00\x11\x27", 10, &a) == ZB_ERR_LIMIT);
    CHECK(strstr(zb_last_error(), "10000") != NULL);
    CHECK(zb_npy_parse("bad.npy", "\x93NUMPY\x02\x00\x00\x00\x00\x01", 12, &a) == ZB_ERR_LIMIT);
}

static zb_npy *filled(zb_dtype t, int ndim, const int64_t *shape)
{
    zb_npy *a = zb_npy_new(t, ndim, shape);
    unsigned char *b = a->data;
    for (size_t i = 0; i < (size_t)a->count * zb_dtype_size(t); i++)
        b[i] = (unsigned char)(i * 37 + 11);
    if (t == ZB_BOOL)
        for (int64_t i = 0; i < a->count; i++)
            b[i] &= 1;
    return a;
}

static void test_save_load(void)
{
    int64_t shapes[][3] = {{3, 5, 0}, {7, 0, 0}, {2, 3, 4}, {0, 5, 0}};
    int ndims[] = {2, 1, 3, 2};
    char path[512];
    snprintf(path, sizeof path, "%s/a.npy", tmpdir);
    for (int t = 0; t < ZB_DTYPE_COUNT; t++) {
        for (int s = 0; s < 4; s++) {
            zb_npy *a = filled((zb_dtype)t, ndims[s], shapes[s]), *b = NULL;
            CHECK_EQ_INT(zb_npy_save(path, a), ZB_OK);
            CHECK_EQ_INT(zb_npy_load(path, &b), ZB_OK);
            if (b) {
                CHECK_EQ_INT(b->dtype, t);
                CHECK_EQ_INT(b->ndim, a->ndim);
                CHECK_EQ_INT(b->count, a->count);
                CHECK(memcmp(a->data, b->data, (size_t)a->count * zb_dtype_size((zb_dtype)t)) == 0);
            }
            /* The preamble + header is a multiple of 64 bytes and ends in '\n'. */
            FILE *f = fopen(path, "rb");
            unsigned char pre[10];
            CHECK(f && fread(pre, 1, 10, f) == 10);
            size_t hl = pre[8] | (size_t)pre[9] << 8;
            CHECK_EQ_INT((10 + hl) % 64, 0);
            CHECK_EQ_INT(pre[6], 1);
            fseek(f, (long)(10 + hl - 1), SEEK_SET);
            CHECK_EQ_INT(fgetc(f), '\n');
            fclose(f);
            zb_npy_free(a);
            zb_npy_free(b);
        }
    }
    /* No temp files left behind. */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", tmpdir);
    CHECK(system(cmd) != 0);
    /* Saving into a missing directory fails cleanly. */
    zb_npy *a = filled(ZB_F32, 1, (int64_t[]){4});
    snprintf(path, sizeof path, "%s/missing/a.npy", tmpdir);
    CHECK_EQ_INT(zb_npy_save(path, a), ZB_ERR_IO);
    zb_npy_free(a);
}

static void test_file_errors(void)
{
    char path[512];
    zb_npy *a = NULL;
    snprintf(path, sizeof path, "%s/none.npy", tmpdir);
    CHECK_EQ_INT(zb_npy_load(path, &a), ZB_ERR_IO);
    CHECK(strstr(zb_last_error(), "none.npy: ") != NULL);
    CHECK_EQ_INT(zb_npy_load(tmpdir, &a), ZB_ERR_IO);
    /* Data shorter than the header says, found from the file size. */
    snprintf(path, sizeof path, "%s/short.npy", tmpdir);
    zb_npy *b = filled(ZB_I64, 2, (int64_t[]){10, 5});
    CHECK_EQ_INT(zb_npy_save(path, b), ZB_OK);
    CHECK(truncate(path, 128 + 399) == 0);
    CHECK_EQ_INT(zb_npy_load(path, &a), ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "399 bytes, the header says 400") != NULL);
    zb_npy_free(b);
}

static void test_convert(void)
{
    zb_npy *f = zb_npy_new(ZB_F16, 1, (int64_t[]){3}), *o = NULL;
    uint16_t *h = f->data;
    h[0] = zb_float_to_half(3.0f);
    h[1] = zb_float_to_half(-7.0f);
    h[2] = zb_float_to_half(999.0f);
    CHECK_EQ_INT(zb_npy_convert("f.npy", f, ZB_I64, &o), ZB_OK);
    if (o) {
        CHECK_EQ_INT(((int64_t *)o->data)[1], -7);
        CHECK_EQ_INT(((int64_t *)o->data)[2], 999);
        zb_npy_free(o);
    }
    h[1] = zb_float_to_half(2.5f);
    CHECK_EQ_INT(zb_npy_convert("f.npy", f, ZB_I64, &o), ZB_ERR_FORMAT);
    CHECK(o == NULL);
    CHECK(strstr(zb_last_error(), "f.npy: element 1 (2.5) is not an integer") != NULL);
    CHECK_EQ_INT(zb_npy_convert("f.npy", f, ZB_F32, &o), ZB_OK);
    if (o) {
        CHECK(((float *)o->data)[1] == 2.5f);
        zb_npy_free(o);
    }
    zb_npy_free(f);
    /* int64 -> float32 rounds once: 2^24 + 1 -> 2^24 (ties to even). */
    zb_npy *i = zb_npy_new(ZB_I64, 1, (int64_t[]){2});
    ((int64_t *)i->data)[0] = 16777217;
    ((int64_t *)i->data)[1] = -16777219;
    CHECK_EQ_INT(zb_npy_convert("i.npy", i, ZB_F32, &o), ZB_OK);
    if (o) {
        CHECK(((float *)o->data)[0] == 16777216.0f);
        CHECK(((float *)o->data)[1] == -16777220.0f);
        zb_npy_free(o);
    }
    zb_npy_free(i);
    zb_npy *u = zb_npy_new(ZB_U64, 1, (int64_t[]){1});
    ((uint64_t *)u->data)[0] = UINT64_MAX;
    CHECK_EQ_INT(zb_npy_convert("u.npy", u, ZB_I64, &o), ZB_ERR_FORMAT);
    zb_npy_free(u);
}

static void test_new_overflow(void)
{
    int64_t big[2] = {INT64_MAX / 2, 3};
    CHECK(zb_npy_new(ZB_F32, 2, big) == NULL);
    int64_t neg[1] = {-1};
    CHECK(zb_npy_new(ZB_F32, 1, neg) == NULL);
    CHECK(zb_npy_new(ZB_F32, 33, big) == NULL);
    zb_npy_free(NULL);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "copy")) {
        zb_npy *a = NULL;
        if (zb_npy_load(argv[2], &a) != ZB_OK || zb_npy_save(argv[3], a) != ZB_OK) {
            fprintf(stderr, "error: %s\n", zb_last_error());
            zb_npy_free(a);
            return 1;
        }
        printf("%s %d\n", zb_dtype_name(a->dtype), a->ndim);
        zb_npy_free(a);
        return 0;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s/zbnpy.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_parse_versions);
    RUN(test_parse_variants);
    RUN(test_big_endian);
    RUN(test_malformed);
    RUN(test_save_load);
    RUN(test_file_errors);
    RUN(test_convert);
    RUN(test_new_overflow);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return test_report();
}

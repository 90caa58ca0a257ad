/* Image module tests: the optimised resize against its naive twin on odd
 * shapes, crop padding, recipe arithmetic, size caps and bad input.
 * Exactness against Pillow itself is in tests/integration/preprocess.sh.
 *
 * Helper modes (used by tests/oracle/preprocess_check.py):
 *   test_image decode IMAGE OUT.rgb               (raw files: "W H\n" then RGB bytes)
 *   test_image resize IN.rgb W H FILTER OUT.rgb
 *   test_image jpeg-restart IN.rgb N OUT.jpg      (libjpeg, restart every N MCU rows) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "harness.h"
#include "image/image.h"

static uint32_t rng = 12345;
static uint8_t rnd8(void)
{
    rng = rng * 1103515245u + 12345u;
    return (uint8_t)(rng >> 16);
}

static void fill_random(zb_image *im, int smooth)
{
    for (int y = 0; y < im->height; y++)
        for (int x = 0; x < im->width; x++)
            for (int c = 0; c < 3; c++) {
                uint8_t *p = &im->data[((size_t)y * im->width + x) * 3 + c];
                *p = smooth ? (uint8_t)((x * 7 + y * 3 + c * 50) & 255) ^ (rnd8() & 15) : rnd8();
            }
}

static void test_resize_matches_reference(void)
{
    static const int sizes[][4] = {{1, 1, 1, 1},     {1, 1, 5, 3},    {7, 1, 3, 1},   {1, 9, 1, 4},
                                   {13, 11, 5, 7},   {13, 11, 29, 31}, {64, 48, 17, 13}, {100, 3, 224, 224},
                                   {256, 171, 37, 256}, {50, 50, 50, 20}, {50, 50, 20, 50}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        zb_image in;
        CHECK(zb_image_alloc("t", sizes[s][0], sizes[s][1], &in) == ZB_OK);
        fill_random(&in, s & 1);
        for (int f = 0; f < ZB_FILTER_COUNT; f++) {
            zb_image a, b;
            CHECK(zb_image_resize(&in, sizes[s][2], sizes[s][3], (zb_filter)f, &a) == ZB_OK);
            CHECK(zb_image_resize_ref(&in, sizes[s][2], sizes[s][3], (zb_filter)f, &b) == ZB_OK);
            CHECK_EQ_INT(a.width, sizes[s][2]);
            CHECK_EQ_INT(a.height, sizes[s][3]);
            CHECK(a.data && b.data && !memcmp(a.data, b.data, (size_t)a.width * a.height * 3));
            zb_image_free(&a);
            zb_image_free(&b);
        }
        zb_image_free(&in);
    }
}

static void test_resize_crop_is_fused_resize_then_crop(void)
{
    static const int cases[][8] = {
        /* in w, h, out w, h, crop left, top, w, h */
        {500, 375, 341, 256, 58, 16, 224, 224}, {375, 500, 256, 341, 16, 58, 224, 224},
        {40, 30, 20, 15, -3, -2, 26, 19},       {40, 30, 40, 17, 5, 0, 30, 17},
        {40, 30, 17, 30, 0, 5, 17, 20},         {40, 30, 40, 30, 3, 4, 10, 10},
        {9, 7, 50, 60, 45, 55, 10, 10},         {9, 7, 5, 5, 10, 10, 3, 3},
    };
    for (size_t s = 0; s < sizeof cases / sizeof cases[0]; s++) {
        const int *k = cases[s];
        zb_image in;
        CHECK(zb_image_alloc("t", k[0], k[1], &in) == ZB_OK);
        fill_random(&in, s & 1);
        for (int f = 0; f < ZB_FILTER_COUNT; f++) {
            zb_image full, want, got;
            CHECK(zb_image_resize_ref(&in, k[2], k[3], (zb_filter)f, &full) == ZB_OK);
            CHECK(zb_image_crop(&full, k[4], k[5], k[6], k[7], &want) == ZB_OK);
            CHECK(zb_image_resize_crop(&in, k[2], k[3], (zb_filter)f, k[4], k[5], k[6], k[7], &got) == ZB_OK);
            CHECK(got.data && want.data && !memcmp(got.data, want.data, (size_t)k[6] * k[7] * 3));
            zb_image_free(&full);
            zb_image_free(&want);
            zb_image_free(&got);
        }
        zb_image_free(&in);
    }
}

static void test_resize_constant_image(void)
{
    /* Normalised weights sum to 1: a flat image stays flat for every filter
     * (holds for Pillow's rounding too, since each tap sum is 2^22 +- few). */
    zb_image in, out;
    CHECK(zb_image_alloc("t", 37, 23, &in) == ZB_OK);
    memset(in.data, 200, (size_t)37 * 23 * 3);
    for (int f = 0; f < ZB_FILTER_COUNT; f++) {
        CHECK(zb_image_resize(&in, 11, 50, (zb_filter)f, &out) == ZB_OK);
        int ok = 1;
        for (int i = 0; i < 11 * 50 * 3; i++)
            ok &= out.data[i] == 200;
        CHECK(ok);
        zb_image_free(&out);
    }
    zb_image_free(&in);
}

static void test_nearest_picks_centres(void)
{
    /* 4 -> 2 columns: sample centres 1.0 and 3.0 -> source columns 1 and 3. */
    zb_image in, out;
    CHECK(zb_image_alloc("t", 4, 1, &in) == ZB_OK);
    for (int i = 0; i < 12; i++)
        in.data[i] = (uint8_t)(i / 3 * 10);
    CHECK(zb_image_resize(&in, 2, 1, ZB_FILTER_NEAREST, &out) == ZB_OK);
    CHECK_EQ_INT(out.data[0], 10);
    CHECK_EQ_INT(out.data[3], 30);
    zb_image_free(&out);
    zb_image_free(&in);
}

static void test_crop_pads_with_zero(void)
{
    zb_image in, out;
    CHECK(zb_image_alloc("t", 2, 2, &in) == ZB_OK);
    memset(in.data, 9, 12);
    CHECK(zb_image_crop(&in, -1, -1, 4, 4, &out) == ZB_OK);
    CHECK_EQ_INT(out.data[0], 0);                    /* (0, 0) outside */
    CHECK_EQ_INT(out.data[(1 * 4 + 1) * 3], 9);      /* (1, 1) = source (0, 0) */
    CHECK_EQ_INT(out.data[(2 * 4 + 2) * 3 + 2], 9);  /* (2, 2) = source (1, 1) */
    CHECK_EQ_INT(out.data[(3 * 4 + 3) * 3], 0);
    zb_image_free(&out);
    CHECK(zb_image_crop(&in, 5, 5, 2, 2, &out) == ZB_OK); /* no overlap: all zero */
    CHECK_EQ_INT(out.data[0] | out.data[11], 0);
    zb_image_free(&out);
    zb_image_free(&in);
}

static void test_recipe_sizes(void)
{
    zb_recipe r;
    CHECK(zb_recipe_preset("torchvision", 224, &r) == ZB_OK);
    CHECK_EQ_INT(r.resize_size, 256); /* 224 // 0.875 */
    CHECK(zb_recipe_preset("torchvision", 299, &r) == ZB_OK);
    CHECK_EQ_INT(r.resize_size, 341); /* 299 // 0.875 = 341.0 in Python */
    CHECK(zb_recipe_preset("keras-tf", 331, &r) == ZB_OK);
    CHECK_EQ_INT(r.resize_size, 331);
    CHECK(zb_recipe_preset("nonesuch", 224, &r) == ZB_ERR_ARG);
    CHECK(zb_recipe_preset("torchvision", 0, &r) == ZB_OK && r.crop == 224);
    CHECK(zb_recipe_set_crop_pct(&r, 0.0) == ZB_ERR_ARG);
    CHECK(zb_recipe_set_crop_pct(&r, 1.5) == ZB_ERR_ARG);

    /* 500x375 -> shorter side 256: long side int(256 * 500 / 375) = 341;
     * crop offsets int(round(117 / 2.)) = 58 (half to even) and 16. */
    CHECK(zb_recipe_preset("torchvision", 224, &r) == ZB_OK);
    zb_image in, out;
    CHECK(zb_image_alloc("t", 500, 375, &in) == ZB_OK);
    fill_random(&in, 1);
    CHECK(zb_recipe_apply_u8(&r, &in, &out) == ZB_OK);
    CHECK_EQ_INT(out.width, 224);
    zb_image resized, crop;
    CHECK(zb_image_resize(&in, 341, 256, ZB_FILTER_BILINEAR, &resized) == ZB_OK);
    CHECK(zb_image_crop(&resized, 58, 16, 224, 224, &crop) == ZB_OK); /* round(58.5) = 58 */
    CHECK(!memcmp(out.data, crop.data, 224 * 224 * 3));
    zb_image_free(&resized);
    zb_image_free(&crop);
    zb_image_free(&out);

    /* seed-torchvision 299: Resize(256) -> 341x256, offsets round(21) = 21 and
     * round(-21.5) = -22 (Python 3 rounds halves to even, below zero too). */
    CHECK(zb_recipe_preset("seed-torchvision", 299, &r) == ZB_OK);
    CHECK_EQ_INT(r.resize_size, 256);
    CHECK(zb_recipe_apply_u8(&r, &in, &out) == ZB_OK);
    CHECK(zb_image_resize(&in, 341, 256, ZB_FILTER_BILINEAR, &resized) == ZB_OK);
    CHECK(zb_image_crop(&resized, 21, -22, 299, 299, &crop) == ZB_OK);
    CHECK(!memcmp(out.data, crop.data, 299 * 299 * 3));
    zb_image_free(&resized);
    zb_image_free(&crop);
    zb_image_free(&out);
    zb_image_free(&in);
}

/* The fused path (selection maps, then normalize in place) against resize +
 * crop + normalize: NEAREST up and down, windows reaching past the resized
 * image, identity resizes with any filter, both layouts, bitwise; and no
 * maps where a filter mixes pixels. */
static void test_select_matches_resize_crop(void)
{
    static const struct {
        int w, h, nw, nh, left, top, cw, ch;
        zb_filter f;
    } cases[] = {
        {227, 227, 224, 224, 0, 0, 224, 224, ZB_FILTER_NEAREST}, /* keras squash */
        {500, 375, 299, 299, 0, 0, 299, 299, ZB_FILTER_NEAREST},
        {7, 5, 30, 11, 0, 0, 30, 11, ZB_FILTER_NEAREST},         /* upscale */
        {40, 33, 20, 17, -3, 2, 26, 19, ZB_FILTER_NEAREST},      /* window past both sides */
        {13, 9, 13, 20, 1, -2, 9, 25, ZB_FILTER_NEAREST},        /* one axis resized */
        {1, 1, 5, 3, 0, 0, 5, 3, ZB_FILTER_NEAREST},
        {30, 20, 30, 20, 5, -4, 24, 24, ZB_FILTER_BILINEAR},     /* no resize: a crop */
        {30, 20, 30, 20, 40, 0, 4, 4, ZB_FILTER_BICUBIC},        /* window outside */
    };
    zb_recipe r;
    CHECK(zb_recipe_preset("keras-caffe", 224, &r) == ZB_OK);
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        zb_image in, crop;
        CHECK(zb_image_alloc("t", cases[i].w, cases[i].h, &in) == ZB_OK);
        fill_random(&in, 0);
        const int cw = cases[i].cw, ch = cases[i].ch;
        int *xm = malloc((size_t)cw * sizeof *xm), *ym = malloc((size_t)ch * sizeof *ym);
        float *a = malloc((size_t)cw * ch * 3 * sizeof *a), *b = malloc((size_t)cw * ch * 3 * sizeof *b);
        CHECK(zb_image_resize_crop(&in, cases[i].nw, cases[i].nh, cases[i].f, cases[i].left, cases[i].top, cw, ch,
                                   &crop) == ZB_OK);
        CHECK(zb_image_select_maps(&in, cases[i].nw, cases[i].nh, cases[i].f, cases[i].left, cases[i].top, cw, ch,
                                   xm, ym) == 1);
        for (int layout = 0; layout < 2; layout++) {
            zb_recipe_normalize(&r, &crop, (zb_layout)layout, a);
            memset(b, 0xff, (size_t)cw * ch * 3 * sizeof *b);
            zb_recipe_normalize_select(&r, &in, xm, ym, cw, ch, (zb_layout)layout, b);
            bad += memcmp(a, b, (size_t)cw * ch * 3 * sizeof *a) != 0;
        }
        zb_image_free(&crop);
        zb_image_free(&in);
        free(xm), free(ym), free(a), free(b);
    }
    CHECK_EQ_INT(bad, 0);
    zb_image in;
    int xm[4], ym[4];
    CHECK(zb_image_alloc("t", 8, 8, &in) == ZB_OK);
    CHECK(zb_image_select_maps(&in, 4, 4, ZB_FILTER_BILINEAR, 0, 0, 4, 4, xm, ym) == 0);
    zb_image_free(&in);
}

static void test_normalize_layouts(void)
{
    zb_recipe r;
    CHECK(zb_recipe_preset("keras-caffe", 2, &r) == ZB_OK);
    zb_image im;
    CHECK(zb_image_alloc("t", 2, 2, &im) == ZB_OK);
    for (int i = 0; i < 12; i++)
        im.data[i] = (uint8_t)(i * 20);
    float nhwc[12], nchw[12];
    zb_recipe_normalize(&r, &im, ZB_LAYOUT_NHWC, nhwc);
    zb_recipe_normalize(&r, &im, ZB_LAYOUT_NCHW, nchw);
    /* Pixel 1 is (60, 80, 100) RGB: BGR minus mean. */
    CHECK(nhwc[3] == 100.0f - 103.939f);
    CHECK(nhwc[5] == 60.0f - 123.68f);
    for (int p = 0; p < 4; p++)
        for (int c = 0; c < 3; c++)
            CHECK(nhwc[p * 3 + c] == nchw[c * 4 + p]);
    zb_image_free(&im);
}

static void test_bad_input(void)
{
    zb_image im;
    CHECK(zb_image_decode_mem("e", "", 0, &im) == ZB_ERR_FORMAT);
    CHECK(strstr(zb_last_error(), "e: ") == zb_last_error());
    CHECK(zb_image_decode_mem("t", "hello world", 11, &im) == ZB_ERR_FORMAT);
    CHECK(zb_image_decode_mem("g", "GIF89a\1\0\1\0", 10, &im) == ZB_ERR_UNSUPPORTED);
    static const uint8_t jpeg_head[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    CHECK(zb_image_decode_mem("j", jpeg_head, sizeof jpeg_head, &im) != ZB_OK);
    CHECK(im.data == NULL);
    CHECK(zb_image_check_size("b", 65535, 65535) == ZB_ERR_LIMIT);
    CHECK(zb_image_check_size("b", 13000, 13000) == ZB_OK);  /* 169M <= 178956970 */
    CHECK(zb_image_check_size("b", 13380, 13380) == ZB_ERR_LIMIT);
    CHECK(zb_image_check_size("b", 1 << 25, 1) == ZB_ERR_LIMIT);
    zb_image small;
    CHECK(zb_image_alloc("t", 3, 3, &small) == ZB_OK);
    CHECK(zb_image_resize(&small, 0, 3, ZB_FILTER_BILINEAR, &im) == ZB_ERR_ARG);
    CHECK(zb_image_resize(&small, 3, 3, (zb_filter)99, &im) == ZB_ERR_ARG);
    zb_image_free(&small);
    zb_image_free(NULL);
}

/* ---- helper modes ---- */

static int read_raw(const char *path, zb_image *im)
{
    FILE *f = fopen(path, "rb");
    int w, h;
    if (!f || fscanf(f, "%d %d", &w, &h) != 2 || fgetc(f) != '\n' || zb_image_alloc(path, w, h, im) != ZB_OK ||
        fread(im->data, 1, (size_t)w * h * 3, f) != (size_t)w * h * 3) {
        fprintf(stderr, "cannot read %s\n", path);
        return -1;
    }
    fclose(f);
    return 0;
}

static int write_raw(const char *path, const zb_image *im)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fprintf(f, "%d %d\n", im->width, im->height);
    fwrite(im->data, 1, (size_t)im->width * im->height * 3, f);
    return fclose(f);
}

static int helper_resize(char **argv)
{
    zb_image in, out;
    int f = zb_filter_from_name(argv[5]);
    if (read_raw(argv[2], &in) || f < 0)
        return 2;
    if (zb_image_resize(&in, atoi(argv[3]), atoi(argv[4]), (zb_filter)f, &out) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    int rc = write_raw(argv[6], &out) ? 1 : 0;
    zb_image_free(&in);
    zb_image_free(&out);
    return rc;
}

static int helper_decode(char **argv)
{
    zb_image im;
    if (zb_image_decode_file(argv[2], &im) != ZB_OK) {
        printf("error: %s\n", zb_last_error());
        return 1;
    }
    int rc = write_raw(argv[3], &im) ? 2 : 0;
    zb_image_free(&im);
    return rc;
}

static int helper_jpeg_restart(char **argv)
{
    zb_image in;
    if (read_raw(argv[2], &in))
        return 2;
    FILE *f = fopen(argv[4], "wb");
    if (!f)
        return 2;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr e;
    c.err = jpeg_std_error(&e);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = (JDIMENSION)in.width;
    c.image_height = (JDIMENSION)in.height;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    c.restart_in_rows = atoi(argv[3]);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = in.data + (size_t)c.next_scanline * in.width * 3;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
    zb_image_free(&in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 7 && !strcmp(argv[1], "resize"))
        return helper_resize(argv);
    if (argc == 4 && !strcmp(argv[1], "decode"))
        return helper_decode(argv);
    if (argc == 5 && !strcmp(argv[1], "jpeg-restart"))
        return helper_jpeg_restart(argv);
    RUN(test_resize_matches_reference);
    RUN(test_resize_crop_is_fused_resize_then_crop);
    zb_image_force_scalar = 1; /* the same checks on the portable loops */
    RUN(test_resize_matches_reference);
    RUN(test_resize_crop_is_fused_resize_then_crop);
    zb_image_force_scalar = 0;
    RUN(test_resize_constant_image);
    RUN(test_nearest_picks_centres);
    RUN(test_crop_pads_with_zero);
    RUN(test_recipe_sizes);
    RUN(test_normalize_layouts);
    RUN(test_select_matches_resize_crop);
    RUN(test_bad_input);
    return test_report();
}

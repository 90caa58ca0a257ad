/* libFuzzer harness: JPEG and PNG decoding from memory (the format sniffed
 * from the bytes, as for files).  First a decode of a small box (the cropped
 * JPEG decode of the recipes), which stays cheap whatever size the header
 * declares; then, for small images, the full decode and one preprocessing
 * recipe (resize/crop + normalize).  The last bytes pick the box and recipe.
 * Build and run with fuzz/run.sh image; seeds in fuzz/corpus/image (fuzz/make_corpus_image.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "image/image.h"
#include "zoobench.h"

/* A full decode of a large image (the caps allow 178956970 pixels, and a few
 * hundred bytes of JPEG can declare that many) costs seconds, not coverage. */
#define MAX_FULL_PIXELS (1 << 18)

typedef struct box_sel {
    unsigned a, b, c; /* selector bytes */
    long long pixels; /* the declared size */
} box_sel;

/* zb_need_fn: a box of up to 64 x 64 pixels placed by the selector bytes. */
static void need_small(void *ctx, int w, int h, zb_box *need)
{
    box_sel *s = ctx;
    s->pixels = (long long)w * h;
    int x0 = (int)((long long)w * s->a / 256), y0 = (int)((long long)h * s->b / 256);
    int bw = 1 + (int)(s->c % 64), bh = 1 + (int)(s->c / 4 % 64);
    *need = (zb_box){x0, y0, x0 + bw < w ? x0 + bw : w, y0 + bh < h ? y0 + bh : h};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const presets[] = {"torchvision", "seed-torchvision", "keras-caffe", "keras-tf",
                                          "keras-raw",   "seed-keras-caffe", "seed-keras-torch"};
    if (size < 4)
        return 0;
    box_sel s = {data[size - 2], data[size - 3], data[size - 4], 0};
    zb_image im = {0};
    zb_status st = zb_image_decode_mem_need("fuzz.img", data, size, need_small, &s, &im);
    if (st == ZB_OK && !s.pixels) /* PNG: always decoded whole */
        s.pixels = (long long)im.width * im.height;
    zb_image_free(&im); /* pixels outside the box are unwritten: not read */
    if (st != ZB_OK || s.pixels > MAX_FULL_PIXELS)
        return 0;
    if (zb_image_decode_mem("fuzz.img", data, size, &im) != ZB_OK)
        return 0;
    zb_image_free(&im);
    unsigned sel = data[size - 1];
    zb_recipe r;
    if (zb_recipe_preset(presets[sel % 7], 8 + (int)(sel / 7 % 4) * 13, &r) != ZB_OK)
        abort();
    zb_image crop = {0};
    if (zb_recipe_decode_mem_u8(&r, "fuzz.img", data, size, &crop) == ZB_OK) {
        float *x = malloc(zb_recipe_output_count(&r) * sizeof *x);
        if (x)
            zb_recipe_normalize(&r, &crop, sel & 1 ? ZB_LAYOUT_NCHW : ZB_LAYOUT_NHWC, x);
        free(x);
    }
    zb_image_free(&crop);
    return 0;
}

/* libFuzzer harness: JPEG and PNG decoding from memory (the format sniffed
 * from the bytes, as for files), then one preprocessing recipe on small
 * images: the full decode + resize/crop + normalize, and the cropped JPEG
 * decode of zb_recipe_decode_u8.  The last byte picks the recipe.
 * Build and run with fuzz/run.sh image; seeds in fuzz/corpus/image (fuzz/make_corpus_image.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "image/image.h"
#include "zoobench.h"

/* Recipes on larger images cost more than a decode; the decoders' own
 * behaviour on them is what matters. */
#define MAX_RECIPE_PIXELS (1 << 18)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const presets[] = {"torchvision", "seed-torchvision", "keras-caffe", "keras-tf",
                                          "keras-raw",   "seed-keras-caffe", "seed-keras-torch"};
    zb_image im = {0};
    if (zb_image_decode_mem("fuzz.img", data, size, &im) != ZB_OK)
        return 0;
    int small = (long long)im.width * im.height <= MAX_RECIPE_PIXELS;
    zb_image_free(&im);
    if (!small)
        return 0;
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

/* libFuzzer harness: the .npy reader from memory, then the element accessors
 * and every conversion zb_npy_load_as can apply (to int64, float32, float64).
 * Build and run with fuzz/run.sh npy; seeds in fuzz/corpus/npy (fuzz/make_corpus_npy.py). */
#include <stddef.h>
#include <stdint.h>

#include "zoobench.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_npy *a = NULL;
    if (zb_npy_parse("fuzz.npy", data, size, &a) != ZB_OK)
        return 0;
    volatile double sink = 0;
    if (a->count) {
        sink += zb_npy_get_f64(a, a->count - 1);
        sink += (double)zb_npy_get_i64(a, 0);
    }
    static const zb_dtype to[] = {ZB_I64, ZB_F32, ZB_F64};
    for (int k = 0; k < 3; k++) {
        zb_npy *b = NULL;
        if (zb_npy_convert("fuzz.npy", a, to[k], &b) == ZB_OK && b->count)
            sink += zb_npy_get_f64(b, b->count - 1);
        zb_npy_free(b);
    }
    (void)sink;
    zb_npy_free(a);
    return 0;
}

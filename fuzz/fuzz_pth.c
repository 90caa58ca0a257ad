/* libFuzzer harness: the .pth reader (zip and legacy) from memory.
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/pth (fuzz/make_corpus_pth.py). */
#include <stddef.h>
#include <stdint.h>

#include "core/wmap.h"
#include "io/pth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the last byte's low bit picks --unwrap, so both paths are explored */
    zb_pth_opts opts = {.unwrap = size ? data[size - 1] & 1 : 0};
    zb_wmap *m = NULL;
    if (zb_pth_load_mem("fuzz.pth", data, size, &opts, &m) == ZB_OK) {
        volatile float sink = 0;
        for (int i = 0; i < m->n; i++)
            if (m->items[i].count)
                sink += m->items[i].data[m->items[i].count - 1]; /* touch the last element */
        (void)sink;
    }
    zb_wmap_free(m);
    return 0;
}

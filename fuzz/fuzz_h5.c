/* libFuzzer harness: the .h5 reader from memory, both the Keras view and the
 * generic walk over every group, dataset and attribute.
 * Build and run with fuzz/run.sh h5; seeds in fuzz/corpus/h5 (fuzz/make_corpus_h5.py). */
#include <stddef.h>
#include <stdint.h>

#include "core/wmap.h"
#include "io/h5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_keras_h5 *k = NULL;
    if (zb_keras_h5_parse("fuzz.h5", data, size, &k) == ZB_OK) {
        volatile float sink = 0;
        for (int i = 0; i < k->weights->n; i++)
            if (k->weights->items[i].count)
                sink += k->weights->items[i].data[k->weights->items[i].count - 1];
        (void)sink;
    }
    zb_keras_h5_free(k);
    zb_wmap *m = NULL;
    (void)zb_h5_parse_wmap("fuzz.h5", data, size, &m);
    zb_wmap_free(m);
    return 0;
}

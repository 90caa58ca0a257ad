/* libFuzzer harness: the devkit's meta.mat (MAT v5, through matio) from memory
 * to the leaf synsets (zb_ilsvrc_parse_meta).
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/meta_mat (fuzz/make_corpus_ilsvrc.py). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "data/ilsvrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_ilsvrc_synset *s = NULL;
    int n = 0;
    if (zb_ilsvrc_parse_meta("fuzz.tar.gz", (const char *)data, size, &s, &n) == ZB_OK) {
        volatile size_t sink = 0;
        for (int i = 0; i < n; i++)
            sink += strlen(s[i].wnid) + (size_t)s[i].id;
        (void)sink;
    }
    zb_ilsvrc_synsets_free(s, n);
    return 0;
}

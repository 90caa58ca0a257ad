/* libFuzzer harness: the ILSVRC2012 devkit archive (tar, gzip or not) to the
 * ground truth and meta.mat (zb_ilsvrc_read_devkit), then both parsed and each
 * ground-truth line mapped to its leaf synset, as `zoobench predict` does.
 * The input goes to a memfd because libarchive reads the devkit by path.
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/devkit (fuzz/make_corpus_ilsvrc.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "data/ilsvrc.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *file = fuzz_as_file(data, size);
    char *gt = NULL, *meta = NULL;
    size_t gtlen = 0, metalen = 0;
    zb_ilsvrc_synset *s = NULL;
    int ns = 0;
    long *ids = NULL;
    int64_t nid = 0;
    if (file && zb_ilsvrc_read_devkit(file, &gt, &gtlen, &meta, &metalen) == ZB_OK &&
        zb_ilsvrc_parse_gt(file, gt, gtlen, &ids, &nid) == ZB_OK &&
        zb_ilsvrc_parse_meta(file, meta, metalen, &s, &ns) == ZB_OK) {
        volatile size_t sink = 0;
        for (int64_t i = 0; i < nid; i++)
            for (int k = 0; k < ns; k++)
                if (s[k].id == ids[i]) {
                    sink += strlen(s[k].wnid);
                    break;
                }
        (void)sink;
    }
    zb_ilsvrc_synsets_free(s, ns);
    free(ids);
    free(gt);
    free(meta);
    return 0;
}

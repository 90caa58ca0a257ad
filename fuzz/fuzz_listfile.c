/* libFuzzer harness: the dataset list-file reader ("path label" lines) that
 * `zoobench table --labels LIST.txt` and `zoobench predict LIST.txt` share:
 * zb_listfile_parse from memory, and zb_dataset_open on the same bytes as a
 * file (its list branch: paths, digest, stream order).
 * Build and run with fuzz/run.sh listfile; seeds in fuzz/corpus/listfile (fuzz/make_corpus_listfile.py). */
#include <stddef.h>
#include <stdint.h>

#include "data/dataset.h"
#include "io/listfile.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_listfile *l = NULL;
    if (zb_listfile_parse("/nonexistent/fuzz.txt", (const char *)data, size, size & 1 ? "/nonexistent/root" : NULL,
                          &l) == ZB_OK) {
        volatile int64_t sink = l->label[l->n - 1];
        (void)sink;
    }
    zb_listfile_free(l);
    const char *path = fuzz_as_file(data, size);
    if (!path)
        return 0;
    zb_dataset *d = NULL;
    zb_dataset_opts o = {.root = size & 2 ? "/nonexistent/root" : NULL};
    (void)zb_dataset_open(path, &o, &d);
    zb_dataset_free(d);
    return 0;
}

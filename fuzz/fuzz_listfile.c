/* libFuzzer harness: the two dataset list-file readers ("path label" lines):
 * zb_listfile_parse (zoobench table --labels LIST.txt) from memory, and the
 * list branch of zb_dataset_open (zoobench predict LIST.txt) through a
 * temporary file, since it only reads files.
 * Build and run with fuzz/run.sh listfile; seeds in fuzz/corpus/listfile (fuzz/make_corpus_listfile.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "data/dataset.h"
#include "io/listfile.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zb_listfile *l = NULL;
    if (zb_listfile_parse("/nonexistent/fuzz.txt", (const char *)data, size, size & 1 ? "/nonexistent/root" : NULL,
                          &l) == ZB_OK) {
        volatile int64_t sink = l->label[l->n - 1];
        (void)sink;
    }
    zb_listfile_free(l);

    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/zb_fuzz_list_%ld.txt", (long)getpid());
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    zb_dataset *d = NULL;
    zb_dataset_opts o = {.root = size & 2 ? "/nonexistent/root" : NULL};
    (void)zb_dataset_open(path, &o, &d);
    zb_dataset_free(d);
    unlink(path);
    return 0;
}

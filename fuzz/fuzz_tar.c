/* libFuzzer harness: the ILSVRC2012 val tar, listed (zb_ilsvrc_list_tar) and then
 * read member by member (zb_dsreader), as `zoobench predict VAL.tar` does.  The
 * input goes to a memfd because the readers open the tar by path.
 * Build and run with fuzz/run.sh; seeds in fuzz/corpus/tar (fuzz/make_corpus_ilsvrc.py). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "data/dataset.h"
#include "data/ilsvrc.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *file = fuzz_as_file(data, size);
    zb_ilsvrc_member *m = NULL;
    int64_t n = 0;
    if (!file || zb_ilsvrc_list_tar(file, 64, &m, &n) != ZB_OK || n == 0) {
        zb_ilsvrc_members_free(m, n);
        return 0;
    }
    /* every member wanted, in reverse dataset order (the reader sorts them) */
    zb_dataset d = {.kind = ZB_DS_ILSVRC_TAR, .n = n, .tar_path = (char *)file};
    d.name = calloc((size_t)n, sizeof *d.name);
    d.label = calloc((size_t)n, sizeof *d.label);
    d.stream_pos = calloc((size_t)n, sizeof *d.stream_pos);
    int64_t *items = calloc((size_t)n, sizeof *items);
    zb_dsreader *r = NULL;
    if (d.name && d.label && d.stream_pos && items) {
        for (int64_t i = 0; i < n; i++) {
            d.name[i] = m[i].name;
            d.stream_pos[i] = m[i].pos;
            items[i] = n - 1 - i;
        }
        if (zb_dsreader_open(&d, items, n, &r) == ZB_OK) {
            int64_t idx;
            const uint8_t *buf;
            size_t len;
            zb_status st;
            volatile uint8_t sink = 0;
            while (zb_dsreader_next(r, &idx, &buf, &len, &st) > 0)
                if (buf && len)
                    sink ^= buf[len - 1] ^ (uint8_t)idx; /* touch the last byte */
            (void)sink;
        }
    }
    zb_dsreader_free(r);
    free(items);
    free(d.name);
    free(d.label);
    free(d.stream_pos);
    zb_ilsvrc_members_free(m, n);
    return 0;
}

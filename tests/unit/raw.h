/* Test-only reader of the op oracle's .raw case files (tests/oracle/torch_ops.py):
 * records of u32 name length, name, u32 ndim, i64 dims[ndim], f32 data. */
#ifndef ZB_TEST_RAW_H
#define ZB_TEST_RAW_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/wmap.h"

/* Reads every record: names starting "__" (input, logits) into *arrays, the
 * rest into *weights.  Returns 0 on success. */
static int raw_load(const char *path, zb_wmap **weights, zb_wmap **arrays)
{
    *weights = *arrays = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    zb_wmap *m = zb_wmap_new(), *a = zb_wmap_new();
    uint32_t len, ndim;
    while (m && a && fread(&len, 4, 1, f) == 1) {
        char name[512];
        int64_t shape[8];
        if (len >= sizeof name || fread(name, 1, len, f) != len || fread(&ndim, 4, 1, f) != 1 || ndim > 8 ||
            fread(shape, 8, ndim, f) != ndim)
            goto fail;
        name[len] = 0;
        int64_t count = 1;
        for (uint32_t i = 0; i < ndim; i++)
            count *= shape[i];
        float *data = malloc((size_t)(count ? count : 1) * sizeof *data);
        if (!data || fread(data, 4, (size_t)count, f) != (size_t)count) {
            free(data);
            goto fail;
        }
        if (zb_wmap_add(name[0] == '_' && name[1] == '_' ? a : m, name, (int)ndim, shape, data) != ZB_OK)
            goto fail;
    }
    fclose(f);
    if (!m || !a)
        goto fail_closed;
    *weights = m;
    *arrays = a;
    return 0;
fail:
    fclose(f);
fail_closed:
    zb_wmap_free(m);
    zb_wmap_free(a);
    return -1;
}

#endif

/* Test helper: argpart IN.npy KTH OUT.npy writes zb_argpartition_f32 of each
 * float32 row of IN (R, n) as int64 (R, n). */
#include <stdio.h>
#include <stdlib.h>

#include "predict/argpartition.h"
#include "zoobench.h"

int main(int argc, char **argv)
{
    zb_npy *a = NULL;
    if (argc != 4 || zb_npy_load_as(argv[1], ZB_F32, 2, &a) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    int64_t r = a->shape[0], n = a->shape[1], kth = atoll(argv[2]);
    zb_npy *o = zb_npy_new(ZB_I64, 2, a->shape);
    for (int64_t i = 0; i < r; i++)
        zb_argpartition_f32((float *)a->data + i * n, n, kth, (int64_t *)o->data + i * n);
    int rc = zb_npy_save(argv[3], o) != ZB_OK;
    zb_npy_free(a);
    zb_npy_free(o);
    return rc;
}

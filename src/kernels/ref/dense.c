/* Reference dense (fully connected) layer: y[o] = sum_i x[i] * w[o][i], summed
 * in order of i from 0.0f, then the epilogue.  Input is the image's NHWC
 * activation read as one vector (the engine permutes the weights of a torch
 * flatten at prepare).  Rows are images (oh = 1). */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "kernels/ref/ref.h"

static zb_status pack(zb_kdesc *d, const float *w)
{
    size_t n = (size_t)d->oc * d->ih * d->iw * d->ic;
    float *p = malloc(n * sizeof *p);
    if (!p)
        return zb_error(ZB_ERR_NOMEM, "dense: out of memory packing %zu weights", n);
    memcpy(p, w, n * sizeof *p);
    d->packed = p;
    return ZB_OK;
}

static void run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const size_t in = (size_t)d->ih * d->iw * d->ic;
    for (int64_t r = r0; r < r1; r++) {
        const float *x = xs[0] + r * in;   /* (in) */
        float *yr = y + r * d->oc;         /* (oc) */
        for (int o = 0; o < d->oc; o++) {
            const float *w = d->packed + (size_t)o * in;
            float acc = 0.0f;
            for (size_t i = 0; i < in; i++)
                acc += x[i] * w[i];
            yr[o] = zb_epilogue1(d, o, acc);
        }
    }
}

const zb_kernel zb_ref_dense = {.name = "ref_dense", .pack = pack, .run = run};

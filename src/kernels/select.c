/* Kernel choice, made once per layer at prepare: the AVX2/FMA kernels where
 * the CPU has them (zb_cpu_fast: AVX2 + FMA, not ZB_KERNELS=ref), else the
 * reference kernels.  The choice depends on the op, the layer's geometry and
 * the CPU only, never on batch size or thread count. */
#include "kernels/fast.h"
#include "kernels/fast_engine.h"
#include "kernels/kernels.h"
#include "kernels/winograd.h"

const zb_kernel *zb_kernel_select(zb_kop op, const zb_kdesc *d)
{
    if (!zb_cpu_fast())
        return zb_ref_kernels[op];
    switch (op) {
    case ZB_K_CONV2D:
        if (d->groups > 1 && d->groups == d->ic && d->oc % d->ic == 0)
            return &zb_fast_depthwise;
        if (zb_wino_kdesc_tile(d))
            return &zb_fast_winograd;
        return &zb_fast_conv2d;
    case ZB_K_DENSE:
        return &zb_fast_dense;
    case ZB_K_MAXPOOL:
        return &zb_fast_maxpool;
    case ZB_K_AVGPOOL:
        return &zb_fast_avgpool;
    case ZB_K_GLOBAL_AVGPOOL:
        return &zb_fast_global_avgpool;
    case ZB_K_ADAPTIVE_AVGPOOL:   /* to 1x1: the global mean, same sum order and division */
        return d->oh == 1 && d->ow == 1 ? &zb_fast_global_avgpool : zb_ref_kernels[op];
    case ZB_K_ELTWISE:
        return &zb_fast_eltwise;
    case ZB_K_ADD:
        return &zb_fast_add;
    default:
        return zb_ref_kernels[op];
    }
}

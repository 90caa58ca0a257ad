/* Kernel choice, made once per layer at prepare.  Only the reference kernels
 * exist so far; fast kernels (src/kernels/x86) plug in here, chosen by CPU
 * features and the layer's geometry, never by batch size or thread count. */
#include "kernels/kernels.h"

const zb_kernel *zb_kernel_select(zb_kop op, const zb_kdesc *d)
{
    (void)d;
    return zb_ref_kernels[op];
}

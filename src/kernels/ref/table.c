/* The reference kernel table, indexed by zb_kop. */
#include "kernels/ref/ref.h"

const zb_kernel *const zb_ref_kernels[ZB_K_COUNT] = {
    [ZB_K_CONV2D] = &zb_ref_conv2d,
    [ZB_K_DENSE] = &zb_ref_dense,
    [ZB_K_ELTWISE] = &zb_ref_eltwise,
    [ZB_K_MAXPOOL] = &zb_ref_maxpool,
    [ZB_K_AVGPOOL] = &zb_ref_avgpool,
    [ZB_K_ADAPTIVE_AVGPOOL] = &zb_ref_adaptive_avgpool,
    [ZB_K_GLOBAL_AVGPOOL] = &zb_ref_global_avgpool,
    [ZB_K_CONCAT] = &zb_ref_concat,
    [ZB_K_ADD] = &zb_ref_add,
    [ZB_K_ZEROPAD] = &zb_ref_zeropad,
    [ZB_K_CROP] = &zb_ref_crop,
    [ZB_K_SOFTMAX] = &zb_ref_softmax,
};
_Static_assert(sizeof zb_ref_kernels / sizeof zb_ref_kernels[0] == ZB_K_COUNT, "one reference kernel per op");

/* The reference kernels, one per zb_kop (see kernels/kernels.h). */
#ifndef ZB_KERNELS_REF_H
#define ZB_KERNELS_REF_H

#include "kernels/kernels.h"

extern const zb_kernel zb_ref_conv2d;
extern const zb_kernel zb_ref_dense;
extern const zb_kernel zb_ref_eltwise;
extern const zb_kernel zb_ref_maxpool;
extern const zb_kernel zb_ref_avgpool;
extern const zb_kernel zb_ref_adaptive_avgpool;
extern const zb_kernel zb_ref_global_avgpool;
extern const zb_kernel zb_ref_concat;
extern const zb_kernel zb_ref_add;
extern const zb_kernel zb_ref_zeropad;
extern const zb_kernel zb_ref_crop;
extern const zb_kernel zb_ref_softmax;

#endif

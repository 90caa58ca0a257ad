/* The fast kernels as engine kernels (fast_engine.c), chosen in select.c. */
#ifndef ZB_KERNELS_FAST_ENGINE_H
#define ZB_KERNELS_FAST_ENGINE_H

#include "kernels/kernels.h"

extern const zb_kernel zb_fast_conv2d;
extern const zb_kernel zb_fast_depthwise;
extern const zb_kernel zb_fast_dense;
extern const zb_kernel zb_fast_maxpool;
extern const zb_kernel zb_fast_avgpool;
extern const zb_kernel zb_fast_global_avgpool;
extern const zb_kernel zb_fast_eltwise;
extern const zb_kernel zb_fast_add;

#endif

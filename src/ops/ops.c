/* The op table and the shared kernel binding step. */
#include "ops/ops.h"

#include "core/status.h"

const zb_op_def zb_op_defs[ZB_OP_COUNT] = {
    [ZB_OP_INPUT] = {"input", NULL},
    [ZB_OP_CONV2D] = {"conv2d", zb_conv2d_prepare},
    [ZB_OP_BATCHNORM] = {"batchnorm", zb_batchnorm_prepare},
    [ZB_OP_AFFINE] = {"affine", zb_affine_prepare},
    [ZB_OP_RELU] = {"relu", zb_act_prepare},
    [ZB_OP_RELU6] = {"relu6", zb_act_prepare},
    [ZB_OP_MAXPOOL] = {"maxpool", zb_pool_prepare},
    [ZB_OP_AVGPOOL] = {"avgpool", zb_pool_prepare},
    [ZB_OP_ADAPTIVE_AVGPOOL] = {"adaptive_avgpool", zb_pool_prepare},
    [ZB_OP_GLOBAL_AVGPOOL] = {"global_avgpool", zb_pool_prepare},
    [ZB_OP_CONCAT] = {"concat", zb_concat_prepare},
    [ZB_OP_ADD] = {"add", zb_add_prepare},
    [ZB_OP_FLATTEN] = {"flatten", NULL},
    [ZB_OP_DENSE] = {"dense", zb_dense_prepare},
    [ZB_OP_ZEROPAD] = {"zeropad", zb_pad_prepare},
    [ZB_OP_CROP] = {"crop", zb_pad_prepare},
    [ZB_OP_SOFTMAX] = {"softmax", zb_softmax_prepare},
};
_Static_assert(sizeof zb_op_defs / sizeof zb_op_defs[0] == ZB_OP_COUNT, "one entry per op");

zb_status zb_kdesc_bind(zb_node *x, zb_kop op, const float *canonical)
{
    const zb_kernel *k = zb_kernel_select(op, &x->k);
    x->k.kern = k;
    if (k->pack && canonical)
        return k->pack(&x->k, canonical);
    return ZB_OK;
}

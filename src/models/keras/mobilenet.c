/* keras_applications/mobilenet.py (keras-applications 1.0.8): MobileNet v1,
 * alpha 0.25, 0.5, 0.75 or 1.0, depth_multiplier 1. */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

static kt conv_block(kx *k, kt inputs, int filters, double alpha, int strides)
{
    filters = (int)(filters * alpha);
    kt x = kx_zeropad(k, "conv1_pad", inputs, 0, 1, 0, 1);
    x = kx_conv(k, "conv1", x, filters, 3, 3, strides, 0, 0);
    x = kx_bn(k, "conv1_bn", x, 1e-3f, 1);
    return kx_relu6(k, "conv1_relu", x);
}

static kt depthwise_conv_block(kx *k, kt inputs, int pointwise_conv_filters, double alpha, int depth_multiplier,
                               int strides, int block_id)
{
    char n[32];
#define NAME(fmt) (snprintf(n, sizeof n, fmt, block_id), n)
    pointwise_conv_filters = (int)(pointwise_conv_filters * alpha);
    kt x = inputs;
    if (strides != 1)
        x = kx_zeropad(k, NAME("conv_pad_%d"), inputs, 0, 1, 0, 1);
    x = kx_dwconv(k, NAME("conv_dw_%d"), x, 3, strides, strides == 1, depth_multiplier, 0);
    x = kx_bn(k, NAME("conv_dw_%d_bn"), x, 1e-3f, 1);
    x = kx_relu6(k, NAME("conv_dw_%d_relu"), x);
    x = kx_conv(k, NAME("conv_pw_%d"), x, pointwise_conv_filters, 1, 1, 1, 1, 0);
    x = kx_bn(k, NAME("conv_pw_%d_bn"), x, 1e-3f, 1);
    return kx_relu6(k, NAME("conv_pw_%d_relu"), x);
#undef NAME
}

/* variant: alpha * 100 */
zb_status keras_mobilenet(kx *k, int variant, const kx_top *top)
{
    double alpha = variant / 100.0;
    int dm = 1;
    kt x = kx_input(k);
    x = conv_block(k, x, 32, alpha, 2);
    x = depthwise_conv_block(k, x, 64, alpha, dm, 1, 1);
    x = depthwise_conv_block(k, x, 128, alpha, dm, 2, 2);
    x = depthwise_conv_block(k, x, 128, alpha, dm, 1, 3);
    x = depthwise_conv_block(k, x, 256, alpha, dm, 2, 4);
    x = depthwise_conv_block(k, x, 256, alpha, dm, 1, 5);
    x = depthwise_conv_block(k, x, 512, alpha, dm, 2, 6);
    for (int id = 7; id <= 11; id++)
        x = depthwise_conv_block(k, x, 512, alpha, dm, 1, id);
    x = depthwise_conv_block(k, x, 1024, alpha, dm, 2, 12);
    x = depthwise_conv_block(k, x, 1024, alpha, dm, 1, 13);
    if (top->include_top) {
        x = kx_gap(k, NULL, x);
        x = kx_identity(k, "reshape", "reshape_1", x);   /* (1, 1, 1024 * alpha) */
        x = kx_identity(k, "dropout", "dropout", x);
        x = kx_conv(k, "conv_preds", x, 1000, 1, 1, 1, 1, 1);
        x = kx_identity(k, "reshape", "reshape_2", x);   /* (classes,); softmax left out */
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

/* keras_applications/xception.py (keras-applications 1.0.8). */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

#define SAME 1
#define VALID 0
#define EPS 1e-3f

/* Blocks 2-4 and 13: residual 1x1/2 conv, two separable convs, max pool, add.
 * relu_first: block 2 starts without an activation. */
static kt entry_block(kx *k, kt x, int block, int f1, int f2, int relu_first)
{
    char n[48];
#define NAME(s) (snprintf(n, sizeof n, "block%d_%s", block, s), n)
    kt residual = kx_conv(k, NULL, x, f2, 1, 1, 2, SAME, 0);
    residual = kx_bn(k, NULL, residual, EPS, 1);
    if (relu_first)
        x = kx_relu(k, NAME("sepconv1_act"), x);
    x = kx_sepconv(k, NAME("sepconv1"), x, f1, 3, 1, SAME, 0);
    x = kx_bn(k, NAME("sepconv1_bn"), x, EPS, 1);
    x = kx_relu(k, NAME("sepconv2_act"), x);
    x = kx_sepconv(k, NAME("sepconv2"), x, f2, 3, 1, SAME, 0);
    x = kx_bn(k, NAME("sepconv2_bn"), x, EPS, 1);
    x = kx_maxpool(k, NAME("pool"), x, 3, 2, SAME);
    return kx_add(k, NULL, x, residual);
}

zb_status keras_xception(kx *k, int variant, const kx_top *top)
{
    (void)variant;
    char n[48];
    kt img_input = kx_input(k);
    kt x = kx_conv(k, "block1_conv1", img_input, 32, 3, 3, 2, VALID, 0);
    x = kx_bn(k, "block1_conv1_bn", x, EPS, 1);
    x = kx_relu(k, "block1_conv1_act", x);
    x = kx_conv(k, "block1_conv2", x, 64, 3, 3, 1, VALID, 0);
    x = kx_bn(k, "block1_conv2_bn", x, EPS, 1);
    x = kx_relu(k, "block1_conv2_act", x);

    x = entry_block(k, x, 2, 128, 128, 0);
    x = entry_block(k, x, 3, 256, 256, 1);
    x = entry_block(k, x, 4, 728, 728, 1);

    for (int i = 0; i < 8; i++) {
        int block = i + 5;
        kt residual = x;
        for (int j = 1; j <= 3; j++) {
            snprintf(n, sizeof n, "block%d_sepconv%d_act", block, j);
            x = kx_relu(k, n, x);
            snprintf(n, sizeof n, "block%d_sepconv%d", block, j);
            x = kx_sepconv(k, n, x, 728, 3, 1, SAME, 0);
            snprintf(n, sizeof n, "block%d_sepconv%d_bn", block, j);
            x = kx_bn(k, n, x, EPS, 1);
        }
        x = kx_add(k, NULL, x, residual);
    }

    x = entry_block(k, x, 13, 728, 1024, 1);

    x = kx_sepconv(k, "block14_sepconv1", x, 1536, 3, 1, SAME, 0);
    x = kx_bn(k, "block14_sepconv1_bn", x, EPS, 1);
    x = kx_relu(k, "block14_sepconv1_act", x);
    x = kx_sepconv(k, "block14_sepconv2", x, 2048, 3, 1, SAME, 0);
    x = kx_bn(k, "block14_sepconv2_bn", x, EPS, 1);
    x = kx_relu(k, "block14_sepconv2_act", x);

    if (top->include_top) {
        x = kx_gap(k, "avg_pool", x);
        x = kx_dense(k, "predictions", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
#undef NAME
}

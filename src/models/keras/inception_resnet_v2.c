/* keras_applications/inception_resnet_v2.py (keras-applications 1.0.8).
 * The residual is Lambda(inputs[0] + inputs[1] * scale). */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

#define SAME 1
#define VALID 0

/* conv2d_bn(x, filters, (kh, kw), strides, padding, activation, use_bias, name) */
static kt conv2d_bn(kx *k, kt x, int filters, int kh, int kw, int strides, int padding, int relu, int use_bias,
                    const char *name)
{
    char n[64];
    x = kx_conv(k, name, x, filters, kh, kw, strides, padding, use_bias);
    if (!use_bias) {
        if (name)
            snprintf(n, sizeof n, "%s_bn", name);
        x = kx_bn(k, name ? n : NULL, x, 1e-3f, 0);
    }
    if (relu) {
        if (name)
            snprintf(n, sizeof n, "%s_ac", name);
        x = kx_relu(k, name ? n : NULL, x);
    }
    return x;
}

/* The common call: square kernel, stride 1, 'same', relu, no bias, auto-named. */
static kt cbn(kx *k, kt x, int filters, int kh, int kw) { return conv2d_bn(k, x, filters, kh, kw, 1, SAME, 1, 0, NULL); }

static kt inception_resnet_block(kx *k, kt x, float scale, int block_type, int block_idx, int activation)
{
    kt branches[3];
    int nb;
    if (block_type == 35) {
        branches[0] = cbn(k, x, 32, 1, 1);
        kt branch_1 = cbn(k, x, 32, 1, 1);
        branches[1] = cbn(k, branch_1, 32, 3, 3);
        kt branch_2 = cbn(k, x, 32, 1, 1);
        branch_2 = cbn(k, branch_2, 48, 3, 3);
        branches[2] = cbn(k, branch_2, 64, 3, 3);
        nb = 3;
    } else if (block_type == 17) {
        branches[0] = cbn(k, x, 192, 1, 1);
        kt branch_1 = cbn(k, x, 128, 1, 1);
        branch_1 = cbn(k, branch_1, 160, 1, 7);
        branches[1] = cbn(k, branch_1, 192, 7, 1);
        nb = 2;
    } else {
        branches[0] = cbn(k, x, 192, 1, 1);
        kt branch_1 = cbn(k, x, 192, 1, 1);
        branch_1 = cbn(k, branch_1, 224, 1, 3);
        branches[1] = cbn(k, branch_1, 256, 3, 1);
        nb = 2;
    }
    char block_name[32], n[48];
    snprintf(block_name, sizeof block_name, "block%d_%d", block_type, block_idx);
    snprintf(n, sizeof n, "%s_mixed", block_name);
    kt mixed = kx_concat(k, n, nb, branches);
    snprintf(n, sizeof n, "%s_conv", block_name);
    kt up = conv2d_bn(k, mixed, kx_c(x), 1, 1, 1, SAME, 0, 1, n);
    x = kx_scaled_add(k, block_name, x, up, scale);
    if (activation) {
        snprintf(n, sizeof n, "%s_ac", block_name);
        x = kx_relu(k, n, x);
    }
    return x;
}

zb_status keras_inception_resnet_v2(kx *k, int variant, const kx_top *top)
{
    (void)variant;
    kt img_input = kx_input(k);
    kt x = conv2d_bn(k, img_input, 32, 3, 3, 2, VALID, 1, 0, NULL);
    x = conv2d_bn(k, x, 32, 3, 3, 1, VALID, 1, 0, NULL);
    x = cbn(k, x, 64, 3, 3);
    x = kx_maxpool(k, NULL, x, 3, 2, VALID);
    x = conv2d_bn(k, x, 80, 1, 1, 1, VALID, 1, 0, NULL);
    x = conv2d_bn(k, x, 192, 3, 3, 1, VALID, 1, 0, NULL);
    x = kx_maxpool(k, NULL, x, 3, 2, VALID);

    /* mixed 5b (Inception-A block): 35 x 35 x 320 */
    {
        kt b[4];
        b[0] = cbn(k, x, 96, 1, 1);
        b[1] = cbn(k, x, 48, 1, 1);
        b[1] = cbn(k, b[1], 64, 5, 5);
        b[2] = cbn(k, x, 64, 1, 1);
        b[2] = cbn(k, b[2], 96, 3, 3);
        b[2] = cbn(k, b[2], 96, 3, 3);
        b[3] = kx_avgpool(k, NULL, x, 3, 1, SAME);
        b[3] = cbn(k, b[3], 64, 1, 1);
        x = kx_concat(k, "mixed_5b", 4, b);
    }
    for (int block_idx = 1; block_idx <= 10; block_idx++)
        x = inception_resnet_block(k, x, 0.17f, 35, block_idx, 1);

    /* mixed 6a (Reduction-A block): 17 x 17 x 1088 */
    {
        kt b[3];
        b[0] = conv2d_bn(k, x, 384, 3, 3, 2, VALID, 1, 0, NULL);
        b[1] = cbn(k, x, 256, 1, 1);
        b[1] = cbn(k, b[1], 256, 3, 3);
        b[1] = conv2d_bn(k, b[1], 384, 3, 3, 2, VALID, 1, 0, NULL);
        b[2] = kx_maxpool(k, NULL, x, 3, 2, VALID);
        x = kx_concat(k, "mixed_6a", 3, b);
    }
    for (int block_idx = 1; block_idx <= 20; block_idx++)
        x = inception_resnet_block(k, x, 0.1f, 17, block_idx, 1);

    /* mixed 7a (Reduction-B block): 8 x 8 x 2080 */
    {
        kt b[4];
        b[0] = cbn(k, x, 256, 1, 1);
        b[0] = conv2d_bn(k, b[0], 384, 3, 3, 2, VALID, 1, 0, NULL);
        b[1] = cbn(k, x, 256, 1, 1);
        b[1] = conv2d_bn(k, b[1], 288, 3, 3, 2, VALID, 1, 0, NULL);
        b[2] = cbn(k, x, 256, 1, 1);
        b[2] = cbn(k, b[2], 288, 3, 3);
        b[2] = conv2d_bn(k, b[2], 320, 3, 3, 2, VALID, 1, 0, NULL);
        b[3] = kx_maxpool(k, NULL, x, 3, 2, VALID);
        x = kx_concat(k, "mixed_7a", 4, b);
    }
    for (int block_idx = 1; block_idx <= 9; block_idx++)
        x = inception_resnet_block(k, x, 0.2f, 8, block_idx, 1);
    x = inception_resnet_block(k, x, 1.0f, 8, 10, 0);

    x = conv2d_bn(k, x, 1536, 1, 1, 1, SAME, 1, 0, "conv_7b");

    if (top->include_top) {
        x = kx_gap(k, "avg_pool", x);
        x = kx_dense(k, "predictions", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

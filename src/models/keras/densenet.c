/* keras_applications/densenet.py (keras-applications 1.0.8): DenseNet121,
 * 169 and 201.  BatchNormalization epsilon 1.001e-5 throughout. */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

#define EPS 1.001e-5f

static kt conv_block(kx *k, kt x, int growth_rate, const char *name)
{
    char n[64];
#define NAME(s) (snprintf(n, sizeof n, "%s%s", name, s), n)
    kt x1 = kx_bn(k, NAME("_0_bn"), x, EPS, 1);
    x1 = kx_relu(k, NAME("_0_relu"), x1);
    x1 = kx_conv(k, NAME("_1_conv"), x1, 4 * growth_rate, 1, 1, 1, 0, 0);
    x1 = kx_bn(k, NAME("_1_bn"), x1, EPS, 1);
    x1 = kx_relu(k, NAME("_1_relu"), x1);
    x1 = kx_conv(k, NAME("_2_conv"), x1, growth_rate, 3, 3, 1, 1, 0);
    kt xs[2] = {x, x1};
    return kx_concat(k, NAME("_concat"), 2, xs);
}

static kt dense_block(kx *k, kt x, int blocks, const char *name)
{
    char n[64];
    for (int i = 0; i < blocks; i++) {
        snprintf(n, sizeof n, "%s_block%d", name, i + 1);
        x = conv_block(k, x, 32, n);
    }
    return x;
}

static kt transition_block(kx *k, kt x, double reduction, const char *name)
{
    char n[64];
    x = kx_bn(k, NAME("_bn"), x, EPS, 1);
    x = kx_relu(k, NAME("_relu"), x);
    x = kx_conv(k, NAME("_conv"), x, (int)(kx_c(x) * reduction), 1, 1, 1, 0, 0);
    return kx_avgpool(k, NAME("_pool"), x, 2, 2, 0);
#undef NAME
}

/* variant: 121, 169 or 201 */
zb_status keras_densenet(kx *k, int variant, const kx_top *top)
{
    static const int b121[4] = {6, 12, 24, 16}, b169[4] = {6, 12, 32, 32}, b201[4] = {6, 12, 48, 32};
    const int *blocks = variant == 201 ? b201 : variant == 169 ? b169 : b121;
    kt x = kx_input(k);
    x = kx_zeropad(k, NULL, x, 3, 3, 3, 3);
    x = kx_conv(k, "conv1/conv", x, 64, 7, 7, 2, 0, 0);
    x = kx_bn(k, "conv1/bn", x, EPS, 1);
    x = kx_relu(k, "conv1/relu", x);
    x = kx_zeropad(k, NULL, x, 1, 1, 1, 1);
    x = kx_maxpool(k, "pool1", x, 3, 2, 0);
    x = dense_block(k, x, blocks[0], "conv2");
    x = transition_block(k, x, 0.5, "pool2");
    x = dense_block(k, x, blocks[1], "conv3");
    x = transition_block(k, x, 0.5, "pool3");
    x = dense_block(k, x, blocks[2], "conv4");
    x = transition_block(k, x, 0.5, "pool4");
    x = dense_block(k, x, blocks[3], "conv5");
    x = kx_bn(k, "bn", x, EPS, 1);
    x = kx_relu(k, "relu", x);
    if (top->include_top) {
        x = kx_gap(k, "avg_pool", x);
        x = kx_dense(k, "fc1000", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

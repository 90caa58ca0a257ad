/* keras_applications/resnet50.py (keras-applications 1.0.8). */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

static kt identity_block(kx *k, kt input_tensor, int kernel_size, const int filters[3], int stage, char block)
{
    char conv_name_base[32], bn_name_base[32], n[48];
    snprintf(conv_name_base, sizeof conv_name_base, "res%d%c_branch", stage, block);
    snprintf(bn_name_base, sizeof bn_name_base, "bn%d%c_branch", stage, block);
#define NAME(base, s) (snprintf(n, sizeof n, "%s%s", base, s), n)
    kt x = kx_conv(k, NAME(conv_name_base, "2a"), input_tensor, filters[0], 1, 1, 1, 0, 1);
    x = kx_bn(k, NAME(bn_name_base, "2a"), x, 1e-3f, 1);
    x = kx_relu(k, NULL, x);
    x = kx_conv(k, NAME(conv_name_base, "2b"), x, filters[1], kernel_size, kernel_size, 1, 1, 1);
    x = kx_bn(k, NAME(bn_name_base, "2b"), x, 1e-3f, 1);
    x = kx_relu(k, NULL, x);
    x = kx_conv(k, NAME(conv_name_base, "2c"), x, filters[2], 1, 1, 1, 0, 1);
    x = kx_bn(k, NAME(bn_name_base, "2c"), x, 1e-3f, 1);
    x = kx_add(k, NULL, x, input_tensor);
    return kx_relu(k, NULL, x);
}

static kt conv_block(kx *k, kt input_tensor, int kernel_size, const int filters[3], int stage, char block, int strides)
{
    char conv_name_base[32], bn_name_base[32], n[48];
    snprintf(conv_name_base, sizeof conv_name_base, "res%d%c_branch", stage, block);
    snprintf(bn_name_base, sizeof bn_name_base, "bn%d%c_branch", stage, block);
    kt x = kx_conv(k, NAME(conv_name_base, "2a"), input_tensor, filters[0], 1, 1, strides, 0, 1);
    x = kx_bn(k, NAME(bn_name_base, "2a"), x, 1e-3f, 1);
    x = kx_relu(k, NULL, x);
    x = kx_conv(k, NAME(conv_name_base, "2b"), x, filters[1], kernel_size, kernel_size, 1, 1, 1);
    x = kx_bn(k, NAME(bn_name_base, "2b"), x, 1e-3f, 1);
    x = kx_relu(k, NULL, x);
    x = kx_conv(k, NAME(conv_name_base, "2c"), x, filters[2], 1, 1, 1, 0, 1);
    x = kx_bn(k, NAME(bn_name_base, "2c"), x, 1e-3f, 1);
    kt shortcut = kx_conv(k, NAME(conv_name_base, "1"), input_tensor, filters[2], 1, 1, strides, 0, 1);
    shortcut = kx_bn(k, NAME(bn_name_base, "1"), shortcut, 1e-3f, 1);
    x = kx_add(k, NULL, x, shortcut);
    return kx_relu(k, NULL, x);
#undef NAME
}

zb_status keras_resnet50(kx *k, int variant, const kx_top *top)
{
    (void)variant;
    static const int f2[3] = {64, 64, 256}, f3[3] = {128, 128, 512}, f4[3] = {256, 256, 1024},
                     f5[3] = {512, 512, 2048};
    kt x = kx_input(k);
    x = kx_zeropad(k, "conv1_pad", x, 3, 3, 3, 3);
    x = kx_conv(k, "conv1", x, 64, 7, 7, 2, 0, 1);
    x = kx_bn(k, "bn_conv1", x, 1e-3f, 1);
    x = kx_relu(k, NULL, x);
    x = kx_zeropad(k, "pool1_pad", x, 1, 1, 1, 1);
    x = kx_maxpool(k, NULL, x, 3, 2, 0);

    x = conv_block(k, x, 3, f2, 2, 'a', 1);
    x = identity_block(k, x, 3, f2, 2, 'b');
    x = identity_block(k, x, 3, f2, 2, 'c');

    x = conv_block(k, x, 3, f3, 3, 'a', 2);
    for (char b = 'b'; b <= 'd'; b++)
        x = identity_block(k, x, 3, f3, 3, b);

    x = conv_block(k, x, 3, f4, 4, 'a', 2);
    for (char b = 'b'; b <= 'f'; b++)
        x = identity_block(k, x, 3, f4, 4, b);

    x = conv_block(k, x, 3, f5, 5, 'a', 2);
    x = identity_block(k, x, 3, f5, 5, 'b');
    x = identity_block(k, x, 3, f5, 5, 'c');

    if (top->include_top) {
        x = kx_gap(k, "avg_pool", x);
        x = kx_dense(k, "fc1000", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

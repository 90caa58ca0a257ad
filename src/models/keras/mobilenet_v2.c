/* keras_applications/mobilenet_v2.py (keras-applications 1.0.8): alpha 0.35
 * to 1.4. */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

static int make_divisible(double v, int divisor)
{
    int new_v = (int)(v + divisor / 2.0) / divisor * divisor;
    if (new_v < divisor)
        new_v = divisor;
    if (new_v < 0.9 * v)
        new_v += divisor;
    return new_v;
}

static kt inverted_res_block(kx *k, kt inputs, int expansion, int stride, double alpha, int filters, int block_id)
{
    char prefix[32], n[64];
#define NAME(s) (snprintf(n, sizeof n, "%s%s", prefix, s), n)
    int in_channels = kx_c(inputs);
    int pointwise_conv_filters = (int)(filters * alpha);
    int pointwise_filters = make_divisible(pointwise_conv_filters, 8);
    kt x = inputs;
    snprintf(prefix, sizeof prefix, "block_%d_", block_id);
    if (block_id) {
        x = kx_conv(k, NAME("expand"), x, expansion * in_channels, 1, 1, 1, 1, 0);
        x = kx_bn(k, NAME("expand_BN"), x, 1e-3f, 1);
        x = kx_relu6(k, NAME("expand_relu"), x);
    } else {
        snprintf(prefix, sizeof prefix, "expanded_conv_");
    }
    if (stride == 2)
        x = kx_correct_pad(k, NAME("pad"), x, 3);
    x = kx_dwconv(k, NAME("depthwise"), x, 3, stride, stride == 1, 1, 0);
    x = kx_bn(k, NAME("depthwise_BN"), x, 1e-3f, 1);
    x = kx_relu6(k, NAME("depthwise_relu"), x);
    x = kx_conv(k, NAME("project"), x, pointwise_filters, 1, 1, 1, 1, 0);
    x = kx_bn(k, NAME("project_BN"), x, 1e-3f, 1);
    if (in_channels == pointwise_filters && stride == 1)
        return kx_add(k, NAME("add"), inputs, x);
    return x;
#undef NAME
}

/* variant: alpha * 100 */
zb_status keras_mobilenet_v2(kx *k, int variant, const kx_top *top)
{
    static const struct { int filters, stride, expansion; } blocks[17] = {
        {16, 1, 1},  {24, 2, 6},  {24, 1, 6},  {32, 2, 6},  {32, 1, 6},  {32, 1, 6},
        {64, 2, 6},  {64, 1, 6},  {64, 1, 6},  {64, 1, 6},  {96, 1, 6},  {96, 1, 6},
        {96, 1, 6},  {160, 2, 6}, {160, 1, 6}, {160, 1, 6}, {320, 1, 6},
    };
    double alpha = variant / 100.0;
    kt img_input = kx_input(k);
    int first_block_filters = make_divisible(32 * alpha, 8);
    kt x = kx_correct_pad(k, "Conv1_pad", img_input, 3);
    x = kx_conv(k, "Conv1", x, first_block_filters, 3, 3, 2, 0, 0);
    x = kx_bn(k, "bn_Conv1", x, 1e-3f, 1);
    x = kx_relu6(k, "Conv1_relu", x);
    for (int i = 0; i < 17; i++)
        x = inverted_res_block(k, x, blocks[i].expansion, blocks[i].stride, alpha, blocks[i].filters, i);
    int last_block_filters = alpha > 1.0 ? make_divisible(1280 * alpha, 8) : 1280;
    x = kx_conv(k, "Conv_1", x, last_block_filters, 1, 1, 1, 0, 0);
    x = kx_bn(k, "Conv_1_bn", x, 1e-3f, 1);
    x = kx_relu6(k, "out_relu", x);
    if (top->include_top) {
        x = kx_gap(k, NULL, x);
        x = kx_dense(k, "Logits", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

/* keras_applications/nasnet.py (keras-applications 1.0.8): NASNetLarge and
 * NASNetMobile.  BatchNormalization epsilon 1e-3. */
#include <stdio.h>
#include <string.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

#define SAME 1
#define VALID 0
#define EPS 1e-3f

static kt separable_conv_block(kx *k, kt ip, int filters, int kernel_size, int strides, const char *block_id)
{
    char n[96];
#define NAME(fmt) (snprintf(n, sizeof n, fmt, block_id), n)
    kt x = kx_relu(k, NULL, ip);
    int conv_pad = SAME;
    if (strides == 2) {
        x = kx_correct_pad(k, NAME("separable_conv_1_pad_%s"), x, kernel_size);
        conv_pad = VALID;
    }
    x = kx_sepconv(k, NAME("separable_conv_1_%s"), x, filters, kernel_size, strides, conv_pad, 0);
    x = kx_bn(k, NAME("separable_conv_1_bn_%s"), x, EPS, 1);
    x = kx_relu(k, NULL, x);
    x = kx_sepconv(k, NAME("separable_conv_2_%s"), x, filters, kernel_size, 1, SAME, 0);
    x = kx_bn(k, NAME("separable_conv_2_bn_%s"), x, EPS, 1);
    return x;
}

/* p_is_none: Python's p is None */
static kt adjust_block(kx *k, kt p, int p_is_none, kt ip, int filters, const char *block_id)
{
    char n[96];
    if (p_is_none)
        return ip;
    if (p.x && ip.x && p.x->w != ip.x->w) {
        p = kx_relu(k, NAME("adjust_relu_1_%s"), p);
        kt p1 = kx_avgpool(k, NAME("adjust_avg_pool_1_%s"), p, 1, 2, VALID);
        p1 = kx_conv(k, NAME("adjust_conv_1_%s"), p1, filters / 2, 1, 1, 1, SAME, 0);
        kt p2 = kx_zeropad(k, NULL, p, 0, 1, 0, 1);
        p2 = kx_crop(k, NULL, p2, 1, 0, 1, 0);
        p2 = kx_avgpool(k, NAME("adjust_avg_pool_2_%s"), p2, 1, 2, VALID);
        p2 = kx_conv(k, NAME("adjust_conv_2_%s"), p2, filters / 2, 1, 1, 1, SAME, 0);
        kt ps[2] = {p1, p2};
        p = kx_concat(k, NULL, 2, ps);
        p = kx_bn(k, NAME("adjust_bn_%s"), p, EPS, 1);
    } else if (kx_c(p) != filters) {
        p = kx_relu(k, NULL, p);
        p = kx_conv(k, NAME("adjust_conv_projection_%s"), p, filters, 1, 1, 1, SAME, 0);
        p = kx_bn(k, NAME("adjust_bn_%s"), p, EPS, 1);
    }
    return p;
}

/* Returns x; *p_out = ip. */
static kt normal_a_cell(kx *k, kt ip, kt p, int p_is_none, int filters, const char *block_id, kt *p_out)
{
    char n[96], b[96];
#define BID(fmt) (snprintf(b, sizeof b, fmt, block_id), b)
    p = adjust_block(k, p, p_is_none, ip, filters, block_id);
    kt h = kx_relu(k, NULL, ip);
    h = kx_conv(k, NAME("normal_conv_1_%s"), h, filters, 1, 1, 1, SAME, 0);
    h = kx_bn(k, NAME("normal_bn_1_%s"), h, EPS, 1);

    kt x1_1 = separable_conv_block(k, h, filters, 5, 1, BID("normal_left1_%s"));
    kt x1_2 = separable_conv_block(k, p, filters, 3, 1, BID("normal_right1_%s"));
    kt x1 = kx_add(k, NAME("normal_add_1_%s"), x1_1, x1_2);

    kt x2_1 = separable_conv_block(k, p, filters, 5, 1, BID("normal_left2_%s"));
    kt x2_2 = separable_conv_block(k, p, filters, 3, 1, BID("normal_right2_%s"));
    kt x2 = kx_add(k, NAME("normal_add_2_%s"), x2_1, x2_2);

    kt x3 = kx_avgpool(k, NAME("normal_left3_%s"), h, 3, 1, SAME);
    x3 = kx_add(k, NAME("normal_add_3_%s"), x3, p);

    kt x4_1 = kx_avgpool(k, NAME("normal_left4_%s"), p, 3, 1, SAME);
    kt x4_2 = kx_avgpool(k, NAME("normal_right4_%s"), p, 3, 1, SAME);
    kt x4 = kx_add(k, NAME("normal_add_4_%s"), x4_1, x4_2);

    kt x5 = separable_conv_block(k, h, filters, 3, 1, BID("normal_left5_%s"));
    x5 = kx_add(k, NAME("normal_add_5_%s"), x5, h);

    kt xs[6] = {p, x1, x2, x3, x4, x5};
    *p_out = ip;
    return kx_concat(k, NAME("normal_concat_%s"), 6, xs);
}

static kt reduction_a_cell(kx *k, kt ip, kt p, int p_is_none, int filters, const char *block_id, kt *p_out)
{
    char n[96], b[96];
    p = adjust_block(k, p, p_is_none, ip, filters, block_id);
    kt h = kx_relu(k, NULL, ip);
    h = kx_conv(k, NAME("reduction_conv_1_%s"), h, filters, 1, 1, 1, SAME, 0);
    h = kx_bn(k, NAME("reduction_bn_1_%s"), h, EPS, 1);
    kt h3 = kx_correct_pad(k, NAME("reduction_pad_1_%s"), h, 3);

    kt x1_1 = separable_conv_block(k, h, filters, 5, 2, BID("reduction_left1_%s"));
    kt x1_2 = separable_conv_block(k, p, filters, 7, 2, BID("reduction_right1_%s"));
    kt x1 = kx_add(k, NAME("reduction_add_1_%s"), x1_1, x1_2);

    kt x2_1 = kx_maxpool(k, NAME("reduction_left2_%s"), h3, 3, 2, VALID);
    kt x2_2 = separable_conv_block(k, p, filters, 7, 2, BID("reduction_right2_%s"));
    kt x2 = kx_add(k, NAME("reduction_add_2_%s"), x2_1, x2_2);

    kt x3_1 = kx_avgpool(k, NAME("reduction_left3_%s"), h3, 3, 2, VALID);
    kt x3_2 = separable_conv_block(k, p, filters, 5, 2, BID("reduction_right3_%s"));
    kt x3 = kx_add(k, NAME("reduction_add3_%s"), x3_1, x3_2);

    kt x4 = kx_avgpool(k, NAME("reduction_left4_%s"), x1, 3, 1, SAME);
    x4 = kx_add(k, NULL, x2, x4);

    kt x5_1 = separable_conv_block(k, x1, filters, 3, 1, BID("reduction_left4_%s"));
    kt x5_2 = kx_maxpool(k, NAME("reduction_right5_%s"), h3, 3, 2, VALID);
    kt x5 = kx_add(k, NAME("reduction_add4_%s"), x5_1, x5_2);

    kt xs[4] = {x2, x3, x4, x5};
    *p_out = ip;
    return kx_concat(k, NAME("reduction_concat_%s"), 4, xs);
#undef NAME
#undef BID
}

/* variant: 0 NASNetLarge, 1 NASNetMobile */
zb_status keras_nasnet(kx *k, int variant, const kx_top *top)
{
    int penultimate_filters = variant ? 1056 : 4032, num_blocks = variant ? 4 : 6;
    int stem_block_filters = variant ? 32 : 96, skip_reduction = !variant, filter_multiplier = 2;
    int filters = penultimate_filters / 24;
    int fm2 = filter_multiplier * filter_multiplier;
    char id[32];
    kt img_input = kx_input(k);
    kt x = kx_conv(k, "stem_conv1", img_input, stem_block_filters, 3, 3, 2, VALID, 0);
    x = kx_bn(k, "stem_bn1", x, EPS, 1);

    kt p = {NULL, -1}, p0;
    x = reduction_a_cell(k, x, p, 1, filters / fm2, "stem_1", &p);
    x = reduction_a_cell(k, x, p, 0, filters / filter_multiplier, "stem_2", &p);

    for (int i = 0; i < num_blocks; i++) {
        snprintf(id, sizeof id, "%d", i);
        x = normal_a_cell(k, x, p, 0, filters, id, &p);
    }
    snprintf(id, sizeof id, "reduce_%d", num_blocks);
    x = reduction_a_cell(k, x, p, 0, filters * filter_multiplier, id, &p0);
    p = !skip_reduction ? p0 : p;

    for (int i = 0; i < num_blocks; i++) {
        snprintf(id, sizeof id, "%d", num_blocks + i + 1);
        x = normal_a_cell(k, x, p, 0, filters * filter_multiplier, id, &p);
    }
    snprintf(id, sizeof id, "reduce_%d", 2 * num_blocks);
    x = reduction_a_cell(k, x, p, 0, filters * fm2, id, &p0);
    p = !skip_reduction ? p0 : p;

    for (int i = 0; i < num_blocks; i++) {
        snprintf(id, sizeof id, "%d", 2 * num_blocks + i + 1);
        x = normal_a_cell(k, x, p, 0, filters * fm2, id, &p);
    }
    x = kx_relu(k, NULL, x);

    if (top->include_top) {
        x = kx_gap(k, NULL, x);
        x = kx_dense(k, "predictions", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

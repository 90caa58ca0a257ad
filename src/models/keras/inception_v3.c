/* keras_applications/inception_v3.py (keras-applications 1.0.8).
 * BatchNormalization scale=False, epsilon 1e-3. */
#include <stdio.h>

#include "models/keras/keras.h"
#include "models/keras/keras_models.h"

#define SAME 1
#define VALID 0

/* conv2d_bn(x, filters, num_row, num_col, padding, strides), name=None */
static kt conv2d_bn(kx *k, kt x, int filters, int num_row, int num_col, int padding, int strides)
{
    x = kx_conv(k, NULL, x, filters, num_row, num_col, strides, padding, 0);
    x = kx_bn(k, NULL, x, 1e-3f, 0);
    return kx_relu(k, NULL, x);
}

static kt concat(kx *k, const char *name, int n, kt a, kt b, kt c, kt d)
{
    kt xs[4] = {a, b, c, d};
    return kx_concat(k, name, n, xs);
}

zb_status keras_inception_v3(kx *k, int variant, const kx_top *top)
{
    (void)variant;
    char name[16];
    kt img_input = kx_input(k);
    kt x = conv2d_bn(k, img_input, 32, 3, 3, VALID, 2);
    x = conv2d_bn(k, x, 32, 3, 3, VALID, 1);
    x = conv2d_bn(k, x, 64, 3, 3, SAME, 1);
    x = kx_maxpool(k, NULL, x, 3, 2, VALID);
    x = conv2d_bn(k, x, 80, 1, 1, VALID, 1);
    x = conv2d_bn(k, x, 192, 3, 3, VALID, 1);
    x = kx_maxpool(k, NULL, x, 3, 2, VALID);

    /* mixed 0, 1, 2: 35 x 35 x 256, 288, 288 */
    for (int i = 0; i < 3; i++) {
        kt branch1x1 = conv2d_bn(k, x, 64, 1, 1, SAME, 1);
        kt branch5x5 = conv2d_bn(k, x, 48, 1, 1, SAME, 1);
        branch5x5 = conv2d_bn(k, branch5x5, 64, 5, 5, SAME, 1);
        kt branch3x3dbl = conv2d_bn(k, x, 64, 1, 1, SAME, 1);
        branch3x3dbl = conv2d_bn(k, branch3x3dbl, 96, 3, 3, SAME, 1);
        branch3x3dbl = conv2d_bn(k, branch3x3dbl, 96, 3, 3, SAME, 1);
        kt branch_pool = kx_avgpool(k, NULL, x, 3, 1, SAME);
        branch_pool = conv2d_bn(k, branch_pool, i == 0 ? 32 : 64, 1, 1, SAME, 1);
        snprintf(name, sizeof name, "mixed%d", i);
        x = concat(k, name, 4, branch1x1, branch5x5, branch3x3dbl, branch_pool);
    }

    /* mixed 3: 17 x 17 x 768 */
    {
        kt branch3x3 = conv2d_bn(k, x, 384, 3, 3, VALID, 2);
        kt branch3x3dbl = conv2d_bn(k, x, 64, 1, 1, SAME, 1);
        branch3x3dbl = conv2d_bn(k, branch3x3dbl, 96, 3, 3, SAME, 1);
        branch3x3dbl = conv2d_bn(k, branch3x3dbl, 96, 3, 3, VALID, 2);
        kt branch_pool = kx_maxpool(k, NULL, x, 3, 2, VALID);
        x = concat(k, "mixed3", 3, branch3x3, branch3x3dbl, branch_pool, branch_pool);
    }

    /* mixed 4, 5, 6, 7: 17 x 17 x 768 */
    static const int c7[4] = {128, 160, 160, 192};
    for (int i = 0; i < 4; i++) {
        int f = c7[i];
        kt branch1x1 = conv2d_bn(k, x, 192, 1, 1, SAME, 1);
        kt branch7x7 = conv2d_bn(k, x, f, 1, 1, SAME, 1);
        branch7x7 = conv2d_bn(k, branch7x7, f, 1, 7, SAME, 1);
        branch7x7 = conv2d_bn(k, branch7x7, 192, 7, 1, SAME, 1);
        kt branch7x7dbl = conv2d_bn(k, x, f, 1, 1, SAME, 1);
        branch7x7dbl = conv2d_bn(k, branch7x7dbl, f, 7, 1, SAME, 1);
        branch7x7dbl = conv2d_bn(k, branch7x7dbl, f, 1, 7, SAME, 1);
        branch7x7dbl = conv2d_bn(k, branch7x7dbl, f, 7, 1, SAME, 1);
        branch7x7dbl = conv2d_bn(k, branch7x7dbl, 192, 1, 7, SAME, 1);
        kt branch_pool = kx_avgpool(k, NULL, x, 3, 1, SAME);
        branch_pool = conv2d_bn(k, branch_pool, 192, 1, 1, SAME, 1);
        snprintf(name, sizeof name, "mixed%d", 4 + i);
        x = concat(k, name, 4, branch1x1, branch7x7, branch7x7dbl, branch_pool);
    }

    /* mixed 8: 8 x 8 x 1280 */
    {
        kt branch3x3 = conv2d_bn(k, x, 192, 1, 1, SAME, 1);
        branch3x3 = conv2d_bn(k, branch3x3, 320, 3, 3, VALID, 2);
        kt branch7x7x3 = conv2d_bn(k, x, 192, 1, 1, SAME, 1);
        branch7x7x3 = conv2d_bn(k, branch7x7x3, 192, 1, 7, SAME, 1);
        branch7x7x3 = conv2d_bn(k, branch7x7x3, 192, 7, 1, SAME, 1);
        branch7x7x3 = conv2d_bn(k, branch7x7x3, 192, 3, 3, VALID, 2);
        kt branch_pool = kx_maxpool(k, NULL, x, 3, 2, VALID);
        x = concat(k, "mixed8", 3, branch3x3, branch7x7x3, branch_pool, branch_pool);
    }

    /* mixed 9, 10: 8 x 8 x 2048 */
    for (int i = 0; i < 2; i++) {
        kt branch1x1 = conv2d_bn(k, x, 320, 1, 1, SAME, 1);
        kt branch3x3 = conv2d_bn(k, x, 384, 1, 1, SAME, 1);
        kt branch3x3_1 = conv2d_bn(k, branch3x3, 384, 1, 3, SAME, 1);
        kt branch3x3_2 = conv2d_bn(k, branch3x3, 384, 3, 1, SAME, 1);
        snprintf(name, sizeof name, "mixed9_%d", i);
        branch3x3 = concat(k, name, 2, branch3x3_1, branch3x3_2, branch3x3_2, branch3x3_2);
        kt branch3x3dbl = conv2d_bn(k, x, 448, 1, 1, SAME, 1);
        branch3x3dbl = conv2d_bn(k, branch3x3dbl, 384, 3, 3, SAME, 1);
        kt branch3x3dbl_1 = conv2d_bn(k, branch3x3dbl, 384, 1, 3, SAME, 1);
        kt branch3x3dbl_2 = conv2d_bn(k, branch3x3dbl, 384, 3, 1, SAME, 1);
        branch3x3dbl = concat(k, NULL, 2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_2, branch3x3dbl_2);
        kt branch_pool = kx_avgpool(k, NULL, x, 3, 1, SAME);
        branch_pool = conv2d_bn(k, branch_pool, 192, 1, 1, SAME, 1);
        snprintf(name, sizeof name, "mixed%d", 9 + i);
        x = concat(k, name, 4, branch1x1, branch3x3, branch3x3dbl, branch_pool);
    }

    if (top->include_top) {
        x = kx_gap(k, "avg_pool", x);
        x = kx_dense(k, "predictions", x, 1000);
    } else {
        x = kx_pooling(k, x, top);
    }
    return kx_finish(k, x);
}

/* torchvision/models/inception.py (torchvision 0.14): inception_v3 as
 * inception_v3(pretrained=True) builds it: transform_input=True, and the
 * AuxLogits branch, present in the checkpoint, unused at inference. */
#include "models/models.h"
#include "models/torchvision/tv.h"

/* BasicConv2d: conv (no bias), bn (eps 0.001), relu */
static zb_node *basic(tv *n, const char *name, zb_node *x, int cout, int kh, int kw, int stride, int ph, int pw)
{
    tv save = *n;
    tv_scope(n, "%s%s.", save.scope, name);
    x = zb_relu(n->g, tv_bn(n, "bn", tv_conv2(n, "conv", x, cout, kh, kw, stride, ph, pw, 0), 1e-3f));
    *n = save;
    return x;
}
#define conv_block(name, x, cout, k, stride, pad) basic(n, name, x, cout, k, k, stride, pad, pad)

static zb_node *avg_pool_3x3_s1_p1(tv *n, zb_node *x) { return tv_avgpool(n, x, 3, 1, 1); }
static zb_node *cat(tv *n, int k, zb_node **xs) { return zb_concat(n->g, k, xs); }

static zb_node *inception_a(tv *n, const char *name, zb_node *x, int pool_features)
{
    tv_scope(n, "%s.", name);
    zb_node *branch1x1 = conv_block("branch1x1", x, 64, 1, 1, 0);
    zb_node *branch5x5 = conv_block("branch5x5_1", x, 48, 1, 1, 0);
    branch5x5 = conv_block("branch5x5_2", branch5x5, 64, 5, 1, 2);
    zb_node *branch3x3dbl = conv_block("branch3x3dbl_1", x, 64, 1, 1, 0);
    branch3x3dbl = conv_block("branch3x3dbl_2", branch3x3dbl, 96, 3, 1, 1);
    branch3x3dbl = conv_block("branch3x3dbl_3", branch3x3dbl, 96, 3, 1, 1);
    zb_node *branch_pool = conv_block("branch_pool", avg_pool_3x3_s1_p1(n, x), pool_features, 1, 1, 0);
    return cat(n, 4, (zb_node *[]){branch1x1, branch5x5, branch3x3dbl, branch_pool});
}

static zb_node *inception_b(tv *n, const char *name, zb_node *x)
{
    tv_scope(n, "%s.", name);
    zb_node *branch3x3 = conv_block("branch3x3", x, 384, 3, 2, 0);
    zb_node *branch3x3dbl = conv_block("branch3x3dbl_1", x, 64, 1, 1, 0);
    branch3x3dbl = conv_block("branch3x3dbl_2", branch3x3dbl, 96, 3, 1, 1);
    branch3x3dbl = conv_block("branch3x3dbl_3", branch3x3dbl, 96, 3, 2, 0);
    zb_node *branch_pool = tv_maxpool(n, x, 3, 2, 0, 0);
    return cat(n, 3, (zb_node *[]){branch3x3, branch3x3dbl, branch_pool});
}

static zb_node *inception_c(tv *n, const char *name, zb_node *x, int c7)
{
    tv_scope(n, "%s.", name);
    zb_node *branch1x1 = conv_block("branch1x1", x, 192, 1, 1, 0);
    zb_node *branch7x7 = conv_block("branch7x7_1", x, c7, 1, 1, 0);
    branch7x7 = basic(n, "branch7x7_2", branch7x7, c7, 1, 7, 1, 0, 3);
    branch7x7 = basic(n, "branch7x7_3", branch7x7, 192, 7, 1, 1, 3, 0);
    zb_node *branch7x7dbl = conv_block("branch7x7dbl_1", x, c7, 1, 1, 0);
    branch7x7dbl = basic(n, "branch7x7dbl_2", branch7x7dbl, c7, 7, 1, 1, 3, 0);
    branch7x7dbl = basic(n, "branch7x7dbl_3", branch7x7dbl, c7, 1, 7, 1, 0, 3);
    branch7x7dbl = basic(n, "branch7x7dbl_4", branch7x7dbl, c7, 7, 1, 1, 3, 0);
    branch7x7dbl = basic(n, "branch7x7dbl_5", branch7x7dbl, 192, 1, 7, 1, 0, 3);
    zb_node *branch_pool = conv_block("branch_pool", avg_pool_3x3_s1_p1(n, x), 192, 1, 1, 0);
    return cat(n, 4, (zb_node *[]){branch1x1, branch7x7, branch7x7dbl, branch_pool});
}

static zb_node *inception_d(tv *n, const char *name, zb_node *x)
{
    tv_scope(n, "%s.", name);
    zb_node *branch3x3 = conv_block("branch3x3_1", x, 192, 1, 1, 0);
    branch3x3 = conv_block("branch3x3_2", branch3x3, 320, 3, 2, 0);
    zb_node *branch7x7x3 = conv_block("branch7x7x3_1", x, 192, 1, 1, 0);
    branch7x7x3 = basic(n, "branch7x7x3_2", branch7x7x3, 192, 1, 7, 1, 0, 3);
    branch7x7x3 = basic(n, "branch7x7x3_3", branch7x7x3, 192, 7, 1, 1, 3, 0);
    branch7x7x3 = conv_block("branch7x7x3_4", branch7x7x3, 192, 3, 2, 0);
    zb_node *branch_pool = tv_maxpool(n, x, 3, 2, 0, 0);
    return cat(n, 3, (zb_node *[]){branch3x3, branch7x7x3, branch_pool});
}

static zb_node *inception_e(tv *n, const char *name, zb_node *x)
{
    tv_scope(n, "%s.", name);
    zb_node *branch1x1 = conv_block("branch1x1", x, 320, 1, 1, 0);
    zb_node *branch3x3 = conv_block("branch3x3_1", x, 384, 1, 1, 0);
    branch3x3 = cat(n, 2, (zb_node *[]){
        basic(n, "branch3x3_2a", branch3x3, 384, 1, 3, 1, 0, 1),
        basic(n, "branch3x3_2b", branch3x3, 384, 3, 1, 1, 1, 0),
    });
    zb_node *branch3x3dbl = conv_block("branch3x3dbl_1", x, 448, 1, 1, 0);
    branch3x3dbl = conv_block("branch3x3dbl_2", branch3x3dbl, 384, 3, 1, 1);
    branch3x3dbl = cat(n, 2, (zb_node *[]){
        basic(n, "branch3x3dbl_3a", branch3x3dbl, 384, 1, 3, 1, 0, 1),
        basic(n, "branch3x3dbl_3b", branch3x3dbl, 384, 3, 1, 1, 1, 0),
    });
    zb_node *branch_pool = conv_block("branch_pool", avg_pool_3x3_s1_p1(n, x), 192, 1, 1, 0);
    return cat(n, 4, (zb_node *[]){branch1x1, branch3x3, branch3x3dbl, branch_pool});
}

/* Inception3._transform_input: x_ch0 = x[:, 0] * (0.229 / 0.5) + (0.485 - 0.5) / 0.5 ...
 * Python computes the constants in double; torch applies them to float32 in float. */
static zb_node *transform_input(tv *n, zb_node *x)
{
    const float scale[3] = {(float)(0.229 / 0.5), (float)(0.224 / 0.5), (float)(0.225 / 0.5)};
    const float shift[3] = {(float)((0.485 - 0.5) / 0.5), (float)((0.456 - 0.5) / 0.5), (float)((0.406 - 0.5) / 0.5)};
    return zb_affine(n->g, "transform_input", x, scale, shift);
}

zb_status tv_inception_v3(zb_graph *g, int variant, int h, int w)
{
    (void)variant;
    tv net = {g, ""}, *n = &net;
    zb_node *x = zb_input(g, h, w, 3);
    x = transform_input(n, x);
    x = conv_block("Conv2d_1a_3x3", x, 32, 3, 2, 0);
    x = conv_block("Conv2d_2a_3x3", x, 32, 3, 1, 0);
    x = conv_block("Conv2d_2b_3x3", x, 64, 3, 1, 1);
    x = tv_maxpool(n, x, 3, 2, 0, 0);
    x = conv_block("Conv2d_3b_1x1", x, 80, 1, 1, 0);
    x = conv_block("Conv2d_4a_3x3", x, 192, 3, 1, 0);
    x = tv_maxpool(n, x, 3, 2, 0, 0);
    x = inception_a(n, "Mixed_5b", x, 32);
    x = inception_a(n, "Mixed_5c", x, 64);
    x = inception_a(n, "Mixed_5d", x, 64);
    x = inception_b(n, "Mixed_6a", x);
    x = inception_c(n, "Mixed_6b", x, 128);
    x = inception_c(n, "Mixed_6c", x, 160);
    x = inception_c(n, "Mixed_6d", x, 160);
    x = inception_c(n, "Mixed_6e", x, 192);
    /* AuxLogits runs only in training */
    x = inception_d(n, "Mixed_7a", x);
    x = inception_e(n, "Mixed_7b", x);
    x = inception_e(n, "Mixed_7c", x);
    tv_scope(n, "%s", "");
    x = zb_adaptive_avgpool(g, x, 1, 1);
    x = zb_dropout(g, x);
    x = tv_flatten(n, x);
    x = tv_linear(n, "fc", x, 1000);
    zb_graph_ignore_prefix(g, "AuxLogits.");
    zb_graph_ignore_suffix(g, ".num_batches_tracked");
    return zb_graph_status(g);
}

#include "models/torchvision/tv.h"

#include <stdarg.h>
#include <stdio.h>

void tv_scope(tv *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->scope, sizeof n->scope, fmt, ap);
    va_end(ap);
}

/* scope + name + suffix, e.g. "layer1.0." "conv1" ".weight" */
static const char *key(tv *n, char *buf, const char *name, const char *suffix)
{
    int len = snprintf(buf, ZB_KEY_MAX, "%s%s%s", n->scope, name, suffix);
    if (len >= ZB_KEY_MAX)
        zb_graph_fail(n->g, ZB_ERR_LIMIT, "key %s%s%s is too long", n->scope, name, suffix);
    return buf;
}

zb_node *tv_conv2(tv *n, const char *name, zb_node *x, int cout, int kh, int kw, int stride, int ph, int pw, int bias)
{
    char wk[ZB_KEY_MAX], bk[ZB_KEY_MAX], full[ZB_KEY_MAX];
    zb_conv_spec s = {
        .cout = cout, .kh = kh, .kw = kw, .sh = stride, .sw = stride,
        .pt = ph, .pb = ph, .pl = pw, .pr = pw, .bias = bias, .layout = ZB_W_OIHW,
        .wkey = key(n, wk, name, ".weight"), .bkey = key(n, bk, name, ".bias"),
    };
    return zb_conv2d(n->g, key(n, full, name, ""), x, &s);
}

zb_node *tv_conv(tv *n, const char *name, zb_node *x, int cout, int k, int stride, int pad, int bias)
{
    return tv_conv2(n, name, x, cout, k, k, stride, pad, pad, bias);
}

zb_node *tv_bn(tv *n, const char *name, zb_node *x, float eps)
{
    char g[ZB_KEY_MAX], b[ZB_KEY_MAX], m[ZB_KEY_MAX], v[ZB_KEY_MAX], full[ZB_KEY_MAX];
    zb_bn_spec s = {
        .eps = eps,
        .gamma = key(n, g, name, ".weight"), .beta = key(n, b, name, ".bias"),
        .mean = key(n, m, name, ".running_mean"), .var = key(n, v, name, ".running_var"),
    };
    return zb_batchnorm(n->g, key(n, full, name, ""), x, &s);
}

zb_node *tv_linear(tv *n, const char *name, zb_node *x, int out)
{
    char wk[ZB_KEY_MAX], bk[ZB_KEY_MAX], full[ZB_KEY_MAX];
    zb_dense_spec s = {.units = out, .layout = ZB_W_OI, .wkey = key(n, wk, name, ".weight"),
                       .bkey = key(n, bk, name, ".bias")};
    return zb_dense(n->g, key(n, full, name, ""), x, &s);
}

zb_node *tv_maxpool(tv *n, zb_node *x, int k, int stride, int pad, int ceil_mode)
{
    zb_pool_spec s = {.kh = k, .kw = k, .sh = stride, .sw = stride,
                      .pt = pad, .pb = pad, .pl = pad, .pr = pad, .ceil_mode = ceil_mode};
    return zb_maxpool(n->g, x, &s);
}

zb_node *tv_avgpool(tv *n, zb_node *x, int k, int stride, int pad)
{
    zb_pool_spec s = {.kh = k, .kw = k, .sh = stride, .sw = stride,
                      .pt = pad, .pb = pad, .pl = pad, .pr = pad, .count_include_pad = 1};
    return zb_avgpool(n->g, x, &s);
}

zb_node *tv_flatten(tv *n, zb_node *x) { return zb_flatten(n->g, x, ZB_FLATTEN_CHW); }

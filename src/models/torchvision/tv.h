/* Building blocks for the torchvision models: thin wrappers of the graph
 * builders with torch's defaults (OIHW weights, ".weight"/".bias" keys,
 * BatchNorm2d eps 1e-5) and a key scope, so that model code reads like the
 * Python module it mirrors.  Names passed in are checkpoint key prefixes
 * relative to the current scope ("conv1" in scope "layer1.0." binds
 * "layer1.0.conv1.weight"). */
#ifndef ZB_MODELS_TV_H
#define ZB_MODELS_TV_H

#include "core/graph.h"

typedef struct tv {
    zb_graph *g;
    char scope[ZB_KEY_MAX];   /* prefix of every key, e.g. "layer1.0." */
} tv;

/* Sets the key scope (printf-style); "" for the top level. */
void tv_scope(tv *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* nn.Conv2d(cin, cout, k, stride, padding, bias) with square kernel. */
zb_node *tv_conv(tv *n, const char *name, zb_node *x, int cout, int k, int stride, int pad, int bias);
/* nn.Conv2d with kernel (kh, kw) and padding (ph, pw), stride 1 unless given. */
zb_node *tv_conv2(tv *n, const char *name, zb_node *x, int cout, int kh, int kw, int stride, int ph, int pw, int bias);
/* nn.BatchNorm2d(c, eps) */
zb_node *tv_bn(tv *n, const char *name, zb_node *x, float eps);
/* nn.Linear(in, out) */
zb_node *tv_linear(tv *n, const char *name, zb_node *x, int out);
/* nn.MaxPool2d(k, stride, padding, ceil_mode) */
zb_node *tv_maxpool(tv *n, zb_node *x, int k, int stride, int pad, int ceil_mode);
/* nn.AvgPool2d(k, stride, padding), count_include_pad=True as torch defaults */
zb_node *tv_avgpool(tv *n, zb_node *x, int k, int stride, int pad);
/* torch.flatten(x, 1) of an NCHW tensor */
zb_node *tv_flatten(tv *n, zb_node *x);

#endif

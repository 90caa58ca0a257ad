/* torchvision/models/resnet.py (torchvision 0.14): resnet18/34/50/101/152.
 * groups = 1, width_per_group = 64, no dilation, as the pretrained models. */
#include "models/models.h"
#include "models/torchvision/tv.h"

static zb_node *relu(tv *n, zb_node *x) { return zb_relu(n->g, x); }
static zb_node *bn(tv *n, const char *name, zb_node *x) { return tv_bn(n, name, x, 1e-5f); }
static zb_node *conv3x3(tv *n, const char *name, zb_node *x, int cout, int stride)
{
    return tv_conv(n, name, x, cout, 3, stride, 1, 0);
}
static zb_node *conv1x1(tv *n, const char *name, zb_node *x, int cout, int stride)
{
    return tv_conv(n, name, x, cout, 1, stride, 0, 0);
}

/* BasicBlock.forward; `downsample` when stride != 1 or inplanes != planes */
static zb_node *basic_block(tv *n, zb_node *x, int planes, int stride, int downsample)
{
    zb_node *identity = x;
    zb_node *out = relu(n, bn(n, "bn1", conv3x3(n, "conv1", x, planes, stride)));
    out = bn(n, "bn2", conv3x3(n, "conv2", out, planes, 1));
    if (downsample)
        identity = bn(n, "downsample.1", conv1x1(n, "downsample.0", x, planes, stride));
    return relu(n, zb_add(n->g, out, identity));
}

/* Bottleneck.forward (expansion 4; the stride sits on conv2, as in V1.5) */
static zb_node *bottleneck(tv *n, zb_node *x, int planes, int stride, int downsample)
{
    zb_node *identity = x;
    zb_node *out = relu(n, bn(n, "bn1", conv1x1(n, "conv1", x, planes, 1)));
    out = relu(n, bn(n, "bn2", conv3x3(n, "conv2", out, planes, stride)));
    out = bn(n, "bn3", conv1x1(n, "conv3", out, planes * 4, 1));
    if (downsample)
        identity = bn(n, "downsample.1", conv1x1(n, "downsample.0", x, planes * 4, stride));
    return relu(n, zb_add(n->g, out, identity));
}

/* ResNet._make_layer */
static zb_node *make_layer(tv *n, int index, zb_node *x, int bottle, int *inplanes, int planes, int blocks, int stride)
{
    int expansion = bottle ? 4 : 1;
    for (int i = 0; i < blocks; i++) {
        tv_scope(n, "layer%d.%d.", index, i);
        int s = i == 0 ? stride : 1;
        int downsample = i == 0 && (stride != 1 || *inplanes != planes * expansion);
        x = bottle ? bottleneck(n, x, planes, s, downsample) : basic_block(n, x, planes, s, downsample);
        *inplanes = planes * expansion;
    }
    tv_scope(n, "%s", "");
    return x;
}

zb_status tv_resnet(zb_graph *g, int depth, int h, int w)
{
    static const struct { int depth, bottle, layers[4]; } cfg[] = {
        {18, 0, {2, 2, 2, 2}}, {34, 0, {3, 4, 6, 3}}, {50, 1, {3, 4, 6, 3}},
        {101, 1, {3, 4, 23, 3}}, {152, 1, {3, 8, 36, 3}},
    };
    int c = -1;
    for (int i = 0; i < (int)(sizeof cfg / sizeof cfg[0]); i++)
        if (cfg[i].depth == depth)
            c = i;
    if (c < 0) {
        zb_graph_fail(g, ZB_ERR_ARG, "no resnet of depth %d", depth);
        return zb_graph_status(g);
    }
    tv net = {g, ""}, *n = &net;
    int inplanes = 64, bottle = cfg[c].bottle;
    zb_node *x = zb_input(g, h, w, 3);
    x = relu(n, bn(n, "bn1", tv_conv(n, "conv1", x, 64, 7, 2, 3, 0)));
    x = tv_maxpool(n, x, 3, 2, 1, 0);
    x = make_layer(n, 1, x, bottle, &inplanes, 64, cfg[c].layers[0], 1);
    x = make_layer(n, 2, x, bottle, &inplanes, 128, cfg[c].layers[1], 2);
    x = make_layer(n, 3, x, bottle, &inplanes, 256, cfg[c].layers[2], 2);
    x = make_layer(n, 4, x, bottle, &inplanes, 512, cfg[c].layers[3], 2);
    x = zb_adaptive_avgpool(g, x, 1, 1);
    x = tv_flatten(n, x);
    x = tv_linear(n, "fc", x, 1000);
    zb_graph_ignore_suffix(g, ".num_batches_tracked");
    return zb_graph_status(g);
}

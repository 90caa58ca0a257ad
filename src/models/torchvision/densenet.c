/* torchvision/models/densenet.py (torchvision 0.14): densenet121/161/169/201.
 * memory_efficient only changes training; drop_rate is 0. */
#include <stdio.h>
#include <string.h>

#include "models/models.h"
#include "models/torchvision/tv.h"

static zb_node *relu(tv *n, zb_node *x) { return zb_relu(n->g, x); }
static zb_node *bn(tv *n, const char *name, zb_node *x) { return tv_bn(n, name, x, 1e-5f); }

/* _DenseLayer.forward: bn_function (cat, norm1, relu1, conv1), then norm2, relu2, conv2 */
static zb_node *dense_layer(tv *n, int nfeat, zb_node **features, int growth_rate, int bn_size)
{
    zb_node *concated = nfeat == 1 ? features[0] : zb_concat(n->g, nfeat, features);
    zb_node *x = tv_conv(n, "conv1", relu(n, bn(n, "norm1", concated)), bn_size * growth_rate, 1, 1, 0, 0);
    return tv_conv(n, "conv2", relu(n, bn(n, "norm2", x)), growth_rate, 3, 1, 1, 0);
}

/* _DenseBlock.forward */
static zb_node *dense_block(tv *n, int block, zb_node *x, int num_layers, int growth_rate, int bn_size)
{
    zb_node *features[64 + 1] = {x};
    if (num_layers > 64) {
        zb_graph_fail(n->g, ZB_ERR_ARG, "dense block of %d layers", num_layers);
        return NULL;
    }
    for (int i = 0; i < num_layers; i++) {
        tv_scope(n, "features.denseblock%d.denselayer%d.", block, i + 1);
        features[i + 1] = dense_layer(n, i + 1, features, growth_rate, bn_size);
    }
    tv_scope(n, "%s", "");
    return zb_concat(n->g, num_layers + 1, features);
}

/* _Transition: norm, relu, conv, pool */
static zb_node *transition(tv *n, int index, zb_node *x, int cout)
{
    tv_scope(n, "features.transition%d.", index);
    x = tv_conv(n, "conv", relu(n, bn(n, "norm", x)), cout, 1, 1, 0, 0);
    tv_scope(n, "%s", "");
    return tv_avgpool(n, x, 2, 2, 0);
}

/* torchvision's _load_state_dict: old checkpoints name "...denselayerN.norm.1.weight"
 * what the module calls "...denselayerN.norm1.weight"; the pattern is
 * ^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$ */
static int rename_key(const char *key, char *out)
{
    static const char *const mods[] = {"norm", "relu", "conv"};
    static const char *const params[] = {"weight", "bias", "running_mean", "running_var"};
    const char *at = NULL;
    for (const char *p = strstr(key, "denselayer"); p; p = strstr(p + 1, "denselayer"))
        at = p;
    if (!at)
        return 0;
    const char *p = at + strlen("denselayer");
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p++ != '.')
        return 0;
    size_t mlen = 0;
    for (int i = 0; i < 3; i++)
        if (!strncmp(p, mods[i], 4))
            mlen = 4;
    if (!mlen || p[4] != '.' || (p[5] != '1' && p[5] != '2') || p[6] != '.')
        return 0;
    int ok = 0;
    for (int i = 0; i < 4; i++)
        ok |= !strcmp(p + 7, params[i]);
    if (!ok || strlen(key) >= ZB_KEY_MAX)
        return 0;
    size_t head = (size_t)(p - key) + 4; /* through "norm" */
    memcpy(out, key, head);
    strcpy(out + head, p + 5);          /* "1.weight" */
    return 1;
}

zb_status tv_densenet(zb_graph *g, int depth, int h, int w)
{
    static const struct { int depth, growth_rate, blocks[4], num_init_features; } cfg[] = {
        {121, 32, {6, 12, 24, 16}, 64}, {161, 48, {6, 12, 36, 24}, 96},
        {169, 32, {6, 12, 32, 32}, 64}, {201, 32, {6, 12, 48, 32}, 64},
    };
    int c = -1;
    for (int i = 0; i < 4; i++)
        if (cfg[i].depth == depth)
            c = i;
    if (c < 0) {
        zb_graph_fail(g, ZB_ERR_ARG, "no densenet of depth %d", depth);
        return zb_graph_status(g);
    }
    const int bn_size = 4, growth_rate = cfg[c].growth_rate;
    tv net = {g, ""}, *n = &net;
    zb_node *x = zb_input(g, h, w, 3);
    x = relu(n, bn(n, "features.norm0", tv_conv(n, "features.conv0", x, cfg[c].num_init_features, 7, 2, 3, 0)));
    x = tv_maxpool(n, x, 3, 2, 1, 0);
    int num_features = cfg[c].num_init_features;
    for (int i = 0; i < 4; i++) {
        x = dense_block(n, i + 1, x, cfg[c].blocks[i], growth_rate, bn_size);
        num_features += cfg[c].blocks[i] * growth_rate;
        if (i != 3) {
            x = transition(n, i + 1, x, num_features / 2);
            num_features /= 2;
        }
    }
    x = bn(n, "features.norm5", x);
    /* DenseNet.forward: relu, adaptive_avg_pool2d((1, 1)), flatten, classifier */
    x = relu(n, x);
    x = zb_adaptive_avgpool(g, x, 1, 1);
    x = tv_flatten(n, x);
    x = tv_linear(n, "classifier", x, 1000);
    zb_graph_set_rename(g, rename_key);
    zb_graph_ignore_suffix(g, ".num_batches_tracked");
    return zb_graph_status(g);
}

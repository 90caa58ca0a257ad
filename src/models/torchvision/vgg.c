/* torchvision/models/vgg.py (torchvision 0.14): vgg11/13/16/19, with and
 * without batch norm.  Keys follow nn.Sequential indices: "features.<i>". */
#include <stdio.h>

#include "models/models.h"
#include "models/torchvision/tv.h"

/* cfgs; 0 is "M" (max pool) */
static const int cfg_a[] = {64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0, -1};
static const int cfg_b[] = {64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0, -1};
static const int cfg_d[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0, -1};
static const int cfg_e[] = {64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0,
                            512, 512, 512, 512, 0, 512, 512, 512, 512, 0, -1};

/* make_layers: the index i counts every module of the Sequential. */
static zb_node *make_layers(tv *n, zb_node *x, const int *cfg, int batch_norm)
{
    char name[32];
    int i = 0;
    for (const int *v = cfg; *v >= 0; v++) {
        if (*v == 0) {
            x = tv_maxpool(n, x, 2, 2, 0, 0);
            i += 1;
            continue;
        }
        snprintf(name, sizeof name, "features.%d", i);
        x = tv_conv(n, name, x, *v, 3, 1, 1, 1);
        if (batch_norm) {
            snprintf(name, sizeof name, "features.%d", i + 1);
            x = tv_bn(n, name, x, 1e-5f);
        }
        x = zb_relu(n->g, x);
        i += batch_norm ? 3 : 2;
    }
    return x;
}

zb_status tv_vgg(zb_graph *g, int variant, int h, int w)
{
    int depth = variant / 10, batch_norm = variant % 10;
    const int *cfg = depth == 11 ? cfg_a : depth == 13 ? cfg_b : depth == 16 ? cfg_d : depth == 19 ? cfg_e : NULL;
    if (!cfg) {
        zb_graph_fail(g, ZB_ERR_ARG, "no vgg of depth %d", depth);
        return zb_graph_status(g);
    }
    tv net = {g, ""}, *n = &net;
    zb_node *x = zb_input(g, h, w, 3);
    x = make_layers(n, x, cfg, batch_norm);
    x = zb_adaptive_avgpool(g, x, 7, 7);
    x = tv_flatten(n, x);
    x = zb_relu(g, tv_linear(n, "classifier.0", x, 4096));
    x = zb_dropout(g, x);
    x = zb_relu(g, tv_linear(n, "classifier.3", x, 4096));
    x = zb_dropout(g, x);
    x = tv_linear(n, "classifier.6", x, 1000);
    zb_graph_ignore_suffix(g, ".num_batches_tracked");
    return zb_graph_status(g);
}

/* torchvision/models/squeezenet.py (torchvision 0.14): squeezenet1_0, 1_1. */
#include <stdio.h>

#include "models/models.h"
#include "models/torchvision/tv.h"

/* Fire.forward; `index` is its position in self.features */
static zb_node *fire(tv *n, int index, zb_node *x, int squeeze, int e1x1, int e3x3)
{
    tv_scope(n, "features.%d.", index);
    x = zb_relu(n->g, tv_conv(n, "squeeze", x, squeeze, 1, 1, 0, 1));
    zb_node *cat[2] = {
        zb_relu(n->g, tv_conv(n, "expand1x1", x, e1x1, 1, 1, 0, 1)),
        zb_relu(n->g, tv_conv(n, "expand3x3", x, e3x3, 3, 1, 1, 1)),
    };
    tv_scope(n, "%s", "");
    return zb_concat(n->g, 2, cat);
}

zb_status tv_squeezenet(zb_graph *g, int version, int h, int w)
{
    tv net = {g, ""}, *n = &net;
    zb_node *x = zb_input(g, h, w, 3);
    if (version == 10) {
        x = zb_relu(g, tv_conv(n, "features.0", x, 96, 7, 2, 0, 1));
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 3, x, 16, 64, 64);
        x = fire(n, 4, x, 16, 64, 64);
        x = fire(n, 5, x, 32, 128, 128);
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 7, x, 32, 128, 128);
        x = fire(n, 8, x, 48, 192, 192);
        x = fire(n, 9, x, 48, 192, 192);
        x = fire(n, 10, x, 64, 256, 256);
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 12, x, 64, 256, 256);
    } else if (version == 11) {
        x = zb_relu(g, tv_conv(n, "features.0", x, 64, 3, 2, 0, 1));
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 3, x, 16, 64, 64);
        x = fire(n, 4, x, 16, 64, 64);
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 6, x, 32, 128, 128);
        x = fire(n, 7, x, 32, 128, 128);
        x = tv_maxpool(n, x, 3, 2, 0, 1);
        x = fire(n, 9, x, 48, 192, 192);
        x = fire(n, 10, x, 48, 192, 192);
        x = fire(n, 11, x, 64, 256, 256);
        x = fire(n, 12, x, 64, 256, 256);
    } else {
        zb_graph_fail(g, ZB_ERR_ARG, "no squeezenet version %d", version);
        return zb_graph_status(g);
    }
    /* self.classifier: Dropout, final_conv, ReLU, AdaptiveAvgPool2d((1, 1)) */
    x = zb_dropout(g, x);
    x = zb_relu(g, tv_conv(n, "classifier.1", x, 1000, 1, 1, 0, 1));
    x = zb_adaptive_avgpool(g, x, 1, 1);
    x = tv_flatten(n, x);
    return zb_graph_status(g);
}

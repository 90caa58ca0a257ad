/* torchvision/models/alexnet.py (torchvision 0.14). */
#include "models/models.h"
#include "models/torchvision/tv.h"

zb_status tv_alexnet(zb_graph *g, int variant, int h, int w)
{
    (void)variant;
    tv net = {g, ""}, *n = &net;
    zb_node *x = zb_input(g, h, w, 3);
    /* self.features */
    x = zb_relu(g, tv_conv(n, "features.0", x, 64, 11, 4, 2, 1));
    x = tv_maxpool(n, x, 3, 2, 0, 0);
    x = zb_relu(g, tv_conv(n, "features.3", x, 192, 5, 1, 2, 1));
    x = tv_maxpool(n, x, 3, 2, 0, 0);
    x = zb_relu(g, tv_conv(n, "features.6", x, 384, 3, 1, 1, 1));
    x = zb_relu(g, tv_conv(n, "features.8", x, 256, 3, 1, 1, 1));
    x = zb_relu(g, tv_conv(n, "features.10", x, 256, 3, 1, 1, 1));
    x = tv_maxpool(n, x, 3, 2, 0, 0);
    x = zb_adaptive_avgpool(g, x, 6, 6);
    x = tv_flatten(n, x);
    /* self.classifier */
    x = zb_dropout(g, x);
    x = zb_relu(g, tv_linear(n, "classifier.1", x, 4096));
    x = zb_dropout(g, x);
    x = zb_relu(g, tv_linear(n, "classifier.4", x, 4096));
    x = tv_linear(n, "classifier.6", x, 1000);
    return zb_graph_status(g);
}

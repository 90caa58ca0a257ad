/* Model builders: each adds a model's graph, for an input of h x w RGB
 * pixels, to an empty graph and returns zb_graph_status(g).  `variant`
 * selects the family member (depth, config letter ...), as registry.c lists. */
#ifndef ZB_MODELS_MODELS_H
#define ZB_MODELS_MODELS_H

#include "core/graph.h"

typedef zb_status (*zb_build_fn)(zb_graph *g, int variant, int h, int w);

/* torchvision 0.14 (src/models/torchvision/) */
zb_status tv_alexnet(zb_graph *g, int variant, int h, int w);
zb_status tv_vgg(zb_graph *g, int variant, int h, int w);        /* variant: depth * 10 + batch_norm */
zb_status tv_resnet(zb_graph *g, int variant, int h, int w);     /* variant: depth */
zb_status tv_densenet(zb_graph *g, int variant, int h, int w);   /* variant: depth */
zb_status tv_squeezenet(zb_graph *g, int variant, int h, int w); /* variant: 10 or 11 */
zb_status tv_inception_v3(zb_graph *g, int variant, int h, int w);

#endif

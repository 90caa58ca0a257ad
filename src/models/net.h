/* zb_net internals: a built + prepared model.  Tests and other model
 * families create nets from an in-memory weight map. */
#ifndef ZB_MODELS_NET_H
#define ZB_MODELS_NET_H

#include "core/engine.h"
#include "zoobench.h"

struct zb_net {
    const zb_model_info *model;
    zb_graph *g;
    int h, w;
    zb_model_info own_info;  /* models described by their file (keras-json): model points here */
    char **own_classes;      /* owned class names when the file's model is not ImageNet's */
};

/* As zb_net_create, with weights from a map (only read; free it afterwards). */
zb_status zb_net_create_wmap(const char *model, const zb_wmap *w, const zb_net_opts *opts,
                             const zb_prepare_opts *popts, zb_net **out);

#endif

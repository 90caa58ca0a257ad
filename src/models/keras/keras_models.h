/* The keras-applications 1.0.8 families (src/models/keras/) and their glue to
 * the model registry and to weight binding. */
#ifndef ZB_MODELS_KERAS_MODELS_H
#define ZB_MODELS_KERAS_MODELS_H

#include "core/wmap.h"
#include "models/keras/keras.h"

zb_status keras_densenet(kx *k, int variant, const kx_top *top);            /* 121, 169, 201 */
zb_status keras_inception_resnet_v2(kx *k, int variant, const kx_top *top);
zb_status keras_inception_v3(kx *k, int variant, const kx_top *top);
zb_status keras_mobilenet(kx *k, int variant, const kx_top *top);           /* alpha * 100 */
zb_status keras_mobilenet_v2(kx *k, int variant, const kx_top *top);        /* alpha * 100 */
zb_status keras_nasnet(kx *k, int variant, const kx_top *top);              /* 0 large, 1 mobile */
zb_status keras_resnet50(kx *k, int variant, const kx_top *top);
zb_status keras_vgg(kx *k, int variant, const kx_top *top);                 /* 16, 19 */
zb_status keras_xception(kx *k, int variant, const kx_top *top);

/* The registry's build function for every keras/... entry: finds the model by
 * the graph's name (keras_models.def) and builds it. */
zb_status zb_keras_build(zb_graph *g, int variant, int h, int w);

/* Keras load_weights(by_name=False) for model `model` at input h x w: the
 * file's weights (in file order) renamed to the model's keys; *out is new
 * (caller frees).  Errors name the layer and both shapes. */
zb_status zb_keras_bind(const char *model, int h, int w, const zb_wmap *file, zb_wmap **out);

/* Keras save_weights order: the weights of a map keyed by the model's own keys
 * (as zb_graph_random_weights makes) in model.layers order, as a weight file
 * holds them.  *out is new (caller frees).  For tests and tools. */
zb_status zb_keras_save_order(const char *model, int h, int w, const zb_wmap *bykey, zb_wmap **out);

#endif

/* Keras topology interpreter: an engine graph from a Keras model config (the
 * `modelTopology.model_config` of a TF.js model.json, or the `model_config`
 * attribute of a full-model Keras .h5), for the layer types the Keras
 * Applications models use.  Weight keys are "<layer>/<weight>" as TF.js
 * names them: "conv1/kernel", "conv1_bn/moving_mean", "fc/bias". */
#ifndef ZB_MODELS_KERAS_JSON_TOPOLOGY_H
#define ZB_MODELS_KERAS_JSON_TOPOLOGY_H

#include "core/graph.h"
#include "io/json.h"

/* The input shape the config declares: *h, *w are 0 where it leaves them
 * open (None); *c is the channel count. */
zb_status zb_keras_config_input(const char *file, const zb_json *config, int *h, int *w, int *c);

/* Adds the model's layers to the empty graph g for an h x w input.  A softmax
 * that produces the model output (possibly through Reshape/Flatten/Dropout) is
 * left out so that the graph returns logits, as every zoobench net does;
 * *dropped_softmax says whether it was.  Errors name the layer and the
 * unsupported class or option. */
zb_status zb_keras_config_build(zb_graph *g, const char *file, const zb_json *config, int h, int w,
                                int *dropped_softmax);

#endif

/* TF.js Layers models: model.json (topology + weightsManifest) and its binary
 * weight shards (tfjs-core io/io_utils.ts decodeWeights). */
#ifndef ZB_IO_TFJS_H
#define ZB_IO_TFJS_H

#include "core/wmap.h"
#include "io/json.h"

/* Reads `model_json`, then every shard its weightsManifest lists (paths are
 * relative to model.json's directory).  Each group's shards are concatenated
 * and hold the group's weights back to back in manifest order; their total
 * size must equal the manifest's exactly.  float32 weights are read as is;
 * quantized ones (quantization {dtype uint8/uint16, scale, min} or float16)
 * are dequantized as tfjs does: v * scale + min in double, rounded to float.
 * Weight keys are the manifest names ("conv1/kernel").
 *
 * On success *doc is the parsed model.json (caller frees with zb_json_free)
 * and *w the weights (zb_wmap_free); on error both are NULL. */
zb_status zb_tfjs_load(const char *model_json, zb_json **doc, zb_wmap **w);

#endif

/* Building blocks for the keras-applications 1.0.8 models: one call per
 * Keras layer, with Keras 2.2.4's defaults and TensorFlow's semantics
 * ('same' padding with the odd pixel at the bottom/right, 'same' average
 * pooling that excludes the padding, HWIO kernels).
 *
 * Besides the engine graph, a kx records the Keras-level graph: one layer per
 * call, its inputs and its weights, in the order Keras names them
 * ("conv1/kernel:0", "conv1/bias:0").  keras_bind.c turns that into Keras
 * 2.2.4's `model.layers` order to match a weight file by position, as
 * `load_weights(by_name=False)` does.  Layers given a NULL name are named as
 * Keras auto-names them ("conv2d_3", "activation_12"). */
#ifndef ZB_MODELS_KERAS_H
#define ZB_MODELS_KERAS_H

#include "core/graph.h"
#include "core/wmap.h"

/* A Keras tensor: the engine node holding its value and the Keras layer that
 * produced it (identity layers such as Dropout or Reshape share the node). */
typedef struct kt {
    zb_node *x;
    int layer;
} kt;

typedef struct kx_layer {
    char name[96];
    int n_in;
    int *in;                    /* owned: input layer indices */
    int n_w;
    char wkey[ZB_MAX_WEIGHTS][ZB_KEY_MAX];
    int wndim[ZB_MAX_WEIGHTS];
    int64_t wshape[ZB_MAX_WEIGHTS][4];
} kx_layer;

typedef struct kx_count {
    char prefix[32];
    int n;
} kx_count;

typedef struct kx {
    zb_graph *g;
    int h, w;                   /* input size */
    kx_layer *layers;           /* owned */
    int n, cap;
    kx_count counts[32];        /* Keras's per-class auto-name counters */
    int n_counts;
    int out;                    /* output layer */
    int failed;                 /* out of memory */
} kx;

/* Options shared by all families (from the registry). */
typedef struct kx_top {
    int include_top;
    char pooling;               /* 0, 'a'vg or 'm'ax when !include_top */
} kx_top;

typedef zb_status (*kx_build_fn)(kx *k, int variant, const kx_top *top);

void kx_init(kx *k, zb_graph *g, int h, int w);
void kx_free(kx *k);
/* Marks the model output; returns zb_graph_status. */
zb_status kx_finish(kx *k, kt y);

kt kx_input(kx *k);
/* Conv2D(filters, (kh, kw), strides, padding, use_bias); same: 1 for 'same'. */
kt kx_conv(kx *k, const char *name, kt x, int filters, int kh, int kw, int stride, int same, int bias);
/* DepthwiseConv2D(k, strides, padding, depth_multiplier, use_bias) */
kt kx_dwconv(kx *k, const char *name, kt x, int ksize, int stride, int same, int mult, int bias);
/* SeparableConv2D(filters, k, strides, padding, use_bias): depthwise then pointwise. */
kt kx_sepconv(kx *k, const char *name, kt x, int filters, int ksize, int stride, int same, int bias);
/* BatchNormalization(epsilon, scale) on the channel axis (center=True). */
kt kx_bn(kx *k, const char *name, kt x, float eps, int scale);
kt kx_relu(kx *k, const char *name, kt x);      /* Activation('relu') */
kt kx_relu6(kx *k, const char *name, kt x);     /* ReLU(6.) */
kt kx_zeropad(kx *k, const char *name, kt x, int t, int b, int l, int r);
kt kx_crop(kx *k, const char *name, kt x, int t, int b, int l, int r);
kt kx_maxpool(kx *k, const char *name, kt x, int ksize, int stride, int same);
kt kx_avgpool(kx *k, const char *name, kt x, int ksize, int stride, int same);
kt kx_gap(kx *k, const char *name, kt x);       /* GlobalAveragePooling2D: (c) */
kt kx_gmp(kx *k, const char *name, kt x);       /* GlobalMaxPooling2D: (c) */
kt kx_add(kx *k, const char *name, kt a, kt b);
kt kx_concat(kx *k, const char *name, int n, const kt *xs);
/* Lambda(lambda inputs, scale: inputs[0] + inputs[1] * scale)([a, b]) */
kt kx_scaled_add(kx *k, const char *name, kt a, kt b, float scale);
kt kx_flatten(kx *k, const char *name, kt x);
kt kx_dense(kx *k, const char *name, kt x, int units);  /* logits: softmax left out */
/* Layers that are identities at inference: Dropout, Reshape, Activation('softmax')
 * at the very end is left out entirely (the model's logits). */
kt kx_identity(kx *k, const char *cls, const char *name, kt x);
/* A layer's own activation='relu' (no layer of its own). */
static inline kt kx_with_relu(kx *k, kt x) { return (kt){zb_relu(k->g, x.x), x.layer}; }
/* The top used by most families when !include_top: pooling or nothing. */
kt kx_pooling(kx *k, kt x, const kx_top *top);

/* keras_applications.correct_pad + ZeroPadding2D: pads a stride-2 'valid'
 * kernel so it sees what 'same' would, with Keras's even/odd-size rule. */
kt kx_correct_pad(kx *k, const char *name, kt x, int ksize);

/* Spatial size of a tensor. */
static inline int kx_h(kt x) { return x.x ? x.x->h : 0; }
static inline int kx_c(kt x) { return x.x ? x.x->c : 0; }

/* Keras 2.2.4's model.layers order of the recorded layers: indices into
 * k->layers, n entries in *order (owned by the caller, free()).  ZB_ERR_NOMEM. */
zb_status kx_layer_order(const kx *k, int **order);

/* Matches the file's layers with weights (groups of consecutive keys with the
 * same prefix before the last '/', in file order) to the model's layers with
 * weights in model.layers order, as load_weights(by_name=False); checks
 * counts and shapes.  *out is a new map keyed by the model's keys (caller
 * frees).  Errors name the layer and both shapes. */
zb_status kx_bind(const kx *k, const char *model, const zb_wmap *file, zb_wmap **out);

#endif

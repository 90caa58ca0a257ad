/* Keras topology interpreter.  Mirrors keras/layers/{convolutional,
 * normalization,pooling,merge,core}.py (Keras 2.x, channels_last): each layer
 * class becomes the engine ops the hand-written Keras models use. */
#include "models/keras_json/topology.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

#define MAX_INPUTS 64

typedef struct layer_out {
    const char *name;  /* borrowed from the config */
    zb_node *node;
} layer_out;

typedef struct kb {
    zb_graph *g;
    const char *file;
    const char *softmax_layer;  /* the layer whose (final) softmax is left out */
    layer_out *tab;
    int n;
    zb_status st;
} kb;

/* Records the first error; returns NULL for the caller's convenience. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static zb_node *
err(kb *b, zb_status st, const char *fmt, ...)
{
    if (b->st == ZB_OK) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        b->st = zb_error(st, "%s: %s", b->file, msg);
    }
    return NULL;
}

/* ---- config helpers ------------------------------------------------------ */

static int get_int(const zb_json *cfg, const char *key, int dflt, int *out)
{
    const zb_json *v = zb_json_get(cfg, key);
    long long x;
    if (!v || v->type == ZB_JSON_NULL) {
        *out = dflt;
        return 1;
    }
    if (!zb_json_int(v, -100000, 100000, &x))
        return 0;
    *out = (int)x;
    return 1;
}

/* An int or a 2-list ("strides": 2 or [2, 2]). */
static int get_pair(const zb_json *cfg, const char *key, int dflt, int out[2])
{
    const zb_json *v = zb_json_get(cfg, key);
    long long a, c;
    if (!v || v->type == ZB_JSON_NULL) {
        out[0] = out[1] = dflt;
        return 1;
    }
    if (zb_json_int(v, 1, 100000, &a)) {
        out[0] = out[1] = (int)a;
        return 1;
    }
    if (v->type == ZB_JSON_ARR && v->n == 2 && zb_json_int(v->items[0], 1, 100000, &a) &&
        zb_json_int(v->items[1], 1, 100000, &c)) {
        out[0] = (int)a, out[1] = (int)c;
        return 1;
    }
    return 0;
}

static int get_bool(const zb_json *cfg, const char *key, int dflt)
{
    const zb_json *v = zb_json_get(cfg, key);
    return v && v->type == ZB_JSON_BOOL ? (int)v->num : dflt;
}

static const char *get_str(const zb_json *cfg, const char *key, const char *dflt)
{
    const char *s = zb_json_str(zb_json_get(cfg, key));
    return s ? s : dflt;
}

static int check_channels_last(kb *b, const char *name, const zb_json *cfg)
{
    const char *df = get_str(cfg, "data_format", "channels_last");
    if (strcmp(df, "channels_last")) {
        err(b, ZB_ERR_UNSUPPORTED, "layer '%s': data_format '%s' is not supported (channels_last only)", name, df);
        return 0;
    }
    return 1;
}

/* ---- layers -------------------------------------------------------------- */

static zb_node *activation(kb *b, const char *name, zb_node *x, const char *act)
{
    if (!x)
        return NULL;
    if (!strcmp(act, "linear"))
        return x;
    if (!strcmp(act, "relu"))
        return zb_relu(b->g, x);
    if (!strcmp(act, "relu6"))
        return zb_relu6(b->g, x);
    if (!strcmp(act, "softmax"))
        return b->softmax_layer && !strcmp(b->softmax_layer, name) ? x : zb_softmax(b->g, x);
    return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': activation '%s' is not supported (linear, relu, relu6, softmax)",
               name, act);
}

/* Padding for a window: 'valid' or TF 'same'.  Fills t, b, l, r. */
static int window_padding(kb *b, const char *name, const zb_json *cfg, const zb_node *x, const int k[2],
                          const int s[2], const int d[2], int pad[4])
{
    const char *p = get_str(cfg, "padding", "valid");
    if (!strcmp(p, "valid")) {
        pad[0] = pad[1] = pad[2] = pad[3] = 0;
        return 1;
    }
    if (!strcmp(p, "same")) {
        zb_same_padding(x->h, k[0], s[0], d[0], &pad[0], &pad[1]);
        zb_same_padding(x->w, k[1], s[1], d[1], &pad[2], &pad[3]);
        return 1;
    }
    err(b, ZB_ERR_UNSUPPORTED, "layer '%s': padding '%s' is not supported (valid, same)", name, p);
    return 0;
}

/* Conv2D, DepthwiseConv2D and SeparableConv2D. */
static zb_node *conv_layer(kb *b, const char *cls, const char *name, const zb_json *cfg, zb_node *x)
{
    int k[2], s[2], d[2], pad[4], filters = 0, mult = 1, groups = 1;
    int dw = !strcmp(cls, "DepthwiseConv2D"), sep = !strcmp(cls, "SeparableConv2D");
    if (!check_channels_last(b, name, cfg))
        return NULL;
    if (!get_pair(cfg, "kernel_size", 0, k) || k[0] < 1 || !get_pair(cfg, "strides", 1, s) ||
        !get_pair(cfg, "dilation_rate", 1, d) || !get_int(cfg, "filters", 0, &filters) ||
        !get_int(cfg, "depth_multiplier", 1, &mult) || !get_int(cfg, "groups", 1, &groups))
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad kernel_size, strides, dilation_rate, filters or "
                                     "depth_multiplier", name);
    if (groups != 1)
        return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': groups=%d is not supported", name, groups);
    if (!dw && filters < 1)
        return err(b, ZB_ERR_FORMAT, "layer '%s': filters must be positive", name);
    if (mult < 1)
        return err(b, ZB_ERR_FORMAT, "layer '%s': depth_multiplier must be positive", name);
    if (!window_padding(b, name, cfg, x, k, s, d, pad))
        return NULL;
    int bias = get_bool(cfg, "use_bias", 1);
    char wkey[ZB_KEY_MAX], bkey[ZB_KEY_MAX];
    snprintf(bkey, sizeof bkey, "%s/bias", name);
    zb_conv_spec c = {.kh = k[0], .kw = k[1], .sh = s[0], .sw = s[1], .dh = d[0], .dw = d[1],
                      .pt = pad[0], .pb = pad[1], .pl = pad[2], .pr = pad[3], .wkey = wkey};
    if (dw || sep) {
        snprintf(wkey, sizeof wkey, "%s/depthwise_kernel", name);
        c.cout = x->c * mult;
        c.groups = x->c;
        c.layout = ZB_W_HWIM;
        c.bias = dw && bias;
        c.bkey = c.bias ? bkey : NULL;
        x = zb_conv2d(b->g, name, x, &c);
        if (dw || !x)
            return activation(b, name, x, get_str(cfg, "activation", "linear"));
        /* pointwise: a 1x1 conv over the depthwise output, with the bias */
        snprintf(wkey, sizeof wkey, "%s/pointwise_kernel", name);
        c = (zb_conv_spec){.cout = filters, .kh = 1, .kw = 1, .layout = ZB_W_HWIO, .wkey = wkey,
                           .bias = bias, .bkey = bias ? bkey : NULL};
        return activation(b, name, zb_conv2d(b->g, name, x, &c), get_str(cfg, "activation", "linear"));
    }
    snprintf(wkey, sizeof wkey, "%s/kernel", name);
    c.cout = filters;
    c.layout = ZB_W_HWIO;
    c.bias = bias;
    c.bkey = bias ? bkey : NULL;
    return activation(b, name, zb_conv2d(b->g, name, x, &c), get_str(cfg, "activation", "linear"));
}

static zb_node *batchnorm_layer(kb *b, const char *name, const zb_json *cfg, zb_node *x)
{
    const zb_json *axis = zb_json_get(cfg, "axis");
    if (axis && axis->type == ZB_JSON_ARR && axis->n == 1)
        axis = axis->items[0];
    long long ax = -1;
    if (axis && !zb_json_int(axis, -4, 3, &ax))
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad axis", name);
    if (ax != -1 && ax != 3)
        return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': axis=%lld is not supported (the channel axis, -1 or 3)", name,
                   ax);
    const zb_json *eps = zb_json_get(cfg, "epsilon");
    double e = eps && eps->type == ZB_JSON_NUM ? eps->num : 1e-3;
    if (!(e > 0 && e < 1))
        return err(b, ZB_ERR_FORMAT, "layer '%s': epsilon must be in (0, 1)", name);
    char g[ZB_KEY_MAX], be[ZB_KEY_MAX], m[ZB_KEY_MAX], v[ZB_KEY_MAX];
    snprintf(g, sizeof g, "%s/gamma", name);
    snprintf(be, sizeof be, "%s/beta", name);
    snprintf(m, sizeof m, "%s/moving_mean", name);
    snprintf(v, sizeof v, "%s/moving_variance", name);
    zb_bn_spec s = {.eps = (float)e, .gamma = get_bool(cfg, "scale", 1) ? g : NULL,
                    .beta = get_bool(cfg, "center", 1) ? be : NULL, .mean = m, .var = v};
    return zb_batchnorm(b->g, name, x, &s);
}

static zb_node *pool_layer(kb *b, const char *cls, const char *name, const zb_json *cfg, zb_node *x)
{
    int k[2], s[2], one[2] = {1, 1}, pad[4];
    if (!check_channels_last(b, name, cfg))
        return NULL;
    if (!get_pair(cfg, "pool_size", 2, k))
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad pool_size", name);
    if (!get_pair(cfg, "strides", 0, s))
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad strides", name);
    if (!s[0])
        s[0] = k[0], s[1] = k[1];
    if (!window_padding(b, name, cfg, x, k, s, one, pad))
        return NULL;
    /* TF's 'same' pooling ignores the padding: max over real pixels, average
     * divided by the count of real pixels. */
    zb_pool_spec p = {.kh = k[0], .kw = k[1], .sh = s[0], .sw = s[1],
                      .pt = pad[0], .pb = pad[1], .pl = pad[2], .pr = pad[3]};
    return !strcmp(cls, "MaxPooling2D") ? zb_maxpool(b->g, x, &p) : zb_avgpool(b->g, x, &p);
}

/* ZeroPadding2D / Cropping2D amounts: n, [a, b] (symmetric per axis) or
 * [[top, bottom], [left, right]]. */
static int pad_amounts(const zb_json *v, int out[4])
{
    long long a, c, d, e;
    if (!v)
        return 0;
    if (zb_json_int(v, 0, 100000, &a)) {
        out[0] = out[1] = out[2] = out[3] = (int)a;
        return 1;
    }
    if (v->type != ZB_JSON_ARR || v->n != 2)
        return 0;
    if (zb_json_int(v->items[0], 0, 100000, &a) && zb_json_int(v->items[1], 0, 100000, &c)) {
        out[0] = out[1] = (int)a;
        out[2] = out[3] = (int)c;
        return 1;
    }
    const zb_json *h = v->items[0], *w = v->items[1];
    if (h->type == ZB_JSON_ARR && w->type == ZB_JSON_ARR && h->n == 2 && w->n == 2 &&
        zb_json_int(h->items[0], 0, 100000, &a) && zb_json_int(h->items[1], 0, 100000, &c) &&
        zb_json_int(w->items[0], 0, 100000, &d) && zb_json_int(w->items[1], 0, 100000, &e)) {
        out[0] = (int)a, out[1] = (int)c, out[2] = (int)d, out[3] = (int)e;
        return 1;
    }
    return 0;
}

static zb_node *reshape_layer(kb *b, const char *name, const zb_json *cfg, zb_node *x)
{
    const zb_json *t = zb_json_get(cfg, "target_shape");
    if (!t || t->type != ZB_JSON_ARR || t->n < 1 || t->n > 3)
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad target_shape", name);
    long long dims[3], total = 1;
    for (int i = 0; i < t->n; i++) {
        if (!zb_json_int(t->items[i], 1, 1 << 30, &dims[i]))
            return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': target_shape with -1 or 0 is not supported", name);
        total *= dims[i];
    }
    long long have = (long long)x->h * x->w * x->c;
    if (total != have)
        return err(b, ZB_ERR_SHAPE, "layer '%s': cannot reshape %dx%dx%d to %lld values", name, x->h, x->w, x->c,
                   total);
    /* Only the reshapes a classifier head uses: to a vector (a Keras flatten,
     * h, w, c order) or a vector to (1, 1, n). */
    if (t->n == 1)
        return zb_flatten(b->g, x, ZB_FLATTEN_HWC);
    if (t->n == 3 && dims[0] == 1 && dims[1] == 1 && x->h == 1 && x->w == 1)
        return x;
    return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': this Reshape (to %d dimensions from %dx%dx%d) is not supported",
               name, t->n, x->h, x->w, x->c);
}

static zb_node *dense_layer(kb *b, const char *name, const zb_json *cfg, zb_node *x)
{
    int units;
    if (!get_int(cfg, "units", 0, &units) || units < 1)
        return err(b, ZB_ERR_FORMAT, "layer '%s': bad units", name);
    if (x->h != 1 || x->w != 1)
        return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': Dense on a %dx%dx%d input (flatten or pool it first)", name,
                   x->h, x->w, x->c);
    char wkey[ZB_KEY_MAX], bkey[ZB_KEY_MAX];
    snprintf(wkey, sizeof wkey, "%s/kernel", name);
    snprintf(bkey, sizeof bkey, "%s/bias", name);
    zb_dense_spec s = {.units = units, .layout = ZB_W_IO, .wkey = wkey,
                       .bkey = get_bool(cfg, "use_bias", 1) ? bkey : NULL};
    return activation(b, name, zb_dense(b->g, name, x, &s), get_str(cfg, "activation", "linear"));
}

static zb_node *relu_layer(kb *b, const char *name, const zb_json *cfg, zb_node *x)
{
    const zb_json *mv = zb_json_get(cfg, "max_value");
    const zb_json *ns = zb_json_get(cfg, "negative_slope"), *th = zb_json_get(cfg, "threshold");
    if ((ns && !(ns->type == ZB_JSON_NUM && ns->num == 0)) || (th && !(th->type == ZB_JSON_NUM && th->num == 0)))
        return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': ReLU with negative_slope or threshold is not supported", name);
    if (mv && mv->type == ZB_JSON_OBJ) /* Keras 2.2 writes K.cast_to_floatx(6) as {"type": "ndarray", "value": 6.0} */
        mv = zb_json_get(mv, "value");
    if (!mv || mv->type == ZB_JSON_NULL)
        return zb_relu(b->g, x);
    if (mv->type == ZB_JSON_NUM && mv->num == 6)
        return zb_relu6(b->g, x);
    return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': ReLU max_value other than 6 or None is not supported", name);
}

/* One layer applied to its inputs. */
static zb_node *apply(kb *b, const char *cls, const char *name, const zb_json *cfg, int n, zb_node **in)
{
    zb_node *x = in[0];
    int one = n == 1;
    if (!strcmp(cls, "Add") || !strcmp(cls, "Concatenate")) {
        if (n < 2)
            return err(b, ZB_ERR_FORMAT, "layer '%s': %s needs at least 2 inputs", name, cls);
        if (!strcmp(cls, "Concatenate")) {
            int axis;
            if (!get_int(cfg, "axis", -1, &axis) || (axis != -1 && axis != 3))
                return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': Concatenate axis other than -1 or 3", name);
            return zb_concat(b->g, n, in);
        }
        for (int i = 1; i < n; i++)
            x = zb_add(b->g, x, in[i]);
        return x;
    }
    if (!one)
        return err(b, ZB_ERR_FORMAT, "layer '%s': %s takes one input, has %d", name, cls, n);
    if (!strcmp(cls, "Conv2D") || !strcmp(cls, "DepthwiseConv2D") || !strcmp(cls, "SeparableConv2D"))
        return conv_layer(b, cls, name, cfg, x);
    if (!strcmp(cls, "BatchNormalization"))
        return batchnorm_layer(b, name, cfg, x);
    if (!strcmp(cls, "Activation"))
        return activation(b, name, x, get_str(cfg, "activation", "linear"));
    if (!strcmp(cls, "Softmax")) {
        int axis;
        if (!get_int(cfg, "axis", -1, &axis) || axis != -1)
            return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': Softmax axis other than -1", name);
        return activation(b, name, x, "softmax");
    }
    if (!strcmp(cls, "ReLU"))
        return relu_layer(b, name, cfg, x);
    if (!strcmp(cls, "MaxPooling2D") || !strcmp(cls, "AveragePooling2D"))
        return pool_layer(b, cls, name, cfg, x);
    if (!strcmp(cls, "GlobalAveragePooling2D") || !strcmp(cls, "GlobalMaxPooling2D")) {
        if (!check_channels_last(b, name, cfg))
            return NULL;
        if (cls[6] == 'A')
            return zb_global_avgpool(b->g, x);
        zb_pool_spec p = {.kh = x->h, .kw = x->w};
        return zb_maxpool(b->g, x, &p);
    }
    if (!strcmp(cls, "ZeroPadding2D") || !strcmp(cls, "Cropping2D")) {
        int p[4];
        int zero = cls[0] == 'Z';
        if (!check_channels_last(b, name, cfg))
            return NULL;
        if (!pad_amounts(zb_json_get(cfg, zero ? "padding" : "cropping"), p))
            return err(b, ZB_ERR_FORMAT, "layer '%s': bad %s", name, zero ? "padding" : "cropping");
        return zero ? zb_zeropad(b->g, x, p[0], p[1], p[2], p[3]) : zb_crop(b->g, x, p[0], p[1], p[2], p[3]);
    }
    if (!strcmp(cls, "Dense"))
        return dense_layer(b, name, cfg, x);
    if (!strcmp(cls, "Flatten")) {
        if (!check_channels_last(b, name, cfg))
            return NULL;
        return zb_flatten(b->g, x, ZB_FLATTEN_HWC);
    }
    if (!strcmp(cls, "Reshape"))
        return reshape_layer(b, name, cfg, x);
    if (!strcmp(cls, "Dropout") || !strcmp(cls, "SpatialDropout2D"))
        return x;
    if (!strcmp(cls, "Lambda"))
        return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': Lambda layers hold Python code and cannot be interpreted",
                   name);
    return err(b, ZB_ERR_UNSUPPORTED, "layer '%s': layer class '%s' is not supported", name, cls);
}

/* ---- the model ----------------------------------------------------------- */

static const char *layer_name(const zb_json *layer)
{
    const char *n = zb_json_str(zb_json_get(layer, "name"));
    return n ? n : zb_json_str(zb_json_get(zb_json_get(layer, "config"), "name"));
}

/* The layers array of a functional or sequential config; *seq for Sequential. */
static const zb_json *layers_of(const zb_json *config, int *seq)
{
    const char *cls = zb_json_str(zb_json_get(config, "class_name"));
    const zb_json *c = zb_json_get(config, "config");
    *seq = cls && !strcmp(cls, "Sequential");
    if (c && c->type == ZB_JSON_ARR) /* Keras 2.1 Sequential: config is the list */
        return c;
    const zb_json *l = zb_json_get(c, "layers");
    return l && l->type == ZB_JSON_ARR ? l : NULL;
}

static const zb_json *find_layer(const zb_json *layers, const char *name)
{
    for (int i = 0; i < layers->n; i++) {
        const char *n = layer_name(layers->items[i]);
        if (n && !strcmp(n, name))
            return layers->items[i];
    }
    return NULL;
}

/* The name in a [name, node_index, tensor_index, ...] reference. */
static const char *ref_name(const zb_json *ref) { return zb_json_str(zb_json_at(ref, 0)); }

static int check_config(const char *file, const zb_json *config)
{
    const char *cls = zb_json_str(zb_json_get(config, "class_name"));
    if (!cls)
        return zb_error(ZB_ERR_FORMAT, "%s: model config has no class_name", file) == ZB_OK;
    if (strcmp(cls, "Model") && strcmp(cls, "Functional") && strcmp(cls, "Sequential")) {
        zb_error(ZB_ERR_UNSUPPORTED, "%s: model class '%s' is not supported (Model, Functional, Sequential)", file,
                 cls);
        return 0;
    }
    int seq;
    if (!layers_of(config, &seq) || layers_of(config, &seq)->n < 1) {
        zb_error(ZB_ERR_FORMAT, "%s: model config has no layers", file);
        return 0;
    }
    return 1;
}

zb_status zb_keras_config_input(const char *file, const zb_json *config, int *h, int *w, int *c)
{
    *h = *w = *c = 0;
    if (!check_config(file, config))
        return ZB_ERR_FORMAT;
    int seq;
    const zb_json *layers = layers_of(config, &seq), *in = layers->items[0];
    if (!seq) {
        const zb_json *il = zb_json_get(zb_json_get(config, "config"), "input_layers");
        const char *n = ref_name(zb_json_at(il, 0));
        if (!il || il->type != ZB_JSON_ARR || il->n != 1 || !n || !(in = find_layer(layers, n)))
            return zb_error(ZB_ERR_UNSUPPORTED, "%s: the model must have exactly one input layer", file);
    }
    const zb_json *cfg = zb_json_get(in, "config");
    const zb_json *s = zb_json_get(cfg, "batch_input_shape");
    if (!s)
        s = zb_json_get(cfg, "batch_shape");
    if (!s || s->type != ZB_JSON_ARR || s->n != 4)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: input layer '%s' has no 4-D batch_input_shape (an image input)",
                        file, layer_name(in) ? layer_name(in) : "?");
    long long v[3];
    for (int i = 0; i < 3; i++) {
        const zb_json *d = s->items[i + 1];
        if (d->type == ZB_JSON_NULL)
            v[i] = 0;
        else if (!zb_json_int(d, 1, 65536, &v[i]))
            return zb_error(ZB_ERR_FORMAT, "%s: bad batch_input_shape", file);
    }
    if (v[2] == 0)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: the input's channel count is unspecified", file);
    *h = (int)v[0], *w = (int)v[1], *c = (int)v[2];
    return ZB_OK;
}

/* The layer whose softmax produces the output, through Reshape/Flatten/Dropout. */
static const char *final_softmax(const zb_json *layers, const char *out, int seq)
{
    for (int guard = 0; guard < layers->n; guard++) {
        const zb_json *l = seq ? NULL : find_layer(layers, out);
        if (seq) /* walk back through the list */
            l = layers->items[layers->n - 1 - guard];
        if (!l)
            return NULL;
        const char *cls = zb_json_str(zb_json_get(l, "class_name"));
        const zb_json *cfg = zb_json_get(l, "config");
        if (!cls)
            return NULL;
        if (!strcmp(cls, "Softmax") || !strcmp(get_str(cfg, "activation", ""), "softmax"))
            return layer_name(l);
        if (strcmp(cls, "Reshape") && strcmp(cls, "Flatten") && strcmp(cls, "Dropout"))
            return NULL;
        if (!seq) {
            const zb_json *ib = zb_json_at(zb_json_at(zb_json_get(l, "inbound_nodes"), 0), 0);
            if (!(out = ref_name(ib)))
                return NULL;
        }
    }
    return NULL;
}

static zb_node *lookup(kb *b, const char *name)
{
    for (int i = 0; i < b->n; i++)
        if (!strcmp(b->tab[i].name, name))
            return b->tab[i].node;
    return NULL;
}

zb_status zb_keras_config_build(zb_graph *g, const char *file, const zb_json *config, int h, int w,
                                int *dropped_softmax)
{
    *dropped_softmax = 0;
    int ih, iw, ic, seq;
    zb_status st = zb_keras_config_input(file, config, &ih, &iw, &ic);
    if (st != ZB_OK)
        return st;
    if (ic != 3)
        return zb_error(ZB_ERR_UNSUPPORTED, "%s: the input has %d channels; zoobench feeds RGB images (3)", file, ic);
    h = h ? h : ih;
    w = w ? w : iw;
    if (h < 1 || w < 1)
        return zb_error(ZB_ERR_ARG, "%s: the model leaves its input size open; give one", file);
    const zb_json *layers = layers_of(config, &seq);
    const char *out_name = NULL;
    if (!seq) {
        const zb_json *ol = zb_json_get(zb_json_get(config, "config"), "output_layers");
        out_name = ref_name(zb_json_at(ol, 0));
        if (!ol || ol->type != ZB_JSON_ARR || ol->n != 1 || !out_name || !find_layer(layers, out_name))
            return zb_error(ZB_ERR_UNSUPPORTED, "%s: the model must have exactly one output layer", file);
    }
    kb b = {g, file, final_softmax(layers, out_name, seq), calloc((size_t)layers->n + 1, sizeof(layer_out)), 0, ZB_OK};
    if (!b.tab)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", file);
    zb_node *x = zb_input(g, h, w, 3), *prev = x;
    for (int i = 0; i < layers->n && b.st == ZB_OK; i++) {
        const zb_json *l = layers->items[i];
        const char *cls = zb_json_str(zb_json_get(l, "class_name"));
        const char *name = layer_name(l);
        const zb_json *cfg = zb_json_get(l, "config");
        if (!cls || !name || !cfg) {
            err(&b, ZB_ERR_FORMAT, "layer %d has no class_name, name or config", i);
            break;
        }
        if (lookup(&b, name)) {
            err(&b, ZB_ERR_FORMAT, "two layers are named '%s'", name);
            break;
        }
        zb_node *y;
        if (!strcmp(cls, "InputLayer")) {
            y = x;
        } else if (seq) {
            y = apply(&b, cls, name, cfg, 1, &prev);
        } else {
            const zb_json *ib = zb_json_get(l, "inbound_nodes");
            if (!ib || ib->type != ZB_JSON_ARR || ib->n != 1) {
                err(&b, ZB_ERR_UNSUPPORTED, "layer '%s': called %d times (shared layers are not supported)", name,
                    ib && ib->type == ZB_JSON_ARR ? ib->n : 0);
                break;
            }
            const zb_json *refs = ib->items[0];
            if (refs->type != ZB_JSON_ARR || refs->n < 1 || refs->n > MAX_INPUTS) {
                err(&b, ZB_ERR_UNSUPPORTED, "layer '%s': unsupported inbound_nodes format", name);
                break;
            }
            zb_node *in[MAX_INPUTS];
            for (int j = 0; j < refs->n && b.st == ZB_OK; j++) {
                const char *src = ref_name(refs->items[j]);
                long long node_idx = -1, tensor_idx = -1;
                if (!src || !zb_json_int(zb_json_at(refs->items[j], 1), 0, 1000, &node_idx) ||
                    !zb_json_int(zb_json_at(refs->items[j], 2), 0, 1000, &tensor_idx))
                    err(&b, ZB_ERR_FORMAT, "layer '%s': bad inbound reference", name);
                else if (node_idx != 0 || tensor_idx != 0)
                    err(&b, ZB_ERR_UNSUPPORTED, "layer '%s': input '%s' node %lld tensor %lld (shared layers are "
                        "not supported)", name, src, node_idx, tensor_idx);
                else if (!(in[j] = lookup(&b, src)))
                    err(&b, ZB_ERR_FORMAT, "layer '%s': input '%s' is not defined before it", name, src);
            }
            if (b.st != ZB_OK)
                break;
            y = apply(&b, cls, name, cfg, refs->n, in);
        }
        if (b.st == ZB_OK && !y) { /* the graph failed: its message names the op */
            st = zb_graph_status(g);
            err(&b, st != ZB_OK ? st : ZB_ERR_FORMAT, "layer '%s': %s", name, zb_last_error());
            break;
        }
        b.tab[b.n].name = name;
        b.tab[b.n++].node = y;
        prev = y;
    }
    if (b.st == ZB_OK) {
        zb_node *y = seq ? prev : lookup(&b, out_name);
        if (!y)
            err(&b, ZB_ERR_FORMAT, "output layer '%s' is not built", out_name ? out_name : "?");
        else
            zb_graph_set_output(g, y);
        *dropped_softmax = b.softmax_layer != NULL;
    }
    free(b.tab);
    return b.st;
}

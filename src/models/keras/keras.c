/* Keras layer builders (keras.h): Keras 2.2.4 defaults, TensorFlow semantics,
 * and the Keras-level layer graph that keras_bind.c orders. */
#include "models/keras/keras.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

void kx_init(kx *k, zb_graph *g, int h, int w)
{
    memset(k, 0, sizeof *k);
    k->g = g;
    k->h = h;
    k->w = w;
    k->out = -1;
}

void kx_free(kx *k)
{
    for (int i = 0; i < k->n; i++)
        free(k->layers[i].in);
    free(k->layers);
    k->layers = NULL;
    k->n = k->cap = 0;
}

zb_status kx_finish(kx *k, kt y)
{
    if (k->failed && zb_graph_status(k->g) == ZB_OK)
        zb_graph_fail(k->g, ZB_ERR_NOMEM, "%s: out of memory", zb_graph_model(k->g));
    if (y.x)
        zb_graph_set_output(k->g, y.x);
    k->out = y.layer;
    return zb_graph_status(k->g);
}

/* Keras's auto-name: the class's snake-case name and a per-class counter. */
static void autoname(kx *k, const char *cls, char *out, size_t size)
{
    kx_count *c = NULL;
    for (int i = 0; i < k->n_counts; i++)
        if (!strcmp(k->counts[i].prefix, cls))
            c = &k->counts[i];
    if (!c && k->n_counts < (int)(sizeof k->counts / sizeof k->counts[0])) {
        c = &k->counts[k->n_counts++];
        snprintf(c->prefix, sizeof c->prefix, "%s", cls);
    }
    snprintf(out, size, "%s_%d", cls, c ? ++c->n : 0);
}

/* Records a Keras layer with inputs xs; returns its index, -1 on failure. */
static int add_layer(kx *k, const char *cls, const char *name, int n_in, const kt *xs)
{
    if (k->failed)
        return -1;
    for (int i = 0; i < n_in; i++)
        if (xs[i].layer < 0)
            return -1;
    if (k->n == k->cap) {
        int cap = k->cap ? 2 * k->cap : 256;
        kx_layer *l = realloc(k->layers, (size_t)cap * sizeof *l);
        if (!l) {
            k->failed = 1;
            return -1;
        }
        k->layers = l;
        k->cap = cap;
    }
    kx_layer *l = &k->layers[k->n];
    memset(l, 0, sizeof *l);
    if (name)
        snprintf(l->name, sizeof l->name, "%s", name);
    else
        autoname(k, cls, l->name, sizeof l->name);
    if (n_in) {
        l->in = malloc((size_t)n_in * sizeof *l->in);
        if (!l->in) {
            k->failed = 1;
            return -1;
        }
        for (int i = 0; i < n_in; i++)
            l->in[i] = xs[i].layer;
    }
    l->n_in = n_in;
    return k->n++;
}

/* Declares weight "<layer>/<what>:0" of layer li; returns the key. */
static const char *want(kx *k, int li, const char *what, int ndim, const int64_t *shape)
{
    kx_layer *l = &k->layers[li];
    int i = l->n_w++;
    char key[ZB_KEY_MAX];
    snprintf(key, sizeof key, "%s/%s:0", l->name, what);
    memcpy(l->wkey[i], key, sizeof key);
    l->wndim[i] = ndim;
    memcpy(l->wshape[i], shape, (size_t)ndim * sizeof *shape);
    return l->wkey[i];
}

static kt out(int li, zb_node *y) { return (kt){li >= 0 ? y : NULL, y ? li : -1}; }

kt kx_input(kx *k)
{
    int li = add_layer(k, "input", "input_1", 0, NULL);
    return out(li, li >= 0 ? zb_input(k->g, k->h, k->w, 3) : NULL);
}

static void padding(kt x, int kh, int kw, int stride, int same, zb_conv_spec *s)
{
    if (!same || !x.x)
        return;
    zb_same_padding(x.x->h, kh, stride, 1, &s->pt, &s->pb);
    zb_same_padding(x.x->w, kw, stride, 1, &s->pl, &s->pr);
}

kt kx_conv(kx *k, const char *name, kt x, int filters, int kh, int kw, int stride, int same, int bias)
{
    int li = add_layer(k, "conv2d", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    int cin = x.x->c;
    zb_conv_spec s = {.cout = filters, .kh = kh, .kw = kw, .sh = stride, .sw = stride,
                      .bias = bias, .layout = ZB_W_HWIO};
    padding(x, kh, kw, stride, same, &s);
    s.wkey = want(k, li, "kernel", 4, (int64_t[]){kh, kw, cin, filters});
    if (bias)
        s.bkey = want(k, li, "bias", 1, (int64_t[]){filters});
    return out(li, zb_conv2d(k->g, k->layers[li].name, x.x, &s));
}

kt kx_dwconv(kx *k, const char *name, kt x, int ksize, int stride, int same, int mult, int bias)
{
    int li = add_layer(k, "depthwise_conv2d", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    int cin = x.x->c;
    zb_conv_spec s = {.cout = cin * mult, .kh = ksize, .kw = ksize, .sh = stride, .sw = stride,
                      .groups = cin, .bias = bias, .layout = ZB_W_HWIM};
    padding(x, ksize, ksize, stride, same, &s);
    s.wkey = want(k, li, "depthwise_kernel", 4, (int64_t[]){ksize, ksize, cin, mult});
    if (bias)
        s.bkey = want(k, li, "bias", 1, (int64_t[]){cin * mult});
    return out(li, zb_conv2d(k->g, k->layers[li].name, x.x, &s));
}

kt kx_sepconv(kx *k, const char *name, kt x, int filters, int ksize, int stride, int same, int bias)
{
    int li = add_layer(k, "separable_conv2d", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    int cin = x.x->c;
    zb_conv_spec d = {.cout = cin, .kh = ksize, .kw = ksize, .sh = stride, .sw = stride,
                      .groups = cin, .layout = ZB_W_HWIM};
    padding(x, ksize, ksize, stride, same, &d);
    d.wkey = want(k, li, "depthwise_kernel", 4, (int64_t[]){ksize, ksize, cin, 1});
    zb_conv_spec p = {.cout = filters, .kh = 1, .kw = 1, .bias = bias, .layout = ZB_W_HWIO};
    p.wkey = want(k, li, "pointwise_kernel", 4, (int64_t[]){1, 1, cin, filters});
    if (bias)
        p.bkey = want(k, li, "bias", 1, (int64_t[]){filters});
    zb_node *y = zb_conv2d(k->g, k->layers[li].name, x.x, &d);
    return out(li, zb_conv2d(k->g, k->layers[li].name, y, &p));
}

kt kx_bn(kx *k, const char *name, kt x, float eps, int scale)
{
    int li = add_layer(k, "batch_normalization", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    int64_t c[1] = {x.x->c};
    zb_bn_spec s = {.eps = eps};
    if (scale)
        s.gamma = want(k, li, "gamma", 1, c);
    s.beta = want(k, li, "beta", 1, c);
    s.mean = want(k, li, "moving_mean", 1, c);
    s.var = want(k, li, "moving_variance", 1, c);
    return out(li, zb_batchnorm(k->g, k->layers[li].name, x.x, &s));
}

kt kx_relu(kx *k, const char *name, kt x)
{
    int li = add_layer(k, "activation", name, 1, &x);
    return out(li, li >= 0 ? zb_relu(k->g, x.x) : NULL);
}

kt kx_relu6(kx *k, const char *name, kt x)
{
    int li = add_layer(k, "re_lu", name, 1, &x);
    return out(li, li >= 0 ? zb_relu6(k->g, x.x) : NULL);
}

kt kx_zeropad(kx *k, const char *name, kt x, int t, int b, int l, int r)
{
    int li = add_layer(k, "zero_padding2d", name, 1, &x);
    return out(li, li >= 0 ? zb_zeropad(k->g, x.x, t, b, l, r) : NULL);
}

kt kx_crop(kx *k, const char *name, kt x, int t, int b, int l, int r)
{
    int li = add_layer(k, "cropping2d", name, 1, &x);
    return out(li, li >= 0 ? zb_crop(k->g, x.x, t, b, l, r) : NULL);
}

static zb_pool_spec pool_spec(kt x, int ksize, int stride, int same)
{
    zb_pool_spec s = {.kh = ksize, .kw = ksize, .sh = stride, .sw = stride};
    if (same && x.x) {
        zb_same_padding(x.x->h, ksize, stride, 1, &s.pt, &s.pb);
        zb_same_padding(x.x->w, ksize, stride, 1, &s.pl, &s.pr);
    }
    return s;
}

kt kx_maxpool(kx *k, const char *name, kt x, int ksize, int stride, int same)
{
    int li = add_layer(k, "max_pooling2d", name, 1, &x);
    zb_pool_spec s = pool_spec(x, ksize, stride, same);
    return out(li, li >= 0 ? zb_maxpool(k->g, x.x, &s) : NULL);
}

kt kx_avgpool(kx *k, const char *name, kt x, int ksize, int stride, int same)
{
    int li = add_layer(k, "average_pooling2d", name, 1, &x);
    zb_pool_spec s = pool_spec(x, ksize, stride, same);
    return out(li, li >= 0 ? zb_avgpool(k->g, x.x, &s) : NULL);
}

kt kx_gap(kx *k, const char *name, kt x)
{
    int li = add_layer(k, "global_average_pooling2d", name, 1, &x);
    return out(li, li >= 0 ? zb_global_avgpool(k->g, x.x) : NULL);
}

kt kx_gmp(kx *k, const char *name, kt x)
{
    int li = add_layer(k, "global_max_pooling2d", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    zb_pool_spec s = {.kh = x.x->h, .kw = x.x->w, .sh = 1, .sw = 1};
    return out(li, zb_maxpool(k->g, x.x, &s));
}

kt kx_add(kx *k, const char *name, kt a, kt b)
{
    kt xs[2] = {a, b};
    int li = add_layer(k, "add", name, 2, xs);
    return out(li, li >= 0 ? zb_add(k->g, a.x, b.x) : NULL);
}

kt kx_concat(kx *k, const char *name, int n, const kt *xs)
{
    int li = add_layer(k, "concatenate", name, n, xs);
    if (li < 0)
        return out(-1, NULL);
    zb_node *nodes[16];
    if (n > 16) {
        zb_graph_fail(k->g, ZB_ERR_ARG, "%s: too many inputs", k->layers[li].name);
        return out(-1, NULL);
    }
    for (int i = 0; i < n; i++)
        nodes[i] = xs[i].x;
    return out(li, zb_concat(k->g, n, nodes));
}

kt kx_scaled_add(kx *k, const char *name, kt a, kt b, float scale)
{
    kt xs[2] = {a, b};
    int li = add_layer(k, "lambda", name, 2, xs);
    return out(li, li >= 0 ? zb_scaled_add(k->g, a.x, b.x, scale) : NULL);
}

kt kx_flatten(kx *k, const char *name, kt x)
{
    int li = add_layer(k, "flatten", name, 1, &x);
    return out(li, li >= 0 ? zb_flatten(k->g, x.x, ZB_FLATTEN_HWC) : NULL);
}

kt kx_dense(kx *k, const char *name, kt x, int units)
{
    int li = add_layer(k, "dense", name, 1, &x);
    if (li < 0 || !x.x)
        return out(-1, NULL);
    int64_t cin = (int64_t)x.x->h * x.x->w * x.x->c;
    zb_dense_spec s = {.units = units, .layout = ZB_W_IO};
    s.wkey = want(k, li, "kernel", 2, (int64_t[]){cin, units});
    s.bkey = want(k, li, "bias", 1, (int64_t[]){units});
    return out(li, zb_dense(k->g, k->layers[li].name, x.x, &s));
}

kt kx_identity(kx *k, const char *cls, const char *name, kt x)
{
    int li = add_layer(k, cls, name, 1, &x);
    return out(li, li >= 0 ? x.x : NULL);
}

kt kx_pooling(kx *k, kt x, const kx_top *top)
{
    if (top->pooling == 'a')
        return kx_gap(k, NULL, x);
    if (top->pooling == 'm')
        return kx_gmp(k, NULL, x);
    return x;
}

kt kx_correct_pad(kx *k, const char *name, kt x, int ksize)
{
    if (!x.x)
        return out(-1, NULL);
    int adjust_h = 1 - x.x->h % 2, adjust_w = 1 - x.x->w % 2;
    int correct = ksize / 2;
    return kx_zeropad(k, name, x, correct - adjust_h, correct, correct - adjust_w, correct);
}

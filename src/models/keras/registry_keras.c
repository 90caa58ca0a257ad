/* The keras/... models (keras_models.def): building by name, and binding a
 * weight file to a model as Keras's load_weights(by_name=False) does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "models/keras/keras_models.h"

typedef struct kx_entry {
    const char *name;
    kx_build_fn build;
    int variant;
    kx_top top;
} kx_entry;

static const kx_entry entries[] = {
#define KERAS_MODEL(name, size, min, recipe, outputs, family, variant, include_top, pooling) \
    {"keras/" name, family, variant, {include_top, pooling}},
#include "models/keras/keras_models.def"
#undef KERAS_MODEL
};

static const kx_entry *find(const char *name)
{
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (!strcmp(entries[i].name, name))
            return &entries[i];
    return NULL;
}

/* Builds the model into g, keeping the Keras layer table in *k (kx_free it). */
static zb_status build(zb_graph *g, int h, int w, kx *k)
{
    const char *name = zb_graph_model(g);
    const kx_entry *e = find(name);
    kx_init(k, g, h, w);
    if (!e)
        return zb_error(ZB_ERR_ARG, "%s: not a keras model", name);
    return e->build(k, e->variant, &e->top);
}

zb_status zb_keras_build(zb_graph *g, int variant, int h, int w)
{
    (void)variant;
    kx k;
    zb_status st = build(g, h, w, &k);
    kx_free(&k);
    return st;
}

zb_status zb_keras_bind(const char *model, int h, int w, const zb_wmap *file, zb_wmap **out)
{
    *out = NULL;
    zb_graph *g = zb_graph_new(model);
    if (!g)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
    kx k;
    zb_status st = build(g, h, w, &k);
    if (st == ZB_OK)
        st = kx_bind(&k, model, file, out);
    kx_free(&k);
    zb_graph_free(g);
    return st;
}

zb_status zb_keras_save_order(const char *model, int h, int w, const zb_wmap *bykey, zb_wmap **out)
{
    *out = NULL;
    zb_graph *g = zb_graph_new(model);
    if (!g)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
    kx k;
    int *order = NULL;
    zb_wmap *m = NULL;
    zb_status st = build(g, h, w, &k);
    if (st == ZB_OK)
        st = kx_layer_order(&k, &order);
    if (st == ZB_OK && !(m = zb_wmap_new()))
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
    for (int i = 0; st == ZB_OK && i < k.n; i++) {
        const kx_layer *l = &k.layers[order[i]];
        for (int j = 0; st == ZB_OK && j < l->n_w; j++) {
            const zb_weight *x = zb_wmap_find(bykey, l->wkey[j]);
            float *data = x ? malloc((size_t)(x->count ? x->count : 1) * sizeof *data) : NULL;
            if (!x)
                st = zb_error(ZB_ERR_ARG, "%s: no weight '%s'", model, l->wkey[j]);
            else if (!data)
                st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
            else {
                memcpy(data, x->data, (size_t)x->count * sizeof *data);
                st = zb_wmap_add(m, x->name, x->ndim, x->shape, data);
            }
        }
    }
    free(order);
    kx_free(&k);
    zb_graph_free(g);
    if (st != ZB_OK) {
        zb_wmap_free(m);
        return st;
    }
    *out = m;
    return ZB_OK;
}

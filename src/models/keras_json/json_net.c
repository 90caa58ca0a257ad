/* zb_net from a TF.js Layers model.json: topology and weights from the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/h5.h"
#include "io/tfjs.h"
#include "models/classes.h"
#include "models/keras_json/topology.h"
#include "models/net.h"

/* The Keras model config inside a model.json: modelTopology is either the
 * config itself or {"model_config": config, "keras_version": ...}. */
static const zb_json *model_config(const zb_json *doc)
{
    const zb_json *t = zb_json_get(doc, "modelTopology");
    const zb_json *mc = zb_json_get(t, "model_config");
    return mc ? mc : t;
}

int zb_is_model_json(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n >= 5 && !strcmp(path + n - 5, ".json");
}

/* Class names for a k-way output: ImageNet's for 1000, else "class_<i>". */
static zb_status set_classes(zb_net *net, int k, const char *file)
{
    net->own_info.num_classes = k;
    if (k == 1000) {
        net->own_info.classes = zb_imagenet_classes_torchvision;
        return ZB_OK;
    }
    net->own_classes = calloc((size_t)k, sizeof *net->own_classes);
    if (!net->own_classes)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", file);
    for (int i = 0; i < k; i++) {
        net->own_classes[i] = malloc(24);
        if (!net->own_classes[i])
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", file);
        snprintf(net->own_classes[i], 24, "class_%d", i);
    }
    net->own_info.classes = (const char *const *)net->own_classes;
    return ZB_OK;
}

/* A full-model Keras .h5 (model.save): the model_config attribute and the
 * weights, renamed from the file's "<scope>/kernel:0" to "<layer>/kernel" as
 * TF.js names them.  *doc is the parsed config. */
static zb_status load_h5(const char *path, zb_json **doc, zb_wmap **w)
{
    *doc = NULL;
    *w = NULL;
    zb_keras_h5 *k = NULL;
    zb_status st = zb_keras_h5_load(path, &k);
    if (st != ZB_OK)
        return st;
    if (!k->model_config) {
        zb_keras_h5_free(k);
        return zb_error(ZB_ERR_FORMAT, "%s: no model_config attribute (a weights-only file: give -m MODEL)", path);
    }
    st = zb_json_parse(path, k->model_config, strlen(k->model_config), doc);
    zb_wmap *m = st == ZB_OK ? zb_wmap_new() : NULL;
    if (st == ZB_OK && !m)
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", path);
    for (int i = 0; st == ZB_OK && i < k->nlayers; i++) {
        const zb_keras_layer *l = &k->layers[i];
        for (int j = l->first; st == ZB_OK && j < l->first + l->count; j++) {
            zb_weight *src = &k->weights->items[j];
            const char *slash = strrchr(src->name, '/');
            char key[ZB_KEY_MAX];
            int len = snprintf(key, sizeof key, "%s/%s", l->name, slash ? slash + 1 : src->name);
            if (len < 0 || len >= (int)sizeof key) {
                st = zb_error(ZB_ERR_LIMIT, "%s: weight name '%s' is too long", path, src->name);
                break;
            }
            char *colon = strrchr(key, ':');
            if (colon && colon > strrchr(key, '/'))
                *colon = 0;
            st = zb_wmap_add(m, key, src->ndim, src->shape, src->data);
            src->data = NULL; /* the new map owns it now */
        }
    }
    zb_keras_h5_free(k);
    if (st != ZB_OK) {
        zb_wmap_free(m);
        zb_json_free(*doc);
        *doc = NULL;
        return st;
    }
    *w = m;
    return ZB_OK;
}

zb_status zb_net_create_json(const char *model_json, const zb_net_opts *opts, zb_net **out)
{
    *out = NULL;
    zb_net_opts o = opts ? *opts : (zb_net_opts){0};
    zb_json *doc = NULL;
    zb_wmap *w = NULL;
    int h5 = zb_h5_sniff(model_json);
    zb_status st = h5 ? load_h5(model_json, &doc, &w) : zb_tfjs_load(model_json, &doc, &w);
    if (st != ZB_OK)
        return st;
    const zb_json *config = h5 ? doc : model_config(doc);
    zb_net *net = calloc(1, sizeof *net);
    if (!net) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", model_json);
        goto done;
    }
    int ih, iw, ic, dropped;
    st = zb_keras_config_input(model_json, config, &ih, &iw, &ic);
    if (st != ZB_OK)
        goto done;
    net->h = o.height ? o.height : ih ? ih : 224;
    net->w = o.width ? o.width : iw ? iw : 224;
    net->own_info = (zb_model_info){.name = "keras-json", .framework = "keras", .input_size = ih ? ih : 224,
                                    .min_size = 1, .recipe = "keras-tf"};
    net->model = &net->own_info;
    if (!(net->g = zb_graph_new("keras-json"))) {
        st = zb_error(ZB_ERR_NOMEM, "%s: out of memory", model_json);
        goto done;
    }
    st = zb_keras_config_build(net->g, model_json, config, net->h, net->w, &dropped);
    if (st == ZB_OK)
        st = zb_graph_prepare(net->g, w, NULL);
    if (st != ZB_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", zb_last_error());
        if (strncmp(msg, model_json, strlen(model_json)))
            st = zb_error(st, "%s: %s", model_json, msg);
        goto done;
    }
    zb_node *y = zb_graph_output(net->g);
    st = set_classes(net, y->h * y->w * y->c, model_json);
    if (st == ZB_OK)
        zb_graph_set_threads(net->g, o.nthreads);
done:
    zb_wmap_free(w);
    zb_json_free(doc);
    if (st != ZB_OK) {
        zb_net_free(net);
        return st;
    }
    *out = net;
    return ZB_OK;
}

/* zb_net: registry lookup + build + weight loading + prepare, and run. */
#include "models/net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "io/h5.h"
#include "io/pth.h"
#include "models/keras/keras_models.h"
#include "models/registry.h"

/* keras_layers: a Keras .h5 file's layer grouping of w (NULL: by weight-name prefix). */
static zb_status create(const char *model, const zb_wmap *w, const zb_keras_h5 *keras_layers,
                        const zb_net_opts *opts, const zb_prepare_opts *popts, zb_net **out)
{
    *out = NULL;
    zb_net_opts o = opts ? *opts : (zb_net_opts){0};
    const zb_model_info *info = zb_model_find(model);
    if (!info)
        return zb_error(ZB_ERR_ARG, "%s: unknown model", model);
    zb_net *net = calloc(1, sizeof *net);
    if (!net)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", model);
    net->model = info;
    net->h = o.height ? o.height : info->input_size;
    net->w = o.width ? o.width : info->input_size;
    zb_status st = zb_model_build(model, net->h, net->w, &net->g);
    zb_wmap *kw = NULL; /* keras: the file's weights matched by position (models/keras) */
    if (st == ZB_OK && w && !strcmp(info->framework, "keras"))
        st = zb_keras_bind(model, net->h, net->w, w, keras_layers ? keras_layers->layers : NULL,
                           keras_layers ? keras_layers->nlayers : 0, &kw);
    if (st == ZB_OK)
        st = zb_graph_prepare(net->g, kw ? kw : w, popts);
    zb_wmap_free(kw);
    if (st == ZB_OK) {
        zb_node *y = zb_graph_output(net->g);
        if (y->h * y->w * y->c != info->num_classes)
            st = zb_error(ZB_ERR_SHAPE, "%s: output has %d values, expected %d classes", model, y->h * y->w * y->c,
                          info->num_classes);
    }
    if (st != ZB_OK) {
        zb_net_free(net);
        return st;
    }
    zb_graph_set_threads(net->g, o.nthreads);
    *out = net;
    return ZB_OK;
}

zb_status zb_net_create_wmap(const char *model, const zb_wmap *w, const zb_net_opts *opts,
                             const zb_prepare_opts *popts, zb_net **out)
{
    return create(model, w, NULL, opts, popts, out);
}

zb_status zb_net_create(const char *model, const char *weights, const zb_net_opts *opts, zb_net **out)
{
    *out = NULL;
    if (!zb_model_find(model))
        return zb_error(ZB_ERR_ARG, "%s: unknown model (see 'zoobench run --list')", model);
    FILE *f = fopen(weights, "rb");
    if (!f)
        return zb_error(ZB_ERR_IO, "%s: cannot open", weights);
    fclose(f);
    zb_wmap *w = NULL;
    zb_pth_opts po = {.unwrap = opts ? opts->unwrap : 0};
    zb_keras_h5 *kh = NULL; /* keras .h5: its layer grouping too, for by_name=False matching */
    int keras = zb_h5_sniff(weights) && !strcmp(zb_model_find(model)->framework, "keras");
    zb_status st = keras ? zb_keras_h5_load(weights, &kh)
                   : zb_h5_sniff(weights) ? zb_h5_load_wmap(weights, &w) : zb_pth_load(weights, &po, &w);
    if (st != ZB_OK)
        return st;
    st = create(model, kh ? kh->weights : w, kh, opts, NULL, out);
    zb_wmap_free(w);
    zb_keras_h5_free(kh);
    if (st != ZB_OK) {
        /* prefix the weight file: "<file>: <model>: key ..." */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", zb_last_error());
        zb_error(st, "%s: %s", weights, msg);
    }
    return st;
}

const zb_model_info *zb_net_model(const zb_net *net) { return net->model; }

void zb_net_input_size(const zb_net *net, int *height, int *width)
{
    *height = net->h;
    *width = net->w;
}

zb_status zb_net_run(zb_net *net, const float *x, int batch, float *logits)
{
    return zb_graph_run(net->g, x, batch, logits);
}

void zb_net_free(zb_net *net)
{
    if (!net)
        return;
    zb_graph_free(net->g);
    for (int i = 0; net->own_classes && i < net->own_info.num_classes; i++)
        free(net->own_classes[i]);
    free(net->own_classes);
    free(net);
}

void zb_softmax_rows(const float *logits, int rows, int cols, float *probs)
{
    for (int r = 0; r < rows; r++) {
        const float *x = logits + (size_t)r * cols;
        float *y = probs + (size_t)r * cols;
        float m = x[0];
        for (int i = 1; i < cols; i++)
            m = x[i] > m ? x[i] : m;
        float s = 0.0f;
        for (int i = 0; i < cols; i++) {
            y[i] = expf(x[i] - m);
            s += y[i];
        }
        for (int i = 0; i < cols; i++)
            y[i] = y[i] / s;
    }
}

void zb_topk(const float *v, int n, int k, int *idx)
{
    if (k > n)
        k = n;
    for (int j = 0; j < k; j++) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            int taken = 0;
            for (int t = 0; t < j; t++)
                taken |= idx[t] == i;
            if (!taken && (best < 0 || v[i] > v[best]))
                best = i;
        }
        idx[j] = best;
    }
}

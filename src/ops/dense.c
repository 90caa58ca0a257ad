/* dense (torch Linear, keras Dense), flatten and dropout.
 *
 * Flatten is a reshape: NHWC memory already is the (h, w, c) feature order
 * keras flattens in, so it only relabels the shape.  torch flattens NCHW, in
 * (c, h, w) order; instead of moving activations, the dense layer after a
 * torch flatten permutes its weight columns once at prepare. */
#include <stdlib.h>

#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_flatten(zb_graph *g, zb_node *x, zb_flatten_order order)
{
    zb_node *y = zb_graph_add_node(g, ZB_OP_FLATTEN, "flatten", 1, &x);
    if (!y)
        return NULL;
    y->h = 1, y->w = 1, y->c = x->h * x->w * x->c;
    y->p.flatten.order = order;
    return y;
}

zb_node *zb_dropout(zb_graph *g, zb_node *x)
{
    (void)g;
    return x;
}

zb_node *zb_dense(zb_graph *g, const char *name, zb_node *x, const zb_dense_spec *s)
{
    if (!x)
        return NULL;
    if (s->units < 1 || !s->wkey || (s->layout != ZB_W_OI && s->layout != ZB_W_IO)) {
        zb_graph_fail(g, ZB_ERR_ARG, "%s: invalid dense parameters", name);
        return NULL;
    }
    if (x->h != 1 || x->w != 1) {
        zb_graph_fail(g, ZB_ERR_SHAPE, "%s: input is (%d, %d, %d); flatten it first", name, x->h, x->w, x->c);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_DENSE, name, 1, &x);
    if (!y)
        return NULL;
    y->h = 1, y->w = 1, y->c = s->units;
    if (s->layout == ZB_W_OI)
        zb_node_want(g, y, s->wkey, 2, (int64_t[]){s->units, x->c});
    else
        zb_node_want(g, y, s->wkey, 2, (int64_t[]){x->c, s->units});
    if (s->bkey)
        zb_node_want(g, y, s->bkey, 1, (int64_t[]){s->units});
    y->p.dense = *s;
    y->p.dense.wkey = y->p.dense.bkey = NULL; /* the keys live in y->wt */
    return y;
}

zb_status zb_dense_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    const int in = k->ic, out = k->oc;
    /* Feature order of the input as the checkpoint sees it. */
    const zb_node *src = x->in[0];
    int fh = 1, fw = 1, fc = in, chw = 0;
    if (src->op == ZB_OP_FLATTEN && src->p.flatten.order == ZB_FLATTEN_CHW) {
        fh = src->in[0]->h, fw = src->in[0]->w, fc = src->in[0]->c;
        chw = fh * fw > 1;
    }
    const float *w = x->wt[0].data;
    float *canon = malloc((size_t)in * out * sizeof *canon); /* (out, in) with in in NHWC order */
    if (!canon)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
    for (int o = 0; o < out; o++)
        for (int i = 0; i < in; i++) {
            int j = i; /* checkpoint's feature index of NHWC feature i */
            if (chw) {
                int c = i % fc, p = i / fc; /* p = y * fw + x */
                j = c * fh * fw + p;
            }
            canon[(size_t)o * in + i] = x->p.dense.layout == ZB_W_OI ? w[(size_t)o * in + j] : w[(size_t)j * out + o];
        }
    if (x->n_wt > 1) { /* bias */
        k->bias = malloc((size_t)out * sizeof *k->bias);
        if (!k->bias) {
            free(canon);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
        }
        for (int o = 0; o < out; o++)
            k->bias[o] = x->wt[1].data[o];
    }
    /* The kernel reads the flattened input as a (1, 1, in) image. */
    k->ih = 1, k->iw = 1, k->ic = in;
    zb_status st = zb_kdesc_bind(x, ZB_K_DENSE, canon);
    free(canon);
    return st;
}

/* The op table: for each zb_op_kind, its name and its prepare step.  Each op
 * lives in src/ops/<op>.c with its builder (shape inference, weights it needs)
 * and its prepare (weights converted to canonical form, kernel chosen, packed).
 * When prepare runs, each x->w[i].data points at the bound checkpoint tensor. */
#ifndef ZB_OPS_OPS_H
#define ZB_OPS_OPS_H

#include "core/graph.h"

typedef struct zb_op_def {
    const char *name;
    zb_status (*prepare)(zb_graph *g, zb_node *x);  /* NULL: nothing to prepare */
} zb_op_def;

extern const zb_op_def zb_op_defs[ZB_OP_COUNT];

zb_status zb_conv2d_prepare(zb_graph *g, zb_node *x);
zb_status zb_batchnorm_prepare(zb_graph *g, zb_node *x);
zb_status zb_affine_prepare(zb_graph *g, zb_node *x);
zb_status zb_act_prepare(zb_graph *g, zb_node *x);
zb_status zb_pool_prepare(zb_graph *g, zb_node *x);
zb_status zb_concat_prepare(zb_graph *g, zb_node *x);
zb_status zb_add_prepare(zb_graph *g, zb_node *x);
zb_status zb_dense_prepare(zb_graph *g, zb_node *x);
zb_status zb_pad_prepare(zb_graph *g, zb_node *x);
zb_status zb_softmax_prepare(zb_graph *g, zb_node *x);

/* Sets the descriptor's input (first input) and output shapes from the node. */
static inline void zb_kdesc_shapes(zb_kdesc *k, const zb_node *x)
{
    if (x->n_in) {
        k->ih = x->in[0]->h;
        k->iw = x->in[0]->w;
        k->ic = x->in[0]->c;
    }
    k->oh = x->h;
    k->ow = x->w;
    k->oc = x->c;
}

/* Chooses the kernel for op and packs `canonical` weights when it has any. */
zb_status zb_kdesc_bind(zb_node *x, zb_kop op, const float *canonical);

#endif

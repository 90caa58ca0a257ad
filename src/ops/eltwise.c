/* Element-wise ops: relu, relu6, and a constant per-channel affine
 * (inception_v3's transform_input).  A relu that follows a layer feeding
 * nothing else becomes that layer's epilogue (engine.c). */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "ops/ops.h"

static zb_node *act(zb_graph *g, zb_node *x, zb_op_kind op, const char *name)
{
    zb_node *y = zb_graph_add_node(g, op, name, 1, &x);
    if (!y)
        return NULL;
    y->h = x->h, y->w = x->w, y->c = x->c;
    return y;
}

zb_node *zb_relu(zb_graph *g, zb_node *x) { return act(g, x, ZB_OP_RELU, "relu"); }
zb_node *zb_relu6(zb_graph *g, zb_node *x) { return act(g, x, ZB_OP_RELU6, "relu6"); }

zb_node *zb_affine(zb_graph *g, const char *name, zb_node *x, const float *scale, const float *shift)
{
    zb_node *y = act(g, x, ZB_OP_AFFINE, name);
    if (!y)
        return NULL;
    size_t n = (size_t)x->c * sizeof(float);
    y->p.affine.scale = malloc(n);
    y->p.affine.shift = malloc(n);
    if (!y->p.affine.scale || !y->p.affine.shift) {
        zb_graph_fail(g, ZB_ERR_NOMEM, "out of memory");
        return NULL;
    }
    memcpy(y->p.affine.scale, scale, n);
    memcpy(y->p.affine.shift, shift, n);
    return y;
}

zb_status zb_act_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc_shapes(&x->k, x);
    x->k.act = x->op == ZB_OP_RELU ? ZB_ACT_RELU : ZB_ACT_RELU6;
    return zb_kdesc_bind(x, ZB_K_ELTWISE, NULL);
}

zb_status zb_affine_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    size_t n = (size_t)x->c * sizeof(float);
    k->scale = malloc(n);
    k->shift = malloc(n);
    if (!k->scale || !k->shift)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
    memcpy(k->scale, x->p.affine.scale, n);
    memcpy(k->shift, x->p.affine.shift, n);
    return zb_kdesc_bind(x, ZB_K_ELTWISE, NULL);
}

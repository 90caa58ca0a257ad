/* softmax over channels (a classifier's last axis). */
#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_softmax(zb_graph *g, zb_node *x)
{
    zb_node *y = zb_graph_add_node(g, ZB_OP_SOFTMAX, "softmax", 1, &x);
    if (!y)
        return NULL;
    y->h = x->h, y->w = x->w, y->c = x->c;
    return y;
}

zb_status zb_softmax_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc_shapes(&x->k, x);
    return zb_kdesc_bind(x, ZB_K_SOFTMAX, NULL);
}

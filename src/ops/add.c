/* add and scaled add: y = a + scale * b (InceptionResNetV2's residuals use
 * scale != 1; with scale 1, b is added unscaled). */
#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_scaled_add(zb_graph *g, zb_node *a, zb_node *b, float scale)
{
    if (!a || !b)
        return NULL;
    if (a->h != b->h || a->w != b->w || a->c != b->c) {
        zb_graph_fail(g, ZB_ERR_SHAPE, "add: shapes (%d, %d, %d) and (%d, %d, %d) differ", a->h, a->w, a->c,
                      b->h, b->w, b->c);
        return NULL;
    }
    zb_node *in[2] = {a, b};
    zb_node *y = zb_graph_add_node(g, ZB_OP_ADD, "add", 2, in);
    if (!y)
        return NULL;
    y->h = a->h, y->w = a->w, y->c = a->c;
    y->p.add.scale = scale;
    return y;
}

zb_node *zb_add(zb_graph *g, zb_node *a, zb_node *b) { return zb_scaled_add(g, a, b, 1.0f); }

zb_status zb_add_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc_shapes(&x->k, x);
    x->k.alpha = x->p.add.scale;
    return zb_kdesc_bind(x, ZB_K_ADD, NULL);
}

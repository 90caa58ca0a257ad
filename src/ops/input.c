/* The graph input: one NHWC image of (h, w, c) per batch item. */
#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_input(zb_graph *g, int h, int w, int c)
{
    if (h < 1 || w < 1 || c < 1) {
        zb_graph_fail(g, ZB_ERR_ARG, "invalid input shape (%d, %d, %d)", h, w, c);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_INPUT, "input", 0, NULL);
    if (!y)
        return NULL;
    y->h = h, y->w = w, y->c = c;
    return y;
}

/* concat along channels (torch.cat(dim=1) in NCHW, keras axis=-1). */
#include <stdlib.h>

#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_concat(zb_graph *g, int n, zb_node *const *xs)
{
    if (n < 1) {
        zb_graph_fail(g, ZB_ERR_ARG, "concat: no inputs");
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_CONCAT, "concat", n, xs);
    if (!y)
        return NULL;
    y->h = xs[0]->h, y->w = xs[0]->w;
    for (int i = 0; i < n; i++) {
        if (xs[i]->h != y->h || xs[i]->w != y->w) {
            zb_graph_fail(g, ZB_ERR_SHAPE, "concat: input %d is %dx%d, input 0 is %dx%d", i, xs[i]->h, xs[i]->w,
                          y->h, y->w);
            return NULL;
        }
        y->c += xs[i]->c;
    }
    return y;
}

zb_status zb_concat_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc_shapes(&x->k, x);
    int *c = malloc((size_t)x->n_in * sizeof *c);
    if (!c)
        return zb_error(ZB_ERR_NOMEM, "concat: out of memory");
    for (int i = 0; i < x->n_in; i++)
        c[i] = x->in[i]->c;
    x->k.in_c = c;
    x->k.n_in = x->n_in;
    return zb_kdesc_bind(x, ZB_K_CONCAT, NULL);
}

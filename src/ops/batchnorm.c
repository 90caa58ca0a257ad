/* batchnorm at inference, per-channel, as torch and keras compute it:
 *     alpha = gamma * (1 / sqrt(var + eps)),  beta' = beta - mean * alpha
 *     y = x * alpha + beta'
 * gamma and beta are optional (keras scale=False / center=False).  When it
 * follows a conv or dense that feeds nothing else, the engine applies it as
 * that layer's epilogue (engine.c); otherwise it runs on its own. */
#include <math.h>
#include <stdlib.h>

#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_batchnorm(zb_graph *g, const char *name, zb_node *x, const zb_bn_spec *s)
{
    if (!x)
        return NULL;
    if (!s->mean || !s->var || !(s->eps >= 0.0f)) {
        zb_graph_fail(g, ZB_ERR_ARG, "%s: invalid batchnorm parameters", name);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_BATCHNORM, name, 1, &x);
    if (!y)
        return NULL;
    y->h = x->h, y->w = x->w, y->c = x->c;
    int64_t shape[1] = {x->c};
    /* w[] order: mean, var, then gamma and beta when present */
    zb_node_want(g, y, s->mean, 1, shape);
    zb_node_want(g, y, s->var, 1, shape);
    y->p.bn.eps = s->eps;
    y->p.bn.gamma = s->gamma != NULL;
    y->p.bn.beta = s->beta != NULL;
    if (s->gamma)
        zb_node_want(g, y, s->gamma, 1, shape);
    if (s->beta)
        zb_node_want(g, y, s->beta, 1, shape);
    return y;
}

zb_status zb_batchnorm_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    const float *mean = x->wt[0].data, *var = x->wt[1].data;
    int i = 2;
    const float *gamma = x->p.bn.gamma ? x->wt[i++].data : NULL;
    const float *beta = x->p.bn.beta ? x->wt[i++].data : NULL;
    k->scale = malloc((size_t)x->c * sizeof *k->scale);
    k->shift = malloc((size_t)x->c * sizeof *k->shift);
    if (!k->scale || !k->shift)
        return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
    const float eps = x->p.bn.eps;
    for (int c = 0; c < x->c; c++) {
        float invstd = 1.0f / sqrtf(var[c] + eps);
        float alpha = gamma ? invstd * gamma[c] : invstd;
        k->scale[c] = alpha;
        k->shift[c] = (beta ? beta[c] : 0.0f) - mean[c] * alpha;
    }
    return zb_kdesc_bind(x, ZB_K_ELTWISE, NULL);
}

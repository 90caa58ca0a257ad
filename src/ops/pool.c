/* Pooling: max and average (torch ceil_mode, count_include_pad; TF 'same'
 * through asymmetric padding with count_include_pad off), torch's adaptive
 * average pooling, and global average pooling. */
#include "core/status.h"
#include "ops/ops.h"

/* torch's pooling_output_shape, generalised to asymmetric padding. */
static int pool_out(int in, int k, int s, int lo, int hi, int ceil_mode)
{
    int num = in + lo + hi - k + (ceil_mode ? s - 1 : 0);
    if (num < 0)
        return 0;
    int out = num / s + 1;
    if (ceil_mode && (out - 1) * s >= in + lo)
        out--;
    return out;
}

static zb_node *pool(zb_graph *g, zb_node *x, const zb_pool_spec *s0, zb_op_kind op)
{
    if (!x)
        return NULL;
    zb_pool_spec s = *s0;
    s.sh = s.sh ? s.sh : s.kh;
    s.sw = s.sw ? s.sw : s.kw;
    const char *name = op == ZB_OP_MAXPOOL ? "maxpool" : "avgpool";
    if (s.kh <= 0 || s.kw <= 0 || s.sh <= 0 || s.sw <= 0 || s.pt < 0 || s.pb < 0 || s.pl < 0 || s.pr < 0 ||
        s.pt >= s.kh || s.pl >= s.kw) {
        zb_graph_fail(g, ZB_ERR_ARG, "%s: invalid pooling parameters", name);
        return NULL;
    }
    int oh = pool_out(x->h, s.kh, s.sh, s.pt, s.pb, s.ceil_mode);
    int ow = pool_out(x->w, s.kw, s.sw, s.pl, s.pr, s.ceil_mode);
    if (oh < 1 || ow < 1) {
        zb_graph_fail(g, ZB_ERR_SHAPE, "%s: input %dx%d is smaller than the %dx%d window", name, x->h, x->w,
                      s.kh, s.kw);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, op, name, 1, &x);
    if (!y)
        return NULL;
    y->h = oh, y->w = ow, y->c = x->c;
    y->p.pool = s;
    return y;
}

zb_node *zb_maxpool(zb_graph *g, zb_node *x, const zb_pool_spec *s) { return pool(g, x, s, ZB_OP_MAXPOOL); }
zb_node *zb_avgpool(zb_graph *g, zb_node *x, const zb_pool_spec *s) { return pool(g, x, s, ZB_OP_AVGPOOL); }

zb_node *zb_adaptive_avgpool(zb_graph *g, zb_node *x, int oh, int ow)
{
    if (!x)
        return NULL;
    if (oh < 1 || ow < 1) {
        zb_graph_fail(g, ZB_ERR_ARG, "adaptive_avgpool: invalid output size %dx%d", oh, ow);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_ADAPTIVE_AVGPOOL, "adaptive_avgpool", 1, &x);
    if (!y)
        return NULL;
    y->h = oh, y->w = ow, y->c = x->c;
    return y;
}

zb_node *zb_global_avgpool(zb_graph *g, zb_node *x)
{
    zb_node *y = zb_graph_add_node(g, ZB_OP_GLOBAL_AVGPOOL, "global_avgpool", 1, &x);
    if (!y)
        return NULL;
    y->h = 1, y->w = 1, y->c = x->c;
    return y;
}

zb_status zb_pool_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    switch (x->op) {
    case ZB_OP_MAXPOOL:
    case ZB_OP_AVGPOOL: {
        const zb_pool_spec *s = &x->p.pool;
        k->kh = s->kh, k->kw = s->kw, k->sh = s->sh, k->sw = s->sw;
        k->pt = s->pt, k->pb = s->pb, k->pl = s->pl, k->pr = s->pr;
        k->count_include_pad = s->count_include_pad;
        return zb_kdesc_bind(x, x->op == ZB_OP_MAXPOOL ? ZB_K_MAXPOOL : ZB_K_AVGPOOL, NULL);
    }
    case ZB_OP_ADAPTIVE_AVGPOOL: return zb_kdesc_bind(x, ZB_K_ADAPTIVE_AVGPOOL, NULL);
    default: return zb_kdesc_bind(x, ZB_K_GLOBAL_AVGPOOL, NULL);
    }
}

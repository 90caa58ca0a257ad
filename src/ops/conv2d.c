/* conv2d: groups (depthwise with a multiplier when groups == cin), stride,
 * dilation, bias, asymmetric padding.  Weights: torch OIHW, keras HWIO, or
 * keras depthwise HWIM (kh, kw, cin, multiplier). */
#include <stdlib.h>

#include "core/status.h"
#include "ops/ops.h"

zb_node *zb_conv2d(zb_graph *g, const char *name, zb_node *x, const zb_conv_spec *s0)
{
    if (!x)
        return NULL;
    zb_conv_spec s = *s0;
    s.sh = s.sh ? s.sh : 1;
    s.sw = s.sw ? s.sw : 1;
    s.dh = s.dh ? s.dh : 1;
    s.dw = s.dw ? s.dw : 1;
    s.groups = s.groups ? s.groups : 1;
    int cin = x->c;
    if (s.cout <= 0 || s.kh <= 0 || s.kw <= 0 || s.sh < 0 || s.sw < 0 || s.pt < 0 || s.pb < 0 || s.pl < 0 ||
        s.pr < 0 || cin % s.groups || s.cout % s.groups || (s.layout == ZB_W_HWIM && s.groups != cin) ||
        (s.layout != ZB_W_OIHW && s.layout != ZB_W_HWIO && s.layout != ZB_W_HWIM) || !s.wkey ||
        (s.bias && !s.bkey)) {
        zb_graph_fail(g, ZB_ERR_ARG, "%s: invalid conv2d parameters", name);
        return NULL;
    }
    int eh = x->h + s.pt + s.pb - s.dh * (s.kh - 1), ew = x->w + s.pl + s.pr - s.dw * (s.kw - 1);
    if (eh < 1 || ew < 1) {
        zb_graph_fail(g, ZB_ERR_SHAPE, "%s: input %dx%d is smaller than the %dx%d kernel", name, x->h, x->w,
                      s.kh, s.kw);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, ZB_OP_CONV2D, name, 1, &x);
    if (!y)
        return NULL;
    y->h = (eh - 1) / s.sh + 1;
    y->w = (ew - 1) / s.sw + 1;
    y->c = s.cout;
    int cig = cin / s.groups;
    if (s.layout == ZB_W_OIHW)
        zb_node_want(g, y, s.wkey, 4, (int64_t[]){s.cout, cig, s.kh, s.kw});
    else if (s.layout == ZB_W_HWIO)
        zb_node_want(g, y, s.wkey, 4, (int64_t[]){s.kh, s.kw, cig, s.cout});
    else
        zb_node_want(g, y, s.wkey, 4, (int64_t[]){s.kh, s.kw, cin, s.cout / cin});
    if (s.bias)
        zb_node_want(g, y, s.bkey, 1, (int64_t[]){s.cout});
    s.wkey = s.bkey = NULL; /* the keys live in y->w */
    y->p.conv = s;
    return y;
}

zb_status zb_conv2d_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    const zb_conv_spec *s = &x->p.conv;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    k->kh = s->kh, k->kw = s->kw, k->sh = s->sh, k->sw = s->sw, k->dh = s->dh, k->dw = s->dw;
    k->pt = s->pt, k->pb = s->pb, k->pl = s->pl, k->pr = s->pr, k->groups = s->groups;
    const int cig = k->ic / s->groups, hw = s->kh * s->kw;
    const float *w = x->wt[0].data;
    float *canon = NULL; /* (oc, cig, kh, kw) */
    if (s->layout != ZB_W_OIHW) {
        canon = malloc((size_t)k->oc * cig * hw * sizeof *canon);
        if (!canon)
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
        for (int co = 0; co < k->oc; co++)
            for (int ci = 0; ci < cig; ci++)
                for (int t = 0; t < hw; t++) {
                    size_t src;
                    if (s->layout == ZB_W_HWIO) {
                        src = ((size_t)t * cig + ci) * k->oc + co;
                    } else { /* depthwise: output channel co = input channel * m + j */
                        int m = k->oc / k->ic;
                        src = ((size_t)t * k->ic + co / m) * m + co % m;
                    }
                    canon[((size_t)co * cig + ci) * hw + t] = w[src];
                }
        w = canon;
    }
    if (s->bias) {
        k->bias = malloc((size_t)k->oc * sizeof *k->bias);
        if (!k->bias) {
            free(canon);
            return zb_error(ZB_ERR_NOMEM, "%s: out of memory", x->name);
        }
        for (int c = 0; c < k->oc; c++)
            k->bias[c] = x->wt[1].data[c];
    }
    zb_status st = zb_kdesc_bind(x, ZB_K_CONV2D, w);
    free(canon);
    return st;
}

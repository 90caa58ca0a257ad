/* zero-pad (keras ZeroPadding2D) and crop (keras Cropping2D), spatial only. */
#include "core/status.h"
#include "ops/ops.h"

static zb_node *pad(zb_graph *g, zb_node *x, zb_op_kind op, int t, int b, int l, int r)
{
    if (!x)
        return NULL;
    int sign = op == ZB_OP_ZEROPAD ? 1 : -1;
    int h = x->h + sign * (t + b), w = x->w + sign * (l + r);
    const char *name = op == ZB_OP_ZEROPAD ? "zeropad" : "crop";
    if (t < 0 || b < 0 || l < 0 || r < 0 || h < 1 || w < 1) {
        zb_graph_fail(g, ZB_ERR_SHAPE, "%s: (%d, %d, %d, %d) invalid for a %dx%d input", name, t, b, l, r, x->h,
                      x->w);
        return NULL;
    }
    zb_node *y = zb_graph_add_node(g, op, name, 1, &x);
    if (!y)
        return NULL;
    y->h = h, y->w = w, y->c = x->c;
    y->p.pad.t = t, y->p.pad.b = b, y->p.pad.l = l, y->p.pad.r = r;
    return y;
}

zb_node *zb_zeropad(zb_graph *g, zb_node *x, int t, int b, int l, int r) { return pad(g, x, ZB_OP_ZEROPAD, t, b, l, r); }
zb_node *zb_crop(zb_graph *g, zb_node *x, int t, int b, int l, int r) { return pad(g, x, ZB_OP_CROP, t, b, l, r); }

zb_status zb_pad_prepare(zb_graph *g, zb_node *x)
{
    (void)g;
    zb_kdesc *k = &x->k;
    zb_kdesc_shapes(k, x);
    k->pt = x->p.pad.t, k->pb = x->p.pad.b, k->pl = x->p.pad.l, k->pr = x->p.pad.r;
    return zb_kdesc_bind(x, x->op == ZB_OP_ZEROPAD ? ZB_K_ZEROPAD : ZB_K_CROP, NULL);
}

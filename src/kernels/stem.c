/* Direct convolution for few input channels (kernels/stem.h): the loops
 * around the x86 block kernels.  An output row is cut into blocks of R
 * pixels; the last block of a row range ends at the range's end and may
 * overlap the one before (its pixels are computed again, to the same bits).
 * A block reads the input in place when every tap of its R windows lies in
 * the image, else a zero-padded copy of its kh rows (rows at the top and
 * bottom, pixels at the left and right edge): the padding taps then enter
 * the chain as 0.0f, exactly as in the im2col panel of the GEMM path. */
#include <stdlib.h>
#include <string.h>

#include "kernels/stem.h"

static int width(void) { return zb_cpu_avx512() ? ZB_STEM_R512 : ZB_STEM_R256; }

/* Pixels of one block's row copy: R windows at stride sw, kw taps dw apart. */
static int copy_w(const zb_conv_geom *g, int r) { return (r - 1) * g->sw + (g->kw - 1) * g->dw + 1; }

int zb_stem_applies(const zb_conv_geom *g, const zb_gemm_b *b)
{
    const char *env = getenv("ZB_STEM");
    if (!zb_cpu_fast() || (env && !strcmp(env, "0")))
        return 0;
    const int k = g->kh * g->kw * g->ic;
    return g->groups == 1 && g->ic <= 4 && b->kc >= k &&
           (int64_t)g->kh * copy_w(g, ZB_STEM_R512) * g->ic <= ZB_STEM_SCRATCH;
}

/* Pixels [oxa, oxb) of output row oy of image img. */
static void row(const zb_conv *cv, const float *x, float *y, int64_t img, int oy, int oxa, int oxb)
{
    const zb_conv_geom *g = &cv->g;
    const zb_gemm_b *b = &cv->b[0];
    const int r = width(), wc = copy_w(g, r);
    const zb_epi e = {b->bias, b->scale, b->shift, b->act};
    const ptrdiff_t ldy = cv->ldy ? cv->ldy : g->oc;
    const int iy0 = oy * g->sh - g->pt;
    const int rows_in = iy0 >= 0 && iy0 + (g->kh - 1) * g->dh < g->ih;
    const float *xn = x + img * g->ih * g->iw * g->ic;
    _Alignas(64) float copy[ZB_STEM_SCRATCH];   /* (kh, wc, ic) */
    zb_stem_blk blk = {.kh = g->kh, .kw = g->kw, .ic = g->ic, .ps = g->sw * g->ic, .kxs = g->dw * g->ic,
                       .w = b->w, .np = b->np, .n = g->oc, .ldy = ldy,
                       .e = b->bias || b->scale || b->act != ZB_EPI_NONE ? &e : NULL};
    for (int ox = oxa; ox < oxb; ox += r) {
        const int s = ox + r <= oxb ? ox : (oxb - r > oxa ? oxb - r : oxa);
        const int ix0 = s * g->sw - g->pl;
        blk.nv = oxb - s < r ? oxb - s : r;
        blk.y = y + ((img * g->oh + oy) * g->ow + s) * ldy;
        if (rows_in && ix0 >= 0 && ix0 + wc <= g->iw) {
            blk.x = xn + ((int64_t)iy0 * g->iw + ix0) * g->ic;
            blk.ldrow = (ptrdiff_t)g->dh * g->iw * g->ic;
        } else {
            const int lo = ix0 < 0 ? -ix0 : 0, hi = g->iw - ix0 < wc ? g->iw - ix0 : wc;   /* in-image pixels */
            for (int ky = 0; ky < g->kh; ky++) {
                float *d = copy + (size_t)ky * wc * g->ic;
                const int iy = iy0 + ky * g->dh;
                if (iy < 0 || iy >= g->ih || hi <= lo) {
                    memset(d, 0, (size_t)wc * g->ic * sizeof *d);
                    continue;
                }
                memset(d, 0, (size_t)lo * g->ic * sizeof *d);
                memcpy(d + (size_t)lo * g->ic, xn + ((int64_t)iy * g->iw + ix0 + lo) * g->ic,
                       (size_t)(hi - lo) * g->ic * sizeof *d);
                memset(d + (size_t)hi * g->ic, 0, (size_t)(wc - hi) * g->ic * sizeof *d);
            }
            blk.x = copy;
            blk.ldrow = (ptrdiff_t)wc * g->ic;
        }
        if (r == ZB_STEM_R512)
            zb_x86_stem_avx512(&blk);
        else
            zb_x86_stem_avx2(&blk);
    }
}

void zb_stem_pixels(const zb_conv *cv, const float *x, float *y, int64_t m0, int64_t m1)
{
    const zb_conv_geom *g = &cv->g;
    for (int64_t m = m0; m < m1;) {
        const int64_t rw = m / g->ow;   /* output row of the batch */
        const int ox = (int)(m - rw * g->ow), oxb = m1 - m < g->ow - ox ? ox + (int)(m1 - m) : g->ow;
        row(cv, x, y, rw / g->oh, (int)(rw % g->oh), ox, oxb);
        m += oxb - ox;
    }
}

typedef struct tiles {
    const zb_conv *cv;
    const float *x;
    float *y;
    int64_t rows, per;   /* output rows of the batch, rows per tile */
} tiles;

static void run_tile(void *ctx, int64_t t)
{
    const tiles *s = ctx;
    const int64_t r0 = t * s->per, r1 = r0 + s->per < s->rows ? r0 + s->per : s->rows;
    zb_stem_pixels(s->cv, s->x, s->y, r0 * s->cv->g.ow, r1 * s->cv->g.ow);
}

/* Tiles of whole output rows, about 8 per thread (threads slowed by other
 * processes take fewer); one tile on one thread.  No result depends on it. */
void zb_stem_run(const zb_conv *cv, zb_threadpool *tp, const float *x, float *y, int n)
{
    const int nt = zb_threadpool_size(tp);
    tiles s = {cv, x, y, (int64_t)n * cv->g.oh, 0};
    if (s.rows <= 0)
        return;
    const int64_t want = nt > 1 ? 8 * (int64_t)nt : 1;
    s.per = (s.rows + want - 1) / want;
    zb_parallel_for(tp, (s.rows + s.per - 1) / s.per, run_tile, &s);
}

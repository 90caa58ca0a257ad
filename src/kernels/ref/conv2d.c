/* Reference 2-D convolution, NHWC, any groups, stride, dilation and
 * asymmetric padding.
 *
 * Each output is the sum over (ky, kx, ci) in that order, from 0.0f, then the
 * epilogue.  Taps that fall in the padding are skipped (they would add
 * 0 * w); whether a tap is skipped depends on the output position only.
 * The output row itself is the accumulator, so no scratch memory is needed.
 * A tile of output pixels shares each weight row, which keeps the weights in
 * cache; the tile does not change any output's order of summation. */
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "kernels/ref/ref.h"

enum { TILE = 8 };

/* canonical (oc, cig, kh, kw) -> packed (groups, kh, kw, cig, cog) */
static zb_status pack(zb_kdesc *d, const float *w)
{
    int g = d->groups, cog = d->oc / g, cig = d->ic / g;
    size_t n = (size_t)d->oc * cig * d->kh * d->kw;
    float *p = malloc(n * sizeof *p);
    if (!p)
        return zb_error(ZB_ERR_NOMEM, "conv2d: out of memory packing %zu weights", n);
    for (int gi = 0; gi < g; gi++)
        for (int co = 0; co < cog; co++)
            for (int ci = 0; ci < cig; ci++)
                for (int ky = 0; ky < d->kh; ky++)
                    for (int kx = 0; kx < d->kw; kx++) {
                        float v = w[((((size_t)gi * cog + co) * cig + ci) * d->kh + ky) * d->kw + kx];
                        p[((((size_t)gi * d->kh + ky) * d->kw + kx) * cig + ci) * cog + co] = v;
                    }
    d->packed = p;
    return ZB_OK;
}

static void run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const float *x = xs[0];
    const int g = d->groups, cog = d->oc / g, cig = d->ic / g;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t n = r / d->oh;
        const int oy = (int)(r % d->oh);
        const float *xn = x + n * d->ih * d->iw * d->ic;      /* (ih, iw, ic) */
        float *yr = y + r * d->ow * d->oc;                       /* (ow, oc) */
        memset(yr, 0, (size_t)d->ow * d->oc * sizeof *yr);
        for (int ox0 = 0; ox0 < d->ow; ox0 += TILE) {
            const int nt = d->ow - ox0 < TILE ? d->ow - ox0 : TILE;
            for (int gi = 0; gi < g; gi++) {
                for (int ky = 0; ky < d->kh; ky++) {
                    const int iy = oy * d->sh - d->pt + ky * d->dh;
                    if (iy < 0 || iy >= d->ih)
                        continue;
                    for (int kx = 0; kx < d->kw; kx++) {
                        const float *xp[TILE];
                        float *yp[TILE];
                        int nv = 0;
                        for (int t = 0; t < nt; t++) {
                            const int ix = (ox0 + t) * d->sw - d->pl + kx * d->dw;
                            if (ix < 0 || ix >= d->iw)
                                continue;
                            xp[nv] = xn + ((size_t)iy * d->iw + ix) * d->ic + gi * cig;
                            yp[nv] = yr + (size_t)(ox0 + t) * d->oc + gi * cog;
                            nv++;
                        }
                        const float *wk = d->packed + (((size_t)gi * d->kh + ky) * d->kw + kx) * cig * cog;
                        for (int ci = 0; ci < cig; ci++) {
                            const float *restrict wr = wk + (size_t)ci * cog;   /* (cog) */
                            for (int t = 0; t < nv; t++) {
                                const float a = xp[t][ci];
                                float *restrict acc = yp[t];
                                for (int co = 0; co < cog; co++)
                                    acc[co] += a * wr[co];
                            }
                        }
                    }
                }
            }
        }
        for (int ox = 0; ox < d->ow; ox++)
            for (int c = 0; c < d->oc; c++)
                yr[(size_t)ox * d->oc + c] = zb_epilogue1(d, c, yr[(size_t)ox * d->oc + c]);
    }
}

const zb_kernel zb_ref_conv2d = {.name = "ref_conv2d_nhwc", .pack = pack, .run = run};

/* Reference twins of the GEMM family: the plain-C definition of what the
 * fast kernels compute, up to the FMA's single rounding per product. */
#include <string.h>

#include "kernels/fast.h"

void zb_gemm_ref(int64_t m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t sk,
                 ptrdiff_t sn, float *c, ptrdiff_t ldc, const zb_epi *epi)
{
    for (int64_t i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float acc = 0.0f;
            for (int kk = 0; kk < k; kk++)
                acc += a[i * lda + kk] * b[kk * sk + j * sn];
            c[i * ldc + j] = zb_epi_apply(epi, j, acc);
        }
}

void zb_conv_ref(const zb_conv_geom *g, const float *w, const zb_epi *epi, const float *x, float *y, int n)
{
    const int cig = g->ic / g->groups, cog = g->oc / g->groups;
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++)
                for (int co = 0; co < g->oc; co++) {
                    const int gi = co / cog;
                    float acc = 0.0f;
                    for (int ky = 0; ky < g->kh; ky++) {
                        const int iy = oy * g->sh - g->pt + ky * g->dh;
                        if (iy < 0 || iy >= g->ih)
                            continue;
                        for (int kx = 0; kx < g->kw; kx++) {
                            const int ix = ox * g->sw - g->pl + kx * g->dw;
                            if (ix < 0 || ix >= g->iw)
                                continue;
                            const float *xp = x + (((size_t)img * g->ih + iy) * g->iw + ix) * g->ic + gi * cig;
                            for (int ci = 0; ci < cig; ci++)
                                acc += xp[ci] * w[(((size_t)co * cig + ci) * g->kh + ky) * g->kw + kx];
                        }
                    }
                    y[(((size_t)img * g->oh + oy) * g->ow + ox) * g->oc + co] = zb_epi_apply(epi, co, acc);
                }
}

void zb_dw_ref(const zb_dw_geom *g, const float *w, const zb_epi *epi, const float *x, float *y, int n)
{
    const int oc = g->c * g->dm;
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g->oh; oy++)
            for (int ox = 0; ox < g->ow; ox++)
                for (int o = 0; o < oc; o++) {
                    float acc = 0.0f;
                    for (int ky = 0; ky < g->kh; ky++) {
                        const int iy = oy * g->sh - g->pt + ky * g->dh;
                        if (iy < 0 || iy >= g->ih)
                            continue;
                        for (int kx = 0; kx < g->kw; kx++) {
                            const int ix = ox * g->sw - g->pl + kx * g->dw;
                            if (ix < 0 || ix >= g->iw)
                                continue;
                            acc += x[(((size_t)img * g->ih + iy) * g->iw + ix) * g->c + o / g->dm] *
                                   w[((size_t)o * g->kh + ky) * g->kw + kx];
                        }
                    }
                    y[(((size_t)img * g->oh + oy) * g->ow + ox) * oc + o] = zb_epi_apply(epi, o, acc);
                }
}

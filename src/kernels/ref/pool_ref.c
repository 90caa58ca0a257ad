/* Reference twins of the pooling and element-wise kernels (the fast ones
 * must match them bitwise). */
#include <float.h>
#include <string.h>

#include "kernels/fast.h"

void zb_maxpool_ref(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        int y0, y1;
        zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, 0, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, 0, &x0, &x1);
            float *yp = y + (r * g->ow + ox) * g->c;
            for (int ch = 0; ch < g->c; ch++)
                yp[ch] = -FLT_MAX;
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) {
                    const float *xp = xn + ((size_t)iy * g->iw + ix) * g->c;
                    for (int ch = 0; ch < g->c; ch++)
                        yp[ch] = xp[ch] > yp[ch] ? xp[ch] : yp[ch];
                }
        }
    }
}

void zb_avgpool_ref(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        int y0, y1;
        const int ph = zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, g->pb, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            const int pw = zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, g->pr, &x0, &x1);
            const float div = (float)(g->count_include_pad ? ph * pw : (y1 - y0) * (x1 - x0));
            float *yp = y + (r * g->ow + ox) * g->c;
            memset(yp, 0, (size_t)g->c * sizeof *yp);
            for (int iy = y0; iy < y1; iy++)
                for (int ix = x0; ix < x1; ix++) {
                    const float *xp = xn + ((size_t)iy * g->iw + ix) * g->c;
                    for (int ch = 0; ch < g->c; ch++)
                        yp[ch] += xp[ch];
                }
            for (int ch = 0; ch < g->c; ch++)
                yp[ch] = yp[ch] / div;
        }
    }
}

void zb_global_avgpool_images_ref(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1)
{
    for (int64_t n = n0; n < n1; n++) {
        const float *xn = x + n * hw * c;
        float *yp = y + n * c;
        memset(yp, 0, (size_t)c * sizeof *yp);
        for (int p = 0; p < hw; p++)
            for (int ch = 0; ch < c; ch++)
                yp[ch] += xn[(size_t)p * c + ch];
        for (int ch = 0; ch < c; ch++)
            yp[ch] = yp[ch] / (float)hw;
    }
}

void zb_ew_affine_ref(int64_t npix, int c, const float *x, float *y, const zb_epi *e)
{
    for (int64_t p = 0; p < npix; p++)
        for (int ch = 0; ch < c; ch++)
            y[p * c + ch] = zb_epi_apply(e, ch, x[p * c + ch]);
}

void zb_ew_add_ref(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e)
{
    for (int64_t p = 0; p < npix; p++)
        for (int ch = 0; ch < c; ch++) {
            const int64_t i = p * c + ch;
            const float v = alpha == 1.0f ? a[i] + b[i] : a[i] + alpha * b[i];
            y[i] = zb_epi_apply(e, ch, v);
        }
}

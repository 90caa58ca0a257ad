/* AVX2/FMA depthwise convolution, pooling and element-wise kernels, NHWC,
 * vectorised over channels (8 per ymm; a masked tail for the rest, with the
 * same lane arithmetic). */
#include <float.h>

#include "kernels/x86/simd.h"
#include "kernels/x86/x86.h"

/* ---- depthwise -------------------------------------------------------------- */

/* Input channel of output channel o is o / dm: direct loads for dm 1,
 * gathers otherwise. */
static inline __m256 dw_x(const float *xp, int o, int dm, int n, __m256i m)
{
    if (dm == 1)
        return zb_load8(xp + o, n, m);
    const __m256i idx = _mm256_setr_epi32(o / dm, (o + 1) / dm, (o + 2) / dm, (o + 3) / dm, (o + 4) / dm,
                                          (o + 5) / dm, (o + 6) / dm, (o + 7) / dm);
    return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), xp, idx, _mm256_castsi256_ps(m), 4);
}

void zb_x86_dw_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    const int oc = g->c * g->dm;
    const zb_epi e = {d->bias, d->scale, d->shift, d->act};
    const __m256i full = _mm256_set1_epi32(-1);
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        const int oy = (int)(r % g->oh);
        for (int ox = 0; ox < g->ow; ox++) {
            float *yp = y + (r * g->ow + ox) * oc;
            int o = 0;
            /* 4 vectors at a time: the taps' loads are shared by more FMAs */
            for (; g->dm == 1 && o + 32 <= oc; o += 32) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (int ky = 0; ky < g->kh; ky++) {
                    const int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->ih)
                        continue;
                    for (int kx = 0; kx < g->kw; kx++) {
                        const int ix = ox * g->sw - g->pl + kx * g->dw;
                        if (ix < 0 || ix >= g->iw)
                            continue;
                        const float *xp = xn + ((size_t)iy * g->iw + ix) * g->c + o;
                        const float *wp = d->w + (size_t)(ky * g->kw + kx) * oc + o;
                        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(xp), _mm256_loadu_ps(wp), a0);
                        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 8), _mm256_loadu_ps(wp + 8), a1);
                        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 16), _mm256_loadu_ps(wp + 16), a2);
                        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 24), _mm256_loadu_ps(wp + 24), a3);
                    }
                }
                _mm256_storeu_ps(yp + o, zb_epi8(a0, &e, o, 8, full));
                _mm256_storeu_ps(yp + o + 8, zb_epi8(a1, &e, o + 8, 8, full));
                _mm256_storeu_ps(yp + o + 16, zb_epi8(a2, &e, o + 16, 8, full));
                _mm256_storeu_ps(yp + o + 24, zb_epi8(a3, &e, o + 24, 8, full));
            }
            for (; o < oc; o += 8) {
                const int n = oc - o < 8 ? oc - o : 8;
                const __m256i m = zb_mask8(n);
                __m256 a = _mm256_setzero_ps();
                for (int ky = 0; ky < g->kh; ky++) {
                    const int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->ih)
                        continue;
                    for (int kx = 0; kx < g->kw; kx++) {
                        const int ix = ox * g->sw - g->pl + kx * g->dw;
                        if (ix < 0 || ix >= g->iw)
                            continue;
                        const float *xp = xn + ((size_t)iy * g->iw + ix) * g->c;
                        const float *wp = d->w + (size_t)(ky * g->kw + kx) * oc + o;
                        a = _mm256_fmadd_ps(dw_x(xp, o, g->dm, n, m), zb_load8(wp, n, m), a);
                    }
                }
                zb_store8(yp + o, zb_epi8(a, &e, o, n, m), n, m);
            }
        }
    }
}

/* ---- pooling ------------------------------------------------------------------ */

void zb_x86_maxpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        int y0, y1;
        zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, 0, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, 0, &x0, &x1);
            float *yp = y + (r * g->ow + ox) * g->c;
            for (int ch = 0; ch < g->c; ch += 8) {
                const int n = g->c - ch < 8 ? g->c - ch : 8;
                const __m256i m = zb_mask8(n);
                __m256 acc = _mm256_set1_ps(-FLT_MAX);
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++)   /* max_ps(v, acc) = v > acc ? v : acc */
                        acc = _mm256_max_ps(zb_load8(xn + ((size_t)iy * g->iw + ix) * g->c + ch, n, m), acc);
                zb_store8(yp + ch, acc, n, m);
            }
        }
    }
}

void zb_x86_avgpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        int y0, y1;
        const int ph = zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, g->pb, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            const int pw = zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, g->pr, &x0, &x1);
            const __m256 div =
                _mm256_set1_ps((float)(g->count_include_pad ? ph * pw : (y1 - y0) * (x1 - x0)));
            float *yp = y + (r * g->ow + ox) * g->c;
            for (int ch = 0; ch < g->c; ch += 8) {
                const int n = g->c - ch < 8 ? g->c - ch : 8;
                const __m256i m = zb_mask8(n);
                __m256 acc = _mm256_setzero_ps();
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++)
                        acc = _mm256_add_ps(acc, zb_load8(xn + ((size_t)iy * g->iw + ix) * g->c + ch, n, m));
                zb_store8(yp + ch, _mm256_div_ps(acc, div), n, m);
            }
        }
    }
}

void zb_x86_global_avgpool(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1)
{
    const __m256 div = _mm256_set1_ps((float)hw);
    for (int64_t img = n0; img < n1; img++) {
        const float *xn = x + img * hw * c;
        for (int ch = 0; ch < c; ch += 8) {
            const int n = c - ch < 8 ? c - ch : 8;
            const __m256i m = zb_mask8(n);
            __m256 acc = _mm256_setzero_ps();
            for (int p = 0; p < hw; p++)
                acc = _mm256_add_ps(acc, zb_load8(xn + (size_t)p * c + ch, n, m));
            zb_store8(y + img * c + ch, _mm256_div_ps(acc, div), n, m);
        }
    }
}

/* ---- element-wise ------------------------------------------------------------ */

void zb_x86_ew_affine(int64_t npix, int c, const float *x, float *y, const zb_epi *e)
{
    for (int64_t p = 0; p < npix; p++)
        for (int ch = 0; ch < c; ch += 8) {
            const int n = c - ch < 8 ? c - ch : 8;
            const __m256i m = zb_mask8(n);
            zb_store8(y + p * c + ch, zb_epi8(zb_load8(x + p * c + ch, n, m), e, ch, n, m), n, m);
        }
}

void zb_x86_ew_add(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e)
{
    const __m256 va = _mm256_set1_ps(alpha);
    for (int64_t p = 0; p < npix; p++)
        for (int ch = 0; ch < c; ch += 8) {
            const int n = c - ch < 8 ? c - ch : 8;
            const __m256i m = zb_mask8(n);
            const int64_t i = p * c + ch;
            __m256 vb = zb_load8(b + i, n, m);
            if (alpha != 1.0f)
                vb = _mm256_mul_ps(va, vb);
            zb_store8(y + i, zb_epi8(_mm256_add_ps(zb_load8(a + i, n, m), vb), e, ch, n, m), n, m);
        }
}

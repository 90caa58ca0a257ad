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

/* The AVX2 twin of direct_avx512.c's 3x3 stride-1 block (see there for
 * why the bits equal those of the skipping chain): 8 output pixels from ox,
 * 8 channels, 8 sums in registers, each input vector loaded once per kernel
 * row; in an edge block (edge 1) taps outside the image (columns outside
 * [jlo, jhi), rows with rin[ky] 0) are zero vectors and never loaded.  x is
 * the address of column ox - pl of kernel row 0's input row, computed in
 * integers because it may lie outside the image; rs is the row stride in
 * floats. */
#define TAP(a, v, wk) a = _mm256_fmadd_ps(v, wk, a)
#define LOAD(j)                                                                                                       \
    (!edge || (rk && (j) >= jlo && (j) < jhi) ? _mm256_loadu_ps((const float *)(xr + (uintptr_t)(j) * cb))            \
                                              : _mm256_setzero_ps())
static inline __attribute__((always_inline)) void dw3_block8(uintptr_t x, ptrdiff_t rs, const float *w, ptrdiff_t c,
                                                            const int rin[3], int jlo, int jhi, const zb_epi *e,
                                                            int ch, float *yp, const int edge)
{
    const uintptr_t cb = (uintptr_t)c * sizeof(float);
    const __m256i full = _mm256_set1_epi32(-1);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, v;
#pragma GCC unroll 3
    for (int ky = 0; ky < 3; ky++) {
        const uintptr_t xr = x + (uintptr_t)ky * (uintptr_t)rs * sizeof(float);
        const int rk = rin[ky];
        const float *wr = w + 3 * ky * c;
        const __m256 w0 = _mm256_loadu_ps(wr), w1 = _mm256_loadu_ps(wr + c), w2 = _mm256_loadu_ps(wr + 2 * c);
        v = LOAD(0);
        TAP(a0, v, w0);
        v = LOAD(1);
        TAP(a1, v, w0), TAP(a0, v, w1);
        v = LOAD(2);
        TAP(a2, v, w0), TAP(a1, v, w1), TAP(a0, v, w2);
        v = LOAD(3);
        TAP(a3, v, w0), TAP(a2, v, w1), TAP(a1, v, w2);
        v = LOAD(4);
        TAP(a4, v, w0), TAP(a3, v, w1), TAP(a2, v, w2);
        v = LOAD(5);
        TAP(a5, v, w0), TAP(a4, v, w1), TAP(a3, v, w2);
        v = LOAD(6);
        TAP(a6, v, w0), TAP(a5, v, w1), TAP(a4, v, w2);
        v = LOAD(7);
        TAP(a7, v, w0), TAP(a6, v, w1), TAP(a5, v, w2);
        v = LOAD(8);
        TAP(a7, v, w1), TAP(a6, v, w2);
        v = LOAD(9);
        TAP(a7, v, w2);
    }
    _mm256_storeu_ps(yp + 0 * c, zb_epi8(a0, e, ch, 8, full));
    _mm256_storeu_ps(yp + 1 * c, zb_epi8(a1, e, ch, 8, full));
    _mm256_storeu_ps(yp + 2 * c, zb_epi8(a2, e, ch, 8, full));
    _mm256_storeu_ps(yp + 3 * c, zb_epi8(a3, e, ch, 8, full));
    _mm256_storeu_ps(yp + 4 * c, zb_epi8(a4, e, ch, 8, full));
    _mm256_storeu_ps(yp + 5 * c, zb_epi8(a5, e, ch, 8, full));
    _mm256_storeu_ps(yp + 6 * c, zb_epi8(a6, e, ch, 8, full));
    _mm256_storeu_ps(yp + 7 * c, zb_epi8(a7, e, ch, 8, full));
}
#undef LOAD
#undef TAP

/* Rows [r0, r1) of a 3x3 stride-1 dilation-1 layer with ow >= 8 and c a
 * multiple of 8: 8 channels at a time across the row in blocks of 8 pixels;
 * the last block starts at ow - 8 and may redo pixels of the one before it,
 * with the same bits. */
static void dw3s1_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    const ptrdiff_t c = g->c, rs = (ptrdiff_t)g->iw * c;
    const int ow = g->ow;
    const zb_epi e = {d->bias, d->scale, d->shift, d->act};
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * rs;
        const int oy = (int)(r % g->oh), iy0 = oy * g->sh - g->pt;
        float *yr = y + r * ow * c;
        int rin[3];
        for (int ky = 0; ky < 3; ky++)
            rin[ky] = iy0 + ky >= 0 && iy0 + ky < g->ih;
        const int rows_in = rin[0] && rin[1] && rin[2];
        for (int ch = 0; ch < c; ch += 8)
            for (int o = 0; o < ow; o += 8) {
                const int ox = o + 8 <= ow ? o : ow - 8, ix0 = ox - g->pl;
                const int jlo = ix0 < 0 ? -ix0 : 0, jhi = g->iw - ix0;
                const uintptr_t xb = (uintptr_t)xn + (uintptr_t)(((ptrdiff_t)iy0 * rs + (ptrdiff_t)ix0 * c + ch) *
                                                                 (ptrdiff_t)sizeof(float));
                float *yp = yr + (ptrdiff_t)ox * c + ch;
                if (rows_in && jlo == 0 && jhi >= 10)
                    dw3_block8(xb, rs, d->w + ch, c, rin, jlo, jhi, &e, ch, yp, 0);
                else
                    dw3_block8(xb, rs, d->w + ch, c, rin, jlo, jhi, &e, ch, yp, 1);
            }
    }
}

void zb_x86_dw_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    if (zb_x86_dw3s1(g) && g->c % 8 == 0) {
        dw3s1_rows(d, x, y, r0, r1);
        return;
    }
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
    if (e && (e->bias || e->scale) && c < 8 && npix >= 8) {
        /* few channels (inception_v3's input transform, c = 3): 8 pixels at
         * a time, c full vectors against the per-channel arrays laid out
         * with that period; zb_epi8's operations per element */
        float pat[3 * 8 * 8];
        const zb_epi pe = zb_x86_epi_periodic(e, c, 8, pat);
        const __m256i full = _mm256_set1_epi32(-1);
        int64_t p = 0;
        for (; p + 8 <= npix; p += 8)
            for (int v = 0; v < c; v++) {
                const int64_t i = p * c + 8 * v;
                _mm256_storeu_ps(y + i, zb_epi8(_mm256_loadu_ps(x + i), &pe, 8 * v, 8, full));
            }
        x += p * c, y += p * c, npix -= p;
    }
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

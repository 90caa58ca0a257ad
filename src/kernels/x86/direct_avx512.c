/* AVX-512F depthwise convolution (multiplier 1), pooling and element-wise
 * kernels, NHWC.
 *
 * Depthwise: 16 channels per zmm,
 * four output pixels of a row at once where their windows lie inside the
 * image horizontally, so that each weight vector loaded serves four FMAs.
 * Each output lane is the same chain as in the AVX2 kernel: acc = +0, then
 * fma(x, w, acc) over the in-image taps in (ky, kx) order, then the
 * epilogue, so the bits are the same.  Compiled with -mavx2 -mfma; the
 * AVX-512 code is enabled per function. */
#include <float.h>

#include "kernels/x86/simd512.h"
#include "kernels/x86/x86.h"

enum { PX = 4 };   /* output pixels per block */

ZB_AVX512 void zb_x86_dw_rows_avx512(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    const int c = g->c;
    const zb_epi e = {d->bias, d->scale, d->shift, d->act};
    /* ox whose taps are all inside the image horizontally: [lo, hi) */
    int lo = (g->pl + g->sw - 1) / g->sw, hi = 0;
    if (g->iw - 1 - (g->kw - 1) * g->dw + g->pl >= 0)
        hi = (g->iw - 1 - (g->kw - 1) * g->dw + g->pl) / g->sw + 1;
    hi = hi < g->ow ? hi : g->ow;
    lo = lo < hi ? lo : hi;
    const ptrdiff_t xs = (ptrdiff_t)g->sw * c;   /* next output pixel's input */
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * c;
        const int oy = (int)(r % g->oh);
        int ky0 = 0, ky1 = g->kh;   /* in-image window rows [ky0, ky1) */
        while (ky0 < ky1 && oy * g->sh - g->pt + ky0 * g->dh < 0)
            ky0++;
        while (ky1 > ky0 && oy * g->sh - g->pt + (ky1 - 1) * g->dh >= g->ih)
            ky1--;
        for (int ox = 0; ox < g->ow;) {
            float *yp = y + (r * g->ow + ox) * c;
            if (ox >= lo && ox + PX <= hi) {
                const float *xp0 = xn + (ptrdiff_t)(ox * g->sw - g->pl) * c;
                for (int ch = 0; ch < c; ch += 16) {
                    const __mmask16 m = zb_mask16(c - ch);
                    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                    for (int ky = ky0; ky < ky1; ky++) {
                        const int iy = oy * g->sh - g->pt + ky * g->dh;
                        const float *xr = xp0 + (ptrdiff_t)iy * g->iw * c + ch;
                        const float *wr = d->w + (size_t)ky * g->kw * c + ch;
                        for (int kx = 0; kx < g->kw; kx++) {
                            const __m512 w = _mm512_maskz_loadu_ps(m, wr + (size_t)kx * c);
                            const float *xq = xr + (ptrdiff_t)kx * g->dw * c;
                            a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, xq), w, a0);
                            a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, xq + xs), w, a1);
                            a2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, xq + 2 * xs), w, a2);
                            a3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, xq + 3 * xs), w, a3);
                        }
                    }
                    _mm512_mask_storeu_ps(yp + ch, m, zb_epi16(a0, &e, ch, m));
                    _mm512_mask_storeu_ps(yp + c + ch, m, zb_epi16(a1, &e, ch, m));
                    _mm512_mask_storeu_ps(yp + 2 * c + ch, m, zb_epi16(a2, &e, ch, m));
                    _mm512_mask_storeu_ps(yp + 3 * c + ch, m, zb_epi16(a3, &e, ch, m));
                }
                ox += PX;
                continue;
            }
            /* one pixel, skipping the taps outside the image; 32 channels
             * per pass where there are (fewer passes over the taps) */
            int kx0 = 0, kx1 = g->kw;   /* in-image window columns [kx0, kx1) */
            while (kx0 < kx1 && ox * g->sw - g->pl + kx0 * g->dw < 0)
                kx0++;
            while (kx1 > kx0 && ox * g->sw - g->pl + (kx1 - 1) * g->dw >= g->iw)
                kx1--;
            for (int ch = 0; ch < c; ch += 32) {
                const int n = c - ch < 32 ? c - ch : 32;
                const __mmask16 m0 = zb_mask16(n), m1 = n > 16 ? zb_mask16(n - 16) : 0;
                __m512 a0 = _mm512_setzero_ps(), a1 = a0;
                for (int ky = ky0; ky < ky1; ky++) {
                    const int iy = oy * g->sh - g->pt + ky * g->dh;
                    for (int kx = kx0; kx < kx1; kx++) {
                        const int ix = ox * g->sw - g->pl + kx * g->dw;
                        const float *xp = xn + ((size_t)iy * g->iw + ix) * c + ch;
                        const float *wp = d->w + (size_t)(ky * g->kw + kx) * c + ch;
                        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, xp), _mm512_maskz_loadu_ps(m0, wp), a0);
                        a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, xp + 16), _mm512_maskz_loadu_ps(m1, wp + 16),
                                             a1);
                    }
                }
                _mm512_mask_storeu_ps(yp + ch, m0, zb_epi16(a0, &e, ch, m0));
                if (m1)
                    _mm512_mask_storeu_ps(yp + ch + 16, m1, zb_epi16(a1, &e, ch + 16, m1));
            }
            ox++;
        }
    }
}

/* ---- pooling ------------------------------------------------------------------ */

/* The same lane operations as the references: max_ps(x, m) is x > m ? x : m;
 * sums in (iy, ix) order from 0, one division.  32 channels per pass. */
ZB_AVX512 void zb_x86_maxpool_rows_avx512(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    const int c = g->c;
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * c;
        int y0, y1;
        zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, 0, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, 0, &x0, &x1);
            float *yp = y + (r * g->ow + ox) * c;
            for (int ch = 0; ch < c; ch += 32) {
                const __mmask16 m0 = zb_mask16(c - ch), m1 = c - ch > 16 ? zb_mask16(c - ch - 16) : 0;
                __m512 a0 = _mm512_set1_ps(-FLT_MAX), a1 = a0;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) {
                        const float *xp = xn + ((size_t)iy * g->iw + ix) * c + ch;
                        a0 = _mm512_max_ps(_mm512_maskz_loadu_ps(m0, xp), a0);
                        a1 = _mm512_max_ps(_mm512_maskz_loadu_ps(m1, xp + 16), a1);
                    }
                _mm512_mask_storeu_ps(yp + ch, m0, a0);
                _mm512_mask_storeu_ps(yp + ch + 16, m1, a1);
            }
        }
    }
}

ZB_AVX512 void zb_x86_avgpool_rows_avx512(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    const int c = g->c;
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * c;
        int y0, y1;
        const int ph = zb_pool_window((int)(r % g->oh), g->sh, g->pt, g->kh, g->ih, g->pb, &y0, &y1);
        for (int ox = 0; ox < g->ow; ox++) {
            int x0, x1;
            const int pw = zb_pool_window(ox, g->sw, g->pl, g->kw, g->iw, g->pr, &x0, &x1);
            const __m512 div = _mm512_set1_ps((float)(g->count_include_pad ? ph * pw : (y1 - y0) * (x1 - x0)));
            float *yp = y + (r * g->ow + ox) * c;
            for (int ch = 0; ch < c; ch += 32) {
                const __mmask16 m0 = zb_mask16(c - ch), m1 = c - ch > 16 ? zb_mask16(c - ch - 16) : 0;
                __m512 a0 = _mm512_setzero_ps(), a1 = a0;
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++) {
                        const float *xp = xn + ((size_t)iy * g->iw + ix) * c + ch;
                        a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(m0, xp));
                        a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(m1, xp + 16));
                    }
                _mm512_mask_storeu_ps(yp + ch, m0, _mm512_div_ps(a0, div));
                _mm512_mask_storeu_ps(yp + ch + 16, m1, _mm512_div_ps(a1, div));
            }
        }
    }
}

ZB_AVX512 void zb_x86_global_avgpool_avx512(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1)
{
    const __m512 div = _mm512_set1_ps((float)hw);
    for (int64_t img = n0; img < n1; img++) {
        const float *xn = x + img * hw * c;
        for (int ch = 0; ch < c; ch += 32) {
            const __mmask16 m0 = zb_mask16(c - ch), m1 = c - ch > 16 ? zb_mask16(c - ch - 16) : 0;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0;
            for (int p = 0; p < hw; p++) {
                a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps(m0, xn + (size_t)p * c + ch));
                a1 = _mm512_add_ps(a1, _mm512_maskz_loadu_ps(m1, xn + (size_t)p * c + ch + 16));
            }
            _mm512_mask_storeu_ps(y + img * c + ch, m0, _mm512_div_ps(a0, div));
            _mm512_mask_storeu_ps(y + img * c + ch + 16, m1, _mm512_div_ps(a1, div));
        }
    }
}

/* ---- element-wise ------------------------------------------------------------ */

/* Without per-channel arrays the epilogue is the same for every channel:
 * the whole buffer is one run of npix * c floats. */
static inline int per_channel(const zb_epi *e) { return e && (e->bias || e->scale); }

ZB_AVX512 void zb_x86_ew_affine_avx512(int64_t npix, int c, const float *x, float *y, const zb_epi *e)
{
    const int chan = per_channel(e);
    const int64_t run = chan ? c : npix * c, runs = chan ? npix : 1;
    for (int64_t p = 0; p < runs; p++) {
        const float *xp = x + p * run;
        float *yp = y + p * run;
        for (int64_t i = 0; i < run; i += 16) {
            const __mmask16 m = zb_mask16(run - i);
            _mm512_mask_storeu_ps(yp + i, m, zb_epi16(_mm512_maskz_loadu_ps(m, xp + i), e, chan ? i : 0, m));
        }
    }
}

ZB_AVX512 void zb_x86_ew_add_avx512(int64_t npix, int c, const float *a, const float *b, float alpha, float *y,
                                    const zb_epi *e)
{
    const int chan = per_channel(e);
    const int64_t run = chan ? c : npix * c, runs = chan ? npix : 1;
    const __m512 va = _mm512_set1_ps(alpha);
    for (int64_t p = 0; p < runs; p++) {
        const float *ap = a + p * run, *bp = b + p * run;
        float *yp = y + p * run;
        for (int64_t i = 0; i < run; i += 16) {
            const __mmask16 m = zb_mask16(run - i);
            __m512 vb = _mm512_maskz_loadu_ps(m, bp + i);
            if (alpha != 1.0f)
                vb = _mm512_mul_ps(va, vb);
            const __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, ap + i), vb);
            _mm512_mask_storeu_ps(yp + i, m, zb_epi16(v, e, chan ? i : 0, m));
        }
    }
}

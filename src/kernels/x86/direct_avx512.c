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

/* 3x3 depthwise, stride 1, dilation 1 (the MobileNets' and Xception's
 * layers): 8 output pixels from ox, 32 channels (two groups of 16, lanes m
 * and m2; m2 may be 0), so that 16 independent sums hide the FMA latency,
 * all in registers.  Each input vector is loaded once per kernel row and
 * feeds the (up to 3) outputs whose windows contain it; output p's taps in
 * row ky are columns p + kx, met in increasing kx as the columns go left to
 * right, and the rows go in increasing ky: the (ky, kx) chain of the other
 * kernels.  In an edge block (edge 1) taps outside the image load as zero
 * vectors (columns outside [jlo, jhi), rows with rm[ky] 0): a zero tap adds
 * +-0, which leaves the sum unchanged (it starts at +0 and is never -0;
 * weights are finite), so the bits equal those of the chain that skips
 * them.  x is the address of column ox - pl of kernel row 0's input row,
 * computed in integers because it may lie outside the image; rs is the row
 * stride in floats.  (A stride-2 version of this block was slower than the
 * 4-pixel kernel below on mobilenet's first stride-2 layer and no faster on
 * the others: bench/kernels.sh.) */
#define TAP(a, v, wk) a = _mm512_fmadd_ps(v, wk, a)
#define LOAD(j, off, lanes, rowlanes)                                                                                 \
    _mm512_maskz_loadu_ps(edge ? ((j) >= jlo && (j) < jhi ? (rowlanes) : 0) : (lanes),                               \
                          (const float *)(xr + (uintptr_t)(j) * cb) + (off))
ZB_AVX512 static inline __attribute__((always_inline)) void dw3_block8(uintptr_t x, ptrdiff_t rs, const float *w,
                                                                      ptrdiff_t c, const __mmask16 rm[3],
                                                                      const __mmask16 rm2[3], int jlo, int jhi,
                                                                      __mmask16 m, __mmask16 m2, const zb_epi *e,
                                                                      int ch, float *yp, const int edge)
{
    const uintptr_t cb = (uintptr_t)c * sizeof(float);
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, v;
    __m512 b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
#pragma GCC unroll 3
    for (int ky = 0; ky < 3; ky++) {
        const uintptr_t xr = x + (uintptr_t)ky * (uintptr_t)rs * sizeof(float);
        const __mmask16 rk = rm[ky], rk2 = rm2[ky];
        const float *wr = w + 3 * ky * c;
        const __m512 w0 = _mm512_maskz_loadu_ps(m, wr), w1 = _mm512_maskz_loadu_ps(m, wr + c),
                     w2 = _mm512_maskz_loadu_ps(m, wr + 2 * c);
        const __m512 u0 = _mm512_maskz_loadu_ps(m2, wr + 16), u1 = _mm512_maskz_loadu_ps(m2, wr + c + 16),
                     u2 = _mm512_maskz_loadu_ps(m2, wr + 2 * c + 16);
        v = LOAD(0, 0, m, rk);
        TAP(a0, v, w0);
        v = LOAD(0, 16, m2, rk2);
        TAP(b0, v, u0);
        v = LOAD(1, 0, m, rk);
        TAP(a1, v, w0), TAP(a0, v, w1);
        v = LOAD(1, 16, m2, rk2);
        TAP(b1, v, u0), TAP(b0, v, u1);
        v = LOAD(2, 0, m, rk);
        TAP(a2, v, w0), TAP(a1, v, w1), TAP(a0, v, w2);
        v = LOAD(2, 16, m2, rk2);
        TAP(b2, v, u0), TAP(b1, v, u1), TAP(b0, v, u2);
        v = LOAD(3, 0, m, rk);
        TAP(a3, v, w0), TAP(a2, v, w1), TAP(a1, v, w2);
        v = LOAD(3, 16, m2, rk2);
        TAP(b3, v, u0), TAP(b2, v, u1), TAP(b1, v, u2);
        v = LOAD(4, 0, m, rk);
        TAP(a4, v, w0), TAP(a3, v, w1), TAP(a2, v, w2);
        v = LOAD(4, 16, m2, rk2);
        TAP(b4, v, u0), TAP(b3, v, u1), TAP(b2, v, u2);
        v = LOAD(5, 0, m, rk);
        TAP(a5, v, w0), TAP(a4, v, w1), TAP(a3, v, w2);
        v = LOAD(5, 16, m2, rk2);
        TAP(b5, v, u0), TAP(b4, v, u1), TAP(b3, v, u2);
        v = LOAD(6, 0, m, rk);
        TAP(a6, v, w0), TAP(a5, v, w1), TAP(a4, v, w2);
        v = LOAD(6, 16, m2, rk2);
        TAP(b6, v, u0), TAP(b5, v, u1), TAP(b4, v, u2);
        v = LOAD(7, 0, m, rk);
        TAP(a7, v, w0), TAP(a6, v, w1), TAP(a5, v, w2);
        v = LOAD(7, 16, m2, rk2);
        TAP(b7, v, u0), TAP(b6, v, u1), TAP(b5, v, u2);
        v = LOAD(8, 0, m, rk);
        TAP(a7, v, w1), TAP(a6, v, w2);
        v = LOAD(8, 16, m2, rk2);
        TAP(b7, v, u1), TAP(b6, v, u2);
        v = LOAD(9, 0, m, rk);
        TAP(a7, v, w2);
        v = LOAD(9, 16, m2, rk2);
        TAP(b7, v, u2);
    }
    const zb_epiv16 ev = zb_epiv16_load(e, ch, m), ev2 = zb_epiv16_load(e, ch + 16, m2);
    _mm512_mask_storeu_ps(yp + 0 * c, m, zb_epiv16_apply(&ev, a0));
    _mm512_mask_storeu_ps(yp + 1 * c, m, zb_epiv16_apply(&ev, a1));
    _mm512_mask_storeu_ps(yp + 2 * c, m, zb_epiv16_apply(&ev, a2));
    _mm512_mask_storeu_ps(yp + 3 * c, m, zb_epiv16_apply(&ev, a3));
    _mm512_mask_storeu_ps(yp + 4 * c, m, zb_epiv16_apply(&ev, a4));
    _mm512_mask_storeu_ps(yp + 5 * c, m, zb_epiv16_apply(&ev, a5));
    _mm512_mask_storeu_ps(yp + 6 * c, m, zb_epiv16_apply(&ev, a6));
    _mm512_mask_storeu_ps(yp + 7 * c, m, zb_epiv16_apply(&ev, a7));
    if (m2)
        _mm512_mask_storeu_ps(yp + 0 * c + 16, m2, zb_epiv16_apply(&ev2, b0));
    if (m2)
        _mm512_mask_storeu_ps(yp + 1 * c + 16, m2, zb_epiv16_apply(&ev2, b1));
    if (m2)
        _mm512_mask_storeu_ps(yp + 2 * c + 16, m2, zb_epiv16_apply(&ev2, b2));
    if (m2)
        _mm512_mask_storeu_ps(yp + 3 * c + 16, m2, zb_epiv16_apply(&ev2, b3));
    if (m2)
        _mm512_mask_storeu_ps(yp + 4 * c + 16, m2, zb_epiv16_apply(&ev2, b4));
    if (m2)
        _mm512_mask_storeu_ps(yp + 5 * c + 16, m2, zb_epiv16_apply(&ev2, b5));
    if (m2)
        _mm512_mask_storeu_ps(yp + 6 * c + 16, m2, zb_epiv16_apply(&ev2, b6));
    if (m2)
        _mm512_mask_storeu_ps(yp + 7 * c + 16, m2, zb_epiv16_apply(&ev2, b7));
}
#undef LOAD
#undef TAP

/* Rows [r0, r1) of a 3x3 stride-1 dilation-1 layer with ow >= 8: 16 channels
 * at a time across the row in blocks of 8 pixels; the last block starts at
 * ow - 8 and may redo pixels of the one before it, with the same bits. */
ZB_AVX512 static void dw3s1_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    const ptrdiff_t c = g->c, rs = (ptrdiff_t)g->iw * c;
    const int ow = g->ow;
    const zb_epi e = {d->bias, d->scale, d->shift, d->act};
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * rs;
        const int oy = (int)(r % g->oh), iy0 = oy * g->sh - g->pt;
        float *yr = y + r * ow * c;
        for (int ch = 0; ch < c; ch += 32) {
            const __mmask16 m = zb_mask16(c - ch), m2 = c - ch > 16 ? zb_mask16(c - ch - 16) : 0;
            __mmask16 rm[3], rm2[3];
            for (int ky = 0; ky < 3; ky++) {
                const int in = iy0 + ky >= 0 && iy0 + ky < g->ih;
                rm[ky] = in ? m : 0;
                rm2[ky] = in ? m2 : 0;
            }
            const int rows_in = rm[0] && rm[1] && rm[2];
            for (int o = 0; o < ow; o += 8) {
                const int ox = o + 8 <= ow ? o : ow - 8, ix0 = ox - g->pl;
                const int jlo = ix0 < 0 ? -ix0 : 0, jhi = g->iw - ix0;
                const uintptr_t xb = (uintptr_t)xn + (uintptr_t)(((ptrdiff_t)iy0 * rs + (ptrdiff_t)ix0 * c + ch) *
                                                                 (ptrdiff_t)sizeof(float));
                float *yp = yr + (ptrdiff_t)ox * c + ch;
                if (rows_in && jlo == 0 && jhi >= 10)
                    dw3_block8(xb, rs, d->w + ch, c, rm, rm2, jlo, jhi, m, m2, &e, ch, yp, 0);
                else
                    dw3_block8(xb, rs, d->w + ch, c, rm, rm2, jlo, jhi, m, m2, &e, ch, yp, 1);
            }
        }
    }
}

ZB_AVX512 void zb_x86_dw_rows_avx512(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    if (zb_x86_dw3s1(g)) {
        dw3s1_rows(d, x, y, r0, r1);
        return;
    }
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
                    const zb_epiv16 ev = zb_epiv16_load(&e, ch, m);
                    _mm512_mask_storeu_ps(yp + ch, m, zb_epiv16_apply(&ev, a0));
                    _mm512_mask_storeu_ps(yp + c + ch, m, zb_epiv16_apply(&ev, a1));
                    _mm512_mask_storeu_ps(yp + 2 * c + ch, m, zb_epiv16_apply(&ev, a2));
                    _mm512_mask_storeu_ps(yp + 3 * c + ch, m, zb_epiv16_apply(&ev, a3));
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
    if (chan && c < 16 && npix >= 16) {
        /* few channels (inception_v3's input transform, c = 3): 16 pixels
         * at a time, c full vectors against the per-channel arrays laid
         * out with that period; the same operations per element */
        float pat[3 * 16 * 16];
        const zb_epi pe = zb_x86_epi_periodic(e, c, 16, pat);
        zb_epiv16 ev[16];
        for (int v = 0; v < c; v++)
            ev[v] = zb_epiv16_load(&pe, 16 * v, 0xffff);
        int64_t p = 0;
        for (; p + 16 <= npix; p += 16)
            for (int v = 0; v < c; v++) {
                const int64_t i = p * c + 16 * v;
                _mm512_storeu_ps(y + i, zb_epiv16_apply(&ev[v], _mm512_loadu_ps(x + i)));
            }
        x += p * c, y += p * c, npix -= p;
    }
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

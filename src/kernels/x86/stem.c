/* Direct small-channel convolution blocks (see kernels/stem.h): R output
 * pixels x 32 (AVX-512, R = 14: 28 zmm accumulators) or x 16 (AVX2, R = 6:
 * 12 ymm accumulators) output channels per pass, one broadcast of the input
 * per pixel and one load of B per 16 (8) columns per tap.  Every output is
 * its own FMA chain over the taps in (ky, kx, ci) order from +0, then the
 * epilogue, lane-wise as in the GEMM microkernels (the same operations as
 * zb_epi16 / zb_epi8, with the arrays loaded once per panel).  Compiled with
 * -mavx2 -mfma; the AVX-512 code is enabled per function. */
#include "kernels/stem.h"
#include "kernels/x86/simd.h"
#include "kernels/x86/simd512.h"

/* The taps of one window row: runs of `len` contiguous floats (the whole
 * row, kw * ic, without dilation; ic per tap with it), `nrun` runs kxs
 * apart. */
static inline void tap_runs(const zb_stem_blk *a, int *len, int *nrun)
{
    const int flat = a->kxs == a->ic;
    *len = flat ? a->kw * a->ic : a->ic;
    *nrun = flat ? 1 : a->kw;
}

/* ---- AVX-512: 14 pixels x NP (1 or 2) panels ------------------------------- */

/* Pixel j's input at the current tap, from five pointers 3 pixels apart
 * and the pixel stride (few integer registers, as in the 12x32 GEMM
 * kernel).  The stride stays a runtime value: with a constant one gcc finds
 * the inputs that neighbouring windows share, keeps them in registers
 * across taps and spills the accumulators (tried: 1.7x slower). */
#define X14(j) ((j) < 3 ? p0 : (j) < 6 ? p3 : (j) < 9 ? p6 : (j) < 12 ? p9 : p12)[((j) % 3) * ps]
#define FMA14(j)                                                                                                   \
    do {                                                                                                           \
        const __m512 v = _mm512_set1_ps(X14(j));                                                                   \
        acc[j][0] = _mm512_fmadd_ps(v, w0, acc[j][0]);                                                             \
        if (NP == 2)                                                                                               \
            acc[j][1] = _mm512_fmadd_ps(v, w1, acc[j][1]);                                                         \
    } while (0)
/* One tap: the B row of the NP panels, then the 14 pixels. */
#define TAP14()                                                                                                    \
    do {                                                                                                           \
        const __m512 w0 = _mm512_loadu_ps(bp), w1 = NP == 2 ? _mm512_loadu_ps(bp + boff) : w0;                    \
        FMA14(0); FMA14(1); FMA14(2); FMA14(3); FMA14(4); FMA14(5); FMA14(6);                                      \
        FMA14(7); FMA14(8); FMA14(9); FMA14(10); FMA14(11); FMA14(12); FMA14(13);                                  \
    } while (0)

/* NP panels from panel p. */
ZB_AVX512 static inline __attribute__((always_inline)) void pass512(const int NP, const zb_stem_blk *a, int p)
{
    enum { R = ZB_STEM_R512 };
    const ptrdiff_t ps = a->ps, boff = (ptrdiff_t)a->kh * a->kw * a->ic * 16;   /* panel p to p + 1 */
    const float *bp = a->w + p * boff;
    int len, nrun;
    tap_runs(a, &len, &nrun);
    __m512 acc[R][2];
#pragma GCC unroll 14
    for (int j = 0; j < R; j++)
#pragma GCC unroll 2
        for (int q = 0; q < NP; q++)
            acc[j][q] = _mm512_setzero_ps();
    for (int ky = 0; ky < a->kh; ky++)
        for (int kr = 0; kr < nrun; kr++) {
            const float *p0 = a->x + ky * a->ldrow + kr * a->kxs, *p3 = p0 + 3 * ps, *p6 = p0 + 6 * ps,
                        *p9 = p0 + 9 * ps, *p12 = p0 + 12 * ps;
#pragma GCC unroll 1
            for (int t = 0; t < len; t++, p0++, p3++, p6++, p9++, p12++, bp += 16)
                TAP14();
        }
    /* The epilogue and the block's fields in locals: the stores may alias
     * anything, which would reload them for every vector. */
    const int last = a->n - 16 * (a->np - 1), nv = a->nv;   /* columns of the last panel */
    const ptrdiff_t ldy = a->ldy;
#pragma GCC unroll 2
    for (int q = 0; q < NP; q++) {
        const __mmask16 m = p + q == a->np - 1 ? zb_mask16(last) : (__mmask16)0xffff;
        const zb_epiv16 ev = zb_epiv16_load(a->e, 16 * (p + q), 0xffff);   /* arrays padded to panels */
        float *yp = a->y + 16 * (p + q);
#pragma GCC unroll 14
        for (int j = 0; j < R; j++)
            if (j < nv)
                _mm512_mask_storeu_ps(yp + j * ldy, m, zb_epiv16_apply(&ev, acc[j][q]));
    }
}

ZB_AVX512 void zb_x86_stem_avx512(const zb_stem_blk *a)
{
    int p = 0;
    for (; p + 2 <= a->np; p += 2)
        pass512(2, a, p);
    if (p < a->np)
        pass512(1, a, p);
}

/* ---- AVX2: 6 pixels x one panel (two ymm) ----------------------------------- */

/* zb_epi8's operations with the arrays of 8 columns loaded once (the
 * arrays are padded to whole panels, so full loads stay inside them). */
typedef struct epi256 {
    __m256 bias, scale, shift;
    int has_bias, has_scale, act;
} epi256;

static inline epi256 epi256_at(const zb_epi *e, int ch)
{
    epi256 v = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), 0, 0, ZB_EPI_NONE};
    if (!e)
        return v;
    v.has_bias = e->bias != NULL, v.has_scale = e->scale != NULL, v.act = e->act;
    if (v.has_bias)
        v.bias = _mm256_loadu_ps(e->bias + ch);
    if (v.has_scale)
        v.scale = _mm256_loadu_ps(e->scale + ch), v.shift = _mm256_loadu_ps(e->shift + ch);
    return v;
}

static inline __m256 epi256_apply(const epi256 *v, __m256 y)
{
    if (v->has_bias)
        y = _mm256_add_ps(y, v->bias);
    if (v->has_scale)
        y = _mm256_add_ps(_mm256_mul_ps(y, v->scale), v->shift);
    if (v->act != ZB_EPI_NONE) {
        y = _mm256_max_ps(y, _mm256_setzero_ps());
        if (v->act == ZB_EPI_RELU6)
            y = _mm256_min_ps(y, _mm256_set1_ps(6.0f));
    }
    return y;
}

#define X6(j) ((j) < 3 ? p0 : p3)[((j) % 3) * ps]
#define FMA6(j)                                                                                                    \
    do {                                                                                                           \
        const __m256 v = _mm256_broadcast_ss(&X6(j));                                                              \
        acc[j][0] = _mm256_fmadd_ps(v, w0, acc[j][0]);                                                             \
        acc[j][1] = _mm256_fmadd_ps(v, w1, acc[j][1]);                                                             \
    } while (0)

void zb_x86_stem_avx2(const zb_stem_blk *a)
{
    enum { R = ZB_STEM_R256 };
    const ptrdiff_t ps = a->ps, ldy = a->ldy;
    const int nv = a->nv;
    int len, nrun;
    tap_runs(a, &len, &nrun);
    for (int p = 0; p < a->np; p++) {
        const float *bp = a->w + (ptrdiff_t)p * a->kh * a->kw * a->ic * 16;
        __m256 acc[R][2];
#pragma GCC unroll 6
        for (int j = 0; j < R; j++)
            acc[j][0] = acc[j][1] = _mm256_setzero_ps();
        for (int ky = 0; ky < a->kh; ky++)
            for (int kr = 0; kr < nrun; kr++) {
                const float *p0 = a->x + ky * a->ldrow + kr * a->kxs, *p3 = p0 + 3 * ps;
#pragma GCC unroll 1
                for (int t = 0; t < len; t++, p0++, p3++, bp += 16) {
                    const __m256 w0 = _mm256_loadu_ps(bp), w1 = _mm256_loadu_ps(bp + 8);
                    FMA6(0); FMA6(1); FMA6(2); FMA6(3); FMA6(4); FMA6(5);
                }
            }
        const int cols = a->n - 16 * p < 16 ? a->n - 16 * p : 16;
        const int n0 = cols < 8 ? cols : 8, n1 = cols - 8;
        const __m256i m0 = zb_mask8(n0), m1 = zb_mask8(n1 > 0 ? n1 : 0);
        const epi256 e0 = epi256_at(a->e, 16 * p), e1 = epi256_at(a->e, 16 * p + 8);
        float *yp = a->y + 16 * p;
#pragma GCC unroll 6
        for (int j = 0; j < R; j++)
            if (j < nv) {
                zb_store8(yp + j * ldy, epi256_apply(&e0, acc[j][0]), n0, m0);
                if (n1 > 0)
                    zb_store8(yp + j * ldy + 8, epi256_apply(&e1, acc[j][1]), n1, m1);
            }
    }
}

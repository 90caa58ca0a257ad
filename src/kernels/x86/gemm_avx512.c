/* f32 GEMM microkernels, AVX-512F: mr (1..6) rows x one or two adjacent
 * 16-column B panels, one zmm accumulator per (row, panel), one broadcast of
 * A per row and one load of B per panel per k.  Each C element is the same
 * FMA chain in k order as in the 6x16 AVX2 kernel and the portable one, so
 * all give the same bits; the row count and the column mask only choose
 * which chains run and which results are stored.  Compiled with -mavx2
 * -mfma; the AVX-512 code is enabled per function. */
#include "kernels/x86/simd512.h"
#include "kernels/x86/x86.h"

/* One k of the MR x NP block: acc[i][j] = fma(a[i][k], b[j][k .. k + 16), acc[i][j]). */
ZB_AVX512 static inline __attribute__((always_inline)) void kstep(const int MR, const int NP, const float *const *ap,
                                                                  const float *const *bp, int k, __m512 acc[6][2])
{
    __m512 b[2];
#pragma GCC unroll 2
    for (int j = 0; j < NP; j++)
        b[j] = _mm512_loadu_ps(bp[j] + 16 * k);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        const __m512 x = _mm512_set1_ps(ap[i][k]);
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++)
            acc[i][j] = _mm512_fmadd_ps(x, b[j], acc[i][j]);
    }
}

/* MR rows x NP panels; the last panel's columns masked by m (loads of C and
 * stores).  Inlined with constant MR, NP: the accumulators stay in zmm. */
ZB_AVX512 static inline __attribute__((always_inline)) void kern(const int MR, const int NP, int kc,
                                                                 const float *const *a, const float *b0,
                                                                 const float *b1, float *c, ptrdiff_t ldc,
                                                                 int accumulate, const zb_epi *e, __mmask16 m,
                                                                 const float *pf, int npf2)
{
    const int npf = npf2 < kc ? npf2 : kc;
    __m512 acc[6][2];
    const float *ap[6];
    const float *bp[2] = {b0, b1};
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
        ap[i] = a[i];
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++)
            acc[i][j] = !accumulate ? _mm512_setzero_ps()
                        : j == NP - 1 ? _mm512_maskz_loadu_ps(m, c + i * ldc + 16 * j)
                                      : _mm512_loadu_ps(c + i * ldc + 16 * j);
    }
    int k = 0;
    for (; k < npf; k++) {   /* the same, also fetching the next B lines into L2 */
        _mm_prefetch((const char *)(pf + 16 * k), _MM_HINT_T1);
        if (k + kc < npf2)
            _mm_prefetch((const char *)(pf + 16 * (k + kc)), _MM_HINT_T1);
        kstep(MR, NP, ap, bp, k, acc);
    }
#pragma GCC unroll 4
    for (; k < kc; k++)
        kstep(MR, NP, ap, bp, k, acc);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++)
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++) {
            const __m512 y = zb_epi16(acc[i][j], e, 16 * j, (__mmask16)0xffff);
            if (j == NP - 1)
                _mm512_mask_storeu_ps(c + i * ldc + 16 * j, m, y);
            else
                _mm512_storeu_ps(c + i * ldc + 16 * j, y);
        }
}

#define KDEF(R, P)                                                                                                 \
    ZB_AVX512 static void k##R##x##P(int kc, const float *const *a, const float *b0, const float *b1, float *c,  \
                                     ptrdiff_t ldc, int accumulate, const zb_epi *e, __mmask16 m, const float *pf, \
                                     int npf)                                                                      \
    {                                                                                                              \
        kern(R, P, kc, a, b0, b1, c, ldc, accumulate, e, m, pf, npf);                                             \
    }
KDEF(1, 1) KDEF(2, 1) KDEF(3, 1) KDEF(4, 1) KDEF(5, 1) KDEF(6, 1)
KDEF(1, 2) KDEF(2, 2) KDEF(3, 2) KDEF(4, 2) KDEF(5, 2) KDEF(6, 2)

typedef void (*kfn)(int, const float *const *, const float *, const float *, float *, ptrdiff_t, int,
                    const zb_epi *, __mmask16, const float *, int);
static const kfn kernels[2][6] = {{k1x1, k2x1, k3x1, k4x1, k5x1, k6x1}, {k1x2, k2x2, k3x2, k4x2, k5x2, k6x2}};

ZB_AVX512 void zb_x86_gemm_avx512(int mr, int np, int nr, int kc, const float *const *a, const float *b0,
                                  const float *b1, float *c, ptrdiff_t ldc, int accumulate, const zb_epi *e,
                                  const float *pf, int npf)
{
    kernels[np - 1][mr - 1](kc, a, b0, b1, c, ldc, accumulate, e, (__mmask16)((1u << nr) - 1), pf, npf);
}

/* 12 rows at a uniform stride (a + i * lda) x two panels: 24 accumulators.
 * The rows are addressed from four pointers and the stride so that the
 * loop needs few integer registers. */
#define ROW12(i, p, off)                                                                                            \
    x = _mm512_set1_ps((p)[off]), acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]),                                  \
    acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1])

/* One k of the 12x32 block, then the pointers move on. */
#define K12STEP()                                                                                                  \
    do {                                                                                                           \
        const __m512 b0 = _mm512_loadu_ps(b0p), b1 = _mm512_loadu_ps(b0p + boff);                                 \
        __m512 x;                                                                                                  \
        ROW12(0, p0, 0), ROW12(1, p0, lda), ROW12(2, p0, 2 * lda);                                                 \
        ROW12(3, p3, 0), ROW12(4, p3, lda), ROW12(5, p3, 2 * lda);                                                 \
        ROW12(6, p6, 0), ROW12(7, p6, lda), ROW12(8, p6, 2 * lda);                                                 \
        ROW12(9, p9, 0), ROW12(10, p9, lda), ROW12(11, p9, 2 * lda);                                               \
        p0++, p3++, p6++, p9++, b0p += 16;                                                                         \
    } while (0)

ZB_AVX512 void zb_x86_gemm_12x32_avx512(int kc, const float *a, ptrdiff_t lda, const float *b0p, const float *b1p,
                                        float *c, ptrdiff_t ldc, int accumulate, const zb_epi *e, const float *pf,
                                        int npf)
{
    __m512 acc[12][2];
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++)
#pragma GCC unroll 2
        for (int j = 0; j < 2; j++)
            acc[i][j] = accumulate ? _mm512_loadu_ps(c + i * ldc + 16 * j) : _mm512_setzero_ps();
    const float *p0 = a, *p3 = a + 3 * lda, *p6 = a + 6 * lda, *p9 = a + 9 * lda;
    const ptrdiff_t boff = b1p - b0p;
    int k = 0;
    const int npf1 = npf < kc ? npf : kc;
    for (; k < npf1; k++) {   /* the same, also fetching the next B lines into L2 */
        _mm_prefetch((const char *)(pf + 16 * k), _MM_HINT_T1);
        if (k + kc < npf)
            _mm_prefetch((const char *)(pf + 16 * (k + kc)), _MM_HINT_T1);
        K12STEP();
    }
#pragma GCC unroll 2
    for (; k < kc; k++)
        K12STEP();
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++)
#pragma GCC unroll 2
        for (int j = 0; j < 2; j++)
            _mm512_storeu_ps(c + i * ldc + 16 * j, zb_epi16(acc[i][j], e, 16 * j, (__mmask16)0xffff));
}

/* 12 independent zmm FMA chains per thread, for the AVX-512 peak. */
ZB_AVX512 float zb_x86_fma_loop_avx512(long iters)
{
    __m512 c[12];
    const __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        c[i] = _mm512_set1_ps((float)i);
    for (long it = 0; it < iters; it++) {
        c[0] = _mm512_fmadd_ps(c[0], x, y), c[1] = _mm512_fmadd_ps(c[1], x, y);
        c[2] = _mm512_fmadd_ps(c[2], x, y), c[3] = _mm512_fmadd_ps(c[3], x, y);
        c[4] = _mm512_fmadd_ps(c[4], x, y), c[5] = _mm512_fmadd_ps(c[5], x, y);
        c[6] = _mm512_fmadd_ps(c[6], x, y), c[7] = _mm512_fmadd_ps(c[7], x, y);
        c[8] = _mm512_fmadd_ps(c[8], x, y), c[9] = _mm512_fmadd_ps(c[9], x, y);
        c[10] = _mm512_fmadd_ps(c[10], x, y), c[11] = _mm512_fmadd_ps(c[11], x, y);
    }
    __m512 s = c[0];
    for (int i = 1; i < 12; i++)
        s = _mm512_add_ps(s, c[i]);
    return _mm512_reduce_add_ps(s);
}

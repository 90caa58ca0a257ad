/* f32 GEMM microkernels, AVX-512F: mr (1..12) rows at one stride x one or
 * two adjacent 16-column B panels, one zmm accumulator per (row, panel), one
 * broadcast of A per row and one load of B per panel per k.  Each C element
 * is the same FMA chain in k order as in the 6x16 AVX2 kernel and the
 * portable one, so all give the same bits; the row count and the column
 * mask only choose which chains run and which results are stored.
 * Compiled with -mavx2 -mfma; the AVX-512 code is enabled per function. */
#include "kernels/x86/simd512.h"
#include "kernels/x86/x86.h"

/* The epilogue on an R x NP block of accumulators, then the stores (the
 * last panel's columns masked by m; the residual's too).  Each step runs over the whole block
 * with its operands loaded once: lane-wise zb_epi16's operations in its
 * order, but four tests per call instead of per register (the vector
 * stores may alias e, so per-register code reloaded e's fields). */
ZB_AVX512 static inline __attribute__((always_inline)) void finish(const int R, const int NP, __m512 acc[][2],
                                                                   float *c, ptrdiff_t ldc,
                                                                   const zb_gemm_epi *ge, __mmask16 m)
{
    if (ge) {
        const zb_epi *e = &ge->e;
        const float *bias = e->bias, *scale = e->scale, *shift = e->shift;
        const int act = e->act;
        __m512 u[2], v[2];
        if (bias) {
#pragma GCC unroll 2
            for (int j = 0; j < NP; j++)
                u[j] = _mm512_loadu_ps(bias + 16 * j);
#pragma GCC unroll 12
            for (int i = 0; i < R; i++)
#pragma GCC unroll 2
                for (int j = 0; j < NP; j++)
                    acc[i][j] = _mm512_add_ps(acc[i][j], u[j]);
        }
        if (scale) {
#pragma GCC unroll 2
            for (int j = 0; j < NP; j++)
                u[j] = _mm512_loadu_ps(scale + 16 * j), v[j] = _mm512_loadu_ps(shift + 16 * j);
#pragma GCC unroll 12
            for (int i = 0; i < R; i++)
#pragma GCC unroll 2
                for (int j = 0; j < NP; j++)
                    acc[i][j] = _mm512_add_ps(_mm512_mul_ps(acc[i][j], u[j]), v[j]);
        }
        if (ge->res) {   /* the fused residual add, operands in the add node's order */
            const float *r = ge->res;
            const ptrdiff_t ldr = ge->ldr;
#pragma GCC unroll 12
            for (int i = 0; i < R; i++)
#pragma GCC unroll 2
                for (int j = 0; j < NP; j++) {
                    const __m512 x = j == NP - 1 ? _mm512_maskz_loadu_ps(m, r + i * ldr + 16 * j)
                                                 : _mm512_loadu_ps(r + i * ldr + 16 * j);
                    acc[i][j] = ge->res_left ? _mm512_add_ps(x, acc[i][j]) : _mm512_add_ps(acc[i][j], x);
                }
        }
        if (act != ZB_EPI_NONE) {
            /* max_ps(y, 0) returns 0 for NaN and -0, as y > 0 ? y : 0 does */
            const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
#pragma GCC unroll 12
            for (int i = 0; i < R; i++)
#pragma GCC unroll 2
                for (int j = 0; j < NP; j++)
                    acc[i][j] = _mm512_max_ps(acc[i][j], zero);
            if (act == ZB_EPI_RELU6)
#pragma GCC unroll 12
                for (int i = 0; i < R; i++)
#pragma GCC unroll 2
                    for (int j = 0; j < NP; j++)
                        acc[i][j] = _mm512_min_ps(acc[i][j], six);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < R; i++)
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++) {
            if (j == NP - 1)
                _mm512_mask_storeu_ps(c + i * ldc + 16 * j, m, acc[i][j]);
            else
                _mm512_storeu_ps(c + i * ldc + 16 * j, acc[i][j]);
        }
}

/* R (1..12) rows at a uniform stride (row i at a + i * lda) x NP panels,
 * the last panel's columns masked by m: up to 24 accumulators.  The rows
 * are addressed from four pointers (rows 0, 3, 6, 9) and the stride, so the
 * loop needs few integer registers (with 12 row pointers gcc spilled 15 per
 * 96 FMAs). */
ZB_AVX512 static inline __attribute__((always_inline)) void kstride(const int R, const int NP, int kc, const float *a,
                                                                    ptrdiff_t lda, const float *b0, const float *b1,
                                                                    float *c, ptrdiff_t ldc, int accumulate,
                                                                    const zb_gemm_epi *e, __mmask16 m, const float *pf,
                                                                    int npf2)
{
    __m512 acc[12][2];
#pragma GCC unroll 12
    for (int i = 0; i < R; i++)
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++)
            acc[i][j] = !accumulate ? _mm512_setzero_ps()
                        : j == NP - 1 ? _mm512_maskz_loadu_ps(m, c + i * ldc + 16 * j)
                                      : _mm512_loadu_ps(c + i * ldc + 16 * j);
    const float *p0 = a, *p3 = a + 3 * lda, *p6 = a + 6 * lda, *p9 = a + 9 * lda;
    const float *bp = b0;
    const ptrdiff_t boff = b1 - b0;
    const int npf = npf2 < kc ? npf2 : kc;
#define KSTRIDE_STEP()                                                                                             \
    do {                                                                                                           \
        __m512 b[2];                                                                                               \
        b[0] = _mm512_loadu_ps(bp);                                                                                \
        if (NP == 2)                                                                                               \
            b[1] = _mm512_loadu_ps(bp + boff);                                                                     \
        _Pragma("GCC unroll 12") for (int i = 0; i < R; i++)                                                       \
        {                                                                                                          \
            const float *pi = i < 3 ? p0 : i < 6 ? p3 : i < 9 ? p6 : p9;                                           \
            const __m512 x = _mm512_set1_ps(pi[(i % 3) * lda]);                                                    \
            _Pragma("GCC unroll 2") for (int j = 0; j < NP; j++) acc[i][j] = _mm512_fmadd_ps(x, b[j], acc[i][j]);  \
        }                                                                                                          \
        p0++, p3++, p6++, p9++, bp += 16;                                                                          \
    } while (0)
    int k = 0;
    for (; k < npf; k++) {   /* the same, also fetching the next B lines into L2 */
        _mm_prefetch((const char *)(pf + 16 * k), _MM_HINT_T1);
        if (k + kc < npf2)
            _mm_prefetch((const char *)(pf + 16 * (k + kc)), _MM_HINT_T1);
        KSTRIDE_STEP();
    }
#pragma GCC unroll 2
    for (; k < kc; k++)
        KSTRIDE_STEP();
#undef KSTRIDE_STEP
    finish(R, NP, acc, c, ldc, e, m);
}

#define SDEF(R, P)                                                                                                 \
    ZB_AVX512 static void s##R##x##P(int kc, const float *a, ptrdiff_t lda, const float *b0, const float *b1,      \
                                     float *c, ptrdiff_t ldc, int accumulate, const zb_gemm_epi *e, __mmask16 m,        \
                                     const float *pf, int npf)                                                     \
    {                                                                                                              \
        kstride(R, P, kc, a, lda, b0, b1, c, ldc, accumulate, e, m, pf, npf);                                     \
    }
SDEF(1, 1) SDEF(2, 1) SDEF(3, 1) SDEF(4, 1) SDEF(5, 1) SDEF(6, 1)
SDEF(7, 1) SDEF(8, 1) SDEF(9, 1) SDEF(10, 1) SDEF(11, 1) SDEF(12, 1)
SDEF(1, 2) SDEF(2, 2) SDEF(3, 2) SDEF(4, 2) SDEF(5, 2) SDEF(6, 2)
SDEF(7, 2) SDEF(8, 2) SDEF(9, 2) SDEF(10, 2) SDEF(11, 2) SDEF(12, 2)

typedef void (*sfn)(int, const float *, ptrdiff_t, const float *, const float *, float *, ptrdiff_t, int,
                    const zb_gemm_epi *, __mmask16, const float *, int);
static const sfn strided[2][12] = {
    {s1x1, s2x1, s3x1, s4x1, s5x1, s6x1, s7x1, s8x1, s9x1, s10x1, s11x1, s12x1},
    {s1x2, s2x2, s3x2, s4x2, s5x2, s6x2, s7x2, s8x2, s9x2, s10x2, s11x2, s12x2},
};

ZB_AVX512 void zb_x86_gemm_strided_avx512(int mr, int np, int nr, int kc, const float *a, ptrdiff_t lda,
                                          const float *b0, const float *b1, float *c, ptrdiff_t ldc, int accumulate,
                                          const zb_gemm_epi *e, const float *pf, int npf)
{
    strided[np - 1][mr - 1](kc, a, lda, b0, b1, c, ldc, accumulate, e, (__mmask16)((1u << nr) - 1), pf, npf);
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

/* f32 GEMM microkernel 6x32, AVX-512F (two adjacent 16-column B panels at
 * once): 12 zmm accumulators, one broadcast of A and two loads of B per k.
 * Each C element is the same FMA chain in k order as in the 6x16 AVX2 kernel
 * and the portable one, so all three give the same bits.  Compiled with
 * -mavx2 -mfma; the AVX-512 code is enabled per function. */
#include <immintrin.h>

#include "kernels/x86/x86.h"

#define ZB_AVX512 __attribute__((target("avx512f,fma,avx2")))

ZB_AVX512 static inline __m512 epi16(__m512 y, const zb_epi *e, int off)
{
    if (e->bias)
        y = _mm512_add_ps(y, _mm512_loadu_ps(e->bias + off));
    if (e->scale)
        y = _mm512_add_ps(_mm512_mul_ps(y, _mm512_loadu_ps(e->scale + off)), _mm512_loadu_ps(e->shift + off));
    if (e->act != ZB_EPI_NONE) {
        /* max_ps(y, 0) returns 0 for NaN and -0, as y > 0 ? y : 0 does */
        y = _mm512_max_ps(y, _mm512_setzero_ps());
        if (e->act == ZB_EPI_RELU6)
            y = _mm512_min_ps(y, _mm512_set1_ps(6.0f));
    }
    return y;
}

ZB_AVX512 void zb_x86_gemm_6x32_avx512(int kc, const float *const *a, const float *b0p, const float *b1p, float *c,
                                       ptrdiff_t ldc, int accumulate, const zb_epi *e)
{
    const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
    __m512 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    if (accumulate) {
        c00 = _mm512_loadu_ps(c + 0 * ldc), c01 = _mm512_loadu_ps(c + 0 * ldc + 16);
        c10 = _mm512_loadu_ps(c + 1 * ldc), c11 = _mm512_loadu_ps(c + 1 * ldc + 16);
        c20 = _mm512_loadu_ps(c + 2 * ldc), c21 = _mm512_loadu_ps(c + 2 * ldc + 16);
        c30 = _mm512_loadu_ps(c + 3 * ldc), c31 = _mm512_loadu_ps(c + 3 * ldc + 16);
        c40 = _mm512_loadu_ps(c + 4 * ldc), c41 = _mm512_loadu_ps(c + 4 * ldc + 16);
        c50 = _mm512_loadu_ps(c + 5 * ldc), c51 = _mm512_loadu_ps(c + 5 * ldc + 16);
    } else {
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm512_setzero_ps();
    }
#pragma GCC unroll 4
    for (int k = 0; k < kc; k++) {
        const __m512 b0 = _mm512_loadu_ps(b0p + 16 * k), b1 = _mm512_loadu_ps(b1p + 16 * k);
        __m512 x;
        x = _mm512_set1_ps(a0[k]), c00 = _mm512_fmadd_ps(x, b0, c00), c01 = _mm512_fmadd_ps(x, b1, c01);
        x = _mm512_set1_ps(a1[k]), c10 = _mm512_fmadd_ps(x, b0, c10), c11 = _mm512_fmadd_ps(x, b1, c11);
        x = _mm512_set1_ps(a2[k]), c20 = _mm512_fmadd_ps(x, b0, c20), c21 = _mm512_fmadd_ps(x, b1, c21);
        x = _mm512_set1_ps(a3[k]), c30 = _mm512_fmadd_ps(x, b0, c30), c31 = _mm512_fmadd_ps(x, b1, c31);
        x = _mm512_set1_ps(a4[k]), c40 = _mm512_fmadd_ps(x, b0, c40), c41 = _mm512_fmadd_ps(x, b1, c41);
        x = _mm512_set1_ps(a5[k]), c50 = _mm512_fmadd_ps(x, b0, c50), c51 = _mm512_fmadd_ps(x, b1, c51);
    }
    if (e) {
        c00 = epi16(c00, e, 0), c01 = epi16(c01, e, 16), c10 = epi16(c10, e, 0), c11 = epi16(c11, e, 16);
        c20 = epi16(c20, e, 0), c21 = epi16(c21, e, 16), c30 = epi16(c30, e, 0), c31 = epi16(c31, e, 16);
        c40 = epi16(c40, e, 0), c41 = epi16(c41, e, 16), c50 = epi16(c50, e, 0), c51 = epi16(c51, e, 16);
    }
    _mm512_storeu_ps(c + 0 * ldc, c00), _mm512_storeu_ps(c + 0 * ldc + 16, c01);
    _mm512_storeu_ps(c + 1 * ldc, c10), _mm512_storeu_ps(c + 1 * ldc + 16, c11);
    _mm512_storeu_ps(c + 2 * ldc, c20), _mm512_storeu_ps(c + 2 * ldc + 16, c21);
    _mm512_storeu_ps(c + 3 * ldc, c30), _mm512_storeu_ps(c + 3 * ldc + 16, c31);
    _mm512_storeu_ps(c + 4 * ldc, c40), _mm512_storeu_ps(c + 4 * ldc + 16, c41);
    _mm512_storeu_ps(c + 5 * ldc, c50), _mm512_storeu_ps(c + 5 * ldc + 16, c51);
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

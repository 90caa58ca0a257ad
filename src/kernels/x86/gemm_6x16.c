/* f32 GEMM microkernel 6x16, AVX2/FMA: 12 accumulators, one broadcast of A
 * and two loads of B per k.  Every C element is its own FMA chain in k order. */
#include <immintrin.h>

#include "kernels/x86/x86.h"

static inline __m256 epi8(__m256 y, const zb_epi *e, int off)
{
    if (e->bias)
        y = _mm256_add_ps(y, _mm256_loadu_ps(e->bias + off));
    if (e->scale)
        y = _mm256_add_ps(_mm256_mul_ps(y, _mm256_loadu_ps(e->scale + off)), _mm256_loadu_ps(e->shift + off));
    if (e->act != ZB_EPI_NONE) {
        /* max_ps(y, 0) returns 0 for NaN and -0, as y > 0 ? y : 0 does */
        y = _mm256_max_ps(y, _mm256_setzero_ps());
        if (e->act == ZB_EPI_RELU6)
            y = _mm256_min_ps(y, _mm256_set1_ps(6.0f));
    }
    return y;
}

void zb_x86_gemm_6x16(int kc, const float *const *a, const float *b, float *c, ptrdiff_t ldc, int accumulate,
                      const zb_epi *e)
{
    const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
    if (accumulate) {
        c00 = _mm256_loadu_ps(c + 0 * ldc), c01 = _mm256_loadu_ps(c + 0 * ldc + 8);
        c10 = _mm256_loadu_ps(c + 1 * ldc), c11 = _mm256_loadu_ps(c + 1 * ldc + 8);
        c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);
        c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);
        c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);
        c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);
    } else {
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();
    }
    for (int k = 0; k < kc; k++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        b += 16;
        __m256 x;
        x = _mm256_broadcast_ss(a0 + k), c00 = _mm256_fmadd_ps(x, b0, c00), c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a1 + k), c10 = _mm256_fmadd_ps(x, b0, c10), c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a2 + k), c20 = _mm256_fmadd_ps(x, b0, c20), c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a3 + k), c30 = _mm256_fmadd_ps(x, b0, c30), c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a4 + k), c40 = _mm256_fmadd_ps(x, b0, c40), c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a5 + k), c50 = _mm256_fmadd_ps(x, b0, c50), c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    if (e) {
        c00 = epi8(c00, e, 0), c01 = epi8(c01, e, 8), c10 = epi8(c10, e, 0), c11 = epi8(c11, e, 8);
        c20 = epi8(c20, e, 0), c21 = epi8(c21, e, 8), c30 = epi8(c30, e, 0), c31 = epi8(c31, e, 8);
        c40 = epi8(c40, e, 0), c41 = epi8(c41, e, 8), c50 = epi8(c50, e, 0), c51 = epi8(c51, e, 8);
    }
    _mm256_storeu_ps(c + 0 * ldc, c00), _mm256_storeu_ps(c + 0 * ldc + 8, c01);
    _mm256_storeu_ps(c + 1 * ldc, c10), _mm256_storeu_ps(c + 1 * ldc + 8, c11);
    _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
    _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
    _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
    _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

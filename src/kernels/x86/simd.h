/* Helpers shared by the AVX2 files (include only from src/kernels/x86). */
#ifndef ZB_KERNELS_X86_SIMD_H
#define ZB_KERNELS_X86_SIMD_H

#include <immintrin.h>

#include "kernels/fast.h"

/* Lanes [0, n) on, for n in 0..8. */
static inline __m256i zb_mask8(int n)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
}

static inline __m256 zb_load8(const float *p, int n, __m256i m)
{
    return n >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}

static inline void zb_store8(float *p, __m256 v, int n, __m256i m)
{
    if (n >= 8)
        _mm256_storeu_ps(p, v);
    else
        _mm256_maskstore_ps(p, m, v);
}

/* zb_epi_apply on 8 channels [ch, ch + n), lane-wise the same operations. */
static inline __m256 zb_epi8(__m256 y, const zb_epi *e, int ch, int n, __m256i m)
{
    if (!e)
        return y;
    if (e->bias)
        y = _mm256_add_ps(y, zb_load8(e->bias + ch, n, m));
    if (e->scale)
        y = _mm256_add_ps(_mm256_mul_ps(y, zb_load8(e->scale + ch, n, m)), zb_load8(e->shift + ch, n, m));
    if (e->act != ZB_EPI_NONE) {
        y = _mm256_max_ps(y, _mm256_setzero_ps());
        if (e->act == ZB_EPI_RELU6)
            y = _mm256_min_ps(y, _mm256_set1_ps(6.0f));
    }
    return y;
}

#endif

/* Helpers shared by the AVX-512F files (include only from src/kernels/x86;
 * the functions using them carry ZB_AVX512, the files are compiled with
 * -mavx2 -mfma only). */
#ifndef ZB_KERNELS_X86_SIMD512_H
#define ZB_KERNELS_X86_SIMD512_H

#include <immintrin.h>

#include "kernels/fast.h"

#define ZB_AVX512 __attribute__((target("avx512f,fma,avx2")))

/* Lanes [0, n) on, n >= 16: all. */
ZB_AVX512 static inline __mmask16 zb_mask16(int64_t n) { return n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1); }

/* zb_epi_apply on channels [ch, ch + 16) (lanes off in m are not read),
 * lane-wise the same operations. */
ZB_AVX512 static inline __m512 zb_epi16(__m512 y, const zb_epi *e, int64_t ch, __mmask16 m)
{
    if (!e)
        return y;
    if (e->bias)
        y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, e->bias + ch));
    if (e->scale)
        y = _mm512_add_ps(_mm512_mul_ps(y, _mm512_maskz_loadu_ps(m, e->scale + ch)),
                          _mm512_maskz_loadu_ps(m, e->shift + ch));
    if (e->act != ZB_EPI_NONE) {
        /* max_ps(y, 0) returns 0 for NaN and -0, as y > 0 ? y : 0 does */
        y = _mm512_max_ps(y, _mm512_setzero_ps());
        if (e->act == ZB_EPI_RELU6)
            y = _mm512_min_ps(y, _mm512_set1_ps(6.0f));
    }
    return y;
}

/* zb_epi16's operands for channels [ch, ch + 16), loaded once for a block
 * of outputs (vector stores may alias e's arrays, so the compiler reloads
 * them per call of zb_epi16); zb_epiv16_apply then does zb_epi16's
 * operations. */
typedef struct zb_epiv16 {
    __m512 bias, scale, shift;
    int has_bias, has_scale, act;
} zb_epiv16;

ZB_AVX512 static inline zb_epiv16 zb_epiv16_load(const zb_epi *e, int64_t ch, __mmask16 m)
{
    zb_epiv16 v = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), 0, 0, ZB_EPI_NONE};
    if (!e)
        return v;
    if ((v.has_bias = e->bias != NULL))
        v.bias = _mm512_maskz_loadu_ps(m, e->bias + ch);
    if ((v.has_scale = e->scale != NULL))
        v.scale = _mm512_maskz_loadu_ps(m, e->scale + ch), v.shift = _mm512_maskz_loadu_ps(m, e->shift + ch);
    v.act = e->act;
    return v;
}

ZB_AVX512 static inline __m512 zb_epiv16_apply(const zb_epiv16 *v, __m512 y)
{
    if (v->has_bias)
        y = _mm512_add_ps(y, v->bias);
    if (v->has_scale)
        y = _mm512_add_ps(_mm512_mul_ps(y, v->scale), v->shift);
    if (v->act != ZB_EPI_NONE) {
        y = _mm512_max_ps(y, _mm512_setzero_ps());   /* 0 for NaN and -0, as y > 0 ? y : 0 */
        if (v->act == ZB_EPI_RELU6)
            y = _mm512_min_ps(y, _mm512_set1_ps(6.0f));
    }
    return y;
}

#endif

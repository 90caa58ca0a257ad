/* Winograd F(2x2, 3x3) and F(4x4, 3x3) transforms, AVX2: 8 channels per
 * vector (NHWC keeps a pixel's channels contiguous); the channel tail goes
 * to the portable instance of the same code (winograd.c), so every channel
 * gets the same bits. */
#include <immintrin.h>

#include "kernels/winograd.h"
#include "kernels/x86/x86.h"

#define VEC __m256
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps(p, v)
#define VSET1(c) _mm256_set1_ps(c)
#define VADD(a, b) _mm256_add_ps(a, b)
#define VSUB(a, b) _mm256_sub_ps(a, b)
#define VMUL(a, b) _mm256_mul_ps(a, b)
/* max_ps(v, 0) is 0 for NaN and -0, as v > 0 ? v : 0 is */
#define VMAX0(v) _mm256_max_ps(v, _mm256_setzero_ps())
#define VMIN6(v) _mm256_min_ps(v, _mm256_set1_ps(6.0f))
#define WSUF _avx8
#include "kernels/winograd_tf.h"

void zb_x86_wino_in(int m, const float *const *d, int c, float *v, ptrdiff_t vs)
{
    const int tt = (m + 2) * (m + 2);
    const float *dc[36];
    int ci = 0;
    for (; ci + 8 <= c; ci += 8) {
        for (int k = 0; k < tt; k++)
            dc[k] = d[k] + ci;
        if (m == 2)
            wino_in2_avx8(dc, v + ci, vs);
        else
            wino_in4_avx8(dc, v + ci, vs);
    }
    zb_wino_in_c1(m, d, ci, c, v, vs);
}

void zb_x86_wino_out(int m, const float *mb, ptrdiff_t ms, int c, const zb_epi *e, float *y, ptrdiff_t ys,
                     ptrdiff_t xs, int nh, int nw)
{
    int ci = 0;
    for (; ci + 8 <= c; ci += 8) {
        if (m == 2)
            wino_out2_avx8(mb + ci, ms, e, ci, y + ci, ys, xs, nh, nw);
        else
            wino_out4_avx8(mb + ci, ms, e, ci, y + ci, ys, xs, nh, nw);
    }
    zb_wino_out_c1(m, mb, ms, ci, c, e, y, ys, xs, nh, nw);
}

/* f32 GEMM microkernel 6x16, AVX2/FMA: 12 accumulators, one broadcast of A
 * and two loads of B per k.  Every C element is its own FMA chain in k order. */
#include <immintrin.h>

#include "kernels/x86/x86.h"

void zb_x86_gemm_6x16(int kc, const float *const *a, const float *b, float *c, ptrdiff_t ldc, int accumulate,
                      const zb_gemm_epi *ge)
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
    /* The epilogue, each step over all 12 registers with its operands loaded
     * once (the vector stores may alias e, so per-register code reloaded
     * e's fields): y + bias, y * scale + shift, the residual, max(y, 0),
     * min(y, 6). */
#define ALL12(OP)                                                                                                  \
    OP(c00, u0, v0), OP(c01, u1, v1), OP(c10, u0, v0), OP(c11, u1, v1), OP(c20, u0, v0), OP(c21, u1, v1),          \
        OP(c30, u0, v0), OP(c31, u1, v1), OP(c40, u0, v0), OP(c41, u1, v1), OP(c50, u0, v0), OP(c51, u1, v1)
#define ADD(r, u, v) (r = _mm256_add_ps(r, u))
#define AFFINE(r, u, v) (r = _mm256_add_ps(_mm256_mul_ps(r, u), v))
#define MAX0(r, u, v) (r = _mm256_max_ps(r, u))   /* 0 for NaN and -0, as y > 0 ? y : 0 */
#define MIN(r, u, v) (r = _mm256_min_ps(r, u))
    if (ge) {
        const zb_epi *e = &ge->e;
        const float *bias = e->bias, *scale = e->scale, *shift = e->shift;
        const int act = e->act;
        __m256 u0, u1, v0, v1;
        if (bias) {
            u0 = _mm256_loadu_ps(bias), u1 = _mm256_loadu_ps(bias + 8);
            ALL12(ADD);
        }
        if (scale) {
            u0 = _mm256_loadu_ps(scale), u1 = _mm256_loadu_ps(scale + 8);
            v0 = _mm256_loadu_ps(shift), v1 = _mm256_loadu_ps(shift + 8);
            ALL12(AFFINE);
        }
        if (ge->res) {   /* the fused residual add, operands in the add node's order */
            const float *r = ge->res;
            const ptrdiff_t ldr = ge->ldr;
            if (ge->res_left) {
#define RADD(i, j) (c##i##j = _mm256_add_ps(_mm256_loadu_ps(r + i * ldr + 8 * j), c##i##j))
                RADD(0, 0), RADD(0, 1), RADD(1, 0), RADD(1, 1), RADD(2, 0), RADD(2, 1);
                RADD(3, 0), RADD(3, 1), RADD(4, 0), RADD(4, 1), RADD(5, 0), RADD(5, 1);
#undef RADD
            } else {
#define RADD(i, j) (c##i##j = _mm256_add_ps(c##i##j, _mm256_loadu_ps(r + i * ldr + 8 * j)))
                RADD(0, 0), RADD(0, 1), RADD(1, 0), RADD(1, 1), RADD(2, 0), RADD(2, 1);
                RADD(3, 0), RADD(3, 1), RADD(4, 0), RADD(4, 1), RADD(5, 0), RADD(5, 1);
#undef RADD
            }
        }
        if (act != ZB_EPI_NONE) {
            u0 = u1 = _mm256_setzero_ps();
            ALL12(MAX0);
            if (act == ZB_EPI_RELU6) {
                u0 = u1 = _mm256_set1_ps(6.0f);
                ALL12(MIN);
            }
        }
    }
#undef ALL12
#undef ADD
#undef AFFINE
#undef MAX0
#undef MIN
    _mm256_storeu_ps(c + 0 * ldc, c00), _mm256_storeu_ps(c + 0 * ldc + 8, c01);
    _mm256_storeu_ps(c + 1 * ldc, c10), _mm256_storeu_ps(c + 1 * ldc + 8, c11);
    _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);
    _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);
    _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);
    _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);
}

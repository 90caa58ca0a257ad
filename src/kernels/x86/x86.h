/* AVX2/FMA kernels (compiled with -mavx2 -mfma; call only when zb_cpu_fast())
 * and the per-architecture block sizes. */
#ifndef ZB_KERNELS_X86_H
#define ZB_KERNELS_X86_H

#include "kernels/fast.h"

/* Block sizes (config.c).  None of them changes any result: see fast.h. */
typedef struct zb_x86_config {
    int kc_max;     /* longest K block: A panel 6 x kc and B panel kc x 16 stay in L1 */
    int mt;         /* rows per output tile (multiple of MR) */
    int l2_div;     /* a tile's B block (kc x its columns) takes at most L2 / l2_div */
} zb_x86_config;

extern const zb_x86_config zb_x86_cfg;

/* Largest kc_max and mt of any config: the A tile buffer (on the stack,
 * ZB_MT_MAX * ZB_KC_MAX floats = 110 KB) is sized by them. */
enum { ZB_KC_MAX = 384, ZB_MT_MAX = 72 };

/* C (6 x 16, row stride ldc) = [C +] A (6 rows a[i][0 .. kc)) * B panel
 * (kc x 16), one FMA per k in order; then the epilogue e (its arrays and
 * residual already offset to this panel's 16 columns) when e is non-NULL. */
void zb_x86_gemm_6x16(int kc, const float *const *a, const float *b, float *c, ptrdiff_t ldc, int accumulate,
                      const zb_gemm_epi *e);

/* The same, AVX-512F (call only when zb_cpu_avx512()), for mr (1..12)
 * rows at a uniform stride (row i at a + i * lda) and np B panels (1 or 2:
 * b0, and b1 when np = 2); of the last panel only the first nr (1..16)
 * columns of C are loaded and stored.  It also prefetches into L2 the
 * 64-byte lines pf + 16 * j, j < min(npf, 2 * kc), at most two per k (B
 * that the caller needs next). */
void zb_x86_gemm_strided_avx512(int mr, int np, int nr, int kc, const float *a, ptrdiff_t lda, const float *b0,
                                const float *b1, float *c, ptrdiff_t ldc, int accumulate, const zb_gemm_epi *e,
                                const float *pf, int npf);
float zb_x86_fma_loop_avx512(long iters);

/* The depthwise layers the 8-pixel blocks serve (both ISAs): multiplier 1,
 * 3x3, stride 1, dilation 1, rows of at least 8 outputs. */
static inline int zb_x86_dw3s1(const zb_dw_geom *g)
{
    return g->dm == 1 && g->kh == 3 && g->kw == 3 && g->sh == 1 && g->sw == 1 && g->dh == 1 && g->dw == 1 &&
           g->ow >= 8;
}

/* The few-channel affine kernels (c channels, c < lanes): the per-channel
 * arrays of e repeated with period c over `lanes` pixels into pat (3 arrays of
 * lanes * c floats), and the epilogue that reads them instead. */
static inline zb_epi zb_x86_epi_periodic(const zb_epi *e, int c, int lanes, float *pat)
{
    const float *src[3] = {e->bias, e->scale, e->shift};
    for (int a = 0; a < 3; a++)
        if (src[a])
            for (int k = 0; k < lanes * c; k++)
                pat[a * lanes * lanes + k] = src[a][k % c];
    return (zb_epi){e->bias ? pat : NULL, e->scale ? pat + lanes * lanes : NULL,
                    e->scale ? pat + 2 * lanes * lanes : NULL, e->act};
}

void zb_x86_dw_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1);
/* The same for multiplier 1, AVX-512F (call only when zb_cpu_avx512()). */
void zb_x86_dw_rows_avx512(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1);
void zb_x86_maxpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_x86_avgpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_x86_global_avgpool(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1);
void zb_x86_ew_affine(int64_t npix, int c, const float *x, float *y, const zb_epi *e);
void zb_x86_ew_add(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e);
/* The same, AVX-512F (call only when zb_cpu_avx512()). */
void zb_x86_maxpool_rows_avx512(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_x86_avgpool_rows_avx512(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_x86_global_avgpool_avx512(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1);
void zb_x86_ew_affine_avx512(int64_t npix, int c, const float *x, float *y, const zb_epi *e);
void zb_x86_ew_add_avx512(int64_t npix, int c, const float *a, const float *b, float alpha, float *y,
                          const zb_epi *e);
double zb_x86_fma_peak_gflops(int nthreads, double seconds);

#endif

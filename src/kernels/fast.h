/* Fast deterministic CPU kernels: packed SGEMM, convolution via GEMM, direct
 * depthwise convolution, pooling and element-wise ops, all NHWC float32.
 *
 *     zb_conv cv;
 *     zb_conv_prepare(&cv, &geom, w_oihw, &epi);       // packs weights once
 *     zb_conv_run(&cv, pool, x, y, batch);             // any batch, any pool
 *     zb_conv_free(&cv);
 *
 * Each kernel has an AVX2/FMA version (src/kernels/x86, chosen at run time by
 * zb_cpu_fast()) and a plain C reference twin (src/kernels/ref, *_ref) that
 * defines the arithmetic and serves as the test oracle.
 *
 * Determinism.  In the GEMM family every output element is one sequential
 * chain acc = fma(a[k], b[k], acc) for k = 0 .. K-1 from acc = +0.0f, then the
 * epilogue.  Partial sums of a K block go through C in float32 and come back
 * unchanged, so the K blocking (fixed per layer anyway) does not alter the
 * chain; edge tiles run the same microkernel on padded or aliased buffers.
 * A value therefore depends on its own row of A and column of B only: never
 * on M (batch size), tile position or thread count.  Depthwise convolution is
 * the same chain over the window taps in (ky, kx) order; pooling and
 * element-wise kernels are bitwise equal to their reference twins.
 * The references use a separate multiply and add (no FMA), so the fast GEMM
 * family matches them within rounding (see docs/kernels.md). */
#ifndef ZB_KERNELS_FAST_H
#define ZB_KERNELS_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "core/threadpool.h"
#include "zoobench.h"

/* ---- CPU detection (cpu.c) ------------------------------------------------ */

/* 1 when the AVX2/FMA kernels may run: the CPU has AVX2 and FMA and the
 * environment does not say ZB_KERNELS=ref.  Decided once per process. */
int zb_cpu_fast(void);

/* 1 when, in addition, the GEMM may use its AVX-512F microkernel (the CPU and
 * OS support it and ZB_KERNELS is not "avx2" or "ref").  It computes the same
 * FMA chain per output, so results are the same bits either way. */
int zb_cpu_avx512(void);

/* "avx512+fma", "avx2+fma" or "reference": the kernel family in use. */
const char *zb_cpu_kernels_name(void);
/* One core's L2 cache in bytes (sysconf; 512 KB when unknown; ZB_L2_KB
 * overrides it).  Only block sizes depend on it, never a result. */
long zb_cpu_l2_bytes(void);

/* Measured fp32 FMA peak of this machine in GFLOP/s (2 flops per FMA lane),
 * using `nthreads` threads each running independent FMA chains for about
 * `seconds`, at the vector width the GEMM uses (zmm with zb_cpu_avx512(),
 * else ymm).  0 when the AVX2/FMA kernels cannot run. */
double zb_fma_peak_gflops(int nthreads, double seconds);

/* ---- epilogue -------------------------------------------------------------- */

enum { ZB_EPI_NONE = 0, ZB_EPI_RELU = 1, ZB_EPI_RELU6 = 2 };

/* Applied to each finished sum of column c, in this order (torch's order of
 * conv bias, batchnorm, relu):
 *     y = acc; y = y + bias[c]; y = y * scale[c] + shift[c]; y = act(y)
 * with a separate multiply and add.  NULL arrays skip their step; scale and
 * shift go together.  relu: y > 0 ? y : 0; relu6: min(relu, 6). */
typedef struct zb_epi {
    const float *bias, *scale, *shift;
    int act;
} zb_epi;

static inline float zb_epi_apply(const zb_epi *e, int c, float y)
{
    if (!e)
        return y;
    if (e->bias)
        y = y + e->bias[c];
    if (e->scale)
        y = y * e->scale[c] + e->shift[c];
    if (e->act == ZB_EPI_RELU)
        y = y > 0.0f ? y : 0.0f;
    else if (e->act == ZB_EPI_RELU6)
        y = y > 0.0f ? (y < 6.0f ? y : 6.0f) : 0.0f;
    return y;
}

/* The GEMM microkernels' epilogue: the layer's, with a residual added after
 * scale and shift and before act (the fused add node), as
 * y = res_left ? r + y : y + r, r of row i, column c at res[i * ldr + c].
 * Every row and column a kernel computes must be in bounds of res. */
typedef struct zb_gemm_epi {
    zb_epi e;
    const float *res;   /* NULL: none */
    ptrdiff_t ldr;
    int res_left;
} zb_gemm_epi;

/* ---- packed SGEMM: C (M x N) = A (M x K) * B (K x N), then the epilogue ---- */

enum { ZB_GEMM_MR = 6, ZB_GEMM_NR = 16 };

/* B packed into panels of NR columns, K-blocked by kc (a function of K only):
 * for the block starting at k0 (length kb = min(kc, K - k0)), panel p lies at
 * w + k0 * np * NR + p * kb * NR as (kb, NR), columns past N zero. */
typedef struct zb_gemm_b {
    int k, n, kc, np;
    float *w;
    float *bias, *scale, *shift;   /* np * NR floats each (zero padded) or NULL */
    int act;
} zb_gemm_b;

/* The K block size for a reduction of length k (config.c). */
int zb_gemm_kc(int k);

/* Packs B, element (k, n) at b[k * sk + n * sn] (sk = N, sn = 1 for a
 * row-major K x N matrix; sk = 1, sn = K for torch's (out, in) weights), and
 * copies the epilogue arrays (N floats each).  On success the caller frees
 * p with zb_gemm_b_free; on error p holds nothing to free. */
zb_status zb_gemm_pack(zb_gemm_b *p, int k, int n, const float *b, ptrdiff_t sk, ptrdiff_t sn, const zb_epi *epi);

/* Replaces the epilogue (copies the arrays; NULL: none), e.g. after a
 * batchnorm was fused into the layer.  On error the epilogue is none. */
zb_status zb_gemm_set_epi(zb_gemm_b *p, const zb_epi *epi);

/* Frees what zb_gemm_pack allocated; accepts NULL and a zeroed struct. */
void zb_gemm_b_free(zb_gemm_b *p);

/* C = A * B + epilogue for M rows, A row-major with row stride lda, C with
 * row stride ldc.  Threads split (row, column) output tiles. */
void zb_gemm(const zb_gemm_b *b, zb_threadpool *tp, int64_t m, const float *a, ptrdiff_t lda, float *c,
             ptrdiff_t ldc);

/* Rows [m0, m1) only, on the calling thread (for callers with their own
 * tiling); bitwise equal to the same rows of zb_gemm. */
void zb_gemm_rows(const zb_gemm_b *b, int64_t m0, int64_t m1, const float *a, ptrdiff_t lda, float *c,
                  ptrdiff_t ldc);

/* Reference twin: each C element is sum over k in order from 0.0f of
 * a * b (separate multiply and add), then the epilogue; B unpacked with
 * strides (sk, sn) as for zb_gemm_pack. */
void zb_gemm_ref(int64_t m, int n, int k, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t sk,
                 ptrdiff_t sn, float *c, ptrdiff_t ldc, const zb_epi *epi);

/* ---- 2-D convolution, NHWC, via GEMM --------------------------------------- */

/* One image's geometry.  Input (ih, iw, ic), output (oh, ow, oc); the window
 * of output (oy, ox) starts at input (oy * sh - pt, ox * sw - pl) with taps
 * dh, dw apart; taps outside the image are zero (padding bottom/right is
 * implied by oh, ow).  Channels split into `groups` equal groups. */
typedef struct zb_conv_geom {
    int ih, iw, ic, oh, ow, oc;
    int kh, kw, sh, sw, dh, dw, pt, pl;
    int groups;
} zb_conv_geom;

/* A prepared convolution: per group, B = (kh * kw * ic / groups) x (oc /
 * groups) with K in (ky, kx, ci) order, packed; `direct` when A's rows are
 * input pixels (1x1, no padding), else an implicit im2col packs A panels. */
typedef struct zb_conv {
    zb_conv_geom g;
    int direct;
    int stem;       /* few input channels: the direct kernel of kernels/stem.h (same bits) */
    zb_gemm_b *b;   /* groups entries */
    ptrdiff_t ldy;  /* output pixel stride in floats; 0: oc (the engine sets it to write into a concat) */
    /* Residual (zb_conv_set_res): after the epilogue's affine, each output y
     * of a finished tile becomes act(y + alpha * r) (res 1) or act(r + alpha
     * * y) (res 2) through zb_ew_add, r at the same pixel and channel of the
     * residual (pixel stride oc); the GEMM epilogue then has no activation.
     * With alpha 1 (rfuse) the microkernels' epilogue adds r before it
     * stores (the same operations; ZB_FUSE_RES=0 turns that off). */
    int res, ract, rfuse;
    float ralpha;
} zb_conv;

/* Packs w, torch's canonical (oc, ic / groups, kh, kw), and the epilogue
 * (oc floats each).  On success free with zb_conv_free; on error nothing to
 * free. */
zb_status zb_conv_prepare(zb_conv *cv, const zb_conv_geom *g, const float *w, const zb_epi *epi);
void zb_conv_free(zb_conv *cv);
/* Replaces the epilogue (oc floats each, copied). */
zb_status zb_conv_set_epi(zb_conv *cv, const zb_epi *epi);

/* Sets the residual mode (0: none; see zb_conv.res) with the add's alpha and
 * the activation applied after it.  Call after zb_conv_set_epi with an
 * epilogue without activation. */
void zb_conv_set_res(zb_conv *cv, int res, float alpha, int act);

/* y (n, oh, ow, oc) = conv(x (n, ih, iw, ic)), plus the residual r (n, oh,
 * ow, oc) when cv->res (else r is unused and may be NULL).  r must not
 * overlap y. */
void zb_conv_run(const zb_conv *cv, zb_threadpool *tp, const float *x, const float *r, float *y, int n);

/* Output pixels [m0, m1) of the batch (pixel m = (image, oy, ox) in NHWC
 * order) on the calling thread; bitwise equal to zb_conv_run. */
void zb_conv_pixels(const zb_conv *cv, const float *x, const float *r, float *y, int64_t m0, int64_t m1);

/* Reference twin: sum over (ky, kx, ci) in order from 0.0f, padding taps
 * skipped, then the epilogue; w canonical (oc, ic / groups, kh, kw). */
void zb_conv_ref(const zb_conv_geom *g, const float *w, const zb_epi *epi, const float *x, float *y, int n);

/* ---- depthwise convolution, NHWC ------------------------------------------- */

/* Input (ih, iw, c), output (oh, ow, c * dm): output channel ci * dm + j
 * reads input channel ci (torch groups = ic, keras depth_multiplier dm). */
typedef struct zb_dw_geom {
    int ih, iw, c, dm, oh, ow;
    int kh, kw, sh, sw, dh, dw, pt, pl;
} zb_dw_geom;

typedef struct zb_dw {
    zb_dw_geom g;
    float *w;                       /* (kh, kw, c * dm) */
    float *bias, *scale, *shift;    /* c * dm each or NULL */
    int act;
} zb_dw;

/* w canonical (c * dm, 1, kh, kw).  Free with zb_dw_free. */
zb_status zb_dw_prepare(zb_dw *d, const zb_dw_geom *g, const float *w, const zb_epi *epi);
void zb_dw_free(zb_dw *d);
/* Replaces the epilogue (c * dm floats each, copied). */
zb_status zb_dw_set_epi(zb_dw *d, const zb_epi *epi);

/* Output rows [r0, r1) of the batch, row r = (image r / oh, oy r % oh). */
void zb_dw_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1);
void zb_dw_run(const zb_dw *d, zb_threadpool *tp, const float *x, float *y, int n);

/* Reference twin: sum over in-image taps in (ky, kx) order from 0.0f with a
 * separate multiply and add, then the epilogue.  The fast kernel uses FMA. */
void zb_dw_ref(const zb_dw_geom *g, const float *w, const zb_epi *epi, const float *x, float *y, int n);

/* ---- pooling, NHWC --------------------------------------------------------- */

/* Window of output (oy, ox) starts at (oy * sh - pt, ox * sw - pl).  Max:
 * max over in-image taps from -FLT_MAX (x > m ? x : m, so NaN never wins).
 * Avg: sum of in-image taps in (iy, ix) order from 0.0f, divided once by the
 * tap count (count_include_pad: the window clipped to [-pt, ih + pb) x
 * [-pl, iw + pr), as torch does). */
typedef struct zb_pool_geom {
    int ih, iw, c, oh, ow;
    int kh, kw, sh, sw, pt, pb, pl, pr;
    int count_include_pad;
} zb_pool_geom;

/* A pooling window along one axis: output o, stride s, padding p before and
 * q after, window k, input n.  Sets the in-image taps [*lo, *hi) and
 * returns the window's extent clipped to the padded input [-p, n + q) (the
 * count_include_pad divisor; q = 0 when unused). */
static inline int zb_pool_window(int o, int s, int p, int k, int n, int q, int *lo, int *hi)
{
    const int a = o * s - p, b = a + k < n + q ? a + k : n + q;
    *lo = a < 0 ? 0 : a;
    *hi = b < n ? b : n;
    return b - a;
}

/* Output rows [r0, r1) of the batch. */
void zb_maxpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_avgpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
/* Images [n0, n1): y (c) = mean over (ih * iw) pixels in order. */
void zb_global_avgpool_images(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1);

void zb_maxpool_ref(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_avgpool_ref(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1);
void zb_global_avgpool_images_ref(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1);

/* ---- element-wise, NHWC (npix pixels of c channels) ------------------------ */

/* y = epilogue(x): batchnorm affine, relu, relu6.  y may equal x. */
void zb_ew_affine(int64_t npix, int c, const float *x, float *y, const zb_epi *e);
/* y = epilogue(a + b) when alpha == 1, else epilogue(a + alpha * b)
 * (multiply, then add).  y may equal a or b. */
void zb_ew_add(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e);

void zb_ew_affine_ref(int64_t npix, int c, const float *x, float *y, const zb_epi *e);
void zb_ew_add_ref(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e);

#endif

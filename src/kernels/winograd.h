/* Winograd convolution F(m x m, 3 x 3), m = 2 or 4, for 3x3 stride-1
 * dilation-1 convolutions without groups, NHWC float32.
 *
 *     zb_wino w;
 *     if (zb_wino_tile(&geom))                                // 0: not worth it here
 *         zb_wino_prepare(&w, &geom, zb_wino_tile(&geom), w_oihw, &epi);
 *     zb_wino_run(&w, pool, x, y, batch);
 *     zb_wino_free(&w);
 *
 * Each image is cut into a fixed grid of m x m output tiles (t = m + 2 input
 * pixels a side, overlapping by 2).  Per tile: V = B^T d B for every input
 * channel; for each of the t*t positions xi, M[xi] (tiles x oc) = V[xi]
 * (tiles x ic) * U[xi] (ic x oc), U = G g G^T transformed once at prepare,
 * with the packed GEMM of fast.h; then Y = A^T M A and the epilogue.
 *
 * Determinism.  The tile grid depends on the layer's shape only; a tile's
 * transforms are fixed sequences of float operations (the same in the AVX2
 * and portable versions); the GEMM's chain over input channels is fixed by
 * the layer and independent of the rows computed with it.  Threads split
 * (tile block, output channel block) pairs, never a reduction.  So an output
 * is bitwise the same whatever the batch size, thread count or tile
 * scheduling.  It is NOT bitwise equal to the direct convolution: Winograd
 * rounds differently (see docs/kernels.md, "Winograd", for the error). */
#ifndef ZB_KERNELS_WINOGRAD_H
#define ZB_KERNELS_WINOGRAD_H

#include "kernels/fast.h"
#include "kernels/kernels.h"

typedef struct zb_wino {
    zb_conv_geom g;
    int m, t;           /* output tile m x m, input tile t x t, t = m + 2 */
    int th, tw;         /* tile grid of one image */
    int nc, nchunk;     /* output channels per block (at most 128), blocks */
    zb_gemm_b *u;       /* nchunk * t * t packed U[chunk][xi] (ic x nc) */
    float *bias, *scale, *shift;   /* oc floats each or NULL */
    int act;
    ptrdiff_t ldy;      /* output pixel stride in floats; 0: oc (the engine sets it to write into a concat) */
} zb_wino;

/* 1 unless the environment says ZB_WINOGRAD=0 (decided once per process). */
int zb_wino_enabled(void);

/* The tile size m to use for this layer: 2 or 4, or 0 where Winograd does
 * not apply (not 3x3 / stride 1 / dilation 1 / one group) or is not faster
 * (measured per shape, docs/kernels.md), or is disabled.  Depends on the
 * geometry and the environment only, never on batch size or threads. */
int zb_wino_tile(const zb_conv_geom *g);

/* zb_wino_tile of an engine node's geometry. */
int zb_wino_kdesc_tile(const zb_kdesc *d);

/* Transforms and packs w, canonical (oc, ic, 3, 3), for tile size m (2 or
 * 4), and copies the epilogue (oc floats each).  On success free with
 * zb_wino_free; on error nothing to free. */
zb_status zb_wino_prepare(zb_wino *w, const zb_conv_geom *g, int m, const float *wt, const zb_epi *epi);
zb_status zb_wino_set_epi(zb_wino *w, const zb_epi *epi);
void zb_wino_free(zb_wino *w);

/* y (n, oh, ow, oc) = conv(x (n, ih, iw, ic)); with ldy set, pixel p's
 * channels start at y + p * ldy. */
void zb_wino_run(const zb_wino *w, zb_threadpool *tp, const float *x, float *y, int n);

/* Output rows [r0, r1) of the batch (row r = image r / oh, oy r % oh) on the
 * calling thread; bitwise equal to the same rows of zb_wino_run. */
void zb_wino_rows(const zb_wino *w, const float *x, float *y, int64_t r0, int64_t r1);

/* The engine kernel (chosen in select.c when zb_wino_tile() is non-zero). */
extern const zb_kernel zb_fast_winograd;

/* AVX2 transforms of one tile over c channels (x86/winograd_avx2.c; call
 * only when zb_cpu_fast()).  in: d[t*t] pixel pointers at channel 0 (a zero
 * buffer of >= c floats for taps outside the image), output v + xi * vs.
 * out: M at mb + xi * ms, epilogue e (arrays at this block's channel 0),
 * rows i < nh and columns j < nw stored at y + i * ys + j * xs. */
void zb_x86_wino_in(int m, const float *const *d, int c, float *v, ptrdiff_t vs);
void zb_x86_wino_out(int m, const float *mb, ptrdiff_t ms, int c, const zb_epi *e, float *y, ptrdiff_t ys,
                     ptrdiff_t xs, int nh, int nw);

/* The portable transforms of channels [c0, c1) (winograd.c), the same
 * operations as the AVX2 ones: the fallback and the AVX2 code's tail. */
void zb_wino_in_c1(int m, const float *const *d, int c0, int c1, float *v, ptrdiff_t vs);
void zb_wino_out_c1(int m, const float *mb, ptrdiff_t ms, int c0, int c1, const zb_epi *e, float *y, ptrdiff_t ys,
                    ptrdiff_t xs, int nh, int nw);

#endif

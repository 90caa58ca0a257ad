/* Direct convolution for layers with few input channels (a network's first
 * layer: 3 channels, K = 27 for 3x3, 147 for 7x7, 363 for 11x11), where the
 * im2col copy and the short K would dominate the GEMM path.
 *
 * A block of R output pixels of one output row (R = 14 with AVX-512, 6 with
 * AVX2) x 32 (16) output channels is computed in registers, reading the
 * input pixels in place (pixel j of the block, tap (ky, kx, ci) at
 * x + ky * ldrow + j * ps + kx * kxs + ci) and the weights from the GEMM's
 * packed B (zb_conv.b[0], one K block).  Blocks whose windows leave the
 * image read a small zero-padded copy of their rows instead.
 *
 * Arithmetic: each output is the FMA chain over all K = kh * kw * ic taps in
 * (ky, kx, ci) order from +0, padding taps as 0.0f, then the GEMM's
 * epilogue: exactly what the im2col GEMM path computes, so the bits equal
 * that path's (and do not depend on the block an output falls in, the batch
 * size or the threads). */
#ifndef ZB_KERNELS_STEM_H
#define ZB_KERNELS_STEM_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/fast.h"

/* One block of pixels for the x86 kernels. */
typedef struct zb_stem_blk {
    const float *x;     /* tap (0, 0, 0) of the block's first pixel */
    ptrdiff_t ldrow;    /* floats from tap row ky to ky + 1 */
    int kh, kw, ic;     /* taps */
    int ps, kxs;        /* floats from pixel j to j + 1, from tap kx to kx + 1 */
    const float *w;     /* packed B: panel p (K x 16) at w + p * K * 16 */
    int np, n;          /* 16-column panels, output channels */
    float *y;           /* output of the first pixel; pixel j at y + j * ldy */
    ptrdiff_t ldy;
    int nv;             /* pixels stored: 1 .. R (the others are computed and dropped) */
    const zb_epi *e;    /* arrays padded to np * 16 floats, or NULL */
} zb_stem_blk;

/* Pixels per block: 14 (AVX-512), 6 (AVX2). */
enum { ZB_STEM_R512 = 14, ZB_STEM_R256 = 6 };

/* Largest zero-padded copy of a block's rows, in floats (kh rows of
 * (R - 1) * sw + (kw - 1) * dw + 1 pixels of ic channels): layers whose
 * copy would be larger take the GEMM path. */
enum { ZB_STEM_SCRATCH = 4096 };

/* 1 when zb_conv_run / zb_conv_pixels should run the direct kernel for a
 * layer of geometry g packed into B (decided at prepare, from the geometry
 * and the CPU only): the AVX2/FMA kernels are on, one group, ic <= 4, one K
 * block, the block copy fits.  ZB_STEM=0 in the environment turns it off
 * (to compare; the bits are the same). */
int zb_stem_applies(const zb_conv_geom *g, const zb_gemm_b *b);

/* Output pixels [m0, m1) of the batch (NHWC order) on the calling thread;
 * the whole batch over the pool.  No residual (cv->res must be 0). */
void zb_stem_pixels(const zb_conv *cv, const float *x, float *y, int64_t m0, int64_t m1);
void zb_stem_run(const zb_conv *cv, zb_threadpool *tp, const float *x, float *y, int n);

/* The x86 block kernels (src/kernels/x86/stem.c): all np panels of one
 * block.  The AVX-512 one only when zb_cpu_avx512(). */
void zb_x86_stem_avx2(const zb_stem_blk *b);
void zb_x86_stem_avx512(const zb_stem_blk *b);

#endif

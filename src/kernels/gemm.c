/* Packed SGEMM and convolution via GEMM: weight packing and the loops around
 * the microkernels (6x16 AVX2 and portable; 1..12 rows x 16/32 at one
 * stride, AVX-512), written once for every caller (plain GEMM, 1x1 and
 * implicit-im2col convolution).
 *
 * Loop order inside one output tile (rows [m0, m1), panels [p0, p1)):
 *     for each K block k0 (fixed by K):
 *       pack the tile's A row panels (6 x kb each; im2col)    L2
 *       for each B panel (kb x 16; a pair with AVX-512):      L1
 *         for each 6-row panel (AVX-512: row group of        microkernel, C += A * B
 *                               7..12 rows at one stride)
 * The first K block starts from zero, later ones reload C, the last applies
 * the epilogue.  Edge tiles (fewer rows or 16 columns) compute each valid
 * element with the same FMA chain: the AVX-512 kernels come in every row
 * count 1..12 and mask the columns past N; the AVX2 and portable 6x16
 * kernels alias missing A rows to the last valid row, read zeros past N in
 * the packed panel, and write through a 6x16 scratch tile. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigalloc.h"
#include "core/status.h"
#include "kernels/stem.h"
#include "kernels/x86/x86.h"

enum { MR = ZB_GEMM_MR, NR = ZB_GEMM_NR };

typedef void (*ukernel_fn)(int kc, const float *const *a, const float *b, float *c, ptrdiff_t ldc, int accumulate,
                           const zb_gemm_epi *e);

/* Portable microkernel with the same arithmetic (fmaf per k, in order): the
 * fallback where AVX2/FMA is absent gives the same bits, only slower. */
static void gemm_6x16_c(int kc, const float *const *a, const float *b, float *c, ptrdiff_t ldc, int accumulate,
                        const zb_gemm_epi *ge)
{
    float acc[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            acc[i][j] = accumulate ? c[i * ldc + j] : 0.0f;
    for (int k = 0; k < kc; k++)
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++)
                acc[i][j] = fmaf(a[i][k], b[k * NR + j], acc[i][j]);
    const zb_epi *e = ge ? &ge->e : NULL;
    if (e && ge->res) {   /* scale and shift, the residual add, then act */
        zb_epi pre = *e, post = {NULL, NULL, NULL, e->act};
        pre.act = ZB_EPI_NONE;
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) {
                const float y = zb_epi_apply(&pre, j, acc[i][j]), r = ge->res[i * ge->ldr + j];
                c[i * ldc + j] = zb_epi_apply(&post, j, ge->res_left ? r + y : y + r);
            }
        return;
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++)
            c[i * ldc + j] = zb_epi_apply(e, j, acc[i][j]);
}

static ukernel_fn ukernel(void) { return zb_cpu_fast() ? zb_x86_gemm_6x16 : gemm_6x16_c; }

/* ---- packing ---------------------------------------------------------------- */

static float *copy_padded(const float *v, int n, int np)
{
    if (!v)
        return NULL;
    float *p = calloc((size_t)np * NR, sizeof *p);
    if (p)
        memcpy(p, v, (size_t)n * sizeof *p);
    return p;
}

static void free_epi(zb_gemm_b *p)
{
    free(p->bias);
    free(p->scale);
    free(p->shift);
    p->bias = p->scale = p->shift = NULL;
    p->act = ZB_EPI_NONE;
}

zb_status zb_gemm_set_epi(zb_gemm_b *p, const zb_epi *epi)
{
    free_epi(p);
    if (!epi)
        return ZB_OK;
    p->bias = copy_padded(epi->bias, p->n, p->np);
    p->scale = copy_padded(epi->scale, p->n, p->np);
    p->shift = copy_padded(epi->shift, p->n, p->np);
    p->act = epi->act;
    if ((epi->bias && !p->bias) || (epi->scale && !p->scale) || (epi->shift && !p->shift)) {
        free_epi(p);
        return zb_error(ZB_ERR_NOMEM, "gemm: out of memory for the epilogue of %d columns", p->n);
    }
    return ZB_OK;
}

zb_status zb_gemm_pack(zb_gemm_b *p, int k, int n, const float *b, ptrdiff_t sk, ptrdiff_t sn, const zb_epi *epi)
{
    memset(p, 0, sizeof *p);
    if (k < 1 || n < 1)
        return zb_error(ZB_ERR_ARG, "gemm: K = %d, N = %d (both must be positive)", k, n);
    const int np = (n + NR - 1) / NR, kc = zb_gemm_kc(k);
    p->k = k, p->n = n, p->kc = kc, p->np = np;
    p->w = zb_big_alloc((size_t)k * np * NR * sizeof(float));
    if (!p->w)
        return zb_error(ZB_ERR_NOMEM, "gemm: out of memory packing %d x %d weights", k, n);
    zb_status st = zb_gemm_set_epi(p, epi);
    if (st != ZB_OK) {
        zb_gemm_b_free(p);
        return st;
    }
    for (int k0 = 0; k0 < k; k0 += kc) {
        const int kb = k - k0 < kc ? k - k0 : kc;
        float *blk = p->w + (size_t)k0 * np * NR;
        for (int pi = 0; pi < np; pi++) {
            float *dst = blk + (size_t)pi * kb * NR;   /* (kb, NR) */
            for (int kk = 0; kk < kb; kk++)
                for (int j = 0; j < NR; j++) {
                    const int col = pi * NR + j;
                    dst[kk * NR + j] = col < n ? b[(k0 + kk) * sk + col * sn] : 0.0f;
                }
        }
    }
    return ZB_OK;
}

void zb_gemm_b_free(zb_gemm_b *p)
{
    if (!p)
        return;
    free(p->w);
    free(p->bias);
    free(p->scale);
    free(p->shift);
    memset(p, 0, sizeof *p);
}

/* ---- the loops around the microkernel ------------------------------------- */

/* Where the rows of A come from: a row-major matrix, or a convolution's
 * input read through an implicit im2col. */
typedef struct a_src {
    const float *a;         /* matrix: row m at a + m * lda */
    ptrdiff_t lda;
    const zb_conv *cv;      /* convolution (a == NULL) */
    const float *x;         /* its input batch */
    int group;
    const float *r;         /* its residual (cv->res), at the group's first channel, or NULL */
    int rfuse;              /* r is added by the microkernels' epilogue (alpha 1), not residual_block */
    int pfa;                /* A rows read in place from an input too large for the caches: prefetch them */
    int rows_first;         /* each row group across all the tile's panels, then the next (gemm_block) */
} a_src;

/* Where a convolution's A row m reads: output pixel (img, oy, ox), and the
 * K block's start tap (ky, kx) and channel ci.  Advanced row by row without
 * divisions. */
typedef struct conv_pos {
    int64_t img;
    int oy, ox;
    int ky, kx, ci;
} conv_pos;

static conv_pos conv_pos_at(const zb_conv_geom *g, int64_t m, int k0)
{
    const int64_t hw = (int64_t)g->oh * g->ow;
    const int cig = g->ic / g->groups, t = k0 / cig;
    return (conv_pos){m / hw, (int)(m % hw / g->ow), (int)(m % g->ow), t / g->kw, t % g->kw, k0 % cig};
}

static void conv_pos_next(const zb_conv_geom *g, conv_pos *p)
{
    if (++p->ox == g->ow) {
        p->ox = 0;
        if (++p->oy == g->oh)
            p->oy = 0, p->img++;
    }
}

/* A row at position p, K block of kb floats, into dst, or a pointer straight
 * into x when the block is one in-image tap. */
static const float *conv_row(const a_src *s, const conv_pos *p, int kb, float *dst)
{
    const zb_conv_geom *g = &s->cv->g;
    const int cig = g->ic / g->groups;
    const int iy0 = p->oy * g->sh - g->pt, ix0 = p->ox * g->sw - g->pl;
    const float *xn = s->x + p->img * g->ih * g->iw * g->ic + s->group * cig;
    int ci = p->ci, ky = p->ky, kx = p->kx, left = kb;
    float *d = dst;
    /* a whole window row is one contiguous span of x when taps are adjacent */
    const int span = g->groups == 1 && g->dw == 1 && ix0 >= 0 && ix0 + g->kw <= g->iw ? g->kw * cig : 0;
    while (left > 0) {
        const int iy = iy0 + ky * g->dh, ix = ix0 + kx * g->dw;
        if (span && kx == 0 && ci == 0 && left >= span && iy >= 0 && iy < g->ih) {
            memcpy(d, xn + ((size_t)iy * g->iw + ix) * g->ic, (size_t)span * sizeof *d);
            d += span;
            left -= span;
            ky++;
            continue;
        }
        const int run = cig - ci < left ? cig - ci : left;
        if (iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw) {
            const float *src = xn + ((size_t)iy * g->iw + ix) * g->ic + ci;
            if (run == kb)
                return src;
            if (run < 16)   /* few channels (a network's first layer) */
                for (int i = 0; i < run; i++)
                    d[i] = src[i];
            else
                memcpy(d, src, (size_t)run * sizeof *d);
        } else if (run < 16) {
            for (int i = 0; i < run; i++)
                d[i] = 0.0f;
        } else {
            memset(d, 0, (size_t)run * sizeof *d);
        }
        d += run;
        left -= run;
        ci = 0;
        if (++kx == g->kw)
            kx = 0, ky++;
    }
    return dst;
}

/* Row pointers for rows [m, m + mr) of A at K offset k0; rows past mr alias
 * the last valid one (their results are discarded). */
static void a_rows(const a_src *s, int64_t m, int mr, int k0, int kb, float *buf, const float **rows)
{
    if (s->a) {
        for (int i = 0; i < mr; i++)
            rows[i] = s->a + (m + i) * s->lda + k0;
    } else {
        const zb_conv_geom *g = &s->cv->g;
        conv_pos p = conv_pos_at(g, m, k0);
        for (int i = 0; i < mr; i++, conv_pos_next(g, &p))
            rows[i] = s->cv->direct ? s->x + ((p.img * g->ih + (int64_t)p.oy * g->sh) * g->iw + (int64_t)p.ox * g->sw) *
                                                 g->ic +
                                          s->group * (g->ic / g->groups) + k0
                                    : conv_row(s, &p, kb, buf + (size_t)i * kb);
    }
    for (int i = mr; i < MR; i++)
        rows[i] = rows[mr - 1];
}

/* The epilogue of C's rows from m at panel p: the layer's, and with a fused
 * residual its add and the activation after it. */
static zb_gemm_epi epi_at(const zb_gemm_b *b, const a_src *s, int64_t m, int p)
{
    zb_gemm_epi e = {{b->bias ? b->bias + p * NR : NULL, b->scale ? b->scale + p * NR : NULL,
                      b->shift ? b->shift + p * NR : NULL, b->act},
                     NULL, 0, 0};
    if (s->rfuse) {
        e.e.act = s->cv->ract;
        e.res = s->r + m * s->cv->g.oc + p * NR;
        e.ldr = s->cv->g.oc;
        e.res_left = s->cv->res == 2;
    }
    return e;
}

/* One 6x16 block of C at panel p (AVX2 and portable), edge blocks through a
 * scratch tile so that the same microkernel computes them.  An edge block
 * leaves a fused residual to zb_ew_add (the kernel would read it out of
 * bounds), which applies the activation after it as the kernel does. */
static void block(const zb_gemm_b *b, ukernel_fn uk, const float *const *rows, int mr, int p, const float *bw,
                  int kb, int first, const zb_gemm_epi *ep, float *cp, ptrdiff_t ldc)
{
    const int left = b->n - p * NR, nr = left < NR ? left : NR;
    const float *bp = bw + (size_t)p * kb * NR;
    if (mr == MR && nr == NR) {
        uk(kb, rows, bp, cp, ldc, !first, ep);
        return;
    }
    zb_gemm_epi e;
    const zb_gemm_epi *res = ep && ep->res ? ep : NULL;
    if (res) {
        e = *ep, e.res = NULL, e.e.act = ZB_EPI_NONE;
        ep = &e;
    }
    _Alignas(64) float ctmp[MR * NR];
    if (!first)
        for (int i = 0; i < mr; i++)
            memcpy(ctmp + i * NR, cp + i * ldc, (size_t)nr * sizeof *ctmp);
    uk(kb, rows, bp, ctmp, NR, !first, ep);
    for (int i = 0; i < mr; i++)
        memcpy(cp + i * ldc, ctmp + i * NR, (size_t)nr * sizeof *ctmp);
    if (res) {
        const zb_epi post = {NULL, NULL, NULL, res->e.act};
        for (int i = 0; i < mr; i++) {
            float *y = cp + i * ldc;
            const float *r = res->res + i * res->ldr;
            zb_ew_add(1, nr, res->res_left ? r : y, res->res_left ? y : r, 1.0f, y, &post);
        }
    }
}

/* Rows of the AVX-512 path: groups of 12 (24 accumulators with a panel
 * pair).  Where r = 1..11 rows would be left over, the last 12 + r are
 * split into two groups of 7..12 rows instead: a group of r rows runs
 * fewer accumulator chains per B load (M = 49 at batch 1 left one row of
 * two chains, FMA-latency bound, that cost as much as eight).  grp[0..n]
 * are row offsets; returns n. */
static int row_groups(int rows, int *grp)
{
    enum { G = 2 * MR };
    int n = 0, r = 0;
    grp[0] = 0;
    if (rows > G && rows % G)
        for (; r + G < rows - G; r += G)
            grp[++n] = r + G;
    else
        for (; r + G < rows; r += G)
            grp[++n] = r + G;
    if (rows - r > G) {   /* 13..23 rows left: two halves */
        r += (rows - r + 1) / 2;
        grp[++n] = r;
    }
    grp[++n] = rows;
    return n;
}

/* Makes each row group's pointers lie at one stride: a group that does not
 * (a strided 1x1 convolution across output rows, im2col rows read in place
 * next to packed ones) is copied into its rows' slots of the tile buffer
 * (row r at abuf + r * kb), once per K block for all the tile's panels. */
static void uniform_groups(const float **rows, const int *grp, int ng, float *abuf, int kb)
{
    for (int g = 0; g < ng; g++) {
        const int r0 = grp[g], n = grp[g + 1] - r0;
        const ptrdiff_t d = n > 1 ? rows[r0 + 1] - rows[r0] : 0;
        int i = 2;
        while (i < n && rows[r0 + i] - rows[r0] == i * d)
            i++;
        if (i >= n)
            continue;
        for (int r = r0; r < r0 + n; r++)
            if (rows[r] != abuf + (size_t)r * kb) {
                memcpy(abuf + (size_t)r * kb, rows[r], (size_t)kb * sizeof *abuf);
                rows[r] = abuf + (size_t)r * kb;
            }
    }
}

/* AVX-512: panels [p, pe) (one or two) of C against every row group of the
 * tile (rows[grp[g] ..], at one stride, to c + grp[g] * ldc), each group one
 * kernel call that also prefetches its share of the `left` B lines at pf.
 * With pfa (the first step of a K block over A read in place from a large
 * input) the next group's A rows are prefetched before each call: 12
 * rows read side by side defeat the hardware prefetcher (a batch-32 1x1
 * 256 -> 64 layer at 56x56 ran 10% faster; with A in cache, at batch 1,
 * the prefetches cost 2-5%, hence only for large inputs). */
static void wide_step(const zb_gemm_b *b, const a_src *s, int64_t m0, const float *const *rows, const int *grp,
                      int ng, int p, int pe, const float *bw, int kb, int first, int epi, float *c, ptrdiff_t ldc,
                      const float *pf, int left, int pfa)
{
    const int np = pe - p, nl = b->n - (pe - 1) * NR, nlast = nl < NR ? nl : NR;
    const float *b0 = bw + (size_t)p * kb * NR, *b1 = np == 2 ? b0 + (size_t)kb * NR : b0;
    zb_gemm_epi e = epi_at(b, s, m0, p);
    const float *res0 = e.res;
    const zb_gemm_epi *ep = epi ? &e : NULL;
    const int quota = (left + ng - 1) / ng;
    for (int g = 0; g < ng; g++) {
        const int r0 = grp[g], mr = grp[g + 1] - r0;
        int npf = quota < left ? quota : left;
        npf = npf < 2 * kb ? npf : 2 * kb;
        const float *pg = pf;
        if (npf > 0)
            pf += (size_t)npf * NR, left -= npf;
        const ptrdiff_t lda = mr > 1 ? rows[r0 + 1] - rows[r0] : 0;   /* one stride: uniform_groups */
        if (pfa && g + 1 < ng)   /* the next group's A rows, from memory, into L2 */
            for (int r = grp[g + 1]; r < grp[g + 2]; r++)
                for (int j = 0; j < kb; j += 16)
                    __builtin_prefetch(rows[r] + j, 0, 2);
        if (res0)
            e.res = res0 + r0 * e.ldr;
        zb_x86_gemm_strided_avx512(mr, np, nlast, kb, rows[r0], lda, b0, b1, c + r0 * ldc + p * NR, ldc, !first, ep,
                                   pg, npf);
    }
}

/* The B lines to prefetch into L2 while the AVX-512 step at (K block k0,
 * panels p, p + 1) runs: the next step's (the tile's next panel pair, else
 * the next K block's first).  At batch 1 the weights come from memory and
 * each line serves few rows.  (Two or three steps ahead was slower, no
 * prefetch 10-35% slower, with weights in memory.)  Returns the count of
 * 64-byte lines at *pf. */
static int b_ahead(const zb_gemm_b *b, int k0, int p0, int p1, int p, const float **pf)
{
    if ((p += 2) >= p1) {
        p = p0, k0 += b->kc;
        if (k0 >= b->k)
            return 0;
    }
    const int kb = b->k - k0 < b->kc ? b->k - k0 : b->kc;
    *pf = b->w + (size_t)k0 * b->np * NR + (size_t)p * kb * NR;
    return ((p + 2 < p1 ? p + 2 : p1) - p) * kb;
}

/* Output rows [m0, m1) (at most ZB_MT_MAX) x panels [p0, p1) of C.  All the
 * tile's A row panels of a K block are packed first (L2), then each B panel
 * (L1; a pair with AVX-512) meets every row panel (row group). */
static void gemm_block(const zb_gemm_b *b, const a_src *s, int64_t m0, int64_t m1, int p0, int p1, float *c,
                       ptrdiff_t ldc)
{
    _Alignas(64) float abuf[ZB_MT_MAX * ZB_KC_MAX];   /* (row panels, 6, kb) */
    const float *rows[ZB_MT_MAX];   /* row panel rp: rows + rp * MR */
    const ukernel_fn uk = ukernel();
    const int wide = zb_cpu_avx512();
    const int has_epi = b->bias || b->scale || b->act != ZB_EPI_NONE || s->rfuse;
    const int n_rp = (int)((m1 - m0 + MR - 1) / MR);
    int grp[ZB_MT_MAX / (2 * MR) + 2];
    const int ng = row_groups((int)(m1 - m0), grp);
    for (int k0 = 0; k0 < b->k; k0 += b->kc) {
        const int kb = b->k - k0 < b->kc ? b->k - k0 : b->kc;
        const int first = k0 == 0, last = k0 + kb == b->k;
        const float *bw = b->w + (size_t)k0 * b->np * NR;
        for (int rp = 0; rp < n_rp; rp++) {
            const int64_t m = m0 + (int64_t)rp * MR;
            a_rows(s, m, m1 - m < MR ? (int)(m1 - m) : MR, k0, kb, abuf + (size_t)rp * MR * kb, rows + rp * MR);
        }
        if (wide)
            uniform_groups(rows, grp, ng, abuf, kb);
        const int step = wide ? 2 : 1;
        if (wide && first && last && s->rows_first) {
            /* one K block: each row group meets every panel pair, so that its
             * C and residual rows are written and read whole, in sequence
             * (the B pairs come from L2 again for each group; the pfa
             * prefetches do not apply) */
            for (int g = 0; g < ng; g++)
                for (int p = p0; p < p1; p += 2) {
                    const int pe = p + 2 < p1 ? p + 2 : p1;
                    wide_step(b, s, m0, rows, grp + g, 1, p, pe, bw, kb, first, has_epi, c + m0 * ldc, ldc, NULL, 0, 0);
                }
            continue;
        }
        for (int p = p0; p < p1; p += step) {
            const int pe = p + step < p1 ? p + step : p1;   /* this step's panels [p, pe) */
            if (!wide) {
                for (int rp = 0; rp < n_rp; rp++) {
                    const int64_t m = m0 + (int64_t)rp * MR;
                    const zb_gemm_epi e = epi_at(b, s, m, p);
                    block(b, uk, rows + rp * MR, m1 - m < MR ? (int)(m1 - m) : MR, p, bw, kb, first,
                          last && has_epi ? &e : NULL, c + m * ldc + p * NR, ldc);
                }
                continue;
            }
            const float *nb = NULL;
            const int left = b_ahead(b, k0, p0, p1, p, &nb);
            wide_step(b, s, m0, rows, grp, ng, p, pe, bw, kb, first, last && has_epi, c + m0 * ldc, ldc, nb, left,
                      s->pfa && p == p0);
        }
    }
}

/* The residual of a finished block (rows [m0, m1) x panels [p0, p1)), while
 * it is in cache: the very zb_ew_add call, operands in the same order, that
 * the fused add node made, one output pixel's columns at a time. */
static void residual_block(const zb_gemm_b *b, const a_src *s, int64_t m0, int64_t m1, int p0, int p1, float *c,
                           ptrdiff_t ldc)
{
    const zb_conv *cv = s->cv;
    const int c0 = p0 * NR, c1 = p1 * NR < b->n ? p1 * NR : b->n;
    const zb_epi e = {NULL, NULL, NULL, cv->ract};
    for (int64_t m = m0; m < m1; m++) {
        float *y = c + m * ldc + c0;
        const float *r = s->r + m * cv->g.oc + c0;
        if (cv->res == 1)
            zb_ew_add(1, c1 - c0, y, r, cv->ralpha, y, &e);
        else
            zb_ew_add(1, c1 - c0, r, y, cv->ralpha, y, &e);
    }
}

static void gemm_tile(const zb_gemm_b *b, const a_src *s, int64_t m0, int64_t m1, int p0, int p1, float *c,
                      ptrdiff_t ldc)
{
    for (int64_t m = m0; m < m1; m += ZB_MT_MAX) {
        const int64_t me = m1 - m < ZB_MT_MAX ? m1 : m + ZB_MT_MAX;
        gemm_block(b, s, m, me, p0, p1, c, ldc);
        if (s->r && !s->rfuse)
            residual_block(b, s, m, me, p0, p1, c, ldc);
    }
}

/* ---- tiling over threads ---------------------------------------------------- */

typedef struct tiles {
    const zb_gemm_b *b;
    a_src s;
    float *c;
    ptrdiff_t ldc;
    int64_t m;
    int64_t mt;     /* rows per tile */
    int pt, n_pt;   /* panels per tile, tiles across N */
    int by_cols;    /* tiles numbered down the columns first (see plan_tiles) */
} tiles;

/* Tile sizes may depend on the thread count and the cache: no result
 * depends on them.  A tile spans as many columns as keep its B block in a
 * share of L2 (whole rows when they fit: two threads storing the two
 * halves of the same C rows ran a 56x56 64 -> 256 layer 20% slower).  With
 * several threads, at least two tiles per thread.  Few rows (small batch,
 * late layers): split columns first, since every row tile streams its
 * columns' weights again, but keep panel pairs and row-panel pairs whole
 * for the AVX-512 kernels (12-row groups x 32 columns). */

/* When the threads would finish a job of row tiles of mt rows (of m) x
 * column tiles of pt panels (of np), taken as zb_parallel_for hands them
 * out: thread i first claims, in order, the tiles of its own share [i * n /
 * T, (i + 1) * n / T), then the next unclaimed ones of the other shares.
 * A tile costs its rows x (panels + over), over being what a tile pays
 * besides its panels (packing A). */
enum { SIM_THREADS = 16 };

static double tiles_makespan(int64_t m, int64_t mt, int np, int pt, double over, int by_cols, int nthreads)
{
    const int nt = nthreads < SIM_THREADS ? nthreads : SIM_THREADS;
    const int64_t n_mt = (m + mt - 1) / mt;
    const int n_pt = (np + pt - 1) / pt;
    const int64_t n = n_mt * n_pt;
    double busy[SIM_THREADS];
    int64_t next[SIM_THREADS], end[SIM_THREADS];
    for (int i = 0; i < nt; i++)
        busy[i] = 0, next[i] = n * i / nt, end[i] = n * (i + 1) / nt;
    for (int64_t left = n; left > 0; left--) {
        int th = 0;   /* the first free thread claims */
        for (int i = 1; i < nt; i++)
            th = busy[i] < busy[th] ? i : th;
        int sh = th;
        while (next[sh] >= end[sh])
            sh = (sh + 1) % nt;
        const int64_t k = next[sh]++, i = by_cols ? k % n_mt : k / n_pt, j = by_cols ? k / n_mt : k % n_pt;
        const double rows = (double)(i + 1 < n_mt ? mt : m - i * mt) / (double)mt;
        busy[th] += rows * ((j + 1 < n_pt ? pt : np - j * pt) + over);
    }
    double last = 0;
    for (int i = 0; i < nt; i++)
        last = busy[i] > last ? busy[i] : last;
    return last;
}

static void plan_tiles(tiles *t, int nthreads)
{
    const int np = t->b->np, pair = zb_cpu_avx512() ? 2 : 1;
    const int64_t want_tiles = nthreads > 1 ? 2 * nthreads : 1;
    const long fit = zb_cpu_l2_bytes() / zb_x86_cfg.l2_div / ((long)t->b->kc * NR * (long)sizeof(float));
    t->mt = zb_x86_cfg.mt;
    t->pt = np;
    /* Each thread first takes a contiguous share of the tiles (threadpool.h),
     * so consecutive layers find their rows in the same core's cache.  Where
     * the weights outweigh the activations read and written (late layers at
     * batch 1), the tiles are numbered down the columns instead: a share is
     * then a range of columns, whose weights only that thread streams
     * (alexnet's 13x13 layers: two threads each streaming all of B ran
     * 0.9 -> 1.05 ms). */
    t->by_cols = (int64_t)t->b->k * t->b->n > t->m * ((int64_t)t->b->k + t->b->n);
    if (fit < np) {   /* the fewest column tiles that fit, of equal widths (in pairs) */
        const long n = (np + (fit > pair ? fit : pair) - 1) / (fit > pair ? fit : pair);
        t->pt = (int)((np + n - 1) / n);
        t->pt = (t->pt + pair - 1) / pair * pair;
    }
    const int64_t n_mt = (t->m + t->mt - 1) / t->mt;
    t->n_pt = (np + t->pt - 1) / t->pt;
    if (nthreads > 1 && n_mt * t->n_pt < 8 * nthreads) {
        /* Few tiles (a late layer at batch 1): row tiles of mt rows or of
         * the same count made even (169 rows: 60 + 60 + 49, not 72 + 72 +
         * 25), times the column tilings no wider than the above (nor than
         * 16 panels) that still give two tiles per thread; the one after
         * which the threads finish first, then the fewest tiles.  8x8 2048
         * -> 320 at batch 1 (one row tile, 20 panels) had run as 6 + 6 + 6 +
         * 2 panels, one thread doing 12: now 10 tiles of 2, 0.27 -> 0.23 ms.
         * Fewer than two tiles per thread lose what a late-waking thread
         * leaves to the other.  With one row tile B is read once and the L2
         * share does not bind. */
        const int cap = n_mt == 1 ? (np < 16 ? np : 16) : t->pt;
        const double over = t->s.a || t->s.cv->direct ? 0.25 : 1.0;
        const int64_t step = pair * MR, even = ((t->m + n_mt - 1) / n_mt + step - 1) / step * step;
        const int64_t mts[2] = {t->mt, even < t->mt ? even : t->mt};
        /* widths, widest first: the above, then pair multiples up to 16
         * panels (this runs at every call: at most 17 widths x 2 heights) */
        int pts[18], npts = 0;
        const int widest = cap / pair * pair > pair ? cap / pair * pair : pair;
        pts[npts++] = widest;
        for (int pt = (widest - pair < 16 ? widest - pair : 16) / pair * pair; pt >= pair; pt -= pair)
            pts[npts++] = pt;
        double best = -1;
        int64_t best_mt = t->mt;
        for (int r = 0; r < (mts[1] != mts[0] ? 2 : 1); r++)
            for (int i = 0; i < npts; i++) {
                const int pt = pts[i];
                const int64_t tiles = (t->m + mts[r] - 1) / mts[r] * ((np + pt - 1) / pt);
                if (pt > pair && tiles < want_tiles)
                    continue;
                const double end = tiles_makespan(t->m, mts[r], np, pt, over, t->by_cols, nthreads);
                if (best < 0 || end < best - 1e-9)
                    best = end, best_mt = mts[r], t->pt = pt;
            }
        t->mt = best_mt;
        t->n_pt = (np + t->pt - 1) / t->pt;
    }
    if ((t->m + t->mt - 1) / t->mt * t->n_pt < want_tiles && t->m > MR) {   /* then more row tiles */
        const int64_t want = (want_tiles + t->n_pt - 1) / t->n_pt, step = pair * MR;
        t->mt = ((t->m + want - 1) / want + step - 1) / step * step;
    }
}

static void run_tile(void *ctx, int64_t tile)
{
    const tiles *t = ctx;
    const int64_t n_mt = (t->m + t->mt - 1) / t->mt;
    const int64_t mi = t->by_cols ? tile % n_mt : tile / t->n_pt;
    const int pi = (int)(t->by_cols ? tile / n_mt : tile % t->n_pt);
    const int64_t m0 = mi * t->mt, m1 = m0 + t->mt < t->m ? m0 + t->mt : t->m;
    const int p0 = pi * t->pt, p1 = p0 + t->pt < t->b->np ? p0 + t->pt : t->b->np;
    gemm_tile(t->b, &t->s, m0, m1, p0, p1, t->c, t->ldc);
}

static void run_tiled(tiles *t, zb_threadpool *tp)
{
    if (t->m <= 0)
        return;
    plan_tiles(t, zb_threadpool_size(tp));
    /* A read in place (a matrix, a 1x1 convolution's pixels) of more than
     * 16 MB: from memory (only the speed depends on it) */
    t->s.pfa = (t->s.a || t->s.cv->direct) && t->m * t->b->k > ((int64_t)4 << 20);
    /* A fused residual and an output too large for the caches: the order
     * that streams C and the residual in whole rows (gemm_block) */
    t->s.rows_first = t->s.rfuse && t->m * t->b->n * (int64_t)sizeof(float) > 4 * zb_cpu_l2_bytes();
    const int64_t n_mt = (t->m + t->mt - 1) / t->mt;
    zb_parallel_for(tp, n_mt * t->n_pt, run_tile, t);
}

void zb_gemm(const zb_gemm_b *b, zb_threadpool *tp, int64_t m, const float *a, ptrdiff_t lda, float *c,
             ptrdiff_t ldc)
{
    tiles t = {.b = b, .s = {.a = a, .lda = lda}, .c = c, .ldc = ldc, .m = m};
    run_tiled(&t, tp);
}

void zb_gemm_rows(const zb_gemm_b *b, int64_t m0, int64_t m1, const float *a, ptrdiff_t lda, float *c,
                  ptrdiff_t ldc)
{
    const a_src s = {.a = a, .lda = lda};
    if (m1 > m0)
        gemm_tile(b, &s, m0, m1, 0, b->np, c, ldc);
}

/* ---- convolution -------------------------------------------------------------- */

zb_status zb_conv_prepare(zb_conv *cv, const zb_conv_geom *g, const float *w, const zb_epi *epi)
{
    memset(cv, 0, sizeof *cv);
    if (g->groups < 1 || g->ic % g->groups || g->oc % g->groups || g->kh < 1 || g->kw < 1 || g->sh < 1 ||
        g->sw < 1 || g->dh < 1 || g->dw < 1 || g->oh < 1 || g->ow < 1 || g->ih < 1 || g->iw < 1)
        return zb_error(ZB_ERR_ARG, "conv: invalid geometry (ic %d, oc %d, groups %d, kernel %dx%d)", g->ic, g->oc,
                        g->groups, g->kh, g->kw);
    const int cig = g->ic / g->groups, cog = g->oc / g->groups, k = g->kh * g->kw * cig;
    cv->g = *g;
    cv->direct = g->kh == 1 && g->kw == 1 && g->pt == 0 && g->pl == 0 && (g->oh - 1) * g->sh < g->ih &&
                 (g->ow - 1) * g->sw < g->iw;
    cv->b = calloc((size_t)g->groups, sizeof *cv->b);
    /* B (k, co) of group gi, k = (ky * kw + kx) * cig + ci, from canonical
     * w[((gi * cog + co) * cig + ci) * kh + ky) * kw + kx] */
    float *bt = malloc((size_t)k * cog * sizeof *bt);
    if (!cv->b || !bt) {
        free(bt);
        zb_conv_free(cv);
        return zb_error(ZB_ERR_NOMEM, "conv: out of memory packing weights");
    }
    for (int gi = 0; gi < g->groups; gi++) {
        for (int co = 0; co < cog; co++)
            for (int ci = 0; ci < cig; ci++)
                for (int ky = 0; ky < g->kh; ky++)
                    for (int kx = 0; kx < g->kw; kx++)
                        bt[(size_t)((ky * g->kw + kx) * cig + ci) * cog + co] =
                            w[((((size_t)gi * cog + co) * cig + ci) * g->kh + ky) * g->kw + kx];
        zb_status st = zb_gemm_pack(&cv->b[gi], k, cog, bt, cog, 1, NULL);
        if (st != ZB_OK) {
            free(bt);
            zb_conv_free(cv);
            return st;
        }
    }
    free(bt);
    cv->stem = zb_stem_applies(g, &cv->b[0]);
    zb_status st = zb_conv_set_epi(cv, epi);
    if (st != ZB_OK)
        zb_conv_free(cv);
    return st;
}

zb_status zb_conv_set_epi(zb_conv *cv, const zb_epi *epi)
{
    const int cog = cv->g.oc / cv->g.groups;
    for (int gi = 0; gi < cv->g.groups; gi++) {
        zb_epi e = {0};
        if (epi) {
            e.act = epi->act;
            e.bias = epi->bias ? epi->bias + gi * cog : NULL;
            e.scale = epi->scale ? epi->scale + gi * cog : NULL;
            e.shift = epi->shift ? epi->shift + gi * cog : NULL;
        }
        zb_status st = zb_gemm_set_epi(&cv->b[gi], epi ? &e : NULL);
        if (st != ZB_OK)
            return st;
    }
    return ZB_OK;
}

void zb_conv_free(zb_conv *cv)
{
    if (!cv)
        return;
    if (cv->b)
        for (int gi = 0; gi < cv->g.groups; gi++)
            zb_gemm_b_free(&cv->b[gi]);
    free(cv->b);
    memset(cv, 0, sizeof *cv);
}

void zb_conv_set_res(zb_conv *cv, int res, float alpha, int act)
{
    cv->res = res;
    cv->ralpha = alpha;
    cv->ract = act;
    const char *env = getenv("ZB_FUSE_RES");
    cv->rfuse = res && alpha == 1.0f && !(env && !strcmp(env, "0"));
}

/* Group gi's A: a 1x1 convolution at stride 1 over the whole image reads
 * its rows as a plain matrix (the same pointers, no per-pixel position). */
static a_src conv_src(const zb_conv *cv, const float *x, const float *r, int gi)
{
    const zb_conv_geom *g = &cv->g;
    const int cig = g->ic / g->groups, cog = g->oc / g->groups;
    a_src s = {.cv = cv, .x = x, .group = gi, .r = cv->res ? r + gi * cog : NULL};
    s.rfuse = s.r && cv->rfuse;
    if (cv->direct && g->sh == 1 && g->sw == 1 && g->oh == g->ih && g->ow == g->iw)
        s.a = x + gi * cig, s.lda = g->ic;
    return s;
}

void zb_conv_run(const zb_conv *cv, zb_threadpool *tp, const float *x, const float *r, float *y, int n)
{
    const zb_conv_geom *g = &cv->g;
    const int cog = g->oc / g->groups;
    if (cv->stem && !cv->res) {
        zb_stem_run(cv, tp, x, y, n);
        return;
    }
    for (int gi = 0; gi < g->groups; gi++) {
        tiles t = {.b = &cv->b[gi],
                   .s = conv_src(cv, x, r, gi),
                   .c = y + gi * cog,
                   .ldc = cv->ldy ? cv->ldy : g->oc,
                   .m = (int64_t)n * g->oh * g->ow};
        run_tiled(&t, tp);
    }
}

void zb_conv_pixels(const zb_conv *cv, const float *x, const float *r, float *y, int64_t m0, int64_t m1)
{
    const zb_conv_geom *g = &cv->g;
    const int cog = g->oc / g->groups;
    if (m1 <= m0)
        return;
    if (cv->stem && !cv->res) {
        zb_stem_pixels(cv, x, y, m0, m1);
        return;
    }
    for (int gi = 0; gi < g->groups; gi++) {
        const a_src s = conv_src(cv, x, r, gi);
        gemm_tile(&cv->b[gi], &s, m0, m1, 0, cv->b[gi].np, y + gi * cog, cv->ldy ? cv->ldy : g->oc);
    }
}

/* Winograd F(2x2, 3x3) and F(4x4, 3x3) convolution on the packed GEMM (see
 * winograd.h for the algorithm and its determinism argument).
 *
 * Work item: (block of at most TB tiles of the batch, which may span images;
 * group of output channel blocks).  On a thread's own scratch:
 *     V (t*t, TB, ic)  = input transforms of the block's tiles, once
 *     per channel block of the group:
 *     M (t*t, TB, nc)  = for each xi: V[xi] * U[block][xi]   (zb_gemm_rows)
 *     y                = output transforms of M + epilogue, valid pixels only
 * Threads take items from a shared counter; an item's results depend on its
 * tiles alone, so TB and the item order may depend on the thread count. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "kernels/winograd.h"

/* ---- portable transforms (the same operations as the AVX2 ones; also the
 * AVX2 code's channel tail) ---------------------------------------------------- */

#define VEC float
#define VLOAD(p) (*(p))
#define VSTORE(p, v) (*(p) = (v))
#define VSET1(c) (c)
#define VADD(a, b) ((a) + (b))
#define VSUB(a, b) ((a) - (b))
#define VMUL(a, b) ((a) * (b))
#define VMAX0(v) ((v) > 0.0f ? (v) : 0.0f)
#define VMIN6(v) ((v) < 6.0f ? (v) : 6.0f)
#define WSUF _c1
#include "kernels/winograd_tf.h"

void zb_wino_in_c1(int m, const float *const *d, int c0, int c1, float *v, ptrdiff_t vs)
{
    const int tt = (m + 2) * (m + 2);
    const float *dc[36];
    for (int ci = c0; ci < c1; ci++) {
        for (int k = 0; k < tt; k++)
            dc[k] = d[k] + ci;
        if (m == 2)
            wino_in2_c1(dc, v + ci, vs);
        else
            wino_in4_c1(dc, v + ci, vs);
    }
}

void zb_wino_out_c1(int m, const float *mb, ptrdiff_t ms, int c0, int c1, const zb_epi *e, float *y, ptrdiff_t ys,
                    ptrdiff_t xs, int nh, int nw)
{
    for (int ci = c0; ci < c1; ci++) {
        if (m == 2)
            wino_out2_c1(mb + ci, ms, e, ci, y + ci, ys, xs, nh, nw);
        else
            wino_out4_c1(mb + ci, ms, e, ci, y + ci, ys, xs, nh, nw);
    }
}

static void wino_in(int m, const float *const *d, int c, float *v, ptrdiff_t vs)
{
    if (zb_cpu_fast())
        zb_x86_wino_in(m, d, c, v, vs);
    else
        zb_wino_in_c1(m, d, 0, c, v, vs);
}

static void wino_out(int m, const float *mb, ptrdiff_t ms, int c, const zb_epi *e, float *y, ptrdiff_t ys,
                     ptrdiff_t xs, int nh, int nw)
{
    if (zb_cpu_fast())
        zb_x86_wino_out(m, mb, ms, c, e, y, ys, xs, nh, nw);
    else
        zb_wino_out_c1(m, mb, ms, 0, c, e, y, ys, xs, nh, nw);
}

/* ---- choice ----------------------------------------------------------------- */

/* ZB_WINOGRAD: unset or "1" automatic, "0" off, "2" / "4" that tile size on
 * every layer where Winograd applies (for measurements and tests). */
static int env_mode(void)
{
    static _Atomic int cached = -1;
    if (cached < 0) {
        const char *s = getenv("ZB_WINOGRAD");
        cached = !s || !*s ? 1 : !strcmp(s, "0") ? 0 : !strcmp(s, "2") ? 2 : !strcmp(s, "4") ? 4 : 1;
    }
    return cached;
}

int zb_wino_enabled(void) { return env_mode() != 0; }

int zb_wino_tile(const zb_conv_geom *g)
{
    if (g->kh != 3 || g->kw != 3 || g->sh != 1 || g->sw != 1 || g->dh != 1 || g->dw != 1 || g->groups != 1)
        return 0;
    const int mode = env_mode();
    if (mode != 1)
        return mode;
    /* Measured per shape (bench/winograd.sh, docs/kernels.md "Winograd"):
     * F(4x4) wins from about 28x28 outputs, F(2x2) at 14x14.  Below that an
     * image has few tiles to reuse U (16 ic oc floats for F(2x2)) and the
     * direct GEMM, reading 9 ic oc weights, wins unless U is small (at most
     * 4 MB).  Too few input channels make a poor GEMM (the direct im2col
     * sums 9 ic at once). */
    if (g->ic < 16 || g->oc < 16)
        return 0;
    const int px = g->oh * g->ow;
    if (px >= 28 * 28)
        return 4;
    if (px >= 14 * 14 || (int64_t)g->ic * g->oc <= 256 * 256)
        return 2;
    return 0;
}

/* ---- prepare ---------------------------------------------------------------- */

/* G of F(2, 3) and F(4, 3), t x 3 */
static const double G2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
static const double G4[6][3] = {{1.0 / 4, 0, 0},
                                {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                {0, 0, 1}};

enum { TB_MAX = 72, NC_MAX = 128 };

static void free_epi(zb_wino *w)
{
    free(w->bias);
    free(w->scale);
    free(w->shift);
    w->bias = w->scale = w->shift = NULL;
    w->act = ZB_EPI_NONE;
}

static float *copy_vec(const float *v, int n)
{
    float *p = v ? malloc((size_t)n * sizeof *p) : NULL;
    if (p)
        memcpy(p, v, (size_t)n * sizeof *p);
    return p;
}

zb_status zb_wino_set_epi(zb_wino *w, const zb_epi *epi)
{
    free_epi(w);
    if (!epi)
        return ZB_OK;
    w->bias = copy_vec(epi->bias, w->g.oc);
    w->scale = copy_vec(epi->scale, w->g.oc);
    w->shift = copy_vec(epi->shift, w->g.oc);
    w->act = epi->act;
    if ((epi->bias && !w->bias) || (epi->scale && !w->scale) || (epi->shift && !w->shift)) {
        free_epi(w);
        return zb_error(ZB_ERR_NOMEM, "winograd: out of memory for the epilogue");
    }
    return ZB_OK;
}

void zb_wino_free(zb_wino *w)
{
    if (!w)
        return;
    if (w->u)
        for (int i = 0; i < w->nchunk * w->t * w->t; i++)
            zb_gemm_b_free(&w->u[i]);
    free(w->u);
    free_epi(w);
    memset(w, 0, sizeof *w);
}

zb_status zb_wino_prepare(zb_wino *w, const zb_conv_geom *g, int m, const float *wt, const zb_epi *epi)
{
    memset(w, 0, sizeof *w);
    if ((m != 2 && m != 4) || g->kh != 3 || g->kw != 3 || g->sh != 1 || g->sw != 1 || g->dh != 1 || g->dw != 1 ||
        g->groups != 1 || g->ic < 1 || g->oc < 1 || g->ih < 1 || g->iw < 1 || g->oh < 1 || g->ow < 1)
        return zb_error(ZB_ERR_ARG, "winograd: F(%dx%d, 3x3) does not apply to a %dx%d stride %d,%d dilation %d,%d "
                                    "convolution with %d groups",
                        m, m, g->kh, g->kw, g->sh, g->sw, g->dh, g->dw, g->groups);
    const int t = m + 2, tt = t * t, ic = g->ic, oc = g->oc;
    w->g = *g;
    w->m = m, w->t = t;
    w->th = (g->oh + m - 1) / m, w->tw = (g->ow + m - 1) / m;
    w->nc = oc <= NC_MAX ? oc : NC_MAX;
    w->nchunk = (oc + w->nc - 1) / w->nc;
    w->u = calloc((size_t)w->nchunk * tt, sizeof *w->u);
    float *ut = malloc((size_t)tt * ic * oc * sizeof *ut);   /* (tt, ic, oc) */
    if (!w->u || !ut) {
        free(ut);
        zb_wino_free(w);
        return zb_error(ZB_ERR_NOMEM, "winograd: out of memory transforming %d x %d x 3 x 3 weights", oc, ic);
    }
    /* U = G g G^T in double, rounded once to float */
    const double(*G)[3] = m == 2 ? G2 : G4;
    for (int ci = 0; ci < ic; ci++)   /* writes run along co */
        for (int co = 0; co < oc; co++) {
            const float *k = wt + ((size_t)co * ic + ci) * 9;
            double gk[6][3];   /* G g */
            for (int i = 0; i < t; i++)
                for (int j = 0; j < 3; j++)
                    gk[i][j] = G[i][0] * k[0 * 3 + j] + G[i][1] * k[1 * 3 + j] + G[i][2] * k[2 * 3 + j];
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    ut[((size_t)(i * t + j) * ic + ci) * oc + co] =
                        (float)(gk[i][0] * G[j][0] + gk[i][1] * G[j][1] + gk[i][2] * G[j][2]);
        }
    zb_status st = ZB_OK;
    for (int ch = 0; ch < w->nchunk && st == ZB_OK; ch++) {
        const int c0 = ch * w->nc, ncw = oc - c0 < w->nc ? oc - c0 : w->nc;
        for (int xi = 0; xi < tt && st == ZB_OK; xi++)
            st = zb_gemm_pack(&w->u[ch * tt + xi], ic, ncw, ut + (size_t)xi * ic * oc + c0, oc, 1, NULL);
    }
    free(ut);
    if (st == ZB_OK)
        st = zb_wino_set_epi(w, epi);
    if (st != ZB_OK)
        zb_wino_free(w);
    return st;
}

/* ---- run -------------------------------------------------------------------- */

/* One thread's scratch: V (tt, tb, ic), M (tt, tb, nc), zeros (ic), and
 * for zb_wino_rows a tile of outputs (m, m, nc). */
typedef struct scratch {
    float *v, *mb, *zero, *ytile;
} scratch;

static size_t scratch_floats(const zb_wino *w, int tb)
{
    const size_t tt = (size_t)w->t * w->t;
    return tt * tb * w->g.ic + tt * tb * w->nc + (size_t)w->g.ic + (size_t)w->m * w->m * w->nc + 64;
}

static void scratch_at(const zb_wino *w, int tb, float *base, scratch *s)
{
    const size_t tt = (size_t)w->t * w->t;
    s->v = base;
    s->mb = s->v + tt * tb * w->g.ic;
    s->zero = s->mb + tt * tb * w->nc;
    s->ytile = s->zero + w->g.ic;
    memset(s->zero, 0, (size_t)w->g.ic * sizeof *s->zero);
}

/* Tiles [k0, k1) of the batch (tile k: image k / ntile, grid position
 * (k % ntile / tw, k % tw)), output channel blocks [ch0, ch1): V once, then
 * per block the GEMMs and the output transforms.
 * Output rows outside [ra, rb) of the image are not stored (a tile cut by
 * the range goes through s->ytile). */
/* The residual of one stored output pixel's channels (r: the residual at
 * the same pixel and channel, NULL: none), as zb_conv's residual_block. */
static void wino_res(const zb_wino *w, const float *r, float *y, int c)
{
    const zb_epi e = {NULL, NULL, NULL, w->ract};
    if (!r)
        return;
    if (w->res == 1)
        zb_ew_add(1, c, y, r, w->ralpha, y, &e);
    else
        zb_ew_add(1, c, r, y, w->ralpha, y, &e);
}

static void run_item(const zb_wino *w, const scratch *s, int tb, const float *x, const float *r, float *y,
                     int64_t k0, int64_t k1, int ch0, int ch1, int ra, int rb)
{
    const zb_conv_geom *g = &w->g;
    const int m = w->m, t = w->t, tt = t * t, ic = g->ic, nt = (int)(k1 - k0), ntile = w->th * w->tw;
    const ptrdiff_t ldy = w->ldy ? w->ldy : g->oc;
    const float *d[36];
    for (int64_t kk = k0; kk < k1; kk++) {
        const int k = (int)(kk % ntile);
        const float *xi = x + (size_t)(kk / ntile) * g->ih * g->iw * ic;
        const int iy0 = k / w->tw * m - g->pt, ix0 = k % w->tw * m - g->pl;
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) {
                const int iy = iy0 + i, ix = ix0 + j;
                d[i * t + j] = iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw
                                   ? xi + ((size_t)iy * g->iw + ix) * ic
                                   : s->zero;
            }
        wino_in(m, d, ic, s->v + (size_t)(kk - k0) * ic, (ptrdiff_t)tb * ic);
    }
    for (int ch = ch0; ch < ch1; ch++) {
        const int c0 = ch * w->nc, ncw = g->oc - c0 < w->nc ? g->oc - c0 : w->nc;
        for (int x2 = 0; x2 < tt; x2++)
            zb_gemm_rows(&w->u[ch * tt + x2], 0, nt, s->v + (size_t)x2 * tb * ic, ic,
                         s->mb + (size_t)x2 * tb * ncw, ncw);
        const zb_epi e = {w->bias ? w->bias + c0 : NULL, w->scale ? w->scale + c0 : NULL,
                          w->shift ? w->shift + c0 : NULL, w->act};
        for (int64_t kk = k0; kk < k1; kk++) {
            const int k = (int)(kk % ntile);
            const int64_t img = kk / ntile;
            const int oy0 = k / w->tw * m, ox0 = k % w->tw * m;
            const int nh = g->oh - oy0 < m ? g->oh - oy0 : m, nw = g->ow - ox0 < m ? g->ow - ox0 : m;
            const float *mk = s->mb + (size_t)(kk - k0) * ncw;
            float *yk = y + (((size_t)img * g->oh + oy0) * g->ow + ox0) * ldy + c0;
            const float *rk = r ? r + (((size_t)img * g->oh + oy0) * g->ow + ox0) * g->oc + c0 : NULL;
            const int whole = oy0 >= ra && oy0 + nh <= rb;
            if (whole)
                wino_out(m, mk, (ptrdiff_t)tb * ncw, ncw, &e, yk, (ptrdiff_t)g->ow * ldy, ldy, nh, nw);
            else
                wino_out(m, mk, (ptrdiff_t)tb * ncw, ncw, &e, s->ytile, (ptrdiff_t)m * ncw, ncw, nh, nw);
            for (int i = 0; i < nh; i++)
                if (oy0 + i >= ra && oy0 + i < rb)
                    for (int j = 0; j < nw; j++) {
                        float *yp = yk + ((size_t)i * g->ow + j) * ldy;
                        if (!whole)
                            memcpy(yp, s->ytile + ((size_t)i * m + j) * ncw, (size_t)ncw * sizeof *y);
                        wino_res(w, rk ? rk + ((size_t)i * g->ow + j) * g->oc : NULL, yp, ncw);
                    }
        }
    }
}

/* Worker i's share of the items, [i * items / T, (i + 1) * items / T): it
 * takes them in order, then the next unclaimed items of the other shares
 * (as the thread pool does with tiles), so that a worker's tiles are mostly
 * the rows its thread wrote in the layer before (resnet50, vgg16,
 * densenet121 at batch 1: 1-3% faster). */
struct share {
    _Alignas(64) _Atomic int64_t next;
    int64_t end;
};

typedef struct job {
    const zb_wino *w;
    const float *x, *r;    /* r: the residual or NULL */
    float *y;
    int n;                 /* images */
    int64_t nb;            /* tile blocks of the batch */
    int tb, ng;            /* tiles per block, channel groups */
    float *scratch;        /* per worker */
    size_t per;            /* floats per worker */
    struct share *share;   /* per worker: the next item of its share, and the share's end */
    int nthr;
} job;

static void worker(void *ctx, int64_t wid)
{
    job *jb = ctx;
    const zb_wino *w = jb->w;
    scratch s;
    scratch_at(w, jb->tb, jb->scratch + (size_t)wid * jb->per, &s);
    const int64_t ntiles = (int64_t)jb->n * w->th * w->tw;
    for (int k = 0; k < jb->nthr; k++) {
        struct share *sh = &jb->share[(wid + k) % jb->nthr];
        for (int64_t it; (it = atomic_fetch_add(&sh->next, 1)) < sh->end;) {
            const int grp = (int)(it % jb->ng);
            const int64_t k0 = it / jb->ng * jb->tb, k1 = k0 + jb->tb < ntiles ? k0 + jb->tb : ntiles;
            run_item(w, &s, jb->tb, jb->x, jb->r, jb->y, k0, k1, grp * w->nchunk / jb->ng,
                     (grp + 1) * w->nchunk / jb->ng, 0, w->g.oh);
        }
    }
}

static void rows_res(const zb_wino *w, const float *x, const float *res, float *y, int64_t r0, int64_t r1);

static void run_res(const zb_wino *w, zb_threadpool *tp, const float *x, const float *r, float *y, int n)
{
    if (n <= 0)
        return;
    const int nthr = zb_threadpool_size(tp);
    const int64_t ntiles = (int64_t)n * w->th * w->tw;
    /* Items: blocks of at most TB_MAX tiles of the batch (a multiple of the
     * GEMM's 6 rows; a block may span images) x groups of output channel
     * blocks.  With few tiles, first split the channels (each thread streams
     * its own part of U), then the tiles (each block streams all of U). */
    int64_t nb = (ntiles + TB_MAX - 1) / TB_MAX;
    int ng = 1;
    if (nb < 4 * nthr) {
        const int64_t g = (4 * nthr + nb - 1) / nb;
        ng = g < w->nchunk ? (int)g : w->nchunk;
    }
    if (nb * ng < 2 * nthr) {
        const int64_t want = (2 * nthr + ng - 1) / ng, max_nb = (ntiles + 5) / 6;
        nb = want < max_nb ? want : max_nb;
    }
    int tb = (int)((ntiles + nb - 1) / nb);
    tb = (tb + 5) / 6 * 6;
    nb = (ntiles + tb - 1) / tb;
    job jb = {.w = w, .x = x, .r = r, .y = y, .n = n, .nb = nb, .tb = tb, .ng = ng};
    jb.per = (scratch_floats(w, tb) + 15) & ~(size_t)15;
    jb.nthr = nthr;
    jb.scratch = aligned_alloc(64, jb.per * nthr * sizeof(float));
    jb.share = aligned_alloc(64, (size_t)nthr * sizeof *jb.share);
    /* Shares only where the items split the image: with one tile block every
     * item reads all of it, and alexnet's 13x13 layers (8 channel groups)
     * ran 4% slower with each thread streaming one half of U than taking
     * the groups in turn from one counter. */
    const int spread = nb >= nthr;
    if (jb.share)
        for (int i = 0; i < nthr; i++) {
            atomic_init(&jb.share[i].next, spread ? nb * ng * i / nthr : 0);
            jb.share[i].end = spread ? nb * ng * (i + 1) / nthr : i ? 0 : nb * ng;
        }
    if (!jb.scratch || !jb.share) {   /* no memory for all threads: one scratch, one thread */
        free(jb.scratch);
        free(jb.share);
        rows_res(w, x, r, y, 0, (int64_t)n * w->g.oh);
        return;
    }
    zb_parallel_for(tp, nthr, worker, &jb);
    free(jb.scratch);
    free(jb.share);
}

void zb_wino_run(const zb_wino *w, zb_threadpool *tp, const float *x, float *y, int n)
{
    run_res(w, tp, x, NULL, y, n);
}

/* zb_wino_rows plus the residual res (NULL: none). */
static void rows_res(const zb_wino *w, const float *x, const float *res, float *y, int64_t r0, int64_t r1)
{
    const int oh = w->g.oh, m = w->m;
    const int tb = (w->tw + 5) / 6 * 6 < TB_MAX ? (w->tw + 5) / 6 * 6 : TB_MAX;
    float *buf = r1 > r0 ? aligned_alloc(64, ((scratch_floats(w, tb) + 15) & ~(size_t)15) * sizeof(float)) : NULL;
    if (!buf)
        return;   /* nothing to do, or out of memory (no way to report it here) */
    scratch s;
    scratch_at(w, tb, buf, &s);
    for (int64_t r = r0; r < r1;) {
        const int img = (int)(r / oh), ra = (int)(r % oh);
        const int rb = r1 - (int64_t)img * oh < oh ? (int)(r1 - (int64_t)img * oh) : oh;
        for (int ty = ra / m; ty * m < rb; ty++)
            for (int k0 = ty * w->tw; k0 < (ty + 1) * w->tw; k0 += tb) {
                const int k1 = k0 + tb < (ty + 1) * w->tw ? k0 + tb : (ty + 1) * w->tw;
                run_item(w, &s, tb, x, res, y, (int64_t)img * w->th * w->tw + k0,
                         (int64_t)img * w->th * w->tw + k1, 0, w->nchunk, ra, rb);
            }
        r = (int64_t)img * oh + rb;
    }
    free(buf);
}

void zb_wino_rows(const zb_wino *w, const float *x, float *y, int64_t r0, int64_t r1)
{
    rows_res(w, x, NULL, y, r0, r1);
}

/* ---- the engine kernel ------------------------------------------------------ */

static void state_free(void *p)
{
    zb_wino_free(p);
    free(p);
}

static zb_conv_geom geom_of(const zb_kdesc *d)
{
    return (zb_conv_geom){d->ih, d->iw, d->ic, d->oh, d->ow, d->oc, d->kh, d->kw,
                          d->sh, d->sw, d->dh, d->dw, d->pt, d->pl, d->groups};
}

int zb_wino_kdesc_tile(const zb_kdesc *d)
{
    const zb_conv_geom g = geom_of(d);
    return zb_wino_tile(&g);
}

static zb_status pack(zb_kdesc *d, const float *wt)
{
    const zb_conv_geom g = geom_of(d);
    zb_wino *w = malloc(sizeof *w);
    if (!w)
        return zb_error(ZB_ERR_NOMEM, "conv2d: out of memory");
    zb_status st = zb_wino_prepare(w, &g, zb_wino_tile(&g), wt, NULL);
    if (st != ZB_OK) {
        free(w);
        return st;
    }
    d->fast = w;
    d->fast_free = state_free;
    return ZB_OK;
}

/* With a residual the activation comes after it (wino_res). */
static zb_status finish(zb_kdesc *d)
{
    const zb_epi e = {d->bias, d->scale, d->shift, d->res ? ZB_EPI_NONE : (int)d->act};
    zb_wino *w = d->fast;
    w->ldy = d->ldy;
    w->res = d->res, w->ralpha = d->alpha, w->ract = (int)d->act;
    return zb_wino_set_epi(w, &e);
}

static void run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    rows_res(d->fast, xs[0], d->res ? xs[1] : NULL, y, r0, r1);
}

static void run_pool(const zb_kdesc *d, zb_threadpool *tp, const float *const *xs, float *y, int64_t rows)
{
    run_res(d->fast, tp, xs[0], d->res ? xs[1] : NULL, y, (int)(rows / d->oh));
}

const zb_kernel zb_fast_winograd = {"f32_conv3x3_winograd__avx2", pack, run, finish, run_pool,
                                    ZB_KF_LDY | ZB_KF_RES};

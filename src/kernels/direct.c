/* Depthwise convolution (prepare, dispatch, portable fallback), pooling and
 * element-wise dispatch.  The AVX2 versions are in x86/direct.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "kernels/x86/x86.h"

/* ---- depthwise -------------------------------------------------------------- */

static float *dup(const float *v, int n)
{
    if (!v)
        return NULL;
    float *p = malloc((size_t)n * sizeof *p);
    if (p)
        memcpy(p, v, (size_t)n * sizeof *p);
    return p;
}

zb_status zb_dw_prepare(zb_dw *d, const zb_dw_geom *g, const float *w, const zb_epi *epi)
{
    memset(d, 0, sizeof *d);
    if (g->c < 1 || g->dm < 1 || g->kh < 1 || g->kw < 1 || g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1 ||
        g->oh < 1 || g->ow < 1 || g->ih < 1 || g->iw < 1)
        return zb_error(ZB_ERR_ARG, "depthwise: invalid geometry (c %d, multiplier %d, kernel %dx%d)", g->c, g->dm,
                        g->kh, g->kw);
    const int oc = g->c * g->dm;
    d->g = *g;
    d->w = malloc((size_t)g->kh * g->kw * oc * sizeof *d->w);
    if (!d->w)
        return zb_error(ZB_ERR_NOMEM, "depthwise: out of memory packing weights");
    zb_status st = zb_dw_set_epi(d, epi);
    if (st != ZB_OK) {
        zb_dw_free(d);
        return st;
    }
    /* canonical (oc, 1, kh, kw) -> (kh, kw, oc) */
    for (int o = 0; o < oc; o++)
        for (int t = 0; t < g->kh * g->kw; t++)
            d->w[(size_t)t * oc + o] = w[(size_t)o * g->kh * g->kw + t];
    return ZB_OK;
}

zb_status zb_dw_set_epi(zb_dw *d, const zb_epi *epi)
{
    const int oc = d->g.c * d->g.dm;
    free(d->bias);
    free(d->scale);
    free(d->shift);
    d->bias = d->scale = d->shift = NULL;
    d->act = epi ? epi->act : ZB_EPI_NONE;
    if (!epi)
        return ZB_OK;
    d->bias = dup(epi->bias, oc);
    d->scale = dup(epi->scale, oc);
    d->shift = dup(epi->shift, oc);
    if ((epi->bias && !d->bias) || (epi->scale && !d->scale) || (epi->shift && !d->shift))
        return zb_error(ZB_ERR_NOMEM, "depthwise: out of memory for the epilogue");
    return ZB_OK;
}

void zb_dw_free(zb_dw *d)
{
    if (!d)
        return;
    free(d->w);
    free(d->bias);
    free(d->scale);
    free(d->shift);
    memset(d, 0, sizeof *d);
}

/* Same arithmetic as the AVX2 kernel: fmaf over in-image taps in order. */
static void dw_rows_c(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    const zb_dw_geom *g = &d->g;
    const int oc = g->c * g->dm;
    const zb_epi e = {d->bias, d->scale, d->shift, d->act};
    for (int64_t r = r0; r < r1; r++) {
        const float *xn = x + r / g->oh * g->ih * g->iw * g->c;
        const int oy = (int)(r % g->oh);
        for (int ox = 0; ox < g->ow; ox++)
            for (int o = 0; o < oc; o++) {
                float acc = 0.0f;
                for (int ky = 0; ky < g->kh; ky++) {
                    const int iy = oy * g->sh - g->pt + ky * g->dh;
                    if (iy < 0 || iy >= g->ih)
                        continue;
                    for (int kx = 0; kx < g->kw; kx++) {
                        const int ix = ox * g->sw - g->pl + kx * g->dw;
                        if (ix < 0 || ix >= g->iw)
                            continue;
                        acc = fmaf(xn[((size_t)iy * g->iw + ix) * g->c + o / g->dm],
                                   d->w[(size_t)(ky * g->kw + kx) * oc + o], acc);
                    }
                }
                y[(r * g->ow + ox) * oc + o] = zb_epi_apply(&e, o, acc);
            }
    }
}

void zb_dw_rows(const zb_dw *d, const float *x, float *y, int64_t r0, int64_t r1)
{
    if (zb_cpu_avx512() && d->g.dm == 1)
        zb_x86_dw_rows_avx512(d, x, y, r0, r1);
    else if (zb_cpu_fast())
        zb_x86_dw_rows(d, x, y, r0, r1);
    else
        dw_rows_c(d, x, y, r0, r1);
}

typedef struct dw_job {
    const zb_dw *d;
    const float *x;
    float *y;
    int64_t rows, per;
} dw_job;

static void dw_tile(void *ctx, int64_t t)
{
    const dw_job *j = ctx;
    const int64_t r0 = t * j->per, r1 = r0 + j->per < j->rows ? r0 + j->per : j->rows;
    zb_dw_rows(j->d, j->x, j->y, r0, r1);
}

void zb_dw_run(const zb_dw *d, zb_threadpool *tp, const float *x, float *y, int n)
{
    dw_job j = {d, x, y, (int64_t)n * d->g.oh, 0};
    const int64_t want = 4 * (int64_t)zb_threadpool_size(tp);
    j.per = (j.rows + want - 1) / want;
    j.per = j.per < 1 ? 1 : j.per;
    zb_parallel_for(tp, (j.rows + j.per - 1) / j.per, dw_tile, &j);
}

/* ---- pooling and element-wise: the references are already the portable
 * versions (the AVX2 and AVX-512 ones are bitwise equal) ----------------- */

void zb_maxpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    if (zb_cpu_avx512())
        zb_x86_maxpool_rows_avx512(g, x, y, r0, r1);
    else if (zb_cpu_fast())
        zb_x86_maxpool_rows(g, x, y, r0, r1);
    else
        zb_maxpool_ref(g, x, y, r0, r1);
}

void zb_avgpool_rows(const zb_pool_geom *g, const float *x, float *y, int64_t r0, int64_t r1)
{
    if (zb_cpu_avx512())
        zb_x86_avgpool_rows_avx512(g, x, y, r0, r1);
    else if (zb_cpu_fast())
        zb_x86_avgpool_rows(g, x, y, r0, r1);
    else
        zb_avgpool_ref(g, x, y, r0, r1);
}

void zb_global_avgpool_images(int hw, int c, const float *x, float *y, int64_t n0, int64_t n1)
{
    if (zb_cpu_avx512())
        zb_x86_global_avgpool_avx512(hw, c, x, y, n0, n1);
    else if (zb_cpu_fast())
        zb_x86_global_avgpool(hw, c, x, y, n0, n1);
    else
        zb_global_avgpool_images_ref(hw, c, x, y, n0, n1);
}

void zb_ew_affine(int64_t npix, int c, const float *x, float *y, const zb_epi *e)
{
    if (zb_cpu_avx512())
        zb_x86_ew_affine_avx512(npix, c, x, y, e);
    else if (zb_cpu_fast())
        zb_x86_ew_affine(npix, c, x, y, e);
    else
        zb_ew_affine_ref(npix, c, x, y, e);
}

void zb_ew_add(int64_t npix, int c, const float *a, const float *b, float alpha, float *y, const zb_epi *e)
{
    if (zb_cpu_avx512())
        zb_x86_ew_add_avx512(npix, c, a, b, alpha, y, e);
    else if (zb_cpu_fast())
        zb_x86_ew_add(npix, c, a, b, alpha, y, e);
    else
        zb_ew_add_ref(npix, c, a, b, alpha, y, e);
}

/* The fast kernels (kernels/fast.h) behind the engine's zb_kernel interface.
 * Each adapter packs its weights at prepare into its own state (d->fast),
 * takes the final epilogue after fusion (finish), runs output rows
 * [r0, r1) (run) or the whole batch over the thread pool (run_pool). */
#include <stdlib.h>

#include "core/status.h"
#include "kernels/fast.h"
#include "kernels/fast_engine.h"

_Static_assert((int)ZB_ACT_NONE == ZB_EPI_NONE && (int)ZB_ACT_RELU == ZB_EPI_RELU &&
                   (int)ZB_ACT_RELU6 == ZB_EPI_RELU6,
               "activation codes agree");

static zb_epi epi_of(const zb_kdesc *d) { return (zb_epi){d->bias, d->scale, d->shift, (int)d->act}; }

/* ---- convolution via GEMM ---------------------------------------------------- */

static void conv_state_free(void *p)
{
    zb_conv_free(p);
    free(p);
}

static zb_status conv_pack(zb_kdesc *d, const float *w)
{
    zb_conv *cv = malloc(sizeof *cv);
    if (!cv)
        return zb_error(ZB_ERR_NOMEM, "conv2d: out of memory");
    const zb_conv_geom g = {d->ih, d->iw, d->ic, d->oh, d->ow, d->oc, d->kh, d->kw,
                            d->sh, d->sw, d->dh, d->dw, d->pt, d->pl, d->groups};
    zb_status st = zb_conv_prepare(cv, &g, w, NULL);
    if (st != ZB_OK) {
        free(cv);
        return st;
    }
    d->fast = cv;
    d->fast_free = conv_state_free;
    return ZB_OK;
}

static zb_status conv_finish(zb_kdesc *d)
{
    const zb_epi e = epi_of(d);
    ((zb_conv *)d->fast)->ldy = d->ldy;
    return zb_conv_set_epi(d->fast, &e);
}

static void conv_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    zb_conv_pixels(d->fast, xs[0], y, r0 * d->ow, r1 * d->ow);
}

static void conv_run_pool(const zb_kdesc *d, zb_threadpool *tp, const float *const *xs, float *y, int64_t rows)
{
    zb_conv_run(d->fast, tp, xs[0], y, (int)(rows / d->oh));
}

const zb_kernel zb_fast_conv2d = {"f32_conv2d_gemm_6x16__avx2", conv_pack, conv_run, conv_finish, conv_run_pool,
                                  ZB_KF_LDY};

/* ---- depthwise ------------------------------------------------------------------ */

static void dw_state_free(void *p)
{
    zb_dw_free(p);
    free(p);
}

static zb_status dw_pack(zb_kdesc *d, const float *w)
{
    zb_dw *dw = malloc(sizeof *dw);
    if (!dw)
        return zb_error(ZB_ERR_NOMEM, "conv2d: out of memory");
    const zb_dw_geom g = {d->ih, d->iw, d->ic, d->oc / d->ic, d->oh, d->ow, d->kh,
                          d->kw, d->sh, d->sw, d->dh, d->dw, d->pt, d->pl};
    zb_status st = zb_dw_prepare(dw, &g, w, NULL);
    if (st != ZB_OK) {
        free(dw);
        return st;
    }
    d->fast = dw;
    d->fast_free = dw_state_free;
    return ZB_OK;
}

static zb_status dw_finish(zb_kdesc *d)
{
    const zb_epi e = epi_of(d);
    return zb_dw_set_epi(d->fast, &e);
}

static void dw_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    zb_dw_rows(d->fast, xs[0], y, r0, r1);
}

const zb_kernel zb_fast_depthwise = {"f32_dwconv_nhwc__avx2", dw_pack, dw_run, dw_finish, NULL, 0};

/* ---- dense ---------------------------------------------------------------------- */

static void gemm_state_free(void *p)
{
    zb_gemm_b_free(p);
    free(p);
}

static zb_status dense_pack(zb_kdesc *d, const float *w)
{
    zb_gemm_b *b = malloc(sizeof *b);
    if (!b)
        return zb_error(ZB_ERR_NOMEM, "dense: out of memory");
    const int k = d->ih * d->iw * d->ic;
    zb_status st = zb_gemm_pack(b, k, d->oc, w, 1, k, NULL);   /* canonical (oc, k) */
    if (st != ZB_OK) {
        free(b);
        return st;
    }
    d->fast = b;
    d->fast_free = gemm_state_free;
    return ZB_OK;
}

static zb_status dense_finish(zb_kdesc *d)
{
    const zb_epi e = epi_of(d);
    return zb_gemm_set_epi(d->fast, &e);
}

static void dense_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const int k = d->ih * d->iw * d->ic;
    zb_gemm_rows(d->fast, r0, r1, xs[0], k, y, d->oc);
}

static void dense_run_pool(const zb_kdesc *d, zb_threadpool *tp, const float *const *xs, float *y, int64_t rows)
{
    zb_gemm(d->fast, tp, rows, xs[0], d->ih * d->iw * d->ic, y, d->oc);
}

const zb_kernel zb_fast_dense = {"f32_dense_gemm_6x16__avx2", dense_pack, dense_run, dense_finish, dense_run_pool, 0};

/* ---- pooling and element-wise (bitwise equal to the reference kernels) ------- */

static zb_pool_geom pool_geom(const zb_kdesc *d)
{
    return (zb_pool_geom){d->ih, d->iw, d->oc, d->oh, d->ow, d->kh, d->kw, d->sh,
                          d->sw, d->pt, d->pb, d->pl, d->pr, d->count_include_pad};
}

static void maxpool_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_pool_geom g = pool_geom(d);
    zb_maxpool_rows(&g, xs[0], y, r0, r1);
}

static void avgpool_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_pool_geom g = pool_geom(d);
    zb_avgpool_rows(&g, xs[0], y, r0, r1);
}

static void gap_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    zb_global_avgpool_images(d->ih * d->iw, d->oc, xs[0], y, r0, r1);
}

static void affine_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_epi e = epi_of(d);
    const int64_t ldx = d->ldx ? d->ldx : d->oc, ldy = d->ldy ? d->ldy : d->oc;
    if (ldx == d->oc && ldy == d->oc) {
        const int64_t off = r0 * d->ow * d->oc;
        zb_ew_affine((r1 - r0) * d->ow, d->oc, xs[0] + off, y + off, &e);
        return;
    }
    for (int64_t p = r0 * d->ow; p < r1 * d->ow; p++)   /* pixels inside wider concat buffers */
        zb_ew_affine(1, d->oc, xs[0] + p * ldx, y + p * ldy, &e);
}

static void add_run(const zb_kdesc *d, const float *const *xs, float *y, int64_t r0, int64_t r1)
{
    const zb_epi e = epi_of(d);
    const int64_t off = r0 * d->ow * d->oc;
    zb_ew_add((r1 - r0) * d->ow, d->oc, xs[0] + off, xs[1] + off, d->alpha, y + off, &e);
}

const zb_kernel zb_fast_maxpool = {"f32_maxpool_nhwc__avx2", NULL, maxpool_run, NULL, NULL, 0};
const zb_kernel zb_fast_avgpool = {"f32_avgpool_nhwc__avx2", NULL, avgpool_run, NULL, NULL, 0};
const zb_kernel zb_fast_global_avgpool = {"f32_global_avgpool_nhwc__avx2", NULL, gap_run, NULL, NULL, 0};
const zb_kernel zb_fast_eltwise = {"f32_affine_act__avx2", NULL, affine_run, NULL, NULL, ZB_KF_LDX | ZB_KF_LDY};
const zb_kernel zb_fast_add = {"f32_add_scaled__avx2", NULL, add_run, NULL, NULL, 0};

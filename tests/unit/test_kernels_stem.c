/* The direct small-channel convolution (kernels/stem.h: a network's first
 * layer, ic <= 4) on odd shapes:
 *   - bitwise against the promised arithmetic, computed here: the fmaf
 *     chain over all kh * kw * ic taps in (ky, kx, ci) order from +0, with
 *     0.0f for padding taps (what the im2col GEMM path computes), then the
 *     epilogue;
 *   - bitwise against the im2col GEMM path itself (the same layer with
 *     cv.stem cleared);
 *   - against the reference twin zb_conv_ref (separate multiply and add,
 *     padding skipped) within 2 T u S before the epilogue, T = kh kw ic
 *     taps, S = sum |x w|, u = 2^-24: both sum the same T products in the
 *     same order, each recursive sum lies within gamma_T S ~ T u S of the
 *     exact one, so they differ by at most 2 T u S; the epilogue multiplies
 *     that by |scale| and rounds its bias, scale and shift steps once per
 *     side (the u-terms below; the same bound as test_kernels_conv.c);
 *   - bitwise invariance: each image alone against the batch (batch 1 and
 *     3), pixel ranges of odd lengths at odd offsets, 1, 2 and 3 threads,
 *     an output pixel stride wider than oc (a concat buffer; the gaps stay
 *     untouched). */
#include "harness.h"
#include "kernels/fast.h"
#include "kernels/stem.h"
#include "kernels_util.h"

/* The promised arithmetic for one output: padding taps enter as 0.0f. */
static float chain(const zb_conv_geom *g, const float *w, const float *x, int img, int oy, int ox, int co,
                   double *s)
{
    float acc = 0.0f;
    *s = 0;
    for (int ky = 0; ky < g->kh; ky++)
        for (int kx = 0; kx < g->kw; kx++)
            for (int ci = 0; ci < g->ic; ci++) {
                const int iy = oy * g->sh - g->pt + ky * g->dh, ix = ox * g->sw - g->pl + kx * g->dw;
                const int in = iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw;
                const float xv = in ? x[(((size_t)img * g->ih + iy) * g->iw + ix) * g->ic + ci] : 0.0f;
                const float wv = w[(((size_t)co * g->ic + ci) * g->kh + ky) * g->kw + kx];
                acc = fmaf(xv, wv, acc);
                *s += fabs((double)xv * wv);
            }
    return acc;
}

static int out_dim(int i, int k, int s, int d, int p0, int p1) { return (i + p0 + p1 - d * (k - 1) - 1) / s + 1; }

typedef struct shape {
    int n, ih, iw, ic, oc, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr, act;
} shape;

static void check(const shape *c)
{
    zb_conv_geom g = {c->ih,
                      c->iw,
                      c->ic,
                      out_dim(c->ih, c->kh, c->sh, c->dh, c->pt, c->pb),
                      out_dim(c->iw, c->kw, c->sw, c->dw, c->pl, c->pr),
                      c->oc,
                      c->kh,
                      c->kw,
                      c->sh,
                      c->sw,
                      c->dh,
                      c->dw,
                      c->pt,
                      c->pl,
                      1};
    const int n = c->n, oc = c->oc;
    const size_t nx = (size_t)n * g.ih * g.iw * g.ic, ny = (size_t)n * g.oh * g.ow * oc;
    float *x = rand_buf(nx), *w = rand_buf((size_t)oc * g.ic * g.kh * g.kw), *bias = rand_buf(oc);
    float *scale = rand_buf(oc), *shift = rand_buf(oc);
    float *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r), *y1 = malloc(ny * sizeof *y1);
    const zb_epi e = {bias, c->act == ZB_EPI_RELU6 ? NULL : scale, c->act == ZB_EPI_RELU6 ? NULL : shift, c->act};
    zb_conv cv;
    CHECK(zb_conv_prepare(&cv, &g, w, &e) == ZB_OK);
    CHECK_EQ_INT(cv.stem, zb_cpu_fast());   /* every shape here qualifies */
    zb_conv_run(&cv, NULL, x, NULL, y, n);
    zb_conv_ref(&g, w, &e, x, r, n);
    int bad_ref = 0, bad_bits = 0;
    for (size_t i = 0; i < ny; i++) {   /* i = ((img * oh + oy) * ow + ox) * oc + co */
        const int co = (int)(i % oc), ox = (int)(i / oc % g.ow), oy = (int)(i / oc / g.ow % g.oh);
        const int img = (int)(i / oc / g.ow / g.oh);
        double s;
        const float v = zb_epi_apply(&e, co, chain(&g, w, x, img, oy, ox, co, &s));
        bad_bits += memcmp(&v, &y[i], sizeof v) != 0;
        const double sc = e.scale ? fabs(scale[co]) : 1, sh = e.shift ? fabs(shift[co]) : 0;
        const double tol = sc * (2.0 * g.kh * g.kw * g.ic * U * s + 2 * U * (fabs(r[i]) + 2 * fabs(bias[co]) + 2)) +
                           4 * U * (fabs(r[i]) + sh) + 1e-37;
        bad_ref += fabs((double)y[i] - r[i]) > tol;
    }
    CHECK_EQ_INT(bad_bits, 0);
    CHECK_EQ_INT(bad_ref, 0);
    int bad = 0;
    /* the im2col GEMM path */
    const int stem = cv.stem;
    cv.stem = 0;
    zb_conv_run(&cv, NULL, x, NULL, y1, n);
    cv.stem = stem;
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    /* each image alone */
    const size_t per = (size_t)g.oh * g.ow * oc;
    for (int img = 0; img < n; img++) {
        zb_conv_run(&cv, NULL, x + (size_t)img * g.ih * g.iw * g.ic, NULL, y1, 1);
        bad += memcmp(y1, y + img * per, per * sizeof *y) != 0;
    }
    /* pixel ranges of lengths 1, 2, 3, 5, 8, 13, 1, ... (blocks at every offset) */
    static const int lens[] = {1, 2, 3, 5, 8, 13};
    const int64_t m = (int64_t)n * g.oh * g.ow;
    memset(y1, 0xff, ny * sizeof *y1);
    for (int64_t m0 = 0, k = 0; m0 < m; k++) {
        const int64_t m1 = m0 + lens[k % 6] < m ? m0 + lens[k % 6] : m;
        zb_conv_pixels(&cv, x, NULL, y1, m0, m1);
        m0 = m1;
    }
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    /* threads */
    for (int t = 2; t <= 3; t++) {
        zb_threadpool *tp = NULL;
        CHECK(zb_threadpool_create(t, &tp) == ZB_OK);
        memset(y1, 0xff, ny * sizeof *y1);
        zb_conv_run(&cv, tp, x, NULL, y1, n);
        bad += memcmp(y1, y, ny * sizeof *y) != 0;
        zb_threadpool_free(tp);
    }
    /* output pixels ldy = oc + 3 apart: the same values, the gaps untouched */
    const ptrdiff_t ldy = oc + 3;
    float *yw = malloc((size_t)m * ldy * sizeof *yw);
    memset(yw, 0x7f, (size_t)m * ldy * sizeof *yw);
    cv.ldy = ldy;
    zb_conv_run(&cv, NULL, x, NULL, yw, n);
    cv.ldy = 0;
    for (int64_t p = 0; p < m; p++) {
        bad += memcmp(yw + p * ldy, y + p * oc, (size_t)oc * sizeof *y) != 0;
        for (int j = oc; j < ldy; j++) {
            float gap;
            memset(&gap, 0x7f, sizeof gap);
            bad += memcmp(&yw[p * ldy + j], &gap, sizeof gap) != 0;
        }
    }
    free(yw);
    CHECK_EQ_INT(bad, 0);
    if (bad || bad_bits || bad_ref)
        fprintf(stderr, "  stem n%d %dx%dx%d -> %dx%dx%d k%dx%d s%d,%d d%d,%d p%d,%d,%d,%d act %d\n", n, g.ih, g.iw,
                g.ic, g.oh, g.ow, oc, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, c->pt, c->pb, c->pl, c->pr, c->act);
    zb_conv_free(&cv);
    free(x), free(w), free(bias), free(scale), free(shift), free(y), free(r), free(y1);
}

static void test_shapes(void)
{
    static const shape shapes[] = {
        /* the models' stems, shrunk: mobilenet (TF 'valid' after a (0, 1)
         * zero pad), squeezenet, alexnet, resnet / densenet, inception, vgg */
        {1, 33, 31, 3, 32, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, ZB_EPI_RELU6},
        {3, 31, 35, 3, 64, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, ZB_EPI_RELU},
        {1, 47, 45, 3, 64, 11, 11, 4, 4, 1, 1, 2, 2, 2, 2, ZB_EPI_RELU},
        {3, 29, 37, 3, 64, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, ZB_EPI_RELU},
        {1, 41, 39, 3, 32, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, ZB_EPI_RELU},
        {1, 19, 33, 3, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        /* odd channel counts: masked columns, one-panel passes, several pairs */
        {3, 9, 23, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_NONE},
        {1, 11, 17, 3, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        {1, 13, 29, 3, 17, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, ZB_EPI_NONE},
        {3, 8, 30, 3, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU6},
        {1, 7, 16, 3, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        /* ic 1, 2, 4; widths below one block (1, 5, 6, 7, 13) and just above */
        {3, 6, 1, 1, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        {1, 9, 5, 2, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_NONE},
        {3, 7, 6, 4, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        {1, 7, 7, 3, 16, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, ZB_EPI_RELU6},
        {1, 5, 13, 3, 48, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        {1, 5, 15, 2, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_NONE},
        /* output widths of exactly one and two AVX-512 blocks, one AVX2 block + 1 */
        {1, 9, 14, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        {1, 8, 28, 3, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_NONE},
        {3, 7, 7, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU},
        /* non-square stride and kernel, asymmetric padding, large padding,
         * dilation, stride 3, 1x1 */
        {3, 17, 29, 3, 24, 3, 5, 2, 3, 1, 1, 1, 2, 0, 3, ZB_EPI_RELU},
        {1, 12, 40, 3, 40, 1, 7, 1, 1, 1, 1, 0, 0, 3, 3, ZB_EPI_RELU},
        {1, 21, 10, 3, 19, 7, 1, 2, 1, 1, 1, 3, 3, 0, 0, ZB_EPI_NONE},
        {3, 9, 11, 3, 16, 3, 3, 1, 1, 1, 1, 4, 4, 5, 5, ZB_EPI_RELU},
        {1, 19, 31, 3, 17, 3, 3, 1, 2, 2, 3, 2, 2, 3, 3, ZB_EPI_RELU},
        {1, 23, 43, 4, 36, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU6},
        {3, 10, 31, 3, 21, 1, 1, 1, 2, 1, 1, 0, 0, 0, 0, ZB_EPI_RELU},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
        check(&shapes[i]);
}

/* A full-size stem (resnet50's 7x7/2, 224 -> 112 x 64) at batch 2 and 2
 * threads against the GEMM path, bitwise; and the layers the kernel must
 * leave to the GEMM (groups, ic > 4). */
static void test_full_and_declined(void)
{
    const zb_conv_geom g = {224, 224, 3, 112, 112, 64, 7, 7, 2, 2, 1, 1, 3, 3, 1};
    const size_t ny = (size_t)2 * 112 * 112 * 64;
    float *x = rand_buf((size_t)2 * 224 * 224 * 3), *w = rand_buf((size_t)64 * 3 * 49), *bias = rand_buf(64);
    float *y = malloc(ny * sizeof *y), *y1 = malloc(ny * sizeof *y1);
    const zb_epi e = {bias, NULL, NULL, ZB_EPI_RELU};
    zb_conv cv;
    CHECK(zb_conv_prepare(&cv, &g, w, &e) == ZB_OK);
    CHECK_EQ_INT(cv.stem, zb_cpu_fast());
    zb_threadpool *tp = NULL;
    CHECK(zb_threadpool_create(2, &tp) == ZB_OK);
    zb_conv_run(&cv, tp, x, NULL, y, 2);
    cv.stem = 0;
    zb_conv_run(&cv, NULL, x, NULL, y1, 2);
    CHECK(memcmp(y, y1, ny * sizeof *y) == 0);
    zb_threadpool_free(tp);
    zb_conv_free(&cv);
    const zb_conv_geom grouped = {9, 9, 4, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2};
    const zb_conv_geom wide = {9, 9, 5, 9, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1};
    CHECK(zb_conv_prepare(&cv, &grouped, w, NULL) == ZB_OK);
    CHECK_EQ_INT(cv.stem, 0);
    zb_conv_free(&cv);
    CHECK(zb_conv_prepare(&cv, &wide, w, NULL) == ZB_OK);
    CHECK_EQ_INT(cv.stem, 0);
    zb_conv_free(&cv);
    free(x), free(w), free(bias), free(y), free(y1);
}

int main(void)
{
    fprintf(stderr, "kernels: %s\n", zb_cpu_kernels_name());
    RUN(test_shapes);
    RUN(test_full_and_declined);
    return test_report();
}

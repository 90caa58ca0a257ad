/* Convolution via GEMM and direct depthwise convolution against their
 * reference twins (tolerance 2 T u S + u-scale epilogue terms, T = taps
 * summed, S = sum |x w|: see test_kernels_gemm.c), bitwise against the FMA
 * chain over (ky, kx, ci), and bitwise invariance of an image under batch
 * size, batch position, pixel ranges and thread count. */
#include "harness.h"
#include "kernels/fast.h"
#include "kernels_util.h"

/* The promised arithmetic, one output: fmaf over in-image taps in
 * (ky, kx, ci) order from +0. */
static float conv_chain(const zb_conv_geom *g, const float *w, const float *x, int img, int oy, int ox, int co,
                        double *s)
{
    const int cig = g->ic / g->groups, gi = co / (g->oc / g->groups);
    float acc = 0.0f;
    *s = 0;
    for (int ky = 0; ky < g->kh; ky++)
        for (int kx = 0; kx < g->kw; kx++) {
            const int iy = oy * g->sh - g->pt + ky * g->dh, ix = ox * g->sw - g->pl + kx * g->dw;
            if (iy < 0 || iy >= g->ih || ix < 0 || ix >= g->iw)
                continue;
            for (int ci = 0; ci < cig; ci++) {
                float xv = x[(((size_t)img * g->ih + iy) * g->iw + ix) * g->ic + gi * cig + ci];
                float wv = w[(((size_t)co * cig + ci) * g->kh + ky) * g->kw + kx];
                acc = fmaf(xv, wv, acc);
                *s += fabs((double)xv * wv);
            }
        }
    return acc;
}

static int out_dim(int i, int k, int s, int d, int p0, int p1) { return (i + p0 + p1 - d * (k - 1) - 1) / s + 1; }

static void check_conv(int n, int ih, int iw, int ic, int oc, int kh, int kw, int sh, int sw, int dh, int dw, int pt,
                       int pb, int pl, int pr, int groups, int act)
{
    zb_conv_geom g = {ih, iw, ic, out_dim(ih, kh, sh, dh, pt, pb), out_dim(iw, kw, sw, dw, pl, pr), oc, kh, kw,
                      sh, sw, dh, dw, pt, pl, groups};
    if (g.oh < 1 || g.ow < 1)
        return;
    const size_t nx = (size_t)n * ih * iw * ic, ny = (size_t)n * g.oh * g.ow * oc;
    float *x = rand_buf(nx), *w = rand_buf((size_t)oc * (ic / groups) * kh * kw), *bias = rand_buf(oc);
    float *scale = rand_buf(oc), *shift = rand_buf(oc);
    float *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r), *y1 = malloc(ny * sizeof *y1);
    zb_epi e = {bias, scale, shift, act};
    zb_conv cv;
    CHECK(zb_conv_prepare(&cv, &g, w, &e) == ZB_OK);
    zb_conv_run(&cv, NULL, x, NULL, y, n);
    zb_conv_ref(&g, w, &e, x, r, n);
    int bad_ref = 0, bad_bits = 0;
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g.oh; oy++)
            for (int ox = 0; ox < g.ow; ox++)
                for (int co = 0; co < oc; co++) {
                    const size_t i = (((size_t)img * g.oh + oy) * g.ow + ox) * oc + co;
                    double s;
                    float v = zb_epi_apply(&e, co, conv_chain(&g, w, x, img, oy, ox, co, &s));
                    bad_bits += memcmp(&v, &y[i], sizeof v) != 0;
                    /* the epilogue multiplies the sum's error by |scale| and
                     * rounds bias, scale and shift steps once per side */
                    const double tol = fabs(scale[co]) * (2.0 * kh * kw * (ic / groups) * U * s +
                                                          2 * U * (fabs(r[i]) + 2 * fabs(bias[co]) + 2)) +
                                       4 * U * (fabs(r[i]) + fabs(shift[co])) + 1e-37;
                    bad_ref += fabs((double)y[i] - r[i]) > tol;
                }
    CHECK_EQ_INT(bad_ref, 0);
    CHECK_EQ_INT(bad_bits, 0);
    if (bad_ref || bad_bits)
        fprintf(stderr, "  conv n%d %dx%dx%d -> %d k%dx%d s%d,%d d%d,%d p%d,%d,%d,%d g%d\n", n, ih, iw, ic, oc, kh,
                kw, sh, sw, dh, dw, pt, pb, pl, pr, groups);
    /* invariance: each image alone, pixel ranges of odd lengths, threads */
    const size_t per = (size_t)g.oh * g.ow * oc;
    int bad = 0;
    for (int img = 0; img < n; img++) {
        zb_conv_run(&cv, NULL, x + (size_t)img * ih * iw * ic, NULL, y1, 1);
        bad += memcmp(y1, y + img * per, per * sizeof *y) != 0;
    }
    const int64_t m = (int64_t)n * g.oh * g.ow;
    for (int64_t m0 = 0; m0 < m; m0 += 5)
        zb_conv_pixels(&cv, x, NULL, y1, m0, m0 + 5 < m ? m0 + 5 : m);
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_threadpool *tp = NULL;
    zb_threadpool_create(3, &tp);
    zb_conv_run(&cv, tp, x, NULL, y1, n);
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_threadpool_free(tp);
    /* epilogue set after packing */
    zb_conv cv2;
    CHECK(zb_conv_prepare(&cv2, &g, w, NULL) == ZB_OK);
    CHECK(zb_conv_set_epi(&cv2, &e) == ZB_OK);
    zb_conv_run(&cv2, NULL, x, NULL, y1, n);
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_conv_free(&cv2);
    CHECK_EQ_INT(bad, 0);
    zb_conv_free(&cv);
    free(x), free(w), free(bias), free(scale), free(shift), free(y), free(r), free(y1);
}

static void test_conv(void)
{
    /* 1x1: direct A rows (stride 1 and 2), then padded (im2col) */
    check_conv(2, 5, 7, 17, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_RELU);
    check_conv(3, 7, 6, 16, 31, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_NONE);
    check_conv(1, 4, 4, 5, 7, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, ZB_EPI_RELU6);
    /* 3x3 stride 1 / 2, symmetric and asymmetric (TF "same") padding */
    check_conv(2, 9, 8, 7, 15, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    check_conv(2, 9, 9, 3, 17, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1, ZB_EPI_NONE);
    check_conv(1, 11, 10, 64, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    /* 7x7 stride 2 pad 3 (resnet stem), 5x5, 1x7 / 7x1 (inception) */
    check_conv(2, 17, 15, 3, 6, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1, ZB_EPI_RELU);
    check_conv(1, 8, 9, 6, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, ZB_EPI_NONE);
    check_conv(1, 9, 9, 12, 20, 1, 7, 1, 1, 1, 1, 0, 0, 3, 3, 1, ZB_EPI_RELU);
    check_conv(1, 9, 9, 12, 20, 7, 1, 1, 1, 1, 1, 3, 3, 0, 0, 1, ZB_EPI_RELU);
    /* dilation, non-square stride, groups, K over several blocks */
    check_conv(1, 12, 11, 5, 9, 3, 3, 1, 2, 2, 3, 2, 2, 3, 3, 1, ZB_EPI_NONE);
    check_conv(2, 6, 7, 12, 18, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, ZB_EPI_RELU);
    check_conv(1, 6, 6, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8, ZB_EPI_NONE);
    check_conv(1, 5, 5, 130, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    /* more channels: K blocks against window rows (3 x 32 channels, 5 x 48,
     * 3 x 256 stride 2), 12-row pairs in the AVX-512 path */
    check_conv(2, 7, 9, 32, 35, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    check_conv(1, 9, 8, 48, 20, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, ZB_EPI_NONE);
    check_conv(1, 9, 9, 256, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    /* 1x1 stride 1 read as a matrix (grouped: an offset per group); many
     * output rows per tile: 7x7 (M = 49 = 36 + 7 + 6), 14x14 (196 rows, tiles
     * of 72 leaving 52 = 3 x 12 + 8 + 8), 13x13 at batch 3; stride 2 across
     * output rows (row groups copied to one stride) */
    check_conv(2, 7, 7, 24, 36, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, ZB_EPI_RELU6);
    check_conv(1, 7, 7, 40, 70, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_RELU6);
    check_conv(2, 14, 14, 19, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_RELU);
    check_conv(3, 13, 13, 9, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_NONE);
    check_conv(2, 13, 14, 20, 35, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, ZB_EPI_RELU);
    /* alexnet's first layer shape class: 11x11 stride 4 */
    check_conv(1, 23, 23, 3, 17, 11, 11, 4, 4, 1, 1, 2, 2, 2, 2, 1, ZB_EPI_RELU);
}

/* ---- residual add --------------------------------------------------------------- */

/* A convolution with a residual (zb_conv_set_res): each output bitwise
 * act(a + alpha * b), (a, b) = (conv, r) for res 1 and (r, conv) for res 2,
 * the conv's epilogue without activation, as the unfused add node computes
 * it; both the fused epilogue (alpha 1) and the separate pass, each image
 * alone, odd pixel ranges and 3 threads.  r is allocated to its exact size,
 * so ASan sees any read past it. */
static void check_res(int n, int ih, int iw, int ic, int oc, int k, int s, int pad, int groups, int res, float alpha,
                      int act)
{
    zb_conv_geom g = {ih, iw, ic, out_dim(ih, k, s, 1, pad, pad), out_dim(iw, k, s, 1, pad, pad), oc, k, k, s, s, 1, 1,
                      pad, pad, groups};
    const size_t ny = (size_t)n * g.oh * g.ow * oc;
    float *x = rand_buf((size_t)n * ih * iw * ic), *w = rand_buf((size_t)oc * (ic / groups) * k * k);
    float *bias = rand_buf(oc), *scale = rand_buf(oc), *shift = rand_buf(oc), *r = rand_buf(ny);
    float *want = malloc(ny * sizeof *want), *y = malloc(ny * sizeof *y), *y1 = malloc(ny * sizeof *y1);
    const zb_epi e = {bias, scale, shift, ZB_EPI_NONE}, post = {NULL, NULL, NULL, act};
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g.oh; oy++)
            for (int ox = 0; ox < g.ow; ox++)
                for (int co = 0; co < oc; co++) {
                    const size_t i = (((size_t)img * g.oh + oy) * g.ow + ox) * oc + co;
                    double sum;
                    const float v = zb_epi_apply(&e, co, conv_chain(&g, w, x, img, oy, ox, co, &sum));
                    const float a = res == 1 ? v : r[i], b = res == 1 ? r[i] : v;
                    want[i] = zb_epi_apply(&post, co, alpha == 1.0f ? a + b : a + alpha * b);
                }
    zb_conv cv;
    CHECK(zb_conv_prepare(&cv, &g, w, &e) == ZB_OK);
    zb_conv_set_res(&cv, res, alpha, act);
    CHECK_EQ_INT(cv.rfuse, alpha == 1.0f);
    zb_threadpool *tp = NULL;
    zb_threadpool_create(3, &tp);
    const size_t per = (size_t)g.oh * g.ow * oc;
    const int64_t m = (int64_t)n * g.oh * g.ow;
    int bad = 0;
    for (int fuse = cv.rfuse; fuse >= 0; fuse--) {
        cv.rfuse = fuse;
        zb_conv_run(&cv, NULL, x, r, y, n);
        bad += memcmp(y, want, ny * sizeof *y) != 0;
        for (int img = 0; img < n; img++) {
            zb_conv_run(&cv, NULL, x + (size_t)img * ih * iw * ic, r + img * per, y1, 1);
            bad += memcmp(y1, want + img * per, per * sizeof *y) != 0;
        }
        for (int64_t m0 = 0; m0 < m; m0 += 5)
            zb_conv_pixels(&cv, x, r, y1, m0, m0 + 5 < m ? m0 + 5 : m);
        bad += memcmp(y1, want, ny * sizeof *y) != 0;
        zb_conv_run(&cv, tp, x, r, y1, n);
        bad += memcmp(y1, want, ny * sizeof *y) != 0;
    }
    CHECK_EQ_INT(bad, 0);
    if (bad)
        fprintf(stderr, "  res n%d %dx%dx%d -> %d k%d s%d p%d g%d res %d alpha %g act %d\n", n, ih, iw, ic, oc, k, s,
                pad, groups, res, alpha, act);
    zb_threadpool_free(tp);
    zb_conv_free(&cv);
    free(x), free(w), free(bias), free(scale), free(shift), free(r), free(want), free(y), free(y1);
}

static void test_res(void)
{
    /* 1x1 read as a matrix: M = 98 (12-row groups and a 6x16 remainder),
     * N = 33 and 70 (a masked or partial last panel), both operand orders */
    check_res(2, 7, 7, 24, 33, 1, 1, 0, 1, 1, 1.0f, ZB_EPI_RELU);
    check_res(2, 7, 7, 24, 70, 1, 1, 0, 1, 2, 1.0f, ZB_EPI_RELU6);
    check_res(1, 14, 14, 64, 256, 1, 1, 0, 1, 1, 1.0f, ZB_EPI_RELU);
    /* stride 2 (rows copied to one stride), im2col, groups, K over several blocks */
    check_res(2, 13, 14, 20, 35, 1, 2, 0, 1, 2, 1.0f, ZB_EPI_NONE);
    check_res(1, 9, 8, 7, 15, 3, 1, 1, 1, 1, 1.0f, ZB_EPI_RELU);
    check_res(2, 6, 7, 12, 18, 3, 1, 1, 3, 2, 1.0f, ZB_EPI_RELU);
    check_res(1, 5, 5, 400, 40, 1, 1, 0, 1, 1, 1.0f, ZB_EPI_RELU);
    /* alpha != 1: the separate pass only */
    check_res(1, 7, 7, 24, 33, 1, 1, 0, 1, 1, 0.17f, ZB_EPI_RELU);
    check_res(1, 7, 7, 24, 33, 3, 1, 1, 1, 2, 0.17f, ZB_EPI_NONE);
}

/* ---- depthwise ------------------------------------------------------------- */

static void check_dw(int n, int ih, int iw, int c, int dm, int k, int s, int d, int pt, int pb, int pl, int pr,
                     int act)
{
    zb_dw_geom g = {ih, iw, c, dm, out_dim(ih, k, s, d, pt, pb), out_dim(iw, k, s, d, pl, pr), k, k, s, s, d, d,
                    pt, pl};
    const int oc = c * dm;
    const size_t ny = (size_t)n * g.oh * g.ow * oc;
    float *x = rand_buf((size_t)n * ih * iw * c), *w = rand_buf((size_t)oc * k * k), *bias = rand_buf(oc);
    float *scale = rand_buf(oc), *shift = rand_buf(oc);
    float *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r), *y1 = malloc(ny * sizeof *y1);
    zb_epi e = {bias, scale, shift, act};
    zb_dw dw;
    CHECK(zb_dw_prepare(&dw, &g, w, &e) == ZB_OK);
    zb_dw_run(&dw, NULL, x, y, n);
    zb_dw_ref(&g, w, &e, x, r, n);
    int bad_ref = 0, bad_bits = 0;
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g.oh; oy++)
            for (int ox = 0; ox < g.ow; ox++)
                for (int o = 0; o < oc; o++) {
                    const size_t i = (((size_t)img * g.oh + oy) * g.ow + ox) * oc + o;
                    float acc = 0.0f;
                    double sum = 0;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            const int iy = oy * s - pt + ky * d, ix = ox * s - pl + kx * d;
                            if (iy < 0 || iy >= ih || ix < 0 || ix >= iw)
                                continue;
                            float xv = x[(((size_t)img * ih + iy) * iw + ix) * c + o / dm];
                            float wv = w[((size_t)o * k + ky) * k + kx];
                            acc = fmaf(xv, wv, acc);
                            sum += fabs((double)xv * wv);
                        }
                    float v = zb_epi_apply(&e, o, acc);
                    bad_bits += memcmp(&v, &y[i], sizeof v) != 0;
                    const double tol = fabs(scale[o]) * (2.0 * k * k * U * sum +
                                                         2 * U * (fabs(r[i]) + 2 * fabs(bias[o]) + 2)) +
                                       4 * U * (fabs(r[i]) + fabs(shift[o])) + 1e-37;
                    bad_ref += fabs((double)y[i] - r[i]) > tol;
                }
    CHECK_EQ_INT(bad_ref, 0);
    CHECK_EQ_INT(bad_bits, 0);
    int bad = 0;
    const size_t per = (size_t)g.oh * g.ow * oc;
    for (int img = 0; img < n; img++) {
        zb_dw_run(&dw, NULL, x + (size_t)img * ih * iw * c, y1, 1);
        bad += memcmp(y1, y + img * per, per * sizeof *y) != 0;
    }
    zb_threadpool *tp = NULL;
    zb_threadpool_create(2, &tp);
    zb_dw_run(&dw, tp, x, y1, n);
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_threadpool_free(tp);
    zb_dw dw2;
    CHECK(zb_dw_prepare(&dw2, &g, w, NULL) == ZB_OK);
    CHECK(zb_dw_set_epi(&dw2, &e) == ZB_OK);
    zb_dw_run(&dw2, NULL, x, y1, n);
    bad += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_dw_free(&dw2);
    CHECK_EQ_INT(bad, 0);
    if (bad_ref || bad_bits || bad)
        fprintf(stderr, "  dw n%d %dx%dx%d dm%d k%d s%d d%d\n", n, ih, iw, c, dm, k, s, d);
    zb_dw_free(&dw);
    free(x), free(w), free(bias), free(scale), free(shift), free(y), free(r), free(y1);
}

static void test_dw(void)
{
    static const int chans[] = {1, 5, 8, 13, 32, 37, 70};
    for (size_t i = 0; i < sizeof chans / sizeof *chans; i++) {
        check_dw(2, 7, 9, chans[i], 1, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU6);
        check_dw(1, 9, 8, chans[i], 1, 3, 2, 1, 0, 1, 0, 1, ZB_EPI_RELU);   /* TF same, stride 2 */
        check_dw(1, 11, 10, chans[i], 1, 5, 2, 1, 2, 2, 2, 2, ZB_EPI_NONE);
        check_dw(1, 6, 6, chans[i], 3, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);   /* depth multiplier */
    }
    /* rows wide enough for the 8-pixel blocks of the 3x3 kernel, with edges
     * and a remainder on both sides; channel counts off the vector width */
    static const int wide[] = {16, 19, 48, 64};
    for (size_t i = 0; i < sizeof wide / sizeof *wide; i++) {
        check_dw(2, 5, 29, wide[i], 1, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU6);
        check_dw(1, 6, 37, wide[i], 1, 3, 2, 1, 0, 1, 0, 1, ZB_EPI_RELU6); /* TF same, stride 2 */
        check_dw(1, 7, 40, wide[i], 1, 3, 2, 1, 1, 1, 1, 1, ZB_EPI_NONE);  /* torch, stride 2 */
        check_dw(1, 3, 18, wide[i], 1, 3, 1, 1, 0, 0, 0, 0, ZB_EPI_RELU);  /* no padding */
    }
    /* more than 32 channels at stride 1, 3 images of 3 rows, bottom/right
     * padding only, and 66 outputs per row */
    check_dw(3, 3, 12, 96, 1, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_RELU);
    check_dw(1, 5, 11, 40, 1, 3, 1, 1, 0, 2, 0, 2, ZB_EPI_RELU6);
    check_dw(1, 4, 66, 64, 1, 3, 1, 1, 1, 1, 1, 1, ZB_EPI_NONE);
    check_dw(1, 10, 10, 9, 2, 5, 1, 1, 2, 2, 2, 2, ZB_EPI_NONE);
    check_dw(1, 12, 12, 11, 1, 3, 1, 2, 2, 2, 2, 2, ZB_EPI_NONE);           /* dilation */
    check_dw(2, 9, 9, 20, 1, 7, 1, 1, 3, 3, 3, 3, ZB_EPI_RELU);             /* general K */
}

static void test_bad_geometry(void)
{
    zb_conv cv;
    zb_conv_geom g = {4, 4, 6, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1, 4};   /* 6 channels in 4 groups */
    CHECK(zb_conv_prepare(&cv, &g, NULL, NULL) == ZB_ERR_ARG);
    zb_conv_free(&cv);
    zb_dw dw;
    zb_dw_geom dg = {4, 4, 0, 1, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1};
    CHECK(zb_dw_prepare(&dw, &dg, NULL, NULL) == ZB_ERR_ARG);
    zb_dw_free(&dw);
    zb_conv_free(NULL);
    zb_dw_free(NULL);
}

int main(void)
{
    fprintf(stderr, "kernels: %s\n", zb_cpu_kernels_name());
    RUN(test_conv);
    RUN(test_res);
    RUN(test_dw);
    RUN(test_bad_geometry);
    return test_report();
}

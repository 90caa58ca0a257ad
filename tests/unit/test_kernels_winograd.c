/* Winograd F(2x2, 3x3) and F(4x4, 3x3) convolution (src/kernels/winograd.c)
 * against the reference convolution, within an error bound computed here
 * from the transform matrices, and bitwise invariance of every output under
 * batch size, batch position, row ranges, thread count and, through the
 * engine, the model's batch size and thread count.
 *
 * The bound.  Winograd computes, per tile, Y = A^T [sum_ci (G g G^T) o
 * (B^T d B)] A.  With every matrix and value replaced by its absolute value
 * the same expression, computed in double, is W >= 0; each rounding of the
 * float computation (input and output transforms, the weight transform, the
 * product and the chain over ic channels) contributes at most u times a term
 * of W, so |wino - exact| <= (ic + 16) u W to first order (16 covers the
 * transforms' depth); the test allows 2 (ic + 16) u W plus the reference's
 * own error 2 * 9 ic u S (S = sum |x w|) and the epilogue's roundings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testnet.h"
#include "kernels/winograd.h"
#include "kernels_util.h"
#include "models/net.h"
#include "models/registry.h"

static const double BT2[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
static const double AT2[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
static const double G2[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
static const double BT4[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                 {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
static const double AT4[4][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
static const double G4[6][3] = {{0.25, 0, 0},          {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};

/* W (see the top) for output (oy, ox) of image img, channel co. */
static double abs_wino(const zb_conv_geom *g, int m, const float *w, const float *x, int img, int oy, int ox, int co)
{
    const int t = m + 2;
    const double *bt = m == 2 ? &BT2[0][0] : &BT4[0][0], *at = m == 2 ? &AT2[0][0] : &AT4[0][0];
    const double *gm = m == 2 ? &G2[0][0] : &G4[0][0];
    const int ty = oy / m, tx = ox / m, i0 = oy % m, j0 = ox % m;
    double p[6][6] = {{0}};
    for (int ci = 0; ci < g->ic; ci++) {
        double d[6][6], v[6][6], gg[6][6], tmp[6][6];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++) {
                const int iy = ty * m - g->pt + i, ix = tx * m - g->pl + j;
                d[i][j] = iy >= 0 && iy < g->ih && ix >= 0 && ix < g->iw
                              ? fabs(x[(((size_t)img * g->ih + iy) * g->iw + ix) * g->ic + ci])
                              : 0.0;
            }
        for (int i = 0; i < t; i++)   /* |B^T| |d| */
            for (int j = 0; j < t; j++) {
                tmp[i][j] = 0;
                for (int k = 0; k < t; k++)
                    tmp[i][j] += fabs(bt[i * t + k]) * d[k][j];
            }
        for (int i = 0; i < t; i++)   /* ... |B| */
            for (int j = 0; j < t; j++) {
                v[i][j] = 0;
                for (int k = 0; k < t; k++)
                    v[i][j] += tmp[i][k] * fabs(bt[j * t + k]);
            }
        const float *k3 = w + ((size_t)co * g->ic + ci) * 9;
        for (int i = 0; i < t; i++)   /* |G| |g| |G^T| */
            for (int j = 0; j < t; j++) {
                gg[i][j] = 0;
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++)
                        gg[i][j] += fabs(gm[i * 3 + a]) * fabs(k3[a * 3 + b]) * fabs(gm[j * 3 + b]);
            }
        for (int i = 0; i < t; i++)
            for (int j = 0; j < t; j++)
                p[i][j] += gg[i][j] * v[i][j];
    }
    double s = 0;   /* |A^T| P |A| at (i0, j0) */
    for (int a = 0; a < t; a++)
        for (int b = 0; b < t; b++)
            s += fabs(at[i0 * t + a]) * p[a][b] * fabs(at[j0 * t + b]);
    return s;
}

static int out_dim(int i, int p0, int p1) { return i + p0 + p1 - 2; }

static double worst_units;   /* max |wino - ref| / bound over all checks */

static void check_wino(int m, int n, int ih, int iw, int ic, int oc, int pt, int pb, int pl, int pr, int act)
{
    const zb_conv_geom g = {ih, iw, ic, out_dim(ih, pt, pb), out_dim(iw, pl, pr), oc, 3, 3, 1, 1, 1, 1, pt, pl, 1};
    if (g.oh < 1 || g.ow < 1)
        return;
    const size_t nx = (size_t)n * ih * iw * ic, ny = (size_t)n * g.oh * g.ow * oc, per = ny / n;
    float *x = rand_buf(nx), *w = rand_buf((size_t)oc * ic * 9), *bias = rand_buf(oc);
    float *scale = rand_buf(oc), *shift = rand_buf(oc);
    float *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r), *y1 = malloc(ny * sizeof *y1);
    const zb_epi e = {bias, scale, shift, act};
    zb_wino wn;
    CHECK(zb_wino_prepare(&wn, &g, m, w, &e) == ZB_OK);
    zb_wino_run(&wn, NULL, x, y, n);
    zb_conv_ref(&g, w, &e, x, r, n);
    int bad = 0;
    for (int img = 0; img < n; img++)
        for (int oy = 0; oy < g.oh; oy++)
            for (int ox = 0; ox < g.ow; ox++)
                for (int co = 0; co < oc; co++) {
                    const size_t i = (((size_t)img * g.oh + oy) * g.ow + ox) * oc + co;
                    double s = 0;   /* sum |x w| over in-image taps: the reference's own error */
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++) {
                            const int iy = oy - pt + ky, ix = ox - pl + kx;
                            if (iy < 0 || iy >= ih || ix < 0 || ix >= iw)
                                continue;
                            for (int ci = 0; ci < ic; ci++)
                                s += fabs((double)x[(((size_t)img * ih + iy) * iw + ix) * ic + ci] *
                                          w[((size_t)co * ic + ci) * 9 + ky * 3 + kx]);
                        }
                    const double wb = abs_wino(&g, m, w, x, img, oy, ox, co);
                    const double tol = fabs(scale[co]) * (2.0 * (ic + 16) * U * wb + 2.0 * 9 * ic * U * s +
                                                          2 * U * (fabs(r[i]) + 2 * fabs(bias[co]) + 2)) +
                                       4 * U * (fabs(r[i]) + fabs(shift[co])) + 1e-37;
                    const double err = fabs((double)y[i] - r[i]);
                    bad += !(err <= tol);
                    if (err / tol > worst_units)
                        worst_units = err / tol;
                }
    CHECK_EQ_INT(bad, 0);
    /* invariance: each image alone; row ranges of odd lengths; 3 threads */
    int diff = 0;
    for (int img = 0; img < n; img++) {
        zb_wino_run(&wn, NULL, x + (size_t)img * ih * iw * ic, y1, 1);
        diff += memcmp(y1, y + img * per, per * sizeof *y) != 0;
    }
    memset(y1, 0xff, ny * sizeof *y1);
    const int64_t rows = (int64_t)n * g.oh;
    for (int64_t r0 = 0, len = 1; r0 < rows; r0 += len, len = len % 3 + 1)
        zb_wino_rows(&wn, x, y1, r0, r0 + len < rows ? r0 + len : rows);
    diff += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_threadpool *tp = NULL;
    CHECK(zb_threadpool_create(3, &tp) == ZB_OK);
    memset(y1, 0xff, ny * sizeof *y1);
    zb_wino_run(&wn, tp, x, y1, n);
    diff += memcmp(y1, y, ny * sizeof *y) != 0;
    zb_threadpool_free(tp);
    /* into a wider buffer (a concat's channel slice): same values there,
     * the rest untouched */
    const ptrdiff_t ldy = oc + 3;
    float *wide = malloc((size_t)n * g.oh * g.ow * ldy * sizeof *wide);
    memset(wide, 0xff, (size_t)n * g.oh * g.ow * ldy * sizeof *wide);
    wn.ldy = ldy;
    zb_wino_run(&wn, NULL, x, wide, n);
    for (size_t p = 0; p < (size_t)n * g.oh * g.ow; p++) {
        diff += memcmp(wide + p * ldy, y + p * oc, oc * sizeof *y) != 0;
        const uint32_t ff = 0xffffffffu;
        for (int k = oc; k < ldy; k++)
            diff += memcmp(wide + p * ldy + k, &ff, sizeof ff) != 0;
    }
    wn.ldy = 0;
    free(wide);
    CHECK_EQ_INT(diff, 0);
    if (bad || diff)
        fprintf(stderr, "  F(%d) n%d %dx%dx%d -> %d pad %d,%d,%d,%d act %d: %d out of bound, %d invariance\n", m, n,
                ih, iw, ic, oc, pt, pb, pl, pr, act, bad, diff);
    zb_wino_free(&wn);
    free(x), free(w), free(bias), free(scale), free(shift), free(y), free(r), free(y1);
}

static void test_odd_shapes(void)
{
    static const int hw[][2] = {{1, 1}, {2, 3}, {3, 3}, {5, 4}, {7, 7}, {9, 13}, {14, 14}};
    static const int ch[][2] = {{1, 1}, {3, 5}, {8, 16}, {17, 33}, {40, 24}};
    for (int m = 2; m <= 4; m += 2)
        for (size_t a = 0; a < sizeof hw / sizeof hw[0]; a++)
            for (size_t b = 0; b < sizeof ch / sizeof ch[0]; b++) {
                const int act = (int)((a + b) % 3);
                check_wino(m, 2, hw[a][0], hw[a][1], ch[b][0], ch[b][1], 1, 1, 1, 1, act);   /* 'same' */
                check_wino(m, 1, hw[a][0], hw[a][1], ch[b][0], ch[b][1], 0, 0, 0, 0, act);   /* 'valid' */
            }
    /* asymmetric (TF 'same' on even sizes), a batch of 3, wide channel blocks */
    check_wino(2, 3, 8, 6, 19, 7, 0, 1, 0, 1, 1);
    check_wino(4, 3, 8, 6, 19, 7, 0, 1, 0, 1, 1);
    check_wino(4, 1, 11, 10, 9, 300, 1, 1, 1, 1, 2);   /* 3 output channel blocks */
    check_wino(2, 1, 10, 11, 130, 20, 1, 1, 1, 1, 0);  /* K over two blocks */
    check_wino(4, 2, 30, 29, 16, 16, 1, 1, 1, 1, 1);   /* more tiles than one block */
    fprintf(stderr, "worst error: %.3f of the bound\n", worst_units);
}

/* A hash of F(2) and F(4) outputs on a fixed case, printed for
 * tests/integration/kernels_portable.sh: the AVX2 transforms (8 channels per
 * vector, scalar tail) and the portable ones must give the same bits. */
static void test_checksum(void)
{
    uint64_t h = 1469598103934665603u;
    for (int m = 2; m <= 4; m += 2) {
        const zb_conv_geom g = {13, 11, 37, 13, 11, 45, 3, 3, 1, 1, 1, 1, 1, 1, 1};
        float *x = rand_buf(2 * 13 * 11 * 37), *w = rand_buf(45 * 37 * 9), *b = rand_buf(45);
        float *y = malloc(2 * 13 * 11 * 45 * sizeof *y);
        const zb_epi e = {b, NULL, NULL, ZB_EPI_RELU};
        zb_wino wn;
        CHECK(zb_wino_prepare(&wn, &g, m, w, &e) == ZB_OK);
        zb_wino_run(&wn, NULL, x, y, 2);
        const unsigned char *p = (const unsigned char *)y;
        for (size_t i = 0; i < 2 * 13 * 11 * 45 * sizeof *y; i++)
            h = (h ^ p[i]) * 1099511628211u;
        zb_wino_free(&wn);
        free(x), free(w), free(b), free(y);
    }
    fprintf(stderr, "winograd checksum: %016llx\n", (unsigned long long)h);
}

static void test_errors(void)
{
    zb_wino wn;
    const zb_conv_geom g = {8, 8, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1};   /* stride 2 */
    float wt[4 * 4 * 9] = {0};
    CHECK(zb_wino_prepare(&wn, &g, 2, wt, NULL) == ZB_ERR_ARG);
    CHECK(zb_wino_tile(&g) == 0);
    const zb_conv_geom g1 = {8, 8, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1};
    CHECK(zb_wino_prepare(&wn, &g1, 3, wt, NULL) == ZB_ERR_ARG);
    zb_wino_free(NULL);
}

/* Through the engine, with Winograd on every 3x3 stride-1 layer (main sets
 * ZB_WINOGRAD=4 unless the environment chose): logits bitwise identical at
 * batch 1, 3 and 8 and with 1 or 2 threads. */
static zb_net *make(const char *model, int size, int threads)
{
    return test_net(model, size, threads, 7);
}

static void engine_invariance(const char *model, int size)
{
    enum { N = 8, K = 1000 };
    const size_t img = (size_t)size * size * 3;
    float *x = rand_buf(N * img), *y8 = malloc(N * K * sizeof *y8), *y1 = malloc(N * K * sizeof *y1);
    float *y3 = malloc(N * K * sizeof *y3), *t2 = malloc(N * K * sizeof *t2);
    zb_net *net = make(model, size, 1), *net2 = make(model, size, 2);
    CHECK(net && net2);
    if (net && net2) {
        CHECK(zb_net_run(net, x, N, y8) == ZB_OK);
        CHECK(zb_net_run(net2, x, N, t2) == ZB_OK);
        for (int i = 0; i < N; i++)
            CHECK(zb_net_run(net, x + i * img, 1, y1 + (size_t)i * K) == ZB_OK);
        for (int i = 0; i < N; i += 3)
            CHECK(zb_net_run(net2, x + i * img, N - i < 3 ? N - i : 3, y3 + (size_t)i * K) == ZB_OK);
        const size_t bytes = (size_t)N * K * sizeof(float);
        CHECK(memcmp(y8, y1, bytes) == 0);
        CHECK(memcmp(y8, y3, bytes) == 0);
        CHECK(memcmp(y8, t2, bytes) == 0);
        CHECK(memcmp(y8, y8 + K, K * sizeof(float)) != 0);
    }
    zb_net_free(net);
    zb_net_free(net2);
    free(x), free(y8), free(y1), free(y3), free(t2);
}

static void test_engine(void)
{
    if (!zb_cpu_fast())   /* the engine runs the reference kernels then */
        return;
    engine_invariance("torchvision/squeezenet1_1", 40);
    engine_invariance("torchvision/resnet18", 36);
}

int main(void)
{
    setenv("ZB_WINOGRAD", "4", 0);
    fprintf(stderr, "kernels: %s\nZB_WINOGRAD=%s\n", zb_cpu_kernels_name(), getenv("ZB_WINOGRAD"));
    RUN(test_odd_shapes);
    RUN(test_checksum);
    RUN(test_errors);
    RUN(test_engine);
    return test_report();
}

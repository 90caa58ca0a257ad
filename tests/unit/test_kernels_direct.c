/* Pooling and element-wise kernels: bitwise equal to their reference twins
 * (same operations per lane, no reassociation) on odd channel counts,
 * windows, strides and paddings; the FMA peak measurement runs. */
#include "harness.h"
#include "kernels/fast.h"
#include "kernels_util.h"

static int out_dim(int i, int k, int s, int p0, int p1) { return (i + p0 + p1 - k) / s + 1; }

static void check_pool(int n, int ih, int iw, int c, int k, int s, int pt, int pb, int pl, int pr, int cip)
{
    zb_pool_geom g = {ih, iw, c, out_dim(ih, k, s, pt, pb), out_dim(iw, k, s, pl, pr), k, k, s, s, pt, pb, pl, pr,
                      cip};
    const size_t ny = (size_t)n * g.oh * g.ow * c;
    float *x = rand_buf((size_t)n * ih * iw * c), *y = malloc(ny * sizeof *y), *r = malloc(ny * sizeof *r);
    const int64_t rows = (int64_t)n * g.oh;
    zb_maxpool_rows(&g, x, y, 0, rows);
    zb_maxpool_ref(&g, x, r, 0, rows);
    CHECK(!memcmp(y, r, ny * sizeof *y));
    zb_avgpool_rows(&g, x, y, 0, rows);
    zb_avgpool_ref(&g, x, r, 0, rows);
    CHECK(!memcmp(y, r, ny * sizeof *y));
    /* an avg against an independent double computation (loose: the float sum) */
    int bad = 0;
    for (int oy = 0; oy < g.oh; oy++)
        for (int ox = 0; ox < g.ow; ox++) {
            double sum = 0;
            int cnt = 0;
            for (int iy = oy * s - pt; iy < oy * s - pt + k; iy++)
                for (int ix = ox * s - pl; ix < ox * s - pl + k; ix++) {
                    const int inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
                    if (inside)
                        sum += x[((size_t)iy * iw + ix) * c];
                    cnt += inside || (cip && iy < ih + pb && ix < iw + pr);
                }
            bad += fabs(sum / cnt - y[((size_t)oy * g.ow + ox) * c]) > 1e-5;
        }
    CHECK_EQ_INT(bad, 0);
    free(x), free(y), free(r);
}

static void test_pool(void)
{
    static const int chans[] = {1, 3, 8, 13, 64, 67};
    for (size_t i = 0; i < sizeof chans / sizeof *chans; i++) {
        check_pool(2, 9, 11, chans[i], 3, 2, 1, 1, 1, 1, 0);   /* resnet maxpool */
        check_pool(1, 8, 8, chans[i], 2, 2, 0, 0, 0, 0, 1);
        check_pool(1, 7, 9, chans[i], 3, 1, 1, 1, 1, 1, 1);   /* inception avg, pad counted */
        check_pool(1, 7, 9, chans[i], 3, 1, 1, 1, 1, 1, 0);
        check_pool(1, 10, 10, chans[i], 3, 2, 0, 1, 0, 1, 0); /* TF same */
        check_pool(1, 13, 13, chans[i], 3, 2, 0, 0, 0, 0, 0); /* ceil-mode style: no pad */
    }
    for (int c = 1; c < 40; c += 7) {
        float *x = rand_buf((size_t)3 * 49 * c), *y = malloc((size_t)3 * c * sizeof *y);
        float *r = malloc((size_t)3 * c * sizeof *r);
        zb_global_avgpool_images(49, c, x, y, 0, 3);
        zb_global_avgpool_images_ref(49, c, x, r, 0, 3);
        CHECK(!memcmp(y, r, (size_t)3 * c * sizeof *y));
        free(x), free(y), free(r);
    }
}

static void test_eltwise(void)
{
    /* 37 pixels: few-channel layers take 16 pixels at a time, then 5 */
    static const int chans[] = {1, 3, 7, 8, 9, 15, 16, 33};
    for (size_t i = 0; i < sizeof chans / sizeof *chans; i++) {
        const int c = chans[i], np = 37;
        const size_t n = (size_t)np * c;
        float *a = rand_buf(n), *b = rand_buf(n), *y = malloc(n * sizeof *y), *r = malloc(n * sizeof *r);
        float *bias = rand_buf(c), *scale = rand_buf(c), *shift = rand_buf(c);
        for (size_t j = 0; j < n; j += 5)
            a[j] *= 8;   /* some values above 6 for relu6 */
        for (int act = 0; act < 3; act++) {
            zb_epi es[3] = {{NULL, NULL, NULL, act}, {NULL, scale, shift, act}, {bias, scale, shift, act}};
            for (int v = 0; v < 3; v++) {
                zb_ew_affine(np, c, a, y, &es[v]);
                zb_ew_affine_ref(np, c, a, r, &es[v]);
                CHECK(!memcmp(y, r, n * sizeof *y));
                zb_ew_add(np, c, a, b, 1.0f, y, &es[v]);
                zb_ew_add_ref(np, c, a, b, 1.0f, r, &es[v]);
                CHECK(!memcmp(y, r, n * sizeof *y));
                zb_ew_add(np, c, a, b, 0.17f, y, &es[v]);
                zb_ew_add_ref(np, c, a, b, 0.17f, r, &es[v]);
                CHECK(!memcmp(y, r, n * sizeof *y));
            }
        }
        /* in place, and relu6 bounds */
        zb_epi e6 = {NULL, NULL, NULL, ZB_EPI_RELU6};
        zb_ew_affine(np, c, a, a, &e6);
        int bad = 0;
        for (size_t j = 0; j < n; j++)
            bad += !(a[j] >= 0.0f && a[j] <= 6.0f);
        CHECK_EQ_INT(bad, 0);
        free(a), free(b), free(y), free(r), free(bias), free(scale), free(shift);
    }
}

static void test_peak(void)
{
    double g = zb_fma_peak_gflops(1, 0.02);
    if (zb_cpu_fast())
        CHECK(g > 1.0 && g < 1e5);
    else
        CHECK(g == 0.0);
}

int main(void)
{
    fprintf(stderr, "kernels: %s\n", zb_cpu_kernels_name());
    RUN(test_pool);
    RUN(test_eltwise);
    RUN(test_peak);
    return test_report();
}

/* Kernel benchmark: GFLOP/s of the packed GEMM / convolution kernels on
 * resnet50's layer shapes at 1 and 2 threads, against this machine's measured
 * FMA peak.  Built and run by bench/kernels.sh.
 *
 *     kernels [-b BATCH] [-s SECONDS_PER_CASE] [-t MAX_THREADS]
 *
 * Times are the minimum over repeated runs (the machine may be shared). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "kernels/fast.h"

/* One resnet50 convolution (input size, channels, kernel, stride) and how
 * many times it occurs in the network. */
typedef struct layer {
    const char *name;
    int hw, ic, oc, k, s, count;
} layer;

/* torchvision resnet50 at 224 (stride on the 3x3, v1.5). */
static const layer resnet50[] = {
    {"conv1 7x7/2", 224, 3, 64, 7, 2, 1},
    {"l1 1x1 64>64", 56, 64, 64, 1, 1, 1},
    {"l1 3x3 64", 56, 64, 64, 3, 1, 3},
    {"l1 1x1 64>256", 56, 64, 256, 1, 1, 4},  /* 3 expand + downsample */
    {"l1 1x1 256>64", 56, 256, 64, 1, 1, 2},
    {"l2 1x1 256>128", 56, 256, 128, 1, 1, 1},
    {"l2 3x3/2 128", 56, 128, 128, 3, 2, 1},
    {"l2 3x3 128", 28, 128, 128, 3, 1, 3},
    {"l2 1x1 128>512", 28, 128, 512, 1, 1, 4},
    {"l2 ds 1x1/2 256>512", 56, 256, 512, 1, 2, 1},
    {"l2 1x1 512>128", 28, 512, 128, 1, 1, 3},
    {"l3 1x1 512>256", 28, 512, 256, 1, 1, 1},
    {"l3 3x3/2 256", 28, 256, 256, 3, 2, 1},
    {"l3 3x3 256", 14, 256, 256, 3, 1, 5},
    {"l3 1x1 256>1024", 14, 256, 1024, 1, 1, 6},
    {"l3 ds 1x1/2 512>1024", 28, 512, 1024, 1, 2, 1},
    {"l3 1x1 1024>256", 14, 1024, 256, 1, 1, 5},
    {"l4 1x1 1024>512", 14, 1024, 512, 1, 1, 1},
    {"l4 3x3/2 512", 14, 512, 512, 3, 2, 1},
    {"l4 3x3 512", 7, 512, 512, 3, 1, 2},
    {"l4 1x1 512>2048", 7, 512, 2048, 1, 1, 3},
    {"l4 ds 1x1/2 1024>2048", 14, 1024, 2048, 1, 2, 1},
    {"l4 1x1 2048>512", 7, 2048, 512, 1, 1, 2},
};

typedef struct result {
    double secs, flops;
} result;

/* Best time of one layer at batch n on pool tp. */
static result time_layer(const layer *l, int n, zb_threadpool *tp, double budget)
{
    const int pad = l->k / 2, o = (l->hw + 2 * pad - l->k) / l->s + 1;
    zb_conv_geom g = {l->hw, l->hw, l->ic, o, o, l->oc, l->k, l->k, l->s, l->s, 1, 1, pad, pad, 1};
    float *w = rand_buf((size_t)l->oc * l->ic * l->k * l->k, 1), *bias = rand_buf(l->oc, 2);
    float *x = rand_buf((size_t)n * l->hw * l->hw * l->ic, 3);
    float *y = malloc((size_t)n * o * o * l->oc * sizeof *y);
    zb_epi e = {bias, NULL, NULL, ZB_EPI_RELU};
    zb_conv cv;
    result r = {1e30, 2.0 * n * o * o * l->oc * (double)l->ic * l->k * l->k};
    if (zb_conv_prepare(&cv, &g, w, &e) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        exit(1);
    }
    zb_conv_run(&cv, tp, x, NULL, y, n);   /* warm up */
    double t_end = now() + budget;
    for (int rep = 0; rep < 3 || now() < t_end; rep++) {
        double t0 = now();
        zb_conv_run(&cv, tp, x, NULL, y, n);
        double dt = now() - t0;
        r.secs = dt < r.secs ? dt : r.secs;
        if (rep > 200)
            break;
    }
    zb_conv_free(&cv);
    free(w), free(bias), free(x), free(y);
    return r;
}

/* mobilenet (v1, 224) depthwise 3x3 layers: input size, channels, stride */
static const layer mobilenet_dw[] = {
    {"dw 3x3 32", 112, 32, 32, 3, 1, 1},     {"dw 3x3/2 64", 112, 64, 64, 3, 2, 1},
    {"dw 3x3 128", 56, 128, 128, 3, 1, 1},   {"dw 3x3/2 128", 56, 128, 128, 3, 2, 1},
    {"dw 3x3 256", 28, 256, 256, 3, 1, 1},   {"dw 3x3/2 256", 28, 256, 256, 3, 2, 1},
    {"dw 3x3 512", 14, 512, 512, 3, 1, 5},   {"dw 3x3/2 512", 14, 512, 512, 3, 2, 1},
    {"dw 3x3 1024", 7, 1024, 1024, 3, 1, 1},
};

/* Best time of a depthwise layer, fast kernel (ref = 0) or reference twin. */
static double time_dw(const layer *l, int n, zb_threadpool *tp, double budget, int ref)
{
    const int pad = l->k / 2, o = (l->hw + 2 * pad - l->k) / l->s + 1;
    zb_dw_geom g = {l->hw, l->hw, l->ic, 1, o, o, l->k, l->k, l->s, l->s, 1, 1, pad, pad};
    float *w = rand_buf((size_t)l->ic * l->k * l->k, 1), *bias = rand_buf(l->ic, 2);
    float *x = rand_buf((size_t)n * l->hw * l->hw * l->ic, 3);
    float *y = malloc((size_t)n * o * o * l->ic * sizeof *y);
    zb_epi e = {bias, NULL, NULL, ZB_EPI_RELU6};
    zb_dw dw;
    if (zb_dw_prepare(&dw, &g, w, &e) != ZB_OK)
        exit(1);
    double best = 1e30, t_end = now() + budget;
    for (int rep = 0; rep < 3 || (now() < t_end && rep < 200); rep++) {
        double t0 = now();
        if (ref)
            zb_dw_ref(&g, w, &e, x, y, n);
        else
            zb_dw_run(&dw, tp, x, y, n);
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    zb_dw_free(&dw);
    free(w), free(bias), free(x), free(y);
    return best;
}

int main(int argc, char **argv)
{
    int batch = 1, max_t = 2;
    double budget = 0.3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-b"))
            batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-s"))
            budget = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            max_t = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: kernels [-b BATCH] [-s SECONDS_PER_CASE] [-t MAX_THREADS]\n");
            return 2;
        }
    }
    if (batch < 1 || max_t < 1 || max_t > 64) {
        fprintf(stderr, "error: bad arguments\n");
        return 2;
    }
    printf("kernels: %s, batch %d\n", zb_cpu_kernels_name(), batch);
    double peak[65] = {0};
    for (int t = 1; t <= max_t; t++) {
        peak[t] = zb_fma_peak_gflops(t, 0.5);
        printf("FMA peak, %d thread%s: %.1f GFLOP/s\n", t, t > 1 ? "s" : "", peak[t]);
    }
    printf("\n%-24s %6s %5s %6s %3s", "resnet50 conv", "M", "N", "K", "x");
    for (int t = 1; t <= max_t; t++)
        printf("   %dT GFLOP/s  %%peak", t);
    printf("\n");
    double tot_flops = 0, tot_secs[65] = {0};
    for (size_t i = 0; i < sizeof resnet50 / sizeof *resnet50; i++) {
        const layer *l = &resnet50[i];
        const int o = (l->hw + 2 * (l->k / 2) - l->k) / l->s + 1;
        printf("%-24s %6d %5d %6d %3d", l->name, batch * o * o, l->oc, l->ic * l->k * l->k, l->count);
        for (int t = 1; t <= max_t; t++) {
            zb_threadpool *tp = NULL;
            if (zb_threadpool_create(t, &tp) != ZB_OK)
                return 1;
            result r = time_layer(l, batch, tp, budget);
            zb_threadpool_free(tp);
            const double gf = r.flops / r.secs * 1e-9;
            printf("   %12.1f  %4.0f%%", gf, 100 * gf / peak[t]);
            tot_secs[t] += r.secs * l->count;
            if (t == 1)
                tot_flops += r.flops * l->count;
        }
        printf("\n");
        fflush(stdout);
    }
    printf("%-24s %6s %5s %6s %3s", "all convolutions", "", "", "", "");
    for (int t = 1; t <= max_t; t++) {
        const double gf = tot_flops / tot_secs[t] * 1e-9;
        printf("   %12.1f  %4.0f%%", gf, 100 * gf / peak[t]);
    }
    printf("\n(%.2f GFLOP per batch of %d; best-of-runs times)\n", tot_flops * 1e-9, batch);

    printf("\n%-24s %10s %10s %12s\n", "mobilenet depthwise", "1T GFLOP/s", "ref ms", "fast ms (1T)");
    for (size_t i = 0; i < sizeof mobilenet_dw / sizeof *mobilenet_dw; i++) {
        const layer *l = &mobilenet_dw[i];
        const int o = (l->hw + 2 * (l->k / 2) - l->k) / l->s + 1;
        const double fl = 2.0 * batch * o * o * l->ic * l->k * l->k;
        const double tf = time_dw(l, batch, NULL, budget, 0), tr = time_dw(l, batch, NULL, budget / 4, 1);
        printf("%-24s %10.1f %10.3f %12.3f\n", l->name, fl / tf * 1e-9, tr * 1e3, tf * 1e3);
    }
    return 0;
}

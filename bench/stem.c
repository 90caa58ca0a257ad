/* First-layer (3-channel) convolutions of the benchmark's models: the direct
 * small-channel kernel (kernels/stem.h) against the im2col GEMM path, in
 * one binary, taking turns (GEMM, direct, GEMM, ...), best of the runs.
 * Built and run by bench/stem.sh.
 *
 *     stem [-b BATCH] [-r ROUNDS] [-t THREADS] [-s SECONDS_PER_RUN]
 *
 * The epilogue is the models' (batchnorm scale/shift + relu; bias + relu for
 * squeezenet, alexnet, vgg); the two paths give the same bits (checked). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "kernels/fast.h"

/* input (h = w), kernel, stride, padding top/left, bottom/right, output channels */
typedef struct stem {
    const char *name;
    int hw, k, s, p0, p1, oc, bn;
} stem;

static const stem stems[] = {
    {"keras/mobilenet conv1 3x3/2", 224, 3, 2, 0, 1, 32, 1},
    {"squeezenet1_1 3x3/2", 224, 3, 2, 0, 0, 64, 0},
    {"alexnet 11x11/4", 224, 11, 4, 2, 2, 64, 0},
    {"resnet50 7x7/2", 224, 7, 2, 3, 3, 64, 1},
    {"densenet121 7x7/2", 224, 7, 2, 3, 3, 64, 1},
    {"inception_v3 3x3/2", 299, 3, 2, 0, 0, 32, 1},
    {"vgg16 3x3/1", 224, 3, 1, 1, 1, 64, 0},
};

static double time_run(const zb_conv *cv, zb_threadpool *tp, const float *x, float *y, int n, double budget)
{
    double best = 1e30, t_end = now() + budget;
    for (int rep = 0; rep < 3 || (now() < t_end && rep < 500); rep++) {
        double t0 = now();
        zb_conv_run(cv, tp, x, NULL, y, n);
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    int batch = 1, threads = 2, rounds = 5;
    double budget = 0.2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-b"))
            batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r"))
            rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-s"))
            budget = atof(argv[i + 1]);
        else {
            fprintf(stderr, "usage: stem [-b BATCH] [-r ROUNDS] [-t THREADS] [-s SECONDS_PER_RUN]\n");
            return 2;
        }
    }
    zb_threadpool *tp = NULL;
    if (batch < 1 || rounds < 1 || threads < 1 || threads > 64 || zb_threadpool_create(threads, &tp) != ZB_OK) {
        fprintf(stderr, "error: bad arguments\n");
        return 2;
    }
    const double peak = zb_fma_peak_gflops(threads, 0.5);
    printf("kernels: %s, batch %d, %d thread%s, FMA peak %.1f GFLOP/s\n", zb_cpu_kernels_name(), batch, threads,
           threads > 1 ? "s" : "", peak);
    printf("%-30s %8s %5s %9s %9s %7s %8s %6s\n", "layer", "M", "K", "gemm ms", "direct ms", "speedup", "GFLOP/s",
           "%peak");
    int bad = 0;
    for (size_t i = 0; i < sizeof stems / sizeof *stems; i++) {
        const stem *l = &stems[i];
        const int o = (l->hw + l->p0 + l->p1 - l->k) / l->s + 1;
        zb_conv_geom g = {l->hw, l->hw, 3, o, o, l->oc, l->k, l->k, l->s, l->s, 1, 1, l->p0, l->p0, 1};
        float *w = rand_buf((size_t)l->oc * 3 * l->k * l->k, 1), *bias = rand_buf(l->oc, 2);
        float *scale = rand_buf(l->oc, 3), *shift = rand_buf(l->oc, 4);
        float *x = rand_buf((size_t)batch * l->hw * l->hw * 3, 5);
        const size_t ny = (size_t)batch * o * o * l->oc;
        float *y0 = malloc(ny * sizeof *y0), *y1 = malloc(ny * sizeof *y1);
        const zb_epi e = {l->bn ? NULL : bias, l->bn ? scale : NULL, l->bn ? shift : NULL, ZB_EPI_RELU};
        zb_conv cv;
        if (zb_conv_prepare(&cv, &g, w, &e) != ZB_OK) {
            fprintf(stderr, "error: %s\n", zb_last_error());
            return 1;
        }
        const int stem_on = cv.stem;
        double tg = 1e30, td = 1e30;
        for (int r = 0; r < rounds; r++) {
            cv.stem = 0;
            const double a = time_run(&cv, tp, x, y0, batch, budget);
            cv.stem = stem_on;
            const double b = time_run(&cv, tp, x, y1, batch, budget);
            tg = a < tg ? a : tg;
            td = b < td ? b : td;
        }
        bad += memcmp(y0, y1, ny * sizeof *y0) != 0;
        const double gf = 2.0 * ny * 3 * l->k * l->k / td * 1e-9;
        printf("%-30s %8d %5d %9.3f %9.3f %6.2fx %8.1f %5.0f%%%s\n", l->name, batch * o * o, 3 * l->k * l->k,
               tg * 1e3, td * 1e3, tg / td, gf, 100 * gf / peak, stem_on ? "" : "  (direct kernel off)");
        fflush(stdout);
        zb_conv_free(&cv);
        free(w), free(bias), free(scale), free(shift), free(x), free(y0), free(y1);
    }
    zb_threadpool_free(tp);
    if (bad)
        fprintf(stderr, "error: the direct kernel and the GEMM path differ on %d layers\n", bad);
    return bad != 0;
}

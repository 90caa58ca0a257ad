/* Winograd benchmark: per 3x3 stride-1 layer shape of vgg16, resnet,
 * densenet121 and inception_v3, the time of the direct (GEMM) convolution and
 * of Winograd F(2x2, 3x3) and F(4x4, 3x3) at a batch size and thread count,
 * and their error against a double-precision convolution on data at a real
 * network's scale.  Built and run by bench/winograd.sh.
 *
 *     winograd [-b BATCH] [-t THREADS] [-r REPS] [-e] [-l TEXT]
 *
 * -e: errors only; -l: only the layers whose name contains TEXT.
 *
 * Times are the minimum over REPS runs, the three variants taking turns
 * (the machine may be shared).  The
 * error data: inputs |N(0, 1)| (post-relu activations), weights N(0, 2 / (9
 * oc)) (torchvision's kaiming_normal_, mode fan_out, as vgg and resnet
 * initialise); reported as max |err| / max |y| and rms err / rms y. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/winograd.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t seed = 1;

static double uniform(void)
{
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void) { return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()); }

typedef struct layer {
    const char *name;
    int hw, ic, oc, pad;
} layer;

static const layer layers[] = {
    {"vgg 224 64>64", 224, 64, 64, 1},     {"vgg 112 64>128", 112, 64, 128, 1},
    {"vgg 112 128>128", 112, 128, 128, 1}, {"vgg 56 128>256", 56, 128, 256, 1},
    {"vgg 56 256>256", 56, 256, 256, 1},   {"vgg 28 256>512", 28, 256, 512, 1},
    {"vgg 28 512>512", 28, 512, 512, 1},   {"vgg 14 512>512", 14, 512, 512, 1},
    {"res 56 64>64", 56, 64, 64, 1},       {"res 28 128>128", 28, 128, 128, 1},
    {"res 14 256>256", 14, 256, 256, 1},   {"res 7 512>512", 7, 512, 512, 1},
    {"dense 56 128>32", 56, 128, 32, 1},   {"dense 28 128>32", 28, 128, 32, 1},
    {"dense 14 128>32", 14, 128, 32, 1},   {"dense 7 128>32", 7, 128, 32, 1},
    {"incep 147 32>32 v", 149, 32, 32, 0}, {"incep 147 32>64", 147, 32, 64, 1},
    {"incep 71 80>192 v", 73, 80, 192, 0}, {"incep 35 64>96", 35, 64, 96, 1},
    {"incep 35 96>96", 35, 96, 96, 1},     {"incep 8 448>384", 8, 448, 384, 1},
};

/* One variant of a layer: the direct convolution (cv) or Winograd (w). */
typedef struct runner {
    const zb_conv *cv;
    const zb_wino *w;
} runner;

/* Seconds per run of each of the nv variants, the best of reps; the
 * variants take turns, so a burst of load from other processes hits all. */
static void best(const runner *r, int nv, zb_threadpool *tp, const float *x, float *y, int n, int reps, double *t)
{
    for (int v = 0; v < nv; v++)
        t[v] = 1e30;
    for (int i = 0; i <= reps; i++)   /* i = 0: warm-up */
        for (int v = 0; v < nv; v++) {
            const double t0 = now();
            if (r[v].cv)
                zb_conv_run(r[v].cv, tp, x, y, n);
            else
                zb_wino_run(r[v].w, tp, x, y, n);
            const double dt = now() - t0;
            if (i > 0 && dt < t[v])
                t[v] = dt;
        }
}

static void errors(const layer *L, const zb_conv_geom *g, const float *x, const float *w, const zb_conv *cv,
                   const zb_wino *w2, const zb_wino *w4)
{
    const size_t ny = (size_t)g->oh * g->ow * g->oc;
    float *y[3];
    double *ex = malloc(ny * sizeof *ex);
    for (int k = 0; k < 3; k++)
        y[k] = malloc(ny * sizeof(float));
    zb_conv_run(cv, NULL, x, y[0], 1);
    zb_wino_run(w2, NULL, x, y[1], 1);
    zb_wino_run(w4, NULL, x, y[2], 1);
    double ymax = 0, ysq = 0;
    for (int oy = 0; oy < g->oh; oy++)
        for (int ox = 0; ox < g->ow; ox++)
            for (int co = 0; co < g->oc; co++) {
                double s = 0;
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++) {
                        const int iy = oy - g->pt + ky, ix = ox - g->pl + kx;
                        if (iy < 0 || iy >= g->ih || ix < 0 || ix >= g->iw)
                            continue;
                        const float *xp = x + ((size_t)iy * g->iw + ix) * g->ic;
                        for (int ci = 0; ci < g->ic; ci++)
                            s += (double)xp[ci] * w[((size_t)co * g->ic + ci) * 9 + ky * 3 + kx];
                    }
                const size_t i = ((size_t)oy * g->ow + ox) * g->oc + co;
                ex[i] = s;
                ymax = fabs(s) > ymax ? fabs(s) : ymax;
                ysq += s * s;
            }
    printf("%-20s max|y| %7.3f", L->name, ymax);
    for (int k = 0; k < 3; k++) {
        double emax = 0, esq = 0;
        for (size_t i = 0; i < ny; i++) {
            const double e = fabs(y[k][i] - ex[i]);
            emax = e > emax ? e : emax;
            esq += e * e;
        }
        printf("  %s max %.2e rms %.2e", k == 0 ? "direct" : k == 1 ? "F2" : "F4", emax / ymax, sqrt(esq / ysq));
    }
    printf("\n");
    for (int k = 0; k < 3; k++)
        free(y[k]);
    free(ex);
}

int main(int argc, char **argv)
{
    int batch = 1, threads = 2, reps = 5, err_only = 0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-b") && i + 1 < argc)
            batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-r") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-l") && i + 1 < argc)
            only = argv[++i];
        else if (!strcmp(argv[i], "-e"))
            err_only = 1;
        else {
            fprintf(stderr, "usage: winograd [-b BATCH] [-t THREADS] [-r REPS] [-e] [-l TEXT]\n");
            return 2;
        }
    }
    zb_threadpool *tp = NULL;
    if (zb_threadpool_create(threads, &tp) != ZB_OK)
        return 1;
    if (!err_only)
        printf("# %s, batch %d, %d threads, best of %d; ms per batch and speed-up over direct\n",
               zb_cpu_kernels_name(), batch, threads, reps);
    for (size_t li = 0; li < sizeof layers / sizeof layers[0]; li++) {
        const layer *L = &layers[li];
        if (only && !strstr(L->name, only))
            continue;
        const int o = L->hw + 2 * L->pad - 2;
        const zb_conv_geom g = {L->hw, L->hw, L->ic, o, o, L->oc, 3, 3, 1, 1, 1, 1, L->pad, L->pad, 1};
        const size_t nx = (size_t)batch * L->hw * L->hw * L->ic, nw = (size_t)L->oc * L->ic * 9;
        float *x = malloc(nx * sizeof *x), *w = malloc(nw * sizeof *w);
        float *y = malloc((size_t)batch * o * o * L->oc * sizeof *y);
        seed = 1 + li;
        for (size_t i = 0; i < nx; i++)
            x[i] = (float)fabs(gauss());
        const double sd = sqrt(2.0 / (9.0 * L->oc));
        for (size_t i = 0; i < nw; i++)
            w[i] = (float)(sd * gauss());
        zb_conv cv;
        zb_wino w2, w4;
        const zb_epi e = {0};
        if (zb_conv_prepare(&cv, &g, w, &e) != ZB_OK || zb_wino_prepare(&w2, &g, 2, w, &e) != ZB_OK ||
            zb_wino_prepare(&w4, &g, 4, w, &e) != ZB_OK)
            return 1;
        if (err_only) {
            errors(L, &g, x, w, &cv, &w2, &w4);
        } else {
            const runner r[3] = {{&cv, NULL}, {NULL, &w2}, {NULL, &w4}};
            double t[3];
            best(r, 3, tp, x, y, batch, reps, t);
            const double td = t[0], t2 = t[1], t4 = t[2];
            const int auto_m = zb_wino_tile(&g);
            printf("%-20s direct %8.3f  F2 %8.3f (%.2fx)  F4 %8.3f (%.2fx)  auto F%d\n", L->name, td * 1e3,
                   t2 * 1e3, td / t2, t4 * 1e3, td / t4, auto_m);
            fflush(stdout);
        }
        zb_conv_free(&cv);
        zb_wino_free(&w2);
        zb_wino_free(&w4);
        free(x), free(w), free(y);
    }
    zb_threadpool_free(tp);
    return 0;
}

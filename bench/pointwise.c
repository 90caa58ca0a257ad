/* Pointwise (1x1) convolution benchmark: the GEMM path on the 1x1 layers of
 * keras/mobilenet, squeezenet1_1's classifier and resnet50, with a batchnorm
 * epilogue (scale, shift, relu6) as the engine fuses it.  Each case cycles
 * through copies of the layer (different weights, 16 MB in all: they fall
 * out of L2, as in a whole network; PW_NCOPY=N sets the count, e.g. 40 to
 * stream resnet50's 4 MB layers from memory) and 4 input/output buffers.
 * Built and run by bench/pointwise.sh.
 *
 *     pointwise [-b BATCH] [-j THREADS] [-r REPS] [-R ROUNDS] [-f FILTER] [-c H,W,IC,OC]
 *
 * -f runs the layers whose name contains FILTER; -c H,W,IC,OC one custom
 * 1x1 stride-1 layer.
 * Prints per layer the best time over ROUNDS rounds (each round runs every
 * layer in turn, REPS passes over the copies) and GFLOP/s against the
 * measured FMA peak.  Times are minima (the machine may be shared). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "kernels/fast.h"

enum { NBUF = 4 };

typedef struct layer {
    const char *name;
    int hw, ic, oc, s, w;   /* w: width when not hw */
} layer;

static layer layers[] = {
    {"custom", 0, 0, 0, 1, 0},   /* -c H,W,IC,OC */
    {"mobilenet pw1 112 32>64", 112, 32, 64, 1, 0},
    {"mobilenet pw2 56 64>128", 56, 64, 128, 1, 0},
    {"mobilenet pw3 56 128>128", 56, 128, 128, 1, 0},
    {"mobilenet pw4 28 128>256", 28, 128, 256, 1, 0},
    {"mobilenet pw5 28 256>256", 28, 256, 256, 1, 0},
    {"mobilenet pw6 14 256>512", 14, 256, 512, 1, 0},
    {"mobilenet pw7 14 512>512", 14, 512, 512, 1, 0},
    {"mobilenet pw12 7 512>1024", 7, 512, 1024, 1, 0},
    {"mobilenet pw13 7 1024>1024", 7, 1024, 1024, 1, 0},
    {"mobilenet preds 1 1024>1000", 1, 1024, 1000, 1, 0},
    {"squeezenet cls 13 512>1000", 13, 512, 1000, 1, 0},
    {"squeezenet sq 13 512>64", 13, 512, 64, 1, 0},
    {"squeezenet ex 13 64>256", 13, 64, 256, 1, 0},
    {"resnet l1 56 64>256", 56, 64, 256, 1, 0},
    {"resnet l1 56 256>64", 56, 256, 64, 1, 0},
    {"resnet l2 28 128>512", 28, 128, 512, 1, 0},
    {"resnet l2 28 512>128", 28, 512, 128, 1, 0},
    {"resnet l3 14 256>1024", 14, 256, 1024, 1, 0},
    {"resnet l3 14 1024>256", 14, 1024, 256, 1, 0},
    {"resnet l4 7 512>2048", 7, 512, 2048, 1, 0},
    {"resnet l4 7 2048>512", 7, 2048, 512, 1, 0},
    {"resnet ds 14 1024>2048/2", 14, 1024, 2048, 2, 0},
};

int main(int argc, char **argv)
{
    int batch = 1, threads = 2, reps = 10, rounds = 3;
    const char *filter = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-b"))
            batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-j"))
            threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-r"))
            reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-R"))
            rounds = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-c")) {
            if (sscanf(argv[i + 1], "%d,%d,%d,%d", &layers[0].hw, &layers[0].w, &layers[0].ic, &layers[0].oc) != 4)
                return 2;
            filter = "custom";
        } else if (!strcmp(argv[i], "-f"))
            filter = argv[i + 1];
        else {
            fprintf(stderr, "usage: pointwise [-b BATCH] [-j THREADS] [-r REPS] [-R ROUNDS] [-f FILTER] "
                            "[-c H,W,IC,OC]\n");
            return 2;
        }
    }
    enum { NL = sizeof layers / sizeof *layers };
    if (batch < 1 || threads < 1 || threads > 64 || reps < 1 || rounds < 1) {
        fprintf(stderr, "error: bad arguments\n");
        return 2;
    }
    zb_threadpool *tp = NULL;
    if (zb_threadpool_create(threads, &tp) != ZB_OK)
        return 1;
    const double peak = zb_fma_peak_gflops(threads, 0.3);
    printf("# %s, batch %d, %d threads, FMA peak %.1f GFLOP/s\n", zb_cpu_kernels_name(), batch, threads, peak);
    printf("%-30s %6s %5s %5s %9s %9s %6s\n", "layer", "M", "N", "K", "ms", "GFLOP/s", "%peak");
    double best[NL];
    for (int li = 0; li < NL; li++)
        best[li] = 1e30;
    for (int round = 0; round < rounds; round++)
        for (int li = 0; li < NL; li++) {
            const layer *l = &layers[li];
            if ((filter && !strstr(l->name, filter)) || !l->hw)
                continue;
            const int o = (l->hw - 1) / l->s + 1, ow = l->w ? (l->w - 1) / l->s + 1 : o, iw = l->w ? l->w : l->hw;
            const size_t wsz = (size_t)l->oc * l->ic;
            int ncopy = (int)(16u * 1024 * 1024 / (wsz * sizeof(float))) + 1;   /* 16 MB of weights */
            ncopy = ncopy > 16 ? 16 : ncopy;
            if (getenv("PW_NCOPY"))
                ncopy = atoi(getenv("PW_NCOPY"));
            zb_conv *cv = calloc((size_t)ncopy, sizeof *cv);
            float *scale = rand_buf(l->oc, 2), *shift = rand_buf(l->oc, 3);
            const zb_epi e = {NULL, scale, shift, ZB_EPI_RELU6};
            const zb_conv_geom g = {l->hw, iw, l->ic, o, ow, l->oc, 1, 1, l->s, l->s, 1, 1, 0, 0, 1};
            for (int c = 0; c < ncopy; c++) {
                float *w = rand_buf(wsz, 10 + (uint64_t)c);
                if (zb_conv_prepare(&cv[c], &g, w, &e) != ZB_OK) {
                    fprintf(stderr, "error: %s\n", zb_last_error());
                    return 1;
                }
                free(w);
            }
            /* inputs and outputs rotate too (as activations do in a network) */
            const size_t nx = (size_t)batch * l->hw * iw * l->ic, ny = (size_t)batch * o * ow * l->oc;
            float *x = rand_buf(nx * NBUF, 4), *y = calloc(ny * NBUF, sizeof *y);
            for (int r = 0; r < reps; r++)
                for (int c = 0; c < ncopy; c++) {
                    const double t0 = now();
                    zb_conv_run(&cv[c], tp, x + (size_t)(c % NBUF) * nx, NULL, y + (size_t)(c % NBUF) * ny, batch);
                    const double dt = now() - t0;
                    best[li] = dt < best[li] ? dt : best[li];
                }
            for (int c = 0; c < ncopy; c++)
                zb_conv_free(&cv[c]);
            free(cv), free(x), free(y), free(scale), free(shift);
        }
    double tot_ms = 0, tot_fl = 0;
    for (int li = 0; li < NL; li++) {
        const layer *l = &layers[li];
        if ((filter && !strstr(l->name, filter)) || !l->hw)
            continue;
        const int o = (l->hw - 1) / l->s + 1, ow = l->w ? (l->w - 1) / l->s + 1 : o;
        const double fl = 2.0 * batch * o * ow * (double)l->oc * l->ic;
        printf("%-30s %6d %5d %5d %9.4f %9.1f %5.1f%%\n", l->name, batch * o * ow, l->oc, l->ic, best[li] * 1e3,
               fl / best[li] * 1e-9, 100 * fl / best[li] * 1e-9 / peak);
        tot_ms += best[li] * 1e3, tot_fl += fl;
    }
    if (tot_ms > 0)
        printf("%-30s %6s %5s %5s %9.4f %9.1f %5.1f%%\n", "sum", "", "", "", tot_ms, tot_fl / tot_ms * 1e-6,
               100 * tot_fl / tot_ms * 1e-6 / peak);
    zb_threadpool_free(tp);
    return 0;
}

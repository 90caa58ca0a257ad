/* End-to-end img/s of whole models with random weights (no files):
 *     models MODEL SIZE BATCH THREADS REPS
 * Built and run by bench/models.sh.  Time: best of REPS forward passes. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/net.h"
#include "models/registry.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: models MODEL SIZE BATCH THREADS REPS\n");
        return 2;
    }
    const char *model = argv[1];
    const int size = atoi(argv[2]), b = atoi(argv[3]), t = atoi(argv[4]), reps = atoi(argv[5]);
    zb_graph *g = NULL;
    zb_wmap *w = NULL;
    zb_net *net = NULL;
    zb_net_opts o = {.height = size, .width = size, .nthreads = t};
    if (zb_model_build(model, size, size, &g) != ZB_OK || zb_graph_random_weights(g, 42, &w) != ZB_OK ||
        zb_net_create_wmap(model, w, &o, NULL, &net) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    zb_graph_free(g);
    zb_wmap_free(w);
    size_t n = (size_t)b * size * size * 3;
    float *x = malloc(n * sizeof *x), *y = malloc((size_t)b * 1000 * sizeof *y);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(i % 251) / 251.0f - 0.5f;
    zb_net_run(net, x, b, y);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (zb_net_run(net, x, b, y) != ZB_OK) {
            fprintf(stderr, "error: %s\n", zb_last_error());
            return 1;
        }
        double dt = now() - t0;
        best = dt < best ? dt : best;
    }
    printf("%-28s batch %2d threads %d: %7.1f ms/batch  %6.2f img/s\n", model, b, t, best * 1e3, b / best);
    zb_net_free(net);
    free(x), free(y);
    return 0;
}

/* logits_hash MODEL BATCH THREADS [SIZE]: a hash of the output bits of MODEL
 * built with seeded random weights, on a fixed pseudo-random batch; equal
 * hashes from two builds mean bitwise-equal logits (bench/bitwise.sh). */
#include <stdio.h>
#include <stdlib.h>

#include "core/engine.h"
#include "models/registry.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: logits_hash MODEL BATCH THREADS [SIZE]\n");
        return 2;
    }
    const zb_model_info *info = zb_model_find(argv[1]);
    if (!info) {
        fprintf(stderr, "error: %s: unknown model\n", argv[1]);
        return 1;
    }
    const int n = atoi(argv[2]), threads = atoi(argv[3]), size = argc > 4 ? atoi(argv[4]) : info->input_size;
    zb_graph *g = NULL;
    zb_wmap *w = NULL;
    if (zb_model_build(argv[1], size, size, &g) != ZB_OK || zb_graph_random_weights(g, 7, &w) != ZB_OK ||
        zb_graph_prepare(g, w, NULL) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    zb_wmap_free(w);
    zb_graph_set_threads(g, threads);
    const zb_node *o = zb_graph_output(g);
    const size_t nin = (size_t)n * size * size * 3, nout = (size_t)n * o->h * o->w * o->c;
    float *x = malloc(nin * sizeof *x), *y = malloc(nout * sizeof *y);   /* (n, size, size, 3), (n, classes) */
    if (!x || !y)
        return 1;
    unsigned long long s = 12345;
    for (size_t i = 0; i < nin; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        x[i] = (float)((double)(s >> 40) / (double)(1ull << 24) * 4.0 - 2.0);
    }
    if (zb_graph_run(g, x, n, y) != ZB_OK) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 1;
    }
    unsigned long long h = 1469598103934665603ull;   /* FNV-1a over the output bytes */
    const unsigned char *b = (const unsigned char *)y;
    for (size_t i = 0; i < nout * sizeof *y; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    printf("%016llx\n", h);
    zb_graph_free(g);
    free(x);
    free(y);
    return 0;
}

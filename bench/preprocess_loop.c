/* zb_preprocess in a plain loop over image files: the library's own time
 * per image, without the Python harness of bench/preprocess.py (which runs
 * Pillow between two zoobench calls, so zoobench's decode there starts
 * with cooler caches).  Built and run by bench/preprocess_loop.sh.
 *
 *     preprocess_loop RECIPE SIZE ROUNDS IMAGE...
 *
 * Prints the mean ms per image over ROUNDS passes, after one untimed pass. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "zoobench.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int pass(const zb_recipe *r, char **paths, int n, float *out)
{
    for (int i = 0; i < n; i++)
        if (zb_preprocess(paths[i], r, ZB_LAYOUT_NHWC, out) != ZB_OK) {
            fprintf(stderr, "error: %s\n", zb_last_error());
            return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: preprocess_loop RECIPE SIZE ROUNDS IMAGE...\n");
        return 2;
    }
    zb_recipe r;
    const int size = atoi(argv[2]), rounds = atoi(argv[3]), n = argc - 4;
    if (zb_recipe_preset(argv[1], size, &r) != ZB_OK || rounds < 1) {
        fprintf(stderr, "error: %s\n", zb_last_error());
        return 2;
    }
    float *out = malloc(sizeof *out * 3 * (size_t)r.crop * (size_t)r.crop);
    if (!out || pass(&r, argv + 4, n, out))
        return 1;
    const double t0 = now();
    for (int k = 0; k < rounds; k++)
        if (pass(&r, argv + 4, n, out))
            return 1;
    printf("%-12s %d: %.3f ms/image (%d images x %d rounds)\n", argv[1], size, (now() - t0) * 1e3 / rounds / n, n,
           rounds);
    free(out);
    return 0;
}

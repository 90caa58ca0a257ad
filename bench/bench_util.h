/* Shared by the bench programs (kernels.c, stem.c, pointwise.c): a monotonic
 * clock and seeded random data. */
#ifndef ZB_BENCH_UTIL_H
#define ZB_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* n floats uniform in [-0.5, 0.5), a fixed sequence per seed. */
static inline float *rand_buf(size_t n, uint64_t seed)
{
    float *p = malloc(n * sizeof *p);
    for (size_t i = 0; p && i < n; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        p[i] = (float)((double)(seed >> 40) / (double)(1u << 24) - 0.5);
    }
    return p;
}

#endif

/* Shared by the test_kernels_* tests: seeded random data and the FMA-chain
 * oracle (the arithmetic the fast kernels promise, computed independently of
 * the code under test). */
#ifndef ZB_TEST_KERNELS_UTIL_H
#define ZB_TEST_KERNELS_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static uint64_t rng = 12345;

static float frand(void)   /* uniform in [-1, 1) */
{
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return (float)((double)(rng >> 40) / (double)(1u << 23) - 1.0);
}

static float *rand_buf(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = frand();
    return p;
}

static const double U = 1.0 / (1 << 24);   /* unit roundoff of float32 */

#endif

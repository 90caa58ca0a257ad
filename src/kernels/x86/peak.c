/* fp32 FMA peak: each thread runs 12 independent ymm (or zmm, where the GEMM
 * uses AVX-512) FMA chains, more than latency x throughput = 4 x 2, so the
 * FMA units are the limit. */
#include <immintrin.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "kernels/x86/x86.h"

typedef struct peak_arg {
    long iters;
    float sink;
} peak_arg;

static void *fma_loop(void *p)
{
    peak_arg *a = p;
    if (zb_cpu_avx512()) {
        a->sink = zb_x86_fma_loop_avx512(a->iters);
        return NULL;
    }
    __m256 c[12];
    const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < 12; i++)
        c[i] = _mm256_set1_ps((float)i);
    for (long it = 0; it < a->iters; it++) {
        c[0] = _mm256_fmadd_ps(c[0], x, y), c[1] = _mm256_fmadd_ps(c[1], x, y);
        c[2] = _mm256_fmadd_ps(c[2], x, y), c[3] = _mm256_fmadd_ps(c[3], x, y);
        c[4] = _mm256_fmadd_ps(c[4], x, y), c[5] = _mm256_fmadd_ps(c[5], x, y);
        c[6] = _mm256_fmadd_ps(c[6], x, y), c[7] = _mm256_fmadd_ps(c[7], x, y);
        c[8] = _mm256_fmadd_ps(c[8], x, y), c[9] = _mm256_fmadd_ps(c[9], x, y);
        c[10] = _mm256_fmadd_ps(c[10], x, y), c[11] = _mm256_fmadd_ps(c[11], x, y);
    }
    __m256 s = c[0];
    for (int i = 1; i < 12; i++)
        s = _mm256_add_ps(s, c[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    a->sink = out[0];
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* GFLOP/s of nthreads threads running `iters` iterations each. */
static double run(int nthreads, long iters)
{
    peak_arg args[64];
    pthread_t th[64];
    nthreads = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads;
    double t0 = now();
    int started = 0;
    for (int i = 1; i < nthreads; i++) {
        args[i].iters = iters;
        if (pthread_create(&th[i], NULL, fma_loop, &args[i]) != 0)
            break;
        started = i;
    }
    args[0].iters = iters;
    fma_loop(&args[0]);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    double dt = now() - t0;
    const double flops_per_iter = 12.0 * (zb_cpu_avx512() ? 32 : 16);
    return (double)(started + 1) * (double)iters * flops_per_iter / dt * 1e-9;
}

/* The best of a few short runs: on a shared machine the best is the closest
 * to what the hardware can do. */
double zb_x86_fma_peak_gflops(int nthreads, double seconds)
{
    long iters = 1 << 16;
    double t0 = now();
    run(nthreads, iters);
    double dt = now() - t0;
    const int reps = 5;
    double per = seconds / reps;
    if (dt > 0 && dt < per)
        iters = (long)((double)iters * per / dt);
    double best = 0;
    for (int r = 0; r < reps; r++) {
        double g = run(nthreads, iters);
        best = g > best ? g : best;
    }
    return best;
}

/* Runtime CPU detection: the AVX2/FMA kernels run only where the CPU has both
 * (and the OS saves ymm state, which __builtin_cpu_supports checks through
 * the "avx" feature's OSXSAVE test).  ZB_KERNELS=ref forces the portable
 * kernels, ZB_KERNELS=avx2 keeps the GEMM off AVX-512, e.g. to compare. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels/x86/x86.h"

static int detect(void)
{
    const char *env = getenv("ZB_KERNELS");
    if (env && !strcmp(env, "ref"))
        return 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int zb_cpu_fast(void)
{
    /* Idempotent: first callers racing compute the same value. */
    static _Atomic int cached = -1;
    if (cached < 0)
        cached = detect();
    return cached;
}

static int detect512(void)
{
    const char *env = getenv("ZB_KERNELS");
    if (!zb_cpu_fast() || (env && !strcmp(env, "avx2")))
        return 0;
#if defined(__x86_64__) || defined(__i386__)
    /* libgcc sets avx512f only when XCR0 shows the OS saves zmm state */
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}

int zb_cpu_avx512(void)
{
    static _Atomic int cached = -1;
    if (cached < 0)
        cached = detect512();
    return cached;
}

static long detect_l2(void)
{
    const char *env = getenv("ZB_L2_KB");
    long kb = env ? atol(env) : 0;
    if (kb > 0)
        return kb << 10;
    const long b = sysconf(_SC_LEVEL2_CACHE_SIZE);
    return b >= (64 << 10) && b <= (64l << 20) ? b : 512 << 10;
}

long zb_cpu_l2_bytes(void)
{
    static _Atomic long cached = -1;
    if (cached < 0)
        cached = detect_l2();
    return cached;
}

const char *zb_cpu_kernels_name(void)
{
    return zb_cpu_avx512() ? "avx512+fma" : zb_cpu_fast() ? "avx2+fma" : "reference";
}

double zb_fma_peak_gflops(int nthreads, double seconds)
{
    return zb_cpu_fast() ? zb_x86_fma_peak_gflops(nthreads, seconds) : 0.0;
}

#!/usr/bin/env bash
# The kernel tests again with ZB_KERNELS=ref: the portable fallback (used on
# CPUs without AVX2/FMA) must meet the same checks, bitwise ones included.
source "$(dirname "$0")/../lib.sh"
ZB_BUILD=${ZB_BUILD:-build}
for t in test_kernels_gemm test_kernels_conv test_kernels_direct; do
    ZB_KERNELS=ref "$ZB_BUILD/tests/$t" 2>"$T/$t.log" || { cat "$T/$t.log"; die "$t failed with ZB_KERNELS=ref"; }
    grep -q '^kernels: reference' "$T/$t.log" || die "$t did not run the portable kernels"
done

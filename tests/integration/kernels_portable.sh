#!/usr/bin/env bash
# The kernel tests again with ZB_KERNELS=ref (the portable fallback, used on
# CPUs without AVX2/FMA) and ZB_KERNELS=avx2 (no AVX-512): each must meet the
# same checks, the bitwise ones against the FMA-chain oracle included.
# Winograd's transforms must give the same bits in every mode (checksum).
# Then the GEMM and convolution tests with a 16 KiB L2 assumed (ZB_L2_KB):
# tiles of a few columns, which must not change a bit either.
source "$(dirname "$0")/../lib.sh"
ZB_BUILD=${ZB_BUILD:-build}
for t in test_kernels_gemm test_kernels_conv; do
    ZB_L2_KB=16 "$ZB_BUILD/tests/$t" 2>"$T/$t.l2.log" || { cat "$T/$t.l2.log"; die "$t failed with ZB_L2_KB=16"; }
done
for mode in ref:reference avx2:avx2+fma; do
    for t in test_kernels_gemm test_kernels_conv test_kernels_direct test_kernels_winograd test_kernels_stem; do
        ZB_KERNELS=${mode%%:*} "$ZB_BUILD/tests/$t" 2>"$T/$t.log" || { cat "$T/$t.log"; die "$t failed with ZB_KERNELS=${mode%%:*}"; }
        cp "$T/$t.log" "$T/$t.${mode%%:*}.log"
        want=${mode#*:}
        grep -q "^kernels: $want\$" "$T/$t.log" || { grep -q '^kernels: reference$' "$T/$t.log" && [ "$want" = avx2+fma ]; } ||
            die "$t did not run the $want kernels"
    done
done
"$ZB_BUILD/tests/test_kernels_winograd" 2>"$T/wino.log" || { cat "$T/wino.log"; die "test_kernels_winograd failed"; }
sum=$(grep '^winograd checksum:' "$T/wino.log") || die "no winograd checksum"
for mode in ref avx2; do
    [ "$(grep '^winograd checksum:' "$T/test_kernels_winograd.$mode.log")" = "$sum" ] ||
        die "Winograd gives other bits with ZB_KERNELS=$mode"
done

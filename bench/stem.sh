#!/usr/bin/env bash
# Builds bench/stem.c against the library and runs it (first-layer
# convolutions: direct small-channel kernel against the im2col GEMM path):
#     bench/stem.sh [-b BATCH] [-r ROUNDS] [-t THREADS] [-s SECONDS_PER_RUN]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc -o "$BUILD/bench-stem" \
    bench/stem.c "$BUILD/libzoobench.a" -lm -lpthread
exec "$BUILD/bench-stem" "$@"

#!/usr/bin/env bash
# Builds bench/pointwise.c against the library and runs it:
#     bench/pointwise.sh [-b BATCH] [-j THREADS] [-r REPS] [-R ROUNDS] [-f FILTER] [-c H,W,IC,OC]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc -o "$BUILD/bench-pointwise" \
    bench/pointwise.c "$BUILD/libzoobench.a" -lm -lpthread
exec "$BUILD/bench-pointwise" "$@"

#!/usr/bin/env bash
# Builds bench/kernels.c against the library and runs it:
#     bench/kernels.sh [-b BATCH] [-s SECONDS_PER_CASE] [-t MAX_THREADS]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc -o "$BUILD/bench-kernels" \
    bench/kernels.c "$BUILD/libzoobench.a" -lm -lpthread
exec "$BUILD/bench-kernels" "$@"

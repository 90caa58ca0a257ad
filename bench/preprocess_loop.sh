#!/usr/bin/env bash
# Builds bench/preprocess_loop.c against the library and runs it:
#     bench/preprocess_loop.sh RECIPE SIZE ROUNDS IMAGE...
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -o "$BUILD/bench-preprocess-loop" \
    bench/preprocess_loop.c "$BUILD/libzoobench.a" -lcurl -lzip -ljpeg -lpng -larchive -lmatio -lz -lm -lpthread
exec "$BUILD/bench-preprocess-loop" "$@"

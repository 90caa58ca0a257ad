#!/usr/bin/env bash
# Builds bench/winograd.c against the library and runs it:
#     bench/winograd.sh [-b BATCH] [-t THREADS] [-r REPS] [-e] [-l TEXT]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc -o "$BUILD/bench-winograd" \
    bench/winograd.c "$BUILD/libzoobench.a" -lm -lpthread
exec "$BUILD/bench-winograd" "$@"

#!/usr/bin/env bash
# End-to-end img/s with random weights:  bench/models.sh MODEL [SIZE] [BATCH] [THREADS] [REPS]
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s -j2 "$BUILD/libzoobench.a"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc -o "$BUILD/bench-models" \
    bench/models.c "$BUILD/libzoobench.a" -lcurl -lzip -ljpeg -lpng -lz -lm -lpthread
exec "$BUILD/bench-models" "$1" "${2:-224}" "${3:-1}" "${4:-1}" "${5:-3}"

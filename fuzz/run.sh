#!/usr/bin/env bash
# Builds every fuzz/fuzz_<name>.c as a libFuzzer binary (clang, ASan + UBSan)
# against the library, then runs each for ZB_FUZZ_SECONDS (default 60) from its
# seed corpus fuzz/corpus/<name>/ (and fuzz/<name>.dict when present),
# ZB_FUZZ_JOBS harnesses at a time (default: the number of cores).
# Usage: fuzz/run.sh [NAME...]      e.g. fuzz/run.sh pth
# The committed corpora are not modified: new inputs go to build-fuzz/corpus/<name>.
# Prints one summary line per harness: executions, new corpus size, crashes.
set -u
cd "$(dirname "$0")/.."
secs=${ZB_FUZZ_SECONDS:-60}
jobs=${ZB_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make -s -j"$jobs" BUILD=$B CC=clang OPT="-O1 -g $SAN -fsanitize=fuzzer-no-link" $B/libzoobench.a || exit 1
LDLIBS=$(sed -n 's/^LDLIBS *+= *//p' Makefile)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
mkdir -p "$B/fuzz"
# fuzz_one NAME: build and run one harness; its summary goes to $B/fuzz_NAME.sum,
# its exit status (0: ran its time with no crash) to $B/fuzz_NAME.rc.
fuzz_one() {
    local n=$1 src=fuzz/fuzz_$1.c bin=$B/fuzz/fuzz_$1 work=$B/corpus/$1 art=$B/artifacts/$1/
    local log=$B/fuzz_$1.log sum=$B/fuzz_$1.sum rc execs crashes dict=() seeds=()
    mkdir -p "$work" "$art"
    # shellcheck disable=SC2086
    if ! clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -O1 -g $SAN -fsanitize=fuzzer "$src" $B/libzoobench.a \
            $LDLIBS -o "$bin" >"$log" 2>&1; then
        printf 'fuzz_%s: build failed\n' "$n" >"$sum"; tail -n 30 "$log" >>"$sum"
        echo 1 >"$B/fuzz_$n.rc"; return
    fi
    [ -f fuzz/$n.dict ] && dict=(-dict=fuzz/$n.dict)
    [ -d fuzz/corpus/$n ] && seeds=(fuzz/corpus/$n)
    "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$art" "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(find "$art" -type f | wc -l)
    printf 'fuzz_%s: %s s, %s executions, corpus %s files, %s crash artifacts, exit %d\n' \
        "$n" "$secs" "${execs:-?}" "$(ls "$work" | wc -l)" "$crashes" $rc >"$sum"
    if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
        tail -n 30 "$log" >>"$sum"; echo 1 >"$B/fuzz_$n.rc"
    else
        echo 0 >"$B/fuzz_$n.rc"
    fi
}
# $jobs harnesses at a time, one per core
running=0
for n in "${names[@]}"; do
    rm -f "$B/fuzz_$n.rc" "$B/fuzz_$n.sum"
    fuzz_one "$n" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
status=0
for n in "${names[@]}"; do
    cat "$B/fuzz_$n.sum" 2>/dev/null || echo "fuzz_$n: no result"
    [ "$(cat "$B/fuzz_$n.rc" 2>/dev/null)" = 0 ] || status=1
done
exit $status

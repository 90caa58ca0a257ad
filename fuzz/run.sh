#!/usr/bin/env bash
# Builds every fuzz/fuzz_<name>.c as a libFuzzer binary (clang, ASan + UBSan)
# against the library, then runs each for ZB_FUZZ_SECONDS (default 60) from its
# seed corpus fuzz/corpus/<name>/ (and fuzz/<name>.dict when present).
# ZB_FUZZ_JOBS harnesses run at once (default: the number of CPUs); each is
# single-threaded, so its executions do not depend on the others.
# Usage: fuzz/run.sh [NAME...]      e.g. fuzz/run.sh pth
# The committed corpora are not modified: new inputs go to build-fuzz/corpus/<name>.
# Prints one summary line per harness: executions, new corpus size, crashes.
# Exit status: non-zero when a harness fails to build, crashes, leaks, times out
# (a slow input, -timeout=10) or leaves an artifact.
set -u
cd "$(dirname "$0")/.."
secs=${ZB_FUZZ_SECONDS:-60}
jobs=${ZB_FUZZ_JOBS:-$(nproc)}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make -s BUILD=$B CC=clang OPT="-O1 -g $SAN -fsanitize=fuzzer-no-link" $B/libzoobench.a || exit 1
LDLIBS=$(sed -n 's/^LDLIBS *+= *//p' Makefile)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
status=0
built=()
for n in "${names[@]}"; do
    mkdir -p "$B/fuzz"
    # shellcheck disable=SC2086
    if clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -Ifuzz -O1 -g $SAN -fsanitize=fuzzer "fuzz/fuzz_$n.c" \
        $B/libzoobench.a $LDLIBS -o "$B/fuzz/fuzz_$n"; then
        built+=("$n")
    else
        echo "fuzz_$n: build failed"
        status=1
    fi
done

run_one() { # NAME: one harness for $secs seconds; its result in $B/fuzz_NAME.result
    local n=$1 work=$B/corpus/$1 art=$B/artifacts/$1/ log=$B/fuzz_$1.log
    rm -rf "$art"
    mkdir -p "$work" "$art"
    local dict=() seeds=()
    [ -f "fuzz/$n.dict" ] && dict=(-dict="fuzz/$n.dict")
    [ -d "fuzz/corpus/$n" ] && seeds=("fuzz/corpus/$n")
    "$B/fuzz/fuzz_$n" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$art" "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
    echo $? >"$B/fuzz_$n.rc"
}

running=0
for n in "${built[@]}"; do
    run_one "$n" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

for n in "${built[@]}"; do
    log=$B/fuzz_$n.log art=$B/artifacts/$n/
    rc=$(cat "$B/fuzz_$n.rc" 2>/dev/null || echo 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(find "$art" -type f | wc -l)
    printf 'fuzz_%s: %s s, %s executions, corpus %s files, %s crash artifacts, exit %d\n' \
        "$n" "$secs" "${execs:-?}" "$(find "$B/corpus/$n" -type f | wc -l)" "$crashes" "$rc"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        status=1
        tail -n 30 "$log"
    fi
done
exit $status

#!/usr/bin/env bash
# Builds every fuzz/fuzz_<name>.c as a libFuzzer binary (clang, ASan + UBSan)
# against the library, then runs each for ZB_FUZZ_SECONDS (default 60) from its
# seed corpus fuzz/corpus/<name>/ (and fuzz/<name>.dict when present).
# Usage: fuzz/run.sh [NAME...]      e.g. fuzz/run.sh pth
# The committed corpora are not modified: new inputs go to build-fuzz/corpus/<name>.
# Prints one summary line per harness: executions, new corpus size, crashes.
set -u
cd "$(dirname "$0")/.."
secs=${ZB_FUZZ_SECONDS:-60}
B=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make -s BUILD=$B CC=clang OPT="-O1 -g $SAN -fsanitize=fuzzer-no-link" $B/libzoobench.a || exit 1
LDLIBS=$(sed -n 's/^LDLIBS *+= *//p' Makefile)
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in fuzz/fuzz_*.c; do n=$(basename "$f" .c); names+=("${n#fuzz_}"); done
fi
status=0
for n in "${names[@]}"; do
    src=fuzz/fuzz_$n.c bin=$B/fuzz/fuzz_$n work=$B/corpus/$n art=$B/artifacts/$n/
    mkdir -p "$B/fuzz" "$work" "$art"
    # shellcheck disable=SC2086
    clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -O1 -g $SAN -fsanitize=fuzzer "$src" $B/libzoobench.a \
        $LDLIBS -o "$bin" || { status=1; continue; }
    dict=(); [ -f fuzz/$n.dict ] && dict=(-dict=fuzz/$n.dict)
    seeds=(); [ -d fuzz/corpus/$n ] && seeds=(fuzz/corpus/$n)
    log=$B/fuzz_$n.log
    "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$art" "${dict[@]}" "$work" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    crashes=$(find "$art" -type f | wc -l)
    printf 'fuzz_%s: %s s, %s executions, corpus %s files, %s crash artifacts, exit %d\n' \
        "$n" "$secs" "${execs:-?}" "$(ls "$work" | wc -l)" "$crashes" $rc
    if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
        status=1
        tail -n 30 "$log"
    fi
done
exit $status

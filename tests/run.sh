#!/usr/bin/env bash
# Runs the test suite: every unit test binary, then every integration script.
# An integration script exits 0 (pass), 77 (skipped: it prints why) or other (fail).
# ZB_FULL=1 also runs the slow full-size suites; ZB_TEST_FILTER=regex selects tests.
set -u
cd "$(dirname "$0")/.."
export ZB_BUILD=${ZB_BUILD:-build}
export ZB=$PWD/$ZB_BUILD/zoobench
export ZB_SHARED=${ZB_SHARED:-$(cd .. && pwd)/shared}
export PY=/usr/bin/python3
filter=${ZB_TEST_FILTER:-.}
pass=0 fail=0 skip=0 failed=()
run_one() {
    local name=$1; shift
    [[ $name =~ $filter ]] || return 0
    local t0=$SECONDS out rc
    out=$("$@" 2>&1); rc=$?
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1)); printf 'PASS %-45s %3ds\n' "$name" $((SECONDS - t0))
    elif [ $rc -eq 77 ]; then
        skip=$((skip + 1)); printf 'SKIP %-45s %s\n' "$name" "$(printf '%s' "$out" | tail -n 1)"
    else
        fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-45s (exit %d)\n' "$name" $rc
        printf '%s\n' "$out" | tail -n 40 | sed 's/^/    /'
    fi
}
for t in "$ZB_BUILD"/tests/test_*; do
    [ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
done
for t in tests/integration/*.sh; do
    [ -f "$t" ] && run_one "integration/$(basename "$t" .sh)" bash "$t"
done
echo "passed $pass, failed $fail, skipped $skip"
[ $fail -eq 0 ] || { printf 'failed: %s\n' "${failed[*]}"; exit 1; }

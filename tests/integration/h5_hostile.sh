#!/usr/bin/env bash
# Malformed .h5 files generated at test time (tests/oracle/h5_mutate.py): every
# case exits non-zero with exactly one `error:` line, or (a bit flip that left
# the file readable) exits 0; never a crash, never a hang (2 s and 256 MB of address space each).
# ZB_FULL=1 also runs every case under valgrind (no errors, no leaks).
source tests/lib.sh
$PY -c 'import h5py' 2>/dev/null || skip "h5py not available to $PY"
$PY tests/oracle/h5_keras.py write "$T/seed.h5" fixed earliest 6 7 || die "writing the seed"
$PY tests/oracle/h5_keras.py write "$T/seed2.h5" vlen latest 20 8 full || die "writing the seed"
mkdir -p "$T/a" "$T/b"
$PY tests/oracle/h5_mutate.py "$T/seed.h5" "$T/a" || die "mutating"
$PY tests/oracle/h5_mutate.py "$T/seed2.h5" "$T/b" || die "mutating"
# 256 MB of address space, except for sanitizer builds (their shadow memory needs more)
vlimit=$ZB_VMEM
n=0 errors=0 loaded=0
for f in "$T"/a/*.h5 "$T"/b/*.h5; do
    n=$((n + 1))
    (ulimit -v $vlimit; exec timeout 2 "$ZB" inspect "$f") > /dev/null 2> "$T/err"; rc=$?
    [ $rc -ne 124 ] || die "$f: hang (over 2 s)"
    [ $rc -lt 128 ] || die "$f: crashed (exit $rc)"
    if [ $rc -eq 0 ]; then
        [ ! -s "$T/err" ] || die "$f: exit 0 but stderr: $(cat "$T/err")"
        loaded=$((loaded + 1))
        case $(basename "$f") in trunc*|dims*|keras_*|deep_*) die "$f: malformed file was accepted";; esac
    else
        [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^error: ' "$T/err" || die "$f: expected one error line, got: $(cat "$T/err")"
        errors=$((errors + 1))
    fi
    if [ "${ZB_FULL:-0}" = 1 ]; then
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            "$ZB" inspect "$f" > /dev/null 2> "$T/vg"; rc=$?
        [ $rc -ne 99 ] || die "$f: valgrind: $(head -20 "$T/vg")"
    fi
done
[ $n -ge 30 ] || die "only $n cases generated"
for f in "$T"/a/keras_gzip_*.h5; do
    grep -q ": unsupported HDF5 feature: compressed" <("$ZB" inspect "$f" 2>&1) || die "$f: gzip dataset not refused clearly"
done
echo "$n cases: $errors errors, $loaded loaded"

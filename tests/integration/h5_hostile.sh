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
n=0 errors=0 loaded=0
for f in "$T"/a/*.h5 "$T"/b/*.h5; do
    n=$((n + 1))
    # one error line or a clean load, within 2 s and 256 MB (valgrind too with ZB_FULL=1)
    expect_hostile_or_ok "$ZB" inspect "$f"; rc=$?
    if [ $rc -eq 2 ]; then
        loaded=$((loaded + 1))
        case $(basename "$f") in trunc*|dims*|keras_*|deep_*) die "$f: malformed file was accepted";; esac
    elif [ $rc -eq 0 ]; then
        errors=$((errors + 1))
    else
        exit 1
    fi
done
[ $n -ge 30 ] || die "only $n cases generated"
for f in "$T"/a/keras_gzip_*.h5; do
    grep -q ": unsupported HDF5 feature: compressed" <("$ZB" inspect "$f" 2>&1) || die "$f: gzip dataset not refused clearly"
done
echo "$n cases: $errors errors, $loaded loaded"

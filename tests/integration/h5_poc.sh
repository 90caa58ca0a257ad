#!/usr/bin/env bash
# The public HDF5 CVE proof-of-concept files (HDFGroup/cve_hdf5, copy in
# ../shared/data/hdf5-poc): each gives exactly one `error:` line or loads
# (its defect lies in a structure zoobench never reads), never crashes or
# hangs (2 s and 256 MB of address space each).  Files that load are checked against h5py where libhdf5
# itself can read them.  ZB_FULL=1 also runs each under valgrind.
source tests/lib.sh
need_shared data/hdf5-poc
n=0 errors=0 loaded=0 agreed=0
for f in "$ZB_SHARED"/data/hdf5-poc/*; do
    case $(basename "$f") in COPYING|*.c) continue;; esac
    n=$((n + 1))
    (ulimit -v $ZB_VMEM; exec timeout 2 "$ZB" inspect --crc "$f") > "$T/out" 2> "$T/err"; rc=$?
    [ $rc -ne 124 ] || die "$f: hang (over 2 s)"
    [ $rc -lt 128 ] || die "$f: crashed (exit $rc)"
    if [ $rc -eq 0 ]; then
        [ ! -s "$T/err" ] || die "$f: exit 0 but stderr: $(cat "$T/err")"
        loaded=$((loaded + 1))
        # where libhdf5 reads it too (in a child: it may crash), the contents must agree
        if (timeout 10 $PY tests/oracle/h5_keras.py expect-any "$f" > "$T/exp"; exit $?) 2> /dev/null; then
            # compared as sorted lines: Keras files list in layer order, others by path
            sort "$T/out" > "$T/a"; sort "$T/exp" > "$T/b"
            cmp -s "$T/a" "$T/b" || die "$f: loads, but differs from h5py: $(diff "$T/b" "$T/a" | head -4)"
            agreed=$((agreed + 1))
        fi
    else
        [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q '^error: ' "$T/err" || die "$f: expected one error line, got: $(cat "$T/err")"
        errors=$((errors + 1))
    fi
    [ "${ZB_FULL:-0}" = 1 ] && ! sanitized && expect_valgrind_clean "$ZB" inspect "$f"
done
[ $n -gt 0 ] || skip "no proof-of-concept files in ../shared/data/hdf5-poc"
echo "$n proof-of-concept files: $errors errors, $loaded loaded ($agreed of them also read by h5py, identically), 0 crashes, 0 hangs"

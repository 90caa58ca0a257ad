#!/usr/bin/env bash
# .npy: numpy writes every dtype (versions 1.0/2.0/3.0, big-endian too), zoobench
# loads and re-saves each file, numpy checks values and bytes against np.save.
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy' 2>/dev/null || skip "numpy for $PY is missing"
"$PY" tests/oracle/npy_roundtrip.py gen "$T" || die "generating inputs"
for f in "$T"/*.npy; do
    "$ZB_BUILD/tests/test_npy" copy "$f" "${f%.npy}.out.npy" >/dev/null || die "copy $f"
done
"$PY" tests/oracle/npy_roundtrip.py check "$T" || die "numpy check"

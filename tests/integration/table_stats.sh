#!/usr/bin/env bash
# The pieces beyond arithmetic: numpy's quicksort tie order (the seed's ranking),
# exact McNemar p-values, Wilson intervals, and `table --ci --compare` on the
# published predictions, all against tests/oracle/stats_oracle.py (exact integers).
source "$(dirname "$0")/../lib.sh"
"$PY" -c 'import numpy' 2>/dev/null || skip "numpy for $PY is missing"
B=$ZB_BUILD/tests/test_eval
"$PY" tests/oracle/stats_oracle.py sort "$B" || die "sort order differs from numpy"
"$PY" tests/oracle/stats_oracle.py mcnemar "$B" || die "McNemar"
"$PY" tests/oracle/stats_oracle.py wilson "$B" || die "Wilson"
if [ -d "$ZB_SHARED/seed-results/keras_imagenet" ]; then
    S=$ZB_SHARED/seed-results
    "$ZB" table -k "$S/keras_imagenet" -p "$S/pytorch_imagenet" --labels imagenet-val --ci --compare \
        --pvalues "$T/p.csv" --format json >"$T/t.json" || die "table --ci --compare"
    "$PY" tests/oracle/stats_oracle.py table "$T/t.json" "$T/p.csv" "$S/keras_imagenet" "$S/pytorch_imagenet" ||
        die "table statistics"
    # The printed table marks non-significant neighbours; the .npy matrix is symmetric.
    "$ZB" table -k "$S/keras_imagenet" -p "$S/pytorch_imagenet" --labels imagenet-val --compare \
        --pvalues "$T/p.npy" >"$T/t.txt" || die "table --compare"
    "$PY" - "$T/t.json" "$T/t.txt" "$T/p.npy" <<'PY' || die "--compare marks"
import json, sys, numpy as np
rows = json.load(open(sys.argv[1]))["rows"]
lines = [l for l in open(sys.argv[2]) if l.startswith(("Keras", "PyTorch"))]
assert len(lines) == 34
for r, l in zip(rows, lines):
    assert r["model"] in l.split()
    assert ("(ns)" in l) == (r["significant_next"] is False), l
assert sum("(ns)" in l for l in lines) >= 1
m = np.load(sys.argv[3])
assert m.shape == (34, 34) and (m == m.T).all() and (np.diag(m) == 1).all()
PY
fi
exit 0

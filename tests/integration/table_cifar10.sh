#!/usr/bin/env bash
# --dataset cifar10 (the seed's cifar10_benchmarking.py) on its published CIFAR-10
# predictions and the original test labels, against the numpy oracle.
source "$(dirname "$0")/../lib.sh"
need_shared seed-results/pytorch_cifar10
need_shared label-errors/original_test_labels
"$PY" -c 'import numpy' 2>/dev/null || skip "numpy for $PY is missing"
P=$ZB_SHARED/seed-results/pytorch_cifar10
L=$ZB_SHARED/label-errors/original_test_labels/cifar10_test_set_original_labels.npy
"$ZB" table --dataset cifar10 -p "$P" --labels "$L" -o "$T/zb.csv" --format md >"$T/zb.md" || die "zoobench failed"
"$PY" tests/oracle/seed_table.py table --dataset cifar10 --pytorch "$P" --labels "$L" --pandas >"$T/or.csv" ||
    die "oracle failed"
cmp "$T/zb.csv" "$T/or.csv" || die "CSV differs: $(diff "$T/zb.csv" "$T/or.csv" | head)"
[ "$(grep -c '^| PyTorch 1.0 ' "$T/zb.md")" -eq 13 ] || die "expected 13 models"
"$PY" - "$T/zb.md" "$T/or.csv" <<'PY' || die "printed table differs from the oracle"
import csv, sys
rows = [[c.strip() for c in l.strip().strip('|').split('|')] for l in open(sys.argv[1]) if l.startswith('| PyTorch')]
ref = list(csv.DictReader(open(sys.argv[2])))
for got, want in zip(rows, ref):
    assert got == [want['Platform'], want['Model'], '%.2f' % (100 * float(want['Acc@1'])),
                   '%.2f' % (100 * float(want['Acc@5'])), want['Rank@1'], want['Rank@5']], (got, want)
PY
# With custom labels, cifar10_benchmarking.py still sorts by Acc@1 (the ImageNet script by cAcc@1).
"$PY" -c "import numpy as np; np.save('$T/c.npy', np.random.default_rng(3).integers(0, 10, 10000))"
"$ZB" table --dataset cifar10 -p "$P" --labels "$L" -l "$T/c.npy" -o "$T/zbc.csv" >/dev/null || die "custom"
"$PY" tests/oracle/seed_table.py table --dataset cifar10 --pytorch "$P" --labels "$L" -l "$T/c.npy" --pandas \
    >"$T/orc.csv" || die "oracle custom"
cmp "$T/zbc.csv" "$T/orc.csv" || die "custom CSV differs"
exit 0

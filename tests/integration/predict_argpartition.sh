#!/usr/bin/env bash
# The top-5 column order: zb_argpartition_f32 equals numpy's np.argpartition
# index for index, on random rows (the seed's softmax rows of 1000), ties,
# NaNs, and the patterns that push introselect into its median-of-medians
# fallback; for kth 5 (the seed's) and others.
source tests/lib.sh
$PY -c 'import numpy' 2>/dev/null || skip "/usr/bin/python3 has no numpy"
# shellcheck disable=SC2046 # the Makefile's library list, word-split on purpose
$ZB_CC -std=c11 -O1 -Iinclude -Isrc -o "$T/argpart" tests/oracle/predict/argpart.c "$ZB_BUILD/libzoobench.a" \
    $(sed -n 's/^LDLIBS *+= *//p' Makefile) || die "helper build"
$PY - "$T" <<'PY' || die "input generation"
import sys, numpy as np
t = sys.argv[1]
rng = np.random.default_rng(5)
rows = []
for n in (1000, 1000, 7, 13, 64, 257):
    for _ in range(40):
        x = rng.standard_normal(n).astype(np.float32) * 4
        p = np.exp(x - x.max()); p /= p.sum()
        rows.append((n, -p.astype(np.float32)))
for n in (1000, 100, 31):
    a = np.arange(n, dtype=np.float32)
    rows += [(n, a), (n, a[::-1].copy()), (n, np.roll(a, n // 2)), (n, np.zeros(n, np.float32)),
             (n, (a % 3).astype(np.float32)), (n, np.where(a % 7 == 0, np.nan, a).astype(np.float32)),
             (n, rng.integers(0, 4, n).astype(np.float32))]
# median-of-3 killer: organ-pipe and sawtooth shapes
for n in (1000, 500):
    a = np.arange(n, dtype=np.float32)
    rows += [(n, np.minimum(a, n - a)), (n, a % 17), (n, np.concatenate([a[::2], a[1::2]]))]
by = {}
for n, r in rows:
    by.setdefault(n, []).append(r)
for n, rs in by.items():
    np.save("%s/in_%d.npy" % (t, n), np.stack(rs))
PY
$PY - "$T" <<'PY' || die "argpartition order differs from numpy"
import glob, subprocess, sys, numpy as np
t = sys.argv[1]
for f in sorted(glob.glob(t + "/in_*.npy")):
    a = np.load(f); n = a.shape[1]
    for k in sorted({0, 2, 5, n // 2, n - 1}):
        if k >= n:
            continue
        subprocess.run([t + "/argpart", f, str(k), t + "/out.npy"], check=True)
        got = np.load(t + "/out.npy"); want = np.argpartition(a, k, axis=1)
        bad = np.nonzero((got != want).any(axis=1))[0]
        assert len(bad) == 0, (n, k, len(bad), bad[:5], got[bad[0]][:12], want[bad[0]][:12])
PY
echo ok

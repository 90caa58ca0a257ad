"""Independent checks of zoobench's statistics, Python only (exact integers).

  stats_oracle.py sort BIN          numpy argsort(kind='quicksort') and pandas' descending order vs BIN argsort
  stats_oracle.py mcnemar BIN       exact binomial tails (integers) vs BIN mcnemar B C
  stats_oracle.py wilson BIN        Wilson 95% interval formula vs BIN wilson K N
  stats_oracle.py table JSON PV.csv KDIR PDIR   --ci/--compare output vs the per-image data
"""
import csv
import json
import math
import os
import subprocess
import sys
from statistics import NormalDist

import numpy as np


def exact_mcnemar(b, c):
    """min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2), as an exact fraction -> float."""
    n, m = b + c, min(b, c)
    if n == 0:
        return 1.0
    term, total = 1, 1  # C(n, 0)
    for i in range(m):
        term = term * (n - i) // (i + 1)
        total += term
    num, den = 2 * total, 1 << n
    if num >= den:
        return 1.0
    # correctly rounded num / den
    from fractions import Fraction
    return float(Fraction(num, den))


def close(a, b, rel):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def sort_check(binary):
    rng = np.random.default_rng(11)
    arrays = []
    for n in list(range(0, 70)) + [100, 129, 200, 257, 500, 1000, 3000]:
        for kind in range(4):
            if kind == 0:
                v = rng.integers(0, 3, n).astype(float)  # heavy ties
            elif kind == 1:
                v = rng.integers(0, max(1, n // 3), n) / 7.0
            elif kind == 2:
                v = np.sort(rng.integers(0, 5, n)).astype(float)[::-1 if n % 2 else 1].copy()
            else:
                v = np.concatenate([np.arange(n // 2), np.arange(n - n // 2)[::-1]]).astype(float)  # organ pipe
            arrays.append(v)
    text = "".join(f"{len(v)} " + " ".join(repr(float(x)) for x in v) + "\n" for v in arrays)
    out = subprocess.run([binary, "argsort"], input=text, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert len(lines) == 2 * len(arrays), len(lines)
    for k, v in enumerate(arrays):
        got = [int(x) for x in lines[2 * k].split()]
        assert got == list(np.argsort(v, kind="quicksort")), (len(v), k)
        idx = np.arange(len(v))[::-1]
        want_desc = idx[v[::-1].argsort(kind="quicksort")][::-1]
        assert [int(x) for x in lines[2 * k + 1].split()] == list(want_desc), ("desc", len(v))
    try:  # the emulation above is what pandas itself does
        import pandas as pd
    except ImportError:
        pd = None
    for k, v in enumerate(arrays if pd is not None else []):
        order = list(pd.DataFrame({"a": v}).sort_values(by="a", ascending=False).index)
        assert order == [int(x) for x in lines[2 * k + 1].split()], ("pandas", len(v))
    print(f"{len(arrays)} arrays sorted as numpy")


def mcnemar_check(binary):
    cases = [(0, 0), (0, 1), (1, 0), (3, 3), (0, 5), (1, 5), (2, 8), (10, 30), (100, 130), (1000, 1100),
             (2400, 2500), (4000, 4100), (0, 1075), (24000, 26000), (24990, 25010), (12, 49988), (3, 1060)]
    for b, c in cases:
        got = float(subprocess.run([binary, "mcnemar", str(b), str(c)], capture_output=True, text=True,
                                   check=True).stdout)
        want = exact_mcnemar(b, c)
        if want < 1e-300:
            assert got < 1e-290, (b, c, got, want)
        else:
            assert close(got, want, 1e-9), (b, c, got, want)
    print(f"{len(cases)} McNemar p-values exact to 1e-9")


def wilson(k, n):
    z = NormalDist().inv_cdf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_check(binary):
    for k, n in [(0, 10), (10, 10), (1, 10), (5, 10), (40413, 50000), (27251, 50000), (1, 50000), (7, 9)]:
        lo, hi = map(float, subprocess.run([binary, "wilson", str(k), str(n)], capture_output=True, text=True,
                                           check=True).stdout.split())
        wl, wh = wilson(k, n)
        assert abs(lo - wl) < 1e-12 and abs(hi - wh) < 1e-12, (k, n, lo, hi, wl, wh)
    print("Wilson intervals agree")


def table_check(js, pv, kdir, pdir):
    """--ci --compare on the published files vs per-image correctness computed here."""
    d = json.load(open(js))
    labels = np.arange(50000) // 50
    correct = {}
    for plat, dd in (("Keras 2.2.4", kdir), ("PyTorch 1.0", pdir)):
        for f in os.listdir(dd):
            if f.endswith("_top5preds.npy"):
                model = f.split("_keras_imagenet")[0].split("_pytorch_imagenet")[0]
                p = np.load(os.path.join(dd, f))
                q = np.load(os.path.join(dd, f.replace("preds", "probs")))
                correct[(plat, model)] = p[np.arange(len(p)), q.argmax(1)] == labels
    rows = d["rows"]
    for r in rows:
        c = correct[(r["platform"], r["model"])]
        k = int(c.sum())
        assert r["Acc@1_correct"] == k
        lo, hi = wilson(k, 50000)
        assert abs(r["Acc@1_ci95"][0] - lo) < 1e-12 and abs(r["Acc@1_ci95"][1] - hi) < 1e-12, r
    for a, b in zip(rows, rows[1:]):
        x, y = correct[(a["platform"], a["model"])], correct[(b["platform"], b["model"])]
        want = exact_mcnemar(int((x & ~y).sum()), int((~x & y).sum()))
        assert close(a["p_next"], want, 1e-9), (a["model"], b["model"], a["p_next"], want)
        assert a["significant_next"] == (want < 0.05)
    assert rows[-1]["p_next"] is None
    m = list(csv.reader(open(pv)))
    assert len(m) == 35 and len(m[0]) == 36, (len(m), len(m[0]))
    keys = [(r["platform"], r["model"]) for r in rows]
    for i in range(0, 34, 5):
        for j in range(34):
            x, y = correct[keys[i]], correct[keys[j]]
            want = 1.0 if i == j else exact_mcnemar(int((x & ~y).sum()), int((~x & y).sum()))
            assert close(float(m[i + 1][j + 2]), want, 1e-9), (i, j)
    print("--ci and --compare agree")


if __name__ == "__main__":
    {"sort": sort_check, "mcnemar": mcnemar_check, "wilson": wilson_check, "table": table_check}[sys.argv[1]](
        *sys.argv[2:])

#!/usr/bin/python3
"""compare_logits.py GOT.npy REF.npy [--probs]: the fidelity bar.

max|got - ref| <= 1e-4 * max(1, max|ref|) and the same top-5 per row.
With --probs, GOT holds probabilities: compared with softmax(REF) (in
float64) to 1e-5 absolute, and top-5 likewise.  Prints the figures."""
import sys

import numpy as np

got, ref = np.load(sys.argv[1]), np.load(sys.argv[2]).astype(np.float64)
if "--probs" in sys.argv:
    e = np.exp(ref - ref.max(axis=1, keepdims=True))
    ref = e / e.sum(axis=1, keepdims=True)
    bar = 1e-5
else:
    bar = 1e-4 * max(1.0, float(np.abs(ref).max()))
assert got.dtype == np.float32, got.dtype
assert got.shape == ref.shape, (got.shape, ref.shape)
diff = float(np.abs(got.astype(np.float64) - ref).max())
top_got = np.argsort(-got, axis=1, kind="stable")[:, :5]
top_ref = np.argsort(-ref, axis=1, kind="stable")[:, :5]
same = bool((top_got == top_ref).all())
print("max|diff| %.3g (bar %.3g), top-5 %s" % (diff, bar, "same" if same else "DIFFERENT"))
sys.exit(0 if diff <= bar and same else 1)

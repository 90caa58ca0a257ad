#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_npy to fuzz/corpus/npy (numpy)."""
import io
import os
import sys

import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "npy")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(8)
arrays = {
    "i64_preds": rng.integers(0, 1000, (4, 5)).astype("<i8"),
    "f32_probs": rng.random((3, 5)).astype("<f4"),
    "f64_be": rng.random(6).astype(">f8"),
    "f16": (rng.random(7) * 100).astype("<f2"),
    "u64_big": np.array([1, 2**63 + 5, 7], dtype="<u8"),
    "bool_mask": rng.random(9) > 0.5,
    "i8": np.array([-128, 0, 127], dtype="i1"),
    "u16_be": np.arange(4, dtype=">u2"),
    "i32_3d": np.arange(24, dtype="<i4").reshape(2, 3, 4),
    "scalar": np.array(3.5),
    "empty": np.zeros((0, 5), dtype="<i8"),
    "f32_nan": np.array([np.nan, np.inf, -0.0, 1.5], dtype="<f4"),
    "fortran_1d": np.asfortranarray(np.arange(3, dtype="<i2").reshape(3, 1)),
}
for name, a in arrays.items():
    np.save(os.path.join(out, name + ".npy"), a)
for ver in ((2, 0), (3, 0)):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.arange(6, dtype="<u4").reshape(2, 3), version=ver)
    with open(os.path.join(out, "v%d.npy" % ver[0]), "wb") as f:
        f.write(buf.getvalue())

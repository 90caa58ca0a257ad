"""Compares zoobench's output with the TF.js oracle's: the issue 5 bar
max|diff| <= 1e-4 * max(1, max|ref|) and, for logits, identical top-5 per row.
Prints one line 'model max_abs_diff rel max_abs_ref'; exit 1 when over the bar.

usage: /usr/bin/python3 compare.py NAME REF.npy OURS.npy [--features]
"""
import sys

import numpy as np


def main():
    name, ref, ours = sys.argv[1], np.load(sys.argv[2]), np.load(sys.argv[3])
    features = '--features' in sys.argv
    ref = ref.reshape(ref.shape[0], -1).astype(np.float64)
    ours = ours.reshape(ours.shape[0], -1).astype(np.float64)
    if ref.shape != ours.shape:
        print('%s: shapes differ: oracle %s, zoobench %s' % (name, ref.shape, ours.shape))
        return 1
    diff = np.abs(ref - ours).max()
    scale = max(1.0, np.abs(ref).max())
    print('%s max_abs_diff %.3g rel %.3g max_abs_ref %.4g' % (name, diff, diff / scale, np.abs(ref).max()))
    ok = diff <= 1e-4 * scale
    if not features:
        for i in range(ref.shape[0]):
            # top-5 in numpy's stable order (ties by lower index)
            a = list(np.argsort(-ref[i], kind='stable')[:5])
            b = list(np.argsort(-ours[i], kind='stable')[:5])
            if a != b:
                print('%s: row %d top-5 differ: oracle %s, zoobench %s' % (name, i, a, b))
                ok = False
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
"""Writes the small seed corpus of fuzz_h5 into fuzz/corpus/h5 (h5py + numpy)."""
import os
import subprocess
import sys

import h5py
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, 'corpus', 'h5')
os.makedirs(out, exist_ok=True)
oracle = os.path.join(here, '..', 'tests', 'oracle', 'h5_keras.py')
for style in ('fixed', 'vlen'):
    for lib in ('earliest', 'latest'):
        subprocess.check_call([sys.executable, oracle, 'write', os.path.join(out, 'keras_%s_%s.h5' % (style, lib)),
                               style, lib, '6', '1'] + (['full'] if style == 'vlen' else []))
for lib in ('earliest', 'latest'):
    with h5py.File(os.path.join(out, 'plain_%s.h5' % lib), 'w', libver=lib) as f:
        f['a'] = np.arange(6, dtype='f4').reshape(2, 3)
        g = f.create_group('g')
        g['b'] = np.arange(4, dtype='>i2')
        g['loop'] = g
        for i in range(10):
            g.attrs['x%d' % i] = np.arange(i + 1)
        f.create_dataset('c', data=np.arange(12, dtype='f8').reshape(3, 4), chunks=(2, 2))

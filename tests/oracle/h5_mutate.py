#!/usr/bin/python3
"""Malformed .h5 cases for zoobench's reader (test-only), from a valid seed file.

  h5_mutate.py SEED.h5 OUTDIR
writes OUTDIR/<case>.h5: truncations at many offsets, seeded bit flips, huge
declared sizes (dataspace dimensions, lengths, addresses), a self-referencing
continuation, and h5py-written files with cyclic groups and deep nesting.
"""
import os
import random
import struct
import sys

import h5py
import numpy as np

seed_path, out = sys.argv[1], sys.argv[2]
data = open(seed_path, 'rb').read()
rng = random.Random(1234)
cases = {}

for i, frac in enumerate([0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99]):
    cases['trunc%02d' % i] = data[:int(len(data) * frac) + 7]
for i in range(30):
    b = bytearray(data)
    for _ in range(1 + i % 4):
        pos = rng.randrange(8, len(b))
        b[pos] ^= 1 << rng.randrange(8)
    cases['flip%02d' % i] = bytes(b)
# overwrite structure fields with huge values wherever a signature or message sits
for i, sig in enumerate([b'OHDR', b'TREE', b'SNOD', b'HEAP', b'GCOL', b'FRHP', b'BTHD', b'BTLF', b'FHDB', b'FHIB']):
    pos = data.find(sig)
    if pos < 0:
        continue
    for j, off in enumerate((4, 6, 8, 16)):
        b = bytearray(data)
        if pos + off + 8 <= len(b):
            b[pos + off:pos + off + 8] = b'\xff' * 7 + b'\x7f'
            cases['huge_%s_%d' % (sig.decode(), j)] = bytes(b)
# dataspace dimensions: find the (3, 3, 2, 4) kernel's dims and make them enormous
pat = struct.pack('<QQQQ', 3, 3, 2, 4)
pos = data.find(pat)
assert pos >= 0, 'kernel dataspace not found in the seed'
for j, dims in enumerate([(1 << 62, 1), (1 << 40, 1 << 30), (0xffffffffffffffff, 2), (1 << 20, 1 << 20),
                          (1 << 32, 1 << 32)]):
    b = bytearray(data)
    b[pos:pos + 16] = struct.pack('<QQ', *dims)
    cases['dims%d' % j] = bytes(b)

for name, b in cases.items():
    with open(os.path.join(out, name + '.h5'), 'wb') as f:
        f.write(b)

# structurally hostile but written by h5py: cycles, deep nesting, a Keras file whose
# layer group is a cycle, a string dataset where weights should be
def keras(path, libver, body):
    with h5py.File(path, 'w', libver=libver) as f:
        body(f)

for lv in ('earliest', 'latest'):
    def cyc(f):
        g = f.create_group('a/b/c')
        g['up'] = f['a']
        f['a/b/self'] = f['a/b']
    keras(os.path.join(out, 'cycle_%s.h5' % lv), lv, cyc)

    def deep(f):
        f.create_group('/'.join('d%d' % i for i in range(60)))
    keras(os.path.join(out, 'deep_%s.h5' % lv), lv, deep)

    def klayer_cycle(f):
        f.attrs['layer_names'] = np.array([b'l0'])
        g = f.create_group('l0')
        g.attrs['weight_names'] = np.array([b'loop/loop/loop/w:0'])
        g['loop'] = g
    keras(os.path.join(out, 'keras_cycle_%s.h5' % lv), lv, klayer_cycle)

    def kstring(f):
        f.attrs['layer_names'] = np.array([b'l0'])
        g = f.create_group('l0')
        g.attrs['weight_names'] = np.array([b'w:0'])
        g['w:0'] = b'not a tensor'
    keras(os.path.join(out, 'keras_string_%s.h5' % lv), lv, kstring)

    def kmissing(f):
        f.attrs['layer_names'] = np.array([b'l0', b'l1'])
        f.create_group('l0').attrs['weight_names'] = np.array([], dtype='S1')
    keras(os.path.join(out, 'keras_missing_%s.h5' % lv), lv, kmissing)

    def kcompressed(f):
        f.attrs['layer_names'] = np.array([b'l0'])
        g = f.create_group('l0')
        g.attrs['weight_names'] = np.array([b'w:0'])
        g.create_dataset('w:0', data=np.ones((64, 64), 'f4'), compression='gzip')
    keras(os.path.join(out, 'keras_gzip_%s.h5' % lv), lv, kcompressed)

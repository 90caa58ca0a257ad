#!/usr/bin/python3
"""Test oracle for zoobench's HDF5 reader (h5py + numpy, test-only).

  h5_keras.py write OUT.h5 STYLE LIBVER NLAYERS SEED [full]
      writes a Keras-2-layout weights file with seeded random weights.
      STYLE: 'fixed' (np.bytes_ arrays, as Keras + h5py 2 wrote) or 'vlen' (str lists, h5py 3).
      LIBVER: 'earliest' (h5py default) or 'latest'.  'full' nests the weights under
      model_weights and adds a model_config attribute, as keras.models.save_model does.
  h5_keras.py expect FILE.h5
      prints what `zoobench inspect --crc FILE.h5` must print, computed with h5py:
      layers in layer_names order (chunked layer_names0.. too), weights in weight_names order.
  h5_keras.py layers FILE.h5
      prints what `build/tests/test_h5 FILE.h5` must print (the zb_keras_h5 view).
  h5_keras.py expect-any FILE.h5
      the same for any HDF5 file: a Keras file as above, otherwise every dataset sorted by path.
"""
import json
import sys
import zlib

import h5py
import numpy as np


def attr_list(g, name):
    if name in g.attrs:
        v = g.attrs[name]
        return [x.decode('utf8') if hasattr(x, 'decode') else str(x) for x in np.atleast_1d(v)] if np.size(v) else []
    out, i = [], 0
    while '%s%d' % (name, i) in g.attrs:
        out.extend(attr_list(g, '%s%d' % (name, i)))
        i += 1
    return out


def put_list(g, name, items, style, limit=64512):
    """Keras' save_attributes_to_hdf5_group: chunk when an array exceeds the header limit."""
    if style == 'fixed':
        data = np.array([s.encode('utf8') for s in items], dtype=np.bytes_) if items else np.array([])
    else:
        data = list(items)
    arr = np.asarray([s.encode('utf8') for s in items]) if items else np.array([])
    nchunks = 1
    while any(c.nbytes > limit for c in np.array_split(arr, nchunks)):
        nchunks += 1
    if nchunks == 1:
        if style == 'vlen' and items:
            g.attrs.create(name, data, dtype=h5py.string_dtype())
        else:
            g.attrs[name] = data
        return
    idx = np.array_split(np.arange(len(items)), nchunks)
    for i, ix in enumerate(idx):
        part = [items[j] for j in ix]
        if style == 'vlen':
            g.attrs.create('%s%d' % (name, i), part, dtype=h5py.string_dtype())
        else:
            g.attrs['%s%d' % (name, i)] = np.array([s.encode('utf8') for s in part], dtype=np.bytes_)


def put_str(g, name, s, style):
    if style == 'vlen':
        g.attrs[name] = s
    else:
        g.attrs[name] = np.bytes_(s.encode('utf8'))


def write(path, style, libver, nlayers, seed, full):
    rng = np.random.default_rng(seed)
    pad = 'x' * (250 if nlayers > 200 else 0)  # long names force chunked layer_names
    with h5py.File(path, 'w', libver=libver) as f:
        root = f
        if full:
            put_str(f, 'model_config', json.dumps({'class_name': 'Model', 'config': {'layers': nlayers}}), style)
            put_str(f, 'keras_version', '2.2.4', style)
            put_str(f, 'backend', 'tensorflow', style)
            root = f.create_group('model_weights')
        names = []
        for i in range(nlayers):
            kind = i % 5
            name = ['conv%d' % i, 'block%d/bn' % i, 'relu%d' % i, 'dense_%d%s' % (i, pad), 'dw%d' % i][kind]
            names.append(name)
            g = root.create_group(name)
            wn, ws = [], []
            if kind == 0:
                wn = [name + '/kernel:0', name + '/bias:0']
                ws = [rng.standard_normal((3, 3, 2, 4)).astype('<f4'), rng.standard_normal(4).astype('<f4')]
            elif kind == 1:  # nested '/' layer name, weights with nested names
                wn = ['%s/%s:0' % (name, w) for w in ('gamma', 'beta', 'moving_mean', 'moving_variance')]
                ws = [rng.standard_normal(3).astype(t) for t in ('<f4', '<f8', '<f2', '>f4')]
            elif kind == 3:
                wn = [name + '/kernel:0']
                ws = [rng.standard_normal((5, 2)).astype('<f4')]
            elif kind == 4:
                wn = [name + '/depthwise_kernel:0', name + '/scalar:0', name + '/empty:0']
                ws = [rng.standard_normal((3, 3, 4, 1)).astype('<f4'), np.float32(rng.standard_normal()),
                      np.zeros((0, 3), '<f4')]
            put_list(g, 'weight_names', wn, style)
            for n, w in zip(wn, ws):
                g.create_dataset(n, data=w)
        put_list(root, 'layer_names', names, style)
        if nlayers > 200:  # more than 8 attributes: dense attribute storage under libver='latest'
            for i in range(12):
                root.attrs['extra%d' % i] = np.arange(i + 1)
        if rng.integers(0, 2) or not full:
            put_str(root, 'backend', 'tensorflow', style)
            put_str(root, 'keras_version', '2.2.4', style)


def expect(path):
    with h5py.File(path, 'r') as f:
        root = f
        if 'layer_names' not in f.attrs and 'layer_names0' not in f.attrs and 'model_weights' in f:
            root = f['model_weights']
        n, total = 0, 0
        for layer in attr_list(root, 'layer_names'):
            g = root[layer]
            for wname in attr_list(g, 'weight_names'):
                a = np.array(g[wname][()], dtype='<f4', order='C')
                shape = str(tuple(int(d) for d in a.shape))
                print('%s\t%s\t%d\t%08x' % (wname, shape, a.size, zlib.crc32(a.tobytes()) & 0xffffffff))
                n += 1
                total += a.size
        print('# %d tensors, %d parameters' % (n, total))


def layers(path):
    """What `test_h5 FILE` prints: versions, model_config CRC, layers with their weight ranges."""
    with h5py.File(path, 'r') as f:
        def s(g, name):
            if name not in g.attrs:
                return None
            v = g.attrs[name]
            v = v.item() if isinstance(v, np.ndarray) else v
            return v.decode('utf8') if hasattr(v, 'decode') else str(v)
        root = f
        if 'layer_names' not in f.attrs and 'layer_names0' not in f.attrs and 'model_weights' in f:
            root = f['model_weights']
        print('keras_version %s' % (s(root, 'keras_version') or s(f, 'keras_version') or '-'))
        print('backend %s' % (s(root, 'backend') or s(f, 'backend') or '-'))
        mc = s(f, 'model_config')
        print('model_config %s' % ('%08x' % (zlib.crc32(mc.encode('utf8')) & 0xffffffff) if mc is not None else '-'))
        first = 0
        for layer in attr_list(root, 'layer_names'):
            n = len(attr_list(root[layer], 'weight_names'))
            print('layer %s %d %d' % (layer, first, n))
            first += n


def expect_any(path):
    """A non-Keras file: every dataset (each object once), sorted by path."""
    with h5py.File(path, 'r') as f:
        if any(k.startswith('layer_names') for k in f.attrs) or 'model_weights' in f:
            return expect(path)
        seen, lines, total = set(), [], 0

        def visit(name, obj):
            nonlocal total
            if isinstance(obj, h5py.Dataset):
                addr = h5py.h5o.get_info(obj.id).addr
                if addr in seen:
                    return
                seen.add(addr)
                a = np.array(obj[()], dtype='<f4', order='C')
                lines.append('%s\t%s\t%d\t%08x' % (name, str(tuple(int(d) for d in a.shape)), a.size,
                                                    zlib.crc32(a.tobytes()) & 0xffffffff))
                total += a.size
        f.visititems(visit)
        for line in sorted(lines):
            print(line)
        print('# %d tensors, %d parameters' % (len(lines), total))


if __name__ == '__main__':
    if sys.argv[1] == 'write':
        write(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]),
              len(sys.argv) > 7 and sys.argv[7] == 'full')
    elif sys.argv[1] == 'expect':
        expect(sys.argv[2])
    elif sys.argv[1] == 'layers':
        layers(sys.argv[2])
    elif sys.argv[1] == 'expect-any':
        expect_any(sys.argv[2])
    else:
        sys.exit('usage: h5_keras.py write|expect ...')

#!/usr/bin/python3
"""Checks write_h5.py's files against the Keras save_weights layout, reading them with
h5py's low-level type information (not with write_h5's own reader).  Oracle self-test.

h5_check.py WORKDIR
"""
import json
import os
import sys
import warnings

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import write_h5  # noqa: E402
import zoo       # noqa: E402


def attr_kind(obj, name):
    """'vlen', 'fixed', 'float64-empty' or a description of something else."""
    aid = obj.attrs.get_id(name)
    t = aid.get_type()
    if isinstance(t, h5py.h5t.TypeStringID):
        return 'vlen' if t.is_variable_str() else 'fixed'
    if isinstance(t, h5py.h5t.TypeFloatID) and aid.shape == (0,) and t.get_size() == 8:
        return 'float64-empty'
    return 'other %s %s' % (type(t).__name__, aid.shape)


def check(cond, msg, errors):
    if not cond:
        errors.append(msg)


SCALAR_KIND = {'fixed': 'vlen', 'vlen': 'vlen', 'allfixed': 'fixed'}
LIST_KIND = {'fixed': 'fixed', 'vlen': 'vlen', 'allfixed': 'fixed'}


def check_file(path, model, weights, strings, full, errors, chunked=False):
    with h5py.File(path, 'r') as f:
        if full:
            cfg = json.loads(f.attrs['model_config'])
            check(cfg['class_name'] == 'Model' and
                  [l['name'] for l in cfg['config']['layers']] ==
                  [l.name for l in model.layers], 'model_config layers', errors)
            check(attr_kind(f, 'model_config') == SCALAR_KIND[strings],
                  'model_config type', errors)
            root = f['model_weights']
        else:
            check('model_weights' not in f, 'unexpected model_weights', errors)
            root = f
        for a in ('backend', 'keras_version'):
            check(attr_kind(root, a) == SCALAR_KIND[strings],
                  '%s is %s' % (a, attr_kind(root, a)), errors)
        if chunked:
            names, i = [], 0
            while 'layer_names%d' % i in root.attrs:
                check(attr_kind(root, 'layer_names%d' % i) == 'fixed',
                      'chunk %d not fixed' % i, errors)
                check(root.attrs['layer_names%d' % i].nbytes <= 512, 'chunk too big',
                      errors)
                names += [n.decode() for n in root.attrs['layer_names%d' % i]]
                i += 1
            check(i > 1 and 'layer_names' not in root.attrs, 'not chunked', errors)
        else:
            check(attr_kind(root, 'layer_names') == LIST_KIND[strings],
                  'layer_names type', errors)
            names = [n.decode() if isinstance(n, bytes) else n
                     for n in root.attrs['layer_names']]
        check(names == [l.name for l in model.layers], 'layer_names order', errors)
        for layer in model.layers:
            g = root[layer.name]
            expect = weights.get(layer.name, [])
            if not expect:
                check(attr_kind(g, 'weight_names') == 'float64-empty',
                      '%s: weightless layer weight_names is %s'
                      % (layer.name, attr_kind(g, 'weight_names')), errors)
                continue
            check(attr_kind(g, 'weight_names') == LIST_KIND[strings],
                  'weight_names type', errors)
            wn = [n.decode() if isinstance(n, bytes) else n
                  for n in g.attrs['weight_names']]
            check(wn == [n for n, _ in expect], '%s: weight_names %s' % (layer.name, wn),
                  errors)
            for n, v in expect:
                d = root[layer.name + '/' + n]        # nested groups by '/'
                check(d.dtype == np.float32 and d.shape == v.shape and
                      np.array_equal(d[...], v), '%s: dataset %s' % (layer.name, n),
                      errors)


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        models = {'densenet121': zoo.build('densenet121', size=32),
                  'inception_v3': zoo.build('inception_v3', size=75)}
    for name, model in models.items():
        weights = write_h5.random_weights(model, 3)
        again = write_h5.random_weights(model, 3)
        check(all(np.array_equal(a, b) for l in weights
                  for (_, a), (_, b) in zip(weights[l], again[l])), 'seeded', errors)
        for layer, vals in weights.items():
            kinds = [n.rsplit('/', 1)[1].split(':')[0] for n, _ in vals]
            if kinds[-2:] == ['moving_mean', 'moving_variance']:
                scale = model.get_layer(layer).scale
                check(kinds == (['gamma'] if scale else []) +
                      ['beta', 'moving_mean', 'moving_variance'], 'BN order', errors)
                check(vals[-1][1].min() > 0, 'moving_variance > 0', errors)
                check(all(np.std(v) > 0.05 for _, v in vals), 'BN stats vary', errors)
        cases = [('fixed', False, None), ('vlen', False, None), ('allfixed', False, None),
                 ('fixed', True, None), ('vlen', True, None), ('vlen', False, 512),
                 ('fixed', False, 512)]
        for strings, full, limit in cases:
            path = os.path.join(work, '%s_%s_%d_%s.h5' % (name, strings, full, limit))
            write_h5.write_weights(path, model, weights, strings, full, chunk_limit=limit)
            check_file(path, model, weights, strings, full, errors, chunked=bool(limit))
            back = write_h5.read_weights(path, model)
            check([l for l, _ in back] == [l.name for l in model.layers if l.weight_specs]
                  and all(np.array_equal(a, b) for (l, vals) in back
                          for (_, a), (_, b) in zip(vals, weights[l])),
                  'read_weights round trip %s' % path, errors)
        print('%s: %d layers, %d weighted; fixed/vlen/full-model/chunked files checked'
              % (name, len(model.layers), len(weights)))
    for e in errors[:20]:
        print('FAIL ' + e)
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
